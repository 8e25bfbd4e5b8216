"""Loops: Python when the loop is static, ``lax`` when the trip count or items are traced.

Python meaning of the helpers (what the generated code asks for)::

    def while_loop(cond_fn, body_fn, carry):
        while cond_fn(*carry):
            carry = body_fn(*carry)
        return carry

    def fori_loop(lower, upper, body_fn, carry, step=1):
        for i in range(lower, upper, step):
            carry = body_fn(i, *carry)
        return carry

    def for_each(iterable, body_fn, carry):
        for item in iterable:
            carry = body_fn(item, *carry)
        return carry

How each runs:

* ``while_loop`` evaluates the condition in Python; as soon as it is traced the rest
  of the loop becomes ``lax.while_loop``.
* ``fori_loop`` with traced bounds becomes ``lax.fori_loop`` (a ``while_loop``). With
  static bounds it keeps Python's meaning, but a range longer than ``UNROLL_LIMIT`` is
  compiled as ``lax.fori_loop`` with static bounds, which lowers to ``scan`` and so is
  reverse-differentiable, instead of being unrolled. If the body cannot run with a
  traced index (it indexes a Python list, say), the loop is unrolled as Python does.
* ``for_each`` over a traced array (or ``enumerate``/``zip`` of arrays) is ``lax.scan``
  over the leading axis; over lists, tuples, dicts and NumPy arrays it is a Python loop.
* When a carried value changes type in the first iteration of a loop with a known
  length (``s = 0`` then ``s = s + row``), that iteration runs as Python and the rest
  is compiled, so the result is exactly Python's.
"""

from __future__ import annotations

import builtins
import operator

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.errors import CarryTypeError, UndefinedVariableError
from py2lax.runtime.carry import cast_tree, joined_dtypes, leaf_types
from py2lax.runtime.statements import describe
from py2lax.runtime.undefined import Undefined
from py2lax.runtime.values import is_jax_array, is_traced, truth

# Static loops with at most this many iterations are unrolled (cheap to compile, and XLA
# optimises straight-line code best); longer ones are compiled as loops. Measured in
# benchmarks/unroll_threshold.py: unrolling costs about as much as one compiled loop
# near 8 iterations on CPU, and grows linearly beyond.
UNROLL_LIMIT = 8

# A carried value's dtype can be promoted at most this many times (e.g. int -> float32).
_MAX_PROMOTIONS = 3


def while_loop(cond_fn, body_fn, carry):
    carry = tuple(carry)
    while True:
        keep_going = cond_fn(*carry)
        if is_traced(keep_going):
            return _traced_while(cond_fn, body_fn, carry)
        if not keep_going:
            return carry
        carry = tuple(body_fn(*carry))


def fori_loop(lower, upper, body_fn, carry, step=1):
    carry = tuple(carry)
    if any(is_traced(bound) for bound in (lower, upper, step)):
        return _traced_range(lower, upper, step, body_fn, carry)
    indices = range(operator.index(lower), operator.index(upper), operator.index(step))
    if len(indices) <= UNROLL_LIMIT:
        return _python_loop(indices, body_fn, carry)
    info = describe(body_fn, "for", len(carry))

    def compiled(indices, carry):
        if indices.step == 1:  # what one writes by hand: lax.fori_loop(start, stop, ...)
            bounds, index = (indices.start, indices.stop), lambda i: i
        else:
            bounds, index = (0, len(indices)), lambda k: indices.start + k * indices.step

        def step_fn(i, state):
            return tuple(body_fn(index(i), *state))

        return _lax_loop(lambda f, c: lax.fori_loop(*bounds, f, c), step_fn, carry, info,
                         body_arity="index")

    def peeled():
        return _peeling_first_iteration(compiled, indices, lambda i: i, body_fn, carry)

    return _compiled_or_unrolled(peeled, indices, body_fn, carry)


