"""Item assignment and list growth, written as new values for the variable.

Python meaning::

    def setitem(target, index, value, op=None, view_of=None):
        if op is None:
            target[index] = value
        else:                      # e.g. op="+=":  target[index] += value
            target[index] = target[index] <op> value
        return target

    def append(target, value):
        target.append(value)
        return target

Lists, dicts and NumPy arrays are mutated in place and returned, exactly as above. JAX
arrays are immutable, so for them the same update is ``target.at[index].set(...)``: the
variable gets the updated array. A boolean mask over the array's leading axes
(``x[mask] = 0``, ``w[w < 0] += 1``) is a ``jnp.where``, which also works when the mask
is traced. A NumPy array that receives a traced value or a traced index (``out =
np.zeros(3)`` filled in a traced loop) cannot hold it: it becomes a JAX array at that
point, and the variable gets the updated JAX array.
"""

from __future__ import annotations

import ast
import contextlib
import linecache
import operator
import sys
import threading
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import InPlaceArgumentError, Location, OuterWriteError
import py2lax.runtime.chosen_containers as chosen_containers
from py2lax.runtime.chosen_containers import check_not_chosen
from py2lax.runtime.conversions import user_location
from py2lax.runtime.values import inside_a_trace, is_jax_array, is_traced
from py2lax.runtime.holders import latest, replaced, same_array, written_into_view
from py2lax.runtime.implicit_methods import get_item, set_item
from py2lax.runtime.masked_reads import MaskedRead, leading_mask
from py2lax.runtime.list_positions import (is_chosen_key, is_traced_position, write_at,
                                          write_at_choice)
from py2lax.runtime.ordering import sort_in_place
from py2lax.runtime.selection_writes import (check_fits, check_in_place_cast,
                                              check_masked_value, in_order,
                                              written_in_order)

IN_PLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
    "@=": operator.imatmul, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "<<=": operator.ilshift, ">>=": operator.irshift,
}

_BINARY = {"+=": operator.add, "-=": operator.sub, "*=": operator.mul, "/=": operator.truediv,
           "//=": operator.floordiv, "%=": operator.mod, "**=": operator.pow,
           "@=": operator.matmul, "&=": operator.and_, "|=": operator.or_, "^=": operator.xor,
           "<<=": operator.lshift, ">>=": operator.rshift}


def setitem(target, index, value, op=None, view_of=None, written_back=False, other=None,
            value_at_index=False):
    """``target[index] = value`` (or ``target[index] <op> value``), returning the new ``target``.

    Lists, dicts and NumPy arrays are updated in place and returned; a JAX array gets
    ``target.at[index].set(...)``, and a boolean mask of its shape a ``jnp.where``.

    >>> xs = [1, 2, 3]
    >>> setitem(xs, 0, 10) is xs  # a list: mutated in place, as in Python
    True
    >>> xs
    [10, 2, 3]
    >>> import jax.numpy as jnp
    >>> setitem(jnp.zeros(3), 1, 5.0, op="+=").tolist()  # a JAX array: a new array
    [0.0, 5.0, 0.0]

    ``view_of`` names another variable that reaches ``target``'s array (``row = grid[i]``,
    ``cur = prev``): NumPy changes what it sees too. A JAX array (or a NumPy array given
    a traced value, which becomes one) cannot change in place, so with ``written_back``
    (the converted code gives ``view_of``'s names the newest contents afterwards) the
    write goes into the array ``target`` is a view of as well (``runtime.holders``);
    without it, or where that array is not known, it is refused. ``other``, when given,
    is ``view_of``'s value: a second name for the very array (``lo = hi = np.zeros(2)``)
    gets the new one from the converted code's ``written_through`` alone.

    ``value_at_index``: the value is ``value[index]`` (``a[m] += b[m]``), read here (see
    :func:`_value_read_at`).
    """
    elementwise = False
    if value_at_index:
        value, elementwise = _value_read_at(target, index, value)
    elif isinstance(value, MaskedRead):  # `a[m] = b[m] * 2.0`: `b * 2.0` where m holds
        elementwise = leading_mask(target, index) is not None and (
            jnp.shape(value.full) == jnp.shape(target))
        value = value.full if elementwise else value.selected()
    shared = view_of is not None and (is_jax_array(target) or (
        isinstance(target, np.ndarray) and _traced_update(index, value)))
    if shared and not written_back:
        raise view_update_error(view_of, sys._getframe(1))
    COPIED_VIEWS.check(target)
    check_not_chosen(target, "an item assignment")
    new = _updated_item(target, index, value, op, elementwise)
    if shared and not (other is not None and same_array(other, target)) and (
            not written_into_view(target, new)):
        raise view_update_error(view_of, sys._getframe(1))
    replaced(target, new)  # other holders of `target` follow (runtime.holders)
    return new


