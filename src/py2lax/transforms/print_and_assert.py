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


def _format_string(arguments) -> tuple[str, list] | None:
    """The ``str.format`` template and values equivalent to ``print(*arguments)`` pieces."""
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
            pieces.append("{}")
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


class _Rewriter(OwnScopeRewriter):

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
        built = _format_string(node.args)
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
        arguments = [node.test]
        if node.msg is not None:
            arguments.append(S.thunk(node.msg))
        call = self.context.call("assert_", *arguments, line=node.lineno, test=node.test,
                                 message=node.msg)
        self.changed = True
        return S.set_location(S.copy_location(S.Expr(value=call), node), node)


def rewrite_print_and_assert(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    rewriter = _Rewriter(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed
