"""A list, dict or NumPy array a traced ``if`` or ternary chose between two that already
existed.

``target = pos if v > 0 else neg`` makes ``target`` *be* ``pos`` or ``neg`` in Python,
so ``target.append(v)`` (here or in a helper it is passed to) shows in one of them.
``lax.cond`` can only return a new list holding the chosen items: a change made through
it reaches neither original, and the answer would be silently different. Reading the
chosen container is right; changing it is refused at the choice's line.
"""

from __future__ import annotations

from py2lax.diagnostics.errors import OuterWriteError

_CHOSEN: dict[int, tuple] = {}  # id(copy) -> (copy, info, name); kept alive until forgotten
_LIMIT = 10000


def note_chosen(copy, info, index: int) -> None:
    if len(_CHOSEN) >= _LIMIT:
        _CHOSEN.pop(next(iter(_CHOSEN)))
    _CHOSEN[id(copy)] = (copy, info, info.name_of(index) if info.kind != "ternary" else None)


def forget_chosen() -> None:
    """When the outermost converted function returns: the copies may be tracers, which
    must not outlive their trace (``runtime.holders.replacements_scope``)."""
    _CHOSEN.clear()


def check_not_chosen(target, what: str) -> None:
    """Refuse changing ``target`` if it is a copy a traced choice made (see the module)."""
    entry = _CHOSEN.get(id(target))
    if entry is None or entry[0] is not target:
        return
    _, info, name = entry
    kind = "array" if hasattr(target, "shape") and hasattr(target, "dtype") else (
        type(target).__name__)
    subject = f"{kind} {name!r}" if name else f"the {kind} this conditional expression gives"
    raise OuterWriteError(
        f"{subject} is chosen by a traced condition here between two {kind}s, at least one "
        "of which other names hold too, and is "
        f"then changed ({what}): in Python the change shows in the {kind} that was chosen, "
        f"but the compiled program's choice is a new {kind} holding its items, so the "
        "change would reach neither",
        location=info.location, names=(name,) if name else (),
        rule="lax.cond returns new values; it cannot make a name refer to one of two Python "
        "objects that other names also hold.",
        fix="change the containers under the condition itself (`if v > 0: pos.append(v) "
        "else: neg.append(v)`; for arrays `if v > 0: a[0] += 1 else: b[0] += 1`), or keep "
        "numbers in one array and update it with `jnp.where`.")
