"""Shared by the lowering passes: which variables a statement carries, in what order.

A lowered statement is a set of nested functions plus one runtime call. The functions
take the *inputs* (variables the statement assigns that must already hold a value when
it starts) and return the *outputs* (variables it assigns that are read later). Names
only read are closed over; names only used inside are local to the functions.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.definedness import DefinedFacts
from py2lax.analysis.jumps import jump_kinds
from py2lax.analysis.closures import cell_variables, nonlocal_writers
from py2lax.analysis.names import bound_names, declarations
from py2lax.diagnostics.statements import StatementInfo
from py2lax.transforms.templates import fill
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.records import Lowered


def in_source_order(names: set[str], context) -> list[str]:
    """``names`` sorted by first appearance in the function: the order a reader expects,
    and one order for every statement of the function (an ``if`` and the loop around it
    carry their common variables the same way). The exit flags come last, as a loop's
    break flag must (the runtime reads it there)."""
    order, flags = context.name_order, context.exit_flags
    return sorted(names, key=lambda n: (n in flags, order.get(n, (1 << 30, 0, 0)), n))


def name_order(function) -> dict[str, tuple[int, int, int]]:
    """Each name's first appearance in ``function``: ``(line, column, position)``."""
    order: dict[str, tuple[int, int, int]] = {}
    for index, child in enumerate(_in_reading_order(function)):
        if isinstance(child, S.Name) and child.id not in order:
            order[child.id] = (getattr(child, "lineno", 0) or 0,
                               getattr(child, "col_offset", 0) or 0, index)
    return order


def _in_reading_order(node) -> list:
    """Nodes depth-first, left to right (``S.walk`` is breadth-first)."""
    found, todo = [], [node]
    while todo:
        current = todo.pop()
        found.append(current)
        children = S.iter_child_nodes(current)
        children.reverse()
        todo += children
    return found


def escaping_jump(statements: list) -> str | None:
    """The first ``return``/``break``/``continue`` that would leave a generated function.

    ``break``/``continue`` inside a nested loop stay inside it and are fine.
    """
    kinds = jump_kinds(statements)
    return kinds[0] if kinds else None


class SharedNames:
    """Variables that code outside the generated functions sees too, and how to reach them.

    * cell variables (read or assigned by the function's own closures), which a
      generated function declares ``nonlocal`` so that closures see every update;
    * the function's ``global``/``nonlocal`` names, declared the same way in the
      generated functions; under a traced condition the runtime refuses to write them
      (a traced value would escape the function), see ``StatementInfo.outer``.

    All of them are live everywhere: code outside the statement may read them at any
    time. Calling a nested ``def`` that assigns variables with ``nonlocal`` counts as
    assigning them.
    """

    def __init__(self, function: S.FunctionDef):
        self.outer = declarations(function.body)
        self.keywords = dict.fromkeys(cell_variables(function) - set(self.outer), "nonlocal")
        self.keywords.update(self.outer)
        self.writers = nonlocal_writers(function)
        self.renamed: dict[str, str] = {}  # shared name -> its parameter's name

    @property
    def always_live(self) -> frozenset[str]:
        return frozenset(self.keywords)

    def assigned(self, statements: list) -> set[str]:
        """The names ``statements`` bind, including through calls of nonlocal writers."""
        names = bound_names(statements)
        if self.writers:
            for node in S.walk_same_scope_statements(statements):
                if isinstance(node, S.Name) and node.id in self.writers:
                    names |= self.writers[node.id]
        return names

    def outer_names(self, names) -> tuple[str, ...]:
        return tuple(n for n in names if n in self.outer)

    def bind(self, generated: list, context) -> list:
        """Declare the shared names each generated function assigns or receives.

        A parameter that is a shared name is renamed, and assigned to the shared
        variable first: ``def loop_body_5(i_in): nonlocal i; i = i_in``.
        """
        for node in generated:
            if isinstance(node, S.FunctionDef):
                self._bind_function(node, context)
        return generated

    def _bind_function(self, function: S.FunctionDef, context) -> None:
        parameters = function.args.args
        shared = (self.assigned(function.body) | {p.id for p in parameters}) & set(self.keywords)
        if not shared:
            return
        prologue = []
        for parameter in parameters:
            if parameter.id in shared:
                if parameter.id not in self.renamed:
                    self.renamed[parameter.id] = context.names.new(f"{parameter.id}_in")
                renamed = self.renamed[parameter.id]
                prologue += fill("name = value", name=parameter.id, value=S.load(renamed))
                parameter.id = renamed
        _drop_annotations(function.body, shared)
        for keyword in ("nonlocal", "global"):
            names = sorted(n for n in shared if self.keywords[n] == keyword)
            if names:
                kind = S.Nonlocal if keyword == "nonlocal" else S.Global
                prologue.insert(0, kind(names=names))
        function.body = [S.set_location(s, function) for s in prologue] + function.body


