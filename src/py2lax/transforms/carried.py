"""Shared by the lowering passes: which variables a statement carries, in what order.

A lowered statement is a set of nested functions plus one runtime call. The functions
take the *inputs* (variables the statement assigns that must already hold a value when
it starts) and return the *outputs* (variables it assigns that are read later). Names
only read are closed over; names only used inside are local to the functions.
"""

from __future__ import annotations

from py2lax import syntax as S
from py2lax.analysis.definedness import DefinedFacts
from py2lax.analysis.jumps import jump_kinds
from py2lax.analysis.names import bound_names, declared_nonlocal
from py2lax.errors import Location, UnsupportedSyntaxError
from py2lax.statements import StatementInfo
from py2lax.templates import fill
from py2lax.transforms.context import ConversionContext


def in_source_order(names: set[str], node) -> list[str]:
    """``names`` sorted by first appearance inside ``node``: the order a reader expects."""
    order: dict[str, tuple[int, int, int]] = {}
    for index, child in enumerate(_in_reading_order(node)):
        if isinstance(child, S.Name) and child.id in names and child.id not in order:
            order[child.id] = (getattr(child, "lineno", 0) or 0,
                               getattr(child, "col_offset", 0) or 0, index)
    return sorted(names, key=lambda n: (order.get(n, (1 << 30, 0, 0)), n))


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
    kinds = jump_kinds(statements, into_blocks=True)
    return kinds[0] if kinds else None


class OuterWrites:
    """The function's writes to enclosing scopes, found once per conversion.

    A statement that assigns a ``global``/``nonlocal`` name cannot become a function. Nor
    can one that calls a nested function which assigns the converted function's variables
    through ``nonlocal``: those writes would happen while tracing one branch.
    """

    def __init__(self, function: S.FunctionDef):
        self.declared = declared_nonlocal(function.body)
        self.writers = {
            nested.name: sorted(declared_nonlocal(nested.body))
            for nested in S.walk_same_scope_statements(function.body)
            if isinstance(nested, S.FunctionDef) and declared_nonlocal(nested.body)
        }

    def check(self, statements: list, node, context) -> None:
        if self.writers:
            self._check_helpers(statements, node, context)
        declared = self.declared & bound_names(statements) if self.declared else set()
        if declared:
            name = sorted(declared)[0]
            raise UnsupportedSyntaxError(
                f"this `{_keyword(node)}` assigns {name!r}, which is declared global or nonlocal",
                location=Location(context.filename, node.lineno, node.col_offset),
                names=(name,),
                rule="py2lax turns the statement's body into a nested function whose results are "
                "returned to the caller; writes to enclosing scopes cannot be returned that way, "
                "and under jit they would leak traced values.",
                fix=f"make {name!r} a local variable and return it from the function instead.",
            )

    def _check_helpers(self, statements, node, context) -> None:
        used = {n.id for n in S.walk_same_scope_statements(statements)
                if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}
        for helper in sorted(set(self.writers) & used):
            name = self.writers[helper][0]
            raise UnsupportedSyntaxError(
                f"this `{_keyword(node)}` calls {helper!r}, which assigns {name!r} with "
                "`nonlocal`",
                location=Location(context.filename, node.lineno, node.col_offset),
                names=(helper, name),
                rule="a traced `if` or loop traces its body as a separate function; a write to "
                "an enclosing variable from inside it cannot be returned to the caller and "
                "would leak a traced value.",
                fix=f"make {helper!r} return the new value and assign it: "
                f"`{name} = {helper}(...)`.",
            )


def _keyword(node) -> str:
    return {S.If: "if", S.While: "while", S.For: "for"}.get(type(node), "statement")


def undefined_guards(inputs: list[str], defined: DefinedFacts, node, context) -> list:
    """Bind ``Undefined`` markers for inputs that may not have a value yet."""
    guards = []
    for name in inputs:
        if name in defined.certainly:
            continue
        context.may_return_undefined = True
        marker = S.Call(func=S.Attribute(value=S.load(context.runtime), attr="Undefined",
                                         ctx=S.Load()),
                        args=[S.Constant(value=name, kind=None)], keywords=[])
        if name in defined.possibly:
            guards += fill("target = locals().get(key, marker)", target=name,
                           key=S.Constant(value=name, kind=None), marker=marker)
        else:
            guards += fill("target = marker", target=name, marker=marker)
    return located(guards, node)


def record(context: ConversionContext, kind: str, node, carried: list[str], *functions: str):
    """Remember which names a generated function carries, for the runtime's error messages."""
    info = StatementInfo(kind, context.filename, node.lineno, tuple(carried))
    for function in functions:
        context.statements.append((function, info))


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
