"""NoneChecks: ``best is None`` on a variable a traced statement may leave None.

``best = None`` before a loop and ``best = i`` in a traced ``if`` inside it make ``best``
None or a value depending on a traced condition; the runtime carries it as an
optional (``runtime/optional_values``). Python's ``is`` cannot be taught what that
means, so this pass rewrites the function's own tests of such names, and marks the reads
the code has already checked:

Before::

    best = None
    for i in range(n):
        if best is None or v[i] > v[best]:
            best = i
    if best is None:
        return -1
    return best

After::

    best = None
    for i in range(n):
        if py2lax.is_none(best) or v[i] > v[py2lax.present(best)]:
            best = i
    if py2lax.is_none(best):
        return -1
    return py2lax.present(best)

A read is "checked" where Python could only reach it with a value: in the ``if`` branch
a test rules None out (``if best is not None:``, the ``else`` of ``if best is None:``),
the later operands of ``best is not None and ...``/``best is None or ...``, the
statements after ``if best is None: return ...`` (or ``best = 0.0``), until the name is
assigned again. On Python values the three helpers are ``is None``, ``is not None`` and
the value itself, so the function means what it meant.

The names are those the function assigns ``None`` and something else, one of them
inside an ``if``, loop, ``with`` or ``try`` (``StatementInfo.optional``: the only names
the runtime makes optionals of); their tests are rewritten in nested functions and
lambdas too. Any other ``x is None`` stays as written (``if axis is None:`` on a
parameter reads as the user wrote it), and the function is marked as having such tests:
a helper called with an optional, or closing over one, is converted again with every
test rewritten (``api.convert_for_optionals``, chosen by ``py2lax.converted``). Only the
decorator rewrites: the command line's module carries no optionals (its statements keep
the located error for None on one path), so its output stays the user's ``is None``.
"""

from __future__ import annotations

from py2lax.analysis.jumps import always_exits
from py2lax.analysis.names import bound_names, declarations
from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext

_COMPOUND = (S.If, S.For, S.AsyncFor, S.While, S.With, S.AsyncWith, S.Try, S.TryStar, S.Match)
_VALUE_EXPRESSIONS = (S.BinOp, S.UnaryOp, S.Compare, S.List, S.Tuple, S.Dict, S.Set,
                      S.JoinedStr, S.ListComp, S.DictComp, S.SetComp)


def rewrite_none_checks(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.module_names is None:  # the command line: see the module docstring
        return False
    names = optional_candidates(function)
    results = helper_results(function, context) - names
    narrowing = _Narrowing(context, names | results)
    function.body, _ = narrowing.block(function.body, frozenset())
    tested = _results_tested(function, context, results)
    context.optional_names = frozenset(names | tested)
    return narrowing.changed or bool(tested)


def helper_results(function: S.FunctionDef, context: ConversionContext) -> set[str]:
    """The local names bound to what a call of the user's code returns (``r =
    py2lax.converted(first_neg)(v)``): a helper may return None on a path a traced
    condition chooses, so their ``is None`` tests are the runtime's too (on Python values
    the same test)."""
    outer = set(declarations(function.body))
    return {node.targets[0].id for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], S.Name) and node.targets[0].id not in outer
            and _converted_call(node.value, context) is not None}


def _converted_call(node, context: ConversionContext):
    """The ``py2lax.converted(f)`` wrapper of a call ``py2lax.converted(f)(...)``."""
    if isinstance(node, S.Call) and isinstance(node.func, S.Call):
        record = context.records.of_call(node.func)
        if record is not None and record.helper == "converted":
            return node.func
    return None


def _results_tested(function: S.FunctionDef, context: ConversionContext,
                    results: set[str]) -> set[str]:
    """Mark the calls whose result the function only tests for None and reads where the
    test ruled None out (``r = first_neg(v)``, ``-1 if r is None else r``;
    ``first_neg(v) is None``): ``py2lax.converted(first_neg, result_tested=True)``, so
    the helper may return None or a value as a traced condition chooses (an optional,
    ``runtime/optional_values``). Returns the names bound to such results."""
    checked = {id(_runtime_test(node, context)) for node in S.walk(function)} - {id(None)}
    read_otherwise = {node.id for node in S.walk(function) if isinstance(node, S.Name)
                      and isinstance(node.ctx, S.Load) and id(node) not in checked}
    tested = results - read_otherwise
    wrappers = [_converted_call(node.value, context)
                for node in S.walk_same_scope_statements(function.body)
                if isinstance(node, S.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], S.Name) and node.targets[0].id in tested]
    wrappers += [_converted_call(_runtime_test(node, context, ("is_none", "is_not_none")),
                                 context) for node in S.walk(function)]
    for wrapper in wrappers:
        if wrapper is not None and "result_tested" not in context.records.of_call(
                wrapper).options:
            context.records.set_option(wrapper, "result_tested",
                                       S.Constant(value=True, kind=None))
    return tested


