"""``if`` records in plain jax: ``jax.lax.cond``, a raise when the program runs, or the
user's own ``if``.

``jax.lax.cond(test, if_true_3, if_false_3, y)`` passes the inputs one by one, as the
branch functions take them. An ``if`` without ``else`` has no false function in the
record; lax needs one, so it is ``lambda y: (y,)``, returning what the statement
carries as it was received.

A branch that ends in ``raise`` cannot be traced by ``lax.cond`` (tracing runs both
branches, so the error would be raised whatever the condition). As the runtime does, it
raises through ``jax.debug.callback`` when it runs and otherwise computes what the other
branch computes; an ``if`` that only raises becomes one callback::

    def raise_if_12(raising):
        if raising:
            raise ValueError('negative input')
    jax.debug.callback(raise_if_12, x < 0)

An ``if`` plain lax cannot express (``python_form``) stays the user's ``if``.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.analysis.static_values import is_jax_error_test
from py2lax.backends.plain_lax.python_form import (callee, checked_at,
                                                   compares_python_values,
                                                   decided_by_python, first_run_reason,
                                                   unwrap_checked_test,
                                                   python_reason,
                                                   python_statement, unwrapped,
                                                   _walk as walked,
                                                   _writes_into_a_part as writes_into_a_part)
from py2lax.backends.plain_lax.expressions import shadows_builtin
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.backends.plain_lax.raising_calls import keyed_table, may_raise
from py2lax.backends.plain_lax.shared_definitions import helper_name
from py2lax.backends.plain_lax.python_flags import (ancestors, python_flags_read_inside,
                                                    assigns_python_value, sets_python_flag,
                                                    tested_name, tested_return_flags,
                                                    traced_flags)
from py2lax.backends.plain_lax.spelling import function_def, lambda_of, tuple_of

_JAX_ROOTS = {"jax", "jnp", "lax", "np", "numpy"}
# builtins that raise nothing a handler of the user's catches, on what a branch computes
_SAFE_BUILTINS = {"abs", "min", "max", "len", "sum", "round", "range", "print",
                  "isinstance", "tuple", "list", "zip", "enumerate", "bool"}
_SIMPLE = (S.Assign, S.AnnAssign, S.AugAssign, S.Expr, S.Pass)
# why a statement that sets the flag of a `return` the function's end tests stays Python
RETURN_FLAG_TESTED = ("it may return, and the function's end tests whether it did (None "
                      "where it did not), which only Python can tell apart")
# records of expressions, which a raising branch's statements may hold (``rc = n or -9``):
# they read the same written in jax as in Python, on the values the callback is given
_EXPRESSION_HELPERS = ("and_", "or_", "not_", "compare", "in_", "if_exp", "converted")


class Conditionals:
    """The ``if`` side of :class:`~py2lax.backends.plain_lax.emitter.PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.spell, self.expressions = backend.spell, backend.expressions

    def emit(self, record) -> list:
        unwrap_checked_test(record, self.backend)
        split = self._python_operand_first(record) or self._static_test_first(record)
        if split is not None:
            return split
        return self._emit(record)

    def _static_test_first(self, record) -> list | None:
        """The function's last ``if m == 3: return y`` (``m`` static) inside a top-level
        ``if`` on a traced value that may have returned (``if not returned:`` after a
        loop lax runs that may return; ``if x > 0: return 1.0`` before it): Python gives
        ``y`` where ``m == 3`` whatever the traced value, and None or the other value
        otherwise, which only the value decides. Kept as Python, the whole outer ``if``
        stopped at the traced value for every ``m``. The inner test (read from the
        function's parameters only, with no call: nothing it computes can fail or
        change) is asked first, as Python, and each side is the outer ``if`` around one
        of its branches: lax's ``cond`` where that branch gives values, Python's ``if``
        (the located error for a traced test) where it gives None::

            if m == 3:
                return_value, = jax.lax.cond(jnp.logical_not(returned), if_true_9, ...)
            elif not returned:
                return_value = None
        """
        backend = self.backend
        if record.kind != "if" or id(record.call) not in {
                id(s) for s in backend.function.body} or not assigns_python_value(
                record.definitions, record.carried):
            return None
        flag = tested_name(record.test, backend.records)
        if flag is not None and traced_flags(backend).get(flag) is not record:
            return None  # (a flag the statements that set it keep Python: python_flags)
        split = self.split_on_static_test(record)
        if split is None:
            return None
        position, outer, body, before, inner, sides, python, other = split
        lax_side = sides[python.index(False)]
        # the outer `if` around the branch that gives values: lax, as any other
        start = outer.body.index(body[0])
        outer.body = outer.body[:start] + before + lax_side + [outer.body[-1]]
        backend.records.lowered.remove(inner)
        written = self._emit(record)
        # the outer `if` around the branch that gives None: Python's
        reason = ("the function may end without `return` (None) where a traced value "
                  "decides")
        falls_off = [S.deep_copy(s) for s in before] + sides[python.index(True)]
        others = [S.deep_copy(s) for s in other]
        branches = (falls_off, others) if position == 0 else (others, falls_off)
        guard = S.copy_location(S.If(test=checked_at(
            self.expressions.python(record.test), record.call, record.line, backend,
            reason), body=branches[0], orelse=branches[1]), record.call)
        python_written = backend.python_block([guard])
        test = checked_at(self.expressions.python(inner.test), inner.call, inner.line,
                          backend, "it decides whether the function may end without "
                          "`return` (None)")
        body, orelse = (written, python_written) if python[1] else (python_written, written)
        return [S.copy_location(S.If(test=test, body=body, orelse=orelse), record.call)]

    def split_on_static_test(self, record):
        """The parts ``_static_test_first`` splits ``record`` into: which branch holds the
        inner ``if`` (0, 1), that branch's function and statements, the plain ones
        before the inner ``if`` on the function's parameters, the inner ``if``, its two
        branches' statements, which of them gives None, and the other branch's plain
        statements; None where the ``if`` is not of that form. Reads only
        (``python_flags`` asks it before anything is written)."""
        functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
        for position, outer in enumerate(functions):
            other = unwrapped(functions[1 - position], self._renamed()) if len(
                functions) == 2 else []
            split = self._split_branch(outer, other)
            if split is not None:
                return (position, outer) + split + (other,)
        return None

    def _split_branch(self, outer, other):
        backend = self.backend
        body = unwrapped(outer, self._renamed())
        inner = backend.by_call.get(id(body[-1])) if body else None
        if inner is None or inner.kind != "if" or inner.partial_carry is not None:
            return None
        own = {id(s) for s in inner.guards + inner.definitions}
        before = [s for s in body[:-1] if id(s) not in own]
        if not self._plain_statements(before + other) or not self._parameters_only(
                inner.test, before + other):
            return None
        branches = [d for d in inner.definitions if isinstance(d, S.FunctionDef)]
        if any(isinstance(s, (S.Nonlocal, S.Global)) for f in branches for s in f.body):
            return None
        sides = [unwrapped(f, self._renamed()) for f in branches] + [[]] * (2 - len(branches))
        python = [assigns_python_value(side, inner.carried) for side in sides]
        if sorted(python) != [False, True]:
            return None
        if body[0] not in outer.body or not isinstance(outer.body[-1], S.Return):
            return None
        return body, before, inner, sides, python

    def _plain_statements(self, statements) -> bool:
        """No statement of a lax record (nor one the pipeline wrote for one) and no call
        of the runtime's among ``statements``: a copy of them reads the same."""
        backend = self.backend
        return all(id(n) not in backend.by_call and id(n) not in backend.generated
                   and (not isinstance(n, S.Call) or backend.records.of_call(n) is None)
                   and not isinstance(n, (S.FunctionDef, S.Lambda, S.NamedExpr))
                   for s in statements for n in S.walk(s))

    def _parameters_only(self, test, before) -> bool:
        """``test`` reads the function's parameters (none that ``before`` assigns) and
        constants through operators and comparisons only: asked earlier than Python would
        ask it, it gives the same answer and cannot fail for a number."""
        assigned = bound_names(before)
        return test is not None and all(
            isinstance(n, (S.Compare, S.BinOp, S.UnaryOp, S.BoolOp, S.Constant)) or (
                isinstance(n, S.Name) and n.id in self.backend.facts.parameters
                and n.id not in assigned) for n in S.walk(test))

    def _python_operand_first(self, record) -> list | None:
        """``if clip is not None and y > clip:``: the first operand compares with None (or
        a string), which only Python decides, the others are what lax can test. Python
        tests the first, and lax.cond the rest, only where Python would (an operand
        Python decides after a traced one, ``x.sum() > 0 and mode == "train"``, is asked
        first where no operand changes anything: the same answer)::

            if clip is not None:
                y, = jax.lax.cond(y > clip, if_true_6, lambda y: (y,), y)

        (for ``or``, the ``if`` runs the true branch itself, and ``else:`` holds the
        ``lax.cond``)."""
        test = record.test
        called = self.backend.records.of_call(test) if isinstance(test, S.Call) else None
        if called is not None and called.helper in ("and_", "or_"):
            operands, helper = list(called.operands["operands"]), called.helper
        elif isinstance(test, S.BoolOp):
            operands = list(test.values)
            helper = "and_" if isinstance(test.op, S.And) else "or_"
        else:
            return None
        # `if x.sum() > 0 and mode == "train":` asks Python's operand first too: where
        # no operand changes anything, the answer is the same in any order
        python_parts = [o for o in operands if decided_by_python(o)]
        rest = [o for o in operands if not decided_by_python(o)]
        if not python_parts or not rest or any(compares_python_values(o) for o in rest):
            return None
        reordered = python_parts[0] is not operands[0] or len(python_parts) > 1
        functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
        if any(_ends_in_raise(f) for f in functions) or any(
                self.expressions.may_have_effects(o)
                for o in (operands if reordered else python_parts)):
            return None
        first = python_parts[0] if len(python_parts) == 1 else S.copy_location(S.BoolOp(
            op=S.And() if helper == "and_" else S.Or(), values=python_parts), test)
        rest_test = rest[0] if len(rest) == 1 else S.copy_location(S.BoolOp(
            op=S.And() if helper == "and_" else S.Or(), values=rest), test)
        record.test = rest_test
        if self._reason(record, functions) is not None:
            record.test = test
            return None
        written = self._emit(record)
        call = written[-1]
        python_test = self.expressions.python(first)
        if helper == "and_" and len(functions) == 1:
            return written[:-1] + [S.copy_location(S.If(test=python_test, body=[call],
                                                       orelse=[]), call)]
        direct = S.Call(func=S.load(functions[0 if helper == "or_" else 1].name),
                        args=[S.load(n) for n in record.inputs], keywords=[])
        if isinstance(call, S.Assign):
            taken = S.Assign(targets=[S.deep_copy(t) for t in call.targets], value=direct,
                             type_comment=None)
        else:
            taken = S.Expr(value=direct)
        taken = S.copy_location(taken, call)
        body, orelse = ([taken], [call]) if helper == "or_" else ([call], [taken])
        return written[:-1] + [S.copy_location(S.If(test=python_test, body=body,
                                                   orelse=orelse), call)]

    def _reason(self, record, functions) -> str | None:
        backend = self.backend
        return (first_run_reason(record, backend)
                or ("it tests where an error came from" if is_jax_error_test(record.test)
                    else None)
                or self._known_when_tracing(record.test)
                or python_reason(record, backend) or backend.objects.outside_change(record)
                or _writes_into_a_view(record, backend)
                or shared_container_update(record, backend)
                or chosen_container_change(record, backend)
                or self._caught_while_tracing(record, functions)
                or sets_python_flag(record, backend))

    def _emit(self, record) -> list:
        backend = self.backend
        functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
        parameters = self._parameters_written(record, functions)
        reason = None if parameters else self._reason(record, functions)
        raising = [f for f in functions if _ends_in_raise(f)]
        value_or_none = not raising and not parameters and (
            self._value_or_none(record, functions) if reason is not None
            else _sets_tested_return_flag(record, backend) or _may_give_none(record))
        if value_or_none and _in_python_loop(record, backend):
            value_or_none = False  # (a Python `if` keeps the flag Python, or stops at its test)
            reason = reason or RETURN_FLAG_TESTED
        kept_reason = reason
        if value_or_none:
            reason = None
        if reason is None and parameters and raising:
            reason = (f"it updates the parameter `{sorted(parameters)[0]}` in place, "
                      "which the caller must see")
        objects = backend.objects.changed(record)
        if value_or_none and objects and kept_reason is not None:
            # (an object's attributes carried through lax are read before the `if`, where
            # one a branch first sets does not exist yet: Python's `if`, as before)
            value_or_none, reason = False, kept_reason
        if reason is None and raising and (objects or not self._can_raise_when_run(
                record, functions, raising)):
            reason = "a branch raises"
        if reason is None and raising and self._ends_an_endless_loop(record):
            reason = ("its `raise` is the way out of a `while True:` loop, which tracing "
                      "would unroll forever if the raise waited for the program to run")
        if reason is not None:
            python_test = (is_jax_error_test(record.test) or decided_by_python(record.test)
                           or bool(self._known_when_tracing(record.test)))
            return backend.python_block(python_statement(record, backend, reason,
                                                         python_test=python_test))
        if raising:
            return self._raising(record, functions, raising[0])
        backend.objects.carry(record, objects)
        # (not for an `if` that writes a parameter: tracing its branches to type them would
        # run `_py2lax_parameter_cond` inside on the caller's NumPy array)
        join = not value_or_none and not parameters and (
            backend.carry_types.cond_needs_join(record, functions))
        for function in functions:
            function.body = backend.block(function.body, in_lax=True)
        _known_flag_in_branches(record, functions, backend)
        call = record.call
        branches = [S.load(f.name) for f in functions]
        # a branch holding the function's end is Python's `if` where the test is, and
        # may give None: `_py2lax_python_or_lax_cond` decides, unjoined; so does a Python
        # loop's `break` flag its branch tests (the Python value it has)
        closed = python_flags_read_inside(record, backend)
        closed += [n for n in record.inputs if n in backend.python_break_flags
                   and n not in closed]
        join = join and not closed
        if closed:  # `lambda return_value: if_false_4(return_value, returned)`
            everything = list(record.inputs)
            record.inputs = tuple(n for n in record.inputs if n not in closed)
            branches = [lambda_of(list(record.inputs), S.Call(
                func=branch, args=[S.load(n) for n in everything], keywords=[]))
                for branch in branches]
        if len(branches) == 1:
            branches.append(lambda_of(list(record.inputs), tuple_of(record.carried)))
        before, python_branches = [], S.Tuple(elts=[S.deep_copy(b) for b in branches],
                                               ctx=S.Load())
        if join:
            before, branches = backend.carry_types.joined_branches(record, branches, call)
        arguments = [self.expressions.lax_test(record.test)] + branches + [
            S.load(name) for name in record.inputs]
        flag = tested_name(record.test, backend.records)
        if value_or_none and not record.written_by_user and flag is not None and not (
                isinstance(record.test, S.Name)):  # `not returned`: a Python bool stays one
            arguments[:3] = [S.load(flag), arguments[2], arguments[1]]
        if parameters:  # Python's `if` on NumPy arrays the caller must see change
            where = S.Constant(value=f"{self.spell.filename}:{record.line}", kind=None)
            names = S.Tuple(elts=[S.Constant(value=n, kind=None) for n in sorted(parameters)],
                            ctx=S.Load())
            values = S.Tuple(elts=[S.load(n) for n in sorted(parameters)], ctx=S.Load())
            call.value = S.Call(func=S.load(helper_name(backend, "parameter_cond", call)),
                                args=[where, names, values, python_branches] + arguments,
                                keywords=[])
        elif closed or value_or_none or set(record.carried) & backend.python_break_flags:
            # a branch may give None, or set the `break` flag of a loop kept as Python,
            # which each iteration tests: Python's `if` where the test is a Python value
            # when tracing (the flag stays one), lax.cond where it is traced
            backend.python_or_lax.add(id(record))  # (its Python `if` types no result)
            where = S.Constant(value=f"{self.spell.filename}:{record.line}", kind=None)
            call.value = S.Call(func=S.load(helper_name(backend, "python_or_lax_cond", call)),
                                args=[where] + arguments, keywords=[])
        else:
            call.value = self.spell.lax("cond", arguments, call)
        return functions + before + [call]

    def _value_or_none(self, record, functions) -> bool:
        """Only the function's result keeps the ``if`` Python: a branch may give it None
        (``return None``, the end reached without ``return``), or set the flag of a
        ``return`` that the end tests. It then runs through
        ``_py2lax_python_or_lax_cond``, which decides when tracing, as the runtime does:
        Python's ``if`` where the test is a Python value; where it is traced, lax.cond of
        the branches, each traced with the Python values it holds (a static argument's
        test inside it), which gives a value on both paths or is a located TypeError."""
        if record.kind != "if" or record.result not in record.carried or any(
                isinstance(node, (S.Nonlocal, S.Global))
                for d in record.definitions for node in S.walk(d)):
            return False
        backend = self.backend
        backend.result_may_be_none = True
        try:
            return self._reason(record, functions) is None
        finally:
            backend.result_may_be_none = False

    def _parameters_written(self, record, functions) -> set[str]:
        """The parameters the ``if`` writes in place (``v[i] = x``, ``v /= s``) where that
        alone would keep it Python: it then runs through ``_py2lax_parameter_cond``, which
        is Python's ``if`` where the test is a Python value or a parameter is not a JAX
        array (the caller's NumPy array changes), lax.cond where it can change nothing
        the caller holds. Empty where another reason keeps it Python."""
        if record.kind != "if":
            return set()
        backend, collected = self.backend, set()
        backend.dispatched_parameters = collected
        try:
            if self._reason(record, functions) is not None:
                return set()
        finally:
            backend.dispatched_parameters = None
        return collected

    def _caught_while_tracing(self, record, functions) -> str | None:
        """Why an ``if`` in the body of a ``try`` stays Python: a branch calls what may
        raise when called with Python values (``math.sqrt(-1.0)``, ``int(s)``, a helper),
        and a handler of the ``try`` catches such an error. lax.cond traces
        both branches, so the branch Python skips would raise while tracing and the
        handler run whatever the test says."""
        handlers = self._handlers_around(record.call)
        if not handlers:
            return None
        nodes = walked([s for f in functions for s in f.body], self.backend)
        inner = {id(s.value) for s in nodes if id(s) in self.backend.by_call
                 and isinstance(getattr(s, "value", None), S.Call)}
        if not any(self._call_may_raise(n, inner) for n in nodes if isinstance(n, S.Call)):
            return None
        shown = ", ".join(S.unparse(h.type) for h in handlers)
        return (f"a branch may raise while tracing, and `except {shown}:` would catch it "
                "whichever branch the test picks")

    def _call_may_raise(self, node, inner: set) -> bool:
        """A call in a branch may raise when called with Python values: ``math.f(...)``
        (``caught_math``) or a call that is not jax's, a builtin that only reads, a
        method of the function's values, an inner statement (``inner``: its functions
        are walked too), the work that one keeps when its body raised
        (``py2lax.partial_carry``), or a helper of the module's that raises nothing."""
        record_of = self.backend.records.of_call(node)
        if record_of is not None and record_of.helper != "caught_math":
            return False
        root = node.func
        while isinstance(root, (S.Attribute, S.Subscript, S.Call)):
            root = root.func if isinstance(root, S.Call) else root.value
        if not isinstance(root, S.Name) or root.id in (
                _JAX_ROOTS | {self.spell.jax, self.spell.numpy_name}):
            return False
        if root.id == self.backend.context.runtime and (
                id(node) in inner or getattr(node.func, "attr", None) == "partial_carry"):
            return False
        if node.func is root and root.id in _SAFE_BUILTINS and not (
                shadows_builtin(self.backend, root.id)):
            return False
        if node.func is not root and root.id in self.backend.context.local_names:
            return False  # a method of a value of the function's (`v.sum()`)
        return record_of is not None or not keyed_table(node) and may_raise(
            callee(node, self.backend.records) or node.func, self.backend)

    def _handlers_around(self, statement) -> list:
        """The handlers (with a type) of the ``try`` statements whose body holds
        ``statement``."""
        found = []
        for node in S.walk(self.backend.function):
            if isinstance(node, (S.Try, S.TryStar)) and node.handlers and any(
                    inner is statement for s in node.body for inner in S.walk(s)):
                found += [h for h in node.handlers if h.type is not None and not (
                    h.body and isinstance(h.body[-1], S.Raise) and h.body[-1].exc is None)]
        return found

    def _ends_an_endless_loop(self, record) -> bool:
        """The raising ``if`` is in a ``while True:`` loop without ``break`` or
        ``return``, or in a function such a loop calls (``while True: x = step(x)``, ``step``
        raising under ``if v > 4:``): the loop stays Python, so tracing it ends only by
        an exception raised while tracing; a raise through ``jax.debug.callback`` would
        leave it unrolling forever. As Python's ``if``, a traced test is JAX's own error."""
        backend = self.backend
        module = backend.module
        if module is None:
            return False
        names, spans = memo(module, "endless_loop_callees", lambda: _endless_loop_callees(
            module))
        function = backend.function
        return function.name in names or any(
            name == function.name and start <= record.line <= end
            for name, start, end in spans)

    def _known_when_tracing(self, test) -> str | None:
        """Why ``test`` stays Python's ``if``: it is made of Python numbers only (``i + 1 <
        len(vals)`` with ``i`` the index of a Python loop over a list). lax.cond would
        run both branches when tracing, and the one Python skips may fail (an index
        past the end) or change a list."""
        if test is None or not any(isinstance(n, (S.Name, S.Call)) for n in S.walk(test)):
            return None
        return "its test is a Python value when tracing" if self._python_number(test) else None

    def _python_number(self, node) -> bool:
        backend = self.backend
        if isinstance(node, S.Constant):
            return isinstance(node.value, (int, bool)) or node.value is None
        if isinstance(node, S.Compare):
            return all(self._python_number(n) for n in [node.left] + node.comparators)
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.Add, S.Sub, S.Mult,
                                                               S.FloorDiv, S.Mod)):
            return self._python_number(node.left) and self._python_number(node.right)
        if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.Not)):
            return self._python_number(node.operand)
        if isinstance(node, S.BoolOp):
            return all(self._python_number(v) for v in node.values)
        function = callee(node, backend.records)  # (`py2lax.converted(len)(v)` too)
        if isinstance(function, S.Name) and (
                function.id == "len" and len(node.args) == 1 and not node.keywords
                and not shadows_builtin(backend, "len")):
            # a Python int whatever it measures: a traced array's length is its static
            # shape (a first run's `if len(cell) > 0:` around a lax loop, read again
            # where `cell += "\n"` below made `cell` a name lax carries: IPython's
            # inputtransformer2.py was no fixed point)
            return True
        if isinstance(function, S.Name) and function.id in _TYPE_TESTS and not (
                shadows_builtin(backend, function.id)):
            return True  # (`isinstance(key, (int, float))`: a Python bool, whatever it asks)
        if isinstance(node, S.Name):
            return backend.facts.is_loop_counter(node.id)
        record = backend.records.of_call(node) if isinstance(node, S.Call) else None
        if record is not None and record.helper == "not_":
            return self._python_number(record.operands["operand"])
        if record is not None and record.helper == "in_":  # `k in allowed`, a set
            return self._python_number(record.operands["item"]) and hashed_container(
                record.operands["container"], backend)
        return False

    # -- a branch that raises ----------------------------------------------------------
    def _can_raise_when_run(self, record, functions, raising) -> bool:
        """One branch raises, after simple statements only."""
        if len(raising) != 1:
            return False
        statements = unwrapped(raising[0], self._renamed())[:-1]
        return all(isinstance(s, _SIMPLE) for s in statements) and not any(
            getattr(self.backend.records.of_call(n), "helper", None) not in (
                None, *_EXPRESSION_HELPERS) for s in statements for n in S.walk(s))

    def _renamed(self) -> set:
        shared = self.backend.context.shared
        return set(shared.renamed.values()) if shared is not None else set()

    def _raising(self, record, functions, raising: S.FunctionDef) -> list:
        backend, call = self.backend, record.call
        statements = unwrapped(raising, self._renamed())
        free = self._free_names(statements)
        # `rc = p.returncode or -9`, `raise Error(...)`: written the way the command writes
        # them anywhere (a second run reads `jnp.where(...)` and keeps it)
        statements = backend.block(statements, in_lax=False)
        others = [f for f in functions if f is not raising]
        for function in others:
            function.body = backend.block(function.body, in_lax=True)
        test = self.expressions.lax_test(record.test)
        if raising is not functions[0]:
            test = self.spell.numpy("logical_not", [test], call)
        other_does_nothing = not others or unwrapped(others[0], self._renamed()) == [] or all(
            isinstance(s, S.Pass) for s in unwrapped(others[0], self._renamed()))
        if not record.carried and other_does_nothing:
            name = backend.context.names.new(f"raise_if_{record.line}")
            body = [S.If(test=S.load("raising"), body=statements, orelse=[])]
            checker = function_def(name, ["raising"] + free, body, call)
            callback = self.spell.debug("callback", [S.load(name), test] + [
                S.load(n) for n in free], call)
            return [checker, S.copy_location(S.Expr(value=callback), call)]
        name = backend.context.names.new(f"raise_{record.line}")
        raiser = function_def(name, free, statements, call)
        callback = self.spell.debug("callback", [S.load(name)] + [S.load(n) for n in free],
                                    call)
        if others:
            result = S.Call(func=S.load(others[0].name), args=[
                S.load(p) for p in parameter_names(raising.args)], keywords=[])
        else:
            result = tuple_of(record.carried)
        raising.body = [S.set_location(S.Expr(value=callback), call),
                        S.set_location(S.Return(value=result), call)]
        branches = [S.load(f.name) for f in functions]
        if len(branches) == 1:
            branches.append(lambda_of(list(record.inputs), tuple_of(record.carried)))
        arguments = [self.expressions.lax_test(record.test)] + branches + [
            S.load(n) for n in record.inputs]
        call.value = self.spell.lax("cond", arguments, call)
        return [raiser] + functions + [call]

    def _free_names(self, statements: list) -> list[str]:
        """The function's own variables the statements read (passed to the callback,
        which runs when their values are known)."""
        local = set(self.backend.context.local_names) - _imported(self.backend.function)
        assigned = bound_names(statements)
        read = []
        for node in (n for s in statements for n in S.walk(s)):
            if (isinstance(node, S.Name) and isinstance(node.ctx, S.Load) and node.id in local
                    and node.id not in assigned and node.id not in read):
                read.append(node.id)
        return read


def hashed_container(container, backend) -> bool:
    """``container`` is a set or dict (a display, or a name the function binds only to
    displays or ``set(...)``/``dict(...)``), whose ``in`` hashes the item."""
    if isinstance(container, (S.Set, S.Dict, S.SetComp, S.DictComp)):
        return True
    if isinstance(container, S.Call) and isinstance(container.func, S.Name):
        return container.func.id in ("set", "frozenset", "dict")
    if not isinstance(container, S.Name):
        return False
    values = backend.facts.bindings.get(container.id, [])
    return bool(values) and all(v is not None and hashed_container(v, backend)
                                for v in values)


def _writes_into_a_view(record, backend) -> str | None:
    """``m[1, 1] = x`` where ``m = a.reshape(2, 2)`` (or ``row = grid[i]``): NumPy
    writes ``a`` too, which lax, tracing both branches on copies, cannot (finder4 SW3)."""
    body = [s for d in record.definitions if isinstance(d, S.FunctionDef) for s in d.body]
    if writes_into_a_part(walked(body, backend), backend,
                          set(backend.objects.shared_containers(record))):
        return "a branch writes into a part of an array (a NumPy view)"
    return None


def shared_container_update(record, backend) -> str | None:
    """``d |= {...}`` (``+=``, ``*=``) on a list, dict or set another name holds (``view =
    d``): Python changes the one object both names reach; lax would update its carried
    copy of ``d`` only, and ``view`` would keep the old contents (finder4 SW1b)."""
    body = [s for d in record.definitions if isinstance(d, S.FunctionDef) for s in d.body]
    for node in walked(body, backend):
        called = backend.records.of_call(node) if isinstance(node, S.Call) else None
        if called is None or called.helper != "augassign" or "view" not in called.operands:
            continue
        target = called.operands["target"]
        if "written_back" in called.options or not isinstance(target, S.Name):
            continue
        if _a_container(target.id, backend):
            return (f"it changes `{target.id}` in place, which `{called.operands['view']}` "
                    "holds too")
    return None


def chosen_container_change(record, backend) -> str | None:
    """``if v > 0: target = pos else: target = neg`` where ``pos`` holds a list, dict or
    set and code changes what ``target`` holds (``target.append(v)``, ``add_to(target,
    v)``): Python changes ``pos`` itself; lax.cond returns a copy, which the change would
    reach instead, so the answer would be silently wrong (finder7 q172)."""
    facts = backend.facts
    body = [s for d in record.definitions if isinstance(d, S.FunctionDef) for s in d.body]
    for node in walked(body, backend):
        if not (isinstance(node, S.Assign) and isinstance(node.value, S.Name)
                and len(node.targets) == 1 and isinstance(node.targets[0], S.Name)):
            continue
        target, source = node.targets[0].id, node.value.id
        if target != source and facts.is_container(node.value) and (
                facts.may_change_in_place(target) or (
                    target != record.result and facts.may_change_in_place(source))):
            return (f"`{target} = {source}` chooses the container `{source}` holds, and "
                    f"a change through `{target}` would reach lax's copy, not `{source}`")
    return None


def _a_container(name: str, backend) -> bool:
    """``name`` is bound to a list, dict or set, and otherwise only updated in place by
    augmented assignments (``d |= {...}``, which the runtime's ``augassign`` records)."""
    facts, records = backend.facts, backend.records
    values = [v for v in facts.bindings.get(name, []) if getattr(
        records.of_call(v), "helper", None) != "augassign"]
    return bool(values) and all(v is not None and facts.is_container(v) for v in values)


def _imported(function) -> set[str]:
    """Names the function binds by ``import`` only (a class or module, never traced: the
    callback reads them as a closure does)."""
    imported, other = set(), set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, (S.Import, S.ImportFrom)):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, S.Name) and isinstance(node.ctx, S.Store):
            other.add(node.id)
    return imported - other


def _ends_in_raise(function: S.FunctionDef) -> bool:
    body = [s for s in function.body if not isinstance(s, S.Return)]
    return bool(body) and isinstance(body[-1], S.Raise)


def _endless_loop_callees(module) -> tuple[set, list]:
    """The names of the functions a ``while True:`` loop without ``break`` or ``return``
    calls, directly or through the module's functions, and the places of such loops
    (``(function name, first line, last line)``)."""
    definitions: dict[str, list] = {}
    for node in S.walk(module):
        if isinstance(node, S.FunctionDef):
            definitions.setdefault(node.name, []).append(node)
    called, spans = set(), []
    for function in [n for defs in definitions.values() for n in defs]:
        for loop in S.walk_same_scope_statements(function.body):
            if not (isinstance(loop, S.While) and isinstance(loop.test, S.Constant)
                    and loop.test.value and not loop.orelse):
                continue
            if _leaves(loop.body):
                continue
            spans.append((function.name, loop.lineno, getattr(loop, "end_lineno", None)
                          or max(getattr(n, "lineno", loop.lineno) for n in S.walk(loop))))
            called |= _called_names(loop.body)
    todo = list(called)
    while todo:  # the functions those call
        name = todo.pop()
        for definition in definitions.get(name, []):
            for inner in _called_names(definition.body) - called:
                called.add(inner)
                todo.append(inner)
    return called, spans


def _leaves(statements) -> bool:
    """A ``break`` of this loop or a ``return`` among ``statements``."""
    for statement in statements:
        if isinstance(statement, (S.Break, S.Return)):
            return True
        if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Lambda)):
            continue
        if isinstance(statement, (S.For, S.While, S.AsyncFor)):
            if any(isinstance(n, S.Return) for n in S.walk(statement)):
                return True
            if _leaves(statement.orelse):
                return True
            continue
        for _, inner in S.statement_lists(statement):
            if _leaves(inner):
                return True
        for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
            if _leaves(part.body):
                return True
    return False


def _called_names(statements) -> set:
    found = set()
    for statement in statements:
        for node in S.walk(statement):
            if isinstance(node, S.Call):
                if isinstance(node.func, S.Name):
                    found.add(node.func.id)
                elif isinstance(node.func, S.Attribute):
                    found.add(node.func.attr)
    return found


def _sets_tested_return_flag(record, backend) -> bool:
    """``record`` (an ``if`` lax can run) sets a flag of a ``return`` that the function's
    end tests: it runs through ``_py2lax_python_or_lax_cond``, so that a test that is a
    Python value when tracing (a static argument, an unrolled loop's index) leaves the
    flag a Python value, which the end then tests as Python, as the runtime does."""
    return record.kind == "if" and bool(set(record.carried) & tested_return_flags(
        backend)) and not any(other.kind != "if" and _lowered(other, backend)
                              for other in ancestors(record, backend))  # (lax carries it)


def _may_give_none(record) -> bool:
    """A statement in ``record``'s branches assigns None to the function's result (an
    inner ``if`` that ends the function, decided when tracing): the ``if`` runs through
    ``_py2lax_python_or_lax_cond`` too, whose lax.cond stops at the user's line where a
    traced test would meet None (lax.cond's own error named no line)."""
    return record.kind == "if" and record.result in record.carried and any(
        isinstance(node, S.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], S.Name) and node.targets[0].id == record.result
        and isinstance(node.value, S.Constant) and node.value.value is None
        for d in record.definitions for node in S.walk(d))


def _in_python_loop(record, backend) -> bool:
    """``record``'s statement is in a loop the output runs as Python (a short static
    ``range`` that returns): its ``if`` stays Python, so the flag of a ``return`` stays
    a Python value for the next iteration's ``if not returned:``, and a traced test is
    JAX's error at the ``if``'s own line."""
    return any(other.kind != "if" and not _lowered(other, backend)
               for other in ancestors(record, backend))


def _lowered(record, backend) -> bool:
    """``record``'s statement is still one lax runs (not kept as Python)."""
    return any(other is record for other in backend.records.lowered)


def _known_flag_in_branches(record, functions, backend) -> None:
    """In the branches of an ``if`` py2lax wrote on its own flag (``if not returned:``),
    the flag has the value the test gave: written first in each branch that reads it,
    as a Python bool, so that what the branch tests of it (an unrolled loop's ``if not
    returned:``, the function's end) is decided when tracing, as in the runtime."""
    flag = tested_name(record.test, backend.records)
    if record.written_by_user or flag not in tested_return_flags(backend) or (
            flag not in record.inputs):
        return
    negated = not isinstance(record.test, S.Name)
    for function, value in zip(functions, (not negated, negated)):
        if flag in parameter_names(function.args) and any(
                isinstance(n, S.Name) and n.id == flag for s in function.body
                for n in S.walk(s)):
            known = S.Assign(targets=[S.store(flag)], value=S.Constant(value=value, kind=None),
                             type_comment=None)
            function.body.insert(0, S.copy_location(known, function.body[0]))


_TYPE_TESTS = ("isinstance", "issubclass", "callable", "hasattr")
