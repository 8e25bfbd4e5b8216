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

The decorator does better where it can: before a statement that divides names by
names (no subscript, nothing that may hold an item of an array, no call), and when no
handler binds or re-raises the error, it writes ``if py2lax.zero_divisor(b, a): raise
ZeroDivisionError("division by zero")``. A traced scalar divisor that is zero then
jumps to the handler as the user's own ``raise`` does (``normalize_exits``) and the
division stays as written; on Python values the test is False and Python's operator
raises its own error. An item of a NumPy array divides by zero without raising in
Python (``inf``), so a division by or of one keeps ``py2lax.divide``.
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
        records = self.context.records
        record = records.of_call(node)
        if record is not None and record.helper == "getitem" and "caught" not in record.options:
            records.set_option(node, "caught", S.Constant(value=True, kind=None))
            for name, value in _within(record.operands["target"], record.operands["index"]):
                records.set_option(node, name, value)
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
            record = self.context.records.of_call(call) if isinstance(call, S.Call) else None
            if record is None or record.helper != "setitem":
                continue
            items, index = record.operands["target"], record.operands["index"]
            if not (isinstance(items, S.Name) and _plain(index)):
                continue
            checks.append(S.set_location(S.copy_location(S.Expr(value=self.context.call(
                "getitem", S.deep_copy(items), S.deep_copy(index),
                keywords=[("caught", S.Constant(value="store", kind=None)),
                          *_within(items, index)],
                line=node.lineno, target=items, index=index)), node), node))
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
                                 line=node.lineno, target=node.value, index=node.slice)
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
    """``a / b`` -> ``py2lax.divide(a, b, '/')`` (``//`` and ``%`` too), except where
    :func:`_checked_divisions` tests the divisor first."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        spelling = _OPERATORS.get(type(node.op))
        if spelling is None or (isinstance(node.right, S.Constant) and node.right.value):
            return node  # (a static divisor may be zero: the runtime raises for it)
        if getattr(node, _CHECKED, False):
            return node
        call = self.context.call("divide", node.left, node.right,
                                 S.Constant(value=spelling, kind=None), line=node.lineno,
                                 left=node.left, right=node.right, op=spelling)
        self.changed = True
        return S.set_location(S.copy_location(call, node), node)


_CHECKED = "_py2lax_divisor_checked"
# What a statement whose divisors are tested first may hold: evaluating its parts earlier
# (the divisor and the dividend, in the test) changes nothing.
_QUIET = (S.Name, S.Constant, S.Attribute, S.Subscript, S.Slice, S.Tuple, S.List, S.BinOp,
          S.UnaryOp, S.Compare, S.BoolOp, S.IfExp, S.operator, S.unaryop, S.cmpop, S.boolop,
          S.expr_context, S.keyword)
_SIMPLE_STATEMENTS = (S.Assign, S.AugAssign, S.AnnAssign, S.Return, S.Expr)


def _item_names(function) -> frozenset[str]:
    """Names that may hold an item of a NumPy or JAX array: the target of a ``for`` over
    anything but ``range(...)``, and a name assigned from a subscript (``x = v[i]``).
    Python divides such a NumPy scalar by zero without raising (``inf``), so a division
    by or of one keeps ``py2lax.divide``'s rule rather than the test below."""
    names = set()
    for node in S.walk(function):
        if isinstance(node, (S.For, S.comprehension)) and not (
                isinstance(node.iter, S.Call) and isinstance(node.iter.func, S.Name)
                and node.iter.func.id == "range"):
            names |= {n.id for n in S.walk(node.target) if isinstance(n, S.Name)}
        elif isinstance(node, (S.Assign, S.AugAssign, S.AnnAssign)) and node.value is not None \
                and any(isinstance(n, S.Subscript) for n in S.walk(node.value)):
            targets = node.targets if isinstance(node, S.Assign) else [node.target]
            names |= {n.id for t in targets for n in S.walk(t) if isinstance(n, S.Name)}
    return frozenset(names)


