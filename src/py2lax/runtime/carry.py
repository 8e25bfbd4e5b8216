"""Joining the types that branches and loop iterations produce.

``lax.cond`` needs both branches to return the same types, and ``lax.while_loop``,
``fori_loop`` and ``scan`` need the carry to keep its type. Python has no such rule:
``s = 0`` followed by ``s = s + x`` just works. The runtime first runs the lax primitive
as is; only when it rejects the types does it look at what each side produced, promote
dtypes the way ``jnp`` arithmetic would (``int`` and ``float32`` give ``float32``), and
run again. Differences that promotion cannot join (shapes, pytree structure) become a
:class:`~py2lax.diagnostics.errors.CarryTypeError` naming the variable and the user's line.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from py2lax.diagnostics.errors import (CarryTypeError, InconsistentReturnError, Location, OuterWriteError,
                           UndefinedVariableError)
from py2lax.diagnostics.messages import first_assigned_in_loop, value_or_none
from py2lax.runtime.jax_compat import typeof
from py2lax.runtime.python_types import LoopKinds, forget_reads
from py2lax.runtime.python_values import python_value_error, set_aside
from py2lax.runtime.optional_values import named
from py2lax.runtime.undefined import Undefined
from py2lax.diagnostics.statements import StatementInfo


@dataclass(frozen=True)
class LeafType:
    shape: tuple[int, ...]
    dtype: object   # a NumPy dtype, or one of JAX's extended dtypes (PRNG keys)
    weak: bool
    vma: frozenset = frozenset()  # inside shard_map: the mesh axes the value varies over

    @classmethod
    def of(cls, value) -> "LeafType":
        if isinstance(value, jax.ShapeDtypeStruct):  # from jax.eval_shape
            return cls(tuple(value.shape), value.dtype, bool(value.weak_type))
        aval = getattr(value, "aval", None)
        if aval is not None:
            return cls(tuple(aval.shape), aval.dtype, bool(getattr(aval, "weak_type", False)),
                       _varying_axes(aval))
        if isinstance(value, (bool, int, float, complex)):
            return cls((), np.dtype(jnp.result_type(value)), not isinstance(value, bool))
        return cls(tuple(np.shape(value)), np.dtype(jnp.result_type(value)), False)

    @property
    def promotable(self) -> bool:
        return not jax.dtypes.issubdtype(self.dtype, jax.dtypes.extended)

    def representative(self):
        """What ``jnp.result_type`` should see: a Python type for weak values."""
        if self.weak:
            return {"b": bool, "i": int, "u": int, "f": float, "c": complex}[self.dtype.kind]
        return self.dtype

    def __str__(self) -> str:
        dims = ",".join(str(d) for d in self.shape)
        return f"{self.dtype.name}[{dims}]" + (" (weak)" if self.weak else "")


def leaf_types(tree):
    """Flattened leaf types and the tree structure of a pytree of values."""
    leaves, treedef = jax.tree_util.tree_flatten(tree)
    return [LeafType.of(leaf) for leaf in leaves], treedef


def joined_dtypes(per_side: list, info: StatementInfo, what: str, sides: tuple[str, str]):
    """Per carried value, the list of target dtypes per leaf (None where nothing changes).

    ``per_side`` holds two tuples (one per side) of carried values' leaf types/treedefs.
    """
    targets = []
    for index, (left, right) in enumerate(zip(*per_side)):
        (left_leaves, left_tree), (right_leaves, right_tree) = left, right
        name = info.name_of(index)
        if left_tree != right_tree:
            if name == info.result and info.none_returns:
                raise value_or_none_error(info)
            raise _structure_error(info, name, what, sides, left_tree, right_tree)
        leaf_targets = []
        for path_index, (a, b) in enumerate(zip(left_leaves, right_leaves)):
            if a.shape != b.shape:
                raise _shape_error(info, name, what, sides, a, b, left_tree, path_index)
            dtype = None if a.dtype == b.dtype else _promoted_dtype(info, name, what, sides, a, b)
            if dtype is None and a.vma == b.vma:
                leaf_targets.append(None)
            else:
                leaf_targets.append(LeafCast(dtype, a.vma | b.vma))
        targets.append(leaf_targets)
    return targets


def _promoted_dtype(info, name, what, sides, a: LeafType, b: LeafType):
    """The dtype ``jnp`` arithmetic would give both sides, or a located error."""
    problem = None
    if not (a.promotable and b.promotable):
        problem = "cannot be converted into each other"
    else:
        try:
            return np.dtype(jnp.result_type(a.representative(), b.representative()))
        except (TypeError, ValueError):  # e.g. TypePromotionError under "strict" promotion
            problem = "are not promoted into each other under the current dtype-promotion mode"
    return _raise(CarryTypeError(
        f"{info.subject(name)} is {a.dtype} in the {sides[0]} but {b.dtype} in the {sides[1]} "
        f"of this traced {info.statement}, and these dtypes {problem}",
        location=info.location, names=(name,),
        rule=f"{what} must produce the same dtype for every value.",
        fix=f"convert explicitly so both sides agree, e.g. `{name} = {name}.astype(jnp.float32)`, "
        "or give the value one type on every path.",
    ))


def _raise(error):
    raise error


def _varying_axes(aval) -> frozenset:
    """Mesh axes a value varies over inside ``shard_map`` (empty elsewhere).

    JAX has spelled this ``aval.vma`` and, more recently, ``aval.mat.varying``.
    """
    manual = getattr(aval, "mat", None)
    if manual is not None:
        return frozenset(getattr(manual, "varying", frozenset()))
    return frozenset(getattr(aval, "vma", None) or frozenset())


@dataclass(frozen=True)
class LeafCast:
    """How one leaf must change: a new dtype, and/or more mesh axes it varies over.

    Inside ``shard_map`` a constant is the same on every shard while a computed value
    varies; lax needs both sides of a branch or loop to agree, so the constant is
    marked as varying (``lax.pcast(..., to="varying")``), which changes no value.
    """

    dtype: object
    varying: frozenset


def cast_tree(value, leaf_targets):
    leaves, treedef = jax.tree_util.tree_flatten(value)
    cast = [_cast_leaf(leaf, target) for leaf, target in zip(leaves, leaf_targets)]
    return jax.tree_util.tree_unflatten(treedef, cast)


def _cast_leaf(leaf, target: LeafCast | None):
    if target is None:
        return leaf
    if target.dtype is not None:
        leaf = lax.convert_element_type(leaf, target.dtype)
    missing = target.varying - _varying_axes(typeof(leaf))
    if missing:
        leaf = lax.pcast(leaf, tuple(sorted(missing)), to="varying")
    return leaf


def _leaf_path(treedef, index: int) -> str:
    paths = jax.tree_util.tree_flatten_with_path(
        jax.tree_util.tree_unflatten(treedef, list(range(treedef.num_leaves)))
    )[0]
    if index < len(paths):
        return jax.tree_util.keystr(paths[index][0])
    return ""


def value_or_none_error(info: StatementInfo) -> InconsistentReturnError:
    """The function's result is ``None`` on one side of a traced statement only."""
    none_return = info.none_returns[0]
    problem, rule, fix = value_or_none(info.function, none_return.describe(), info.kind,
                                       info.line)
    return InconsistentReturnError(problem, location=Location(info.filename, none_return.line),
                                   names=(info.function,), rule=rule, fix=fix)


