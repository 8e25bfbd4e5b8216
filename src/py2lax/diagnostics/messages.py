"""The wording of py2lax's user-facing errors, shared by the runtime and the language server.

A diagnostic in the editor should read exactly like the error the user gets when the
function runs under jit, so both build it here. This module needs neither JAX nor the
runtime: the language server (which must start without JAX) and the runtime can both
import it.

* :func:`one_sided` and :func:`first_assigned_in_loop`: the ``UndefinedVariableError``
  of a traced ``if`` (``runtime/conditionals.py``) and of a traced loop
  (``runtime/carry.py``), as ``(problem, rule, fix)``; :func:`value_or_none`: a traced
  condition choosing between a result and ``None``.
* :func:`value_dependent_shape` and :func:`python_conversion`: the errors
  ``py2lax.diagnostics.jax_errors`` raises instead of JAX's concretization errors, built from the
  failing expression's syntax (standard ``ast``).
* :data:`GENERIC_REASONS`: ``(why, fix)`` of the note added to the JAX errors that are
  not restated ("py2lax left this as Python because {why}. Fix: {fix}.").
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from py2lax.diagnostics.errors import (ConversionError, Location, TracedValueError,
                           ValueDependentShapeError)


class Message(NamedTuple):
    problem: str
    rule: str
    fix: str


GENERIC_REASONS: dict[str, tuple[str, str]] = {
    "TracerBoolConversionError": (
        "a traced value was used where Python needs a concrete bool, outside any `if`/`while` "
        "py2lax converts (e.g. `bool(x)`, a comprehension's `if`, or a lambda)",
        "use `jnp.where(cond, a, b)` or `lax.cond`, move the condition into an `if` statement "
        "of a converted function, or make the value static with `static_argnames=`"),
    "TracerIntegerConversionError": (
        "a traced value was used where Python needs a concrete integer (e.g. `int(x)`, "
        "`range(x)` outside a `for` statement, or indexing a Python list with `x`)",
        "loop with `for i in range(x):` (which py2lax converts), index a jax array instead of a "
        "list, or make the value static with `static_argnames=`"),
    "ConcretizationTypeError": (
        "a traced value was used where Python needs a concrete value (e.g. `float(x)` or a "
        "shape computed from array values)",
        "compute shapes from `x.shape` with NumPy, or make the value static with "
        "`static_argnames=`"),
    "TracerArrayConversionError": (
        "a traced value was passed to a NumPy function that has no `jax.numpy` twin (e.g. "
        "`np.random.normal(x)`), which needs concrete arrays",
        "use `jax.numpy` (`jnp`) or `jax.random` for traced values (e.g. "
        "`x + jax.random.normal(key)`), and NumPy only for static ones"),
    "NonConcreteBooleanIndexError": (
        "`x[mask]` with a traced boolean mask has a shape that depends on the values",
        "select with `jnp.where(mask, x, 0)`, or use `jnp.nonzero(mask, size=N)` to get a "
        "fixed-size result"),
}


def one_sided(name: str, where: str, kind: str) -> Message:
    """A variable assigned in one branch (``where``: "true"/"false") of a traced ``if``."""
    return Message(
        f"variable {name!r} is assigned only in the {where} branch of this `{kind}`, "
        "whose condition is traced, and is used afterwards",
        "lax.cond runs one compiled program for both outcomes, so every variable used "
        "after the `if` needs a value from both branches.",
        f"give {name!r} a value before the `if` (or in the other branch too).",
    )


def first_assigned_in_loop(name: str, kind: str) -> Message:
    """A variable a traced loop carries that has no value before the loop starts."""
    return Message(
        f"variable {name!r} is first assigned inside this traced `{kind}` loop "
        "and used after it (or in the loop's next iteration or condition)",
        "a lax loop carries its variables from one iteration to the next, so each "
        "needs a value (with its final shape and dtype) before the loop starts; Python "
        "would also fail if the loop ran zero times.",
        f"initialise {name!r} before the loop, e.g. `{name} = 0` or "
        f"`{name} = jnp.zeros_like(...)`.",
    )


def value_or_none(function: str, none_path: str, kind: str, line: int) -> Message:
    """A traced condition chooses between a returned value and Python's ``None``."""
    return Message(
        f"function {function!r} returns a value on some paths but None on {none_path}, "
        f"and which path runs depends on a traced value (the `{kind}` at line {line})",
        "a compiled function returns the same type whatever its traced values are; "
        "`None` (Python's result when a function ends without `return value`) is not an "
        "array.",
        "return a value on every path (e.g. `return jnp.zeros_like(x)`, or a sentinel such "
        "as `jnp.nan` or `-1`), or make the condition static.",
    )