def _item_or_none(container, index):
    """``container[index]`` of a plain list or dict, if there is one (else None)."""
    if type(container) is list and type(index) is int and -len(container) <= index < len(
            container):
        return container[index]
    if type(container) is dict and not is_traced(index):
        return container.get(index)
    return None


def _other_slots_follow(container, index, before, value) -> None:
    """``L[0][0] = x`` after ``L[0] = L[1]``: the write replaced the array both slots
    held (``py2lax.setitem(L[0], 0, x)``: a NumPy array given a traced value, a JAX
    array), and NumPy would show it through ``L[1]`` too. The other slots of the same
    list or dict that held the very array get the new one (names that hold it are the
    converted code's ``written_through``)."""
    if before is None or before is value or latest(before) is not value:
        return
    slots = range(len(container)) if type(container) is list else list(container)
    for slot in slots:
        if slot != index and container[slot] is before:
            container[slot] = value


def _updated_item(target, index, value, op, elementwise=False):
    """The target after the update: itself for lists, dicts and NumPy arrays, a new JAX
    array otherwise (see :func:`setitem`)."""
    if type(target) is tuple and op is None and isinstance(index, int):
        # `pair[0][1] = x`: the outer level of the rewrite; Python changes the item in
        # place, and a JAX item, replaced, is given to a new tuple holding the same items
        return target if target[index] is value else _tuple_with(target, index, value)
    if is_traced_position(target, index):  # `h[b] += 1` into a Python list, `b` traced
        return write_at(target, index, value, None if op is None else IN_PLACE[op])
    if is_chosen_key(target, index):  # `d["lo" if x < 0 else "hi"] = v`, `x` traced
        return write_at_choice(target, index, value, None if op is None else _BINARY[op])
    if not is_jax_array(target):
        if isinstance(target, np.ndarray) and _traced_update(index, value):
            SHARED_ARRAYS.check(target)  # the caller's array would not see the new one
            target = jnp.asarray(target)  # NumPy cannot hold a traced value: a jax array can
        else:  # (an object of the user's: its `__setitem__`, converted)
            if op is None:
                before = _item_or_none(target, index)
                set_item(target, index, value)
                _other_slots_follow(target, index, before, value)
            else:
                set_item(target, index, IN_PLACE[op](get_item(target, index), value))
            return target
    if type(index) is list and not any(is_traced(i) for i in index):
        index = np.asarray(index)  # NumPy reads a list index as an array (`x[[0, 2]]`)
    mask = leading_mask(target, index) if is_traced(index) else None
    if mask is not None:  # `x[x < 0] = 0`, `w[w < 0] += 1`: element-wise, any mask
        if op is None and not elementwise:
            check_masked_value(target, jnp.ndim(index), value)
            if in_order(target, jnp.ndim(index), value):  # `a[m] = b[:3]`
                return written_in_order(target, index, value)
        new = value if op is None else IN_PLACE[op](target, value)
        if op is not None:
            check_in_place_cast(target.dtype, jnp.result_type(new), op)
        return jnp.where(mask, jnp.asarray(new, target.dtype), target)
    # (a concrete mask, `x[np_mask] = v`, selects as NumPy does: `.at` takes its positions)
    selected = target[index]
    if op is not None:
        value = IN_PLACE[op](selected, value)
        if jnp.ndim(selected) > 0:  # NumPy's scalar item casts back; an array does not
            check_in_place_cast(target.dtype, jnp.result_type(value), op)
    check_fits(value, jnp.shape(selected))
    value = jnp.asarray(value)  # (NumPy casts what it stores to the array's dtype, as
    if value.dtype != target.dtype:  # `.at[].set` does, with a warning it will not)
        value = value.astype(target.dtype)
    return target.at[index].set(value)


def _value_read_at(target, index, value):
    """For ``a[m] = b[m]`` / ``a[m] += b[m]``: ``b`` itself where ``m`` is a traced
    boolean mask over ``a``'s leading axes and ``b`` has ``a``'s shape (the masked update
    below then computes ``jnp.where(m, a + b, a)``, the elements Python changes, since
    ``b[m]`` would have a traced length); ``b[m]``, Python's read, otherwise."""
    if (is_traced(index) and leading_mask(target, index) is not None
            and jnp.shape(value) == jnp.shape(target)
            and (is_jax_array(value) or isinstance(value, np.ndarray))):
        return value, True
    return value[index], False


def _tuple_with(items: tuple, index: int, value) -> tuple:
    replaced_items = list(items)
    replaced_items[index] = value
    return tuple(replaced_items)


def augassign(target, value, op, view_of, other=None, written_back=False, part=False,
              across_iterations=False):
    """``target <op> value`` for a name that shares its array with ``view_of`` (``total =
    acc`` then ``acc += x``, ``p = body.pos`` then ``p += v``, ``for p in rows: p += v``).

    NumPy's ``+=`` changes the array in place, so ``view_of`` sees the change too. That
    is kept for NumPy arrays given concrete values (and for lists, where ``+=`` extends in
    place); numbers are rebound as Python rebinds them. ``other``, when given, is
    ``view_of``'s value: a name rebound since (``prev = cur``, then ``cur = step(cur)``)
    no longer shares the array, and the update is just a new value. A JAX array cannot change in
    place (nor can a NumPy array hold a traced value), so the other name would keep the
    old value: refused, at the user's line. ``across_iterations``: a list holds the
    array in every iteration of the loop around (``out.append(p); p *= 2.0``): NumPy
    changes every item appended so far, which the runtime can give only while the loop
    runs as Python; in a lax loop, refused at the user's line.

    >>> import numpy as np
    >>> acc = np.zeros(2)
    >>> augassign(acc, 1.5, "+=", view_of="total") is acc  # NumPy: in place
    True
    >>> augassign(1.0, 2.0, "*=", view_of="total")  # a number: a new value
    2.0
    """
    check_not_chosen(target, f"`{op}`")  # (`t = a if v > 0 else b`, then `t += 1`)
    shared_array = (is_jax_array(target) and jnp.ndim(target) > 0) or (
        isinstance(target, np.ndarray) and _traced_update((), value))
    if shared_array and written_back:
        # (the converted code gives the other holders the new array: `for arr in (a, b):
        # arr += 1.0`, then `a = py2lax.written_through(a)`; a part of another array,
        # `row = grid[0]` then `row += x`, writes into that array too: see runtime/holders)
        from py2lax.runtime.effects import inside_a_traced_loop  # (effects imports this)

        if across_iterations and inside_a_traced_loop():
            raise _held_across_iterations_error(view_of, op, sys._getframe(1))
        new = _BINARY[op](target, value)
        if part and not (other is not None and same_array(other, target)) and (
                not written_into_view(target, new)):
            # (`part`: `target` is a part of `view_of`'s array, `row = grid[0]` then `row
            # += x`, whose place in it the runtime does not know here)
            raise _shared_update_error(view_of, op, sys._getframe(1))
        replaced(target, new)
        return new
    if shared_array and (other is None or same_array(other, target)):
        raise _shared_update_error(view_of, op, sys._getframe(1))
    return IN_PLACE[op](target, value)


def in_place_method(target, method, *args, view_of=None, **kwargs):
    """``target.<method>(*args)`` for NumPy's in-place array methods (``v.sort()``,
    ``out.fill(x)``), returning the new ``target``.

    Lists and NumPy arrays given concrete values are changed in place, as in Python. A
    JAX array has no in-place methods (``Array.sort()`` returns a sorted copy and leaves
    ``v`` as it was), and a NumPy array cannot hold a traced value, so for them the
    variable gets the array the method would have left: ``jnp.sort(v)``,
    ``jnp.full_like(v, x)``.

    >>> import numpy as np, jax.numpy as jnp
    >>> v = np.array([3.0, 1.0, 2.0])
    >>> in_place_method(v, "sort") is v
    True
    >>> in_place_method(jnp.array([3.0, 1.0, 2.0]), "sort").tolist()
    [1.0, 2.0, 3.0]
    """
    COPIED_VIEWS.check(target)
    check_not_chosen(target, f".{method}()")
    functional = _FUNCTIONAL_METHODS.get(method)
    if functional is not None and (is_jax_array(target) or (
            isinstance(target, np.ndarray) and _traced_update(args, kwargs))):
        if view_of is not None:
            raise view_update_error(view_of, sys._getframe(1))
        SHARED_ARRAYS.check(target)
        new = functional(jnp.asarray(target), *args, **kwargs)
        replaced(target, new)
        return new
    if type(target) is list and method == "sort" and not args:
        sort_in_place(target, **kwargs)  # traced keys: a stable argsort (runtime.ordering)
        return target
    getattr(target, method)(*args, **kwargs)
    return target


