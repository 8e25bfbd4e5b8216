"""Griffe extension: render py2lax's docstrings (reST-flavoured, with doctests) as Markdown.

The docstrings are written for ``help()`` and doctest: ``>>>`` examples anywhere in the
text, ``Python meaning::`` followed by an indented code block, and Sphinx roles such as
``:func:`convert```. mkdocstrings renders docstrings as Markdown, where ``>>>`` would be a
nested block quote and ``::`` a literal. This extension rewrites the docstring text
before rendering (the source is untouched):

* a run of ``>>>``/``...`` lines and their output becomes a fenced ``pycon`` block
  (doctest directives such as ``# doctest: +SKIP`` are dropped);
* ``text::`` followed by an indented block becomes ``text:`` and a fenced ``python``
  block;
* ``:func:`name``` (and ``:class:``, ``:mod:``, ``:meth:``, ``:attr:``) becomes ``name``
  in code.

Used from mkdocs.yml (``plugins.mkdocstrings...options.extensions``).
"""

from __future__ import annotations

import re
import textwrap

import griffe

_ROLE = re.compile(r":(?:func|class|mod|meth|attr|data|exc|obj):`~?([^`]+)`")
_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")


def to_markdown(text: str) -> str:
    """The docstring ``text`` with doctests and literal blocks fenced, roles unwrapped."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith("```"):  # an existing fence: copy it verbatim
            out.append(line)
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith("```"):
                out.append(lines[i])
                i += 1
            if i < len(lines):
                out.append(lines[i])
                i += 1
            continue
        if stripped.startswith(">>>"):
            i = _doctest_block(lines, i, out)
            continue
        if line.rstrip().endswith("::") and not line.rstrip().endswith(":::"):
            block, end = _indented_block(lines, i + 1, len(line) - len(stripped))
            if block:
                head = line.rstrip()[:-1]
                out.append(_ROLE.sub(r"`\1`", head if head.strip() else ""))
                out += ["", "```python", *block, "```"]
                i = end
                continue
        out.append(_ROLE.sub(r"`\1`", line))
        i += 1
    return "\n".join(out)


def _doctest_block(lines: list[str], start: int, out: list[str]) -> int:
    """Fence the doctest starting at ``start``; return the index after it."""
    indent = len(lines[start]) - len(lines[start].lstrip())
    block, i = [], start
    while i < len(lines) and lines[i].strip():
        block.append(_DIRECTIVE.sub("", lines[i][indent:]))
        i += 1
    out += ["```pycon", *block, "```"]
    return i


def _indented_block(lines: list[str], start: int, indent: int) -> tuple[list[str], int]:
    """The block indented deeper than ``indent`` after ``start`` (skipping one blank)."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    body_start = i
    while i < len(lines) and (not lines[i].strip()
                              or len(lines[i]) - len(lines[i].lstrip()) > indent):
        i += 1
    while i > body_start and not lines[i - 1].strip():
        i -= 1
    block = textwrap.dedent("\n".join(lines[body_start:i])).splitlines()
    return block, i


class MarkdownDocstrings(griffe.Extension):
    """Rewrite every docstring with :func:`to_markdown` once the tree is loaded."""

    def on_object(self, *, obj, **kwargs) -> None:  # noqa: ARG002 - griffe's signature
        docstring = obj.docstring
        if docstring is not None:
            docstring.value = to_markdown(docstring.value)
