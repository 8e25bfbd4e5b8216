"""Helper functions ``--standalone`` output defines once per module, after its imports.

The type joins ``carry_types`` writes (the common type of a ``lax.cond``'s branches, a
loop's carry given the type one iteration gives it) are a few ``jax.tree.map`` calls
each; written out at every statement, they made lines nobody could read. Each is a
small named, documented function of the output module instead, and the statements call
it by name::

    types_3 = _py2lax_joined_types(jax.eval_shape(if_true_3, r, v), jax.eval_shape(...))
    r, v = jax.lax.cond(x > t, _py2lax_typed(if_true_3, types_3), ..., r, v)

``with_shared_definitions`` adds the definitions the module calls and does not define
yet, once, after its imports; a second run finds them defined and adds nothing (the
command leaves them as they are: they hold no control flow to convert). The names carry
a ``_py2lax_`` prefix; code that binds one of them itself is refused
(``helper_name``), so a user's name is never shadowed.
"""

from __future__ import annotations

import re

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.module_memo import memo

PREFIX = "_py2lax_"

# Each helper's text, with `jax.` and `jnp.` spelled as the module spells them when
# written (`_spelled`), and the helpers it calls.
_TEXTS = {
    "joined_types": ('''
def _py2lax_joined_types(first, second):
    """The type two branches' outputs are cast to (``_py2lax_typed``), leaf by leaf:
    the larger shape (one may be an empty placeholder, a result no ``return`` gave
    yet) and the dtype jnp promotion gives both."""
    def joined(a, b):
        shape = max(a, b, key=lambda s: s.size).shape
        return jax.ShapeDtypeStruct(shape, jnp.result_type(a, b))
    return jax.tree.map(joined, first, second)
''', ()),
    "as_type": ('''
def _py2lax_as_type(value, like):
    """``value`` cast, leaf by leaf, to the shape and dtype of ``like``: an empty
    placeholder becomes zeros (a value of another size fails to reshape, as lax
    would)."""
    def cast(v, t):
        flat = jnp.ravel(jnp.asarray(v, t.dtype))
        zeros = jnp.zeros(t.size * (jnp.size(v) == 0), t.dtype)
        return jnp.reshape(jnp.concatenate([flat, zeros]), t.shape)
    return jax.tree.map(cast, value, like)
''', ()),
    "typed": ('''
def _py2lax_typed(branch, types):
    """``branch`` with its outputs cast to ``types`` (``_py2lax_as_type``): both
    branches of a ``lax.cond`` give the one type ``_py2lax_joined_types`` found."""
    return lambda *args: _py2lax_as_type(branch(*args), types)
''', ("as_type",)),
    "dtyped": ('''
def _py2lax_dtyped(branch, dtypes):
    """``branch`` with its outputs cast to ``dtypes`` (the ``result_type`` of both
    branches' outputs): both branches of a ``lax.cond`` give one dtype."""
    return lambda *args: jax.tree.map(jnp.asarray, branch(*args), dtypes)
''', ()),
    "dtyped_pair": ('''
def _py2lax_dtyped_pair(if_true, if_false, *operands):
    """Both branches of a ``lax.cond`` on ``operands``, their outputs cast to the dtypes
    jnp promotion gives both (``x if x > 0 else 0``: a float32 and a Python int)."""
    dtypes = jax.tree.map(jnp.result_type, jax.eval_shape(if_true, *operands),
                          jax.eval_shape(if_false, *operands))
    return _py2lax_dtyped(if_true, dtypes), _py2lax_dtyped(if_false, dtypes)
''', ("dtyped",)),
    "as_dtype": ('''
def _py2lax_as_dtype(value, like):
    """``value`` cast, leaf by leaf, to the dtype of ``like``: a loop's carry starts
    with the dtype one iteration gives it (an int counter that ``+= 0.5`` makes a
    float)."""
    return jax.tree.map(lambda v, t: jnp.asarray(v, t.dtype), value, like)
''', ()),
    "contents": ('''
def _py2lax_contents(value):
    """A copy of the lists and dicts ``value`` is and holds, their other items as they
    are: what lax carries for a container another name reaches (``_py2lax_refill``
    puts it back into the container itself)."""
    return ({k: _py2lax_contents(v) for k, v in value.items()} if isinstance(value, dict)
            else [_py2lax_contents(v) for v in value] if isinstance(value, list) else value)
''', ()),
    "refill": ('''
def _py2lax_refill(target, contents):
    """``contents`` (``_py2lax_contents`` of ``target``, as lax gives it back) put into
    the list or dict ``target`` in place, and into the lists and dicts it holds: every
    name that reaches them sees the change, as in Python."""
    return [_py2lax_refill(target[k], v) if type(target[k]) is type(v) and isinstance(
                v, (list, dict)) else target.__setitem__(k, v)
            for k, v in (contents.items() if isinstance(contents, dict) else enumerate(contents))]
''', ()),
    "math": ('''
def _py2lax_math(python, twin, *args):
    """The ``math`` function ``python`` on Python numbers (Python's result type and
    errors: ``math.log(-1.0)`` raises ``ValueError``), its jax.numpy ``twin`` on arrays
    (a traced value)."""
    import numbers
    return (twin, python)[all([isinstance(a, numbers.Real) for a in args])](*args)
''', ()),
    "divide": ('''
def _py2lax_divide(left, right, op, where):
    """``left <op> right`` (``/``, ``//``, ``%``) inside a ``try`` that catches
    ZeroDivisionError, at ``where`` (``file.py:line``). Python raises for a zero
    divisor there and runs the handler, but a compiled division never raises (``inf``),
    so a traced scalar divisor is refused with the test to write; a Python zero divisor
    raises Python's ZeroDivisionError, for a traced dividend too."""
    import operator
    def refused(left, right):
        raise TypeError(
            f"{where}: `{op}` by a traced value inside a `try` that catches "
            "ZeroDivisionError: a compiled division never raises (it gives inf or nan), "
            f"so the handler would never run; test the divisor instead: `a {op} b if b "
            f"!= 0 else 0.0` (a lax.cond), or `jnp.where(b != 0, a {op} jnp.where(b != 0, "
            "b, 1), 0.0)`")
    def by_zero(left, right):
        raise ZeroDivisionError("division by zero")
    apply = {"/": operator.truediv, "//": operator.floordiv, "%": operator.mod}[op]
    return (apply if isinstance(left, (str, bytes))  # `"%d items" % n`: formatting
            else refused if isinstance(right, jax.core.Tracer) and right.ndim == 0
            else {0: by_zero}.get(right, apply) if isinstance(right, (int, float))
            and not hasattr(right, "dtype") and isinstance(left, jax.core.Tracer)
            else apply)(left, right)
''', ()),
    "caught_math": ('''
def _py2lax_caught_math(function, *args, where):
    """``function(*args)`` (``math.sqrt(x)``) inside a ``try`` that catches its
    ValueError or OverflowError, at ``where`` (``file.py:line``). Python raises for a value
    outside the function's domain or range and runs the handler, but the compiled
    jax.numpy function never raises (``nan``, ``inf``), so a traced argument is refused
    with the test to write; Python numbers call the function as written."""
    def refused(*args):
        raise TypeError(
            f"{where}: `math.{function.__name__}` of a traced value inside a `try` that "
            "catches its error: the compiled function never raises (it gives nan or inf), "
            "so the handler would never run; test the value instead: `math.sqrt(x) if x "
            ">= 0 else -1.0` (a conditional expression), or `jnp.where(x >= 0, jnp.sqrt(jnp.where(x >= 0, "
            "x, 1.0)), -1.0)`")
    return (function, refused)[any([isinstance(a, jax.core.Tracer) for a in args])](*args)
''', ()),
    "sorted": ('''
def _py2lax_sorted(items, key=None, reverse=False):
    """Python's ``sorted(items, key=key, reverse=reverse)``. Traced keys (numbers) are
    put in order by a stable ``jnp.argsort`` (``descending=`` keeps equal keys in their
    original order, as ``reverse=True`` does) and the items taken in that order; other
    keys by Python's own ``sorted``. ``key`` runs once per item, as in Python."""
    import builtins
    items = builtins.list(items)
    keys = items if key is None else [key(item) for item in items]
    def by_python(items, keys):
        order = builtins.sorted(range(len(items)), key=keys.__getitem__, reverse=reverse)
        return [items[position] for position in order]
    def by_argsort(items, keys):
        order = jnp.argsort(jnp.stack([jnp.reshape(k, ()) for k in keys]), stable=True,
                            descending=reverse)
        return [jax.tree.map(lambda *leaves: jnp.stack(leaves)[order[place]], *items)
                for place in range(len(items))]
    traced = [isinstance(k, jax.core.Tracer) for k in keys]
    return (by_python, by_argsort)[builtins.any(traced)](items, keys)
''', ()),
    "extremum": ('''
def _py2lax_extremum(builtin, *values, key, **options):
    """Python's ``min``/``max`` (``builtin``) with ``key=``: the first item whose key
    no later item beats. With traced keys (numbers) the items are chosen by
    ``jnp.where``, one comparison at a time, as Python compares them; other keys by
    Python's own ``builtin``. ``key`` runs once per item, as in Python."""
    import builtins
    import functools
    items = builtins.list(values[0] if len(values) == 1 else values)
    keys = [key(item) for item in items]
    def by_python(items, keys):
        return (builtin(*values, key=key, **options) if len(items) == 0  # (its default)
                else items[builtin(range(len(items)), key=keys.__getitem__)])
    def by_where(items, keys):
        def step(chosen, candidate):
            (result, best), (item, value) = chosen, candidate
            better = jnp.reshape(value < best if builtin is builtins.min else value > best, ())
            return (jax.tree.map(lambda new, old: jnp.where(better, new, old), item, result),
                    jnp.where(better, value, best))
        return functools.reduce(step, builtins.list(zip(items[1:], keys[1:])),
                                (items[0], keys[0]))[0]
    traced = [isinstance(k, jax.core.Tracer) for k in keys]
    return (by_python, by_where)[builtins.any(traced)](items, keys)
''', ()),
    "python_test": ('''
def _py2lax_python_test(test, where, reason):
    """``test()``: the test of an ``if`` or ``while`` the output keeps as Python at
    ``where`` (``file.py:line``), for ``reason``. Python's own value where it is one (a
    static argument, a Python loop's index). Where it is traced, or ``and``, ``or`` or
    ``not`` inside it takes the bool of a traced value, JAX's own error is raised with
    a first line that names the user's line, the reason and what to write (JAX names
    only the function being traced). An error raised inside a function the test calls
    is that function's, and goes on as it is."""
    import operator
    import traceback
    def located(error):
        error.args = (f"{where}: this test stays Python in --standalone output ({reason}), "
                      "so it must be a Python value when traced, but it depends on a traced "
                      "argument; make what it tests static (jax.jit's static_argnums), "
                      "change the code as the reason says, or drop --standalone to keep the "
                      "py2lax runtime\\n" + str(error.args[0]),) + error.args[1:]
        raise error
    def reraised(error):
        raise error
    def tested():
        try:
            value = test()
            (lambda: None, lambda: operator.truth(value))[isinstance(value, jax.core.Tracer)]()
            return value, None
        except jax.errors.ConcretizationTypeError as error:
            return None, error
    value, error = tested()
    # frames: tested, a lambda, then what raised: jax's own bool() for the test's own
    frames = [frame for frame, _ in traceback.walk_tb(getattr(error, "__traceback__", None))]
    own = [frame.f_globals.get("__name__", "").startswith("jax.") for frame in frames[2:3]]
    choice = (error is not None) + own.count(True)
    return (lambda: value, lambda: reraised(error), lambda: located(error))[choice]()
''', ()),
    "python_ints_fori_loop": ('''
def _py2lax_python_ints_fori_loop(lower, upper, body, carry):
    """``jax.lax.fori_loop(lower, upper, body, carry)`` for a loop whose carry starts as
    Python ints that may outgrow int32 (``r *= i``): while the bounds and the carry are
    Python numbers (static arguments) it runs as Python, exact as the runtime runs it,
    where lax would wrap around silently; from the first traced value on, lax runs the
    rest."""
    import builtins
    import itertools
    def python(values):
        return builtins.all(isinstance(v, (int, float)) for v in jax.tree.leaves(values))
    box = [lower, carry]
    def running(_):
        return (lambda: False, lambda: box[0] < upper)[python([box, upper])]()
    def step(_):
        box[:] = [box[0] + 1, body(box[0], box[1])]
    [step(_) for _ in itertools.takewhile(running, itertools.repeat(None))]
    return (lambda: jax.lax.fori_loop(box[0], upper, body, box[1]),
            lambda: box[1])[python([box, upper])]()
''', ()),
    "python_ints_while_loop": ('''
def _py2lax_python_ints_while_loop(cond, body, carry):
    """``jax.lax.while_loop(cond, body, carry)`` for a loop whose carry starts as Python
    ints that may outgrow int32 (``a, b = b, a + b``): while the carry and the test are
    Python values (static arguments) it runs as Python, exact as the runtime runs it,
    where lax would wrap around silently; from the first traced value on, lax runs the
    rest."""
    import builtins
    import itertools
    def python(values):
        return builtins.all(isinstance(v, (int, float)) for v in jax.tree.leaves(values))
    box = [carry, None]
    def running(_):
        box[1] = (lambda: False, lambda: cond(box[0]))[python(box[0])]()
        return (lambda: False, lambda: builtins.bool(box[1]))[python(box[1])]()
    def step(_):
        box[0] = body(box[0])
    [step(_) for _ in itertools.takewhile(running, itertools.repeat(None))]
    return (lambda: jax.lax.while_loop(cond, body, box[0]),
            lambda: box[0])[python(box)]()
''', ()),
    "python_bound": ('''
def _py2lax_python_bound(value, where, reason):
    """``value``: a bound of the ``range`` of a ``for`` the output keeps as Python at
    ``where`` (``file.py:line``), for ``reason``. Python's own value where it is one (a
    static argument). Where it is traced, Python's ``range`` cannot run: JAX's own error
    is raised with a first line that names the user's line, the reason and what to
    write (JAX names only the function being traced)."""
    import operator
    def located():
        try:
            operator.index(value)
        except TypeError as error:
            error.args = (f"{where}: this loop stays Python in --standalone output "
                          f"({reason}), so the bounds of its `range` must be Python ints "
                          "when traced, but one depends on a traced argument; make it "
                          "static (jax.jit's static_argnums), change the code as the reason "
                          "says, or drop --standalone\\n"
                          + str(error.args[0]),) + error.args[1:]
            raise error
        return value
    return (lambda: value, located)[isinstance(value, jax.core.Tracer)]()
''', ()),
    "python_or_lax_cond": ('''
def _py2lax_python_or_lax_cond(where, test, true_fun, false_fun, *operands):
    """``jax.lax.cond(test, true_fun, false_fun, *operands)`` for the ``if`` at ``where``
    (``file.py:line``) whose branch holds the function's end (``if not returned:
    return_value = None``, tested when tracing) or ``return None``. Where ``test`` is a
    Python value, the branch it picks is called, as Python runs the ``if``: it may give
    None (the function ends without ``return``), which lax cannot. Where it is traced,
    each branch is traced with the Python values it holds (a static argument decides
    whether its path returns), and a branch that still gives None (that path ends
    without ``return``, another returns a value) is a TypeError naming the user's line:
    lax gives one type of value (JAX names only the function). The branches' outputs are
    cast to one type (``_py2lax_joined_types``): a result no ``return`` gave yet on one
    path is an empty placeholder."""
    import builtins
    def located():
        raise TypeError(f"{where}: a value is None on a path this traced test chooses (the "
                        "function may end without `return`, or a variable still holds "
                        "None) and not on another, but lax gives one type of value; return "
                        "or assign a value on every path (a number, and a flag beside it, "
                        "instead of None), make the test static (jax.jit's static_argnums), "
                        "or drop --standalone")
    def checked(branch):
        def run(*args):
            out = branch(*args)
            leaves = jax.tree_util.tree_leaves(out, is_leaf=lambda v: v is None)
            return (lambda: out, located)[builtins.any([v is None for v in leaves])]()
        return run
    def python():
        return (false_fun, true_fun)[builtins.bool(test)](*operands)
    def lax():
        branches = [checked(true_fun), checked(false_fun)]
        types = _py2lax_joined_types(*[jax.eval_shape(b, *operands) for b in branches])
        return jax.lax.cond(test, *[_py2lax_typed(b, types) for b in branches], *operands)
    return (python, lax)[isinstance(test, jax.core.Tracer)]()
''', ("joined_types", "typed")),
    "GrowingList": ('''
@jax.tree_util.register_pytree_node_class
class _py2lax_GrowingList:
    """A list a loop with a traced ``break`` grows, as lax carries it: ``rows`` with
    room for every item the loop could append and ``count``, how many hold items (the
    list's length, which the ``break`` decides). ``len``/``sum``/``max``/``min`` of it
    (``_py2lax_list_read``) and ``v[k]`` read the rows below the count; anything that
    needs the items as a Python list is a TypeError naming the loop (``where``): a shape
    that depends on a traced value cannot exist. A read past the items (which lax may
    evaluate where Python's ``and`` would skip it) gives NaN, not Python's error."""

    def __init__(self, rows, count, where, name):
        self.rows = rows
        self.count = count
        self.where = where
        self.name = name

    def tree_flatten(self):
        return (self.rows, self.count), (self.where, self.name)

    @classmethod
    def tree_unflatten(cls, static, children):
        return cls(*children, *static)

    def append(self, item):
        self.rows = jax.tree.map(lambda rows, v: rows.at[self.count].set(v), self.rows, item)
        self.count = self.count + 1

    def stacked(self):
        return self.rows

    def extend(self, items):
        list(map(self.append, items))

    def __getitem__(self, k):
        (lambda: None, self._unknown_length)[not isinstance(k, int)]()
        position = k + self.count * (k < 0)
        missing = (position < 0) | (position >= self.count)
        return jax.tree.map(lambda rows: _py2lax_unless(missing, rows[position]), self.rows)

    def _unknown_length(self, *args, at=None, **kwargs):
        raise TypeError(
            f"{(at, self.where)[at is None]}: the list `{self.name}` grows in the loop at "
            f"{self.where}, whose traced `break` decides its length, which is not known "
            "when tracing; read only "
            f"`len({self.name})`, `sum({self.name})`, `max`/`min` or "
            f"`{self.name}[-1]` after it, or preallocate `{self.name} = "
            f"jnp.zeros(N)` and write `{self.name} = {self.name}.at[count].set(v)` with "
            "a count you carry, or make what the `break` tests static")

    __len__ = __iter__ = __array__ = __jax_array__ = __bool__ = _unknown_length
''', ("unless",)),
    "unless": ('''
def _py2lax_unless(missing, value):
    """``value``, or NaN where ``missing`` (an item a list does not hold): a float that
    Python's list would not give cannot pass for an answer."""
    inexact = jnp.issubdtype(jnp.result_type(value), jnp.inexact)
    return (lambda: value, lambda: jnp.where(missing, jnp.nan, value))[inexact]()
''', ()),
    "ListProbe": ('''
@jax.tree_util.register_pytree_node_class
class _py2lax_ListProbe(_py2lax_GrowingList):
    """What one iteration is traced with to learn what it appends to the list: each
    ``append`` (in both branches of a traced ``if`` too) records its item's type under
    the probe's ``key``, and a read gives zeros of the type last seen (a guess first:
    ``if hist and hist[-1] ...`` before the first ``append`` reads the list)."""

    seen = {}  # key -> a guessed type, the list's items' types, each appended item's

    def tree_flatten(self):
        return (self.count,), (self.where, self.name, self.rows)

    @classmethod
    def tree_unflatten(cls, static, children):
        where, name, key = static
        return cls(key, children[0], where, name)

    def append(self, item):
        self.seen[self.rows].append(jax.tree.map(_py2lax_type_of, item))
        self.count = self.count + 1

    def stacked(self):
        return jax.tree.map(lambda t: jnp.zeros((1,) + t.shape, t.dtype),
                            self.seen[self.rows][-1])

    def __getitem__(self, k):
        (lambda: None, self._unknown_length)[not isinstance(k, int)]()
        return jax.tree.map(lambda t: jnp.zeros(t.shape, t.dtype), self.seen[self.rows][-1])
''', ("GrowingList", "type_of")),
    "type_of": ('''
def _py2lax_type_of(value):
    """``value``'s shape and dtype."""
    return jax.ShapeDtypeStruct(jnp.shape(value), jnp.result_type(value))
''', ()),
    "list_room": ('''
def _py2lax_list_room(items, steps, body, first, carry, position, where, name):
    """The list ``items`` a loop with a traced ``break`` grows, as a
    ``_py2lax_GrowingList`` with room for ``steps`` iterations that each append as many
    items as one may (``body(*first, carry)`` traced with a ``_py2lax_ListProbe`` at
    ``position``), of the type they share."""
    def traced(guess):  # (the types seen, given what a read before any item gives)
        key = len(_py2lax_ListProbe.seen)
        _py2lax_ListProbe.seen[key] = [guess] + [jax.tree.map(_py2lax_type_of, item)
                                                 for item in items]
        probe = _py2lax_ListProbe(key, len(items), where, name)
        jax.eval_shape(lambda given: body(*first, given),
                       carry[:position] + (probe,) + carry[position + 1:])
        return _py2lax_ListProbe.seen.pop(key)[1:]
    types = traced(traced(jax.ShapeDtypeStruct((), jnp.float32))[-1])
    appended = len(types) - len(items)
    def rows(*columns):  # (the types seen, then the items the list had)
        seen, before = columns[:len(types)], columns[len(types):]
        dtype = jnp.result_type(*[t.dtype for t in seen])
        shape = seen[-1].shape
        before = jnp.reshape(jnp.asarray(before, dtype), (len(before),) + shape)
        return jnp.concatenate([before, jnp.zeros((steps * appended,) + shape, dtype)])
    return _py2lax_GrowingList(jax.tree.map(rows, *types, *items), len(items), where, name)
''', ("GrowingList", "ListProbe", "type_of")),
    "list_grown": ('''
def _py2lax_list_grown(grown):
    """After the loop: a Python list of the items ``grown`` holds where its count is
    known (run on Python values, as Python's loop gives it); else ``grown`` itself."""
    import builtins
    def python():
        return [jax.tree.map(lambda rows: rows[k], grown.rows)
                for k in range(builtins.int(grown.count))]
    kept = builtins.any((isinstance(getattr(grown, "count", None), jax.core.Tracer),
                         not isinstance(grown, _py2lax_GrowingList)))
    return (python, lambda: grown)[kept]()
''', ("GrowingList",)),
    "list_whole": ('''
def _py2lax_list_whole(items, at):
    """``items`` itself, read at ``at`` after the loop that grew it (returned, stored,
    stacked): a TypeError naming both where it is a ``_py2lax_GrowingList`` of traced
    length, whose items a Python list of known length cannot hold."""
    grown = isinstance(items, _py2lax_GrowingList)
    return (lambda: items, lambda: items._unknown_length(at=at))[grown]()
''', ("GrowingList",)),
    "list_read": ('''
def _py2lax_list_read(reader, items):
    """``reader(items)`` (``len``, ``sum``, ``max`` or ``min``), of the rows below the
    count where ``items`` is a ``_py2lax_GrowingList`` of traced length (``max`` of no
    items: NaN, where Python raises)."""
    def grown():
        rows, count = items.stacked(), items.count
        kept = jnp.arange(len(rows)) < count
        def total():
            return jnp.sum(jnp.where(kept, rows.T, 0).T, axis=0)
        def extreme():  # (of numbers: Python's max of arrays asks their truth)
            (lambda: None, items._unknown_length)[jnp.ndim(rows) != 1]()
            best = {max: jnp.max, min: jnp.min}[reader](jnp.where(kept, rows, rows[0]))
            return _py2lax_unless(count == 0, best)
        return {len: lambda: count, sum: total, max: extreme, min: extreme}[reader]()
    return (lambda: reader(items), grown)[isinstance(items, _py2lax_GrowingList)]()
''', ("GrowingList", "unless")),
    "unless_broken": ('''
def _py2lax_unless_broken(broke, iteration, item, *carry):
    """One iteration of a ``for`` with ``break`` that runs as Python (over a list,
    tuple or dict): ``iteration(item, *carry)`` while the break flag ``broke`` is
    Python's False; ``carry`` as it is once it is True (the items left change nothing,
    as after Python's ``break``). Where a traced ``break`` made it traced, the iteration
    runs under ``jax.lax.cond`` on it, both outputs cast to one dtype."""
    import builtins
    def run(*carry):
        return iteration(item, *carry)
    def skip(*carry):
        return carry
    def python():
        return (run, skip)[builtins.bool(broke)](*carry)
    def lax():
        return jax.lax.cond(broke, *_py2lax_dtyped_pair(skip, run, *carry), *carry)
    return (python, lax)[isinstance(broke, jax.core.Tracer)]()
''', ("dtyped_pair",)),
    "parameter_cond": ('''
def _py2lax_parameter_cond(where, names, parameters, python_branches, test, true_fun,
                           false_fun, *operands):
    """``jax.lax.cond(test, true_fun, false_fun, *operands)`` for the ``if`` at ``where``
    (``file.py:line``) whose branches write in place into the function's ``parameters``
    (named ``names``). Where ``test`` is a Python value, the branch it picks of
    ``python_branches`` (as written, their outputs not cast) is called, as Python runs
    the ``if``: a NumPy array given is changed in place, and stays the caller's. Where
    it is traced, lax.cond, whose writes make new arrays: each parameter must be a JAX
    array, which no caller sees change; a NumPy array or a list is a TypeError naming
    the user's line (lax would change a copy the caller never sees). A branch that
    gives None (the function's end, tested when tracing) is one too where traced: the
    traced test runs through ``_py2lax_python_or_lax_cond``."""
    import builtins
    def python():
        return python_branches[::-1][builtins.bool(test)](*operands)
    def located(name):
        raise TypeError(f"{where}: this test stays Python in --standalone output (it "
                        f"updates the parameter `{name}` in place, which the caller must "
                        f"see), so it must be a Python value when `{name}` is not a JAX "
                        "array, "
                        "but it depends on a traced argument; pass a JAX array, return "
                        f"`{name}` and use what is returned, or drop --standalone")
    def lax():
        [(lambda: None, lambda: located(name))[not isinstance(value, jax.Array)]()
         for name, value in zip(names, parameters)]
        return _py2lax_python_or_lax_cond(where, test, true_fun, false_fun, *operands)
    return (python, lax)[isinstance(test, jax.core.Tracer)]()
''', ("python_or_lax_cond",)),
    "keyed": ('''
def _py2lax_keyed(mapping, keys, position):
    """``mapping[keys[position]]``: ``mapping[s]``, the string ``s`` written as its
    position among ``keys``, the strings the code binds to it (a traced statement may
    choose it). Python's own item where the position is a Python int. Where it is
    traced, the items of every key, stacked, picked by it (lax cannot carry a string)."""
    def python():
        return mapping[keys[position]]
    def traced():
        return jnp.stack([jnp.asarray(mapping[key]) for key in keys])[position]
    return (python, traced)[isinstance(position, jax.core.Tracer)]()
''', ()),
    "checked_position": ('''
def _py2lax_checked_position(value, index):
    """The position ``value[index] = ...`` writes inside a ``try`` whose ``except``
    catches ``IndexError``, checked as ``_py2lax_checked_item`` checks a read where
    ``value`` is a jax array (JAX drops a write past the end, where NumPy raises). A
    list or dict raises at the write itself, and a new key is no error: nothing read."""
    return (lambda: None, lambda: _py2lax_checked_item(value, index))[
        isinstance(value, jax.Array)]()
''', ("checked_item",)),
    "checked_item": ('''
def _py2lax_checked_item(value, index):
    """``value[index]`` read inside a ``try`` whose ``except`` catches ``IndexError``:
    where ``value`` is a jax array and ``index`` a Python int (or a tuple of them) past
    the end of its axis, Python's ``IndexError``, which JAX does not raise (it clamps
    the index and gives the last item, a different answer). A traced integer position
    into a jax array is refused: whether it is past the end is known only when the
    program runs, where the read never raises."""
    import builtins
    indices = ((index,), index)[isinstance(index, tuple)]
    plain = builtins.all([isinstance(value, jax.Array)] + [type(i) is int for i in indices])
    shape = (lambda: (), lambda: jnp.shape(value))[plain]()
    outside = [i for i, n in zip(indices, shape) if range(-n, n).count(i) == 0]
    traced = isinstance(value, jax.Array) and builtins.any([
        isinstance(i, jax.core.Tracer) and jnp.ndim(i) == 0
        and jnp.issubdtype(jnp.result_type(i), jnp.integer) for i in indices])
    def raised():
        raise IndexError(f'index {outside[0]} is out of bounds for an array of shape {shape}')
    def refused():
        raise TypeError(
            "a read at a traced position inside a `try` that catches IndexError: a "
            "compiled read never raises (JAX clamps the position to the last item), so "
            "the handler would never run; test the position instead: `v[i] if 0 <= i < "
            "len(v) else 0.0` (a lax.cond)")
    return (lambda: value[index], raised, refused)[
        builtins.bool(outside) + 2 * builtins.bool(traced)]()
''', ()),
    "jax_errors_through": ('''
def _py2lax_jax_errors_through():
    """First in an ``except`` clause of a function ``--standalone`` left as Python: the
    exception being handled is raised again where JAX raised it while tracing
    (``_py2lax_raised_by_jax``), so that the user's handler does not take it for one
    Python raised and answer for it. Nothing where no exception is being handled."""
    import sys
    error = sys.exc_info()[1]
    def reraised():
        raise error
    raised = (lambda: False, lambda: _py2lax_raised_by_jax(error))[error is not None]()
    (lambda: None, reraised)[raised]()
''', ("raised_by_jax",)),
    "numpy_given_traced": ('''
def _py2lax_numpy_given_traced(array, *written):
    """Whether ``array`` is a NumPy array and an index or value ``written`` into it is
    traced: NumPy cannot hold a traced value, so the write makes a JAX array of it (or
    stops at its line), as the py2lax runtime's does."""
    import builtins
    import numpy
    traced = [isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(written)]
    return isinstance(array, numpy.ndarray) and builtins.any(traced)
''', ()),
    "raised_by_jax": ('''
def _py2lax_raised_by_jax(error):
    """Whether JAX raised ``error`` while tracing (a traced value where Python needs a
    bool or an int, the branches of a ``lax.cond`` giving two types): an ``except
    Exception:`` of the user's must not take it for an error Python raises there."""
    import traceback
    return any(frame.f_globals.get("__name__", "").startswith("jax.")
               for frame, _ in traceback.walk_tb(error.__traceback__))
''', ()),
}