def _sorted(array, axis=-1, kind=None, order=None):
    if order is not None:
        raise TypeError("`order=` sorts structured NumPy arrays, which JAX does not have")
    return jnp.sort(array, axis=axis)  # every kind gives the same values


def _filled(array, value):
    return jnp.full_like(array, jnp.asarray(value).astype(array.dtype))


# the methods py2lax.transforms.item_assignment.IN_PLACE_METHODS routes here
_FUNCTIONAL_METHODS = {"sort": _sorted, "fill": _filled}


def with_out(function, *args, out, view_of=None, **kwargs):
    """``function(*args, out=out)`` (``np.minimum(best, x, out=best)``), returning the new
    ``out``.

    A NumPy ``out`` given concrete values is written in place, as in Python. A JAX
    ``out`` (or one that would have to hold a traced value) cannot be: the variable gets
    the result, computed by the ``jax.numpy`` function, in ``out``'s dtype and shape.

    >>> import numpy as np, jax.numpy as jnp
    >>> best = np.array([3.0, 1.0])
    >>> with_out(np.minimum, best, np.array([2.0, 2.0]), out=best) is best
    True
    >>> with_out(np.minimum, jnp.array([3.0, 1.0]), 2.0, out=jnp.zeros(2)).tolist()
    [2.0, 1.0]
    """
    COPIED_VIEWS.check(out)
    if not (is_jax_array(out) or (isinstance(out, np.ndarray)
                                  and _traced_update(args, kwargs))):
        function(*args, out=out, **kwargs)
        return out
    if view_of is not None:
        raise view_update_error(view_of, sys._getframe(1))
    SHARED_ARRAYS.check(out)
    from py2lax.runtime.calls import converted  # the jax.numpy twin of a NumPy function

    result = converted(function)(*args, **kwargs)
    new = jnp.broadcast_to(jnp.asarray(result).astype(jnp.result_type(out)), jnp.shape(out))
    replaced(out, new)
    return new


def in_place_function(function, target, *args, view_of=None, **kwargs):
    """``function(target, *args)`` for NumPy's functions that write into their first
    argument (``np.add.at(a, idx, v)``, ``np.fill_diagonal(m, x)``, ``np.put(a, ind,
    v)``, ``np.put_along_axis``, ``np.copyto(dst, src)``), returning the new ``target``.

    A NumPy ``target`` given concrete values is written in place, as in Python. A JAX
    array cannot be, nor can a NumPy array hold a traced value: the variable gets the
    array the call would have left (``a.at[idx].add(v)``, ``jnp.fill_diagonal(m, x,
    inplace=False)``).

    >>> import numpy as np, jax.numpy as jnp
    >>> a = np.zeros(3)
    >>> in_place_function(np.add.at, a, [0, 0, 2], 1.0) is a
    True
    >>> a.tolist()
    [2.0, 0.0, 1.0]
    >>> in_place_function(np.add.at, jnp.zeros(3), jnp.array([0, 0, 2]), 1.0).tolist()
    [2.0, 0.0, 1.0]
    """
    COPIED_VIEWS.check(target)
    if not (is_jax_array(target) or (isinstance(target, np.ndarray)
                                     and _traced_update(args, kwargs))):
        function(target, *args, **kwargs)
        return target
    if view_of is not None:
        raise view_update_error(view_of, sys._getframe(1))
    SHARED_ARRAYS.check(target)
    new = _functional_form(function)(jnp.asarray(target), *args, **kwargs)
    replaced(target, new)
    return new


def _ufunc_at(name: str):
    """``np.<ufunc>.at(a, indices, b)`` as ``a.at[indices].<update>(b)``."""
    def at(array, indices, values=None):
        place = array.at[indices if not isinstance(indices, list) else jnp.asarray(indices)]
        if name == "add":
            return place.add(values)
        if name == "subtract":
            return place.add(-jnp.asarray(values))
        if name == "multiply":
            return place.multiply(values)
        if name == "divide" or name == "true_divide":
            return place.divide(values)
        if name == "maximum":
            return place.max(values)
        if name == "minimum":
            return place.min(values)
        if name == "power":
            return place.power(values)
        raise TypeError(f"np.{name}.at has no jax.numpy form: write the update with "
                        f"`a = a.at[indices].apply(...)` or a loop over the indices")
    return at


