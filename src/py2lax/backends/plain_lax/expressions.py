"""Expressions for ``--standalone``: conditions for lax, and the runtime calls inside
expressions.

In a condition (an ``if``'s test, a ``while`` test, a ternary's test) ``py2lax.and_``/
``or_``/``not_`` and chained comparisons become ``jnp.logical_and``/``logical_or``/
``logical_not``, keeping Python's short circuit for a prefix of static operands (``x is
not None and x > 0``). Anywhere else they go back to Python's own ``and``/``or``/``not``,
whose values (``n or 10``) a logical function would change. Ternaries become
``jax.lax.cond``, ``print`` ``jax.debug.print``, ``max``/``min`` of values that may be
traced ``jnp.where`` selects (Python's rule), ``math.sqrt`` and NumPy functions their
``jax.numpy`` twins, and ``py2lax.converted(f)`` plain ``f``.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.static_values import is_static
from py2lax.backends.print_templates import needs_leading_placeholder
from py2lax.analysis.traced_names import INTEGRAL_MATH, MATH_TWINS, NUMPY_NAMES, TRACE_AWARE_BUILTINS

_COMPARISONS = {"<": S.Lt, "<=": S.LtE, ">": S.Gt, ">=": S.GtE, "==": S.Eq, "!=": S.NotEq,
                "is": S.Is, "is not": S.IsNot, "in": S.In, "not in": S.NotIn}
_STATEMENT_FIELDS = {"body", "orelse", "finalbody", "handlers", "cases"}


class Expressions:
    """The expression side of :class:`py2lax.backends.plain_lax.emitter._PlainJax` (``backend``)."""

    def __init__(self, backend):
        self.backend = backend

    def condition(self, node):
        """A truth value for lax: ``and``/``or``/``not`` on traced values become
        ``jnp.logical_*``; static operands keep Python's short circuit."""
        call = self.backend.runtime_call(node)
        if call is None:
            return self.expression(node)
        kind, node = call
        if kind in ("and_", "or_"):
            operands = [self.condition(node.args[0])] + [
                self.condition(thunk.body) for thunk in node.args[1:]]
            return self._combine(operands, S.And if kind == "and_" else S.Or,
                                 "logical_and" if kind == "and_" else "logical_or")
        if kind == "not_":
            operand = self.condition(node.args[0])
            if self._static(operand):
                return S.copy_location(S.UnaryOp(op=S.Not(), operand=operand), node)
            return self.backend.numpy("logical_not", [operand], node)
        if kind == "compare":
            links = _comparison_links(node)
            comparisons = [self.expression(c) for c in links]
            return self._combine(comparisons, S.And, "logical_and", chained=node)
        return self.expression(node)

    def _combine(self, operands: list, python_op, numpy_function: str, chained=None):
        """``a and b and c`` with the longest static prefix kept as Python."""
        static = 0
        while static < len(operands) and self._static(operands[static]):
            static += 1
        if static == len(operands):
            if chained is not None:
                return self.expression(_python_logic(chained, self.backend.context.runtime))
            return S.BoolOp(op=python_op(), values=operands)
        traced = operands[static]
        for operand in operands[static + 1:]:
            traced = self.backend.numpy(numpy_function, [traced, operand], operand)
        if static == 0:
            return traced
        return S.BoolOp(op=python_op(), values=operands[:static] + [traced])

    def _static(self, node) -> bool:
        return is_static(node, self.backend.context.static_names)

    def expression(self, node):
        return _Rewriter(self.backend).visit(node) if node is not None else None

    def own_expressions(self, statement):
        """The statement with its expressions rewritten (not its nested statements, which
        the backend's ``block`` has rewritten already)."""
        rewriter = _Rewriter(self.backend)
        for field in statement._fields:
            value = getattr(statement, field, None)
            if field in _STATEMENT_FIELDS:
                continue
            if isinstance(value, list):
                setattr(statement, field, [rewriter.visit(v) if isinstance(v, S.AST) else v
                                           for v in value])
            elif isinstance(value, S.AST):
                setattr(statement, field, rewriter.visit(value))
        return statement