def for_each(iterable, body_fn, carry):
    carry = tuple(carry)
    sequences, make_item = _scannable(iterable)
    if sequences is None:
        return _python_loop(iterable, body_fn, carry)
    info = describe(body_fn, "for", len(carry))

    def compiled(sequences, carry):
        def step_fn(state, x):
            return tuple(body_fn(make_item(x), *state)), None

        return _lax_loop(lambda f, c: lax.scan(f, c, sequences)[0], step_fn, carry, info,
                         body_arity="scan")

    def peeled():
        return _peeling_first_iteration(compiled, _Rows(sequences), make_item, body_fn, carry)

    if any(is_traced(leaf) for leaf in jax.tree_util.tree_leaves(sequences)):
        return peeled()
    length = len(jax.tree_util.tree_leaves(sequences)[0])
    if length <= UNROLL_LIMIT:
        return _python_loop(iterable, body_fn, carry)
    return _compiled_or_unrolled(peeled, iterable, body_fn, carry)


class _Rows:
    """A pytree of arrays seen as a sequence of rows (what ``scan`` iterates over)."""

    def __init__(self, tree):
        self.tree = tree

    def __len__(self):
        return len(jax.tree_util.tree_leaves(self.tree)[0])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return jax.tree_util.tree_map(lambda x: x[index], self.tree)
        return jax.tree_util.tree_map(lambda x: x[index], self.tree)


def _peeling_first_iteration(compiled, items, make_item, body_fn, carry):
    """Run ``compiled(items, carry)``; if the carry changes type after the first iteration
    (``s = 0`` then ``s = s + row``), run that iteration as Python and compile the rest.

    The result is exactly Python's: the first iteration sees the initial values as they
    are, and from then on the carry has the type the body gives it.
    """
    try:
        return compiled(items if not isinstance(items, _Rows) else items.tree, carry)
    except CarryTypeError:
        if len(items) == 0:
            raise
    first = items[0]
    carry = tuple(body_fn(make_item(first), *carry))
    rest = items[1:]
    return compiled(rest, carry)


class enumerate(builtins.enumerate):
    """``enumerate`` that ``for_each`` can see through: over an array it becomes a scan."""

    def __new__(cls, iterable, start=0):
        self = super().__new__(cls, iterable, start)
        self.iterable, self.start = iterable, start
        return self


class zip(builtins.zip):
    """``zip`` that ``for_each`` can see through: over arrays it becomes a scan."""

    def __new__(cls, *iterables, **kwargs):
        self = super().__new__(cls, *iterables, **kwargs)
        self.iterables = iterables
        return self


def _scannable(iterable):
    """``(sequences, make_item)`` for a scan over ``iterable``, or ``(None, None)``."""
    if isinstance(iterable, enumerate) and is_jax_array(iterable.iterable):
        xs = iterable.iterable
        indices = jnp.arange(len(xs)) + iterable.start
        return (indices, xs), lambda x: (x[0], x[1])
    if isinstance(iterable, zip) and iterable.iterables and all(
        is_jax_array(x) for x in iterable.iterables
    ):
        length = min(len(x) for x in iterable.iterables)
        return tuple(x[:length] for x in iterable.iterables), tuple
    if is_jax_array(iterable) and not isinstance(iterable, (enumerate, zip)):
        if jnp.ndim(iterable) == 0:
            raise TypeError("iteration over a 0-d array")
        return iterable, lambda x: x
    return None, None


def _python_loop(iterable, body_fn, carry):
    for item in iterable:
        carry = tuple(body_fn(item, *carry))
    return carry


def _compiled_or_unrolled(compiled, iterable, body_fn, carry):
    """Compile a static loop; unroll it as Python if its body needs concrete items."""
    try:
        return compiled()
    except Exception:  # noqa: BLE001 - any failure: Python's own meaning decides
        return _python_loop(iterable, body_fn, carry)


