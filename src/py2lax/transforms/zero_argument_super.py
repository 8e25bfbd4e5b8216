"""``super()`` in a statement that becomes a branch or body function -> ``super(__class__, self)``.

Python's zero-argument ``super()`` reads two things from the frame it runs in: the
``__class__`` cell the compiler gives every function written in a class, and the
function's first argument. In a branch or body function py2lax made of a method's ``if``
or loop, the first argument is a carried variable, not ``self``, so ``super()`` raised
``TypeError``/``RuntimeError``. Spelled out with the method's own ``__class__`` and first
parameter it means what it meant in the method, in the decorator's compiled code (the
loader binds the original ``__class__`` cell) and in the command line's output (which
stays inside its ``class``, where Python provides ``__class__``).

Only calls in the method's own scope that sit inside a compound statement (one that may
be lowered) are rewritten: a ``super()`` at the top of the method works as written, and
one in a nested ``def``, ``lambda``, class or comprehension the user wrote keeps the
meaning Python gives it there.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext

_COMPOUND = (S.If, S.For, S.While, S.With, S.Try, S.TryStar, S.Match, S.AsyncFor, S.AsyncWith)


def spell_out_super(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``super()`` inside ``function``'s compound statements; return whether any was."""
    positional = function.args.posonlyargs + function.args.args
    if not positional or "super" in context.local_names or "__class__" in context.local_names:
        return False  # no first argument: Python's `super()` raises, and so it still does
    first = positional[0].id
    changed = False
    for statement in function.body:
        if not isinstance(statement, _COMPOUND):
            continue
        for node in S.walk_same_scope(statement):
            if _is_zero_argument_super(node):
                node.args = [S.set_location(S.load("__class__"), node),
                             S.set_location(S.load(first), node)]
                changed = True
    return changed


def _is_zero_argument_super(node) -> bool:
    return (isinstance(node, S.Call) and isinstance(node.func, S.Name)
            and node.func.id == "super" and not node.args and not node.keywords)
