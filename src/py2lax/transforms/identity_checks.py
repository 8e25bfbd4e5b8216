"""IdentityChecks: ``t is a``, ``t == a``, ``t in [a, b]`` where a traced ``if`` chose ``t``.

After ``t = a`` and ``if x > 0: t = b`` with a traced ``x``, the compiled program's ``t``
is a new object standing for ``a`` or ``b`` (``runtime/identity.py``). Python's ``is``
cannot be taught what it stands for, so this pass rewrites the user's identity tests into
runtime calls that know:

Before::

    if t is a: ...
    hit = t in [a, c]
    same = t == b
    key = id(t)
    times = objs.count(t)

After::

    if py2lax.same_object(t, a): ...
    hit = py2lax.contains(t, [a, c])
    same = py2lax.equal(t, b)
    key = py2lax.object_id(id, t)
    times = py2lax.count(objs, t)

(``is not``/``not in``/``!=`` pass ``negate=True``.) The answer is a traced bool where
it depends on the condition, and Python's own answer on any other values, so the
function means what it meant on Python values; ``object_id`` refuses the chosen object,
whose ``id`` only the running program knows.

Only tests whose operands may hold such an object are rewritten: an attribute
(``o.inner is i1``), a subscript, or a name, but not one the function only binds to new
numbers, displays or arithmetic in its straight-line statements (a parameter, a closure's
free variable and a global may all hold one: a helper tests ``t is b`` for its caller's
``t``). A test with a constant (``x is None``, ``flag is True``: ``none_checks`` and
``logical_ops`` own them), a test of a call's result or a builtin (``type(y) is float``,
``logical_ops``'s) and chained comparisons stay as written. ``--standalone`` output keeps Python's tests: it
needs only JAX and carries no identity codes.
"""

from __future__ import annotations

import builtins

from py2lax.analysis.names import bound_names, parameter_names
from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext

_OBJECT_OPERANDS = (S.Name, S.Attribute, S.Subscript)
_HELPERS = {  # operator -> (runtime helper, negate)
    S.Is: ("same_object", False), S.IsNot: ("same_object", True),
    S.Eq: ("equal", False), S.NotEq: ("equal", True),
    S.In: ("contains", False), S.NotIn: ("contains", True),
}


def rewrite_identity_checks(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.standalone:
        return False
    rewriter = _IdentityChecks(context, _may_be_chosen_names(function))
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed


_FRESH_VALUES = (S.Constant, S.BinOp, S.UnaryOp, S.List, S.Tuple, S.Dict, S.Set,
                 S.ListComp, S.DictComp, S.SetComp, S.GeneratorExp, S.JoinedStr, S.Compare)


def _may_be_chosen_names(function: S.FunctionDef):
    """A test ``name in ...`` for the names that may hold an object a traced ``if`` chose:
    all but those ``function`` binds only in its own straight-line statements
    (``u = a`` at the top of the body is ``a``'s object: as ``a``), and each time to a new
    value that is no such object (a number, a display, arithmetic).

    >>> tree = S.parse_module('''
    ... def f(x, a, b):
    ...     t, u, n = a, a, 0
    ...     if x > 0:
    ...         t = b
    ...     v = t
    ...     return t is a, u is a, g is a, v is a, n is a
    ... ''').body[0]
    >>> test = _may_be_chosen_names(tree)
    >>> [test(name) for name in ("t", "u", "g", "a", "v", "n")]
    [True, True, True, True, True, False]
    """
    fresh: set[str] = set()
    other: set[str] = set()
    for statement in function.body:
        values = _plain_bindings(statement)
        if values is None:
            other |= bound_names([statement])
            continue
        for name, value in values:
            (fresh if isinstance(value, _FRESH_VALUES) else other).add(name)
    only_fresh = fresh - other - set(parameter_names(function.args))
    return lambda name: name not in only_fresh


def _plain_bindings(statement) -> list | None:
    """``[(name, value)]`` for ``a, b = 1, []``/``n = 0`` (a value per name, or None
    where the unpacking does not say); None for any other statement."""
    if not (isinstance(statement, S.Assign) and all(
            isinstance(t, (S.Name, S.Tuple, S.List)) for t in statement.targets)):
        return None
    bindings = []
    for target in statement.targets:
        if isinstance(target, S.Name):
            bindings.append((target.id, statement.value))
            continue
        values = (statement.value.elts if isinstance(statement.value, (S.Tuple, S.List))
                  and len(statement.value.elts) == len(target.elts) else None)
        for index, part in enumerate(target.elts):
            if not isinstance(part, S.Name):
                return None
            bindings.append((part.id, values[index] if values else None))
    return bindings


class _IdentityChecks(S.NodeTransformer):
    def __init__(self, context: ConversionContext, may_be_chosen):
        self.context, self.may_be_chosen = context, may_be_chosen
        self.changed = False

    def _may_hold_chosen(self, node) -> bool:
        if isinstance(node, S.Attribute):
            return True
        return (isinstance(node, S.Name) and node.id != self.context.runtime
                and not hasattr(builtins, node.id) and self.may_be_chosen(node.id))

    def _rewritten(self, node) -> bool:
        if len(node.ops) != 1 or type(node.ops[0]) not in _HELPERS:
            return False
        left, right, op = node.left, node.comparators[0], node.ops[0]
        if isinstance(op, (S.In, S.NotIn)):
            return self._may_hold_chosen(left) or (
                isinstance(right, (S.List, S.Tuple))
                and any(self._may_hold_chosen(e) for e in right.elts))
        # (`v[i] == target` compares numbers far more often than objects: left as written)
        operands = _OBJECT_OPERANDS if isinstance(op, (S.Is, S.IsNot)) else (S.Name,
                                                                             S.Attribute)
        return (isinstance(left, operands) and isinstance(right, operands)
                and (self._may_hold_chosen(left) or self._may_hold_chosen(right)))

    def visit_Call(self, node):
        """``id(t)`` -> ``py2lax.runtime.object_id(id, t)`` (refused for a chosen object);
        ``objs.count(t)`` -> ``py2lax.runtime.count(objs, t)``."""
        self.generic_visit(node)
        method = self._called_method(node.func)
        if (method is not None and method.attr == "count" and len(node.args) == 1
                and not node.keywords and self._may_hold_chosen(node.args[0])):
            call = self.context.call("count", method.value, node.args[0], line=node.lineno,
                                     container=method.value, item=node.args[0])
            self.changed = True
            return S.set_location(S.copy_location(call, node), node)
        if not (isinstance(node.func, S.Name) and node.func.id == "id" and len(node.args) == 1
                and not node.keywords and self._may_hold_chosen(node.args[0])):
            return node
        call = self.context.call("object_id", node.func, node.args[0], line=node.lineno,
                                 function=node.func, value=node.args[0])
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)

    def _called_method(self, function):
        """``objs.count`` in ``objs.count(t)``, also as ``convert_calls`` wrote it
        (``py2lax.converted(objs.count)(t)``); None for any other callee."""
        record = self.context.records.of_call(function) if isinstance(
            function, S.Call) else None
        if record is not None and record.helper == "converted" and not record.options:
            function = record.operands["function"]
        return function if isinstance(function, S.Attribute) else None

    def visit_Compare(self, node):
        self.generic_visit(node)
        if not self._rewritten(node):
            return node
        helper, negate = _HELPERS[type(node.ops[0])]
        keywords = [("negate", S.Constant(value=True, kind=None))] if negate else []
        call = self.context.call(helper, node.left, node.comparators[0], keywords=keywords,
                                 line=node.lineno, first=node.left,
                                 second=node.comparators[0], negate=negate)
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)
