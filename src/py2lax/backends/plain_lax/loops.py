"""Loop records in plain jax: ``while_loop``, ``fori_loop``, ``scan``, or the user's loop.

The generated body and condition functions take the carried variables one by one (``def
loop_body_5(i, a, b)``); lax passes one carried tuple, so each gets a ``carry`` parameter
that it unpacks first (``a, b = carry``). Then, from the record:

* ``while`` -> ``jax.lax.while_loop(loop_cond_5, loop_body_5, (a, b))``;
* ``for`` over ``range`` -> ``jax.lax.fori_loop(start, stop, loop_body_5, (a, b))``; a
  step other than 1 counts iterations (``fori_loop(0, count, ...)``) and the body
  computes its index;
* ``for`` over anything else -> ``jax.lax.scan(loop_body_5, (a, b), jnp.asarray(xs))[0]``,
  the body taking ``(carry, item)`` and returning ``((a, b), None)``; ``enumerate`` and
  ``zip`` (which the record says the runtime sees through) slice a tuple of arrays;
* a ``for`` with ``break`` -> a ``while_loop`` over ``(index, carry)`` that stops at the
  end or at the record's break flag, and a ``for`` of known length that appends to a
  carried list -> a ``scan`` stacking the appended items (``loop_forms``).

A loop plain lax cannot express stays the user's loop (``python_form``).
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.backends.plain_lax.expressions import items_of_one_length
from py2lax.backends.plain_lax.facts import loop_counter, numpy_path
from py2lax.backends.plain_lax.loop_forms import (ENUMERATED, GROWS, LoopForms, _builtin,
                                                 _item, first_item, grown_lists, integer)
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.backends.plain_lax.python_form import _walk as walk_lax
from py2lax.backends.plain_lax.python_form import callee
from py2lax.backends.plain_lax.python_form import _python_iterator as python_iterator
from py2lax.backends.plain_lax.python_form import _user_loop as user_loop
from py2lax.backends.plain_lax.python_form import _target_names as target_names
from py2lax.backends.plain_lax.python_form import _is_none as is_none
from py2lax.backends.plain_lax.python_form import (appended_lists, counted_index, static_items,
                                                   static_loop_items,
                                                   first_run_reason, guarded_target_names,
                                                   made_each_time,
                                                   python_reason, python_statement,
                                                   unwrap_checked_test, checked_at,
                                                   static_count, UNROLL_LIMIT)
from py2lax.backends.plain_lax.python_breaks import (first_run_stop, stop_at_the_flag, stoppable,
                                                    tested_flag)
from py2lax.backends.plain_lax.python_flags import (entered_unreturned, python_flags,
                                                    sets_python_flag, tested_return_flags)
from py2lax.backends.plain_lax.spelling import assign, constant, function_def, tuple_of
from py2lax.backends.plain_lax.stopped_growth import StoppedGrowth
from py2lax.backends.plain_lax.conditionals import (RETURN_FLAG_TESTED, hashed_container,
                                                    shared_container_update)
from py2lax.backends.plain_lax.python_ints import may_outgrow_int32
from py2lax.backends.plain_lax.shared_definitions import helper_name
from py2lax.transforms.records import Items, Range

def _returned_range(definition, count: int) -> list | None:
    """``[start, stop, step]`` (``None`` where not written) of the ``range(...)`` that
    ``definition`` only returns, reading nothing but its ``count`` plain parameters, each
    at most once; None for any other function."""
    if not isinstance(definition, S.FunctionDef) or definition.decorator_list:
        return None
    arguments = definition.args
    names = parameter_names(arguments)
    if (arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.defaults
            or arguments.posonlyargs or len(names) != count):
        return None
    body = definition.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]  # (its docstring)
    if len(body) != 1 or not isinstance(body[0], S.Return):
        return None
    made = body[0].value
    if not (isinstance(made, S.Call) and isinstance(made.func, S.Name)
            and made.func.id == "range" and 1 <= len(made.args) <= 3 and not made.keywords):
        return None
    read = [n.id for a in made.args for n in S.walk(a) if isinstance(n, S.Name)]
    if any(n not in names for n in read) or len(read) != len(set(read)) or any(
            not isinstance(n, (S.Name, S.Constant, S.BinOp, S.UnaryOp))
            for a in made.args for n in S.walk(a)):
        return None
    args = list(made.args)
    if len(args) == 1:
        return [None, args[0], None]
    return [args[0], args[1], args[2] if len(args) == 3 else None]


def _substituted(bound, given: dict):
    """The helper's ``bound`` with each parameter replaced by the argument given for it
    (the caller's node itself: the writers find the runtime calls in it by identity)."""
    if isinstance(bound, S.Name):
        return given[bound.id]
    bound = S.deep_copy(bound)
    for node in S.walk(bound):
        for field, value in S.iter_fields(node):
            if isinstance(value, S.Name) and value.id in given:
                setattr(node, field, given[value.id])
    return bound


# calls whose answer is the type of their first argument (Python's, not a traced value)
_TYPE_TESTS = {"isinstance", "type", "hasattr", "callable", "issubclass"}


class Loops:
    """The loop side of :class:`~py2lax.backends.plain_lax.emitter.PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.spell, self.expressions = backend.spell, backend.expressions
        self.forms = LoopForms(self)
        self.growth = StoppedGrowth(self)
        self.guarded: set[int] = set()  # lax calls `_when_any` put under an `if`
        self._carry: str | None = None

    @property
    def carry(self) -> str:
        if self._carry is None:
            self._carry = self.backend.context.names.new("carry")
        return self._carry

    def emit(self, record) -> list:
        backend = self.backend
        unwrap_checked_test(record, backend)
        self._range_of_a_helper(record)
        unrolled = self._unrolled_for_a_python_flag(record)
        if unrolled is not None:
            return unrolled
        reason = (first_run_reason(record, backend) or first_run_stop(record, backend)
                  or python_reason(record, backend) or self._resized_list(record)
                  or self._needs_a_concrete_index(record)
                  or self._python_items(record) or backend.objects.outside_change(record)
                  or shared_container_update(record, backend)
                  or python_float_count(record, backend)
                  or self._grown_over_a_traced_count(record)
                  or self._grown_attribute(record) or self._appended_functions(record)
                  or self._unpeeled_none(record))
        if reason is not None:
            if static_items(record, backend):  # `for d in a.shape:`: `d` is a Python int
                backend.facts.static_items |= static_loop_items(record, backend)
            if record.break_flag is not None:
                # over a Python container: each iteration a function `_py2lax_unless_broken`
                # runs; otherwise the loop stops at its flag where that is a Python value
                stopped = self._python_loop_until_break(record, reason)
                if stopped is not None:
                    return stopped
            if record.break_flag is not None and not stoppable(record, backend):
                raise self.spell.refuse(
                    record.call, f"this loop with `break` must run as Python ({reason}), "
                    "which needs the py2lax runtime to stop it at the `break`",
                    "write the loop as a `while` loop whose condition tests what the "
                    "`break` tests, or drop --standalone", names=(record.break_flag,))
            statements = python_statement(record, backend, reason)
            if record.break_flag is not None:
                stop_at_the_flag(record, statements[0], reason, backend)
            elif record.kind == "while" and tested_flag(record, backend) is not None:
                backend.python_break_flags.add(tested_flag(record, backend))  # (Conditionals)
            # `for i, v in enumerate(vals):` as Python: `i` is a Python int in the body
            counters = {loop_counter(s, backend.records) for s in statements
                        if isinstance(s, S.For)}
            backend.facts.python_counters |= counters - {None}
            return backend.python_block(statements)
        if "max_iterations" in record.options:
            raise self.spell.refuse(
                record.call, "`py2lax.loop_options(max_iterations=...)` needs the py2lax "
                "runtime (a masked scan)", "write the masked `jax.lax.scan` by hand, or "
                "drop --standalone")
        backend.objects.carry(record, backend.objects.changed(record))
        functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
        if record.kind == "while":
            return self._while(record, *functions)
        return self._for(record, functions[0])

    def _python_loop_until_break(self, record, reason: str) -> list | None:
        """A ``for`` with ``break`` over a Python container that must run as Python, as
        the runtime's loop runs it: each iteration is a local function of its item and
        the carried values, run by ``_py2lax_unless_broken`` while the break flag is
        Python's False, skipped once it is True (the items left change nothing, as after
        Python's ``break``; the loop's own target is bound inside, so it keeps the item
        it broke at), and under ``lax.cond`` on the flag once a traced ``break`` made it
        traced. None (refused) where an iteration cannot be a function of its carry: a
        carried name other than the loop's target may be unbound at the start, or one
        starts as None, or the body changes objects in place
        (a NumPy item, a list's ``append``), which ``lax.cond`` cannot carry; and over an
        iterator, whose items Python's ``break`` would leave undrawn."""
        backend = self.backend
        iteration = record.iteration
        over_static = static_items(record, backend)  # `for d in a.shape:`, a tuple
        if record.kind != "for" or not (reason in _OVER_PYTHON_ITEMS or over_static or (
                reason.endswith("may be unassigned when it starts"))) or not isinstance(
                iteration, Items) or not (over_static or self._drawn_freely(
                    iteration.iterable)):
            return None  # (a carry lax cannot hold, `best = None`, stays refused)
        user = user_loop(record, backend)
        targets = set(target_names(user.target)) if isinstance(user, S.For) else set()
        unassigned = [n for n in record.carried if n in record.unbound]
        if any(n not in targets for n in record.unbound) or any(
                self._none_before(record, n) for n in record.carried):
            return None
        if unassigned and not (isinstance(iteration.iterable, (S.List, S.Tuple)) and (
                iteration.iterable.elts) and not any(
                isinstance(e, S.Starred) for e in iteration.iterable.elts)):
            return None  # (over no items the target stays unassigned, as in Python)
        body = next(d for d in record.definitions if isinstance(d, S.FunctionDef))
        if _changes_in_place(body) or record.inside_try or (
                backend.objects.outside_change(record)
                or shared_container_update(record, backend) or self._resized_list(record)
                or python_float_count(record, backend)
                or self._grown_over_a_traced_count(record) or self._grown_attribute(record)
                or self._appended_functions(record)):
            return None  # (what the loop's own reason left unasked)
        loop = backend.python_block(python_statement(record, backend, reason))[0]
        iteration_name = backend.context.names.new(f"loop_iteration_{record.line}")
        item = backend.context.names.new(f"item_{record.line}")
        if over_static:
            backend.facts.static_items.add(item)
        carried = list(record.carried)
        function = function_def(iteration_name, [item] + carried, [
            assign(loop.target, S.load(item), record.call)] + loop.body + [
            S.Return(value=tuple_of(carried))], record.call)
        loop.target = S.store(item)
        # the loop's own target, unassigned before the first of its items (a display:
        # there is one): the first iteration runs as Python and assigns it before any
        # read, so the None it is given is never read
        given = [S.load(n) for n in carried]
        started = [assign(n, constant(None), record.call) for n in unassigned]
        run = S.Call(func=S.load(helper_name(backend, "unless_broken", record.call)),
                     args=[S.load(record.break_flag), S.load(iteration_name), S.load(item)]
                     + given, keywords=[])
        loop.body = [function, assign(tuple_of(carried, S.Store), run, record.call)]
        return started + [loop]

    def _none_before(self, record, name: str) -> bool:
        """``best = None`` is the last binding of ``name`` above the loop: a traced
        ``break`` would leave lax a None on one path and a value on the other."""
        before = [v for v in self.backend.facts.bindings.get(name, [])
                  if v is not None and (getattr(v, "lineno", None) or record.line) < record.line]
        return bool(before) and is_none(max(before, key=lambda v: v.lineno))

    def _drawn_freely(self, iterable) -> bool:
        """``iterable`` is a Python container (a list, tuple or dict, or ``.items()``,
        ``enumerate``, ``zip``, ``reversed`` or ``sorted`` of them) written in the loop:
        drawing its items after a ``break`` changes nothing anyone sees (a generator or a
        named iterator would run on, or be left elsewhere)."""
        if isinstance(iterable, S.Tuple) or self.backend.facts.is_container(iterable):
            return True
        if not isinstance(iterable, S.Call) or iterable.keywords:
            return False
        function = iterable.func
        if isinstance(function, S.Attribute) and function.attr in ("items", "keys", "values"):
            return not iterable.args and self._drawn_freely(function.value)
        return isinstance(function, S.Name) and function.id in (
            "enumerate", "zip", "reversed", "sorted") and bool(iterable.args) and all(
            self._drawn_freely(a) for a in iterable.args[:1 if function.id != "zip" else None])

    def _range_of_a_helper(self, record) -> None:
        """``for i in ticks(n + 2):``, ``ticks`` a function of the module, or of the user's
        module beside it (read, never run), whose body only returns ``range(...)`` of its
        parameters (``def ticks(k): return range(k)``): the loop is the ``for`` over that
        range, its bounds the arguments given, so a traced bound makes a lax loop over a
        traced count, as the runtime's ``range`` does. lax was given the helper's
        ``range`` of a traced value (JAX's raw ``__index__`` error). Each parameter is read
        at most once, so each argument is computed once, as Python computes it."""
        iteration = record.iteration
        if record.kind != "for" or not isinstance(iteration, Items) or iteration.see_through:
            return
        call = iteration.iterable
        function = callee(call, self.backend.records) if isinstance(call, S.Call) else None
        if not isinstance(function, S.Name) or call.keywords or any(
                isinstance(a, S.Starred) for a in call.args):
            return
        definition = self.expressions._module_function(function.id)
        bounds = _returned_range(definition, len(call.args))
        if bounds is None:
            return
        given = dict(zip(parameter_names(definition.args), call.args))
        bounds = [_substituted(b, given) if b is not None else None for b in bounds]
        start = bounds[0] if bounds[0] is not None else constant(0)
        record.iteration = Range(start=start, stop=bounds[1], step=bounds[2])

    def _unrolled_for_a_python_flag(self, record) -> list | None:
        """A ``for`` over a ``range`` of at most ``UNROLL_LIMIT`` iterations that sets a
        variable a Python ``if`` tests (``python_flags``: the ``return`` flag of a function
        that may also end without one): run as Python, so the flag stays a Python value.
        Its flag of a ``return`` or ``break`` taken runs each iteration under ``if not
        returned:``, the condition the ``lax.while_loop`` would test (no Python ``break``,
        which a second run would read as the user's)."""
        backend = self.backend
        reason = sets_python_flag(record, backend) if record.kind == "for" and isinstance(
            record.iteration, Range) else None
        flag = record.break_flag
        if reason is None and flag in tested_return_flags(backend) and isinstance(
                record.iteration, Range) and entered_unreturned(record, flag, backend):
            reason = RETURN_FLAG_TESTED
        elif reason is None or (flag is not None and flag not in python_flags(backend)):
            return None
        count = static_count(record.iteration, backend)
        if count is None or count > UNROLL_LIMIT:
            return None
        statements = python_statement(record, backend, reason)
        loop = statements[0]
        if flag is not None:
            test = S.copy_location(S.UnaryOp(op=S.Not(), operand=S.load(flag)), loop)
            guard = S.If(test=checked_at(test, record.call, record.line, backend, reason),
                         body=loop.body, orelse=[])
            loop.body = [S.copy_location(guard, loop)]
        counters = {loop_counter(s, backend.records) for s in statements
                    if isinstance(s, S.For)}
        backend.facts.python_counters |= counters - {None}
        return backend.python_block(statements)

    def _grown_over_a_traced_count(self, record) -> str | None:
        """Why a ``for`` over a ``range`` stays Python: it appends to a list it carries,
        and its bounds are not known from the code (``range(n)``, ``n`` an argument):
        lax stacks the appended items only for a number of iterations known when
        tracing. Python's loop gives the list Python's length wherever ``n`` is static
        when the function is traced (``jax.jit(f, static_argnums=1)``), and JAX's own
        error where it is not (the function was left as Python for it: lead's m019)."""
        if record.kind != "for" or not isinstance(record.iteration, Range) or (
                record.break_flag is not None):
            return None
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][0]
        grown = appended_lists(body, self.backend.records) & set(record.carried)
        iteration = record.iteration
        if not grown or all(integer(b) is not None or self.expressions.static(b)
                            for b in (iteration.start, iteration.stop)) or self._jitted():
            return None  # (under `@jax.jit` its other parameters are traced: refused)
        return (f"it appends to `{sorted(grown)[0]}`, and lax stacks only a number of "
                "items known when tracing")

    def _grown_attribute(self, record) -> str | None:
        """Why a loop stays Python: it appends to a list an attribute holds
        (``self.history.append(self.x)``): lax carries the object's attributes with one
        structure, and a list that grows changes it (JAX's raw 'carry ... pytree
        structure' error; lead's o004). Python's loop runs where its trip count is static
        when traced."""
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][-1]
        for node in walk_lax(body.body, self.backend):
            function = callee(node, self.backend.records) if isinstance(node, S.Call) else None
            if isinstance(function, S.Attribute) and function.attr in ("append", "extend") and (
                    isinstance(function.value, S.Attribute)):
                return f"it grows the list `{S.unparse(function.value).strip()}`"
        return None

    def _appended_functions(self, record) -> str | None:
        """Why a loop stays Python: it appends a function it defines (``def h(): ...``,
        ``lambda: i``) to a list, and lax stacks only arrays (JAX's raw 'not a valid JAX
        type'). Python's loop runs where its trip count is static when traced, as the
        runtime's does, each closure seeing the loop's variables late-bound."""
        records = self.backend.records
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][-1]
        found = walk_lax(body.body, self.backend)
        defined = {n.name for n in found if isinstance(n, (S.FunctionDef, S.AsyncFunctionDef))}
        made = made_each_time(record, [body], self.backend)
        for node in found:
            called = records.of_call(node.value) if isinstance(node, S.Assign) else None
            if called is None or called.helper not in ("append", "extend"):
                continue
            value = called.operands.get("value")
            parts = value.elts if called.helper == "extend" and isinstance(
                value, (S.List, S.Tuple)) else [value]
            if any(isinstance(part, S.Lambda) or isinstance(part, S.Name) and part.id in defined
                   for part in parts):
                target = called.operands["target"]
                if isinstance(target, S.Name) and target.id in made:
                    continue  # a list each iteration makes and drops: never carried
                return (f"it appends functions to `{S.unparse(target).strip()}`, and lax "
                        "stacks only arrays")
        return None

    def _jitted(self) -> bool:
        """The function as written carries a ``jit`` decorator (``@jax.jit``,
        ``@autograph_jit``, ``partial(jax.jit, ...)``): the parameters it does not declare
        static are traced."""
        backend = self.backend
        function, module = backend.function, backend.module
        if module is None:
            return False
        written = next((n for n in S.walk(module) if isinstance(n, S.FunctionDef)
                        and n.name == function.name and n.lineno == function.lineno), None)
        return written is not None and any(
            "jit" in S.unparse(d) for d in written.decorator_list)

    def _needs_a_concrete_index(self, record) -> str | None:
        """Why a loop stays Python: its body uses the loop index (or a name computed from
        it, or for a ``while`` a carried name) where only a Python int works, a slice
        bound (``v[i:i + w]``) or an index into a Python list (``M[i][j] = ...``). lax
        would trace it, which cannot work; the runtime unrolls such a loop. Python's loop
        works where the bounds are static when the function is traced (``static_argnums``),
        and raises JAX's own error otherwise, as the user's code does."""
        if record.kind == "for" and isinstance(record.iteration, Range):
            seeds = {record.item}
        elif record.kind == "while":
            seeds = set(record.carried)
        else:
            return None
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][-1]
        use = concrete_index_use(body, seeds, self.backend)
        if use is None:
            return None
        return f"its body needs a Python int where lax would trace one (`{S.unparse(use)}`)"

    def _resized_list(self, record) -> str | None:
        """Why a loop stays Python: it gives a list it carries another length (``row =
        [1] + [...] + [1]``, ``row = [f(r) for r in row if r]``), which lax, whose carry
        keeps one structure, cannot hold. A loop over a static range runs as Python."""
        facts = self.backend.facts
        for definition in record.definitions:
            for node in S.walk(definition):
                if not (isinstance(node, S.Assign) and len(node.targets) == 1
                        and isinstance(node.targets[0], S.Name)
                        and node.targets[0].id in record.carried):
                    continue
                value, name = node.value, node.targets[0].id
                grown = (isinstance(value, S.BinOp) and isinstance(value.op, S.Add) and any(
                    isinstance(side, (S.List, S.ListComp)) for side in (value.left, value.right))
                    ) or (isinstance(value, S.ListComp) and any(
                        g.ifs for g in value.generators))
                if grown and facts.is_container(S.load(name)) and not self._shifted(
                        value, name):
                    return f"it gives the list `{name}` another length, which lax cannot carry"
        return None

    def _shifted(self, value, name: str) -> bool:
        """``hist[1:] + [v]`` (or ``[v] + hist[:-1]``): as many items dropped from one
        end as the display adds at the other, of a list every binding before the loop
        makes long enough (a display of at least that many items): the length stays."""
        if not (isinstance(value, S.BinOp) and isinstance(value.op, S.Add)):
            return False
        for kept, added, forward in ((value.left, value.right, True),
                                     (value.right, value.left, False)):
            if not (isinstance(added, S.List) and isinstance(kept, S.Subscript)
                    and isinstance(kept.value, S.Name) and kept.value.id == name
                    and isinstance(kept.slice, S.Slice) and kept.slice.step is None
                    and not any(isinstance(e, S.Starred) for e in added.elts)):
                continue
            start, stop = kept.slice.lower, kept.slice.upper
            if (stop if forward else start) is not None:
                continue
            dropped = _literal_int(start if forward else stop)
            dropped = dropped if forward or dropped is None else -dropped
            if dropped is None or dropped <= 0 or dropped != len(added.elts):
                continue
            bindings = self.backend.facts.bindings.get(name, [])
            displays = [b for b in bindings if isinstance(b, S.List)]
            if displays and all(b is value or _same_shift(b, value) or (
                    isinstance(b, S.List) and len(b.elts) >= dropped
                    and not any(isinstance(e, S.Starred) for e in b.elts)) for b in bindings):
                return True
        return False

    def _python_items(self, record) -> str | None:
        """Why a ``for`` over a name stays Python: the code shows its items are Python's,
        which ``lax.scan`` cannot slice: keys the body indexes the iterable with (``for k
        in params: params[k]``, a dict), strings it compares them to (``op == "inc"``,
        ``case "inc":``), or a Python iterator (``it = iter(v)``). The runtime runs such
        a loop as Python too."""
        if record.kind != "for" or isinstance(record.iteration, Range):
            return None
        iterable, backend = record.iteration.iterable, self.backend
        if _numpy_indices(iterable, backend.records):
            return f"it iterates over `{S.unparse(iterable)}`, tuples of indices"
        typed = self._tested_type(record)
        if typed is not None:
            return (f"its body tests the type of its items (`{typed}`), which lax.scan "
                    "would make arrays")
        generator = self._generator_called(iterable)
        if generator is not None:
            return f"it iterates over what the generator `{generator}` yields"
        if record.iteration.see_through in ("enumerate", "zip") and isinstance(
                iterable, S.Call):
            for argument in iterable.args:  # `enumerate(it)` of `it = iter(...)`
                if isinstance(argument, S.Name) and self._python_iterator_name(argument.id):
                    return f"it iterates over `{argument.id}`, a Python iterator"
        if not isinstance(iterable, S.Name):
            return None
        name = iterable.id
        facts = backend.facts
        values = facts.bindings.get(name)
        while values in (None, [None]) and facts.outer is not None:
            # a first run's `def if_true_5(...)`: the enclosing function's variable
            facts = facts.outer
            values = facts.bindings.get(name)
        values = values or []
        if values and all(v is not None and python_iterator(v, backend, bound=True) for v in values):
            return f"it iterates over `{name}`, a Python iterator"
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][0]
        nodes = walk_lax(body.body, backend)
        items = _derived_names(nodes, {record.item})
        for node in nodes:
            if (isinstance(node, S.Subscript) and isinstance(node.value, S.Name)
                    and node.value.id == name and _reads(node.slice, items)):
                return f"its items are keys of `{name}` (`{S.unparse(node)}`)"
            if _compares_with_a_string(node, items, backend):
                return "its items are compared with strings"
        return None

    def _python_iterator_name(self, name: str) -> bool:
        """Every binding of ``name`` (here or in the enclosing function) is a Python
        iterator (``iter(...)``)."""
        backend, facts = self.backend, self.backend.facts
        values = facts.bindings.get(name)
        while values in (None, [None]) and facts.outer is not None:
            facts = facts.outer
            values = facts.bindings.get(name)
        values = values or []
        return bool(values) and all(v is not None and python_iterator(v, backend, bound=True)
                                    for v in values)

    def _generator_called(self, iterable) -> str | None:
        """``gen(5)`` where ``gen`` is a generator function of the module's or this
        function's (its ``def`` yields): a Python iterator, which lax.scan cannot slice."""
        function = callee(iterable, self.backend.records)
        if not isinstance(function, S.Name):
            return None
        expressions = self.backend.expressions
        definition = expressions._local_definition(function.id)
        if definition is None and function.id not in self.backend.context.local_names:
            definition = expressions._module_function(function.id)
        if isinstance(definition, S.ClassDef) or (
                definition is None and function.id not in self.backend.context.local_names):
            return self._iterable_class(function.id, definition)
        if not isinstance(definition, S.FunctionDef):
            return None
        own = [n for n in S.walk(definition) if isinstance(n, (S.Yield, S.YieldFrom))]
        nested = {id(n) for d in S.walk(definition) if d is not definition and isinstance(
            d, (S.FunctionDef, S.Lambda)) for n in S.walk(d)}
        return function.id if any(id(n) not in nested for n in own) else None

    def _iterable_class(self, name: str, definition) -> str | None:
        """``Countdown(4)`` of a class of the module's (or this function's) that defines
        ``__iter__``: Python iterates the object through it, which lax.scan cannot slice
        (``jnp.asarray`` of the object: JAX's raw 'object dtype' error; lead's o012)."""
        module = self.backend.module
        classes = [definition] if isinstance(definition, S.ClassDef) else [
            n for n in S.walk(self.backend.function) if isinstance(n, S.ClassDef)
            and n.name == name] or [
            n for n in (module.body if module is not None else [])
            if isinstance(n, S.ClassDef) and n.name == name]
        if len(classes) == 1 and any(isinstance(m, S.FunctionDef) and m.name == "__iter__"
                                     for m in classes[0].body):
            return f"{name}.__iter__"
        return None

    def _tested_type(self, record) -> str | None:
        """``isinstance(it, int)`` (or ``type(it)``, ``hasattr(it, ...)``) of an item the
        loop takes, or of a name computed from one: over a tuple of Python numbers
        (``(1, 2.5, 3)``) Python answers per item, while lax.scan would slice one array,
        whose items are never ints."""
        backend = self.backend
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][0]
        nodes = walk_lax(body.body, backend)
        items, grown = {record.item} - {None}, True
        while grown:  # `i, v = item` too, as the pipeline unpacks enumerate's pairs
            grown = False
            for node in nodes:
                if isinstance(node, S.Assign) and _reads(node.value, items):
                    new = {n.id for t in node.targets for n in S.walk(t)
                           if isinstance(n, S.Name)} - items
                    if new:
                        items |= new
                        grown = True
        for node in nodes:
            function = callee(node, backend.records) if isinstance(node, S.Call) else None
            if (isinstance(function, S.Name) and function.id in _TYPE_TESTS and node.args
                    and _reads(node.args[0], items)):
                return f"{function.id}({S.unparse(node.args[0])}, ...)" if len(
                    node.args) > 1 else f"{function.id}({S.unparse(node.args[0])})"
        return None

    def _while(self, record, condition: S.FunctionDef, body: S.FunctionDef) -> list:
        backend, call = self.backend, record.call
        condition.body = backend.block(condition.body[:-1], in_lax=True) + [S.set_location(
            S.Return(value=self.expressions.lax_test(record.test)), call)]
        body.body = backend.block(body.body, in_lax=True)
        self.take_carry(condition, leading=0)
        self.take_carry(body, leading=0)
        call.value = self._loop_call(record, "while_loop", [
            S.load(condition.name), S.load(body.name), tuple_of(record.carried)])
        return [condition, body] + self._promoted(record, body) + [call]

    def _promoted(self, record, body, before=(), after=(), output=None) -> list:
        """The carry promoted to what one iteration gives, where it may change type
        (after the lists a loop with ``break`` grows get their room: ``stopped_growth``)."""
        rooms = self.growth.rooms(record, body, before)
        types = self.backend.carry_types
        if not types.loop_needs_promotion(record):
            return rooms
        return rooms + types.promoted(record, body.name, record.call, before, after, output)

    def _for(self, record, body: S.FunctionDef) -> list:
        backend, call = self.backend, record.call
        live = self._zipped_updated(record, body)
        # lists a loop without `break` appends to start empty in its body (the items are
        # stacked): an `if` there may carry them whatever other names reach the original
        fresh = backend.fresh_lists
        if record.break_flag is None:
            backend.fresh_lists = fresh | (appended_lists(body, backend.records)
                                           & set(record.carried))
        else:  # (their length, which the `break` decides, is traced: `len` reads it)
            self.growth.names |= appended_lists(body, backend.records) & set(record.carried)
        try:
            body.body = backend.block(body.body, in_lax=True)
        finally:
            backend.fresh_lists = fresh
        grown = grown_lists(body)
        if record.break_flag is not None and grown:
            return self.growth.until_break(record, body, grown, live)
        return self._for_written(record, body, grown, live)

    def _for_written(self, record, body: S.FunctionDef, grown: list, live) -> list:
        call, iteration = record.call, record.iteration
        if not isinstance(iteration, Range):
            items, length = self.forms.items(iteration.iterable, iteration.see_through)
            started = self._target_started(record, items, length)
            written = self._over_items(record, body, items, length, grown, live)
            if not started:
                return written
            guard = written[0] if len(written) == 1 and isinstance(written[0], S.If) else None
            if guard is not None and guard.body and id(guard.body[-1]) in self.guarded:
                guard.body = started + guard.body  # (under the loop's own `len(v) > 0`)
                return written
            return self._when_any(length, started + written)
        start, stop = (self.expressions.value(b) for b in (iteration.start, iteration.stop))
        step = 1 if iteration.step is None else self._step(call, iteration.step)
        index = counted_index(record, self.backend)
        if index is not None:  # read after the loop: it starts at the range's start
            placeholder = assign(index, S.deep_copy(start), call)
            written = self._range(record, body, start, stop, step, grown)
            written = [placeholder] + written
            if not self.backend.is_static_bound(iteration) and static_count(
                    iteration, self.backend) is None:
                written += self._unassigned_check(record, index, start, stop, step)
        else:
            written = None
        if (index is not None or self._indexes_with(body)) and self.backend.is_static_bound(
                iteration) and (integer(start) is None or integer(stop) is None):
            # `if len(v) > 0:`, `if n > k:`; `if k > -1:` for a range counting down
            low, high = (start, stop) if step > 0 else (stop, start)
            test = S.Compare(left=S.deep_copy(high), ops=[S.Gt()],
                             comparators=[S.deep_copy(low)])
            written = written or self._range(record, body, start, stop, step, grown)
            return self._when_any(None, written, test)
        return written or self._range(record, body, start, stop, step, grown)

    def _unassigned_check(self, record, index: str, start, stop, step: int) -> list:
        """After a loop over a ``range`` of traced length whose index the next statement
        reads (``python_form.surely_read_after``): where the range was empty, Python's
        ``UnboundLocalError`` at that read, raised through ``jax.debug.callback`` when
        the program runs (as the runtime raises it); the loop started the index at the
        range's start, which is never read then."""
        call = record.call
        name = self.backend.context.names.new(f"unassigned_{record.line}")
        message = (f"{self.spell.filename}:{record.line}: cannot access local variable "
                   f"'{index}' where it is not associated with a value (the `range` of "
                   "this `for` was empty, so the loop never assigned it)")
        raised = S.Raise(exc=S.Call(func=S.load("UnboundLocalError"), args=[
            constant(message)], keywords=[]), cause=None)
        checker = function_def(name, ["empty"], [
            S.If(test=S.load("empty"), body=[raised], orelse=[])], call)
        low, high = (start, stop) if step > 0 else (stop, start)
        empty = S.Compare(left=S.deep_copy(high), ops=[S.LtE()],
                          comparators=[S.deep_copy(low)])
        callback = self.spell.debug("callback", [S.load(name), empty], call)
        return [checker, S.set_location(S.Expr(value=callback), call)]

    def _over_items(self, record, body: S.FunctionDef, items, length, grown: list,
                    live) -> list:
        """A ``for`` over items (an array's rows, ``enumerate``/``zip`` of them)."""
        backend, call, iteration = self.backend, record.call, record.iteration
        carried = tuple_of(record.carried)
        first = first_item(items)
        if record.break_flag is not None:
            self.take_carry(body, leading=1)
            promoted = self._promoted(record, body, before=[first])
            return self._when_any(length, self.forms.until_break(
                record, body, constant(0), 1, length, items=items, promoted=promoted))
        if grown:
            return self.forms.growing_scan(record, body, items, grown)
        if "items_updated" in record.options or live:
            return self._when_any(length, self._live_items(record, body, iteration))
        peeled = self._none_at_start(record)
        if hasattr(_first_of(items), ENUMERATED) and not peeled and any(
                backend.carry_types.starts_narrow(n) for n in record.carried):
            written = self._enumerated(record, body, items, length)
            return self._when_any(length, written) if self._may_be_a_list(
                iteration.iterable) else written
        self.take_carry(body, leading=1, scan=True)
        if peeled and _known_length(length):
            # `m = None` before the loop, an array after its first iteration: lax
            # carries one structure, so the first iteration runs as Python does
            first_run = S.Subscript(value=S.Call(func=S.load(body.name), args=[
                carried, first_item(items)], keywords=[]), slice=constant(0),
                ctx=S.Load())
            written = [body, assign(tuple_of(record.carried, S.Store), first_run, call)]
            scan = self.spell.lax("scan", [S.load(body.name), tuple_of(record.carried),
                                           _rest(items)], call)
            call.value = S.copy_location(S.Subscript(value=scan, slice=constant(0),
                                                     ctx=S.Load()), call)
            return self._when_any(length, written + [call])
        scan = self.spell.lax("scan", [S.load(body.name), carried, items], call)
        call.value = S.copy_location(S.Subscript(value=scan, slice=constant(0),
                                                 ctx=S.Load()), call)
        written = [body] + self._promoted(record, body, after=[first], output=0) + [call]
        return self._when_any(length, written) if self._may_be_a_list(
            iteration.iterable) else written

    def _target_started(self, record, items, length) -> list:
        """``i, x = 0, v[0]``: the loop's target started as its first item where it may
        be unassigned when the loop starts and is read after it
        (``python_form.guarded_target_names``), to go under the loop's ``if len(v) >
        0:``: over no items it stays unassigned, as in Python."""
        backend = self.backend
        names = guarded_target_names(record, backend) - backend.placeholders(record)
        if not names:
            return []
        if not _known_length(length):
            raise self.spell.refuse(
                record.call, f"`{sorted(names)[0]}` may be unassigned after this loop, and "
                "the number of items it runs over is not known when tracing",
                "assign it before the loop, or drop --standalone", names=tuple(names))
        target = S.deep_copy(user_loop(record, backend).target)
        for node in S.walk(target):
            if hasattr(node, "ctx"):
                node.ctx = S.Store()
        return [assign(target, first_item(items), record.call)]

    def _unpeeled_none(self, record) -> str | None:
        """Why a loop stays Python: a name it carries starts as None (``best = None``,
        then ``best = w`` inside), and the loop is no ``for`` without ``break`` whose first
        iteration runs apart (``_over_items`` peels it): lax carries one structure, and
        None is none of an array's (JAX's pytree-structure error, naming no line)."""
        if record.kind == "for" and record.break_flag is None:
            return None
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][-1]
        assigned = bound_names(body.body)
        for name in record.carried:
            if name in assigned and self._none_before(record, name):
                return (f"`{name}` starts as None, which lax cannot carry beside an array; "
                        f"start it as a value of its type (`{name} = -1`, `jnp.nan`) and "
                        f"keep a flag beside it (`has_{name} = True` where it is set)")
        return None

    def _none_at_start(self, record) -> list[str]:
        """The carried names that may be ``None`` when the loop starts (``m = None``, then
        ``if m is None: m = x``) and that its body assigns."""
        facts = self.backend.facts
        body = [d for d in record.definitions if isinstance(d, S.FunctionDef)][0]
        assigned = bound_names(body.body)
        return [name for name in record.carried if name in assigned and any(
            isinstance(v, S.Constant) and v.value is None
            for v in facts.bindings.get(name, []))]

    def _when_any(self, count, written: list, test=None) -> list:
        """``if len(xs) > 0:`` around a lax loop whose trip count is known when tracing
        (an array's length, a shape): Python runs no iteration of a loop over nothing,
        but lax traces the body all the same, on an item of an empty array (an
        IndexError) or of ``jnp.asarray([])`` (floats, which change an int carry)."""
        if test is None:
            if not _known_length(count):
                return written  # `len(f(x))` would call `f` again, and reads as traced
            # `min(len(a), len(b)) > 0` (zip) as `len(a) > 0 and len(b) > 0`, which a
            # second run reads as static (the lengths it knows: the loop may still run
            # no iteration, only not over an item of nothing)
            tests = [S.Compare(left=c, ops=[S.Gt()], comparators=[constant(0)])
                     for c in (count.args if count.func.id == "min" else [count])
                     if _known_length(c)]
            test = tests[0] if len(tests) == 1 else S.BoolOp(op=S.And(), values=tests)
        location = written[-1]
        self.guarded.add(id(location))
        return [S.set_location(S.If(test=test, body=written, orelse=[]), location)]

    def _may_be_a_list(self, iterable) -> bool:
        """A scan over a parameter (or ``zip``/``enumerate`` of one) the code does not show
        to be an array: a caller may pass a Python list, ``[]`` included."""
        facts = self.backend.facts
        names = [iterable] if isinstance(iterable, S.Name) else list(
            iterable.args) if _builtin(iterable, self.forms) else []
        return any(isinstance(n, S.Name) and n.id in facts.parameters
                   and n.id not in facts.array_attributes for n in names)

    def _indexes_with(self, body: S.FunctionDef) -> bool:
        """The loop body indexes something with its index (``v[i]``): traced with a range
        of no iterations, that index is out of bounds of an empty array."""
        index = body.args.args[0].id
        return any(isinstance(n, S.Subscript) and any(
            isinstance(m, S.Name) and m.id == index for m in S.walk(n.slice))
            for n in S.walk(body))

    def _range(self, record, body: S.FunctionDef, start, stop, step: int, grown) -> list:
        call, carried = record.call, tuple_of(record.carried)
        if grown:
            if not all(integer(b) is not None or self.expressions.static(b)
                       for b in (start, stop)):
                raise self.spell.refuse(
                    call, "a list grown in a loop whose trip count is traced needs the "
                    "py2lax runtime (lax stacks only a known number of items)",
                    "make the bounds static (`static_argnames`), or drop --standalone",
                    names=tuple(grown))
            numbers = self.spell.numpy("arange", [start, stop] + (
                [constant(step)] if step != 1 else []), call)
            return self.forms.growing_scan(record, body, numbers, grown)
        unpacked = self.take_carry(body, leading=1)
        if record.break_flag is not None:
            promoted = self._promoted(record, body, before=[S.deep_copy(start)])
            return self.forms.until_break(record, body, start, step, stop, promoted=promoted)
        before = []
        if step != 1:
            start, stop, before = self.forms.counted(call, body, unpacked, start, stop, step)
        promoted = self._promoted(record, body, before=[S.deep_copy(start)])
        call.value = self._loop_call(record, "fori_loop",
                                     [start, stop, S.load(body.name), carried])
        return before + [body] + promoted + [call]

    def _loop_call(self, record, primitive: str, args: list):
        """``jax.lax.<primitive>(*args)``, or its helper that runs Python ints as Python
        where the carry may outgrow int32 (``python_ints``)."""
        if not may_outgrow_int32(record, self.backend):
            return self.spell.lax(primitive, args, record.call)
        name = helper_name(self.backend, "python_ints_" + primitive, record.call)
        return S.copy_location(S.Call(func=S.load(name), args=args, keywords=[]), record.call)

    def _enumerated(self, record, body: S.FunctionDef, items, length) -> list:
        """``for i, v in enumerate(xs):`` carrying a narrow dtype (``acc =
        jnp.int8(100)``) as ``fori_loop(0, len(xs), ...)`` reading ``v = xs[index]``:
        ``i`` is then lax's own counter, weakly typed like Python's int, so ``acc = acc +
        i`` stays int8 and wraps as NumPy does (a scan over ``jnp.arange(len(xs))`` gives
        int32 items, which widened the accumulator: a silent other answer; other loops
        keep the scan, where the index's int32 meets nothing narrower). What the loop
        reads an item of is evaluated once, in front, unless it is a name the loop does
        not change."""
        call, before = record.call, []

        def once(node):
            if isinstance(node, S.Tuple):
                return S.Tuple(elts=[once(e) for e in node.elts], ctx=S.Load())
            if hasattr(node, ENUMERATED) or _unchanged_name(node, record.carried):
                return node
            value, hoisted = self.forms.hoisted(call, node, f"items_{record.line}")
            before.extend(hoisted)
            return value

        items = once(items)
        item = body.args.args[0].id
        index = self.backend.context.names.new("index")
        body.args.args[0] = S.copy_location(S.param(index), body)
        unpacked = self.take_carry(body, leading=1)
        body.body.insert(unpacked, S.set_location(assign(item, _item(items, index), call),
                                                  body))
        promoted = self._promoted(record, body, before=[constant(0)])
        call.value = self.spell.lax("fori_loop", [constant(0), length, S.load(body.name),
                                                  tuple_of(record.carried)], call)
        return before + [body] + promoted + [call]

    def _live_items(self, record, body: S.FunctionDef, iteration) -> list:
        """``for v in u:`` whose body assigns items of ``u``: NumPy's loop reads each item
        as it is then, so the loop runs over positions of the carried ``u``
        (``fori_loop``, ``v = u[index]``), not over a copy taken before it."""
        call, iterable = record.call, iteration.iterable
        enumerated = iteration.see_through == "enumerate"
        zipped = iteration.see_through == "zip"
        array = iterable.args[0] if enumerated or zipped else iterable
        if enumerated and (iterable.args[1:] or iterable.keywords):
            raise self.spell.refuse(
                call, "a loop over `enumerate(u, start)` whose body assigns items of `u` "
                "needs the py2lax runtime", "loop over `range(len(u))`, or drop "
                "--standalone")
        if enumerated and _zip_call(array):  # `enumerate(zip(x, u))`
            zipped, iterable = True, array
        item = body.args.args[0].id
        index = self.backend.context.names.new("index")
        body.args.args[0] = S.copy_location(S.param(index), body)
        unpacked = self.take_carry(body, leading=1)
        if zipped:  # zip(x, u): the items of each, at the index; as many as the shortest
            # (a sequence the loop does not carry may be a NumPy array, which a traced
            # index cannot read)
            sequences = [self.expressions.value(a) for a in iterable.args]
            sequences = [a if isinstance(a, S.Name) and a.id in record.carried
                         else self.spell.numpy("asarray", [a], call) for a in sequences]
            value = S.Tuple(elts=[S.Subscript(value=S.deep_copy(a), slice=S.load(index),
                                              ctx=S.Load()) for a in sequences], ctx=S.Load())
            length = S.Call(func=S.load("min"), args=[S.Call(
                func=S.load("len"), args=[S.deep_copy(a)], keywords=[]) for a in sequences],
                keywords=[])
        else:
            value = S.Subscript(value=S.load(array.id), slice=S.load(index), ctx=S.Load())
            length = S.Call(func=S.load("len"), args=[S.load(array.id)], keywords=[])
        if enumerated:
            value = S.Tuple(elts=[S.load(index), value], ctx=S.Load())
        body.body.insert(unpacked, S.set_location(assign(item, value, call), body))
        promoted = self._promoted(record, body, before=[constant(0)])
        call.value = self.spell.lax("fori_loop", [constant(0), length, S.load(body.name),
                                                  tuple_of(record.carried)], call)
        return [body] + promoted + [call]

    def _zipped_updated(self, record, body: S.FunctionDef) -> bool:
        """``for a, b in zip(x, u):`` whose body assigns items of the carried ``u`` (and
        binds ``u`` no other way): its items are read as they are then."""
        iteration = record.iteration
        if isinstance(iteration, Range) or iteration.see_through != "zip" or not all(
                isinstance(a, S.Name) for a in iteration.iterable.args) or (
                iteration.iterable.keywords):
            return False
        records = self.backend.records
        names = {a.id for a in iteration.iterable.args} & set(record.carried)
        updated = False
        for name in names:
            bindings = [n for n in walk_lax(body.body, self.backend)
                        if isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign))
                        and name in bound_names([n])]
            updates = [a for a in bindings if not records.is_lowered_call(a)]
            if updates and all(S.is_in_place_write(a) or (
                    isinstance(a, S.Assign) and len(a.targets) == 1
                    and isinstance(a.targets[0], S.Name)
                    and records.writes(a.value, name, ("setitem",))) for a in updates):
                updated = True
            elif updates:
                return False
        return updated

    def _step(self, location, step) -> int:
        amount = integer(step)
        if not amount:
            raise self.spell.refuse(
                location, "a `range` step that is not a non-zero integer literal cannot be "
                "counted without the py2lax runtime", "write the step as a number, or "
                "drop --standalone")
        return amount

    def take_carry(self, function: S.FunctionDef, leading: int, scan: bool = False,
                   grown=()) -> int:
        """``def body(i, a, b)`` -> ``def body(i, carry): a, b = carry`` (``(carry, i)``
        for a scan body, which also returns ``(carried, None)``, or ``(carried,
        (appended lists))`` when it grows the lists ``grown``: those start empty
        instead); returns the number of statements put in front of the body."""
        parameters = function.args.args
        first = parameters[:leading]
        kept = [p.id not in grown for p in parameters[leading:]]
        carried = [p for p in parameters[leading:] if p.id not in grown]
        carry = S.copy_location(S.param(self.carry), function)
        function.args.args = [carry] + first if scan else first + [carry]
        front = []
        if carried:
            front.append(S.Assign(targets=[tuple_of([p.id for p in carried], S.Store)],
                                  value=S.load(self.carry), type_comment=None))
        front += [S.Assign(targets=[S.store(name)], value=S.List(elts=[], ctx=S.Load()),
                           type_comment=None) for name in grown]
        function.body[:0] = [S.set_location(s, function) for s in front]
        if scan:
            final = function.body[-1]
            output = tuple_of(list(grown)) if grown else constant(None)
            state = final.value
            if grown:  # what the body returns for the carried names (an object's state
                # dict too), without the lists it grows, which it stacks instead
                state = S.Tuple(elts=[e for e, keep in zip(final.value.elts, kept) if keep],
                                ctx=S.Load())
            final.value = S.set_location(S.Tuple(elts=[state, output], ctx=S.Load()), final)
        return len(front)


