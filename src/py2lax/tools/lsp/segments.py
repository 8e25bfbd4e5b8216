"""A document as top-level blocks that parse on their own, each parsed once per text.

A keystroke changes one block; every other block keeps its text, so its parse (and all
that is derived from it) comes from a cache keyed by that text, whatever line the block
has moved to. Parsing 5,700 lines whole takes about 90 ms; finding the blocks about 2 ms.

A block starts at a line that begins, at column 0, with ``def``, ``async def``,
``class`` or a decorator (decorators stay with what they decorate). Such a line starts a
new top-level statement exactly when the text before it is complete by itself: no open
bracket, string, line continuation, decorator or block header. Parsing that text checks
it, so a block that does not parse is joined with the next. When joining a few blocks
does not help, the document is parsed whole: either it has a syntax error, reported as
such, or the blocks are taken from that parse's statements.

A block's tree is parsed from its own text: its line numbers count from the block's
first line (1), whatever line that is in the document. Cached trees are shared and must
not be changed; two blocks of one document never share a tree.
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from py2lax.frontend import syntax as S

_START = re.compile(r"^(?:@|(?:async[ \t]+)?def\b|class\b)", re.MULTILINE)
_MAX_JOINED = 4
_CACHE: OrderedDict[str, "Parsed | SyntaxError"] = OrderedDict()
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Parsed:
    """One block's text and its tree (line 1 is the block's first line)."""

    text: str
    module: S.Module

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass(frozen=True)
class Block:
    """A parsed block placed in the document: its first line there (0-based)."""

    start: int
    parsed: Parsed

    @property
    def module(self) -> S.Module:
        return self.parsed.module


@dataclass(frozen=True)
class Outline:
    """A document's blocks, or the syntax error that stops it from parsing."""

    blocks: tuple[Block, ...] = ()
    syntax_error: SyntaxError | None = None

    @property
    def statements(self) -> list[tuple[int, S.AST]]:
        """Every top-level statement, with the first line of its block (0-based)."""
        return [(block.start, node) for block in self.blocks for node in block.module.body]


def outline(text: str) -> Outline:
    """The top-level blocks of ``text`` (each parsed, from the cache when seen before)."""
    pieces = _pieces(text, _starts(text))
    blocks = _blocks(pieces)
    if blocks is not None:
        return Outline(tuple(blocks))
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        return Outline(syntax_error=error)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    firsts = [_first_line(node) - 1 for node in tree.body]
    blocks = _blocks(_pieces(text, [offsets[line] for line in firsts[1:]]), joins=0)
    if blocks is None:  # cannot happen: each piece is whole statements
        return Outline((Block(0, _parsed(text)),))
    return Outline(tuple(blocks))


def parsed_at(block: Block) -> S.Module:
    """The block parsed again with the document's line numbers (a new tree, not cached)."""
    return S.parse_module("\n" * block.start + block.parsed.text)


def _starts(text: str) -> list[int]:
    """Offsets of the lines that may start a block; a decorator's ``def`` does not."""
    starts, decorated = [], False
    for match in _START.finditer(text):
        if not decorated:
            starts.append(match.start())
        decorated = match.group() == "@"
    return [start for start in starts if start > 0]


def _pieces(text: str, starts: list[int]) -> list[tuple[int, str]]:
    """``(first line, text)`` of the stretches between consecutive ``starts``."""
    pieces, line, previous = [], 0, 0
    for start in starts + [len(text)]:
        piece = text[previous:start]
        if piece or not pieces:
            pieces.append((line, piece))
        line += piece.count("\n")
        previous = start
    return pieces


def _blocks(pieces: list[tuple[int, str]], joins: int = _MAX_JOINED) -> list[Block] | None:
    """The pieces as parsed blocks, joining one that does not parse with those after it;
    ``None`` when that does not help within ``joins`` pieces."""
    blocks, index, seen = [], 0, set()
    while index < len(pieces):
        start, text = pieces[index]
        parsed = _parsed(text)
        joined = index + 1
        while isinstance(parsed, SyntaxError) and joined < len(pieces) and (
                joined - index <= joins):
            text += pieces[joined][1]
            parsed = _parsed(text)
            joined += 1
        if isinstance(parsed, SyntaxError):
            return None
        if text in seen:   # the same text twice: each block gets trees of its own
            parsed = Parsed(text, S.parse_module(text))
        seen.add(text)
        blocks.append(Block(start, parsed))
        index = joined
    return blocks


def _parsed(text: str) -> Parsed | SyntaxError:
    found = _CACHE.get(text)
    if found is None:
        try:
            found = Parsed(text, S.parse_module(text))
        except SyntaxError as error:
            found = error
        _CACHE[text] = found
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(text)
    return found


def _first_line(node: ast.AST) -> int:
    return min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])