def _runtime_test(node, context: ConversionContext,
                  helpers=("is_none", "is_not_none", "present")):
    """What ``py2lax.is_none(x)``, ``py2lax.is_not_none(x)`` or ``py2lax.present(x)``
    tests (``x``), read from its record; None for any other node."""
    record = context.records.of_call(node) if isinstance(node, S.Call) else None
    return record.operands["target"] if record is not None and (
        record.helper in helpers) else None


def optional_candidates(function: S.FunctionDef) -> set[str]:
    """The local names ``function`` assigns both ``None`` and another value, one of the
    assignments inside a compound statement.

    >>> tree = S.parse_module('''
    ... def f(v):
    ...     best, other = None, None
    ...     for x in v:
    ...         if x > 0:
    ...             best = x
    ...     return best, other
    ... ''').body[0]
    >>> sorted(optional_candidates(tree))
    ['best']
    """
    none, other, nested = set(), set(), set()

    def note(target, value, inside: bool) -> None:
        if isinstance(target, S.Name):
            (none if _is_none(value) else other).add(target.id)
            if inside:
                nested.add(target.id)
        elif isinstance(target, (S.Tuple, S.List)):
            values = (value.elts if isinstance(value, (S.Tuple, S.List))
                      and len(value.elts) == len(target.elts) else [None] * len(target.elts))
            for part, part_value in zip(target.elts, values):
                note(part, part_value if part_value is not None else S.Constant(0, None),
                     inside)

    def visit(statements: list, inside: bool) -> None:
        for statement in statements:
            if isinstance(statement, S.Assign):
                for target in statement.targets:
                    note(target, statement.value, inside)
            elif isinstance(statement, S.AnnAssign) and statement.value is not None:
                note(statement.target, statement.value, inside)
            elif not isinstance(statement, S.SCOPE_NODES):
                for name in bound_names([statement]) if not isinstance(
                        statement, _COMPOUND) else ():
                    other.add(name)
            if isinstance(statement, _COMPOUND):
                for node in S.walk_same_scope(statement):  # loop targets, `as` names, walrus
                    if isinstance(node, (S.For, S.AsyncFor)):
                        for name in _target_names(node.target):
                            other.add(name)
                            nested.add(name)
                for block in _blocks(statement):
                    visit(block, True)

    visit(function.body, False)
    outer = {name for name, kind in declarations(function.body).items()}
    return (none & other & nested) - outer


def _target_names(target) -> list[str]:
    return [n.id for n in S.walk(target) if isinstance(n, S.Name)]


def _blocks(statement) -> list[list]:
    if isinstance(statement, S.Match):
        return [case.body for case in statement.cases]
    blocks = [block for _, block in S.statement_lists(statement)]
    for handler in getattr(statement, "handlers", ()):
        blocks.append(handler.body)
    return blocks


def _is_none(node) -> bool:
    return isinstance(node, S.Constant) and node.value is None


def _tested(node, names) -> tuple[str, bool] | None:
    """``(name, is_none)`` for ``name is None``, ``name is not None``, ``name == None``
    or ``name != None`` on one of ``names``; None for any other expression."""
    if not (isinstance(node, S.Compare) and len(node.ops) == 1
            and isinstance(node.left, S.Name) and node.left.id in names
            and _is_none(node.comparators[0])):
        return None
    op = node.ops[0]
    if isinstance(op, (S.Is, S.Eq)):
        return node.left.id, True
    if isinstance(op, (S.IsNot, S.NotEq)):
        return node.left.id, False
    return None


def _facts(test, names) -> tuple[frozenset, frozenset]:
    """The names ``test`` shows are not None when it is true, and when it is false."""
    tested = _tested(test, names)
    if tested is not None:
        name, is_none = tested
        return (frozenset(), frozenset({name})) if is_none else (frozenset({name}), frozenset())
    if isinstance(test, S.UnaryOp) and isinstance(test.op, S.Not):
        when_true, when_false = _facts(test.operand, names)
        return when_false, when_true
    if isinstance(test, S.BoolOp):
        parts = [_facts(value, names) for value in test.values]
        if isinstance(test.op, S.And):
            return frozenset().union(*(t for t, _ in parts)), frozenset()
        return frozenset(), frozenset().union(*(f for _, f in parts))
    return frozenset(), frozenset()