def concrete_index_use(body: S.FunctionDef, names: set, backend):
    """The first node of the loop body ``body`` that needs one of ``names``, or a name
    computed from them in the body, as a Python int: a slice bound (``v[i:]``) or an
    index into the function's Python lists (``rows[i]``, ``M[i][j] = x``); None."""
    nodes = walk_lax(body.body, backend)
    derived = _derived_names(nodes, names)
    for node in nodes:
        record = backend.records.of_call(node) if isinstance(node, S.Call) else None
        if record is not None and record.helper == "in_" and _reads(
                record.operands["item"], derived) and hashed_container(
                record.operands["container"], backend):
            # `k in allowed` of a set or dict: Python hashes the item, which a traced one
            # refuses
            return S.Compare(left=record.operands["item"], ops=[S.In()],
                             comparators=[record.operands["container"]])
        if isinstance(node, S.Subscript):
            value, index = node.value, node.slice
        else:
            if record is None or record.helper != "setitem" or (
                    backend.statements.selects_list_item(record)):
                continue  # (a list of numbers' item is selected: no Python int needed)
            value, index = record.operands["target"], record.operands["index"]
        bounds = [b for n in S.walk(index) if isinstance(n, S.Slice)
                  for b in (n.lower, n.upper, n.step) if b is not None]
        if any(_reads(b, derived) for b in bounds) or (
                _reads(index, derived) and _in_a_container(value, backend)
                and not _read_as_an_array(node, backend)):
            return S.Subscript(value=value, slice=index, ctx=S.Load())  # as the user wrote it
    return None