# ----------------------------------------------------------------- restated JAX errors
CONVERSIONS = {"int", "float", "bool", "complex", "range", "len"}
SIZED = {"nonzero", "argwhere", "flatnonzero", "unique", "where"}


def value_dependent_shape(tree: ast.AST, location: Location | None
                          ) -> ValueDependentShapeError | None:
    """``x[x > 0]`` or ``jnp.nonzero(x)`` (no ``size=``) in ``tree``: a shape from values."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_comparison_mask(node.slice):
            return ValueDependentShapeError(
                f"`{ast.unparse(node)}` selects the elements where a traced condition holds, so "
                "its shape depends on the values",
                location=location, names=names_in(node.slice),
                rule="jit compiles one program with fixed shapes; the number of selected "
                "elements is only known at run time.",
                fix=f"keep the shape fixed: `jnp.where({ast.unparse(node.slice)}, "
                f"{ast.unparse(node.value)}, 0)` selects element-wise, or "
                f"`jnp.nonzero({ast.unparse(node.slice)}, size=N, fill_value=0)` gives at most N "
                "indices.",
            )
        if isinstance(node, ast.Call) and called_name(node) in SIZED and not any(
            k.arg == "size" for k in node.keywords
        ) and not (called_name(node) == "where" and len(node.args) != 1):
            name = called_name(node)
            return ValueDependentShapeError(
                f"`{ast.unparse(node)}` returns as many elements as the traced values select, "
                "so its shape depends on the values",
                location=location, names=names_in(node),
                rule="jit compiles one program with fixed shapes.",
                fix=f"pass a static bound: `{name}(..., size=N, fill_value=...)`, or use "
                "`jnp.where(cond, a, b)` to select element-wise.",
            )
    return None


def python_conversion(tree: ast.AST, location: Location | None, kind: str
                      ) -> TracedValueError | None:
    """``int(x)``, ``range(n)``, ``ws[i]``...: Python needs a concrete value of a traced one.

    ``kind`` is the name of the JAX error (a list index is recognised only for
    ``TracerIntegerConversionError``).
    """
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and (node.func.attr in _VALUE_METHODS or _is_math_call(node))
                and names_in(node)):
            return _python_value_of(node, location)
        if isinstance(node, ast.Call) and called_name(node) in CONVERSIONS and isinstance(
            node.func, ast.Name
        ):
            function = node.func.id
            return TracedValueError(
                f"`{ast.unparse(node)}` needs a concrete Python value, but "
                f"{_listed(names_in(node))} is traced here",
                location=location, names=names_in(node),
                rule="under jit, arrays are tracers standing for values known only at run time; "
                f"`{function}()` must produce a Python value while the program is compiled.",
                fix=_conversion_fix(function, ast.unparse(node.args[0]) if node.args else "x"),
            )
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (
            kind == "TracerArrayConversionError" and names_in(node.slice)
        ):  # `TABLE[i]`: a NumPy array the function did not make, with a traced index
            return _numpy_read(node, location)
        if (isinstance(node, ast.Subscript)
                and isinstance(node.value, (ast.Name, ast.Attribute))
                and kind == "TracerIntegerConversionError" and names_in(node.slice)):
            # (`x[0]` has a constant index: the traced index is elsewhere)
            container = ast.unparse(node.value)  # `items`, or `self.items` in a method
            return TracedValueError(
                f"`{ast.unparse(node)}` indexes the Python container {container!r} with a "
                "traced index",
                location=location, names=(container, *names_in(node.slice)),
                rule="a Python list or tuple needs a concrete integer index; a traced index is "
                "only known at run time.",
                fix=f"make {container!r} a jax array (`jnp.asarray({container})`) and index "
                "that, or make the index static.",
            )
    return None


def _numpy_read(node: ast.Subscript, location: Location | None) -> TracedValueError:
    """``TABLE[k]`` with a traced ``k``, where ``TABLE`` is a NumPy array py2lax did not
    see the function make (a global, an argument, a library's result): arrays the
    function makes with NumPy are read with traced indices (runtime.containers)."""
    array, shown = node.value.id, ast.unparse(node)
    copy_read = f"jnp.asarray({array})[{ast.unparse(node.slice)}]"
    return TracedValueError(
        f"`{shown}` indexes {array!r} with a traced index, but {array!r} is a NumPy array "
        "the function did not make (a global, an argument or a library's result), and "
        "NumPy needs concrete indices",
        location=location, names=(array, *names_in(node.slice)),
        rule="NumPy computes on concrete values; under jit the index is a tracer known only "
        "at run time. An array the function makes itself (`np.zeros(n)`, `np.arange(n)`) "
        "is read from a JAX copy instead.",
        fix=f"read a JAX copy, which has the same values: `{copy_read}`, or make "
        f"{array!r} a jax array where it is created (`jnp.` instead of `np.`).",
    )


def traced_slice(tree: ast.AST, location: Location | None) -> ValueDependentShapeError | None:
    """``x[:k]``, ``x[i:j]`` with a traced bound: the slice's length depends on values."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _has_slice(node.slice):
            array = ast.unparse(node.value)
            return ValueDependentShapeError(
                f"`{ast.unparse(node)}` slices {array!r} with a traced bound, so the length of "
                "the result depends on the values",
                location=location, names=(_root_name(node.value), *names_in(node.slice)),
                rule="jit compiles one program with fixed shapes; a slice's bounds must be "
                "static, or its length at least.",
                fix=_slice_fix(array, node.slice),
            )
    return None


def _slice_fix(array: str, index: ast.AST) -> str:
    """The fix for ``x[i:i + 2]`` (a static length: ``lax.dynamic_slice``), ``x[:k]`` or
    ``x[k:]`` (a mask over the whole array), written with the user's names."""
    part = index if isinstance(index, ast.Slice) else next(
        (p for p in ast.walk(index) if isinstance(p, ast.Slice)), None)
    lower, upper = (part.lower, part.upper) if part is not None else (None, None)
    if (lower is not None and isinstance(upper, ast.BinOp) and isinstance(upper.op, ast.Add)
            and ast.unparse(upper.left) == ast.unparse(lower)
            and isinstance(upper.right, ast.Constant)):
        start, size = ast.unparse(lower), ast.unparse(upper.right)
        return (f"the length is static ({size}): `lax.dynamic_slice_in_dim({array}, {start}, "
                f"{size})` takes it from a traced start.")
    positions = f"jnp.arange({array}.shape[0])"
    kept = " & ".join(
        f"({positions} {operator} {ast.unparse(bound)})"
        for bound, operator in ((lower, ">="), (upper, "<")) if bound is not None)
    if not kept:
        kept = f"{positions} < k"
    elif kept.count("(") == 2:  # one bound: no parentheses needed
        kept = kept[1:-1]
    return (f"keep the length static: `lax.dynamic_slice({array}, (start,), (size,))` with a "
            f"static size, or keep the whole array and mask it: "
            f"`jnp.where({kept}, {array}, 0)`.")


def traced_key(tree: ast.AST, location: Location | None) -> TracedValueError | None:
    """A traced value used as a dict key or a set element (``seen.add(i)``, ``d[i]``)."""
    names = names_in(tree)
    containers = [n.func.value.id for n in ast.walk(tree) if isinstance(n, ast.Call)
                  and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)]
    containers += [n.value.id for n in ast.walk(tree)
                   if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)]
    container = containers[0] if containers else "the dict or set"
    return TracedValueError(
        f"a traced value is used as a key or element of {container!r}, which needs a "
        "concrete (hashable) value",
        location=location, names=tuple(dict.fromkeys((*containers[:1], *names))),
        rule="dicts and sets look their keys up by value while the program is traced; a "
        "traced value is only known when the program runs.",
        fix="use a static key, or keep the information in an array instead (e.g. "
        "`seen = seen.at[i].set(True)` on a boolean array).",
    )