class _Narrowing:
    """Walks the function's statements knowing which names are checked not None."""

    def __init__(self, context: ConversionContext, names: set[str]):
        self.context, self.names, self.changed = context, frozenset(names), False

    def block(self, statements: list, known: frozenset) -> tuple[list, frozenset]:
        """The statements rewritten, and the names known not None after them."""
        result = []
        for statement in statements:
            statement, known = self.statement(statement, known)
            result.append(statement)
        return result, known

    def statement(self, node, known: frozenset):
        assigned = (bound_names([node]) | _deleted(node)) & self.names
        if isinstance(node, S.If):
            when_true, when_false = _facts(node.test, self.names)
            node.test = self.expression(node.test, known)
            node.body, after_body = self.block(node.body, known | when_true)
            node.orelse, after_else = self.block(node.orelse, known | when_false)
            if always_exits(node.body):
                after_body = self.names
            if always_exits(node.orelse) and node.orelse:
                after_else = self.names
            return node, after_body & after_else
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            node.value = self.expression(node.value, known)
            name = node.targets[0].id
            if name in self.names:
                value = node.value
                checked = isinstance(value, _VALUE_EXPRESSIONS) or (
                    isinstance(value, S.Constant) and value.value is not None) or (
                    _runtime_test(value, self.context, ("present",)) is not None)
                return node, (known | {name}) if checked else (known - {name})
            return node, known
        if isinstance(node, S.SCOPE_NODES):
            _Comparisons(self, known=frozenset()).visit(node)  # (its own scope: see _nested)
            return node, known - assigned
        inner = known - assigned  # a loop body sees the names after any iteration
        if isinstance(node, S.While):
            when_true, _ = _facts(node.test, self.names)
            node.test = self.expression(node.test, inner)
            node.body, _ = self.block(node.body, inner | when_true)
            node.orelse, _ = self.block(node.orelse, inner)
            return node, inner
        if isinstance(node, _COMPOUND):
            for field in ("iter", "subject"):
                if getattr(node, field, None) is not None:
                    setattr(node, field, self.expression(getattr(node, field), known))
            for item in getattr(node, "items", ()):
                item.context_expr = self.expression(item.context_expr, known)
            for field, block in list(S.statement_lists(node)):
                setattr(node, field, self.block(block, inner)[0])
            for handler in getattr(node, "handlers", ()):
                handler.body = self.block(handler.body, inner)[0]
            for case in getattr(node, "cases", ()):
                case.body = self.block(case.body, inner)[0]
            return node, inner
        return self.expression(node, known), known - assigned

    def expression(self, node, known: frozenset):
        return _Comparisons(self, known).visit(node)


def _deleted(node) -> set[str]:
    return {target.id for n in S.walk_same_scope(node) if isinstance(n, S.Delete)
            for target in n.targets if isinstance(target, S.Name)}


class _Comparisons(S.NodeTransformer):
    """One expression (or simple statement): tests of the names become the runtime's,
    and reads of names known not None become ``present``. Inside nested functions,
    lambdas and comprehensions only the tests change (they run later, or per item)."""

    def __init__(self, narrowing: _Narrowing, known: frozenset, names=None):
        self.narrowing, self.known = narrowing, known
        self.names = narrowing.names if names is None else names

    def _call(self, helper: str, name):
        self.narrowing.changed = True
        return S.copy_location(self.narrowing.context.call(helper, name, target=name), name)

    def visit_Compare(self, node):
        if not (len(node.ops) == 1 and isinstance(node.ops[0], (S.Is, S.IsNot))
                and _is_none(node.comparators[0])
                and isinstance(node.left, (S.Name, S.Attribute, S.Subscript, S.Call))):
            return self.generic_visit(node)
        if not (self.narrowing.context.every_none_test or (
                isinstance(node.left, S.Name) and node.left.id in self.names) or (
                _converted_call(node.left, self.narrowing.context) is not None)):
            self.narrowing.context.tests_none = True  # (see api.convert_for_optionals)
            return self.generic_visit(node)
        helper = "is_none" if isinstance(node.ops[0], S.Is) else "is_not_none"
        if isinstance(node.left, S.Name):  # (a checked read is not `present` here)
            tested = S.load(node.left.id)
        else:
            tested = self.visit(node.left)
        return S.copy_location(self._call(helper, tested), node)

    def visit_Name(self, node):
        if isinstance(node.ctx, S.Load) and node.id in self.known and node.id in self.names:
            return self._call("present", node)
        return node

    def visit_BoolOp(self, node):
        known, values = self.known, []
        for value in node.values:
            when_true, when_false = _facts(value, self.names)
            values.append(self._with(known).visit(value))
            known = known | (when_true if isinstance(node.op, S.And) else when_false)
        node.values = values
        return node

    def visit_IfExp(self, node):
        when_true, when_false = _facts(node.test, self.names)
        node.test = self.visit(node.test)
        node.body = self._with(self.known | when_true).visit(node.body)
        node.orelse = self._with(self.known | when_false).visit(node.orelse)
        return node

    def _with(self, known):
        return _Comparisons(self.narrowing, known, self.names)

    def _nested(self, node, bound: set[str]):
        """A nested scope: nothing is known checked there, and its own names are not ours."""
        return _Comparisons(self.narrowing, frozenset(), self.names - bound).generic_visit(node)

    def visit_Lambda(self, node):
        return self._nested(node, set(_argument_names(node.args)))

    def visit_FunctionDef(self, node):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        return self._nested(node, bound_names(node.body) | set(_argument_names(node.args)))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        return node

    def _comprehension(self, node):
        bound = {name for generator in node.generators
                 for name in _target_names(generator.target)}
        return self._nested(node, bound)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension


def _argument_names(arguments) -> list[str]:
    return [a.id for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                           arguments.vararg, arguments.kwarg) if a is not None]