def _read_as_an_array(node, backend) -> bool:
    """``vals[j]`` read from a list of one length (``items_of_one_length``): the output
    reads ``jnp.asarray(vals)[j]``, which a traced ``j`` indexes."""
    return (isinstance(node, S.Subscript) and isinstance(node.ctx, S.Load)
            and isinstance(node.value, S.Name) and not isinstance(node.slice, (
                S.Slice, S.Tuple)) and items_of_one_length(backend, node.value.id))


def _numpy_indices(node, records) -> bool:
    """``np.ndenumerate(M)``, ``np.ndindex(shape)``, or ``zip``/``enumerate`` of one
    (as written, or called through the runtime): Python tuples of indices, which a scan
    cannot slice."""
    if not isinstance(node, S.Call):
        return False
    record = records.of_call(node)
    if record is not None and record.helper in ("zip", "enumerate"):
        return any(_numpy_indices(a, records) for a in record.operands["arguments"])
    function = node.func
    wrapped = records.of_call(function)
    if wrapped is not None and wrapped.helper == "converted":
        function = wrapped.operands["function"]
    if isinstance(function, S.Name) and function.id in ("zip", "enumerate"):
        return any(_numpy_indices(a, records) for a in node.args)
    return numpy_path(function) in (["ndenumerate"], ["ndindex"])


