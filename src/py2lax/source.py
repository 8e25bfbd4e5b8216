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
        file_lines, start = inspect.findsource(code)
    except (OSError, TypeError) as error:
        raise SourceUnavailable(str(error)) from None
    parsed = None
    if code.co_name != "<lambda>":
        try:
            parsed = _parse_lines(_indented_block(file_lines, start))
        except SyntaxError:
            pass  # the quick cut missed the end of the def; `inspect` tokenizes to find it
    if parsed is None:
        try:
            parsed = _parse_lines(inspect.getblock(file_lines[start:]))
        except SyntaxError as error:
            raise SourceUnavailable(f"its source does not parse on its own: {error}") from None
    dedented, indent, module = parsed
    first_line = start + 1
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


def _parse_lines(lines: list[str]) -> tuple[str, int, S.Module]:
    """The dedented text, the indentation removed, and the parsed module."""
    text = "".join(lines)
    dedented = textwrap.dedent(text)
    return dedented, _indent_width(text, dedented), S.parse_module(dedented)


def _indented_block(lines: list[str], start: int) -> list[str]:
    """The lines of the ``def`` starting at ``start``: its decorators, its header line, and
    every following line that is blank or indented deeper.

    A quick cut, much cheaper than tokenizing the file as ``inspect.getblock`` does. For
    the rare layouts it cuts short (a header closing ``):`` at the ``def``'s own indent, a
    string continued at column 0) the text does not parse, and the caller falls back.
    """
    indent = _indentation(lines[start])
    end = start
    while end < len(lines) and not lines[end].lstrip().startswith(("def ", "async def ")):
        end += 1
    end += 1
    while end < len(lines) and (not lines[end].strip() or _indentation(lines[end]) > indent):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip()
                               or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return lines[start:end]


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip())


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
