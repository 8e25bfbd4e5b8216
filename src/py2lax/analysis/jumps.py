"""Which ``return``/``break``/``continue`` statements a piece of code contains.

Jumps are statements, so only statement lists are searched, never expressions: a
nested ``def``, ``lambda`` or class has jumps of its own, and they stay there.
``break``/``continue`` inside a nested loop leave only that loop and are not counted.

>>> from py2lax import syntax as S
>>> body = S.parse_module('''
... for x in xs:
...     if x:
...         break
...     with f():
...         return x
... ''').body
>>> jump_kinds(body[0].body), jump_kinds(body[0].body, into_blocks=True)
(['break'], ['break', 'return'])
"""

from __future__ import annotations

from py2lax import syntax as S

_JUMP_NAMES = {S.Return: "return", S.Break: "break", S.Continue: "continue"}
_LOOPS = frozenset(S.LOOP_NODES)
# try/with/match: their insides are searched only when asked (NormalizeExits leaves them alone).
_BLOCKS = frozenset({S.Try, S.TryStar, S.With, S.AsyncWith, S.Match})


def jump_kinds(statements: list, into_blocks: bool = False) -> list[str]:
    """The kinds of the jumps that leave ``statements``, in source order (with repeats)."""
    found: list[str] = []
    _collect(statements, False, into_blocks, found)
    return found


def _collect(statements: list, nested_loop: bool, into_blocks: bool, found: list[str]) -> None:
    for statement in statements:
        kind = type(statement)
        name = _JUMP_NAMES.get(kind)
        if name is not None:
            if name == "return" or not nested_loop:
                found.append(name)
        elif kind is S.If:
            _collect(statement.body, nested_loop, into_blocks, found)
            _collect(statement.orelse, nested_loop, into_blocks, found)
        elif kind in _LOOPS:
            _collect(statement.body, True, into_blocks, found)
            _collect(statement.orelse, nested_loop, into_blocks, found)
        elif kind in _BLOCKS and into_blocks:
            inner = [statement.body, getattr(statement, "orelse", []),
                     getattr(statement, "finalbody", [])]
            inner += [handler.body for handler in getattr(statement, "handlers", [])]
            inner += [case.body for case in getattr(statement, "cases", [])]
            for block in inner:
                _collect(block, nested_loop, into_blocks, found)
