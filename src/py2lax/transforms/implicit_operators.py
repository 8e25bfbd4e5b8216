"""``obj[i]``, ``a + b``, ``a += b`` where the user's classes define ``__getitem__``,
``__add__``, ``__iadd__``... -> ``py2lax.item_``/``operate_``/``operate_in_place_``.

Python calls these methods itself: there is no call for py2lax to convert, so a traced
``if`` in the user's ``__getitem__`` or ``__iadd__`` raised ``TracerBoolConversionError``
under ``autograph_jit`` where the same method called by name converted. The runtime calls
(``runtime.implicit_methods``) do what Python does, with the user's method converted;
for operands without such a method they are the plain operator.

Only the operators some class of the user's that the function can reach defines a method
for are rewritten (``context.user_methods``), so other code keeps its operators. The pass
runs for the decorator only: the command line (and ``--standalone``) keeps the operators
as written and converts the methods themselves.
Subscripts that are assigned or deleted stay (``setitem`` already runs ``__setitem__``).
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter

# operator -> (method, reflected method, in-place method): what Python calls for it
OPERATOR_METHODS = {
    "+": ("__add__", "__radd__", "__iadd__"), "-": ("__sub__", "__rsub__", "__isub__"),
    "*": ("__mul__", "__rmul__", "__imul__"), "/": ("__truediv__", "__rtruediv__", "__itruediv__"),
    "//": ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
    "%": ("__mod__", "__rmod__", "__imod__"), "**": ("__pow__", "__rpow__", "__ipow__"),
    "@": ("__matmul__", "__rmatmul__", "__imatmul__"),
    "&": ("__and__", "__rand__", "__iand__"), "|": ("__or__", "__ror__", "__ior__"),
    "^": ("__xor__", "__rxor__", "__ixor__"),
    "<<": ("__lshift__", "__rlshift__", "__ilshift__"),
    ">>": ("__rshift__", "__rrshift__", "__irshift__"),
}

_SYMBOLS = {
    S.Add: "+", S.Sub: "-", S.Mult: "*", S.Div: "/", S.FloorDiv: "//", S.Mod: "%",
    S.Pow: "**", S.MatMult: "@", S.BitAnd: "&", S.BitOr: "|", S.BitXor: "^",
    S.LShift: "<<", S.RShift: ">>",
}


class _Rewriter(OwnScopeRewriter):

    def _defined(self, symbol: str, in_place: bool = False) -> bool:
        names = OPERATOR_METHODS[symbol]
        return any(n in self.context.user_methods for n in (names if in_place else names[:2]))

    def _call(self, helper: str, original, *arguments):
        self.changed = True
        call = self.context.call(helper, *arguments, line=original.lineno)
        return S.set_location(S.copy_location(call, original), original)

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, S.Load) or "__getitem__" not in self.context.user_methods:
            return node
        if isinstance(node.slice, S.Slice) or not isinstance(
                node.value, (S.Name, S.Attribute, S.Call, S.Subscript)):
            return node
        return self._call("item_", node, node.value, node.slice)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        symbol = _SYMBOLS.get(type(node.op))
        if symbol is None or not self._defined(symbol):
            return node
        text = S.set_location(S.Constant(value=symbol, kind=None), node)
        return self._call("operate_", node, text, node.left, node.right)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        symbol = _SYMBOLS.get(type(node.op))
        if symbol is None or not isinstance(node.target, S.Name) or not self._defined(
                symbol, in_place=True):
            return node
        text = S.set_location(S.Constant(value=symbol, kind=None), node)
        value = self._call("operate_in_place_", node, text, S.load(node.target.id), node.value)
        assign = S.Assign(targets=[S.Name(id=node.target.id, ctx=S.Store(), annotation=None,
                                          type_comment=None)], value=value, type_comment=None)
        return S.set_location(S.copy_location(assign, node), node)


def rewrite_implicit_operators(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.module_names is None or context.standalone:
        return False  # the command line: the operators stay, the methods are converted
    if not any(name.startswith("__") for name in context.user_methods):
        return False
    rewriter = _Rewriter(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed
