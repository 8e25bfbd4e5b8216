"""Which variables are certainly, or possibly, defined before each control-flow statement.

A converted statement passes its carried variables to the branch or body functions, so
each must have a value when the statement starts. Where a variable may be unbound
there (first assigned inside the statement), the lowering binds an explicit
``py2lax.Undefined`` marker instead, and the runtime reports a located error only if a
traced ``lax`` primitive actually needs the value.

>>> from py2lax.frontend import syntax as S
>>> fn = S.parse_module('''
... def f(x):
...     if x > 0:
...         y = 1
...     if x > 1:
...         y = 2
... ''').body[0]
>>> facts = defined_variables(fn)
>>> sorted(facts[fn.body[1]].certainly), sorted(facts[fn.body[1]].possibly)
(['x'], ['x', 'y'])

A name may also be defined *whenever a condition holds*: after ``if x > 0: y = ...``,
``y`` is defined whenever ``x > 0`` (while ``x`` keeps its value), and after
``for i in range(n):``, ``i`` is defined whenever ``n > 0``. A later ``if`` with that
same test reads such names where they are bound (see :class:`_Guards`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from py2lax.frontend import syntax as S
from py2lax.analysis.liveness import always_entered
from py2lax.analysis.names import (bound_names, declared_nonlocal, free_names,
                                   parameter_names, read_names)


@dataclass(frozen=True)
class DefinedFacts:
    """``certainly``/``possibly``: defined before the statement. ``read_unbound``: the
    names the function reads somewhere they may be unbound (the same for every
    statement); a variable outside it is read only where it holds a value, so a
    placeholder it carries through a lax primitive is never seen."""

    certainly: frozenset[str]
    possibly: frozenset[str]
    read_unbound: frozenset[str] = frozenset()


class _Unreachable(frozenset):
    """The 'certainly defined' set after ``return``/``raise``/``break``: every name."""

    def __and__(self, other):
        return frozenset(other)

    __rand__ = __and__


UNREACHABLE = _Unreachable()
_JUMPS = (S.Return, S.Raise, S.Break, S.Continue)


class _Fact(NamedTuple):
    """Names defined whenever a test holds. ``integral``: the test compares integers
    (a ``range`` bound), so where it fails its negation holds (no NaN)."""

    reads: frozenset[str]   # the names the test reads
    names: frozenset[str] | None  # the names defined whenever it holds (None: the test
    integral: bool = False        # cannot hold, `found = False`: every name)


def _union(names: frozenset[str] | None, more) -> frozenset[str] | None:
    return None if names is None else names | more


def _intersection(first: frozenset[str] | None, second: frozenset[str] | None):
    return second if first is None else first if second is None else first & second


class _Guards:
    """Names defined whenever a test holds: test text -> :class:`_Fact`.

    Only tests built from names, constants and operators qualify (``x > 0``,
    ``n - 1 >= k``), over the function's ``stable`` names: locals that no nested scope
    captures and no ``global``/``nonlocal`` declares, so nothing but the function's own
    statements changes them. A fact is dropped as soon as a statement rebinds one of
    the test's names or uses it other than as an operand of an operator (a call
    argument, a second name for it, an element: anything that could change an array in
    place), so the same test evaluated later gives the same answer.
    """

    def __init__(self, stable: frozenset[str], facts=None):
        self.stable = stable
        self.facts: dict[str, _Fact] = dict(facts or {})

    def copy(self) -> "_Guards":
        return _Guards(self.stable, self.facts)

    def key(self, test) -> str | None:
        """The test's text, if it is a test the facts may be about."""
        if not all(isinstance(n, _PURE_TEST_NODES) for n in S.walk(test)):
            return None
        if not read_names(test) <= self.stable:
            return None
        return S.unparse(test)

    def key_of_text(self, text: str) -> str | None:
        """``key`` of a test written as text (the range tests of ``_range_guards``)."""
        pure, reads, canonical = _test_text(text)
        return canonical if pure and reads <= self.stable else None

    def add(self, key: str | None, reads: set[str], names, integral: bool = False) -> None:
        names = frozenset(names)
        if key is None or not names:
            return
        known = self.facts.get(key, _Fact(frozenset(reads), frozenset(), integral))
        self.facts[key] = known._replace(names=_union(known.names, names),
                                         integral=known.integral and integral)

    def flag_assigned(self, node) -> None:
        """``found = False`` (a falsy constant): ``found`` cannot hold, so it tells every
        name; ``found = True``: it tells what is defined from here on (see
        :meth:`joined`), e.g. ``val`` of ``found = True; val = x``."""
        if not (isinstance(node, S.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], S.Name) and isinstance(node.value, S.Constant)
                and node.targets[0].id in self.stable):
            return
        name = node.targets[0].id
        self.facts[name] = _Fact(frozenset({name}),
                                 frozenset() if node.value.value else None)

    def defined_when(self, test, integral_only: bool = False) -> frozenset[str]:
        """The names defined where ``test`` (or one of its ``and`` operands) holds."""
        tests = [test] + (test.values if isinstance(test, S.BoolOp)
                          and isinstance(test.op, S.And) else [])
        tests += [each.left for each in tests if _is_true_test(each)]  # `found is True`
        names: frozenset[str] = frozenset()
        for each in tests:
            fact = self.facts.get(self.key(each))
            if fact is not None and fact.names is not None and (
                    fact.integral or not integral_only):
                names |= fact.names
        return names

    def forget(self, touched: set[str]) -> None:
        """Drop the facts about tests that read a name in ``touched``."""
        self.facts = {key: fact for key, fact in self.facts.items()
                      if not fact.reads & touched}

    def undefine(self, names: set[str]) -> None:
        self.facts = {key: fact if fact.names is None else fact._replace(
                          names=fact.names - names) for key, fact in self.facts.items()}

    def joined(self, paths, certainly_after, decided_by: str | None = None) -> "_Guards":
        """The facts holding where paths that end with ``(certainly, guards)`` meet
        (after an ``if``, whose first path is taken when its test ``decided_by`` holds:
        the other paths then need not define anything for it; at a loop's head). A path
        that ends in a jump adds no constraint. What a path certainly defined counts as
        told by each of its facts."""
        result = _Guards(self.stable)
        keys = set().union(*(guards.facts for _, guards in paths))
        for key in keys:
            names = None  # None: every name
            facts = []
            for index, (certainly, guards) in enumerate(paths):
                if certainly is UNREACHABLE or (index > 0 and key == decided_by):
                    continue
                fact = guards.facts.get(key)
                if fact is None:
                    names = frozenset()
                    break
                facts.append(fact)
                names = _intersection(names, _union(fact.names, certainly))
            if facts and (names is None or names):
                result.facts[key] = _Fact(
                    facts[0].reads, None if names is None else names - certainly_after,
                    all(fact.integral for fact in facts))
        return result


