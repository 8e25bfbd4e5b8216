"""RewritePrintAndAssert: ``print`` and ``assert`` that work on traced values.

Under jit, ``print(x)`` of a traced ``x`` prints a tracer once, at trace time, and
``assert x > 0`` fails to trace. Both become runtime calls that keep Python's behaviour
for static values and act at run time for traced ones:

Before::

    print(f"step {i}: err = {err:.3e}")
    assert err >= 0, "negative error"

After::

    py2lax.print_('step {}: err = {:.3e}', i, err)
    py2lax.assert_(err >= 0, lambda: 'negative error')

``print_`` formats with ``str.format`` (so f-string format specs survive) and uses
``jax.debug.print`` once any value is traced, which prints at every execution: once
per loop iteration inside a loop. ``assert_`` raises ``AssertionError`` in Python for a
static condition, and for a traced one installs a ``jax.debug.callback`` that raises
at run time with the user's message, file and line.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _format_string(arguments, field: str = "{}") -> tuple[str, list] | None:
    """The ``str.format`` template and values equivalent to ``print(*arguments)`` pieces.
    ``field``: the placeholder of an argument that is no string: ``"{!s}"`` for the
    decorator, since ``print`` writes ``str(v)`` where ``"{}"`` writes ``format(v, "")``
    (a class whose ``__format__`` says something else); the command line's output
    keeps ``"{}"``."""
    pieces, values = [], []
    for argument in arguments:
        if isinstance(argument, S.Starred):
            return None
        if isinstance(argument, S.Constant) and isinstance(argument.value, str):
            pieces.append(_escape(argument.value))
        elif isinstance(argument, S.JoinedStr):
            piece = _joined(argument, values)
            if piece is None:
                return None
            pieces.append(piece)
        else:
            pieces.append(field)
            values.append(argument)
    return pieces, values


def _joined(node: S.JoinedStr, values: list) -> str | None:
    text = ""
    for part in node.values:
        if isinstance(part, S.Constant):
            text += _escape(str(part.value))
        elif isinstance(part, S.FormattedValue):
            conversion = {-1: "", 115: "!s", 114: "!r", 97: "!a"}.get(part.conversion, "")
            spec = ""
            if part.format_spec is not None:
                if not all(isinstance(p, S.Constant) for p in part.format_spec.values):
                    return None  # a computed format spec: leave the f-string to Python
                spec = ":" + "".join(str(p.value) for p in part.format_spec.values)
            text += "{" + conversion + spec + "}"
            values.append(part.value)
        else:
            return None
    return text


def _keep_spelling(template: S.Constant, arguments: list) -> None:
    """Give ``template`` the place of the string it is (``print("Aborting.")``), so that
    the printer copies the user's spelling of it (quotes, escapes) from the file; or, when
    it joins several pieces, the place of the first string, whose quotes it is printed
    with (``print("total:", n)`` -> ``py2lax.print_("total: {}", n)``)."""
    strings = [a for a in arguments if (isinstance(a, S.JoinedStr) or isinstance(
        a, S.Constant) and isinstance(a.value, str)) and getattr(a, "lineno", None)]
    if strings:
        S.copy_location(template, strings[0])


# Handler types that catch an AssertionError (a handler naming anything else, or an
# expression py2lax cannot read, is decided at run time by Python as written).
_CATCHING_ASSERTION = frozenset({"AssertionError", "Exception", "BaseException"})


def _catches_assertion(handler) -> bool:
    kind = handler.type
    kinds = kind.elts if isinstance(kind, S.Tuple) else [kind]
    return kind is None or any(not isinstance(k, S.Name) or k.id in _CATCHING_ASSERTION
                               for k in kinds)


def _raising_assert(node) -> S.If:
    """``assert test, msg`` as ``if not test: raise AssertionError(msg)``: Python's
    meaning, which the traced ``if`` keeps, ``try`` included (see raising_branches)."""
    error = S.Call(func=S.Name(id="AssertionError", ctx=S.Load(), annotation=None,
                               type_comment=None),
                   args=[node.msg] if node.msg is not None else [], keywords=[])
    failed = S.UnaryOp(op=S.Not(), operand=node.test)
    statement = S.If(test=failed, body=[S.Raise(exc=error, cause=None)], orelse=[])
    return S.set_location(statement, node)


class _Rewriter(OwnScopeRewriter):

    def __init__(self, context: ConversionContext):
        super().__init__(context)
        self.caught = 0  # how many enclosing `try` bodies catch an AssertionError

    def visit_Try(self, node):
        """An ``assert`` in a ``try`` body whose handler catches AssertionError raises
        as Python does, so that the handler runs when it fails: the run-time check of
        ``assert_`` ends the compiled program instead, past every handler."""
        catches = any(_catches_assertion(h) for h in node.handlers)
        self.caught += catches
        node.body = S.visit_statements(self, node.body)
        self.caught -= catches
        node.handlers = [self.visit(h) for h in node.handlers]
        node.orelse = S.visit_statements(self, node.orelse)
        node.finalbody = S.visit_statements(self, node.finalbody)
        return node

    visit_TryStar = visit_Try

    def visit_Call(self, node):
        self.generic_visit(node)
        if not (isinstance(node.func, S.Name) and node.func.id == "print"):
            return node
        keywords = {k.arg: k.value for k in node.keywords}
        if set(keywords) - {"sep", "end"}:
            return node  # file=/flush=: leave it to Python
        separator = keywords.get("sep", S.Constant(value=" ", kind=None))
        if not (isinstance(separator, S.Constant) and isinstance(separator.value, str)):
            return node
        built = _format_string(node.args,
                               "{}" if self.context.module_names is None else "{!s}")
        if built is None:
            return node
        pieces, values = built
        template = S.Constant(value=_escape(separator.value).join(pieces), kind=None)
        _keep_spelling(template, node.args)
        call_keywords = [("end", keywords["end"])] if "end" in keywords else []
        self.changed = True
        call = self.context.call("print_", template, *values, keywords=call_keywords,
                                 line=node.lineno, template=template.value, values=values,
                                 end=keywords.get("end"), original=node)
        return S.set_location(S.copy_location(call, node), node)

    def visit_Assert(self, node):
        self.generic_visit(node)
        if self.caught:
            self.changed = True
            return _raising_assert(node)
        arguments = [node.test]
        names = _names_read(node.msg, self.context)
        if node.msg is not None and names:
            # (the decorator's: a message of the function's names, written again from
            # their values when the compiled program fails the assert)
            arguments.append(S.Lambda(args=S.arguments(
                args=[S.param(n) for n in names], posonlyargs=[], vararg=None,
                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]), body=node.msg))
            arguments.append(S.thunk(S.Tuple(elts=[S.load(n) for n in names],
                                             ctx=S.Load())))
        elif node.msg is not None:
            arguments.append(S.thunk(node.msg))
        call = self.context.call("assert_", *arguments, line=node.lineno, test=node.test,
                                 message=node.msg)
        self.changed = True
        return S.set_location(S.copy_location(S.Expr(value=call), node), node)


def _names_read(message, context: ConversionContext) -> list[str]:
    """The function's own names an ``assert``'s message reads, for the decorator (the
    command line keeps ``lambda: message``); none where the message binds names."""
    if message is None or context.module_names is None or any(
            isinstance(n, (S.NamedExpr, S.Lambda, S.ListComp, S.SetComp, S.DictComp,
                           S.GeneratorExp, S.Yield, S.YieldFrom, S.Await))
            for n in S.walk(message)):
        return []
    return list(dict.fromkeys(n.id for n in S.walk(message) if isinstance(n, S.Name)
                              and isinstance(n.ctx, S.Load) and n.id in context.local_names))


def rewrite_print_and_assert(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    rewriter = _Rewriter(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed
