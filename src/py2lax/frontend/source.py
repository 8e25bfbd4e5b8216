"""Reading a live function's source and parsing it with the user's line numbers."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from py2lax.frontend import syntax as S


class SourceUnavailable(Exception):
    """The function's source cannot be read (REPL, builtin, C extension, ambiguous lambda)."""


@dataclass
class FunctionSource:
    filename: str
    tree: S.FunctionDef   # locations are the user's file's lines and columns


def parse_function(function) -> FunctionSource:
    code = getattr(function, "__code__", None)
    if code is None:
        raise SourceUnavailable(f"{function!r} is not a Python function")
    try:
        # The code object, not the function: `inspect` would follow `__wrapped__` to another def.
        file_lines, start = inspect.findsource(code)
    except (OSError, TypeError) as error:
        raise SourceUnavailable(str(error)) from None
    statements = None
    if code.co_name != "<lambda>":
        try:
            statements = _parse_in_place(_indented_block(file_lines, start), start)
        except SyntaxError:
            pass  # the quick cut missed the end of the def; `inspect` tokenizes to find it
    if statements is None:
        try:
            statements = _parse_in_place(inspect.getblock(file_lines[start:]), start)
        except SyntaxError as error:
            raise SourceUnavailable(f"its source does not parse on its own: {error}") from None
    if code.co_name == "<lambda>":
        return FunctionSource(code.co_filename, _lambda_as_function(statements, code))
    definitions = [n for n in statements if isinstance(n, (S.FunctionDef, S.AsyncFunctionDef))]
    if not definitions or definitions[0].name != code.co_name:
        raise SourceUnavailable("the source found for it is not its `def`")
    return FunctionSource(code.co_filename, definitions[0])


def _parse_in_place(lines: list[str], start: int) -> list:
    """Parse the block so that its nodes carry their lines and columns in the file.

    Blank lines in front put the block at its own line; an indented block (a method, a
    def inside a function) is parsed under an ``if 1:`` written on the line before it.
    """
    indented = lines[0][:1] in (" ", "\t")
    if start < indented:
        raise SyntaxError("an indented block on the first line of its file")
    prefix = "\n" * (start - indented) + ("if 1:\n" if indented else "")
    module = S.parse_module(prefix + "".join(lines))
    return module.body[0].body if indented else module.body


def _lambda_as_function(statements: list, code) -> S.FunctionDef:
    """``lambda x, n: body`` found in its source line, as ``def <lambda>(x, n): return body``.

    The lambda is recognised by its line and parameter names; if several lambdas on that
    line match, which one this is cannot be told, and it is left unconverted.
    """
    parameters = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    candidates = [
        node for statement in statements for node in S.walk(statement)
        if isinstance(node, S.Lambda) and node.lineno == code.co_firstlineno
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
