"""Which functions of a document py2lax rewrites, decided again only for changed blocks.

``analysis.targets.targets`` decides it for a whole module; on 5,700 lines that takes
15 ms, mostly walking every function for ``global`` statements. Whether it picks a
function of one block depends on that block and, from the rest of the module, only on
the module-level statements (imports, constants, ``f_jit = jax.jit(f)`` call sites),
the names definitions bind, and the names declared ``global`` anywhere: a block's
*part*. While every block's part stays the same (a keystroke inside a function body),
the choice for an unchanged block stands, and a changed block is decided by
``targets`` on a small module standing for the whole: the other blocks' module-level
statements, one ``name = __name__`` per other definition, one ``global`` statement
with the other blocks' declarations, and the block itself, in the document's order.
When a part changes, the whole module is decided again.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterator

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names
from py2lax.tools.lsp.segments import Outline, Parsed
from py2lax.analysis.targets import Target, targets

_FUNCTIONS = (S.FunctionDef, S.AsyncFunctionDef)
_DEFINITIONS = _FUNCTIONS + (S.ClassDef,)
_PARTS: OrderedDict[str, "_Part"] = OrderedDict()
_CHOICES: OrderedDict[tuple, OrderedDict[Parsed, list[Target]]] = OrderedDict()
_SIZE = 4096


class _Part:
    """What the other blocks' choice depends on in one block."""

    __slots__ = ("signature", "statements", "declared")

    def __init__(self, module: S.Module):
        self.statements = [node for node in module.body if not isinstance(node, _DEFINITIONS)]
        defined = [sorted(bound_names([node])) for node in module.body
                   if isinstance(node, _DEFINITIONS)]
        for names in defined:
            if names:
                self.statements.append(
                    S.parse_module(", ".join(names) + " = __name__\n").body[0])
        self.declared = frozenset(name for node in S.walk(module) if isinstance(node, S.Global)
                                  for name in node.names)
        self.signature = (tuple(S.dump(node) for node in module.body
                                if not isinstance(node, _DEFINITIONS)),
                          tuple(map(tuple, defined)), self.declared)


def chosen(shape: Outline, all_functions: bool) -> list[Target]:
    """``targets`` of the document's top-level statements, block after block."""
    parts = [_part(block.parsed) for block in shape.blocks]
    context = (all_functions, tuple(part.signature for part in parts))
    choices = _CHOICES.get(context)
    if choices is None:
        return _all(shape, all_functions, context)
    _CHOICES.move_to_end(context)
    found = []
    for position, block in enumerate(shape.blocks):
        choice = choices.get(block.parsed)
        if choice is None:
            choice = targets(_around(shape, parts, position), all_functions)
            choices[block.parsed] = choice
            if len(choices) > _SIZE:
                choices.popitem(last=False)
        else:
            choices.move_to_end(block.parsed)
        found.extend(choice)
    return found


def _all(shape: Outline, all_functions: bool, context: tuple) -> list[Target]:
    module = S.Module(body=[node for _, node in shape.statements], type_ignores=[])
    found = targets(module, all_functions)
    block_of = {id(function): block.parsed for block in shape.blocks
                for *_, function in definitions(block.module)}
    choices: OrderedDict[Parsed, list[Target]] = OrderedDict(
        (block.parsed, []) for block in shape.blocks)
    for target in found:
        choices[block_of[id(target.function)]].append(target)
    _CHOICES[context] = choices
    while len(_CHOICES) > 8:
        _CHOICES.popitem(last=False)
    return found


def definitions(module: S.Module) -> Iterator[tuple[int, int | None, str | None, S.AST]]:
    """``(position, member, class name, function)`` for each top-level function
    (``member`` and the class name ``None``) and each method of a top-level class."""
    for position, node in enumerate(module.body):
        if isinstance(node, _FUNCTIONS):
            yield position, None, None, node
        elif isinstance(node, S.ClassDef):
            for member, item in enumerate(node.body):
                if isinstance(item, _FUNCTIONS):
                    yield position, member, node.name, item


def _around(shape: Outline, parts: list[_Part], position: int) -> S.Module:
    """Block ``position`` among what the other blocks contribute to the choice."""
    body, declared = [], set()
    for index, (block, part) in enumerate(zip(shape.blocks, parts)):
        if index == position:
            body.extend(block.module.body)
        else:
            body.extend(part.statements)
            declared |= part.declared
    if declared:
        body.append(S.parse_module(f"global {', '.join(sorted(declared))}\n").body[0])
    return S.Module(body=body, type_ignores=[])


def _part(parsed: Parsed) -> _Part:
    part = _PARTS.get(parsed.text)
    if part is None:
        part = _PARTS[parsed.text] = _Part(parsed.module)
        if len(_PARTS) > _SIZE:
            _PARTS.popitem(last=False)
    else:
        _PARTS.move_to_end(parsed.text)
    return part
