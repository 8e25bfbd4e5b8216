"""Which names a piece of code binds and which it reads, scope by scope.

These are the building blocks of liveness and definedness. They follow Python's
scoping rules closely enough for control flow: a nested ``def``, ``lambda``,
class or comprehension binds its own names, and reads from the enclosing function
only its free variables.

>>> from py2lax.frontend import syntax as S
>>> stmt = S.parse_module("y = [x * k for k in ks]; z += y").body
>>> sorted(bound_names(stmt)), sorted(read_names_of_statements(stmt))
(['y', 'z'], ['ks', 'x', 'y', 'z'])
"""

from __future__ import annotations

from typing import Iterable

from py2lax.frontend import syntax as S


# Methods that change a list, dict, set or deque in place: a call to one is a write to
# the object it is called on, which liveness, aliasing and lowering all have to see.
CHANGING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add",
    "discard", "sort", "reverse", "popitem", "appendleft", "extendleft", "popleft",
    "difference_update", "intersection_update", "symmetric_difference_update",
})
# Methods of files, queues and generators whose effect leaves the program.
OUTSIDE_EFFECT_METHODS = frozenset({"write", "writelines", "put", "send"})


def bound_names(statements: Iterable[S.AST]) -> set[str]:
    """Names the statements bind in their own scope (assignments, defs, imports, ``del``)."""
    names: set[str] = set()
    for statement in statements:
        for node in S.walk_same_scope(statement):
            kind = type(node)
            if kind is S.Name:
                if type(node.ctx) in _BINDING_CONTEXTS:
                    names.add(node.id)
            elif kind in _BINDERS:
                names |= _names_bound_by(node)
            elif kind in _COMPREHENSIONS:
                names |= _walrus_targets(node)
    return names


_COMPREHENSIONS = frozenset({S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp})


def _walrus_targets(comprehension) -> set[str]:
    """``[(last := f(k)) for k in ks]`` binds ``last`` in the enclosing function (PEP 572),
    also from a comprehension nested in this one, not from a lambda inside it."""
    names, todo = set(), list(S.iter_child_nodes(comprehension))
    while todo:
        node = todo.pop()
        if isinstance(node, S.NamedExpr) and isinstance(node.target, S.Name):
            names.add(node.target.id)
        if type(node) not in _SCOPES or type(node) in _COMPREHENSIONS:
            todo += S.iter_child_nodes(node)
    return names


_BINDING_CONTEXTS = frozenset({S.Store, S.Del})
_SCOPES = frozenset(S.SCOPE_NODES)
_BINDERS = frozenset({S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Import, S.ImportFrom,
                      S.ExceptHandler, S.MatchAs, S.MatchStar, S.MatchMapping})


