"""The preview: what a document, or one function of it, becomes.

Both go through ``transpiler.rewrite_module`` with ``readable=True``, the call behind
``py2lax FILE``, so the preview is exactly what the command prints.

* A document whose functions all convert previews as the command's output. When some
  cannot be converted, the command prints nothing for the file; the preview instead
  lists the errors in a comment and shows those functions as written, with the others
  rewritten (their jit decorators are swapped for placeholders, so ``rewrite_module``
  leaves them alone, and swapped back afterwards).
* A function previews by rewriting a copy of the document in which every other
  top-level definition is blanked out (``name = __name__`` keeps its name bound, so
  module constants are decided as before) and the function keeps its line numbers:
  helper names such as ``if_true_14`` and the header comments match the full rewrite. That
  copy is built from the document's cached blocks (``segments``), and the preview is
  kept under it, so a request costs milliseconds however long the document is.

Nothing is imported or executed: the text is only parsed.
"""

from __future__ import annotations

import textwrap
from collections import OrderedDict
from dataclasses import dataclass

from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import ConversionError
from py2lax.tools.lsp.segments import Outline, outline
from py2lax.analysis.targets import Target, targets
from py2lax.transpiler import rewrite_module

_DEFINITIONS = (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)
_PLACEHOLDER = "@__py2lax_keep_{}__"
_PREVIEWS: OrderedDict[tuple, str] = OrderedDict()
_PREVIEWS_SIZE = 64


def preview_document(text: str, filename: str = "<string>", *,
                     all_functions: bool = False) -> str:
    """The rewritten document (raises ``SyntaxError`` if it does not parse)."""
    result = rewrite_module(text, filename, all_functions=all_functions, readable=True)
    if not result.errors:
        return result.text
    module = S.parse_module(text)
    header = _error_header(result.errors, "it is shown as written" if len(result.errors) == 1
                           else "they are shown as written")
    failing = _failing(module, result.errors, all_functions)
    if failing is None:
        return header + "# Nothing is rewritten until every function converts.\n" + text
    masked, originals = _without_jit(text, failing)
    again = rewrite_module(masked, filename, readable=True)
    if again.errors:
        return header + "# Nothing is rewritten until every function converts.\n" + text
    return header + _restored(again.text, originals)


def preview_function(text: str, filename: str = "<string>", *, line: int | None = None,
                     name: str | None = None, all_functions: bool = False) -> str:
    """The rewritten top-level function or method named ``name`` (``"f"``, ``"C.m"``),
    or else (no such name) the one enclosing 0-based ``line`` (raises ``SyntaxError`` if
    the document does not parse)."""
    shape = outline(text)
    if shape.syntax_error is not None:
        raise shape.syntax_error
    return function_preview(text, shape, filename, line=line, name=name,
                            all_functions=all_functions)


def function_preview(text: str, shape: Outline, filename: str = "<string>", *,
                     line: int | None = None, name: str | None = None,
                     all_functions: bool = False) -> str:
    """:func:`preview_function` of a document already split into blocks (``segments``):
    only the function and the module-level statements are parsed again, and the answer
    is kept for the next request with the same text around the function."""
    statements = shape.statements
    found = find_function(statements, name=name) if name else None
    if found is None and line is not None:   # renamed since the lens was made: go by line
        found = find_function(statements, line=line)
    if found is None:
        where = f"`{name}`" if name else f"line {(line or 0) + 1}"
        return f"# py2lax: no function or method found at {where}.\n"
    lines = text.splitlines(keepends=True)
    masked = _only(lines, statements, found)
    key = (masked, filename, all_functions, found.name)
    shown = _PREVIEWS.get(key)
    if shown is None:
        shown = _preview(masked, filename, found, _text_of(lines, found), all_functions)
        _PREVIEWS[key] = shown
        if len(_PREVIEWS) > _PREVIEWS_SIZE:
            _PREVIEWS.popitem(last=False)
    else:
        _PREVIEWS.move_to_end(key)
    return shown


def _preview(masked: str, filename: str, found: "_Found", original: str,
             all_functions: bool) -> str:
    shown = found.name
    result = rewrite_module(masked, filename, all_functions=all_functions, readable=True)
    if result.errors:
        return _error_header(result.errors, f"`{shown}` is shown as written") + original
    if found.function.name not in result.rewritten:
        if not targets(S.parse_module(masked), all_functions):
            return (f"# py2lax leaves `{shown}` as written: it is not decorated with jax.jit or "
                    "autograph_jit\n# (the allFunctions setting previews every function).\n"
                    + original)
        return f"# py2lax: nothing in `{shown}` needs rewriting.\n" + original
    rewritten = S.parse_module(result.text)
    again = find_function([(0, node) for node in rewritten.body], name=shown)
    if again is None:  # cannot happen: rewriting keeps names
        return original
    return _text_of(result.text.splitlines(keepends=True), again)


@dataclass(frozen=True)
class _Found:
    """A top-level function or method, in a block whose first line is ``offset`` (0-based)."""

    function: S.AST
    owner: S.ClassDef | None
    offset: int

    @property
    def name(self) -> str:
        return f"{self.owner.name}.{self.function.name}" if self.owner else self.function.name