class _Rewriter(S.NodeTransformer):
    """Runtime calls inside an expression: ternaries, calls through ``converted``,
    ``print``, and ``and``/``or``/``not`` outside conditions (Python's own operators)."""

    def __init__(self, backend):
        self.backend = backend

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Call(self, node):
        call = self.backend.runtime_call(node)
        if call is None:
            inner = self.backend.runtime_call(node.func)
            callee = inner[1].args[0] if inner is not None and inner[0] == "converted" and len(
                inner[1].args) == 1 else None
            if isinstance(callee, S.Name) and callee.id in TRACE_AWARE_BUILTINS:
                return self._compared(callee.id, node)
            if (isinstance(callee, S.Attribute) and isinstance(callee.value, S.Name)
                    and callee.value.id == "math" and callee.attr in MATH_TWINS):
                return self._math(callee, node)
            if isinstance(callee, S.Attribute) and _numpy_path(callee) is not None:
                return self._numpy(callee, node)
            return self.generic_visit(node)
        kind = call[0]
        backend = self.backend
        if kind == "converted" and len(node.args) == 1:
            callee = node.args[0]
            if isinstance(callee, S.Name):
                backend.called.add(callee.id)
            elif isinstance(callee, S.Attribute) and isinstance(callee.value, S.Name) and (
                    callee.value.id == "self"):
                backend.called.add(f"self.{callee.attr}")  # a method of the same class
            return self.visit(callee)
        if kind == "if_exp":
            test, true_thunk, false_thunk = node.args
            arguments = [backend.condition(test), self.visit(true_thunk), self.visit(false_thunk)]
            return backend.lax("cond", arguments, node)
        if kind in ("and_", "or_", "not_", "compare"):
            return self.visit(_python_logic(node, backend.context.runtime))
        if kind == "print_":
            if any(k.arg == "end" for k in node.keywords):
                raise backend.refuse(node, "`print(..., end=...)` of a traced value has no "
                                      "`jax.debug.print` equivalent",
                                      fix="drop `end=`, or drop --standalone")
            arguments = [self.visit(a) for a in node.args]
            template = arguments[0]
            if isinstance(template, S.Constant) and needs_leading_placeholder(
                    template.value, len(arguments) - 1):
                template.value = "{}" + template.value  # see py2lax.backends.print_templates
                arguments.insert(1, S.Constant(value="", kind=None))
            call = S.Call(func=backend.attribute("debug", "print"), args=arguments, keywords=[])
            return S.set_location(call, node)
        raise backend.refuse(node, f"`{backend.context.runtime}.{kind}` has no plain-jax "
                              "form here", fix="drop --standalone to keep the py2lax runtime")


    def _compared(self, builtin: str, node):
        """``max(a, b)``: Python's rule (``b if b > a else a``) as ``jnp.where`` when an
        argument may be traced; Python's builtin when all are static or the call has
        keywords or one iterable. ``any(v)``/``all(v)``: ``jnp.any``/``jnp.all``."""
        arguments = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        count = 1 if builtin in ("any", "all") else 2   # any(v); max(a, b, ...)
        simple = not keywords and len(arguments) >= count and not any(
            isinstance(a, (S.Starred, S.GeneratorExp)) for a in arguments)
        if not simple or all(self.backend.is_static(a) for a in arguments):
            return S.copy_location(S.Call(func=S.load(builtin), args=arguments,
                                          keywords=keywords), node)
        if count == 1:  # any(v): jnp.any of the truth values
            values = self.backend.numpy("asarray", arguments + [S.load("bool")], node)
            return self.backend.numpy(builtin, [values], node)
        comparison = S.Gt if builtin == "max" else S.Lt
        result = arguments[0]
        for value in arguments[1:]:
            test = S.Compare(left=value, ops=[comparison()], comparators=[result])
            result = self.backend.numpy("where", [test, S.deep_copy(value),
                                                  S.deep_copy(result)], node)
        return result


    def _math(self, function, node):
        """``math.sqrt(x)`` on a value that may be traced: ``jnp.sqrt(x)`` (``math.floor``
        as an integer array, ``math.log(x, b)`` as ``jnp.log(x) / jnp.log(b)``)."""
        arguments = [self.visit(a) for a in node.args]
        if node.keywords or all(self.backend.is_static(a) for a in arguments):
            return S.copy_location(S.Call(func=function, args=arguments,
                                          keywords=[self.visit(k) for k in node.keywords]),
                                   node)
        backend = self.backend
        if function.attr == "log" and len(arguments) == 2:
            value, base = (backend.numpy("log", [a], node) for a in arguments)
            return S.copy_location(S.BinOp(left=value, op=S.Div(), right=base), node)
        result = backend.numpy(MATH_TWINS[function.attr], arguments, node)
        if function.attr in INTEGRAL_MATH:
            integer = S.Attribute(value=backend.numpy_module(), attr="int32", ctx=S.Load())
            result = S.Call(func=S.Attribute(value=result, attr="astype", ctx=S.Load()),
                            args=[integer], keywords=[])
        return S.copy_location(result, node)


    def _numpy(self, function, node):
        """``np.sin(x)`` on a value that may be traced: ``jnp.sin(x)`` (NumPy itself on
        static arguments)."""
        arguments = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        if all(self.backend.is_static(a) for a in arguments + [k.value for k in keywords]):
            callee = function
        else:
            callee = self.backend.numpy_module()
            for part in _numpy_path(function):
                callee = S.Attribute(value=callee, attr=part, ctx=S.Load())
        return S.copy_location(S.Call(func=callee, args=arguments, keywords=keywords), node)


def _numpy_path(function) -> list[str] | None:
    """``["linalg", "norm"]`` for ``np.linalg.norm``; ``None`` if not under NumPy."""
    path = []
    while isinstance(function, S.Attribute):
        path.insert(0, function.attr)
        function = function.value
    if isinstance(function, S.Name) and function.id in NUMPY_NAMES and path:
        return path
    return None


def _python_logic(node, runtime: str):
    """``py2lax.and_(a, lambda: b)`` -> ``a and b`` (and ``or_``, ``not_``, ``compare``)."""
    kind = node.func.attr
    if kind == "not_":
        return S.copy_location(S.UnaryOp(op=S.Not(), operand=node.args[0]), node)
    if kind == "compare":
        operands = [node.args[0]] + [thunk.body for thunk in node.args[2::2]]
        ops = [_COMPARISONS[spelling.value]() for spelling in node.args[1::2]]
        return S.copy_location(S.Compare(left=operands[0], ops=ops, comparators=operands[1:]),
                               node)
    values = [node.args[0]] + [thunk.body for thunk in node.args[1:]]
    return S.copy_location(S.BoolOp(op=S.And() if kind == "and_" else S.Or(), values=values),
                           node)


def _comparison_links(node) -> list:
    """``compare(a, "<", lambda: b, "<", lambda: c)`` -> ``[a < b, b < c]``."""
    operands = [node.args[0]] + [thunk.body for thunk in node.args[2::2]]
    links = []
    for index, spelling in enumerate(node.args[1::2]):
        left = operands[index] if index == 0 else S.deep_copy(operands[index])
        links.append(S.copy_location(S.Compare(left=left, ops=[_COMPARISONS[spelling.value]()],
                                               comparators=[operands[index + 1]]), node))
    return links
