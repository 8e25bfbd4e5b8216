"""Writes into an array that other names hold too: every holder gets the new array.

With NumPy, ``ws = [w]`` then ``ws[0][1] = x`` changes ``w`` as well: the list holds the
very array ``w`` names. The same holds for a dict value (``d = {"w": w}``), an object's
attribute (``hb = Holder(w)``, ``hb.a[0] = x``), a helper that writes into its parameter
and returns it (``u = bump(w, 0, x)``), a second name (``v = w``). A JAX array cannot
change in place: the write gives the place written (``ws[0]``) a new array, and ``w``
would silently keep the old one.

So every in-place update that replaces an array (``setitem``, ``in_place_method``,
``with_out`` on a JAX array, or on a NumPy array that must take a traced value) records
``old -> new`` here, and the converted code, after a write through one name, writes back
every other name the transform saw sharing the object
(``transforms/item_assignment.py``)::

    ws = py2lax.setitem(ws, 0, py2lax.setitem(ws[0], 1, x))
    w = py2lax.written_through(w)          # w is ws's old row: it gets the new one

Python meaning: ``written_through(value)`` is ``value`` (a NumPy array, list or object
changed in place is still itself). Identity decides, so a name rebound since (``w = w *
2`` after ``ws = [w]``) keeps its own array, as in Python.

A traced branch or loop body gets its carried values as fresh tracers, which would lose
"these two places hold one array". :func:`body_links` links the tracers at the places
that held one array when the statement started (a write through one replaces them all),
:func:`kept_linked` refuses a loop body that used such a link but returns the places as
different arrays, and :func:`link_places` links the primitive's results where every
branch (or the loop's entry and its body) kept them one array (``runtime/effects.py``).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import threading
import types

import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import CarryTypeError
from py2lax.runtime.chosen_containers import forget_chosen
from py2lax.runtime.append_only import ListRead
from py2lax.runtime.attributes import attributes_of, has_attributes
from py2lax.runtime.layout import shown
from py2lax.runtime.values import is_jax_array

_MAX_RECORDS = 256
_MAX_DEPTH = 6


class _Replacements(threading.local):
    """``id(old) -> (old, new)`` for the arrays in-place writes replaced, newest last
    (the objects are held, so an id is never reused while recorded), and the links:
    tracers a traced body got for places that held one array (see :func:`body_links`)."""

    def __init__(self):
        self.table: collections.OrderedDict = collections.OrderedDict()
        self.links: dict[int, tuple[object, int]] = {}  # id(tracer) -> (tracer, group)
        self.members: dict[int, list] = {}  # group -> its tracers
        self.parents: dict[int, int] = {}  # group -> the enclosing body's group it stands for
        self.used: set[int] = set()  # groups a write went through (kept: ids never repeat)
        # id(view) -> (view, root, flat indices, the root's contents it was read from):
        # an array that stands for a NumPy view of `root` (``row = grid[0]``), see `latest`
        self.views: dict[int, tuple] = {}
        # ids of the arrays in `table` whose replacement only carried their contents out
        # of a traced statement (``replaced(written=False)``): no write went through them
        self.carried_on: set[int] = set()
        self.depth = 0  # converted functions running (see `replacements_scope`)

    def save(self) -> tuple:
        return (collections.OrderedDict(self.table), dict(self.links), dict(self.members),
                dict(self.parents), dict(self.views), set(self.carried_on))

    def restore(self, saved: tuple) -> None:
        (self.table, self.links, self.members, self.parents, self.views,
         self.carried_on) = saved

    def group_of(self, value) -> int | None:
        link = self.links.get(id(value))
        return link[1] if link is not None and link[0] is value else None

    def link(self, arrays: list, parent: int | None = None) -> int:
        group = next(_GROUP_IDS)
        self.members[group] = arrays
        if parent is not None:
            self.parents[group] = parent
        for array in arrays:
            self.links[id(array)] = (array, group)
        return group

    def mark_used(self, group: int) -> None:
        while group is not None and group not in self.used:
            self.used.add(group)
            group = self.parents.get(group)


_GROUP_IDS = itertools.count(1)


@contextlib.contextmanager
def replacements_scope():
    """Around each converted function: what one outermost call recorded is forgotten when
    it returns. The records hold arrays and, under jit, tracers, which must not outlive
    their trace (``jax.checking_leaks`` reports them, and they keep memory alive)."""
    state = REPLACEMENTS
    state.depth += 1
    try:
        yield
    finally:
        state.depth -= 1
        if state.depth == 0:
            state.table.clear()
            state.links.clear()
            state.members.clear()
            state.parents.clear()
            state.used.clear()
            state.views.clear()
            state.carried_on.clear()
            forget_chosen()
            from py2lax.runtime.containers import forget_followed  # (they import holders)
            from py2lax.runtime.identity import forget_choices
            forget_followed()
            forget_choices()


REPLACEMENTS = _Replacements()


def _is_array(value) -> bool:
    return isinstance(value, np.ndarray) or is_jax_array(value)


def replaced(old, new, written: bool = True) -> None:
    """Record that an in-place write on ``old`` left its contents in ``new``
    (``written=False``: ``new`` only carries ``old``'s contents on, out of a traced
    statement, see :func:`record_kept_contents`; no write went through its holders)."""
    if old is new or not _is_array(old):
        return
    state = REPLACEMENTS
    olds = [old]
    group = state.group_of(old)
    if group is not None:  # one array at several places: all of them
        olds = state.members[group]
        if written:
            state.mark_used(group)
    for each in olds:
        if each is not new:
            state.table.pop(id(each), None)
            state.table[id(each)] = (each, new)
            if written:
                state.carried_on.discard(id(each))
            else:
                state.carried_on.add(id(each))
    while len(state.table) > _MAX_RECORDS:
        state.table.popitem(last=False)


def same_array(first, second) -> bool:
    """One array: the same object, or tracers a traced body got for places that held
    one array (see :func:`body_links`)."""
    if first is second:
        return True
    group = REPLACEMENTS.group_of(first)
    return group is not None and group == REPLACEMENTS.group_of(second)


def latest(value):
    """The array ``value``'s contents are in now (``value`` if no write replaced it).

    A NumPy view (``row = grid[0]``, ``grid[:, 1]``, ``a.reshape(2, 2)``) of an array a
    write replaced shows that write, as NumPy's shared memory would: it is read again
    from the new array at the same elements (and stays a view of it, see ``views``)."""
    state = REPLACEMENTS
    for _ in range(len(state.table) + 2):
        entry = state.table.get(id(value))
        if entry is not None and entry[0] is value:
            value = entry[1]
            continue
        if not (state.table or state.views):
            return value
        now = _view_now(value)
        if now is value:
            return value
        # (read once: the same new array for every holder, and for the next look)
        state.table[id(value)] = (value, now)
        state.carried_on.discard(id(value))
        value = now
    return value


def written_since(value) -> bool:
    """Whether a write went through ``value`` since it was recorded: some step from it to
    its :func:`latest` array was an in-place write (or a view's root was written), not
    only an inner traced statement carrying its contents out (``replaced(written=False)``:
    ``acc`` kept by every branch of a nested ``if`` is the same number, not a write)."""
    state = REPLACEMENTS
    for _ in range(len(state.table) + 2):
        entry = state.table.get(id(value))
        if entry is None or entry[0] is not value:
            return latest(value) is not value  # (a view of a written root)
        if id(value) not in state.carried_on:
            return True
        value = entry[1]
    return False


def _view_now(value):
    """``value`` read again from its root's newest contents, if it is a view of an array
    a write replaced; else ``value``."""
    state = REPLACEMENTS
    view = state.views.get(id(value))
    if view is not None and view[0] is value:
        _, root, index, seen = view
        now = latest(root)
        if now is seen:
            return value
        return _read_view(now, index)
    if isinstance(value, np.ndarray) and state.table:
        base = value.base
        for _ in range(_MAX_DEPTH):
            if not isinstance(base, np.ndarray):
                break
            entry = state.table.get(id(base))
            if entry is not None and entry[0] is base:
                index = _view_index(value, base)
                if index is None:
                    return value
                state.views[id(value)] = (value, base, index, base)
                return _read_view(latest(base), index)
            if base.base is None:
                # the memory's owner: a replaced array that is a view of it too (NumPy
                # stops `.base` at a subclass: `np.split` of an owned buffer, whose
                # views' `.base` is the buffer's own base) and holds `value`'s elements
                for old, _ in list(state.table.values()):
                    if (isinstance(old, np.ndarray) and old is not value
                            and _owner(old) is base):
                        index = _view_index(value, old)
                        if index is not None:
                            state.views[id(value)] = (value, old, index, old)
                            return _read_view(latest(old), index)
                break
            base = base.base
    return value


def written_into_view(view, new) -> bool:
    """After a write gave ``view`` the new contents ``new``: the array ``view`` is a view
    of gets them at the view's elements, as NumPy's shared memory shows them (``row =
    grid[0]`` then ``row[1] = x`` changes ``grid``; ``v = a[1:]``, ``r = a.ravel()``,
    ``b = a.T`` alike). ``new`` stays a view of the new array. False (nothing recorded)
    when ``view`` is not known to be a view of another array.

    The converted code then gives the array's names its newest contents
    (``grid = py2lax.written_through(grid)``), as after any write.
    """
    root, index = _root_of(view)
    if root is None:
        return False
    now = latest(root)
    flat = jnp.asarray(now).reshape(-1)
    values = jnp.broadcast_to(jnp.asarray(new).astype(flat.dtype), np.shape(index))
    new_root = flat.at[jnp.asarray(index.reshape(-1))].set(values.reshape(-1)).reshape(
        np.shape(now))
    written_into_view(now, new_root)  # a view of a view (`row = block[0]`, `block = M[1:]`)
    replaced(now, new_root)
    if _is_array(new) and np.shape(new) == np.shape(index):
        REPLACEMENTS.views[id(new)] = (new, new_root, index, new_root)
    return True


def _root_of(view):
    """``(root, flat indices)`` for a view of another array: an array registered as
    standing for one (see ``views``), or a NumPy view of its memory's owner."""
    entry = REPLACEMENTS.views.get(id(view))
    if entry is not None and entry[0] is view:
        return entry[1], entry[2]
    if isinstance(view, np.ndarray) and isinstance(view.base, np.ndarray):
        owner = _owner(view)
        index = _view_index(view, owner)
        if index is not None and (index.size < owner.size or view.shape != owner.shape
                                  or view.strides != owner.strides):
            return owner, index
    return None, None


def _owner(array: np.ndarray):
    """The array that owns ``array``'s memory (``array`` itself if it owns it)."""
    for _ in range(_MAX_DEPTH):
        if not isinstance(array.base, np.ndarray):
            return array
        array = array.base
    return array


def _read_view(root, index):
    """The elements ``index`` (flat, C order) of ``root``, itself a view of it from now
    (``root`` itself when ``index`` is all of it in order: a NumPy array that is a whole
    view of its memory's owner, ``a = np.zeros(4)`` made as a view of a buffer)."""
    if isinstance(index, np.ndarray) and np.shape(index) == np.shape(root) and np.array_equal(
            np.ravel(index), np.arange(np.size(index))):
        return root
    flat = root.reshape(-1) if not isinstance(root, np.ndarray) else np.ravel(root)
    module = np if isinstance(root, np.ndarray) and isinstance(index, np.ndarray) else jnp
    view = module.take(flat, index.reshape(-1)).reshape(index.shape)
    REPLACEMENTS.views[id(view)] = (view, root, index, root)
    return view


def _view_index(view: np.ndarray, root: np.ndarray):
    """The flat (C order) indices into ``root`` of ``view``'s elements, when ``view`` is
    a strided view of ``root``'s memory; else None."""
    if not root.flags.c_contiguous or view.dtype != root.dtype or root.size == 0:
        return None
    size = root.itemsize
    start = view.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if start % size or any(stride % size for stride in view.strides):
        return None
    index = np.full(view.shape, start // size, dtype=np.int64)
    for axis, (length, stride) in enumerate(zip(view.shape, view.strides)):
        shape = [1] * view.ndim
        shape[axis] = length
        index = index + np.arange(length).reshape(shape) * (stride // size)
    if index.size and (index.min() < 0 or index.max() >= root.size):
        return None
    return index


def view_links(entry, arguments, names) -> list[tuple]:
    """``(view path, root path, index)`` for each value the statement started with that
    is a view of another value it started with (a NumPy view, or an array standing for
    one): the body's argument at the view's place is registered as a view of its
    argument at the root's place, so that a write into the root there shows in it."""
    found = []
    state = REPLACEMENTS
    places = array_places(entry, names, single=True)
    where = {}
    for paths in places.values():
        value = _at(entry, names, paths[0])
        where.setdefault(id(value), paths[0])
    for paths in places.values():
        value = _at(entry, names, paths[0])
        root, index = None, None
        view = state.views.get(id(value))
        if view is not None and view[0] is value:
            root, index = view[1], view[2]
        elif isinstance(value, np.ndarray):
            base = value.base
            for _ in range(_MAX_DEPTH):
                if not isinstance(base, np.ndarray):
                    break
                if id(base) in where:
                    root, index = base, _view_index(value, base)
                    break
                base = base.base
            if root is None and isinstance(value.base, np.ndarray):
                # (a view whose `.base` stops short of the carried array, see `_view_now`)
                owner = _owner(value)
                for other in list(where):
                    held = _at(entry, names, where[other])
                    if (isinstance(held, np.ndarray) and held is not value
                            and held.base is not None and _owner(held) is owner
                            and held.size > value.size):
                        index = _view_index(value, held)
                        if index is not None:
                            root = held
                            break
        if root is None or index is None or id(root) not in where:
            continue
        root_path = where[id(root)]
        for path in paths:
            argument, base_argument = _at(arguments, names, path), _at(arguments, names, root_path)
            if argument is _MISSING or base_argument is _MISSING or argument is base_argument:
                continue
            state.views[id(argument)] = (argument, base_argument, index, base_argument)
            found.append((path, root_path, index))
    return found


def views_kept(links, arguments, names, result, out_names) -> list[tuple]:
    """The ``links`` (see :func:`view_links`) a body's ``result`` keeps: the view's place
    and the root's place each still hold their argument's contents."""
    kept = []
    for path, root_path, index in links:
        view, root = _at(arguments, names, path), _at(arguments, names, root_path)
        out_view, out_root = _at(result, out_names, path), _at(result, out_names, root_path)
        if _MISSING in (view, root) or out_view is _MISSING or out_root is _MISSING:
            continue
        if same_array(out_root, latest(root)) and same_array(out_view, latest(view)):
            kept.append((path, root_path, index))
    return kept


def record_kept_views(kepts: list, result, out_names) -> None:
    """After a traced statement: the views every branch (or the body) kept are views of
    the primitive's results (see :func:`views_kept`)."""
    if not kepts:
        return
    common = {(p, q): i for p, q, i in kepts[0]}
    for other in kepts[1:]:
        keys = {(p, q) for p, q, _ in other}
        common = {key: i for key, i in common.items() if key in keys}
    for (path, root_path), index in common.items():
        view, root = _at(result, out_names, path), _at(result, out_names, root_path)
        if view is not _MISSING and root is not _MISSING and _is_array(view) and _is_array(root):
            REPLACEMENTS.views[id(view)] = (view, root, index, root)


def written_through(value, view_of=None, index=None, part=None):
    """``value``, with each array it is or holds (in a list, dict, tuple or an object's
    attributes) replaced by its newest contents (see the module docstring).

    ``written_through(m, part=row, index=i)`` after a call given ``row = m[i]``
    (``bump(m[i], 0)``): ``m`` with the call's writes into ``row``, as NumPy's view
    shows them in ``m`` (see :func:`part_written_back`).

    ``written_through(row, view_of=grid, index=i)`` after ``row = grid[i]`` notes that
    ``row`` stands for NumPy's view of ``grid`` (basic indexing makes one), also when
    ``grid`` is a JAX array here: a later write into ``grid`` shows in ``row`` (see
    :func:`latest`). Python meaning: ``value``.

    >>> import jax.numpy as jnp
    >>> from py2lax.runtime.containers import setitem
    >>> w = jnp.zeros(2)
    >>> ws = [w]
    >>> ws = setitem(ws, 0, setitem(ws[0], 1, 5.0))
    >>> written_through(w).tolist()
    [0.0, 5.0]
    """
    if view_of is not None:
        _note_view(value, view_of, index)
        return value
    if part is not None:
        return part_written_back(value, index, part)
    if not REPLACEMENTS.table:
        return value
    return _updated(value, 0, set())


def part_written_back(root, index, part):
    """``root`` after a call given ``part = root[index]`` wrote into ``part``.

    Python meaning: ``root`` (basic indexing gives NumPy's view, which a write changes
    in place with ``root``; advanced indexing, ``m[[0, 1]]``, a copy, which leaves
    ``root`` as it was). A JAX array cannot change: the write replaced ``part``
    (``runtime/holders``), and ``root`` gets the new part at ``index``, as
    ``root[index] = part`` would.

    >>> import jax.numpy as jnp
    >>> from py2lax.runtime.containers import setitem
    >>> m = jnp.zeros((2, 2))
    >>> row = m[1]
    >>> row = setitem(row, 0, 5.0)  # the helper's `row[0] = 5.0`
    >>> part_written_back(m, 1, m[1]).tolist()  # (another row object: not written)
    [[0.0, 0.0], [0.0, 0.0]]
    """
    root = latest(root) if REPLACEMENTS.table else root
    new = latest(part) if _is_array(part) else part
    if new is part or not _is_array(root) or not _is_basic_index(index):
        return root
    from py2lax.runtime.containers import setitem  # (containers imports this module)
    return setitem(root, index, new)


def _is_basic_index(index) -> bool:
    """An index NumPy answers with a view: integers, slices, ``...``, ``None``."""
    items = index if type(index) is tuple else (index,)
    for item in items:
        if item is None or item is Ellipsis or isinstance(item, (int, np.integer)):
            continue
        if isinstance(item, slice):
            if not all(p is None or isinstance(p, (int, np.integer))
                       for p in (item.start, item.stop, item.step)):
                return False
            continue
        if _is_array(item) and np.ndim(item) == 0 and np.issubdtype(
                np.result_type(item), np.integer):
            continue
        return False
    return True


def _note_view(value, root, index) -> None:
    """Register ``value`` (``root[index]``) as a view of ``root`` (see :func:`written_through`)."""
    # (also outside a converted function's scope: code `py2lax --all FILE` printed calls
    # the runtime directly, and needs the view noted as much as converted code does)
    if not _is_array(value) or not _is_array(root):
        return
    if isinstance(root, np.ndarray) or np.ndim(value) == 0 or not _is_basic_index(index):
        return  # NumPy's own view (followed through `.base`), or a copy
    try:
        if any(not isinstance(leaf, (int, np.integer, type(None), type(Ellipsis)))
               and not isinstance(leaf, slice) and not isinstance(leaf, np.ndarray)
               for leaf in (index if type(index) is tuple else (index,))):
            positions = jnp.arange(int(np.size(root))).reshape(np.shape(root))[index]
        else:
            positions = np.arange(int(np.size(root))).reshape(np.shape(root))[index]
    except (IndexError, TypeError, ValueError):
        return
    if np.shape(positions) != np.shape(value):
        return
    REPLACEMENTS.views[id(value)] = (value, root, positions, latest(root))


def _updated(value, depth: int, seen: set):
    if _is_array(value):
        return latest(value)
    if depth > _MAX_DEPTH or id(value) in seen:
        return value
    seen.add(id(value))
    if type(value) is list or isinstance(value, (list, collections.deque)):
        for index, item in enumerate(value):
            new = _updated(item, depth + 1, seen)
            if new is not item:
                value[index] = new
    elif isinstance(value, dict):
        for key, item in list(value.items()):
            new = _updated(item, depth + 1, seen)
            if new is not item:
                value[key] = new
    elif type(value) is tuple:
        items = [_updated(item, depth + 1, seen) for item in value]
        if any(new is not old for new, old in zip(items, value)):
            return tuple(items)
    elif has_attributes(value) and not isinstance(value, type):
        for name, item in attributes_of(value).items():
            if not (_is_array(item) or isinstance(item, (list, dict, tuple))
                    or has_attributes(item)):
                continue
            new = _updated(item, depth + 1, seen)
            if new is not item:
                object.__setattr__(value, name, new)
    return value


# -- keeping "one array at two places" across a traced body's boundary ----------------


def array_places(values, names, single: bool = False) -> dict[int, list[tuple]]:
    """``id(array) -> [path, ...]`` for the JAX arrays ``values`` hold at two or more
    places (a path: a name, then keys, indices or attribute names); ``single``: every
    array, NumPy's too, at one place or more."""
    places: dict[int, list[tuple]] = {}

    def walk(value, path, depth, stack):
        if is_jax_array(value) or (single and isinstance(value, np.ndarray)):
            places.setdefault(_identity(value), []).append(path)
            return
        if depth > _MAX_DEPTH or id(value) in stack or isinstance(value, types.ModuleType):
            return  # (a module, `mod = sys.modules[__name__]`: its namespace is not data
            # the body carries, and walking every module it imports never ended)
        stack = stack | {id(value)}
        # (the builtin types' own iteration: a list a scan step appends to refuses to
        # be read by the user's code, not by this look at what it holds)
        if isinstance(value, list):
            for index, item in enumerate(list.__iter__(value)):
                walk(item, path + (index,), depth + 1, stack)
        elif isinstance(value, tuple):
            for index, item in enumerate(tuple.__iter__(value)):
                walk(item, path + (index,), depth + 1, stack)
        elif isinstance(value, dict):
            for key, item in list(dict.items(value)):
                walk(item, path + (key,), depth + 1, stack)
        elif has_attributes(value) and not isinstance(value, type) and not callable(value):
            for name, item in attributes_of(value).items():
                walk(item, path + (("attribute", name),), depth + 1, stack)

    for index, value in enumerate(values):
        walk(value, (names[index] if index < len(names) else f"#{index}",), 0, frozenset())
    return {key: paths for key, paths in places.items() if single or len(paths) > 1}


def _identity(value):
    """What "one array" means: the same object, or tracers linked as one."""
    group = REPLACEMENTS.group_of(value)
    return ("linked", group) if group is not None else ("object", id(value))


def _at(values, names, path):
    try:
        value = values[list(names).index(path[0])]
    except ValueError:
        return _MISSING
    for key in path[1:]:
        try:
            if isinstance(key, tuple) and len(key) == 2 and key[0] == "attribute":
                value = attributes_of(value)[key[1]]
            else:
                value = value[key]
        except (KeyError, IndexError, TypeError, ListRead):
            return _MISSING  # (ListRead: a list a scan step appends to has no items to read)
    return value


_MISSING = object()


def writes_through_links() -> int:
    """How many links writes have gone through so far (it only grows while a converted
    call runs): compared before and after a body, whether the body wrote through one."""
    return len(REPLACEMENTS.used)


def unified(values: tuple, names) -> tuple:
    """``values`` (a body's results) with the places that hold linked tracers (one array,
    see :func:`body_links`) holding one of them: equal values, and one object, as the
    NumPy layout checks (``runtime/layout.py``) and the next statement expect."""
    values = list(values)
    for key, paths in array_places(values, names).items():
        if key[0] != "linked":
            continue
        first = _at(values, names, paths[0])
        for path in paths[1:]:
            _put(values, names, path, first)
    return tuple(values)


def _put(values: list, names, path, new) -> None:
    if len(path) == 1:
        values[list(names).index(path[0])] = new
        return
    owner, key = _at(values, names, path[:-1]), path[-1]
    if isinstance(key, tuple) and len(key) == 2 and key[0] == "attribute":
        object.__setattr__(owner, key[1], new)
    elif isinstance(owner, (list, dict)):
        owner[key] = new
    elif type(owner) is tuple and isinstance(key, int):  # rebuilt, in its own place
        items = list(owner)
        items[key] = new
        _put(values, names, path[:-1], tuple(items))


def link_places(groups, values, names) -> list[int]:
    """Link the arrays at each group's places in ``values`` (they hold one array)."""
    linked = []
    for group in groups:
        found = [_at(values, names, path) for path in group]
        arrays = list({id(v): v for v in found if v is not _MISSING and is_jax_array(v)}.values())
        parents = {REPLACEMENTS.group_of(v) for v in arrays} - {None}
        if len(arrays) > 1:
            linked.append(REPLACEMENTS.link(arrays, next(iter(parents)) if parents else None))
    return linked


def _link_entries(entry: tuple, values: list, names) -> dict[int, tuple]:
    """Link each array the statement started with to the tracers the body got for it
    (at every place that held it): a write through one of them is a write to that
    array, which another holder the body did not get (``hb`` of ``hb = Holder(w)``,
    read from outside) holds too. Returns the groups that span several places."""
    spanning = {}
    for key, paths in array_places(entry, names, single=True).items():
        arrays = {}
        for path in paths:
            for value in (_at(entry, names, path), _at(values, names, path)):
                if value is not _MISSING and _is_array(value):
                    arrays.setdefault(id(value), value)
        if len(arrays) < 2:
            continue
        outer = {REPLACEMENTS.group_of(v) for v in arrays.values()} - {None}
        group = REPLACEMENTS.link(list(arrays.values()), next(iter(outer)) if outer else None)
        if len(paths) > 1:
            spanning[group] = tuple(paths)
    return spanning


@contextlib.contextmanager
def body_links(groups, values, names, entry=None):
    """While a traced body runs: its arguments at each group's places (which held one
    array when the statement started, now separate tracers) count as one array, so a
    write through one reaches the others; with ``entry`` (the values the statement
    started with), each argument counts as the array it was made from, too. Yields the
    used groups' paths (a write went through their link); what the body recorded is
    dropped afterwards."""
    saved = REPLACEMENTS.save()
    used_paths: list = []
    try:
        if entry is not None:
            linked = _link_entries(tuple(entry), values, names)
        else:
            linked = dict(zip(link_places(groups, values, names), groups))
        yield used_paths
        used_paths.extend(linked[g] for g in REPLACEMENTS.used if g in linked)
    finally:
        REPLACEMENTS.restore(saved)


def arguments_at_entry(entry, arguments, names) -> dict:
    """``path -> value``: what the body's arguments hold, before it runs, at the places
    of the arrays the statement started with. (A body may change its arguments' objects
    and lists, ``self.p = self.p * 0.5``: read afterwards, they would show the new value
    as if it had been there all along.)"""
    return {path: _at(arguments, names, path)
            for paths in array_places(entry, names, single=True).values() for path in paths}


def contents_kept(entry, at_entry: dict, names, result, out_names) -> dict:
    """``key -> (array, places)`` for each array the statement started with (``entry``,
    NumPy's too): the places (of its own) where the body's ``result`` holds that array's
    contents at the end: the body's argument there (``at_entry``, see
    :func:`arguments_at_entry`), untouched or written in place (``latest``). Read while
    the body's links hold (inside :func:`body_links`)."""
    kept = {}
    for paths in array_places(entry, names, single=True).values():
        key = tuple(paths)  # (the entry's own identities are linked anew on each call)
        array = _at(entry, names, paths[0])
        places, written = set(), False
        for path in paths:
            argument = at_entry.get(path, _MISSING)
            value = _at(result, out_names, path)
            if argument is _MISSING or value is _MISSING or not _is_array(value):
                continue
            now = latest(argument)
            if same_array(value, now):
                places.add(path)
                written = written or (not same_array(now, argument)
                                      and written_since(argument))
        kept[key] = (array, frozenset(places), written)
    return kept


def record_kept_contents(kepts: list, result, out_names) -> None:
    """After a traced statement: an array it started with whose contents every branch
    (or the loop body) left at one of its places now lives in the primitive's result
    there. A name the statement did not carry (the tuple a ``for arr in (a, b)`` walks,
    a list that holds the array) still holds the old array: :func:`latest` gives it the
    new one, as NumPy's one array would show (see :func:`current`)."""
    if not kepts:
        return
    for key, (array, places, written) in kepts[0].items():
        common = set(places)
        for other in kepts[1:]:
            common &= set(other.get(key, (None, ()))[1])
            written = written or other.get(key, (None, (), False))[2]
        if not common:
            continue
        new = _at(result, out_names, min(common, key=repr))
        if new is not _MISSING and _is_array(new) and new is not array:
            # (only a branch's write counts as a write through the array's other holders:
            # a branch that rebinds one of them, `o.p = o.p + t`, parts them as in Python)
            replaced(array, new, written=written)


def current(values) -> tuple:
    """``values`` (a traced statement's operands) with each array an in-place write or an
    earlier traced statement replaced given as its newest contents (see
    :func:`record_kept_contents`): ``arr`` of ``for arr in (a, b)`` is ``b`` as the
    previous statement left it."""
    if not REPLACEMENTS.table:
        return tuple(values)
    return tuple(_updated(value, 0, set()) for value in values)


def kept_linked(used, after, info) -> None:
    """A loop body whose write went through a link (``used``: those groups of places)
    must return the linked places as one array (``after``: the groups its results hold
    as one): otherwise the next iteration, which lax traces only once, would not be
    Python's."""
    for group in used:
        if not any(set(group) <= set(kept) for kept in after):
            raise _separated_error(info, group)


def _separated_error(info, group) -> CarryTypeError:
    where = " and ".join(repr(shown(path)) for path in group[:3])
    return CarryTypeError(
        f"{where} hold one and the same array when this traced `{info.kind}` loop starts, "
        "and its body gives them different arrays",
        location=info.location, names=tuple(dict.fromkeys(str(p[0]) for p in group)),
        rule="in Python a write through one holder of an array shows through every other; "
        "after one iteration here they hold different arrays, so later iterations would "
        "behave differently from the first, which a compiled loop (traced once) cannot do.",
        fix="give each place its own array before the loop (`ws = [w.copy()]`), or assign "
        "both again inside the body so that they stay one array.",
    )


