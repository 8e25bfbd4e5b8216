"""Files for the ``py2lax`` command: finding them, reading them, writing them back safely.

Finding skips what the settings exclude (gitignore-style patterns relative to the
project root), what ``.gitignore`` files ignore, and virtual environments.

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

import pathspec

STDIN = "-"


@dataclass
class SourceFile:
    """One input: its text (with ``\\n`` line endings) and how to write it back."""

    name: str                 # as shown in messages: the path given, or "<stdin>"
    text: str
    path: Path | None = None  # None for stdin
    encoding: str = "utf-8"
    newline: str = "\n"


class Selection:
    """Which files are read: the exclusion patterns (gitignore syntax, relative to the
    project root), the ``.gitignore`` files from the root down, virtual environments."""

    def __init__(self, root: Path, exclude: tuple[str, ...], respect_gitignore: bool = True,
                 force_exclude: bool = False):
        self.root, self.force_exclude = root.resolve(), force_exclude
        self.exclude = pathspec.GitIgnoreSpec.from_lines(exclude)
        self.respect_gitignore = respect_gitignore
        self._ignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def expand(self, arguments: list[str]) -> Iterator[str]:
        """Each argument, with directories replaced by the ``*.py`` files below them that
        are not excluded, sorted. A file named explicitly is kept (unless
        ``force_exclude``); a missing path is passed through, so reading it reports the
        error in order."""
        for argument in arguments:
            if argument != STDIN and os.path.isdir(argument):
                yield from self._python_files(argument)
            elif not (self.force_exclude and argument != STDIN
                      and self.excluded(Path(argument), is_directory=False)):
                yield argument

    def _python_files(self, directory: str) -> Iterator[str]:
        for root, directories, files in os.walk(directory):
            directories[:] = sorted(
                d for d in directories
                if not self.excluded(Path(root, d), is_directory=True))
            for name in sorted(files):
                if name.endswith(".py") and not self.excluded(Path(root, name), False):
                    yield os.path.join(root, name)

    def excluded(self, path: Path, is_directory: bool) -> bool:
        if is_directory and (path / "pyvenv.cfg").exists():
            return True
        try:
            relative = path.resolve().relative_to(self.root)
        except (ValueError, OSError, RuntimeError):   # a symbolic link loop, say
            return False   # outside the project: only virtual environments are skipped
        shown = relative.as_posix() + ("/" if is_directory else "")
        if self.exclude.match_file(shown):
            return True
        return self.respect_gitignore and self._ignored(relative, is_directory)

    def _ignored(self, relative: Path, is_directory: bool) -> bool:
        """Whether a ``.gitignore`` of the root or of a directory on the way ignores it."""
        for depth in range(len(relative.parts)):
            base = Path(*relative.parts[:depth])
            spec = self._gitignore(self.root / base)
            if spec is None:
                continue
            below = Path(*relative.parts[depth:]).as_posix() + ("/" if is_directory else "")
            if spec.match_file(below):
                return True
        return False

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._ignores:
            try:
                lines = (directory / ".gitignore").read_text(encoding="utf-8").splitlines()
                self._ignores[directory] = pathspec.GitIgnoreSpec.from_lines(lines)
            except (OSError, UnicodeDecodeError):
                self._ignores[directory] = None
        return self._ignores[directory]


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