def _structure_error(info, name, what, sides, left_tree, right_tree):
    lengths = _list_lengths(left_tree), _list_lengths(right_tree)
    if None not in lengths:
        return CarryTypeError(
            f"list {name!r} has {lengths[0]} items in the {sides[0]} but {lengths[1]} in the "
            f"{sides[1]} of this traced {info.statement}",
            location=info.location, names=(name,),
            rule=f"{what} must produce lists of one length: a list that grows only on some "
            "paths, or in some iterations, has a length that depends on a traced value.",
            fix=f"append on every path (e.g. `{name}.append(jnp.where(cond, value, 0.0))`), "
            "or preallocate an array of the largest length and keep a count of the items.",
        )
    difference = _first_difference(name, left_tree, right_tree, sides)
    return CarryTypeError(
        f"{info.subject(name)} has a different structure in the {sides[0]} and in the "
        f"{sides[1]} of this traced {info.statement}: {difference}",
        location=info.location, names=(name,),
        rule=f"{what} must produce the same pytree structure (same containers, same keys, "
        "None in the same places) on every path.",
        fix=("give both sides of the conditional expression the same structure (use zeros "
             "rather than None)." if info.kind == "ternary" else
             f"give {name!r} the same structure on every path, e.g. create it before the "
             f"`{info.kind}` and only update its leaves (use zeros rather than None)."),
    )


def _list_lengths(treedef) -> int | None:
    """The length of a list at the root of a structure, if it is one."""
    try:
        if treedef.node_data()[0] is list:
            return len(jax.tree_util.treedef_children(treedef))
    except (TypeError, IndexError):  # a leaf or None: no node data
        pass
    return None