def _copied_to(destination, source, casting="same_kind", where=True):
    source = jnp.broadcast_to(jnp.asarray(source).astype(destination.dtype),
                              jnp.shape(destination))
    return jnp.where(where, source, destination)


# (NumPy takes lists where jax.numpy takes arrays: `np.put(b, [0, 2], [9.0, 8.0])`)
_IN_PLACE_FUNCTIONS = {
    "fill_diagonal": lambda a, val, wrap=False: jnp.fill_diagonal(a, jnp.asarray(val), wrap,
                                                                  inplace=False),
    "put": lambda a, ind, v, mode=None: jnp.put(a, jnp.asarray(ind), jnp.asarray(v), mode,
                                                inplace=False),
    "put_along_axis": lambda a, indices, values, axis: jnp.put_along_axis(
        a, jnp.asarray(indices), jnp.asarray(values), axis, inplace=False),
    "copyto": _copied_to,
}


def _functional_form(function):
    ufunc = getattr(function, "__self__", None)
    if isinstance(ufunc, np.ufunc) and getattr(function, "__name__", "") == "at":
        return _ufunc_at(ufunc.__name__)
    name = getattr(function, "__name__", "")
    if name not in _IN_PLACE_FUNCTIONS:
        raise TypeError(f"{name} writes into a NumPy array in place, and has no jax.numpy "
                        "form that py2lax knows")
    return _IN_PLACE_FUNCTIONS[name]


def append(target, value):
    """``target.append(value)``, returning ``target``.

    >>> append([1], 2)
    [1, 2]
    """
    check_not_chosen(target, "append")
    target.append(value)
    return target


def extend(target, values):
    """``target.extend(values)``, returning ``target``.

    >>> extend([1], (2, 3))
    [1, 2, 3]
    """
    check_not_chosen(target, "extend")
    target.extend(values)
    return target


def _traced_update(index, value) -> bool:
    return _any_traced((index, value))


def _any_traced(tree) -> bool:
    return any(is_traced(leaf) for leaf in jax.tree_util.tree_leaves(tree))


class _SharedArrays(threading.local):
    """NumPy arrays that a helper received as parameters it updates in place.

    Such an array cannot become a JAX array inside the helper (to hold a traced value):
    the caller keeps the NumPy array and would never see the update.
    """

    def __init__(self):
        self.refusals: dict[int, Exception] = {}

    @contextlib.contextmanager
    def holding(self, refusals: dict[int, Exception]):
        previous = dict(self.refusals)
        self.refusals.update(refusals)
        try:
            yield
        finally:
            self.refusals = previous

    def check(self, array) -> None:
        if not self.refusals or not isinstance(array, np.ndarray):
            return
        refusal = self.refusals.get(id(array))
        if refusal is not None:
            raise refusal


SHARED_ARRAYS = _SharedArrays()


def kept_in_place(inputs: tuple, outputs: tuple, info) -> tuple:
    """``outputs``, with each list or dict that replaces the one the statement received
    under the same name written into that original object instead.

    A traced statement works on copies of the containers it carries; Python changes the
    containers themselves, which every other name for them sees (``r = records[i]``,
    then ``r["flag"] = 1``).
    """
    outputs = list(outputs)
    for index, name in enumerate(info.carried):
        if name not in info.inputs or index >= len(outputs):
            continue
        position = info.inputs.index(name)
        if position < len(inputs):
            if (isinstance(inputs[position], (list, dict)) and _chosen_copy(outputs[index])
                    and not _held_by_the_name_only(inputs[position], inputs)):
                # the name held this list before, and holds a new one on some path
                if id(outputs[index]) not in _FOLLOWED:
                    raise _chosen_container_error(info, name, inputs[position])
                continue  # (its originals got the chosen values: `originals_follow`)
            if _chosen_copy(inputs[position]) and outputs[index] is inputs[position]:
                # changed through a name an earlier traced `if` chose: the list it stands
                # for would not see the change (`check_not_chosen`, inside a statement)
                check_not_chosen(inputs[position], f"in this traced `{info.kind}`")
            if outputs[index] is not inputs[position]:
                # a helper's NumPy parameter the traced statement wrote: the result is a
                # JAX array, which the caller's array would never see
                SHARED_ARRAYS.check(inputs[position])
            outputs[index] = update_in_place(inputs[position], outputs[index])
    return tuple(outputs)


def _chosen_copy(value) -> bool:
    """A list or dict a traced condition chose between the one a name held and another
    (``chosen_containers``)."""
    entry = chosen_containers._CHOSEN.get(id(value))
    return entry is not None and entry[0] is value


def _held_by_the_name_only(original, inputs: tuple) -> bool:
    """No other variable or object holds ``original`` (``state = {...}`` returned after
    ``if t: state = {...}``): the chosen items may go into it, no one else sees them."""
    from py2lax.runtime.effects import held_by_one_variable  # (effects imports this module)

    return held_by_one_variable(original, skip=(inputs,))


# id(chosen copy) -> the copy: the containers it may be already hold Python's values
_FOLLOWED: dict[int, object] = {}
_MAX_FOLLOWED = 1024


def originals_follow(pred, chosen, left, right) -> None:
    """After ``if t: a[0] = x else: a = [y]`` while ``b = a`` holds the first list:
    ``a`` is a new list holding the chosen items (``chosen``), and each container the
    branches gave that existed before (``left`` from the true branch, ``right`` from
    the false one, or None) takes ``chosen``'s items where the condition chose it and
    keeps its own elsewhere, as Python's one list would. A change made later through
    ``a`` is refused (``chosen_containers``). Containers whose items cannot be chosen
    between (a length or keys that differ) stay as they are, and the write-back refuses
    the statement (:func:`kept_in_place`)."""
    for original, taken in ((left, pred), (right, jnp.logical_not(pred))):
        if original is None or original is chosen:
            continue
        if _chosen_copy(original):  # itself chosen earlier: its own originals would not follow
            return
        if (type(original) is not type(chosen) or jax.tree_util.tree_structure(original)
                != jax.tree_util.tree_structure(chosen)):
            return
    for original, taken in ((left, pred), (right, jnp.logical_not(pred))):
        if original is not None and original is not chosen:
            update_in_place(original, jax.tree_util.tree_map(
                lambda new, old, taken=taken: jnp.where(taken, new, old), chosen, original))
    if len(_FOLLOWED) >= _MAX_FOLLOWED:
        _FOLLOWED.clear()
    _FOLLOWED[id(chosen)] = chosen


def forget_followed() -> None:
    """When the outermost converted function returns (the copies hold tracers)."""
    _FOLLOWED.clear()


def _chosen_container_error(info, name: str, original) -> OuterWriteError:
    kind = type(original).__name__
    return OuterWriteError(
        f"{kind} {name!r} is changed on one path of this traced `{info.kind}` and bound to "
        f"a new {kind} on the other, while another name may hold the {kind} it held before: "
        f"that name sees the change only where the condition kept it",
        location=info.location, names=(name,),
        rule="lax.cond returns new values; it cannot make a name refer to one of two Python "
        "objects that other names also hold.",
        fix=f"change the {kind} in place on every path (`{name}[:] = [...]` rather than "
        f"`{name} = [...]`), or bind a new {kind} on every path (`{name} = list({name})` "
        "before the statement) so that no other name holds it")


def update_in_place(original, new):
    """``original`` holding ``new``'s contents, if both are lists or both dicts (nested
    containers too); else ``new``."""
    if original is new or type(original) is not type(new) or not isinstance(new, (list, dict)):
        return new
    if isinstance(new, dict):
        if list(original) != list(new):
            original.clear()
            original.update(new)
        else:
            for key, value in new.items():
                original[key] = update_in_place(original[key], value)
    elif len(original) != len(new):
        original[:] = new
    else:
        for index, value in enumerate(new):
            original[index] = update_in_place(original[index], value)
    return original


def indices(values: list):
    """A list used as an index (``a[[k, p]]``), as the index array NumPy makes of it.

    >>> indices([0, 2])
    array([0, 2])
    """
    if any(is_jax_array(v) for v in jax.tree_util.tree_leaves(values)):
        return jnp.asarray(values)
    return np.asarray(values)