def _names_bound_by(node: S.AST) -> set[str]:
    if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del)):
        return {node.id}
    if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        return {node.name}
    if isinstance(node, (S.Import, S.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, S.ExceptHandler) and node.name is not None:
        return {node.name.id if isinstance(node.name, S.Name) else node.name}
    if isinstance(node, (S.MatchAs, S.MatchStar)) and node.name:
        return {node.name}
    if isinstance(node, S.MatchMapping) and node.rest:
        return {node.rest}
    return set()


def declared_nonlocal(statements: Iterable[S.AST]) -> set[str]:
    """Names declared ``global`` or ``nonlocal`` in this scope."""
    return set(declarations(statements))


def declarations(statements: Iterable[S.AST]) -> dict[str, str]:
    """Name -> ``"global"`` or ``"nonlocal"``, for the declarations of this scope."""
    names: dict[str, str] = {}
    for statement in statements:
        for node in S.nested_statements(statement):  # declarations are statements
            if isinstance(node, (S.Global, S.Nonlocal)):
                keyword = "global" if isinstance(node, S.Global) else "nonlocal"
                names.update(dict.fromkeys(node.names, keyword))
    return names


def read_names(node: S.AST) -> set[str]:
    """Names read by an expression or a simple statement, in the current scope.

    Nested scopes contribute the names they evaluate here (defaults, decorators) and
    their free variables.
    """
    if isinstance(node, S.SCOPE_NODES):
        return _scope_reads(node)
    names: set[str] = set()
    for child in S.walk_same_scope(node):
        kind = type(child)
        if kind is S.Name:
            if type(child.ctx) is S.Load:
                names.add(child.id)
        elif kind is S.AugAssign:
            if type(child.target) is S.Name:
                names.add(child.target.id)
        elif kind in _SCOPES and child is not node:
            names |= _scope_reads(child)
    return names


def exposed_reads(node: S.AST) -> set[str]:
    """``read_names`` of a simple statement, less the names that an assignment expression
    in it binds before every read: ``s = (w := f(x)) + w`` does not read an earlier ``w``.

    Only a walrus Python always evaluates counts (not one in the second operand of
    ``and``/``or`` or in a ternary's branch).

    >>> stmt = S.parse_module("s = (w := f(x)) + w + (a and (v := 1)) + v").body[0]
    >>> sorted(exposed_reads(stmt))
    ['a', 'f', 'v', 'x']
    """
    names = read_names(node)
    if not any(type(child) is S.NamedExpr for child in S.walk(node)):
        return names
    events: list[tuple[str, str, bool]] = []  # (name, "read" or "bind", always evaluated)

    def visit(child, always: bool) -> None:
        kind = type(child)
        if kind is S.Name:
            if type(child.ctx) is S.Load:
                events.append((child.id, "read", always))
        elif kind in _COMPREHENSIONS:
            visit_comprehension(child, always)
        elif kind in _SCOPES:
            events.extend((name, "read", always) for name in _scope_reads(child))
        elif kind is S.NamedExpr:
            visit(child.value, always)
            events.append((child.target.id, "bind", always))
        elif kind is S.BoolOp:
            visit(child.values[0], always)
            for value in child.values[1:]:
                visit(value, False)
        elif kind is S.IfExp:
            visit(child.test, always)
            visit(child.body, False)
            visit(child.orelse, False)
        elif kind in (S.Assign, S.AugAssign, S.AnnAssign):
            if kind is S.AugAssign and type(child.target) is S.Name:
                events.append((child.target.id, "read", always))
            if child.value is not None:
                visit(child.value, always)
            for target in (child.targets if kind is S.Assign else [child.target]):
                visit(target, always)
        else:
            for grandchild in S.iter_child_nodes(child):
                visit(grandchild, always)

    def visit_comprehension(child, always: bool) -> None:
        # `[r for t in ts if (r := f(t)) > 0]`: the element reads the `r` its own
        # iteration bound (PEP 572 binds it in the function); no read of an earlier `r`.
        nonlocal events
        visit(child.generators[0].iter, always)
        local = {n.id for generator in child.generators for n in S.walk(generator.target)
                 if isinstance(n, S.Name)}
        parts = [part for index, generator in enumerate(child.generators)
                 for part in ([generator.iter] if index else []) + list(generator.ifs)]
        parts += [child.key, child.value] if kind_of(child) is S.DictComp else [child.elt]
        outer, inside = events, set()
        for part in parts:
            events = []
            visit(part, True)
            for name, event, part_always in events:
                if event == "read" and name not in local and name not in inside:
                    outer.append((name, "read", always))
                elif event == "bind":
                    if part_always:
                        inside.add(name)
                    outer.append((name, "bind", False))  # zero iterations bind nothing
            events = outer

    kind_of = type
    visit(node, True)
    exposed, bound = set(), set()
    for name, event, always in events:
        if event == "read" and name not in bound:
            exposed.add(name)
        elif event == "bind" and always:
            bound.add(name)
    return names & exposed


def read_names_of_statements(statements: Iterable[S.AST]) -> set[str]:
    names: set[str] = set()
    for statement in statements:
        names |= read_names(statement)
    return names


def _scope_reads(node: S.AST) -> set[str]:
    """Names a nested scope reads from the scope that defines it."""
    outer = set()
    for expression in _evaluated_outside(node):
        outer |= read_names(expression)
    return outer | free_names(node)


def _evaluated_outside(node: S.AST) -> list[S.AST]:
    """Sub-expressions of a scope node that run in the enclosing scope."""
    found: list[S.AST] = []
    if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda)):
        arguments = node.args
        found += [d for d in arguments.defaults + arguments.kw_defaults if d is not None]
        if not isinstance(node, S.Lambda):
            found += list(node.decorator_list)
    elif isinstance(node, S.ClassDef):
        found += list(node.decorator_list) + list(node.bases) + [k.value for k in node.keywords]
    elif isinstance(node, (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
        found.append(node.generators[0].iter)
    return found


def parameter_names(arguments: S.arguments) -> list[str]:
    params = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    names = [p.id for p in params]
    names += [p.id for p in (arguments.vararg, arguments.kwarg) if p is not None]
    return names


def free_names(node: S.AST) -> set[str]:
    """Names used inside a nested scope that it does not bind itself."""
    if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef)):
        bound = set(parameter_names(node.args)) | bound_names(node.body)
        reads = read_names_of_statements(node.body)
        # ``nonlocal x`` makes x the enclosing function's variable: count it as used.
        return (reads - bound - declared_nonlocal(node.body)) | _nonlocal_only(node.body)
    if isinstance(node, S.Lambda):
        return read_names(node.body) - set(parameter_names(node.args))
    if isinstance(node, S.ClassDef):
        return read_names_of_statements(node.body)
    # Comprehensions: the first iterable is read outside; targets are local.
    targets: set[str] = set()
    reads: set[str] = set()
    for index, generator in enumerate(node.generators):
        targets |= {n.id for n in S.walk(generator.target) if isinstance(n, S.Name)}
        if index:
            reads |= read_names(generator.iter)
        for condition in generator.ifs:
            reads |= read_names(condition)
    elements = [node.key, node.value] if isinstance(node, S.DictComp) else [node.elt]
    for element in elements:
        reads |= read_names(element)
    return reads - targets


def _nonlocal_only(statements: Iterable[S.AST]) -> set[str]:
    names: set[str] = set()
    for statement in statements:
        for node in S.walk_same_scope(statement):
            if isinstance(node, S.Nonlocal):
                names.update(node.names)
    return names
