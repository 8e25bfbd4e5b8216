"""The plain-jax backend of ``py2lax --standalone``: converted code that needs only jax.

It reads the records the pipeline made (``py2lax.transforms.records``), never the
runtime calls the pipeline wrote: walking the converted function, a statement that is a
``Lowered`` record's call is replaced by the lax code for that record (its generated
functions and guards go with it), and a statement or expression that is a recorded
runtime call by its plain form (``Rewritten`` records, found by identity). So a
statement the pipeline lowered because it could not prove its condition static becomes
the lax primitive itself, with the carried tuple passed the way lax passes it::

    def loop_cond_5(carry):
        n, s = carry
        return n < x
    def loop_body_5(carry):
        n, s = carry
        s = s + n
        n = n + 1
        return (n, s)
    n, s = jax.lax.while_loop(loop_cond_5, loop_body_5, (n, s))

The work is split by kind: ``conditionals`` (``if``), ``loops`` and ``loop_forms``
(``while``/``for``), ``statements`` (item and attribute assignment, ``append``, ``print``,
``assert``, ``del``), ``expressions`` (``and``/``or``/``not``, ternaries, calls), and
``python_form``, which keeps as Python the statements plain lax cannot express; they
read ``facts`` (what the code says a name holds: a container, a boolean, an alias),
``carry_types`` and ``placeholders`` (dtypes Python lets change, typed by
``jax.eval_shape``) and write through ``spelling``. Helpers the function calls are
converted too: nested ones here, the module's own by the command.
What cannot be written without the runtime is refused with a located error that says
what to write instead (``spelling.Spelling.refuse``); the command then leaves the
function as Python with that line above it.
"""

from __future__ import annotations

import functools

from py2lax.frontend import syntax as S
from py2lax.analysis.closures import lax_callbacks
from py2lax.analysis.names import parameter_names
from py2lax.backends.plain_lax.read_defaults import add_read_defaults
from py2lax.backends.plain_lax.carry_types import CarryTypes
from py2lax.backends.plain_lax.conditionals import Conditionals
from py2lax.backends.plain_lax.expressions import (Expressions, refuse_python_type_tests,
                                                   refuse_type_tests_of_lax_ternaries,
                                                   ternary_results,
                                                   refuse_swallowing_blocks)
from py2lax.backends.plain_lax.facts import Facts, placeholder_names
from py2lax.backends.plain_lax.loops import Loops
from py2lax.backends.plain_lax.helper_writes import names_read_after_write_back
from py2lax.backends.plain_lax.objects import ObjectCarry
from py2lax.backends.plain_lax.placeholders import placeholder
from py2lax.backends.plain_lax.python_flags import function_end_nones, record_ancestry
from py2lax.backends.plain_lax.python_form import _MODULES as MODULE_NAMES
from py2lax.backends.plain_lax.python_form import (first_iteration_names, outside_writers,
                                                   static_iterable, unpacked_alone,
                                                   unwrap_first_run_checks)
from py2lax.backends.plain_lax.shared_definitions import PREFIX
from py2lax.backends.plain_lax.spelling import Spelling, assign, call, constant
from py2lax.backends.plain_lax.statements import Statements
from py2lax.backends.plain_lax.stopped_growth import rewrite_reads
from py2lax.pipeline import convert_function_tree, new_context
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.partial_carry import is_partial_carry_wrapper
from py2lax.transforms.records import KeptAsPython, Lowered


def to_plain_jax(function: S.FunctionDef, context: ConversionContext, jax_name: str,
                 numpy_name: str | None = None, outer: Facts | None = None,
                 module: S.Module | None = None) -> set[str]:
    """Rewrite ``function`` (already through the pipeline) in place so that it calls jax,
    not the py2lax runtime; return the names it called through ``py2lax.converted``.

    ``jax_name``/``numpy_name``: what the module calls ``jax`` and ``jax.numpy`` (``jnp``);
    without a name for ``jax.numpy``, ``jax.numpy`` is written out. ``outer``: what is
    known of the function ``function`` is nested in. ``module``: the module as written,
    whose functions are read to tell whether a call changes anything.
    """
    backend = PlainJax(function, context, Spelling(jax_name, numpy_name, context.filename,
                                                 context.records),
                       outer, module)
    refuse_python_type_tests(backend, function)
    ternaries = ternary_results(backend, function)
    refuse_swallowing_blocks(backend, function)
    choose_functions(backend, function)
    function.body = backend.block(function.body, in_lax=False)
    refuse_type_tests_of_lax_ternaries(backend, function, ternaries)
    rewrite_reads(backend, function)
    add_read_defaults(backend, function)
    for node in S.walk(function):  # what no rule above wrote in plain jax
        if (isinstance(node, S.Attribute) and isinstance(node.value, S.Name)
                and node.value.id == context.runtime):
            raise backend.spell.refuse(
                node, f"`{context.runtime}.{node.attr}` has no plain-jax form here",
                "drop --standalone to keep the py2lax runtime")
    return backend.called


def choose_functions(backend: "PlainJax", function: S.FunctionDef) -> None:
    """A variable that holds functions and that a lax statement carries (``act =
    jnp.tanh``, then ``act = jnp.sin`` in a traced ``if`` in a loop): lax cannot carry
    a function, but it can carry *which* one, as the runtime does (``choices``). Each
    binding becomes the function's position among those the code binds (``act = 0``,
    ``act = 1``) and each call ``jax.lax.switch(act, (jnp.tanh, jnp.sin), x)``.
    A use other than a call is refused at its line (it would read the position). Was
    JAX's raw 'not a valid JAX type' error (lead's n021)."""
    carried = {n for r in backend.records.lowered for n in r.carried}
    bindings: dict[str, list] = {}
    for node in S.walk(function):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name) and node.targets[0].id in carried:
            bindings.setdefault(node.targets[0].id, []).append(node)
    for name, assigned in bindings.items():
        if name in backend.facts.parameters or not all(
                _function_reference(a.value, backend) for a in assigned):
            continue
        candidates = list(dict.fromkeys(S.unparse(a.value).strip() for a in assigned))
        if len(candidates) < 2:
            continue
        branches = S.Tuple(elts=[S.deep_copy(next(
            a.value for a in assigned if S.unparse(a.value).strip() == text))
            for text in candidates], ctx=S.Load())
        calls, other = _uses_of_chosen(function, name, backend)
        if not calls:
            continue  # (never called: `scale = np.pi` or `np.e`, numbers lax carries)
        if other is not None:
            raise backend.spell.refuse(
                other, f"`{name}` holds a function a traced statement chooses, which lax "
                "can only call", f"call `{name}` only, or choose among the values the "
                "functions give, or drop --standalone", names=(name,))
        for assignment in assigned:
            assignment.value = S.copy_location(constant(candidates.index(
                S.unparse(assignment.value).strip())), assignment.value)
        for node in calls:
            switch = backend.spell.lax("switch", [S.load(name), S.deep_copy(branches)]
                                       + list(node.args), node)
            node.func, node.args, node.keywords = switch.func, switch.args, []


def _function_reference(value, backend) -> bool:
    """``jnp.tanh``, ``math.exp`` (a module's attribute), a ``lambda``, a ``def`` of the
    module or the function."""
    if isinstance(value, S.Lambda):
        return True
    root = value
    while isinstance(root, S.Attribute):
        root = root.value
    if isinstance(value, S.Attribute) and isinstance(root, S.Name):
        return root.id in MODULE_NAMES or root.id in _module_aliases(backend)
    if isinstance(value, S.Name):
        return backend.expressions._module_function(value.id) is not None or isinstance(
            backend.expressions._local_definition(value.id), S.FunctionDef)
    return False


def _module_aliases(backend) -> set[str]:
    """The names the module's imports bind to modules (``import jax.numpy as jnp``)."""
    module = backend.module
    if module is None:
        return set()
    return {(a.asname or a.name).split(".")[0] for node in module.body
            if isinstance(node, S.Import) for a in node.names}


def _uses_of_chosen(function, name: str, backend):
    """The calls of ``name`` (``act(x)``, ``py2lax.converted(act)(x)``) without keywords,
    and a read of it that is neither a call nor a carried value lax passes on (in a
    tuple a generated function returns or the lowered statement's call gives), if any."""
    calls, passed = [], set()
    for record in backend.records.lowered:
        for node in S.walk(record.call):
            if isinstance(node, S.Tuple):
                passed |= {id(e) for e in node.elts}
        for definition in record.definitions:
            for node in S.walk(definition):
                if isinstance(node, S.Return) and isinstance(node.value, S.Tuple):
                    passed |= {id(e) for e in node.value.elts}
    called = set()
    for node in S.walk(function):
        if not isinstance(node, S.Call):
            continue
        inner = backend.records.of_call(node.func)
        wrapped = inner is not None and inner.helper == "converted" and isinstance(
            inner.operands.get("function"), S.Name) and inner.operands["function"].id == name
        if not wrapped and not (isinstance(node.func, S.Name) and node.func.id == name):
            continue
        if node.keywords:
            return calls, node
        calls.append(node)
        called |= {id(n) for n in S.walk(node.func)}
    for node in S.walk(function):
        if isinstance(node, S.Name) and node.id == name and isinstance(node.ctx, S.Load) and (
                id(node) not in passed and id(node) not in called):
            return calls, node
    return calls, None