def _compares_with_a_string(node, names: set, backend) -> bool:
    """``op == "inc"`` (as written, or as the runtime's comparison), or ``case "inc":``
    in a ``match`` on one of ``names``."""
    if isinstance(node, S.Match):
        return isinstance(node.subject, S.Name) and node.subject.id in names and any(
            isinstance(p, S.MatchValue) and isinstance(p.value, S.Constant)
            and isinstance(p.value.value, str) for case in node.cases for p in S.walk(case.pattern))
    record = backend.records.of_call(node) if isinstance(node, S.Call) else None
    if record is not None and record.helper == "compare":
        operands = record.operands["operands"]
    elif isinstance(node, S.Compare):
        operands = [node.left] + node.comparators
    else:
        return False
    return any(isinstance(o, S.Name) and o.id in names for o in operands) and any(
        isinstance(o, S.Constant) and isinstance(o.value, str) for o in operands)


def _derived_names(nodes: list, names: set) -> set:
    """``names`` and every name assigned a value that reads one of them."""
    found, grown = set(names), True
    while grown:
        grown = False
        for node in nodes:
            if isinstance(node, S.Assign) and _reads(node.value, found):
                new = {t.id for t in node.targets if isinstance(t, S.Name)} - found
                if new:
                    found |= new
                    grown = True
    return found