def _is_true_test(test) -> bool:
    """``x is True``: where it holds, ``x`` is true."""
    return (isinstance(test, S.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], S.Is)
            and isinstance(test.comparators[0], S.Constant)
            and test.comparators[0].value is True)


_MAX_LOOP_PASSES = 4  # a loop's facts settle in two or three passes over its body


def _intersected(certainly, more) -> frozenset[str]:
    for other in more:
        certainly = certainly & other
    return certainly


_PURE_TEST_NODES = (S.Name, S.Constant, S.Compare, S.BinOp, S.UnaryOp, S.BoolOp,
                    S.expr_context, S.operator, S.cmpop, S.unaryop, S.boolop)


def _touched(node, test: bool = False) -> set[str]:
    """Names a statement or expression rebinds, or uses other than as an operand of an
    operator (what could change the value a test on them computes). The ``test`` of an
    ``if``/``while`` only asks for its truth (``if found:``)."""
    names = bound_names([node]) if isinstance(node, S.stmt) else set()
    operand_of_operator = {id(node)} if test else set()
    nodes = S.walk_same_scope(node)  # once: the second pass reads the same nodes
    for child in nodes:
        if isinstance(child, S.BinOp):
            operand_of_operator |= {id(child.left), id(child.right)}
        elif isinstance(child, S.UnaryOp):
            operand_of_operator.add(id(child.operand))
        elif isinstance(child, S.Compare):
            operand_of_operator |= {id(child.left), *map(id, child.comparators)}
        elif isinstance(child, S.BoolOp):
            operand_of_operator |= set(map(id, child.values))
        elif isinstance(child, S.AugAssign):
            operand_of_operator.add(id(child.value))
    for child in nodes:
        if isinstance(child, S.Name) and id(child) not in operand_of_operator:
            names.add(child.id)
    return names


_NEGATED = {S.Lt: S.GtE, S.LtE: S.Gt, S.Gt: S.LtE, S.GtE: S.Lt}


def _negated(test):
    """``a <= b`` -> ``a > b`` (a one-operator ordering test; else a test never known)."""
    if not (isinstance(test, S.Compare) and len(test.ops) == 1
            and type(test.ops[0]) in _NEGATED):
        return S.Constant(value=False, kind=None)
    return S.Compare(left=test.left, ops=[_NEGATED[type(test.ops[0])]()],
                     comparators=test.comparators)


@functools.lru_cache(maxsize=512)
def _test_text(text: str) -> tuple[bool, frozenset[str], str]:
    """(whether only pure test nodes, the names read, the text as ``unparse`` writes it)
    for a test written as text: the same range tests are parsed at every ``for`` of
    every analysis otherwise (a tenth of conversion time)."""
    test = S.parse_module(text).body[0].value
    return (all(isinstance(n, _PURE_TEST_NODES) for n in S.walk(test)),
            frozenset(read_names(test)), S.unparse(test))


def _range_guards(node) -> list[str]:
    """For ``for v in range(e)`` / ``range(0, e)``: the tests meaning 'it ran at least
    once'."""
    call = node.iter
    if not (isinstance(call, S.Call) and isinstance(call.func, S.Name)
            and call.func.id == "range" and not call.keywords):
        return []
    arguments = call.args
    if len(arguments) == 2 and isinstance(arguments[0], S.Constant) and (
            type(arguments[0].value) is int and arguments[0].value == 0):
        arguments = arguments[1:]
    if len(arguments) != 1 or isinstance(arguments[0], S.Starred):
        return []
    bound = S.unparse(arguments[0])
    if isinstance(arguments[0], (S.Compare, S.BoolOp)):
        return []
    return [f"{bound} > 0", f"{bound} >= 1", f"0 < {bound}", f"1 <= {bound}"]


def _has_jump_out_of(loop_body) -> bool:
    """A ``break`` or ``continue`` of this loop (an iteration may end part-way)."""
    for statement in loop_body:
        for node in S.walk_same_scope(statement):
            if isinstance(node, (S.Break, S.Continue)):
                return True
    return False


