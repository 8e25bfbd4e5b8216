"""A division inside a ``try`` that catches ``ZeroDivisionError`` -> ``py2lax.divide``.

``try: r = a / b except ZeroDivisionError: r = 0.0`` takes the handler in Python when
``b`` is zero; a traced ``b`` divides without raising, so the handler would silently
never run (``runtime.caught_division``). In the body of a ``try`` whose handlers name
``ZeroDivisionError`` or ``ArithmeticError`` (or of ``with
contextlib.suppress(ZeroDivisionError)``), ``a / b``, ``a // b`` and ``a % b`` whose
divisor is not a constant become ``py2lax.divide(a, b, '/')``: Python's operator on
Python values, a located refusal for a traced scalar divisor, decided when traced.

Only where the function's values are known (the decorator, where
``context.module_names`` is given) and for ``--standalone``, whose plain jax writes the
same rule (``_py2lax_divide``); the command line's runtime output leaves the division as
written.

So ``try: r = a / b`` followed by ``except ZeroDivisionError: r = 0.0`` becomes
``try: r = py2lax.divide(a, b, '/')`` with the same handler.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter

_CAUGHT = frozenset({"ZeroDivisionError", "ArithmeticError", "Exception", "BaseException"})
# `try: v = a[i + 1] except IndexError:`: a read at a traced position -> py2lax.getitem(a,
# i + 1, caught=True), refused when traced (JAX clamps the position, never raises)
_CAUGHT_INDEX = frozenset({"IndexError", "LookupError", "Exception", "BaseException"})
_OPERATORS = {S.Div: "/", S.FloorDiv: "//", S.Mod: "%"}
# `try: r = math.sqrt(x) except ValueError:`: a math function of a traced value gives nan
# or inf where Python raises -> py2lax.caught_math(math.sqrt, x), refused when traced
_CAUGHT_MATH = frozenset({"ValueError", "OverflowError", "ArithmeticError", "Exception",
                          "BaseException"})
_BARE = (_CAUGHT, _CAUGHT_INDEX, _CAUGHT_MATH)  # what a bare `except:` also catches


def _names(node) -> set[str]:
    """The exception class names an ``except`` clause or ``suppress(...)`` names."""
    if isinstance(node, S.Tuple):
        return set().union(*(_names(e) for e in node.elts)) if node.elts else set()
    if isinstance(node, S.Name):
        return {node.id}
    if isinstance(node, S.Attribute):
        return {node.attr}
    return set()


def _catches(statement, caught=_CAUGHT) -> bool:
    """``statement`` is a ``try`` with a handler for one of ``caught`` (a bare ``except:``
    catches them all), or a ``with contextlib.suppress(...)`` of one."""
    if isinstance(statement, S.Try):
        return any((handler.type is None and caught in _BARE)  # a bare `except:`
                   or (handler.type is not None and _names(handler.type) & caught)
                   for handler in statement.handlers)
    if isinstance(statement, (S.With, S.AsyncWith)):
        return any(isinstance(item.context_expr, S.Call)
                   and "suppress" in _names(item.context_expr.func)
                   and any(_names(a) & caught for a in item.context_expr.args)
                   for item in statement.items)
    return False


def _within(items, index) -> list:
    """``[("within", bound)]`` for a position in range by construction: ``i % 5`` (in
    range of a sequence of at least 5 items, which the runtime checks) or
    ``i % len(buf)`` of the same ``buf`` (always); ``[]`` otherwise."""
    if not (isinstance(index, S.BinOp) and isinstance(index.op, S.Mod)):
        return []
    right = index.right
    if isinstance(right, S.Constant) and type(right.value) is int and right.value > 0:
        return [("within", S.Constant(value=right.value, kind=None))]
    if (isinstance(right, S.Call) and isinstance(right.func, S.Name) and right.func.id == "len"
            and len(right.args) == 1 and not right.keywords and isinstance(items, S.Name)
            and isinstance(right.args[0], S.Name) and right.args[0].id == items.id):
        return [("within", S.Constant(value="len", kind=None))]
    return []


class _Positions(OwnScopeRewriter):
    """``a[i]`` (a read) -> ``py2lax.getitem(a, i, caught=True)``; a read the list
    reads already rewrote (``py2lax.getitem(path, i)``) gets ``caught=True``."""

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, S.Attribute) and func.attr == "getitem"
                and isinstance(func.value, S.Name) and func.value.id == self.context.runtime
                and not any(k.arg == "caught" for k in node.keywords)):
            node.keywords.append(S.keyword(arg="caught", value=S.Constant(value=True, kind=None)))
            if len(node.args) >= 2:
                node.keywords += [S.keyword(arg=k, value=v)
                                  for k, v in _within(node.args[0], node.args[1])]
            self.changed = True
        return node

    def visit_Assign(self, node):
        """``x = py2lax.setitem(x, i, v)`` (a write ``x[i] = v`` the item assignments
        rewrote): the position is checked first, ``py2lax.getitem(x, i, caught="store")``
        (a traced one refused, a Python one outside a JAX array's axis raises IndexError
        as NumPy's write does), then written."""
        self.generic_visit(node)
        checks = []
        for call in S.walk(node.value):
            func = getattr(call, "func", None)
            if not (isinstance(call, S.Call) and isinstance(func, S.Attribute)
                    and func.attr == "setitem" and isinstance(func.value, S.Name)
                    and func.value.id == self.context.runtime and len(call.args) >= 2
                    and isinstance(call.args[0], S.Name) and _plain(call.args[1])):
                continue
            checks.append(S.set_location(S.copy_location(S.Expr(value=self.context.call(
                "getitem", S.deep_copy(call.args[0]), S.deep_copy(call.args[1]),
                keywords=[("caught", S.Constant(value="store", kind=None)),
                          *_within(call.args[0], call.args[1])],
                line=node.lineno, items=call.args[0], index=call.args[1])), node), node))
        if checks:
            self.changed = True
            return checks + [node]
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, S.Load) or isinstance(node.slice, S.Constant):
            return node
        if all(isinstance(n, (S.Slice, S.Constant, S.Tuple, S.Load, S.expr_context))
               for n in S.walk(node.slice)):
            return node  # (a Python position: the read raises as written)
        call = self.context.call("getitem", node.value, node.slice,
                                 keywords=[("caught", S.Constant(value=True, kind=None)),
                                           *_within(node.value, node.slice)],
                                 line=node.lineno, items=node.value, index=node.slice)
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)