def view_update_error(base: str, frame) -> InPlaceArgumentError:
    """An item assignment into a part of ``base`` taken earlier, on JAX arrays."""
    location = Location(frame.f_code.co_filename, frame.f_lineno)
    return InPlaceArgumentError(
        f"this assignment writes into an array that {base!r} reaches too (the same array, "
        "or a row or slice of it), and the result is a JAX array here",
        location=location, names=(base,),
        rule=f"with NumPy, the assignment changes the array in place, so {base!r} sees it "
        "too; a JAX array cannot change in place, so only this name would get the new value.",
        fix=f"assign into {base!r} itself (`{base}[i, j] = v` instead of `row = {base}[i]` "
        f"then `row[j] = v`; py2lax writes it as `{base} = {base}.at[i, j].set(v)`), or "
        "work on an explicit copy (`.copy()`) if the change should stay in the part.")


def _shared_update_error(base: str, op: str, frame) -> InPlaceArgumentError:
    """An augmented assignment to an array that ``base`` reaches too, on JAX arrays."""
    location = Location(frame.f_code.co_filename, frame.f_lineno)
    return InPlaceArgumentError(
        f"this `{op}` changes an array that {base!r} reaches too (the same array, or a row "
        "or slice of it), and the array is a JAX array here",
        location=location, names=(base,),
        rule=f"with NumPy, `{op}` changes the array in place, so {base!r} sees the change; a "
        "JAX array cannot change in place, so only this name would get the new value.",
        fix=f"write the update as a new value (`y = y {op[:-1]} v` instead of `y {op} v`) "
        f"and assign {base!r} (or its item) from it explicitly, or take a copy first "
        "(`.copy()`) if the other name should keep the old value.",
    )


def _held_across_iterations_error(holder: str, op: str, frame) -> InPlaceArgumentError:
    """``out.append(p)`` then ``p *= 2.0`` in a lax loop, ``p`` one array throughout."""
    location = Location(frame.f_code.co_filename, frame.f_lineno)
    return InPlaceArgumentError(
        f"this `{op}` changes an array that {holder!r} keeps from an earlier iteration of "
        "the loop (the same array in every iteration), and the loop runs in lax",
        location=location, names=(holder,),
        rule=f"with NumPy, `{op}` changes that one array in place, so every item {holder!r} "
        "kept shows the change; a JAX array cannot change in place, and lax keeps each "
        "iteration's items apart.",
        fix=f"store a copy in {holder!r} (`.copy()`) if each item should keep the value it "
        f"had, or write the update as a new value (`y = y {op[:-1]} v`) and store the last "
        "value after the loop if every item should show it.",
    )


class OwnedBuffer(np.ndarray):
    """A NumPy array the converted function made itself (``parent = np.arange(n)``,
    ``table = np.arange(10) ** 2``), while a JAX trace runs.

    It is an ordinary NumPy array for every concrete use: static indices, in-place
    writes of concrete values, NumPy functions and operators (whose new arrays are the
    function's own too; 0-d results are NumPy scalars, as usual). Read with a traced
    index (``parent[a]`` inside a traced loop), it gives what NumPy would read, from a
    JAX copy of its values: NumPy itself cannot take a tracer as an index, and nobody
    outside the function holds the array, so no one can tell. A traced value written
    into it makes the variable a JAX array (:func:`setitem`). Arrays the function did
    not make (arguments, globals) stay plain NumPy arrays, and a traced index into them
    is refused at the user's line (``diagnostics.jax_errors``).

    A traced read that NumPy answers with a view (``row = grid[k]``: a row) gives a
    copy instead, which a later write into the array would not reach: such a write is
    refused (:class:`_CopiedViews`).
    """

    def __getitem__(self, index):
        if _any_traced(index):
            read = jnp.asarray(self.view(np.ndarray))[index]
            if jnp.ndim(read) and not _has_index_arrays(index):
                COPIED_VIEWS.remember(self)  # NumPy's result would be a view
            return read
        return super().__getitem__(index)

    def __setitem__(self, index, value):
        COPIED_VIEWS.check(self)
        super().__setitem__(index, value)

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        outs = kwargs.get("out")
        if outs is not None:
            for out in outs:  # `grid += 1`, `np.add(a, b, out=grid)`
                COPIED_VIEWS.check(out)
            kwargs["out"] = tuple(_plain(o) for o in outs)
        result = getattr(ufunc, method)(*(_plain(x) for x in inputs), **kwargs)
        if outs is None:
            return _owned_results(result)
        return tuple(outs) if isinstance(result, tuple) else outs[0]  # `out=` given back

    def __array_function__(self, func, types, args, kwargs):
        result = func(*_plain_all(args), **{k: _plain_all(v) for k, v in kwargs.items()})
        return _owned_results(result)


