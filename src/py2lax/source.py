"""Reading a live function's source and parsing it with the user's line numbers."""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass

from py2lax import syntax as S


class SourceUnavailable(Exception):
    """The function's source cannot be read (REPL, builtin, C extension, ambiguous lambda)."""


@dataclass
class FunctionSource:
    filename: str
    tree: S.FunctionDef   # locations are the user's file's lines and columns
    text: str             # the dedented source text of the definition


def parse_function(function) -> FunctionSource:
    code = getattr(function, "__code__", None)
    if code is None:
        raise SourceUnavailable(f"{function!r} is not a Python function")
    try:
        # The code object, not the function: `inspect` would follow `__wrapped__` to another def.
        lines, first_line = inspect.getsourcelines(code)
    except (OSError, TypeError) as error:
        raise SourceUnavailable(str(error)) from None
    text = "".join(lines)
    dedented = textwrap.dedent(text)
    indent = _indent_width(text, dedented)
    try:
        module = S.parse_module(dedented)
    except SyntaxError as error:
        raise SourceUnavailable(f"its source does not parse on its own: {error}") from None
    if code.co_name == "<lambda>":
        tree = _lambda_as_function(module, code, code.co_firstlineno - first_line + 1)
    else:
        definitions = [n for n in module.body if isinstance(n, (S.FunctionDef, S.AsyncFunctionDef))]
        if not definitions or definitions[0].name != code.co_name:
            raise SourceUnavailable("the source found for it is not its `def`")
        tree = definitions[0]
    _shift_locations(tree, first_line - 1, indent)
    return FunctionSource(code.co_filename, tree, dedented)


def _lambda_as_function(module, code, line: int) -> S.FunctionDef:
    """``lambda x, n: body`` found in its source line, as ``def <lambda>(x, n): return body``.

    The lambda is recognised by its line and parameter names; if several lambdas on that
    line match, which one this is cannot be told, and it is left unconverted.
    """
    parameters = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    candidates = [
        node for node in S.walk(module)
        if isinstance(node, S.Lambda) and node.lineno == line
        and tuple(a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs)
        == parameters
    ]
    if len(candidates) != 1:
        raise SourceUnavailable("its lambda cannot be told apart in its source line")
    found = candidates[0]
    body = S.copy_location(S.Return(value=found.body), found.body)
    definition = S.FunctionDef(name="<lambda>", args=found.args, body=[body],
                               decorator_list=[], returns=None, type_comment=None,
                               type_params=[])
    return S.copy_location(definition, found)


def _indent_width(text: str, dedented: str) -> int:
    first = text.splitlines()[0] if text else ""
    return len(first) - len(dedented.splitlines()[0]) if first else 0


def _shift_locations(tree, lines: int, columns: int) -> None:
    for node in S.walk(tree):
        if "lineno" in node._attributes and getattr(node, "lineno", None) is not None:
            node.lineno += lines
            node.end_lineno = (node.end_lineno or node.lineno - lines) + lines
            node.col_offset = (node.col_offset or 0) + columns
            if getattr(node, "end_col_offset", None) is not None:
                node.end_col_offset += columns
