"""Files for the ``py2lax`` command: finding them, reading them, writing them back safely.

Reading decodes with the file's own encoding declaration (PEP 263) and remembers its
line endings, so ``--write`` changes nothing but the rewritten code. Writing goes to a
temporary file in the same directory that then replaces the original in one
``os.replace``: an interrupted run leaves either the old file or the new one, never half.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

STDIN = "-"

# Directories never searched when a directory is given: tools, caches, virtual envs.
SKIPPED_DIRECTORIES = frozenset({
    "venv", ".venv", "env", "__pycache__", "site-packages", "node_modules",
})


@dataclass
class SourceFile:
    """One input: its text (with ``\\n`` line endings) and how to write it back."""

    name: str                 # as shown in messages: the path given, or "<stdin>"
    text: str
    path: Path | None = None  # None for stdin
    encoding: str = "utf-8"
    newline: str = "\n"


def expand(arguments: list[str]) -> Iterator[str]:
    """Each argument, with directories replaced by the ``*.py`` files below them, sorted.

    A missing path is passed through, so reading it reports the error in order.
    """
    for argument in arguments:
        if argument != STDIN and os.path.isdir(argument):
            yield from _python_files(argument)
        else:
            yield argument


def _python_files(directory: str) -> Iterator[str]:
    for root, directories, files in os.walk(directory):
        directories[:] = sorted(d for d in directories if not _skipped(root, d))
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(root, name)


def _skipped(root: str, name: str) -> bool:
    """Hidden directories, known tool directories, and virtual environments (``pyvenv.cfg``)."""
    if name.startswith(".") or name in SKIPPED_DIRECTORIES:
        return True
    return os.path.exists(os.path.join(root, name, "pyvenv.cfg"))


def read(argument: str) -> SourceFile:
    """Read a file (or stdin for ``-``). Raises ``OSError``, ``UnicodeDecodeError``,
    ``SyntaxError`` (an unknown encoding declaration) or ``ValueError`` (null bytes)."""
    if argument == STDIN:
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else None
        if data is None:
            return SourceFile("<stdin>", sys.stdin.read())
        return _decoded("<stdin>", data, None)
    path = Path(argument)
    return _decoded(argument, path.read_bytes(), path)


def _decoded(name: str, data: bytes, path: Path | None) -> SourceFile:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if "\0" in text:
        raise ValueError("the file contains null bytes")
    if encoding == "utf-8-sig":
        text = text.removeprefix("\ufeff")
    newline = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    if newline != "\n":
        text = text.replace("\r\n", "\n")
    return SourceFile(name, text, path, encoding, newline)


def encoded(source: SourceFile, text: str) -> bytes:
    """``text`` in the file's encoding and line endings."""
    if source.newline != "\n":
        text = text.replace("\n", source.newline)
    return text.encode(source.encoding)


def write(source: SourceFile, text: str) -> None:
    """Replace the file's content with ``text`` atomically, keeping its permissions."""
    assert source.path is not None
    path = source.path
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".py2lax")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(encoded(source, text))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