def numpy_element(tree: ast.AST, location: Location | None) -> TracedValueError:
    """``buf[i] = v`` with a traced ``v`` where ``buf`` is a NumPy array the converter did
    not make a variable of the function (a global, an attribute, an argument's row)."""
    targets = [n.value for n in ast.walk(tree)
               if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)]
    shown = ast.unparse(targets[0]) if targets else "the array"
    names = tuple(dict.fromkeys((*(names_in(targets[0]) if targets else ()), *names_in(tree))))
    written = [n.value for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign))]
    value = f"`{ast.unparse(written[0])}`" if written else "a value"
    return TracedValueError(
        f"{value} is traced and is written into {shown!r}, a NumPy array, which can only "
        "hold concrete numbers",
        location=location, names=names,
        rule="NumPy arrays live in Python memory and are filled while the program is traced; "
        "a traced value is only known when the compiled program runs.",
        fix=f"keep the values in a jax array the function returns: create it inside the "
        f"function (`{shown} = jnp.zeros(...)`, or `jnp.asarray(...)` of the NumPy one) and "
        f"write `{shown} = {shown}.at[i].set(v)`; py2lax rewrites `{shown}[i] = v` that way "
        "for a local variable.",
    )


_NUMPY_IN_PLACE = {"copyto", "put", "put_along_axis", "fill_diagonal"}