def _drop_annotations(statements: list, names: set[str]) -> None:
    """``x: T = v`` -> ``x = v`` for names declared nonlocal/global (Python forbids the
    annotated form there; a local annotation is never evaluated, so nothing changes)."""
    blocks = [statements] + [block for node in S.walk_same_scope_statements(statements)
                             if not isinstance(node, S.SCOPE_NODES)
                             for _field, block in S.statement_lists(node)]
    for block in blocks:
        for index, statement in enumerate(block):
            if (isinstance(statement, S.AnnAssign) and isinstance(statement.target, S.Name)
                    and statement.target.id in names):
                plain = (S.Assign(targets=[statement.target], value=statement.value,
                                  type_comment=None) if statement.value is not None
                         else S.Pass())
                block[index] = S.copy_location(plain, statement)


def undefined_guards(lowered: Lowered, defined: DefinedFacts, node, context) -> list:
    """Bind ``Undefined`` markers for inputs that may not have a value yet; the record
    keeps which (``unbound``: name -> certainly unbound)."""
    guards = []
    outside = context.shared.outer if context.shared else {}
    for name in lowered.inputs:
        if name in defined.certainly or name in outside:  # globals: defined, or Python fails
            continue
        context.may_return_undefined = True
        # Never read where it may be unbound: any value of its type may stand in for it.
        # (The user's code as written decides; the exit flags only restate its paths.)
        read_unbound = defined.read_unbound if context.read_unbound is None else (
            defined.read_unbound & context.read_unbound)
        placeholder = name not in read_unbound
        marker = context.call(
            "Undefined", S.Constant(value=name, kind=None),
            keywords=[("fill", S.Constant(value=True, kind=None))] if placeholder else (),
            line=node.lineno, name=name, fill=placeholder)
        lowered.unbound[name] = name not in defined.possibly
        if name in defined.possibly:
            guards += fill("target = locals().get(key, marker)", target=name,
                           key=S.Constant(value=name, kind=None), marker=marker)
        else:
            guards += fill("target = marker", target=name, marker=marker)
    return located(guards, node)


def new_record(context: ConversionContext, kind: str, node, functions: tuple[str, ...],
               inputs: list[str], carried: list[str], test=None) -> Lowered:
    """The record of a statement being lowered, with what every lowering knows."""
    result = context.result_name if context.result_name in carried else None
    outer = context.shared.outer_names(carried) if context.shared else ()
    return Lowered(kind, node.lineno, node.col_offset, test, tuple(functions), tuple(inputs),
                   tuple(carried), result=result, outer=outer, inside_try=context.inside_try,
                   managers=context.managers,
                   written_by_user=not S.is_generated(node))


def finish(lowered: Lowered, generated: list, defined: DefinedFacts, node,
           context: ConversionContext) -> list:
    """The generated statements, located at the user's statement, with the shared names
    declared and the unbound markers before them; the record keeps them and is filed
    (its facts are registered for the runtime's messages by the loader)."""
    generated = located(context.shared.bind(generated, context), node)
    lowered.guards = undefined_guards(lowered, defined, node, context)
    lowered.definitions, lowered.call = generated[:-1], generated[-1]
    context.records.lowered.append(lowered)
    info = statement_info(lowered, context)
    for function in lowered.functions:
        context.statements.append((function, info))
    return lowered.statements


def statement_info(lowered: Lowered, context: ConversionContext) -> StatementInfo:
    """What the runtime needs of a record to explain a failure at the user's line."""
    return StatementInfo(
        lowered.kind, context.filename, lowered.line, lowered.carried, inputs=lowered.inputs,
        function=context.function_name, result=lowered.result,
        none_returns=tuple(context.none_returns) if lowered.result else (),
        outer=lowered.outer, inside_try=lowered.inside_try, managers=lowered.managers,
        # (an input too: a change a branch makes to it and does not carry out is lost,
        # and with no other holder no one could see it)
        held_by_one_name=tuple(n for n in dict.fromkeys((*lowered.carried, *lowered.inputs))
                               if n in context.held_by_one_name),
        optional=tuple(n for n in lowered.carried if n in context.optional_names))


def located(statements: list, node) -> list:
    """Give generated code the location of the statement's header line (``if x > 0:``).

    Tracebacks then show the header line itself, underlined up to the condition's end.
    """
    header = _HeaderLocation(node)
    return [S.set_location(s, header) for s in statements]


class _HeaderLocation:
    def __init__(self, node):
        self.lineno = self.end_lineno = node.lineno
        self.col_offset = node.col_offset
        part = getattr(node, "test", None) or getattr(node, "iter", None)
        if part is not None and getattr(part, "end_lineno", None) == node.lineno:
            self.end_col_offset = part.end_col_offset
        else:
            self.end_col_offset = node.col_offset + 2
