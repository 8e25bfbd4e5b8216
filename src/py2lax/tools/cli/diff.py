"""Unified diffs for ``py2lax --diff``, coloured with plain ANSI codes on a terminal.

The headers name the file on both sides (``--- path`` / ``+++ path``), so the output
applies with ``patch -p0`` or ``git apply -p0``.
"""

from __future__ import annotations

import difflib
import os

from py2lax.frontend import syntax as S

_RESET = "\033[0m"
_STYLES = (("+++", "\033[1m"), ("---", "\033[1m"), ("@@", "\033[36m"),
           ("+", "\033[32m"), ("-", "\033[31m"))


def unified(old: str, new: str, name: str) -> str:
    """The unified diff from ``old`` to ``new`` ("" when they are equal)."""
    lines = difflib.unified_diff(_lines(old), _lines(new), fromfile=name, tofile=name)
    return "".join(lines)


def _lines(text: str) -> list[str]:
    """Lines with ends; a missing final newline is marked as ``diff`` does."""
    lines = S.source_lines(text, keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def colored(diff: str) -> str:
    """``diff`` with headers bold, hunks cyan, removals red and additions green."""
    out = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\n")
        style = next((s for prefix, s in _STYLES if body.startswith(prefix)), None)
        out.append(f"{style}{body}{_RESET}\n" if style else line)
    return "".join(out)


def use_color(choice: str, stream) -> bool:
    """``always``/``never`` as asked; ``auto``: on a terminal, unless ``NO_COLOR`` is set."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
