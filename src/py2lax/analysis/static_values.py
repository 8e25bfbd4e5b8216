"""Expressions whose value is known at trace time from the code alone.

``x.ndim == 2``, ``y is None``, ``len(shape) > 1`` or a test on a ``static_argnames``
parameter never depends on a traced value, so the statement they control can stay plain
Python in the output: more readable, and no runtime decision at all. Anything not
recognised here is decided at trace time by the runtime instead, so this analysis only
has to be right when it says "static".

>>> from py2lax.frontend import syntax as S
>>> test = lambda src: is_static(S.parse_module(src).body[0].value, {"mode"})
>>> test("x.ndim == 2 and y is not None"), test("mode == 'fast'"), test("x > 0")
(True, True, False)
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.records import callee

STATIC_ATTRIBUTES = {"ndim", "shape", "dtype", "size"}
# (`_py2lax_numpy_given_traced`: a Python bool --standalone writes, read by a second run)
STATIC_CALLS = {"len", "isinstance", "callable", "hasattr", "type", "_py2lax_numpy_given_traced"}


def is_static(node: S.AST, static_names: set[str] | frozenset[str],
              arrays: frozenset[str] = frozenset()) -> bool:
    """``arrays``: names an earlier ``isinstance(name, jax.Array)`` of the same ``and``
    showed to be arrays, whose attributes are an array's metadata."""
    if isinstance(node, S.Constant):
        return True
    if isinstance(node, S.Name):
        return node.id in static_names
    if isinstance(node, S.Attribute):
        if (isinstance(node.value, S.Name) and node.value.id in ("self", "cls")
                and node.value.id not in arrays):
            # `self.size`: the user's own attribute (a count it updates), not an array's
            return is_static(node.value, static_names, arrays)
        return node.attr in STATIC_ATTRIBUTES or is_static(node.value, static_names, arrays)
    if isinstance(node, S.Subscript):
        return (is_static(node.value, static_names, arrays)
                and is_static(node.slice, static_names, arrays))
    if isinstance(node, S.Compare):
        if all(isinstance(op, (S.Is, S.IsNot)) for op in node.ops):
            return True  # identity never looks at array values
        return all(is_static(n, static_names, arrays) for n in [node.left, *node.comparators])
    if isinstance(node, S.BoolOp):
        for value in node.values:
            if not is_static(value, static_names, arrays):
                return False
            if isinstance(node.op, S.And):
                arrays |= _tested_as_array(value)
        return True
    if isinstance(node, S.UnaryOp):
        return is_static(node.operand, static_names, arrays)
    if isinstance(node, S.BinOp):
        return (is_static(node.left, static_names, arrays)
                and is_static(node.right, static_names, arrays))
    if isinstance(node, (S.Tuple, S.List)):
        return all(is_static(e, static_names, arrays) for e in node.elts)
    if isinstance(node, S.Call) and isinstance(node.func, S.Call) and isinstance(
            callee(node.func), S.Name) and callee(node.func).id in _TYPE_CALLS:
        return _static_call(node, static_names)  # `py2lax.converted(type)(x)`: a class
    if isinstance(node, S.Call) and isinstance(node.func, S.Name):
        return node.func.id in STATIC_CALLS and not node.keywords and all(
            _static_argument(a, static_names) for a in node.args
        )
    if isinstance(node, S.Call) and _array_metadata_function(node.func):
        return not node.keywords and all(_static_argument(a, static_names) for a in node.args)
    return False


# Calls whose result is a Python value whatever the argument (`len` is not: the length
# of a list a traced `if` grew is traced, where an earlier pass wrote
# `py2lax.converted(len)`).
_TYPE_CALLS = frozenset({"type", "isinstance", "callable", "hasattr"})


def _static_call(node, static_names) -> bool:
    return not node.keywords and all(_static_argument(a, static_names) for a in node.args)


def array_tested(test, classes=("Array",)) -> str | None:
    """``name`` of ``isinstance(name, jax.Array)`` (any module's ``Array``, or another of
    ``classes``, such as ``np.ndarray``), else None."""
    if (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id == "isinstance" and len(test.args) == 2
            and isinstance(test.args[0], S.Name) and isinstance(test.args[1], S.Attribute)
            and test.args[1].attr in classes):
        return test.args[0].id
    return None


def _tested_as_array(test) -> frozenset[str]:
    """``isinstance(cls, jax.Array)`` (or ``np.ndarray``): ``{"cls"}``, the name the rest
    of an ``and`` reads as an array (``--standalone``'s guard ``isinstance(cls,
    jax.Array) and cls.ndim``, where ``cls`` is no method's class)."""
    name = array_tested(test, ("Array", "ndarray"))
    return frozenset() if name is None else frozenset({name})


def _array_metadata_function(function) -> bool:
    """``jnp.ndim``, ``np.shape``, ``jax.numpy.size``: an array's metadata, known when
    tracing."""
    if not (isinstance(function, S.Attribute) and function.attr in ("ndim", "shape", "size")):
        return False
    root = function.value
    while isinstance(root, S.Attribute):
        root = root.value
    return isinstance(root, S.Name) and root.id in ("np", "numpy", "jnp", "jax")


def _static_argument(node, static_names):
    """Arguments of len/isinstance: any value is fine (``len(a.parts())`` is a Python
    int, ``isinstance(f(x), int)`` a Python bool, whatever the argument holds), except a
    starred one, whose number of arguments the code does not show."""
    return not isinstance(node, S.Starred)


def is_jax_error_guard(statement) -> bool:
    """``if _py2lax_raised_by_jax(error): raise``: what ``--standalone`` writes first in
    a handler that would also catch JAX's own errors (a second run reads it here)."""
    return (isinstance(statement, S.If) and is_jax_error_test(statement.test)
            and len(statement.body) == 1 and isinstance(statement.body[0], S.Raise)
            and statement.body[0].exc is None and not statement.orelse)


def is_standalone_guard(statement) -> bool:
    """A guard ``--standalone`` writes before a write that must not reach a JAX array,
    read again by a second run: ``if isinstance(v, jax.Array) and v.ndim: raise
    TypeError("...")``, ``if _py2lax_numpy_given_traced(v, i, x): raise ...`` or ``if
    jnp.ndim(t): raise ...``. Its test is a Python value when tracing."""
    if not (isinstance(statement, S.If) and not statement.orelse
            and len(statement.body) == 1 and isinstance(statement.body[0], S.Raise)
            and _raises_a_message(statement.body[0], "TypeError")):
        return False
    test = statement.test
    if (isinstance(test, S.BoolOp) and isinstance(test.op, S.And) and len(test.values) == 2
            and array_tested(test.values[0]) is not None
            and isinstance(test.values[1], S.Attribute) and test.values[1].attr == "ndim"):
        return True  # `isinstance(v, jax.Array) and v.ndim`
    return isinstance(test, S.Call) and (
        getattr(test.func, "id", None) == "_py2lax_numpy_given_traced"
        or getattr(test.func, "attr", None) == "ndim")  # `jnp.ndim(t)`


def _raises_a_message(node: S.Raise, name: str) -> bool:
    """``raise <name>("a constant message")``."""
    error = node.exc
    return (isinstance(error, S.Call) and getattr(error.func, "id", None) == name
            and len(error.args) == 1 and isinstance(error.args[0], S.Constant)
            and isinstance(error.args[0].value, str) and node.cause is None)


def is_jax_error_test(test) -> bool:
    """``_py2lax_raised_by_jax(error)``: a Python bool, whatever is traced."""
    return (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id == "_py2lax_raised_by_jax")