def _checked_divisions(statements, context, items=frozenset()) -> tuple[list, bool]:
    """``statements`` (a ``try`` body catching ZeroDivisionError, nested blocks too) with
    ``if py2lax.zero_divisor(b, a): raise ZeroDivisionError("division by zero")`` before
    each simple statement (or ``if`` test) that divides ``a`` by a non-constant ``b`` and
    calls nothing of the user's: a traced divisor that is zero then jumps to the handler
    as the user's ``raise`` does (``normalize_exits``), where ``py2lax.divide`` refused it.
    The division stays as written; on Python values the test is False and Python's own
    operator raises. Returns the new statements and whether any test was written."""
    result, changed = [], False
    for statement in statements:
        if isinstance(statement, S.Try) and _catches(statement) and not _handlers_jump(
                statement):
            result.append(statement)  # (its handler reads the error: divide refuses)
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if inner and not isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef,
                                                    S.ClassDef)):
                new, inner_changed = _checked_divisions(inner, context, items)
                setattr(statement, field, new)
                changed |= inner_changed
        for handler in getattr(statement, "handlers", None) or ():
            handler.body, inner_changed = _checked_divisions(handler.body, context, items)
            changed |= inner_changed
        checks = _divisor_checks(statement, context, items)
        result += checks + [statement]
        changed |= bool(checks)
    return result, changed


def _handlers_jump(statement) -> bool:
    """Whether a raise of a ``ZeroDivisionError`` the ``try`` catches may become a jump to
    its handler (``normalize_exits``): no handler binds the error (``except ... as e``) or
    re-raises it; one that does keeps Python's ``raise``, which a traced test cannot
    reach, so the division keeps ``py2lax.divide``'s located refusal."""
    if not isinstance(statement, S.Try):
        return True
    return not any(handler.name is not None or any(
        isinstance(n, S.Raise) and n.exc is None for n in S.walk(handler))
        for handler in statement.handlers)


def _divisor_checks(statement, context, items) -> list:
    if isinstance(statement, _SIMPLE_STATEMENTS):
        parts = [statement]
    elif isinstance(statement, S.If):
        parts = [statement.test]
    else:
        return []
    nodes = [n for part in parts for n in S.walk(part)]
    if not all(isinstance(n, _QUIET) or _runtime_call(n, context) for n in nodes
               if n is not statement):
        return []
    divisions = [(n.left, n.right, n) for n in nodes
                 if isinstance(n, S.BinOp) and type(n.op) in _OPERATORS]
    if isinstance(statement, S.AugAssign) and type(statement.op) in _OPERATORS:
        divisions.insert(0, (_loaded(statement.target), statement.value, statement))
    checks = []
    for left, right, node in divisions:
        if isinstance(right, S.Constant) or getattr(node, _CHECKED, False):
            continue  # (a nested `try` is visited again for its own handlers)
        if any(isinstance(n, S.Subscript) or (isinstance(n, S.Name) and n.id in items)
               for operand in (left, right) for n in S.walk(operand)):
            continue  # (a NumPy scalar may be divided: py2lax.divide decides)
        setattr(node, _CHECKED, True)
        test = context.call("zero_divisor", S.deep_copy(right), S.deep_copy(left),
                            line=statement.lineno, right=right, left=left)
        error = S.Call(func=S.load("ZeroDivisionError"),
                       args=[S.Constant(value="division by zero", kind=None)], keywords=[])
        check = S.If(test=test, body=[S.Raise(exc=error, cause=None)], orelse=[])
        checks.append(S.set_location(S.copy_location(check, statement), statement))
    return checks


def _runtime_call(node, context) -> bool:
    """``py2lax.getitem(...)`` and the like, which earlier passes wrote for the user's
    subscripts: they read, as the subscript did."""
    return isinstance(node, S.Call) and context.records.of_call(node) is not None


def _loaded(target):
    """The target of ``s /= b`` read as a value (``s``, ``self.s``, ``v[i]``)."""
    copy = S.deep_copy(target)
    for node in S.walk(copy):
        if hasattr(node, "ctx"):
            node.ctx = S.Load()
    return copy


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
    # (`--standalone` writes the read as `_py2lax_checked_item`)
    positions = _Positions(context) if (context.module_names is not None
                                        or context.standalone) else None
    maths = _MathCalls(context)  # (`--standalone` writes it as `_py2lax_caught_math`)
    checked, items = False, _item_names(function)
    for statement in list(_own_statements(function)):
        if _catches(statement):
            if context.module_names is not None and _handlers_jump(statement):
                # (the decorator: a traced zero jumps to the handler)
                statement.body, more = _checked_divisions(statement.body, context, items)
                checked |= more
            statement.body = S.visit_statements(rewriter, statement.body)
        if positions is not None and _catches(statement, _CAUGHT_INDEX):
            statement.body = S.visit_statements(positions, statement.body)
        if maths is not None and _catches(statement, _CAUGHT_MATH):
            statement.body = S.visit_statements(maths, statement.body)
    return checked or rewriter.changed or bool(positions and positions.changed) or bool(
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