def _first_difference(name, left_tree, right_tree, sides) -> str:
    """Where two structures first differ, e.g. ``state['v'][1] is None in the true branch``."""
    left, right = _skeleton(left_tree), _skeleton(right_tree)
    for path in list(left) + [p for p in right if p not in left]:
        kinds = (left.get(path, "missing"), right.get(path, "missing"))
        if kinds[0] != kinds[1]:
            return (f"{name}{path} is {kinds[0]} in the {sides[0]} but {kinds[1]} in "
                    f"the {sides[1]}")
    static = _static_difference(name, left_tree, right_tree)
    if static is not None:
        return (f"{static[0]} is {static[1]!r} in the {sides[0]} but {static[2]!r} in the "
                f"{sides[1]} (an attribute of an object can be chosen between arrays and "
                "numbers only)")
    return f"{left_tree} versus {right_tree}"


def _static_difference(path: str, left, right):
    """``(path, left value, right value)`` for the first attribute of an object that holds
    a different Python value in the two structures (``c.name``: "pos" against "cfg"), or
    None. An object's attributes that are not arrays travel as its layout's static data
    (``runtime/objects.ObjectState``)."""
    try:
        (left_type, left_data), (right_type, right_data) = left.node_data(), right.node_data()
    except TypeError:  # a leaf
        return None
    left_static = dict(getattr(left_data, "static", ()))
    right_static = dict(getattr(right_data, "static", ()))
    for attribute in left_static.keys() & right_static.keys():
        try:
            same = bool(left_static[attribute] == right_static[attribute])
        except Exception:  # noqa: BLE001 - an array's ==: not the difference sought
            continue
        if not same:
            return (f"{path}.{attribute}", left_static[attribute], right_static[attribute])
    names = getattr(left_data, "names", None)
    children = zip(jax.tree_util.treedef_children(left),
                   jax.tree_util.treedef_children(right))
    for index, (a, b) in enumerate(children):
        inner = (f"{path}.{names[index]}" if names is not None and index < len(names)
                 else f"{path}[{index}]")
        found = _static_difference(inner, a, b)
        if found is not None:
            return found
    return None


def _skeleton(treedef) -> dict[str, str]:
    """Path -> "None" or "an array" for every leaf and None of a structure, in order."""
    tree = jax.tree_util.tree_unflatten(treedef, [0] * treedef.num_leaves)
    flat, _ = jax.tree_util.tree_flatten_with_path(tree, is_leaf=lambda x: x is None)
    return {jax.tree_util.keystr(path): ("None" if leaf is None else "an array")
            for path, leaf in flat}


def _shape_error(info, name, what, sides, a, b, treedef, index):
    path = _leaf_path(treedef, index)
    return CarryTypeError(
        f"{info.subject(name)}{path} has shape {a.shape} in the {sides[0]} but {b.shape} in "
        f"the {sides[1]} of this traced {info.statement}",
        location=info.location, names=(name,),
        rule=f"{what} must keep every array's shape: XLA compiles one program with fixed "
        "shapes, so a shape cannot depend on a traced condition or change per iteration.",
        fix="keep the shape fixed: pad to a maximum size, use `jnp.where` to select values, "
        "or make the condition static (e.g. `static_argnames=`).",
    )


# A carried value's dtype can be promoted at most this many times (e.g. int -> float32).
_MAX_PROMOTIONS = 3


# -- the helpers the generated code calls ------------------------------------------


class _Recorder:
    """Wraps a loop step to remember the carry types it produced, and to give the
    carried values it receives the Python types of the carry (see python_types)."""

    def __init__(self, step_fn, carry_of, kinds: LoopKinds, info: StatementInfo | None = None,
                 carry=()):
        self.step_fn, self.carry_of, self.kinds = step_fn, carry_of, kinds
        self.info, self.carry = info, carry
        self.types = None  # types only: the tracers themselves must not outlive the trace
        self.numbers = None  # per carried leaf: the Python number the body gave, if one
        self.input_ids: list[list[int]] = []  # per call of the body or the condition

    def marked(self, state):
        """``state`` (the carry a loop's condition receives), its values given the Python
        types of the carry, as the body's are."""
        self.input_ids.append([id(leaf) for leaf in self.kinds.mark_inputs((state,), tuple)])
        return state

    def __call__(self, *args):
        self.input_ids.append([id(leaf) for leaf in self.kinds.mark_inputs(args, self.carry_of)])
        result = self.step_fn(*args)
        if self.info is not None:
            _check_carriable(self.carry_of(result), self.carry, self.info)
        self.types = tuple(leaf_types(v) for v in self.carry_of(result))
        self.numbers = tuple(tuple(leaf if type(leaf) in (int, float) else None
                                   for leaf in jax.tree_util.tree_leaves(v))
                             for v in self.carry_of(result))
        self.kinds.record_body(self.carry_of(result))
        return result


