"""Lists a compiled loop of known length grows *and reads*: carried as a buffer and a count.

Python meaning: none of its own; this stands, while one step of the loop is traced, for
the Python list the loop grows and reads back::

    xs = [x0]
    for i in range(100):
        if xs[-1] > 10.0:          # reads the list the loop grows
            break
        xs.append(xs[-1] * 1.5 + 1.0)

A scan step whose appended items become stacked outputs cannot read them
(``runtime/list_growth``); unrolling the loop instead builds a program whose size grows
with the square of its length. Here the list is the items it had before the loop (always
there) followed by a buffer of ``steps * per_step`` rows carried through ``lax.scan``, and
a traced count of the rows that hold items: ``append`` writes the row at the count,
reads (``xs[-1]``, ``len``, ``sum``, ``in``, a ``for`` over it) see exactly the items
Python's list holds, and after the loop it is a masked list of traced length
(``runtime/masked_containers``), as a list a traced ``if`` grew.

How many rows a step may append, and their type, come from tracing the first step with a
plain copy of the list. Anything else a step does to the list (``pop``, ``xs[0] = v``,
rebinding it) raises :class:`NotReadableGrowth`, and the loop runs the way it did before
(unrolled as Python).
"""

from __future__ import annotations

import builtins
import dataclasses

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.diagnostics.errors import ConversionError
from py2lax.runtime.carry import leaf_types, promoted_to
from py2lax.runtime.effects import outside_every_loop
from py2lax.runtime.masked_containers import MaskedList, Stacked, _raise_if
from py2lax.runtime.snapshots import Snapshot
from py2lax.runtime.values import is_traced, truth


class NotReadableGrowth(Exception):
    """The loop does something to a grown list other than append to it and read it."""


@jax.tree_util.register_pytree_node_class
class GrowingBuffer(MaskedList):
    """The list one step sees: ``prefix`` (the items before the loop), then the rows of
    ``rows`` below ``count``. Appending writes a row; its structure never changes, so
    the two branches of a traced ``if`` (one of which appends) give one structure."""

    def __init__(self, prefix, rows, count, name=None):
        super().__init__(None, None, name, stacked=Stacked(prefix, rows, count))

    @property
    def rows(self):
        return self.stacked.values

    @property
    def count(self):
        return self.stacked.count

    def tree_flatten(self):
        return (list(self.stacked.prefix), self.rows, self.count), self.name

    @classmethod
    def tree_unflatten(cls, name, children):
        prefix, rows, count = children
        return cls(prefix, rows, count, name)

    def copy(self):
        return GrowingBuffer(self.stacked.prefix, self.rows, self.count, self.name)

    def append(self, value):
        leaves = jax.tree_util.tree_leaves(value)
        columns = jax.tree_util.tree_leaves(self.rows)
        if (jax.tree_util.tree_structure(value) != jax.tree_util.tree_structure(self.rows)
                or builtins.any(jnp.shape(v) != c.shape[1:] or not _fits(v, c.dtype)
                                for v, c in builtins.zip(leaves, columns))):
            raise NotReadableGrowth()
        rows = jax.tree_util.tree_map(
            lambda column, v: lax.dynamic_update_index_in_dim(
                column, jnp.asarray(v, column.dtype), jnp.minimum(self.count, column.shape[0] - 1),
                0),
            self.rows, value)
        object.__setattr__(self, "stacked", Stacked(self.stacked.prefix, rows, self.count + 1))

    def extend(self, values):
        for value in builtins.list(values):
            self.append(value)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def _refuse(self, *arguments, **options):
        raise NotReadableGrowth()

    __setitem__ = __delitem__ = pop = insert = remove = sort = reverse = clear = _refuse


def _fits(value, dtype) -> bool:
    """Whether ``value`` is stored in a row of ``dtype`` as Python's list would keep it."""
    return jnp.result_type(value, dtype) == dtype


def readable_growth_scan(items, body_fn, carry, has_break, positions, info):
    """The loop (``items.length`` steps, a static number) as a scan that carries each list
    at ``positions`` as a :class:`GrowingBuffer`; see the module docstring. Raises
    :class:`NotReadableGrowth` where that cannot keep Python's meaning."""
    steps = items.static_length
    if steps is None:
        raise NotReadableGrowth()
    _check_decided_in_first_step(items, body_fn, carry, positions, has_break)
    xs, item_of = items.scan_inputs()
    loop = _BufferedLoop(lambda x, *state: body_fn(item_of(x), *state), carry, positions,
                         xs, steps, info)
    if has_break:
        def step(state, x):
            running = jnp.logical_not(truth(state[0][-1]))
            return lax.cond(running, loop.run, lambda s, _: s, state, x), None
    else:
        def step(state, x):
            return loop.run(state, x), None
    final, _ = lax.scan(step, loop.initial, xs)
    return loop.result(final)


def readable_bounded_scan(keep_going, body_fn, carry, positions, max_iterations: int, info,
                          bound_check):
    """A loop with a traced trip count and ``max_iterations`` (``runtime/bounded_loops``)
    that grows the lists at ``positions`` and reads them: ``max_iterations`` scan steps,
    step ``k`` running the body while ``keep_going(k, *carry)`` holds (and every step
    before it ran), each list a :class:`GrowingBuffer` the condition and the body read.
    ``bound_check`` gets whether the loop wanted to run past the bound."""
    xs = jnp.arange(max_iterations)
    loop = _BufferedLoop(body_fn, carry, positions, xs, max_iterations, info)

    def step(state, k):
        active = jnp.logical_and(state[0], truth(keep_going(k, *loop.whole(state[1]))))
        inner = lax.cond(active, loop.run, lambda s, _: s, state[1], k)
        return (active, inner), None

    (running, final), _ = lax.scan(step, (jnp.bool_(True), loop.initial), xs)
    bound_check(jnp.logical_and(running, truth(keep_going(max_iterations,
                                                          *loop.whole(final)))))
    return loop.result(final)


class _BufferedLoop:
    """The state of a scan whose lists at ``positions`` are buffers: ``(the other carried
    values, per list (rows, count))``; ``run(state, x)`` is one step (the body given the
    step's scan input ``x`` and the carried values, lists as :class:`GrowingBuffer`)."""

    def __init__(self, body_fn, carry, positions, xs, steps: int, info):
        if not builtins.all(type(carry[i]) is builtins.list for i in positions):
            raise NotReadableGrowth()
        self.body_fn, self.carry, self.positions, self.info = body_fn, carry, positions, info
        self.kept = [i for i in range(len(carry)) if i not in positions]
        per_step, row_types = _rows_per_step(body_fn, carry, positions, xs)
        self.capacity = steps * per_step
        buffers = tuple((jax.tree_util.tree_map(
            lambda t: jnp.zeros((self.capacity, *t.shape), t.dtype), row_types[i]),
            jnp.int32(0)) for i in positions)
        self.initial = _promoted(self.run, (tuple(carry[i] for i in self.kept), buffers), xs,
                                 info, self.kept)

    def whole(self, state):
        """The carried values as the body sees them."""
        kept_values, grown = state
        values = list(self.carry)
        for index, value in builtins.zip(self.kept, kept_values):
            values[index] = value
        for index, (rows, count) in builtins.zip(self.positions, grown):
            values[index] = GrowingBuffer(self.carry[index], rows, count,
                                          self.info.name_of(index))
        return values

    def run(self, state, x):
        result = tuple(self.body_fn(x, *self.whole(state)))
        grown = []
        for index in self.positions:
            value = result[index]
            if not isinstance(value, GrowingBuffer):
                raise NotReadableGrowth()  # rebound, or a list made of it
            grown.append((value.rows, value.count))
        return tuple(result[i] for i in self.kept), tuple(grown)

    def result(self, final):
        """The carried values after the loop, each list a masked list of traced length."""
        final_kept, final_grown = final
        result = list(self.carry)
        for index, value in builtins.zip(self.kept, final_kept):
            result[index] = value
        for index, (rows, count) in builtins.zip(self.positions, final_grown):
            name = self.info.name_of(index)
            _raise_if(count > self.capacity, lambda *_: _overflow_error(name, self.info))
            result[index] = MaskedList(None, None, name,
                                       stacked=Stacked(self.carry[index], rows, count))
        return tuple(result)