def _has_index_arrays(index) -> bool:
    """An index with an array of positions in it (NumPy copies, as JAX does)."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(jnp.ndim(part) > 0 for part in parts
               if part is not None and part is not Ellipsis and not isinstance(part, slice))


class _CopiedViews(threading.local):
    """The function's own NumPy arrays that a traced index read a part of (``row =
    grid[k]``), with the user's line of that read.

    NumPy's part is a view, which shows every later write into the array; py2lax's is a
    copy (NumPy cannot take a tracer as an index). A later write into that memory is
    refused at its line instead of leaving the copy out of date (a silent wrong answer).
    """

    def __init__(self):
        self.reads: dict[int, tuple] = {}  # id(memory owner) -> (weak reference, location)

    def remember(self, array) -> None:
        owner = _memory_owner(array)
        found = self.reads.get(id(owner))
        if found is None or found[0]() is not owner:
            if len(self.reads) > 256:  # forget arrays that are gone
                self.reads = {k: v for k, v in self.reads.items() if v[0]() is not None}
            self.reads[id(owner)] = (weakref.ref(owner), user_location())

    def check(self, array) -> None:
        if not self.reads or not isinstance(array, np.ndarray):
            return
        owner = _memory_owner(array)
        found = self.reads.get(id(owner))
        if found is None or found[0]() is not owner:
            return
        raise _copied_view_error(found[1], user_location())


COPIED_VIEWS = _CopiedViews()


def _memory_owner(array: np.ndarray) -> np.ndarray:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _copied_view_error(read: Location | None, write: Location | None
                       ) -> InPlaceArgumentError:
    names = _written_name(write)
    shown = f"`{names[0]}`" if names else "this array"
    return InPlaceArgumentError(
        f"this writes into {shown}, a part of which was read with a traced index "
        f"{f'at {read}' if read else 'earlier'} (a row or slice: with NumPy a view, which "
        "would show this write)",
        location=write, names=names,
        rule="NumPy cannot index with a traced value, so py2lax read that part from a JAX "
        "copy of the array; the copy keeps the old values after this write, where NumPy's "
        "view would change.",
        fix="read the part again after the write (or index the array itself where the "
        "part is used), or make the array a JAX array where it is created (`jnp.` instead "
        "of `np.`) and write it with `.at[...].set(...)`.")


def _written_name(location: Location | None) -> tuple[str, ...]:
    """The array the user's line at ``location`` writes into (``grid`` in ``grid[k, 0] =
    9.0`` or ``np.copyto(grid, a)``), when the line shows it."""
    if location is None:
        return ()
    text = linecache.getline(location.filename, location.line).strip()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ()
    for node in ast.walk(tree):
        target = (node.targets[0] if isinstance(node, ast.Assign) else node.target
                  if isinstance(node, ast.AugAssign) else None)
        while isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name):
            return (target.id,)
    return ()


def _plain(value):
    return value.view(np.ndarray) if isinstance(value, OwnedBuffer) else value


def _plain_all(value):
    """``value`` with each :class:`OwnedBuffer` in it (through lists and tuples) a plain
    NumPy array, for NumPy's own functions."""
    if type(value) in (list, tuple):
        return type(value)(_plain_all(v) for v in value)
    return _plain(value)


def _owned_results(result):
    """The arrays NumPy made from an :class:`OwnedBuffer`, marked as the function's own
    too (a tuple of them for ``np.divmod``, ``np.nonzero``)."""
    if type(result) is tuple:
        return tuple(_owned_results(r) for r in result)
    if type(result) is np.ndarray and result.dtype != object:
        return result.view(OwnedBuffer)
    return result


def owned(result, arguments):
    """``result`` of a NumPy function the converted code called with ``arguments``: a
    new array (sharing no memory with them) is marked as the function's own
    (:class:`OwnedBuffer`) while a trace runs; anything else is returned as it is.

    Outside a trace nothing is ever traced, and the array stays exactly NumPy's.
    """
    if type(result) is not np.ndarray or result.dtype == object or not inside_a_trace():
        return result
    for leaf in jax.tree_util.tree_leaves(arguments):
        if type(leaf) is np.ndarray and np.may_share_memory(result, leaf):
            return result  # a view of an array the function was given: not its own
    return result.view(OwnedBuffer)  # new, or a view of the function's own (np.asarray(buf))