def _reads(node, names: set) -> bool:
    return any(isinstance(n, S.Name) and n.id in names for n in S.walk(node))


def _in_a_container(node, backend) -> bool:
    """``node`` (``M`` or ``M[i]``) is one of the function's Python lists, tuples or dicts,
    or an item of one."""
    while True:
        if backend.facts.is_container(node):
            return True
        if not isinstance(node, S.Subscript):
            return False
        node = node.value


def _first_of(items):
    """The first array of what a scan slices (``enumerate``'s numbers, if any)."""
    return items.elts[0] if isinstance(items, S.Tuple) and items.elts else items


def _unchanged_name(node, carried) -> bool:
    """``xs`` or ``jnp.asarray(xs)`` of a name the loop does not carry: reading it
    inside the body at each position reads what it held before the loop."""
    if isinstance(node, S.Call) and len(node.args) == 1 and not node.keywords and (
            isinstance(node.func, S.Attribute) and node.func.attr == "asarray"):
        node = node.args[0]
    return isinstance(node, S.Name) and node.id not in carried


def _rest(items):
    """``items[1:]`` (each array of a tuple of them): what a scan runs over once the
    first item has run as Python."""
    if isinstance(items, S.Tuple):
        return S.Tuple(elts=[_rest(element) for element in items.elts], ctx=S.Load())
    return S.Subscript(value=S.deep_copy(items), slice=S.Slice(lower=constant(1), upper=None,
                                                                step=None), ctx=S.Load())