class _Definedness:
    def __init__(self, stable: frozenset[str] = frozenset()) -> None:
        self.facts: dict[S.AST, DefinedFacts] = {}
        self.read_unbound: set[str] = set()
        # id(statement) -> (statement, the names it reads on entry that may be unbound)
        self.unbound_at: dict[int, tuple[S.AST, set[str]]] = {}
        self.breaks: list[list] = []  # per enclosing loop: 'certainly' at each `break`
        self.guards = _Guards(stable)
        self.first_iterations: dict[S.AST, frozenset[str]] = {}  # per loop: after one pass
        self.jumps: list[tuple[list, list]] = []  # per enclosing loop: see _loop

    def block(self, statements, certainly, possibly):
        for statement in statements:
            certainly, possibly = self.statement(statement, certainly, possibly)
        return certainly, possibly

    def statement(self, node, certainly, possibly):
        if certainly is not UNREACHABLE:
            unbound = (_reads_on_entry(node) - certainly - self._excused(node)
                       - _checked_reads(node))
            self.read_unbound |= unbound
            if unbound:
                self.unbound_at.setdefault(id(node), (node, set()))[1].update(unbound)
        if isinstance(node, (S.If, S.While, S.For, S.AsyncFor)):
            self.facts[node] = DefinedFacts(frozenset(certainly), frozenset(possibly))
        if isinstance(node, S.Break) and self.breaks and certainly is not UNREACHABLE:
            self.breaks[-1].append(frozenset(certainly))
        if isinstance(node, (S.Break, S.Continue)) and self.jumps and (
                certainly is not UNREACHABLE):
            self.jumps[-1][isinstance(node, S.Continue)].append(
                (frozenset(certainly), self.guards.copy()))
        if isinstance(node, _JUMPS):
            return UNREACHABLE, possibly
        if isinstance(node, S.If):
            return self._if(node, certainly, possibly)
        if isinstance(node, (S.While, S.For, S.AsyncFor)):
            result = self._loop(node, certainly, possibly)
            if isinstance(node, (S.For, S.AsyncFor)) and result[0] is not UNREACHABLE:
                self._ran_once_guards(node, certainly)
            return result
        if isinstance(node, (S.Try, S.TryStar, S.Match)):
            return self._compound(node, self._may_skip, certainly, possibly)
        if isinstance(node, (S.With, S.AsyncWith)):
            targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
            bound = bound_names([S.Assign(targets=targets, value=None)]) if targets else set()
            return self._compound(node, lambda node, c, p: self.block(node.body, c, p),
                                  certainly | bound, possibly | bound)
        bound = bound_names([node])
        self.guards.forget(_touched(node))
        self.guards.flag_assigned(node)
        if isinstance(node, S.Delete):
            self.guards.undefine(bound)
            return frozenset(certainly) - bound, possibly
        return frozenset(certainly) | bound, frozenset(possibly) | bound

    def _excused(self, node) -> set[str]:
        """Names a simple statement reads only in the first operand of conditional
        expressions whose test tells they are defined (``val if found else -1``)."""
        if isinstance(node, (S.If, S.While, S.For, S.AsyncFor, S.With, S.AsyncWith, S.Try,
                             S.TryStar, S.Match)) or not self.guards.facts:
            return set()
        guarded, elsewhere = set(), set()
        inside: set[int] = set()
        for child in S.walk_same_scope(node):
            if isinstance(child, S.IfExp):
                told = self.guards.defined_when(child.test)
                for name in S.walk_same_scope(child.body):
                    if isinstance(name, S.Name) and name.id in told:
                        inside.add(id(name))
        for child in S.walk_same_scope(node):
            if isinstance(child, S.Name) and isinstance(child.ctx, S.Load):
                (guarded if id(child) in inside else elsewhere).add(child.id)
            elif isinstance(child, S.SCOPE_NODES) and child is not node:
                elsewhere |= read_names(child)  # a lambda's reads: when it is called
        return guarded - elsewhere

    def _if(self, node, certainly, possibly):
        """Each branch starts from the facts before the ``if``; the true branch also has
        the names defined whenever its test holds. After it, the names the true branch
        defines are defined whenever the test holds, if neither branch can change it."""
        self.guards.forget(_touched(node.test, test=True))
        before = self.guards
        key = before.key(node.test)
        if key is not None and read_names(node.test) & (
                _touched_inside(node.body) | _touched_inside(node.orelse)):
            key = None
        self.guards = before.copy()
        c1, p1 = self.block(node.body, frozenset(certainly) | before.defined_when(node.test),
                            possibly)
        true_guards = self.guards
        self.guards = before.copy()
        c2, p2 = self.block(node.orelse, certainly, possibly)
        after = c1 & c2
        if key is not None and c1 is not UNREACHABLE:
            true_guards.add(key, read_names(node.test), frozenset(c1) - frozenset(certainly))
        self.guards = before.joined([(c1, true_guards), (c2, self.guards)], after, key)
        if c1 is UNREACHABLE and not node.orelse and key is not None:
            # `if n <= 0: return ...`: past it, `n > 0` holds (integers: no NaN).
            after = after | self.guards.defined_when(_negated(node.test), integral_only=True)
        return after, p1 | p2

    def _compound(self, node, visit, certainly, possibly):
        """A ``try``, ``match`` or ``with``: facts about tests it may change are dropped
        before and after it (it may stop part-way, at any statement)."""
        touched = _touched_inside([node])
        self.guards.forget(touched)
        self.guards.undefine(_deleted_inside([node]))
        before = self.guards.copy()
        result = visit(node, certainly, possibly)
        self.guards = before
        return result

    def _loop(self, node, certainly, possibly):
        """The body may run zero or many times: its names are only possibly defined,
        unless the loop is ``while True:`` (it ends after a whole first iteration).
        The body is visited as its first iteration: a read of a name that only a later
        statement of the body assigns may be unbound."""
        target = set()
        if not isinstance(node, S.While):
            target = bound_names([S.Assign(targets=[node.target], value=None)])
            self.guards.forget(_touched(node.iter))
        inside_possibly = frozenset(possibly) | bound_names(node.body) | target
        head = self.guards
        for _pass in range(_MAX_LOOP_PASSES + 1):
            if _pass == _MAX_LOOP_PASSES:  # no settled facts: drop all the loop may change
                head = head.copy()
                head.forget(_touched_inside([node]))
            self.guards = head.copy()
            self.guards.forget(target | (_touched(node.test, test=True)
                                         if isinstance(node, S.While) else set()))
            self.breaks.append([])
            self.jumps.append(([], []))  # (certainly, guards) at each break, continue
            first, _ = self.block(node.body, frozenset(certainly) | target, inside_possibly)
            breaks = self.breaks.pop()
            jumps_out, jumps_back = self.jumps.pop()
            # the facts at the next iteration's start: where the loop began, and where
            # an iteration ended (its end, or a `continue`)
            next_head = head.joined([(frozenset(certainly), head), (first, self.guards),
                                     *jumps_back], certainly)
            if next_head.facts == head.facts:
                break
            head = next_head
        self.first_iterations[node] = frozenset(target) if (
            first is UNREACHABLE or _has_jump_out_of(node.body)) else frozenset(first)
        after = first if always_entered(node) else certainly
        # The loop ends after its `else:` or at a `break`, which skips the `else:`.
        self.guards = head.copy()
        if isinstance(node, S.While):
            self.guards.forget(_touched(node.test, test=True))
        ended, ended_possibly = self.block(node.orelse, after, inside_possibly)
        self.guards = head.joined([(ended, self.guards), *jumps_out],
                                  _intersected(ended, breaks))
        for at_break in breaks:
            ended = ended & at_break
        return ended, ended_possibly

    def _ran_once_guards(self, node, certainly) -> None:
        """After ``for v in range(n):``, what one whole iteration defines (the target,
        and the body's names when no ``break``/``continue`` can cut it short) is
        defined whenever ``n > 0``: the loop's test for running at least once (if the
        loop leaves ``n`` as it found it)."""
        range_tests = _range_guards(node) if "range" not in self.guards.stable else []
        if not range_tests:
            return
        reads = read_names(node.iter.args[-1])
        if reads & (_touched_inside(node.body + node.orelse) | bound_names(
                [S.Assign(targets=[node.target], value=None)])):
            return
        names = self.first_iterations[node] - frozenset(certainly)
        for text in range_tests:
            self.guards.add(self.guards.key_of_text(text), reads, names, integral=True)

    def _may_skip(self, node, certainly, possibly):
        """try/match: a name is certainly defined after the block when every way through
        it defines it (the body and ``else``, or a handler; a case, when some case always
        matches). Each part is visited for the facts of the statements inside it."""
        everything = set()
        for _field, statements in S.statement_lists(node):
            everything |= bound_names(statements)
        for handler in getattr(node, "handlers", []):
            everything |= bound_names(handler.body)
        for case in getattr(node, "cases", []):
            everything |= bound_names(case.body) | bound_names([case.pattern])
        inside = frozenset(possibly) | everything
        if isinstance(node, S.Match):
            paths = [self.block(case.body, frozenset(certainly) | bound_names([case.pattern]),
                                inside)[0] for case in node.cases]
            if not _has_catch_all(node):
                paths.append(frozenset(certainly))
        else:
            body, _ = self.block(node.body, certainly, inside)
            paths = [self.block(node.orelse, body, inside)[0]]
            paths += [self.block(handler.body, frozenset(certainly) | _handler_name(handler),
                                 inside)[0] for handler in node.handlers]
        after = paths[0]
        for path in paths[1:]:
            after = after & path
        final, _ = self.block(getattr(node, "finalbody", []), after, inside)
        return frozenset(final) | frozenset(certainly), inside


