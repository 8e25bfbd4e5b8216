"""What one version of a document declares: its functions py2lax rewrites, where they
are, and the module facts their analysis depends on.

Built from the cached trees of the document's blocks (``segments``), never by parsing
the whole text, so indexing a 5,700-line document after a keystroke costs a few
milliseconds plus the parse of the block that changed. The functions are chosen exactly
as ``py2lax FILE`` chooses them (``analysis.targets.targets``, through ``chosen``).

Each function gets a *key*: everything its report depends on except its position — its
text as written (decorators included), its class, its static names, and the module
context (file name, imports, module-level lists). A function whose key is unchanged
needs no new analysis, wherever it has moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from py2lax.frontend import syntax as S
from py2lax.tools.lsp.chosen import chosen, definitions
from py2lax.tools.lsp.segments import Block, Outline, outline, parsed_at
from py2lax.analysis.traced_values import module_sequences
from py2lax.analysis.targets import Imports, Target

@dataclass(frozen=True)
class FunctionEntry:
    """One function py2lax would rewrite, as this version of the document has it."""

    target: Target                 # its tree is the block's own (lines count from the block)
    owner: str | None              # the class of a method
    block: Block
    path: tuple[int, int | None]   # index in the block's statements (and in the class body)
    first: int                     # 0-based line of its first decorator (or ``def``)
    last: int                      # 0-based line it ends on
    key: tuple                     # what its report depends on, position aside

    @property
    def name(self) -> str:
        function = self.target.function
        return f"{self.owner}.{function.name}" if self.owner else function.name

    def contains(self, line: int) -> bool:
        return self.first <= line <= self.last

    def placed_target(self) -> Target:
        """The target again, parsed with the document's line numbers (a fresh tree)."""
        module = parsed_at(self.block)
        node = module.body[self.path[0]]
        if self.path[1] is not None:
            node = node.body[self.path[1]]
        return replace(self.target, function=node)


@dataclass
class DocumentIndex:
    """The functions of one document version, in order, with their module context."""

    text: str
    outline: Outline
    imports: Imports = field(default_factory=Imports)
    sequences: frozenset[str] = frozenset()
    functions: list[FunctionEntry] = field(default_factory=list)

    @property
    def syntax_error(self) -> SyntaxError | None:
        return self.outline.syntax_error

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines() or [""]

    def function_at(self, line: int) -> FunctionEntry | None:
        return next((entry for entry in self.functions if entry.contains(line)), None)

    def function_named(self, name: str) -> FunctionEntry | None:
        return next((entry for entry in self.functions if entry.name == name), None)


def index(text: str, filename: str, all_functions: bool = False) -> DocumentIndex:
    """Index ``text`` (``syntax_error`` set, and no functions, when it does not parse)."""
    shape = outline(text)
    found = DocumentIndex(text, shape)
    if shape.syntax_error is not None:
        return found
    module = S.Module(body=[node for _, node in shape.statements], type_ignores=[])
    found.imports = Imports.of(module)
    found.sequences = module_sequences(module)
    context = (filename, frozenset(found.imports.aliases.items()), found.sequences)
    places = _places(shape)
    for target in chosen(shape, all_functions):
        block, path, owner = places[id(target.function)]
        function = target.function
        first = min([d.lineno for d in function.decorator_list] + [function.lineno])
        text_as_written = "\n".join(block.parsed.lines[first - 1:function.end_lineno])
        key = (context, owner, target.static_names, text_as_written)
        found.functions.append(FunctionEntry(target, owner, block, path, block.start + first - 1,
                                             block.start + function.end_lineno - 1, key))
    return found


def _places(shape: Outline) -> dict[int, tuple[Block, tuple[int, int | None], str | None]]:
    """Where each top-level function and method is: its block, path and class."""
    return {id(function): (block, (position, member), owner) for block in shape.blocks
            for position, member, owner, function in definitions(block.module)}