def find_function(statements: list[tuple[int, S.AST]], *, line: int | None = None,
                  name: str | None = None) -> _Found | None:
    """A function by qualified name, or enclosing 0-based ``line``, among top-level
    ``statements`` given with the line offset of their block."""
    for offset, node in statements:
        members = node.body if isinstance(node, S.ClassDef) else [node]
        for member in members:
            if not isinstance(member, (S.FunctionDef, S.AsyncFunctionDef)):
                continue
            found = _Found(member, node if isinstance(node, S.ClassDef) else None, offset)
            if name is not None:
                if found.name == name:
                    return found
            elif (line is not None
                  and offset + _first_line(member) <= line + 1 <= offset + member.end_lineno):
                return found
    return None


def _first_line(node) -> int:
    return min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])


def _text_of(lines: list[str], found: _Found) -> str:
    function, offset = found.function, found.offset
    text = "".join(lines[offset + _first_line(function) - 1:offset + function.end_lineno])
    text = textwrap.dedent(text) if found.owner is not None else text
    return text if text.endswith("\n") else text + "\n"


def _only(lines: list[str], statements: list[tuple[int, S.AST]], found: _Found) -> str:
    """The document with every line outside the function (and its class header) blanked.

    Blank lines keep the function's line numbers; after it they are dropped, and the
    other definitions become ``name = __name__`` bindings at the end (fewer lines and
    statements for the rewrite to read: what is not the function only binds names)."""
    kept: set[int] = set()
    defined: list[str] = []
    function, owner = found.function, found.owner
    for offset, node in statements:
        if node is owner:
            first = _first_line(node.body[0])
            if first == node.lineno:   # `class C: def m(self): ...` on one line
                kept.update(range(offset + _first_line(node), offset + node.end_lineno + 1))
            kept.update(range(offset + _first_line(node), offset + first))
        elif node is function:
            pass
        elif isinstance(node, _DEFINITIONS):
            defined.append(node.name)
        else:
            kept.update(range(offset + node.lineno, offset + node.end_lineno + 1))
    end = found.offset + function.end_lineno
    kept.update(range(found.offset + _first_line(function), end + 1))
    text = "".join(line if row in kept else "\n" for row, line in enumerate(lines, start=1)
                   if row <= end or row in kept)
    return (text if text.endswith("\n") else text + "\n") + _bindings(defined)


def _bindings(names: list[str]) -> str:
    """``a, b = __name__`` lines that bind each name as many times as it is defined (as
    many statements bind it: module constants are decided by that count)."""
    lines = []
    while names:
        once = list(dict.fromkeys(names))
        lines.append(", ".join(once) + " = __name__\n")
        for name in once:
            names.remove(name)
    return "".join(lines)


def _failing(module: S.Module, errors: list[ConversionError],
             all_functions: bool) -> list[Target] | None:
    """The targets the errors belong to, or ``None`` if they cannot be set aside."""
    if all_functions:
        return None  # every function is a target there, decorated or not
    found = targets(module, all_functions)
    failing = []
    for error in errors:
        line = error.location.line if error.location else None
        owner = next((t for t in found if line is not None
                      and _first_line(t.function) <= line <= t.function.end_lineno), None)
        if owner is None:
            return None
        failing.append(owner)
    return failing


def _without_jit(text: str, failing: list[Target]) -> tuple[str, dict[str, list[str]]]:
    """``text`` with the jit decorators of ``failing`` replaced by placeholders."""
    lines = text.splitlines(keepends=True)
    originals: dict[str, list[str]] = {}
    for target in failing:
        for decorator, node in target.decorators:
            if decorator is None or node.lineno - 1 >= len(lines):
                continue
            placeholder = _PLACEHOLDER.format(len(originals))
            first, last = node.lineno - 1, node.end_lineno
            originals[placeholder] = lines[first:last]
            indent = lines[first][:len(lines[first]) - len(lines[first].lstrip())]
            lines[first:last] = [f"{indent}{placeholder}\n"] + ["\n"] * (last - first - 1)
    return "".join(lines), originals


def _restored(text: str, originals: dict[str, list[str]]) -> str:
    lines = text.splitlines(keepends=True)
    out, row = [], 0
    while row < len(lines):
        original = originals.get(lines[row].strip())
        if original is None:
            out.append(lines[row])
            row += 1
        else:
            out.extend(original)
            row += len(original)
    return "".join(out)


def _error_header(errors: list[ConversionError], what: str) -> str:
    """The errors as a comment block, in the words of the runtime and the command line."""
    lines = [f"# py2lax cannot convert {len(errors)} function"
             f"{'s' if len(errors) != 1 else ''}; {what}:"]
    for error in errors:
        location = error.location
        where = f"{location.filename}:{location.line}:{location.column + 1}: " if location else ""
        lines.append(f"#   {where}{error.problem}")
        lines.extend(f"#     {part}" for part in (error.rule, f"Fix: {error.fix}" if error.fix
                                                   else "") if part)
    return "\n".join(lines) + "\n\n"