def numpy_written_in_place(tree: ast.AST, location: Location | None
                           ) -> TracedValueError | None:
    """``np.copyto(BUF, x)``, ``np.put(BUF, i, x)``, ``np.add.at(BUF, i, x)`` with a traced
    value, where ``BUF`` is a NumPy array py2lax cannot make a JAX array (a global, an
    attribute): NumPy's function needs concrete values to write."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args
                and isinstance(node.func, ast.Attribute)):
            continue
        function = node.func
        ufunc_at = function.attr == "at" and isinstance(function.value, ast.Attribute)
        if not (function.attr in _NUMPY_IN_PLACE or ufunc_at):
            continue
        target, values = ast.unparse(node.args[0]), node.args[1:]
        names = tuple(dict.fromkeys((_root_name(node.args[0]),
                                     *(n for v in values for n in names_in(v)))))
        return TracedValueError(
            f"`{ast.unparse(node)}` writes traced values into {target!r}, a NumPy array "
            "that can only hold concrete numbers",
            location=location, names=names,
            rule="NumPy arrays live in Python memory and are filled while the program is "
            "traced; a traced value is only known when the compiled program runs. py2lax "
            "makes such a write give a JAX array for an array of the function's own, but "
            f"{target!r} is not a local variable (a global, or an object's attribute).",
            fix=f"make the array in the function and return it (`{_root_name(node.args[0])} "
            "= jnp.zeros(...)`, then the same call: py2lax gives the variable the new "
            "array), and assign the global from the result outside the compiled function.",
        )
    return None


def traced_shape(tree: ast.AST, location: Location | None) -> ValueDependentShapeError:
    """``np.zeros(n + 1)``, ``jnp.ones((k,))`` with a traced size."""
    found = traced_static_argument(tree, location)
    if found is not None:
        return found
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args]
    shown = ast.unparse(calls[0]) if calls else ast.unparse(tree)
    names = _value_names(calls[0].args[0]) if calls else _value_names(tree)
    return _shape_error(shown, names, location, _SIZE_FIX)


# Arguments that fix a result's shape, by function name: (positions, keywords); the
# positions are those of the module's function (`jnp.reshape(x, shape)`); a method on an
# array takes them one to the left (`x.repeat(k)`), and `x.reshape(k, -1)` takes all.
_SIZES = {
    **dict.fromkeys(("zeros", "ones", "empty"), ((0,), ("shape",))),
    "full": ((0,), ("shape",)), "eye": ((0, 1), ("N", "M")), "identity": ((0,), ("n",)),
    "tri": ((0, 1), ("N", "M")), "arange": ((0, 1, 2), ("start", "stop", "step")),
    **dict.fromkeys(("linspace", "logspace", "geomspace"), ((2,), ("num",))),
    "reshape": ((1,), ("shape", "newshape")), "broadcast_to": ((1,), ("shape",)),
    "tile": ((1,), ("reps",)), "pad": ((1,), ("pad_width",)),
    **dict.fromkeys(("normal", "uniform", "randint", "bernoulli", "choice", "permutation",
                     "truncated_normal", "categorical"), ((1,), ("shape",))),
}
_OTHER_STATIC = {
    "repeat": ((1,), ("repeats",)), "dynamic_slice": ((2,), ("slice_sizes",)),
    "dynamic_slice_in_dim": ((2,), ("slice_size",)), "split": ((1,), ("indices_or_sections",)),
    "array_split": ((1,), ("indices_or_sections",)), "top_k": ((1,), ("k",)),
    **dict.fromkeys(("sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin",
                     "any", "all", "cumsum", "cumprod", "sort", "argsort", "flip",
                     "squeeze", "expand_dims", "concatenate", "stack", "take"),
                    ((), ("axis",))),
}
_MODULES = {"np", "numpy", "jnp", "jax", "lax", "random", "onp"}
_SIZE_FIX = ("compute the size from static values (a shape, or `static_argnames=` for the "
             "argument), or allocate the largest size you need and mask the unused part.")


def traced_static_argument(tree: ast.AST, location: Location | None
                           ) -> ValueDependentShapeError | None:
    """A call in ``tree`` whose size, shape or axis argument reads a variable
    (``jnp.arange(k)``, ``jnp.repeat(x, k)``, ``x.sum(axis=k)``,
    ``lax.dynamic_slice(x, (i,), (k,))``): JAX needs those while tracing, so a traced
    one is why it raised. None when no call has such an argument."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        names = tuple(dict.fromkeys(n for part in _static_parts(node)
                                    for n in _value_names(part)))
        if names:
            return _shape_error(ast.unparse(node), names, location,
                                _static_fix(node, names))
    return None


def _static_parts(call: ast.Call) -> list[ast.AST]:
    """The arguments of ``call`` that JAX needs as static values (see ``_SIZES``)."""
    name = called_name(call)
    positions, keywords = _SIZES.get(name) or _OTHER_STATIC.get(name) or ((), ())
    function = call.func
    method = isinstance(function, ast.Attribute) and _root_name(function.value) not in _MODULES
    if method and name == "reshape":
        positions = tuple(range(len(call.args)))  # `x.reshape(k, -1)`
    elif method:
        positions = tuple(p - 1 for p in positions if p > 0)
    parts = [call.args[p] for p in positions if p < len(call.args)]
    return parts + [k.value for k in call.keywords if k.arg in keywords]


def _value_names(node: ast.AST) -> tuple[str, ...]:
    """The variables ``node`` reads values of: not those it only reads a shape, size,
    rank or dtype of (``x.shape[0] + k`` depends on ``k`` alone), nor ``len(x)``."""
    static_only: set[int] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and child.attr in ("shape", "ndim", "size", "dtype"):
            static_only |= {id(n) for n in ast.walk(child.value)}
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and (
                child.func.id == "len"):
            static_only |= {id(n) for a in child.args for n in ast.walk(a)}
    kept = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in static_only]
    return tuple(n for n in dict.fromkeys(kept) if n in names_in(node))