def _known_length(count) -> bool:
    """``len(xs)``/``len(self.xs)`` (or the ``min`` of such, for ``zip``): a length read
    without calling anything, which a second run also reads as known when tracing."""
    if (isinstance(count, S.Call) and isinstance(count.func, S.Name) and count.func.id == "min"
            and count.args and not count.keywords):
        return any(_known_length(c) for c in count.args)
    if not (isinstance(count, S.Call) and isinstance(count.func, S.Name)
            and count.func.id == "len" and len(count.args) == 1):
        return False
    node = count.args[0]
    while isinstance(node, S.Attribute):
        node = node.value
    return isinstance(node, S.Name)


__all__ = ["Loops", "GROWS"]


# -- a `while` that counts in Python floats ----------------------------------------------
def python_float_count(record, backend) -> str | None:
    """Why a ``while`` whose condition reads Python numbers only, one of them counted in
    floats (``t = 0.0``, ``t += 0.01``, or a ``NamedTuple`` field: ``s = State(pos, vel,
    s.t + 0.01)``), stays Python: the runtime runs it so, counting in float64, where
    ``lax.while_loop`` would count in float32 and may run one more or one fewer
    iteration (f_constructs.namedtuple_bounce ran 201 times, not 200)."""
    if record.kind != "while" or record.break_flag is not None or record.test is None:
        return None
    numbers = _PythonNumbers(backend)
    if numbers.known(record.test) and numbers.counts_floats(record.test):
        return "its condition reads a Python float it counts, which lax would count in float32"
    return None