def lax_loop(loop, step_fn, carry, info, carry_of=lambda out: out):
    """Run ``loop(step, carry)``; on a carry dtype mismatch promote the carry and retry."""
    check_defined(carry, info)
    kinds = LoopKinds(carry)  # the Python types, before promotion makes arrays of them
    for _attempt in range(_MAX_PROMOTIONS + 1):
        recorder = _Recorder(step_fn, carry_of, kinds, info, carry)
        try:
            results = tuple(loop(recorder, carry))
        except TypeError:
            forget_reads(recorder.input_ids)
            if recorder.types is None:
                raise  # the body itself failed to trace: that error is the user's
        else:
            results = _with_python_types(results, loop, recorder, carry)
            named(results, range(len(results)), info)  # (optional_values)
            return results
        narrowing = _python_numbers_narrowed(carry, recorder.types, recorder.numbers)
        if narrowing is not None:  # `y = 0` into a float carry: the body's value is cast
            step_fn = _CastCarry(step_fn, carry_of, narrowing)
        promoted = _promoted(carry, recorder.types, info, narrowed=narrowing is not None)
        if _attempt == _MAX_PROMOTIONS:
            raise _unsettled_error(tuple(leaf_types(v) for v in carry), recorder.types, info)
        carry = promoted
    raise _unsettled_error(tuple(leaf_types(v) for v in carry), recorder.types, info)


def _check_carriable(results, carry, info) -> None:
    """A body that turns a carried value into a Python value lax cannot carry (``g = None``
    before the loop, a function after an iteration) gets the located error naming it (the
    values that start as Python values are set aside and checked before lax runs)."""
    for index, value in builtins.enumerate(results):
        python = set_aside(value)[1]
        if python:
            before = carry[index] if index < len(carry) else None
            raise python_value_error(info.name_of(index), before, python[0], info,
                                     ("value before the loop", "value after one iteration"))


def _python_numbers_narrowed(carry, body_types, body_numbers):
    """Per carried value, the casts that take the body's values back to the carry's types,
    for the Python numbers the body assigns (``y = 0``) that the carry's dtype holds
    exactly (the loop's ``0.0`` equals Python's ``0``); None when there are none, or one
    the carry cannot hold. Values the body computes (``s = i * 2`` into a float ``s``:
    float32 would round large ones) are left to :func:`_promoted`, which refuses them."""
    init_types = tuple(leaf_types(v) for v in carry)
    casts, narrowed = [], False
    for (init_leaves, init_tree), (body_leaves, body_tree), numbers in builtins.zip(
            init_types, body_types, body_numbers):
        if init_tree != body_tree:
            return None
        leaf_casts = []
        for before, after, number in builtins.zip(init_leaves, body_leaves, numbers):
            if before == after:
                leaf_casts.append(None)
                continue
            if number is None:  # promoted with the carry, or refused, by `_promoted`
                leaf_casts.append(None)
                continue
            if not (after.weak and before.shape == after.shape and before.promotable
                    and np.asarray(number, before.dtype) == number):
                return None
            try:
                joined = np.dtype(jnp.result_type(before.representative(),
                                                  after.representative()))
            except (TypeError, ValueError):
                return None
            if joined != before.dtype or before.weak:
                return None
            leaf_casts.append(LeafCast(before.dtype, frozenset()))
            narrowed = True
        casts.append(leaf_casts)
    return casts if narrowed else None


class _CastCarry:
    """A loop step whose carried results are cast to the carry's dtypes (see
    :func:`_python_numbers_narrowed`); its other outputs are left as they are."""

    def __init__(self, step_fn, carry_of, casts):
        self.step_fn, self.carry_of, self.casts = step_fn, carry_of, casts

    def __call__(self, *args):
        result = self.step_fn(*args)
        carried = self.carry_of(result)
        cast = tuple(cast_tree(v, c) for v, c in builtins.zip(carried, self.casts))
        new = {id(old): leaf for old, leaf in builtins.zip(
            jax.tree_util.tree_leaves(carried), jax.tree_util.tree_leaves(cast))
            if old is not leaf}
        if not new:
            return result
        return jax.tree_util.tree_map(lambda leaf: new.get(id(leaf), leaf), result)


