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

After::

    if py2lax.runtime.same_object(t, a): ...
    hit = py2lax.runtime.contains(t, [a, c])
    same = py2lax.runtime.equal(t, b)
    key = py2lax.runtime.object_id(id, t)

(``is not``/``not in``/``!=`` pass ``negate=True``.) The answer is a traced bool where
it depends on the condition, and Python's own answer on any other values, so the
function means what it meant on Python values; ``object_id`` refuses the chosen object,
whose ``id`` only the running program knows. The calls name the helpers' module,
``py2lax.runtime``, which the decorator has imported (the package's own names are
``py2lax/__init__.py``'s list).

Only tests whose operands may hold such an object are rewritten: an attribute
(``o.inner is i1``), a name the function binds inside a compound statement or from a
conditional expression, a parameter, or a name it does not bind at all (a closure's free
variable, a global: a helper testing ``t is b`` for its caller's ``t``). A test with a
constant (``x is None``, ``flag is True``: ``none_checks`` and ``logical_ops`` own them),
a test of a call's result or a builtin (``type(y) is float``, ``logical_ops``'s) and
chained comparisons stay as written. Only the decorator rewrites: the command line's
output keeps Python's tests (``--standalone`` needs only JAX and carries no identity
codes).
"""

from __future__ import annotations

import builtins

from py2lax.analysis.names import bound_names, parameter_names
from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext

_COMPOUND = (S.If, S.For, S.AsyncFor, S.While, S.With, S.AsyncWith, S.Try, S.TryStar, S.Match)
_OBJECT_OPERANDS = (S.Name, S.Attribute, S.Subscript)
_HELPERS = {  # operator -> (runtime helper, negate)
    S.Is: ("same_object", False), S.IsNot: ("same_object", True),
    S.Eq: ("equal", False), S.NotEq: ("equal", True),
    S.In: ("contains", False), S.NotIn: ("contains", True),
}


def rewrite_identity_checks(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.standalone or context.module_names is None:  # the command line
        return False
    rewriter = _IdentityChecks(context, _may_be_chosen_names(function))
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed


def _may_be_chosen_names(function: S.FunctionDef):
    """A test ``name in ...`` for the names that may hold an object a traced ``if`` chose:
    those ``function`` binds inside a compound statement or from a conditional
    expression, its parameters (a method's ``self is other``, called with one) and the
    names it does not bind at all.

    >>> tree = S.parse_module('''
    ... def f(x, a, b):
    ...     t, u = a, a
    ...     if x > 0:
    ...         t = b
    ...     return t is a, u is a, g is a
    ... ''').body[0]
    >>> test = _may_be_chosen_names(tree)
    >>> test("t"), test("u"), test("g"), test("a")
    (True, False, True, True)
    """
    own = bound_names(function.body) - set(parameter_names(function.args))
    chosen: set[str] = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, _COMPOUND):
            for _, block in S.statement_lists(node):
                chosen |= bound_names(block)
            for handler in getattr(node, "handlers", ()):
                chosen |= bound_names(handler.body)
        elif isinstance(node, S.Assign) and isinstance(node.value, S.IfExp):
            chosen |= bound_names([node])
    return lambda name: name not in own or name in chosen


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
        return (isinstance(left, _OBJECT_OPERANDS) and isinstance(right, _OBJECT_OPERANDS)
                and (self._may_hold_chosen(left) or self._may_hold_chosen(right)))

    def visit_Call(self, node):
        """``id(t)`` -> ``py2lax.runtime.object_id(id, t)`` (refused for a chosen object)."""
        self.generic_visit(node)
        if not (isinstance(node.func, S.Name) and node.func.id == "id" and len(node.args) == 1
                and not node.keywords and self._may_hold_chosen(node.args[0])):
            return node
        call = S.Call(func=self._helper("object_id"), args=[node.func, node.args[0]],
                      keywords=[])
        self.context.records.rewrote("object_id", call, node.lineno, function=node.func,
                                     value=node.args[0])
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)

    def _helper(self, name: str):
        """``py2lax.runtime.<name>``."""
        return S.Attribute(value=S.Attribute(value=S.load(self.context.runtime),
                                             attr="runtime", ctx=S.Load()),
                           attr=name, ctx=S.Load())

    def visit_Compare(self, node):
        self.generic_visit(node)
        if not self._rewritten(node):
            return node
        helper, negate = _HELPERS[type(node.ops[0])]
        keywords = [("negate", S.Constant(value=True, kind=None))] if negate else []
        call = S.Call(func=self._helper(helper), args=[node.left, node.comparators[0]],
                      keywords=[S.keyword(arg=k, value=v) for k, v in keywords])
        self.context.records.rewrote(helper, call, node.lineno, first=node.left,
                                     second=node.comparators[0], negate=negate)
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)