def _traced_while(cond_fn, body_fn, carry):
    info = describe(body_fn, "while", len(carry))
    _check_defined(carry, info)

    def loop(step_fn, state):
        return lax.while_loop(lambda c: truth(cond_fn(*c), info.location), step_fn, state)

    return _lax_loop(loop, lambda state: tuple(body_fn(*state)), carry, info, body_arity="carry")


def _traced_range(lower, upper, step, body_fn, carry):
    info = describe(body_fn, "for", len(carry))
    _check_defined(carry, info)
    if not is_traced(step) and step == 1:  # what one writes by hand
        bounds, index = (lower, upper), lambda i: i
    else:
        bounds, index = (0, _trip_count(lower, upper, step)), lambda k: lower + k * step

    def step_fn(i, state):
        return tuple(body_fn(index(i), *state))

    return _lax_loop(lambda f, c: lax.fori_loop(*bounds, f, c), step_fn, carry, info,
                     body_arity="index")


def _trip_count(lower, upper, step):
    """``len(range(lower, upper, step))`` for traced bounds."""
    if not is_traced(step):
        if step == 0:
            raise ValueError("range() arg 3 must not be zero")
        if step > 0:
            return jnp.maximum(0, (upper - lower + step - 1) // step)
        return jnp.maximum(0, (lower - upper - step - 1) // (-step))
    up = jnp.maximum(0, (upper - lower + step - 1) // jnp.maximum(step, 1))
    down = jnp.maximum(0, (lower - upper - step - 1) // jnp.maximum(-step, 1))
    return jnp.where(step > 0, up, down)


class _Recorder:
    """Wraps a loop step to remember the carry types it produced."""

    def __init__(self, step_fn, body_arity):
        self.step_fn, self.body_arity = step_fn, body_arity
        self.types = None

    def __call__(self, *args):
        result = self.step_fn(*args)
        carry = result[0] if self.body_arity == "scan" else result
        self.types = tuple(leaf_types(v) for v in carry)
        return result


def _lax_loop(loop, step_fn, carry, info, body_arity):
    """Run ``loop(step, carry)``; on a carry dtype mismatch promote the carry and retry."""
    _check_defined(carry, info)
    for _attempt in range(_MAX_PROMOTIONS + 1):
        recorder = _Recorder(step_fn, body_arity)
        try:
            return tuple(loop(recorder, carry))
        except TypeError:
            if recorder.types is None:
                raise  # the body itself failed to trace: that error is the user's
        carry = _promoted(carry, recorder.types, info)
    raise AssertionError("unreachable: carry promotion did not converge")


def _promoted(carry, body_types, info):
    """The carry cast to the dtypes the body produces (raises CarryTypeError otherwise)."""
    init_types = tuple(leaf_types(v) for v in carry)
    casts = joined_dtypes([init_types, body_types], info, "every iteration of the loop",
                          ("value before the loop", "value after one iteration"))
    if all(target is None for leaf in casts for target in leaf):
        raise CarryTypeError(
            "the loop's carried values changed type in a way py2lax cannot join",
            location=info.location, names=info.carried,
            rule="a lax loop keeps each carried value's shape and dtype fixed.",
            fix="give each carried variable its final dtype before the loop.",
        )
    return tuple(cast_tree(v, c) for v, c in builtins.zip(carry, casts))


def _check_defined(carry, info):
    for index, value in builtins.enumerate(carry):
        if isinstance(value, Undefined):
            name = info.name_of(index)
            raise UndefinedVariableError(
                f"variable {name!r} is first assigned inside this traced `{info.kind}` loop "
                "and used after it (or in the loop's next iteration or condition)",
                location=info.location, names=(name,),
                rule="a lax loop carries its variables from one iteration to the next, so each "
                "needs a value (with its final shape and dtype) before the loop starts; Python "
                "would also fail if the loop ran zero times.",
                fix=f"initialise {name!r} before the loop, e.g. `{name} = jnp.zeros_like(...)`.",
            )