def _static_fix(call: ast.Call, names: tuple[str, ...]) -> str:
    name, first = called_name(call), names[0]
    if name == "arange":
        return (f"use a static length and mask the rest: `jnp.arange(N)` with a static N "
                f"(a shape, a constant), then `jnp.where(jnp.arange(N) < {first}, ..., 0)`; "
                "or make the value static with `static_argnames=`.")
    if name in _SIZES:
        return _SIZE_FIX
    if name == "repeat":
        return ("pass `total_repeat_length=N` (a static int, at least the total) so the "
                "result has a known length, or make the repeats static.")
    if name in ("dynamic_slice", "dynamic_slice_in_dim"):
        return ("the start of a dynamic slice may be traced, its size may not: pass a "
                "static size (a constant, a shape, `static_argnames=`) and mask what you do "
                "not need.")
    if "axis" in [k.arg for k in call.keywords] or name in _OTHER_STATIC and not (
            _OTHER_STATIC[name][0]):
        return (f"make the axis static: a constant, or {first!r} given with "
                "`static_argnames=`.")
    return f"make {first!r} static (`static_argnames=` for the argument it comes from)."


def _shape_error(shown: str, names: tuple[str, ...], location: Location | None,
                 fix: str) -> ValueDependentShapeError:
    verb = "are" if len(names) > 1 else "is"
    return ValueDependentShapeError(
        f"`{shown}` makes an array whose shape depends on {_listed(names)}, which {verb} "
        "traced",
        location=location, names=names,
        rule="jit compiles one program with fixed shapes; a shape must be known while the "
        "function is traced.",
        fix=fix,
    )


def list_repeated(tree: ast.AST, location: Location | None) -> TracedValueError | None:
    """``[0.0] * k`` (or a tuple, or ``k * [...]``) with a traced count."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
            continue
        for sequence, count in ((node.left, node.right), (node.right, node.left)):
            if (isinstance(sequence, (ast.List, ast.Tuple, ast.ListComp)) or (
                    isinstance(sequence, ast.Constant) and isinstance(sequence.value, str))
                    ) and _value_names(count):
                names = _value_names(count)
                return TracedValueError(
                    f"`{ast.unparse(node)}` repeats a Python sequence {_listed(names)} "
                    "times, but that count is traced",
                    location=location, names=names,
                    rule="a Python list, tuple or string has a length Python must know while "
                    "the function is traced; a traced count is only known at run time.",
                    fix=f"make the count static (`static_argnames=`), or use an array of a "
                    f"static size instead (`jnp.zeros(N)`, masked past {_listed(names)}).",
                )
    return None


def boolean_arithmetic(tree: ast.AST, location: Location | None) -> TracedValueError | None:
    """``(x > 0) - (x < 0)``: Python counts ``True`` as 1, JAX refuses arithmetic on
    booleans (a traced comparison is a JAX boolean array)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and any(
                isinstance(side, ast.Compare) for side in (node.left, node.right))):
            continue
        names = _value_names(node)
        as_ints = ast.unparse(ast.BinOp(left=_as_int(node.left), op=node.op,
                                        right=_as_int(node.right)))
        return TracedValueError(
            f"`{ast.unparse(node)}` does arithmetic on the result of a comparison, which is "
            "a JAX boolean array here",
            location=location, names=names,
            rule="Python counts True as 1 and False as 0; JAX refuses `+`, `-` and `*` on "
            "boolean arrays (a comparison of traced values gives one).",
            fix=f"turn the booleans into numbers first: `{as_ints}` (or `jnp.sign(x)` for "
            "the sign of x).",
        )
    return None