class _PythonNumbers:
    """The function's names (and ``NamedTuple`` fields of its names) every binding of
    which is computed from Python numbers alone: never traced. The largest such set: a
    counter bound from itself (``t = t + 0.01``) counts as long as nothing else feeds it."""

    def __init__(self, backend):
        self.backend = backend
        self.static = set(backend.context.static_names)
        bindings = backend.facts.bindings
        self.names = {n for n, values in bindings.items() if values and None not in values}
        self.fields = {(n, f) for n in self.names for f in self._fields(n)}
        changed = True
        while changed:
            names = {n for n in self.names if all(self.known(v) for v in bindings[n])}
            fields = {(n, f) for n, f in self.fields if all(
                self.known(self._argument(v, f)) for v in bindings[n])}
            changed = (names, fields) != (self.names, self.fields)
            self.names, self.fields = names, fields

    def known(self, node) -> bool:
        if isinstance(node, S.Constant):
            return isinstance(node.value, (int, float)) and node.value is not None
        if isinstance(node, S.Name):
            return node.id in self.names or node.id in self.static
        if isinstance(node, S.Attribute) and isinstance(node.value, S.Name):
            return (node.value.id, node.attr) in self.fields
        if isinstance(node, S.BinOp):
            return self.known(node.left) and self.known(node.right)
        if isinstance(node, S.UnaryOp):
            return self.known(node.operand)
        if isinstance(node, S.Compare):
            return all(self.known(n) for n in [node.left, *node.comparators])
        if isinstance(node, S.BoolOp):
            return all(self.known(v) for v in node.values)
        return False

    def counts_floats(self, node, seen=None) -> bool:
        """A name or field ``node`` reads is bound, somewhere, from a float literal."""
        seen = set() if seen is None else seen
        bindings = self.backend.facts.bindings
        for part in S.walk(node):
            key = (part.value.id, part.attr) if isinstance(part, S.Attribute) and isinstance(
                part.value, S.Name) else part.id if isinstance(part, S.Name) else None
            if key is None or key in seen:
                continue
            seen.add(key)
            name, field = (key, None) if isinstance(key, str) else key
            values = [v if field is None else self._argument(v, field)
                      for v in bindings.get(name, []) if v is not None]
            if any(isinstance(c, S.Constant) and isinstance(c.value, float)
                   for v in values if v is not None for c in S.walk(v)):
                return True
            if any(self.counts_floats(v, seen) for v in values if v is not None):
                return True
        return False

    def _fields(self, name: str) -> list[str]:
        """The fields of the ``NamedTuple`` class every binding of ``name`` calls."""
        classes = {self._class_of(v) for v in self.backend.facts.bindings[name]}
        if len(classes) != 1 or None in classes:
            return []
        return self._fields_of(next(iter(classes)))

    def _class_of(self, value):
        function = callee(value, self.backend.records) if isinstance(value, S.Call) else None
        if not isinstance(function, S.Name):
            return None
        module = self.backend.module
        for cls in (module.body if module is not None else []):
            if isinstance(cls, S.ClassDef) and cls.name == function.id and any(
                    "NamedTuple" in S.unparse(b) for b in cls.bases):
                return cls
        return None

    def _argument(self, value, field: str):
        """What the constructor call ``value`` gives ``field`` (None: not known)."""
        cls = self._class_of(value)
        if cls is None or value.keywords and any(k.arg is None for k in value.keywords):
            return None
        fields = self._fields_of(cls)
        if field not in fields or any(isinstance(a, S.Starred) for a in value.args):
            return None
        index = fields.index(field)
        if index < len(value.args):
            return value.args[index]
        return next((k.value for k in value.keywords if k.arg == field), None)

    @staticmethod
    def _fields_of(cls) -> list[str]:
        return [s.target.id for s in cls.body
                if isinstance(s, S.AnnAssign) and isinstance(s.target, S.Name)]