def _check_decided_in_first_step(items, body_fn, carry, positions, has_break) -> None:
    """Raise :class:`NotReadableGrowth` unless the first step, with its static item,
    leaves a list with a length a traced value decided (a traced ``if`` appends, or a
    traced ``break`` may stop the loop): only then is the list's length traced whichever
    way the loop runs, and unrolling it as Python (which keeps a length the index
    decides static) gives nothing the scan does not."""
    decided = []

    def first_step():
        result = tuple(body_fn(items.first(), *_plain_copies(carry, positions)))
        decided.append(any(isinstance(result[i], MaskedList) for i in positions)
                       or (has_break and is_traced(result[-1])))

    _traced_once(first_step, body_fn, carry)
    if not decided or not decided[0]:
        raise NotReadableGrowth()


def _rows_per_step(body_fn, carry, positions, xs):
    """(rows a step may append to each list at most, per list the type of a row), from a
    step traced with plain copies of the lists and its scan input traced (so that every
    path counts: ``if i % 2 == 0: xs.append(v)``)."""
    first_x = jax.tree_util.tree_map(lambda v: jax.ShapeDtypeStruct(v.shape[1:], v.dtype), xs)

    def step(x):
        result = tuple(body_fn(x, *_plain_copies(carry, positions)))
        return tuple(result[index] for index in positions)

    grown = _traced_once(step, body_fn, carry, first_x)
    per_step, row_types = 0, {}
    for index, value in builtins.zip(positions, grown):
        slots = value.items if isinstance(value, MaskedList) else value
        if not isinstance(slots, builtins.list):
            raise NotReadableGrowth()
        added = slots[len(carry[index]):]
        if not added:
            raise NotReadableGrowth()
        structures = {jax.tree_util.tree_structure(v) for v in added}
        shapes = {tuple(leaf.shape for leaf in jax.tree_util.tree_leaves(v)) for v in added}
        if len(structures) > 1 or len(shapes) > 1:
            raise NotReadableGrowth()
        leaves = [jax.tree_util.tree_leaves(v) for v in added]
        dtypes = [jnp.result_type(*column) for column in builtins.zip(*leaves)]
        row_types[index] = jax.tree_util.tree_unflatten(
            structures.pop(), [jax.ShapeDtypeStruct(leaf.shape, dtype)
                               for leaf, dtype in builtins.zip(leaves[0], dtypes)])
        per_step = max(per_step, len(added))
    return per_step, row_types


def _plain_copies(carry, positions) -> list:
    state = list(carry)
    for index in positions:
        state[index] = list(carry[index])
    return state


def _traced_once(function, body_fn, carry, *arguments):
    """``jax.eval_shape(function, *arguments)``, in which no loop being lowered counts (a
    list a traced `if` grows is masked, not refused); nothing it does stays (the objects
    it changes are restored). Any failure: :class:`NotReadableGrowth`."""
    before = Snapshot([body_fn], carry)
    try:
        with outside_every_loop():
            return jax.eval_shape(function, *arguments)
    except Exception as error:  # noqa: BLE001 - the loop runs the way it did before
        raise NotReadableGrowth() from error
    finally:
        before.restore()


def _promoted(run, state, xs, info, kept):
    """The carried values other than the lists in the types one step leaves them (``s =
    0`` an array after ``s = s + x``), as a scan carries them."""
    first_x = jax.tree_util.tree_map(lambda v: jax.ShapeDtypeStruct(v.shape[1:], v.dtype), xs)
    after = jax.eval_shape(run, state, first_x)[0]
    kept_info = dataclasses.replace(info, carried=tuple(info.name_of(i) for i in kept))
    return (promoted_to(state[0], tuple(leaf_types(v) for v in after), kept_info), state[1])


def _overflow_error(name, info) -> ConversionError:
    return ConversionError(
        f"list {name!r} grew by more items in one iteration of this loop than its first "
        "iteration did, more than the space py2lax kept for it",
        location=info.location, names=(name,),
        rule="a compiled loop that reads a list it grows keeps room for as many items per "
        "iteration as the first iteration appended.",
        fix=f"preallocate `{name} = jnp.zeros((N,))` before the loop and write "
        f"`{name} = {name}.at[count].set(value)` with a count you carry.",
    )