def _with_python_types(results, loop, recorder, carry):
    """The loop's results, recorded with the Python types they stand for. A body that
    tested the type of a value it then gives back with another type (``step = 1`` made
    ``2.0``) is traced again with that value's type unknown, so the test refuses."""
    kinds = recorder.kinds
    changed = kinds.changed_and_read(recorder.input_ids)
    forget_reads(recorder.input_ids)
    if changed:
        kinds.mixed_where_changed()
        again = _Recorder(recorder.step_fn, recorder.carry_of, kinds)
        results = tuple(loop(again, carry))
        forget_reads(again.input_ids)
    kinds.remember_results(results)
    return results


def promoted_to(carry, body_types, info):
    """``carry`` cast to the dtypes the loop body gives it (unchanged when they agree).

    Shapes or structures that differ raise the located CarryTypeError.
    """
    init_types = tuple(leaf_types(v) for v in carry)
    casts = joined_dtypes([init_types, body_types], info, "every iteration of the loop",
                          ("value before the loop", "value after one iteration"))
    return tuple(cast_tree(v, c) for v, c in builtins.zip(carry, casts))


def _promoted(carry, body_types, info, narrowed: bool = False):
    """The carry cast to the dtypes the body produces (raises CarryTypeError otherwise;
    ``narrowed``: the body's values are cast to the carry instead, so an unchanged carry
    is fine)."""
    init_types = tuple(leaf_types(v) for v in carry)
    casts = joined_dtypes([init_types, body_types], info, "every iteration of the loop",
                          ("value before the loop", "value after one iteration"))
    promoted = tuple(cast_tree(v, c) for v, c in builtins.zip(carry, casts))
    if not narrowed and tuple(leaf_types(v) for v in promoted) == init_types:
        raise _unsettled_error(init_types, body_types, info)
    return promoted


def _unsettled_error(init_types, body_types, info) -> CarryTypeError:
    """The body turns a carried value back into a narrower type, whatever it starts as."""
    for index, (before, after) in enumerate(builtins.zip(init_types, body_types)):
        if before != after:
            break
    name = info.name_of(index)
    old = "/".join(sorted({str(t) for t in before[0]})) or "None"
    new = "/".join(sorted({str(t) for t in after[0]})) or "None"
    return CarryTypeError(
        f"variable {name!r} is {old} before this traced `{info.kind}` loop but {new} after "
        "an iteration, whatever type it starts with",
        location=info.location, names=(name,),
        rule="a lax loop keeps each carried value's dtype fixed from one iteration to the "
        "next; Python lets the type change.",
        fix=f"give {name!r} one dtype on every path: start it with a value of the type the "
        f"loop computes (e.g. `{name} = 0` for integers), or convert inside the loop (e.g. "
        f"`{name} = jnp.float32(...)`).",
    )


def is_user_undefined(value) -> bool:
    return isinstance(value, Undefined) and not value.fill


def check_defined(carry, info):
    """Refuse a carry that holds an unassigned value, naming the user's variable first
    (py2lax's own ``return_value`` placeholder only when no user variable is unassigned)."""
    undefined = [index for index, value in builtins.enumerate(carry)
                 if isinstance(value, Undefined)]
    if not undefined:
        return
    users = [index for index in undefined if is_user_undefined(carry[index])]
    name = info.name_of((users or undefined)[0])
    problem, rule, fix = first_assigned_in_loop(name, info.kind)
    raise UndefinedVariableError(problem, location=info.location, names=(name,), rule=rule,
                                 fix=fix)


def check_no_outer_writes(info: StatementInfo, functions=()) -> None:
    """A traced statement must not assign the function's ``global``/``nonlocal`` names,
    but a ``nonlocal`` cell of a function this trace runs (``runtime/closure_cells``)."""
    if not info.outer:
        return
    from py2lax.runtime.closure_cells import owned_inside_the_trace

    outside = [n for n in info.outer if not owned_inside_the_trace(n, functions)]
    if not outside:
        return
    name = outside[0]
    raise OuterWriteError(
        f"this `{info.kind}` assigns {name!r}, a global or nonlocal variable, but it is "
        "traced, so the new value would be a traced value stored outside the function",
        location=info.location, names=(name,),
        rule="a traced `if` or loop computes its results inside the compiled program; a "
        "variable that outlives the call cannot hold them (JAX would later raise "
        "UnexpectedTracerError). Python runs such a statement only when its condition is "
        "static.",
        fix=f"make {name!r} a local variable and return it (assign the global outside the "
        "compiled function), or make the condition static (`static_argnames=`).",
    )