def _touched_inside(statements) -> set[str]:
    """``_touched`` of every statement inside ``statements``, at any depth (for a
    compound statement: what it binds, and what its own expressions touch)."""
    names: set[str] = set()
    for statement in statements:
        for node in S.walk_same_scope(statement):
            if not isinstance(node, S.stmt):
                continue
            blocks = {field for field, _ in S.statement_lists(node)}
            if not blocks:
                names |= _touched(node)
                continue
            names |= bound_names([node])
            for field, value in S.iter_fields(node):
                parts = value if isinstance(value, list) else [value]
                if field not in blocks:
                    for part in parts:
                        if isinstance(part, S.AST) and not isinstance(part, S.stmt):
                            names |= _touched(part, test=field == "test" and isinstance(
                                node, (S.If, S.While)))
    return names


def _deleted_inside(statements) -> set[str]:
    return {target.id for statement in statements for node in S.walk_same_scope(statement)
            if isinstance(node, S.Delete) for target in node.targets
            if isinstance(target, S.Name)}


def _stable_names(function: S.FunctionDef) -> frozenset[str]:
    """Locals that only the function's own statements can change: not declared
    ``global``/``nonlocal``, not captured by a nested scope (which may rebind or
    change them when it runs)."""
    local = set(parameter_names(function.args)) | bound_names(function.body)
    local -= declared_nonlocal(function.body)
    for statement in function.body:
        for node in S.walk_same_scope(statement):
            if isinstance(node, S.SCOPE_NODES):
                local -= free_names(node)
    return frozenset(local)