def output_helper_names() -> set[str]:
    """The names of every helper an output may define at module level."""
    return {PREFIX + helper for helper in _TEXTS}


def helper_name(backend, helper: str, node) -> str:
    """The name the output calls ``helper`` by. Refused (at ``node``) where the code
    binds that name itself, other than as the definition a first run wrote."""
    name = PREFIX + helper
    backend.records.change(getattr(node, "lineno", None) or 0, name, calls_jax=True)
    module = backend.module
    ours = S.dump(_definition(helper, backend.spell.jax, backend.spell.numpy_name))
    nodes = S.walk(backend.function) if module is None else memo(
        module, "prefixed", lambda: [n for n in S.walk(module) if _binds_prefixed(n)])
    for bound in nodes:
        if _binds(bound, name) and not (isinstance(bound, S.FunctionDef)
                                        and S.dump(bound) == ours):
            raise backend.spell.refuse(
                node, f"the code binds `{name}`, the name of a helper the output defines",
                f"rename `{name}`", names=(name,))
    return name


def with_shared_definitions(text: str, jax_name: str, numpy_name: str | None) -> str:
    """``text`` (a ``--standalone`` module) with the helpers it calls and does not
    bind added after its imports, in a fixed order."""
    module = S.parse_module(text)
    nodes = S.walk(module)
    called = {node.id for node in nodes if isinstance(node, S.Name)
              and isinstance(node.ctx, S.Load) and node.id.startswith(PREFIX)}
    wanted = {helper for helper in _TEXTS if PREFIX + helper in called}
    while not wanted >= (needed := {n for helper in wanted for n in _TEXTS[helper][1]}):
        wanted |= needed  # (a helper's helpers may call others: `typed` -> `as_type`)
    # defined by a first run, or bound by the user's code (whose function calling it
    # `helper_name` left as Python)
    missing = [helper for helper in _TEXTS if helper in wanted
               and not any(_binds(node, PREFIX + helper) for node in nodes)]
    if not missing:
        return text
    definitions = "\n".join(_spelled(_TEXTS[h][0], jax_name, numpy_name) for h in missing)
    lines = S.source_lines(text, keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    row = _row_after_imports(module)
    if row == 0:
        return definitions.lstrip("\n") + "\n\n" + "".join(lines)
    rest = lines[row:]
    while rest and not rest[0].strip():  # two blank lines after, however many there were
        rest.pop(0)
    return "".join(lines[:row] + ["\n", definitions] + (["\n\n"] if rest else []) + rest)


def _definition(helper: str, jax_name: str, numpy_name: str | None) -> S.FunctionDef:
    return S.parse_module(_spelled(_TEXTS[helper][0], jax_name, numpy_name)).body[0]


def _spelled(template: str, jax_name: str, numpy_name: str | None) -> str:
    """``template`` with ``jax.``/``jnp.`` written with the module's names."""
    numpy = numpy_name or f"{jax_name}.numpy"
    return re.sub(r"\b(jax|jnp)\.", lambda m: f"{jax_name if m.group(1) == 'jax' else numpy}.",
                  template)


def _binds_prefixed(node) -> bool:
    """``node`` binds a name that starts as the output's helpers do."""
    name = (node.id if isinstance(node, S.Name) and not isinstance(node.ctx, S.Load)
            else node.name if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef))
            else (node.asname or node.name.split(".")[0]) if isinstance(node, S.alias)
            else None)
    return name is not None and name.startswith(PREFIX)


def _binds(node, name: str) -> bool:
    if isinstance(node, S.Name):
        return node.id == name and not isinstance(node.ctx, S.Load)
    if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        return node.name == name
    if isinstance(node, S.alias):
        return (node.asname or node.name.split(".")[0]) == name
    return False


def _row_after_imports(module: S.Module) -> int:
    """The row after the module's leading imports (and docstring), 0 for none."""
    row = 0
    for index, statement in enumerate(module.body):
        docstring = (index == 0 and isinstance(statement, S.Expr)
                     and isinstance(statement.value, S.Constant)
                     and isinstance(statement.value.value, str))
        if not (docstring or isinstance(statement, (S.Import, S.ImportFrom))):
            break
        row = statement.end_lineno
    return row
