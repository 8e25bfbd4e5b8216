"""Which ``return``/``break``/``continue`` statements a piece of code contains, and
whether every path through it ends in one.

Jumps are statements, so only statement lists are searched, never expressions: a
nested ``def``, ``lambda`` or class has jumps of its own, and they stay there.
``break``/``continue`` inside a nested loop leave only that loop and are not counted.
Jumps inside ``with``, ``try`` and ``match`` blocks count: they leave the block too.

>>> from py2lax.frontend import syntax as S
>>> body = S.parse_module('''
... for x in xs:
...     if x:
...         break
...     with f():
...         return x
... ''').body
>>> jump_kinds(body[0].body)
['break', 'return']
>>> always_exits(body[0].body[:1]), always_exits(body[0].body)
(False, True)
"""

from __future__ import annotations

from py2lax.frontend import syntax as S

_JUMP_NAMES = {S.Return: "return", S.Break: "break", S.Continue: "continue"}
_LOOPS = frozenset(S.LOOP_NODES)
_BLOCKS = frozenset({S.Try, S.TryStar, S.With, S.AsyncWith, S.Match})


def jump_kinds(statements: list) -> list[str]:
    """The kinds of the jumps that leave ``statements``, in source order (with repeats)."""
    found: list[str] = []
    _collect(statements, False, found)
    return found


def block_bodies(statement) -> list[list]:
    """The statement lists of a ``with``/``try``/``match`` block, in source order."""
    if type(statement) not in _BLOCKS:
        return []
    inner = [getattr(statement, "body", [])]
    inner += [handler.body for handler in getattr(statement, "handlers", [])]
    inner += [case.body for case in getattr(statement, "cases", [])]
    inner += [getattr(statement, "orelse", []), getattr(statement, "finalbody", [])]
    return [block for block in inner if block]


def _collect(statements: list, nested_loop: bool, found: list[str]) -> None:
    for statement in statements:
        kind = type(statement)
        name = _JUMP_NAMES.get(kind)
        if name is not None:
            if name == "return" or not nested_loop:
                found.append(name)
        elif kind is S.If:
            _collect(statement.body, nested_loop, found)
            _collect(statement.orelse, nested_loop, found)
        elif kind in _LOOPS:
            _collect(statement.body, True, found)
            _collect(statement.orelse, nested_loop, found)
        elif kind in _BLOCKS:
            for block in block_bodies(statement):
                _collect(block, nested_loop, found)


def always_exits(statements: list, raising_leaves: bool = True) -> bool:
    """Every path through ``statements`` ends in a ``return``, ``raise``, ``break`` or
    ``continue``, so the statements after them never run.

    Conservative: ``False`` whenever in doubt (a ``while True`` with a ``break``, a
    ``try`` whose handlers fall through, a ``match`` that may match no case, a ``raise``
    inside a ``with`` block, whose manager may suppress it). ``raising_leaves=False``:
    a ``raise`` does not count as leaving (we are inside such a ``with``).
    """
    if not statements:
        return False
    last = statements[-1]
    kind = type(last)
    if kind in _JUMP_NAMES:
        return True
    if kind is S.Raise:
        return raising_leaves
    if kind is S.If:
        return (always_exits(last.body, raising_leaves)
                and always_exits(last.orelse, raising_leaves))
    if kind is S.While and _always_true(last.test) and "break" not in jump_kinds(last.body):
        return True
    if kind in (S.For, S.AsyncFor, S.While) and last.orelse:
        # `for ...: (no break) ... else: return -1`: the loop ends only through its `else`
        # (or a `return`/`raise` inside), which always leaves
        return (always_exits(last.orelse, raising_leaves)
                and "break" not in jump_kinds(last.body))
    if kind in (S.With, S.AsyncWith):  # `with suppress(E): raise E` falls through
        return always_exits(last.body, raising_leaves=False)
    if kind in (S.Try, S.TryStar):
        if always_exits(last.finalbody, raising_leaves):
            return True
        normal = always_exits(last.body, raising_leaves) or always_exits(last.orelse,
                                                                         raising_leaves)
        return normal and all(always_exits(h.body, raising_leaves) for h in last.handlers)
    if kind is S.Match:
        return _has_catch_all(last) and all(always_exits(c.body, raising_leaves)
                                            for c in last.cases)
    return False


def _always_true(test) -> bool:
    return isinstance(test, S.Constant) and bool(test.value)


def _has_catch_all(node) -> bool:
    """A ``case _:`` or ``case name:`` without a guard: some case always matches."""
    return any(isinstance(case.pattern, S.MatchAs) and case.pattern.pattern is None
               and case.guard is None for case in node.cases)