def _reads_on_entry(node) -> set[str]:
    """The names a statement reads before running any statement inside it."""
    if isinstance(node, (S.If, S.While)):
        return read_names(node.test)
    if isinstance(node, (S.For, S.AsyncFor)):
        return read_names(node.iter)
    if isinstance(node, (S.With, S.AsyncWith)):
        names = set()
        for item in node.items:
            names |= read_names(item.context_expr)
        return names
    if isinstance(node, S.Match):
        return read_names(node.subject)
    if isinstance(node, (S.Try, S.TryStar)):
        return set()
    return read_names(node)


def _entry_parts(node) -> list:
    """The expressions a statement evaluates before any statement inside it."""
    if isinstance(node, (S.If, S.While)):
        return [node.test]
    if isinstance(node, (S.For, S.AsyncFor)):
        return [node.iter]
    if isinstance(node, (S.With, S.AsyncWith)):
        return [item.context_expr for item in node.items]
    if isinstance(node, S.Match):
        return [node.subject]
    if isinstance(node, (S.Try, S.TryStar)):
        return []
    return [node]


def is_bound_check(node) -> bool:
    """``py2lax.bound(name, name_bound, 'name')``: a read that checks its flag (see
    ``transforms/unbound_reads.py``)."""
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "bound" and isinstance(node.func.value, S.Name)
            and node.func.value.id.startswith("py2lax") and len(node.args) == 3
            and isinstance(node.args[0], S.Name))


def _checked_reads(node) -> set[str]:
    """Names a statement reads on entry only through ``py2lax.bound(...)``: the read
    raises Python's UnboundLocalError where the name has no value, so the name needs
    none there."""
    checked, plain = set(), set()
    for part in _entry_parts(node):
        inside = set()
        for child in S.walk_same_scope(part):
            if is_bound_check(child):
                inside.add(id(child.args[0]))
        for child in S.walk_same_scope(part):
            if isinstance(child, S.Name) and isinstance(child.ctx, S.Load):
                (checked if id(child) in inside else plain).add(child.id)
    return checked - plain


def unbound_reads(function: S.FunctionDef) -> tuple[frozenset[str], list[tuple[S.AST, set]]]:
    """The names ``function`` reads somewhere they may be unbound, and each statement
    that does with those names (in the order first seen)."""
    analysis = _analysed(function)
    return frozenset(analysis.read_unbound), list(analysis.unbound_at.values())


def _has_catch_all(node) -> bool:
    return any(isinstance(case.pattern, S.MatchAs) and case.pattern.pattern is None
               and case.guard is None for case in node.cases)


def _handler_name(handler) -> frozenset[str]:
    name = handler.name
    if name is None:
        return frozenset()
    return frozenset({name.id if isinstance(name, S.Name) else name})


def names_read_unbound(function: S.FunctionDef, unbound: frozenset[str] = frozenset()
                       ) -> frozenset[str]:
    """The names ``function`` reads somewhere they may be unbound (taking the parameters
    in ``unbound`` as having no value yet)."""
    return frozenset(_analysed(function, unbound).read_unbound)


def _analysed(function: S.FunctionDef, unbound: frozenset[str] = frozenset()) -> _Definedness:
    analysis = _Definedness(_stable_names(function))
    params = frozenset(parameter_names(function.args)) - unbound
    analysis.block(function.body, params, params)
    return analysis


def defined_variables(function: S.FunctionDef) -> dict[S.AST, DefinedFacts]:
    """Map every ``if``/``while``/``for`` of ``function`` to the names defined before it."""
    analysis = _analysed(function)
    read_unbound = frozenset(analysis.read_unbound)
    return {node: DefinedFacts(facts.certainly, facts.possibly, read_unbound)
            for node, facts in analysis.facts.items()}
