"""A ``try`` in a loop body that a lax loop may trace: its handlers catch nothing the
values decide.

A lax loop traces its body once; Python runs it at each iteration with concrete values.
The ``try`` means the same in both when its handlers can only catch errors that do not
depend on the values, which tracing raises exactly when Python does (at every
iteration). An error the values decide is refused, by the type the handler names:

- ``TypeError`` (and ``Exception``, ``BaseException``, a bare ``except``): JAX's own
  errors on a traced value (``bool(x)``, ``int(x)``) are ``TypeError`` s, which Python
  never raises on concrete values;
- ``IndexError``, ``KeyError``, ``LookupError``: an index read (Python raises out of
  range, a traced index into a JAX array is clamped);
- ``ZeroDivisionError``, ``ArithmeticError``, ``OverflowError``,
  ``FloatingPointError``: a division, modulo or power (a carried Python float is an
  array when traced, whose division by zero gives ``inf``);
- any of them: a ``raise``, an ``assert``, or a call that may raise (``raising_calls``:
  only jax/NumPy functions and the module's quiet helpers raise nothing);
- any other builtin type (``AttributeError``: ``w.at`` on a NumPy array).

Handlers naming ``ValueError``, ``RuntimeError``, ``NotImplementedError`` or a class of
the user's catch only what a ``raise`` or a call raises."""

from __future__ import annotations

import builtins

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.raising_calls import may_raise
from py2lax.transforms.partial_carry import is_partial_carry_wrapper

_ANY = {"TypeError", "Exception", "BaseException"}
_INDEXING = {"IndexError", "KeyError", "LookupError"}
_ARITHMETIC = {"ZeroDivisionError", "ArithmeticError", "OverflowError", "FloatingPointError"}
_CAUGHT_GUARDS = {"getitem", "divide", "zero_divisor", "caught_math"}
_RAISED_ONLY = {"ValueError", "RuntimeError", "NotImplementedError"}


def quiet_try(node, backend) -> bool:
    """Whether tracing the ``try`` ``node`` once means what Python's runs of it mean."""
    caught = set()
    for handler in node.handlers:
        types = handler.type
        names = types.elts if isinstance(types, S.Tuple) else [types]
        for name in names:
            spelled = (name.id if isinstance(name, S.Name) else
                       name.attr if isinstance(name, S.Attribute) else None)
            if spelled is None or spelled in _ANY:
                return False
            caught.add(spelled)
    body = _walk(node.body)
    for name in caught:
        if name in _INDEXING and any(isinstance(n, S.Subscript) and isinstance(
                n.ctx, S.Load) for n in body):
            return False
        if name in _ARITHMETIC and any(isinstance(n, (S.BinOp, S.AugAssign)) and isinstance(
                n.op, (S.Div, S.FloorDiv, S.Mod, S.Pow)) for n in body):
            return False
        if name not in _INDEXING | _ARITHMETIC | _RAISED_ONLY and isinstance(
                getattr(builtins, name, None), type):
            return False
    return not any(_raises(n, backend) for n in body)


def _walk(statements: list) -> list:
    """Every node of ``statements``; of the runtime's partial-carry ``try`` around an
    inner statement (``except BaseException: ...; raise``), its body only: plain jax
    drops the wrapper."""
    found, todo = [], list(statements)
    while todo:
        node = todo.pop()
        found.append(node)
        if is_partial_carry_wrapper(node):
            todo += node.body
        else:
            todo += list(S.iter_child_nodes(node))
    return found


def _raises(node, backend) -> bool:
    """A ``raise``, an ``assert``, a call that may raise, or the runtime's guard of an
    error a handler of the user's catches (``py2lax.getitem``, ``py2lax.divide``,
    ``py2lax.caught_math``: ``caught_division``)."""
    if isinstance(node, (S.Raise, S.Assert)):
        return True
    if not isinstance(node, S.Call):
        return False
    record = backend.records.of_call(node)
    if record is not None:
        return record.helper in _CAUGHT_GUARDS
    inner = backend.records.of_call(node.func)
    if inner is not None:
        function = inner.operands.get("function") if inner.helper == "converted" else None
        return function is not None and may_raise(function, backend)
    root = node.func
    while isinstance(root, S.Attribute):
        root = root.value
    if isinstance(root, S.Name) and root.id == backend.context.runtime:
        return False  # an inner statement's `py2lax.cond(...)`: its functions are walked
    return may_raise(node.func, backend)
