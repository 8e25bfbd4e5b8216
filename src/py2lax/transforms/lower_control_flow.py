"""LowerControlFlow: the driver that lowers each ``if``, ``while`` and ``for``, innermost first.

For every statement it decides, from the code alone, whether lowering is needed and
possible:

* a condition that is static from the code (``x.ndim == 2``, a ``static_argnames``
  parameter) keeps the statement as plain Python;
* a statement that still contains a ``return``/``break``/``continue`` leaving it (which
  NormalizeExits never leaves) stays Python, with the reason recorded;
* everything else is lowered by ``lower_if``/``lower_while``/``lower_for`` and the
  runtime decides at trace time between Python and lax.

Facts (liveness, definedness) are computed on the tree before any lowering; lowering a
nested statement keeps the variables its parent reads and writes, so they stay valid.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.definedness import defined_variables
from py2lax.analysis.aliases import shared_and_changed_in_place
from py2lax.analysis.liveness import BREAK_FLAG, live_variables
from py2lax.analysis.names import bound_names
from py2lax.analysis.static_values import is_jax_error_guard, is_static
from py2lax.transforms.templates import fill
from py2lax.transforms.carried import SharedNames, escaping_jump, name_order
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.records import KeptAsPython, callee
from py2lax.transforms.lower_for import is_jax_context, lower_for, range_arguments
from py2lax.transforms.partial_carry import keep_partial_carry
from py2lax.transforms.lower_if import lower_if
from py2lax.transforms.lower_while import lower_while


class _Lowering(S.NodeTransformer):
    def __init__(self, function: S.FunctionDef, context: ConversionContext):
        self.function, self.context = function, context
        context.shared = SharedNames(function)
        context.name_order = name_order(function)
        self.live = live_variables(function, always_live=context.shared.always_live
                                   | shared_and_changed_in_place(function, context.records))
        self.defined = defined_variables(function)
        self.try_depth = 0
        self.observed_depth = 0  # try/with blocks around that may catch an exception
        self.finally_reads: list = []  # per `finally` around: the names it reads (see below)
        self.managers: list[str] = []  # variables holding the managers of the `with`s around
        self.statement_depth = 0  # if/while/for statements around the one visited
        self.changed = False

    def visit_FunctionDef(self, node):
        return node  # nested functions are converted on their own, when called

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def visit_Try(self, node):
        """Statements in a ``try`` body with handlers: a ``raise`` under a traced condition
        there would have to be caught at run time, which the runtime refuses.

        Statements in a ``try`` body with handlers or a ``finally``, and in the handlers
        and ``else`` of one with a ``finally``, may be left by an exception that code of
        this function then sees: they keep their partial work (``keep_partial_carry``)."""
        catching = bool(node.handlers)
        self.try_depth += catching
        self.observed_depth += catching
        self.finally_reads.append(_seen_by_finally(node.finalbody))
        node.body = S.visit_statements(self, node.body)
        self.try_depth -= catching
        self.observed_depth -= catching
        for handler in node.handlers:
            handler.body = S.visit_statements(self, handler.body)
        node.orelse = S.visit_statements(self, node.orelse)
        self.finally_reads.pop()
        node.finalbody = S.visit_statements(self, node.finalbody)
        return node

    visit_TryStar = visit_Try

    def visit_With(self, node):
        """A context manager's ``__exit__`` may suppress an exception: the statements in
        its block keep their partial work (JAX's own managers never suppress).

        A block that still holds a ``raise`` (one ``with contextlib.suppress`` did not
        turn into a jump) gets its manager in a variable first, so that the runtime can
        tell whether a ``raise`` under a traced condition would be suppressed (which
        the compiled program cannot do): ``with m() as a, n():`` becomes
        ``manager_5 = m()`` / ``with manager_5 as a:`` / ``manager_5_1 = n()`` / ...
        (nested blocks are what several items mean)."""
        observed = not all(is_jax_context(item.context_expr)
                           or _never_suppresses(item.context_expr) for item in node.items)
        before, hoisted = [], []
        if observed and isinstance(node, S.With) and _raises_inside(
                node.body, self.context.static_names) and not (
                getattr(node, _HOISTED, False)):
            held = _managers_held_in_variables(node)
            before, node, hoisted = ([], node, held) if held else (
                self._manager_in_variables(node))
        self.observed_depth += observed
        self.managers += hoisted
        try:
            return before + [self.generic_visit(node)]
        finally:
            self.observed_depth -= observed
            del self.managers[len(self.managers) - len(hoisted):]

    visit_AsyncWith = visit_With

    def _manager_in_variables(self, node):
        """``node`` as nested one-item blocks whose managers are variables: the
        assignment before the outer block, the block, and the variables' names,
        outermost first."""
        names, blocks, assignments = [], [], []
        for item in node.items:
            name = self.context.names.new(f"manager_{node.lineno}")
            assignments += [S.set_location(fill("name = manager", name=name,
                                                manager=item.context_expr)[0], item.context_expr)]
            block = S.copy_location(S.With(items=[S.withitem(
                context_expr=S.load(name), optional_vars=item.optional_vars)],
                body=node.body, type_comment=None), node)
            setattr(block, _HOISTED, True)
            if blocks:
                blocks[-1].body = [assignments[-1], block]
            names.append(name)
            blocks.append(block)
        return assignments[:1], blocks[0], names

    def visit_Delete(self, node):
        """``del x`` inside a converted statement: ``x`` holds the unbound marker (reading
        it raises NameError, as Python does), so the branches still return the same names."""
        if not self.statement_depth or not all(isinstance(t, S.Name) for t in node.targets):
            return node
        markers = [fill("name = marker", name=t.id, marker=self.context.call(
            "Undefined", S.Constant(value=t.id, kind=None), line=node.lineno, name=t.id,
            fill=False))[0] for t in node.targets]
        self.changed = True
        self.context.may_return_undefined = True
        return [S.set_location(m, node) for m in markers]

    def generic_visit(self, node):
        compound = isinstance(node, (S.If, S.While, S.For))
        self.statement_depth += compound
        try:
            return super().generic_visit(node)
        finally:
            self.statement_depth -= compound

    def visit_If(self, node):
        reason = self._keep_as_python(node, node.test, node.body + node.orelse)
        self.generic_visit(node)
        if reason:
            return self._left(node, reason)
        self.context.inside_try = self.try_depth > 0
        self.context.managers = tuple(self.managers)
        return self._lowered(lower_if(node, self.live[node], self.defined[node], self.context),
                             node)

    def visit_While(self, node):
        reason = self._keep_as_python(node, node.test, node.body, loop=True)
        self.generic_visit(node)
        if reason:
            return self._left(node, reason)
        self.context.inside_try = self.try_depth > 0
        self.context.managers = tuple(self.managers)
        return self._lowered(lower_while(node, self.live[node], self.defined[node], self.context),
                             node)

    def visit_For(self, node):
        reason = self._keep_as_python(node, None, node.body, loop=True)
        if not reason and range_arguments(node, self.context.local_names) is None and (
                _is_static_iterable(node.iter)) and getattr(node, BREAK_FLAG, None) is None:
            # (A `break` is a flag now: the runtime's loop stops on it, Python's would not.)
            reason = "it iterates over a Python container"
        self.generic_visit(node)
        if reason:
            return self._left(node, reason)
        self.context.inside_try = self.try_depth > 0
        self.context.managers = tuple(self.managers)
        return self._lowered(lower_for(node, self.live[node], self.defined[node], self.context),
                             node)

    def _keep_as_python(self, node, test, statements, loop=False) -> str | None:
        if test is not None and is_static(test, self.context.static_names):
            return "its condition is static"
        jump = escaping_jump(statements + (node.orelse if loop else []))
        if jump is not None:  # NormalizeExits turns every jump into a flag; kept as a guard
            return f"it contains a `{jump}` that leaves it"
        return None

    def _left(self, node, reason: str):
        self.context.left_as_python.append((node.lineno, reason))
        kind = type(node).__name__.lower()
        self.context.records.kept.append(KeptAsPython(kind, node.lineno, reason))
        return node

    def _lowered(self, statements, node):
        self.changed = True
        record = self.context.records.lowered[-1]
        if self.observed_depth or any(seen is None or seen & set(record.carried)
                                      for seen in self.finally_reads):
            statements = keep_partial_carry(record, statements, self.defined[node],
                                            self.context)
        return statements


_HOISTED = "py2lax_manager_hoisted"  # a `with` whose manager is a variable already


def _managers_held_in_variables(node) -> list[str]:
    """The names of ``with a, b:`` when every manager is a variable its block does not
    rebind (a first run's ``with manager_5:``, read again): nothing to hoist, so a second
    run writes what the first did. ``[]`` otherwise."""
    names = [item.context_expr.id for item in node.items
             if isinstance(item.context_expr, S.Name)]
    if len(names) != len(node.items) or set(names) & bound_names(node.body) or set(
            names) & {n.id for item in node.items if item.optional_vars is not None
                      for n in S.walk(item.optional_vars) if isinstance(n, S.Name)}:
        return []
    return names

# Managers of the standard library and NumPy whose `__exit__` never suppresses.
_NEVER_SUPPRESS = {"open", "nullcontext", "errstate", "catch_warnings", "printoptions"}


def _never_suppresses(expression) -> bool:
    """``open(...)``, ``contextlib.nullcontext()``, ``np.errstate(...)``... (also as
    ``py2lax.converted(open)(...)``, from ConvertCalls)."""
    if not isinstance(expression, S.Call):
        return False
    function = callee(expression.func)
    name = function.attr if isinstance(function, S.Attribute) else getattr(function, "id", None)
    return name in _NEVER_SUPPRESS


def _seen_by_finally(statements: list) -> frozenset[str] | None:
    """The names a ``finally`` block reads, or None when it may see any variable: it
    ends the exception with a ``return``/``break``/``continue`` (after NormalizeExits,
    a flag set to ``True``), so the code after it runs."""
    names = set()
    for node in (n for statement in statements for n in S.walk(statement)):
        if isinstance(node, (S.Return, S.Break, S.Continue)) or _sets_flag(node):
            return None
        if isinstance(node, S.Name):
            names.add(node.id)
    return frozenset(names)


def _raises_inside(statements: list, static_names=frozenset()) -> bool:
    """Whether an ``if`` or loop in ``statements`` holds a ``raise`` (which a traced
    condition or trip count may then lead to). The guards a --standalone run writes
    (``if jnp.ndim(row): raise TypeError("...")``, a test Python decides when tracing)
    do not count: counted, a second run put the manager of the ``with`` around them in a
    variable (not a fixed point; hypothesis's ``FixedDictStrategy.do_draw``). Nor does
    its ``if _py2lax_raised_by_jax(error): raise`` in a handler (JAX's mlir.py)."""
    guards = {id(node.body[0]) for node in S.walk_same_scope_statements(statements)
              if _is_type_guard(node, static_names) or is_jax_error_guard(node)}
    return any(isinstance(node, S.Raise) and id(node) not in guards
               for statement in S.walk_same_scope_statements(statements)
               if isinstance(statement, (S.If, S.While, S.For))
               for node in S.walk_same_scope_statements(statement.body + statement.orelse))


def _is_type_guard(node, static_names) -> bool:
    """``if <static test>: raise TypeError("<message>")``: a refusal of a value's type or
    shape, decided when tracing."""
    if not (isinstance(node, S.If) and not node.orelse and len(node.body) == 1
            and isinstance(node.body[0], S.Raise) and is_static(node.test, static_names)):
        return False
    error = node.body[0].exc
    return (isinstance(error, S.Call) and isinstance(error.func, S.Name)
            and error.func.id == "TypeError" and len(error.args) == 1
            and isinstance(error.args[0], S.Constant) and isinstance(error.args[0].value, str))


def _sets_flag(node) -> bool:
    return (isinstance(node, S.Assign) and isinstance(node.value, S.Constant)
            and isinstance(node.value.value, bool))


def _is_static_iterable(node) -> bool:
    """Literal containers and dict views: iterating them is always Python."""
    if isinstance(node, (S.List, S.Tuple, S.Set, S.Dict, S.Constant)):
        return True
    return (
        isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
        and node.func.attr in {"items", "keys", "values"} and not node.args
    )


def _declarations_first(function: S.FunctionDef) -> None:
    """``global``/``nonlocal`` statements inside ``if``s and loops move to the top.

    Python applies them to the whole function wherever they stand; a branch that moves
    into a generated function must not take the function's own declaration with it.
    """
    moved = []
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.SCOPE_NODES):
            continue  # a nested function's declarations are its own
        for _field, block in S.statement_lists(node):
            kept = [s for s in block if not isinstance(s, (S.Global, S.Nonlocal))]
            if len(kept) != len(block):
                moved += [s for s in block if isinstance(s, (S.Global, S.Nonlocal))]
                block[:] = kept or [S.set_location(S.Pass(), block[0])]
    if moved:
        first = function.body[0]
        docstring = isinstance(first, S.Expr) and isinstance(first.value, S.Constant) and (
            isinstance(first.value.value, str))
        function.body[int(docstring):int(docstring)] = moved


def lower_control_flow(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Lower the control flow of ``function`` in place; return whether anything changed."""
    _declarations_first(function)
    with S.tree_unchanged():  # its analyses (liveness, definedness) only read the function
        lowering = _Lowering(function, context)
    function.body = S.visit_statements(lowering, function.body)
    return lowering.changed