class PlainJax:
    """The rewrite of one function: its records, by identity, and the writers."""

    def __init__(self, function: S.FunctionDef, context: ConversionContext, spell: Spelling,
                 outer: Facts | None = None, module: S.Module | None = None):
        self.function, self.context, self.spell = function, context, spell
        self.module = module
        self.records = context.records
        self.by_call = {id(r.call): r for r in self.records.lowered if r.call is not None}
        self.generated = {id(s) for r in self.records.lowered for s in r.guards + r.definitions}
        self.generated_functions = {id(d) for r in self.records.lowered for d in r.definitions}
        # a def only a lax call right after it runs (a first run's output, read again):
        # its statements count as the statement's own, as the generated ones do
        self.lax_callbacks = lax_callbacks(function)
        # record id -> a first run's `_py2lax_python_test(...)` call (python_form)
        self.first_run_checks: dict[int, S.Call] = {}
        unwrap_first_run_checks(self)
        self.ancestry = record_ancestry(self.records.lowered)
        self.function_end_nones = function_end_nones(self)
        # every lowered statement's test, those later kept as Python too
        self.lowered_tests = [r.test for r in self.records.lowered if r.test is not None]
        self.facts = Facts(function, self.records, context.static_names, outer)
        self.facts.static_items |= context.python_items
        # NumPy calls whose result is updated by item: written with jax.numpy (`.at`).
        self.jax_arrays = {id(value) for name in self.facts.updated
                           if self.facts.numpy_created(name)
                           for value in self.facts.bindings.get(name, [])
                           if value is not None and self.facts.numpy_call(value)}
        self.called: set[str] = set()
        self.passed_to_inner: dict[int, set[str]] = {}
        self.fresh_lists: set[str] = set()  # lists a stacking loop's body starts empty
        # `break` flags of loops kept as Python, each iteration run while it is False
        self.python_break_flags: set[str] = set()
        # parameters an `if` being judged writes in place (None: not collected)
        self.dispatched_parameters: set[str] | None = None
        # an `if` being judged may give the function's result None on a path: that
        # alone then keeps it no Python (`Conditionals._value_or_none`)
        self.result_may_be_none = False
        # the `if`s written as `_py2lax_python_or_lax_cond`: on a static test no join
        # types the result there (the branch runs as Python)
        self.python_or_lax: set[int] = set()
        self.expressions = Expressions(self)
        self.objects = ObjectCarry(self)
        self.statements = Statements(self)
        self.carry_types = CarryTypes(self)
        self.conditionals = Conditionals(self)
        self.loops = Loops(self)
        self.local_helpers = self._local_helpers(function)

    @functools.cached_property
    def outside_writers(self) -> dict[str, str]:
        """Functions the code may call by name that change an object they do not bind
        (``python_form.outside_writers``): a lax body calling one stays Python."""
        return outside_writers(self.function, self.module, self.records)

    def _local_helpers(self, function) -> set[str]:
        """Nested ``def``s the function calls through ``py2lax.converted``, or names
        anywhere else: a helper another helper calls (``step`` calling ``clamp``), one
        given to ``functools.partial``. The runtime converts each when it is
        called, whoever calls it."""
        nested = {node.name for node in S.walk(function)
                  if isinstance(node, S.FunctionDef) and node is not function
                  and id(node) not in self.generated_functions}
        called = {r.operands["function"].id for r in self.records.rewritten.values()
                  if r.helper == "converted" and isinstance(r.operands.get("function"), S.Name)}
        named = {node.id for node in S.walk(function)
                 if isinstance(node, S.Name) and isinstance(node.ctx, S.Load)}
        return nested & (called | named)

    # -- statement lists ---------------------------------------------------------------
    def block(self, statements: list, in_lax: bool) -> list:
        """``statements`` rewritten; ``in_lax``: they run inside a lax branch or body."""
        out: list = []
        for statement in statements:
            if id(statement) in self.generated:
                continue  # written with the record's call, below
            if is_partial_carry_wrapper(statement):  # the runtime's: plain jax needs none
                out += self.block(statement.body, in_lax)
                continue
            record = self.by_call.get(id(statement))
            if record is not None:
                out += self.lowered(record, in_lax)
            elif isinstance(statement, S.FunctionDef):
                # `@jax.jit` on a nested def: the runtime's `@py2lax.converted` below it
                # goes, and the function is converted here
                kept = [d for d in statement.decorator_list
                        if getattr(self.records.of_call(d), "helper", None) != "converted"]
                traced = len(kept) != len(statement.decorator_list)
                statement.decorator_list = kept
                if statement.name in self.local_helpers or traced:
                    self._convert_helper(statement)
                out.append(statement)  # other nested functions of the user stay as written
            elif isinstance(statement, S.ClassDef):
                self._convert_methods(statement)
                out.append(statement)
            elif isinstance(statement, S.AsyncFunctionDef):
                out.append(statement)
            else:
                self._inner_blocks(statement, in_lax)
                out += self.statements.statement(statement)
        return out

    def lowered(self, record: Lowered, in_lax: bool) -> list:
        if record in self.records.lowered:
            self._refuse_uncarried_objects(record)
        written = self.objects.around(record, self.conditionals.emit(record)
                                      if record.kind == "if" else self.loops.emit(record))
        if record in self.records.lowered:  # written as lax: its placeholders first
            written = self._placeholders(record) + written
        if (not in_lax and record.result in record.carried and record in self.records.lowered
                and id(record.call) not in self.loops.guarded
                and id(record) not in self.python_or_lax
                and not self.ancestry.get(id(record))):
            # typed by this statement's join or loop (not one that may run no iteration,
            # nor one inside a branch kept as Python, which may not run)
            self.carry_types.result_typed = True
        return written

    def _refuse_uncarried_objects(self, record: Lowered) -> None:
        """An object of the user's class (not a pytree) that lax would carry out of the
        statement as a value it cannot hold (``return Best(x)`` in a loop, whose result
        lax carries): refused at the line, with what to write, before JAX's own
        ``TypeError`` at run time."""
        carried = None
        assigned = [n for d in record.definitions for n in S.walk(d)]
        # `v = Vec(a, b)` above, `v = v.scale(0.5)` in the loop: the carried name holds one
        assigned += [S.copy_location(S.Assign(targets=[S.store(name)], value=value), value)
                     for name in record.carried for value in self.facts.bindings.get(name, [])
                     if isinstance(value, S.Call)]
        for node in assigned:
            if not (isinstance(node, S.Assign) and isinstance(node.value, S.Call)):
                continue
            names = [t.id for t in node.targets
                     if isinstance(t, S.Name) and t.id in record.carried]
            cls = self.objects.plain_class(node.value) if names else None
            if cls is None:
                continue
            if carried is None:
                # (not the function's `return_value`: no object of the user's to
                # rebuild from its attributes before the statement)
                carried = set(self.objects.changed(record)) - {record.result}
            for name in names:
                if name in carried:
                    continue
                made = S.unparse(S.Call(func=S.load(cls), args=node.value.args,
                                        keywords=node.value.keywords)).strip()
                returned = name == record.result
                shown = f"return {made}" if returned else f"{name} = {made}"
                fix = ("return the values the object holds and build the "
                       f"`{cls}` from them where the function is called" if returned
                       else f"keep the values the object holds in variables of their "
                       f"own and build the `{cls}` after the statement")
                raise self.spell.refuse(
                    node, f"`{shown}` gives an object of the class `{cls}` out of a "
                    f"statement lax runs, which carries arrays only",
                    f"{fix}, or make `{cls}` a pytree (`@jax.tree_util."
                    "register_dataclass`, a `NamedTuple`), or drop --standalone",
                    names=(name,))

    def placeholders(self, record: Lowered) -> set[str]:
        """The carried names that start the statement as placeholders: those the code
        never reads unbound (``facts.placeholder_names``), and those a loop that surely
        runs assigns first (``python_form.first_iteration_names``). An input the
        statement only passes on (an ``elif`` whose inner ``if`` assigns ``y``) counts too:
        the inner statement gives it its own placeholder before any read."""
        return (placeholder_names(record, self.records) | first_iteration_names(
            record, self) | self._passed_to_inner(record)) & (
            set(record.carried) | set(record.inputs))

    def _passed_to_inner(self, record: Lowered) -> set[str]:
        """The names an ``if`` takes in where they may be unbound only to pass them to
        a statement inside it that starts them with its own placeholder (``k`` of ``for
        k in range(60)`` in the ``else`` a ``return`` above made): in each branch, the
        first statement that names one is that inner statement, and nothing after the
        ``if`` reads it (not carried out)."""
        if record.kind != "if":
            return set()
        if id(record) not in self.passed_to_inner:  # (before its branches are written)
            self.passed_to_inner[id(record)] = self._first_passed_to_inner(record)
        return self.passed_to_inner[id(record)]

    def _first_passed_to_inner(self, record: Lowered) -> set[str]:
        candidates = {n for n, unbound in record.unbound.items() if unbound} - set(
            record.carried)
        if not candidates:
            return set()
        owners = {}
        for inner in self.records.lowered:
            if inner is record:
                continue
            for node in [inner.call] + list(inner.guards) + list(inner.definitions):
                owners[id(node)] = inner
        found = set()
        for name in candidates:
            covered = True
            for function in record.definitions:
                if not isinstance(function, S.FunctionDef):
                    continue
                first = next((s for s in function.body if any(
                    isinstance(n, S.Name) and n.id == name for n in S.walk(s))), None)
                inner = owners.get(id(first)) if first is not None else None
                if first is not None and (inner is None or name not in self.placeholders(
                        inner)):
                    covered = False
            if covered:
                found.add(name)
        return found

    def _placeholders(self, record: Lowered) -> list:
        """``found = jnp.zeros((0,), bool)`` for each name lax carries into the statement
        before the user's code gives it a value, where the code never reads it unbound
        (``facts.placeholder_names``): the loop or join that carries it first gives it
        the type the statement assigns (``carry_types``), and the value is never read.
        A name an earlier statement may have bound keeps its value."""
        out = []
        for name in sorted(self.placeholders(record)):
            value = placeholder(self.function, name, self.facts, self.spell)
            if not record.unbound.get(name, False):
                value = call(S.Attribute(value=call(S.load("locals"), [], None), attr="get",
                                         ctx=S.Load()), [constant(name), value], None)
            out.append(assign(name, value, record.call))
        return out

    def python_block(self, statements: list) -> list:
        """Statements ``python_form`` rebuilt as the user's own: their inner statements
        and expressions rewritten like any other."""
        out = []
        for statement in statements:
            self._inner_blocks(statement, in_lax=False)
            out.append(statement)
        return out

    def kept_as_python(self, record: Lowered, reason: str) -> None:
        """The record's statement stays Python: the command's comments must not name a
        lax primitive for it."""
        self.records.lowered.remove(record)
        self.records.kept.append(KeptAsPython(record.kind, record.line, reason))
        for node in S.walk(record.test) if record.test is not None else []:
            if self.records.of_call(node) is not None:  # (written again as Python's)
                self.records.give_back(self.records.of_call(node))
            self.records.rewritten.pop(id(node), None)
        # Its runtime call and guards are dropped, and its iterable is written again as
        # the user's (each change there recorded as it is written)
        for part in [record.call] + list(record.guards):
            for node in S.walk(part):
                if self.records.of_call(node) is not None:
                    self.records.give_back(self.records.of_call(node))

    def _inner_blocks(self, statement, in_lax: bool) -> None:
        for field, inner in list(S.statement_lists(statement)):
            setattr(statement, field, self.block(inner, in_lax))
        for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
            part.body = self.block(part.body, in_lax)

    def _convert_helper(self, function: S.FunctionDef) -> None:
        """A nested ``def`` the function calls: converted here, as the runtime would convert
        it when called (its parameters are traced; the outer static names stay static)."""
        static = self.context.static_names - set(parameter_names(function.args))
        given = self._static_items_given(function)
        context = new_context(function, self.context.filename, static | given)
        context.standalone, context.python_items = True, frozenset(given)
        convert_function_tree(function, context)
        if context.records.changes():
            if id(function) in self.lax_callbacks:
                # lax gives it its arguments (tracers) and takes back what it returns
                # (a first run's `def if_false_5(v): v += k`, read again): no caller
                # holds an array it could update in place, so no guard for one (a
                # second run wrote it: not a fixed point; hypothesis's optimiser)
                context.unreturned_in_place = {}
            elif function.name.endswith("_kept"):
                # a helper's copy given a parameter of the function (``helper_writes``):
                # it returns what it writes, but the caller's own caller holds the array
                context.kept_parameters = set(context.updated_in_place)
            self.called |= to_plain_jax(function, context, self.spell.jax,
                                        self.spell.numpy_name, self.facts, self.module)
            for line, why in context.records.changes():  # its changes are the function's
                self.records.change(line, why)
            self.records.calls_jax |= context.records.calls_jax

    def _static_items_given(self, function: S.FunctionDef) -> set[str]:
        """A first run's ``loop_iteration_5(item_5, ...)`` of a loop over values known
        when tracing (``for item_5 in enumerate(a.shape):``, each iteration run by
        ``_py2lax_unless_broken(broke_5, loop_iteration_5, item_5, ...)``): its item
        parameter, and the names it unpacks from it alone (``i, d = item_5``), are
        Python values, as they were when the first run wrote its body."""
        runner = PREFIX + "unless_broken"
        for loop in S.walk(self.module) if self.module is not None else []:
            if not (isinstance(loop, S.For) and isinstance(loop.target, S.Name)):
                continue
            defined = [d for d in loop.body if isinstance(d, S.FunctionDef) and (
                d.name, d.lineno) == (function.name, function.lineno)]
            runs = [c for c in S.walk(loop) if isinstance(c, S.Call) and isinstance(
                c.func, S.Name) and c.func.id == runner and len(c.args) > 2 and all(
                isinstance(a, S.Name) for a in c.args[1:3]) and (
                c.args[1].id, c.args[2].id) == (function.name, loop.target.id)]
            parameters = parameter_names(function.args)
            if not (defined and runs and parameters):
                continue
            see_through = loop.iter.func.id if isinstance(loop.iter, S.Call) and isinstance(
                loop.iter.func, S.Name) else None
            if not static_iterable(loop.iter, see_through, self):
                return set()
            return unpacked_alone(function, function, [], {parameters[0]})
        return set()

    def _convert_methods(self, cls: S.ClassDef) -> None:
        """The methods of a class the function defines: the runtime converts a method
        when it is called, so ``if self.v > 5:`` in one becomes lax here (its ``self``
        carried as its attributes, see ``objects``), as the command does for the
        module's own classes."""
        for method in cls.body:
            if isinstance(method, S.FunctionDef) and not any(
                    isinstance(n, (S.Yield, S.YieldFrom)) for n in S.walk(method)):
                self._convert_helper(method)

    def is_entry_point(self) -> bool:
        """No code of the module calls (or names) the function: its callers are outside,
        and under ``jax.jit`` they pass arrays it cannot change in place anyway."""
        if self.module is None:
            return False
        # (read as the output will: a call that became the helper's `_written` copy
        # no longer names it)
        return self.function.name not in names_read_after_write_back(self.module)

    def is_static_bound(self, iteration) -> bool:
        """Both bounds of a ``range`` are known when tracing, from the code alone."""
        return all(self.expressions.static(b) for b in (iteration.start, iteration.stop))