def _zip_call(node) -> bool:
    return (isinstance(node, S.Call) and isinstance(node.func, S.Name) and node.func.id == "zip"
            and not node.keywords)


def _same_shift(binding, value) -> bool:
    """Another binding of the list written the same way (a first run's copy)."""
    return binding is not None and S.dump(binding) == S.dump(value)


def _literal_int(node) -> int | None:
    """The int a literal (``1``, ``-1``) spells; None for anything else."""
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
        inner = _literal_int(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, S.Constant) and type(node.value) is int:
        return node.value
    return None


# Why a loop runs as Python where only its items are Python's: each iteration can be lax
# (also: its own target unassigned before it, `for tol in (...): ... break; return tol`)
_OVER_PYTHON_ITEMS = {"it iterates over a Python container", "it iterates over a Python iterator"}

_IN_PLACE_METHODS = {"append", "extend", "insert", "pop", "remove", "clear", "update",
                     "setdefault", "popitem", "sort", "reverse", "add", "discard", "fill"}


def _changes_in_place(function: S.FunctionDef) -> bool:
    """The loop body writes into an object (``v[i] = x``, ``p.k = 1``) or calls a method
    that changes one (``rows.append(x)``): under ``lax.cond`` that change would hold a
    tracer outside the branch, so the iteration cannot be a function of its carry."""
    for node in S.walk(function):
        if isinstance(node, (S.Subscript, S.Attribute)) and isinstance(node.ctx, S.Store):
            return True
        if isinstance(node, (S.AugAssign)) and not isinstance(node.target, S.Name):
            return True
        if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and (
                node.func.attr in _IN_PLACE_METHODS):
            return True
    return False