def flat_property(tree: ast.AST, location: Location | None) -> TracedValueError | None:
    """``a.flat[3] = x``, ``a.flat[i]``: NumPy's flat iterator, which JAX arrays lack
    (``a`` became one when a traced value was written into it, or came in as one)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "flat"):
            continue
        array, index = ast.unparse(node.value.value), ast.unparse(node.slice)
        written = any(isinstance(t, ast.Subscript) and t is node
                      for assign in ast.walk(tree) if isinstance(assign, (ast.Assign, ast.AugAssign))
                      for t in (assign.targets if isinstance(assign, ast.Assign) else [assign.target]))
        fix = (f"index the array by position instead: `{array}[jnp.unravel_index({index}, "
               f"{array}.shape)] = ...` (NumPy and JAX arrays alike)" if written else
               f"read the flattened array instead: `{array}.ravel()[{index}]`")
        return TracedValueError(
            f"`{array}.flat[{index}]` uses NumPy's `.flat`, but `{array}` is a JAX array "
            "here",
            location=location, names=(array,) if isinstance(node.value.value, ast.Name) else (),
            rule="JAX arrays have no `.flat`; an array becomes a JAX array when a traced value "
            "is written into it (or when it is passed in as one).",
            fix=fix + ".",
        )
    return None


def _as_int(side: ast.expr) -> ast.expr:
    """``(x > 0).astype(int)`` for a comparison, ``side`` itself otherwise."""
    if not isinstance(side, ast.Compare):
        return side
    return ast.Call(func=ast.Attribute(value=side, attr="astype", ctx=ast.Load()),
                    args=[ast.Name(id="int", ctx=ast.Load())], keywords=[])


def list_index(tree: ast.AST, location: Location | None) -> TracedValueError | None:
    """``a[[k, p]]``: a Python list as an index, which NumPy reads as an index array."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.List):
            array, index = ast.unparse(node.value), ast.unparse(node.slice)
            return TracedValueError(
                f"`{ast.unparse(node)}` indexes {array!r} with a Python list, which NumPy reads "
                "as an array of indices but JAX refuses",
                location=location, names=(_root_name(node.value), *names_in(node.slice)),
                rule="JAX only accepts an array (or a tuple) as a multi-element index.",
                fix=f"index with an array: `{array}[jnp.array({index})]`.",
            )
    return None


def traced_order(tree: ast.AST, location: Location | None, kind: str
                 ) -> ConversionError | None:
    """A Python construct deciding with traced values: sorting Python items by them, or a
    comprehension keeping the items where a traced condition holds."""
    if kind != "TracerBoolConversionError":
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called_name(node) in ("sorted", "sort"):
            return TracedValueError(
                f"`{ast.unparse(node)}` orders Python items by traced values, which are only "
                "known when the program runs",
                location=location, names=names_in(node),
                rule="Python compares items with `<` and needs a concrete answer for each "
                "comparison while the function is traced.",
                fix="keep the values in an array and sort it with `jnp.sort`, or get the order "
                "with `jnp.argsort` and index with it.",
            )
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and (
                any(generator.ifs for generator in node.generators)):
            return ValueDependentShapeError(
                f"`{ast.unparse(node)}` keeps the items for which a traced condition holds, so "
                "how many it keeps depends on the values",
                location=location, names=names_in(node),
                rule="jit compiles one program with fixed shapes; the comprehension's `if` "
                "needs a concrete answer for each item while the function is traced.",
                fix="compute every item and select with `jnp.where(condition, item, fill)`, or "
                "keep a fixed-size result with `jnp.nonzero(condition, size=N)`.",
            )
    return None


def _has_slice(node) -> bool:
    return any(isinstance(part, ast.Slice) for part in ast.walk(node))


def _root_name(node) -> str:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


_ARRAY_DTYPES = {"int": "jnp.int32", "float": "jnp.float32", "complex": "jnp.complex64"}


_VALUE_METHODS = {"item", "tolist"}  # `x.item()`: an array's value as a Python number


def _is_math_call(node: ast.Call) -> bool:
    return isinstance(node.func.value, ast.Name) and node.func.value.id == "math"


def _python_value_of(node: ast.Call, location: Location | None) -> TracedValueError:
    """``m.item()``, ``math.isclose(x, 1.0)``: a Python number computed from a traced value."""
    text = ast.unparse(node)
    if _is_math_call(node):
        fix = (f"use the jax.numpy function (`jnp.{node.func.attr}(...)` instead of "
               f"`math.{node.func.attr}(...)`), which computes on traced values.")
    else:
        fix = (f"use the array itself (`{ast.unparse(node.func.value)}` instead of `{text}`): "
               "a one-element array works wherever a number does, in conditions too.")
    return TracedValueError(
        f"`{text}` needs a concrete Python value, but {_listed(names_in(node))} is traced here",
        location=location, names=names_in(node),
        rule="under jit, arrays are tracers standing for values known only at run time; a "
        "Python number must exist while the program is compiled.", fix=fix)