class _MathCalls(OwnScopeRewriter):
    """``math.sqrt(x)`` -> ``py2lax.caught_math(math.sqrt, x)`` (see ``_CAUGHT_MATH``)."""

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if not (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                and func.value.id == "math" and "math" not in self.context.local_names):
            return node
        if all(isinstance(a, S.Constant) for a in node.args):
            return node  # (`math.sqrt(-1.0)`: never traced, raises as written)
        call = self.context.call("caught_math", func, *node.args,
                                 keywords=[(k.arg, k.value) for k in node.keywords],
                                 line=node.lineno, function=func)
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)


class _Divisions(OwnScopeRewriter):
    """``a / b`` -> ``py2lax.divide(a, b, '/')`` (``//`` and ``%`` too)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        spelling = _OPERATORS.get(type(node.op))
        if spelling is None or (isinstance(node.right, S.Constant) and node.right.value):
            return node  # (a static divisor may be zero: the runtime raises for it)
        call = self.context.call("divide", node.left, node.right,
                                 S.Constant(value=spelling, kind=None), line=node.lineno,
                                 left=node.left, right=node.right, op=spelling)
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)


def _plain(index) -> bool:
    """An index made of names, numbers and slices: evaluated twice, it is the same."""
    return all(isinstance(n, (S.Name, S.Constant, S.Slice, S.Tuple, S.BinOp, S.UnaryOp,
                              S.operator, S.unaryop, S.Load, S.expr_context))
               for n in S.walk(index))


def guard_caught_division(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.module_names is None and not context.standalone:
        # (the command line's runtime output: the user's division stays)
        return False
    rewriter = _Divisions(context)
    positions = _Positions(context) if context.module_names is not None else None
    maths = _MathCalls(context)  # (`--standalone` writes it as `_py2lax_caught_math`)
    for statement in list(_own_statements(function)):
        if _catches(statement):
            statement.body = S.visit_statements(rewriter, statement.body)
        if positions is not None and _catches(statement, _CAUGHT_INDEX):
            statement.body = S.visit_statements(positions, statement.body)
        if maths is not None and _catches(statement, _CAUGHT_MATH):
            statement.body = S.visit_statements(maths, statement.body)
    return rewriter.changed or bool(positions and positions.changed) or bool(
        maths and maths.changed)


def _own_statements(function):
    """The statements of ``function`` itself (not of functions or classes it defines)."""
    pending = list(function.body)
    while pending:
        statement = pending.pop()
        yield statement
        if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            pending.extend(getattr(statement, field, None) or [])