def traced_in_generator(generator: str, line: str, location: Location | None
                        ) -> TracedValueError:
    """A traced value reached Python inside one of the user's generator functions (``for i
    in range(n): yield ...`` with a traced ``n``): generators run as Python."""
    text = line.strip()
    tree = None
    for candidate in (text, text.rstrip(":") + ": pass", text.removeprefix("return ")):
        try:
            tree = ast.parse(candidate)
            break
        except SyntaxError:
            continue
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)} if tree is not None else set()
    names = tuple(n for n in (names_in(tree) if tree is not None else ())
                  if n != generator and n not in assigned)
    return TracedValueError(
        f"generator {generator!r} needs a concrete value at `{text}`, but "
        f"{_listed(names)} is traced here",
        location=location, names=(generator, *names),
        rule="py2lax runs generator functions as Python (a lax loop cannot hand its items "
        "to the caller one at a time), so what a generator loops over or decides on must "
        "be concrete while the function is traced.",
        fix=f"make the value static (`static_argnames=` for the argument it comes from), or "
        f"write the loop in the caller instead of calling {generator!r} (e.g. `for i in "
        f"range(n):` with the generator's body; py2lax converts that loop).",
    )


def _conversion_fix(function: str, argument: str = "x") -> str:
    if function == "range":
        return "write the loop as `for i in range(n):` (py2lax converts it), or make `n` static."
    if function == "bool":
        return ("use the value in an `if`/`while` condition (py2lax converts those) or "
                "`jnp.where(cond, a, b)`.")
    if function in _ARRAY_DTYPES:
        return (f"keep the value as an array (`{argument}.astype({_ARRAY_DTYPES[function]})` "
                f"instead of `{function}({argument})`), or make it static with `static_argnames=`.")
    return (f"compute `{function}({argument})` from static values (shapes, `static_argnames=`) "
            "or keep working with arrays.")


def _is_comparison_mask(node) -> bool:
    return isinstance(node, ast.Compare) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr))
        and (_is_comparison_mask(node.left) or _is_comparison_mask(node.right)))


def called_name(node: ast.Call) -> str | None:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)


def names_in(node) -> tuple[str, ...]:
    """The user's variable names an expression reads, in order (module aliases left out)."""
    seen: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id not in seen and child.id not in (
            CONVERSIONS | {"jnp", "np", "jax", "lax", "math"}
        ):
            seen.append(child.id)
    return tuple(seen)


def _listed(names) -> str:
    return ", ".join(repr(n) for n in names) or "a value"


def traced_format(line: str, location: Location | None) -> TracedValueError:
    """``f"{x:.2f}"`` (or ``format(x, ".2f")``) of a traced value: text needs the value."""
    return TracedValueError(
        f"`{line.strip()}` formats a traced value as text, which needs its concrete value",
        location=location,
        rule="under jit, arrays are tracers standing for values known only at run time; a "
        "string is a Python value that must exist while the program is compiled.",
        fix="return the number and format it outside the compiled function, or print it "
        "while the program runs with `jax.debug.print(\"{x:.2f}\", x=x)`.",
    )


def traced_recursion(line: str, function: str, location: Location | None) -> ConversionError:
    """A recursive call chosen by a traced condition: both sides are traced, forever."""
    return ConversionError(
        f"`{line.strip()}`: the recursion in {function!r} stops on a traced condition, so it "
        "never reaches its base case while tracing",
        location=location, names=(function,),
        rule="a traced `if` (or `... if ... else ...`) becomes lax.cond, which traces both "
        "branches; the branch that recurses is traced again at every depth.",
        fix="make the condition static (`static_argnames=` for the argument that bounds "
        "the depth), or write the recursion as a `while`/`for` loop, which py2lax converts.",
    )
