"""Which lowered statements plain lax cannot express, and the Python statement they stay.

The runtime chooses between Python and lax when it sees the values. The command line
cannot, so it writes lax where lax computes what Python computes, and keeps the user's
own statement where it cannot: a branch that assigns a string or ``None``, a body that
changes a container the statement does not carry (``items.pop()``), that sets an
attribute, calls a method for its effect or writes a global, an ``if`` that appends to a
list, a variable that may still be unassigned when the statement starts, a call of the
function itself. Kept as Python, the statement means exactly what the user wrote: right
whenever its condition or trip count is static when traced, and JAX's own error (a
traced value converted to ``bool``) when it is not, never a different answer. An ``if``
or ``while`` test that may be traced runs through ``_py2lax_python_test`` (``checked_test``)
so that this error's first line names the user's line and why the statement stayed
Python; JAX's own names only the function being traced.

A ``for`` over a static ``range`` keeps the runtime's rules too: at most
``UNROLL_LIMIT`` iterations run as Python, and so does a body that indexes one of the
function's lists with the loop index.

The Python statement is rebuilt from the record: its test (``record.test``), what it
iterates (``record.iteration``) and the bodies of its generated functions, without the
lines that pass values in and out of them. A second run reads the same statement, finds
the same reason and keeps it again.
"""

from __future__ import annotations

import builtins
import re

from py2lax.frontend import syntax as S
from py2lax.analysis.names import parameter_names
from py2lax.analysis.traced_names import JAX_NAMES, NUMPY_NAMES
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.backends.plain_lax.quiet_try import quiet_try
from py2lax.backends.plain_lax.raising_calls import keyed_table, may_raise
from py2lax.backends.plain_lax.shared_definitions import PREFIX, helper_name, output_helper_names
from py2lax.transforms.lower_for import is_jax_context
from py2lax.transforms.partial_carry import is_partial_carry_wrapper
from py2lax.transforms.records import Items, Range

UNROLL_LIMIT = 3  # py2lax.runtime.UNROLL_LIMIT (the runtime imports jax; this must not)
MUTATING_METHODS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "add",
                    "discard", "setdefault", "popitem", "sort", "reverse"}
_MODULES = JAX_NAMES | NUMPY_NAMES | {"math", "jax", "jnp", "lax", "np", "numpy", "random",
                                      "functools", "itertools", "operator"}
PYTHON_TEST = PREFIX + "python_test"
_PYTHON_ONLY_VALUES = (str, bytes, type(None))
_PURE_BUILTINS = {"len", "abs", "min", "max", "sum", "int", "float", "bool", "range", "print",
                  "isinstance", "round", "sorted", "tuple", "list", "dict", "zip",
                  "enumerate", "divmod", "pow", "hasattr", "getattr", "repr", "str"}


def python_reason(record, backend) -> str | None:
    """Why plain lax cannot express ``record``'s statement (None: it can)."""
    functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
    body = [s for f in functions for s in f.body]
    nodes = _walk(body, backend)
    if record.test is not None and compares_python_values(record.test):
        return "its condition compares strings or `None`"
    if record.test is not None and _tests_a_type(record.test, backend.records):
        return "its condition tests a type, which is known when tracing"
    if record.kind == "while" and functions:
        changed = _condition_changes(functions[0], backend)
        if changed is not None:
            return (f"its condition changes Python state ({changed}) each time it is "
                    "tested, which lax, tracing the condition once, would do once")
    unbound = set(record.unbound) - {counted_index(record, backend)} - (
        backend.placeholders(record)) - (_read_first(record.test) if record.kind == "if"
                                         else set()) - guarded_target_names(record, backend)
    if unbound:
        name = sorted(unbound)[0]
        return f"`{name}` may be unassigned when it starts"
    unset = _starts_as_none(record, backend)
    if unset is not None:
        return (f"`{unset}` starts as None, which lax cannot carry beside an array; "
                f"start it as a value of its type (`{unset} = -1`, `jnp.nan`) and keep a "
                f"flag beside it (`has_{unset} = True` where it is set)")
    if record.outer:
        return f"it assigns `{record.outer[0]}`, which lives outside the function"
    carried_objects = set(backend.objects.changed(record))
    none = backend.objects.none_attribute(record, carried_objects)
    if none is not None:
        return f"`{none}` may be None, which lax cannot carry"
    for node in nodes:
        reason = _python_only(node, record, functions, backend, carried_objects)
        if reason:
            return reason
    text = _carried_text(record, backend)
    if text is not None:
        return f"it carries `{text}`, which the function binds to a string"
    if record.kind == "if" and _grows_unequally(functions, backend):
        return "its branches grow a list by different numbers of items"
    if record.kind == "for" and isinstance(record.iteration, Items) and (
            backend.facts.is_container(record.iteration.iterable)) and not (
            record.break_flag is not None and _numbers_display(record.iteration.iterable)):
        return "it iterates over a Python container"
    if record.kind == "for" and static_items(record, backend):
        return (f"it iterates over `{S.unparse(record.iteration.iterable).strip()}`, "
                "Python values known when tracing")
    if record.kind == "for" and _writes_into_a_part(nodes, backend, carried_objects):
        return "its body writes into a part of an array (a NumPy view)"
    if record.kind == "for" and isinstance(record.iteration, Items) and _python_iterator(
            record.iteration.iterable, backend):
        return "it iterates over a Python iterator"
    if record.kind == "for" and isinstance(record.iteration, Items) and any(
            (isinstance(node, S.For) and _python_iterator(node.iter, backend))
            or (id(node) in backend.by_call and backend.by_call[id(node)].kind == "for"
                and isinstance(backend.by_call[id(node)].iteration, Items)
                and _python_iterator(backend.by_call[id(node)].iteration.iterable, backend))
            for node in nodes):
        # the same on a second run, which reads the inner loop as the user's `for`
        return "a loop over a Python iterator in its body runs as Python"
    if record.kind == "for" and "unroll" in record.options and not _traceable_body(
            record, functions[0], backend):
        return "its body changes objects outside the function or catches exceptions"
    if record.kind == "for" and isinstance(record.iteration, Range):
        count = static_count(record.iteration, backend)
        if count is not None and count <= UNROLL_LIMIT and not record.break_flag:
            return f"a static range of {count} iterations is unrolled"
        if _indexes_containers(functions[0], record, backend):
            return "its body indexes a Python list with the loop index"
        static = count is not None or backend.is_static_bound(record.iteration)
        if static and not record.break_flag and _python_inside(nodes, backend):
            return "a statement in its body runs as Python"
    held = _guarded_update_of_appended(functions, record, backend)
    if held is not None:
        return (f"it writes into an object `{held}` holds too, which lax would carry as "
                "two copies")
    if record.kind == "for" and record.break_flag is None and _reads_grown_list(
            functions[0], record, backend):  # (after a `break`, `_py2lax_GrowingList`)
        return "its body reads the list it grows"
    if record.kind == "for":
        rebound = _rebound_grown_list(functions[0], record, backend)
        if rebound:
            return f"its body assigns `{rebound}`, the list it grows"
    if record.inside_try and _body_may_raise(record, nodes, backend):
        return ("it is inside a `try` that could catch an error of either branch"
                if record.kind == "if" else
                "it is inside a `try` that could catch an error of its body")
    return None


def _traceable_body(record, body: S.FunctionDef, backend) -> bool:
    """The pipeline asked a ``for`` to run as Python (``unroll``) for a ``with`` or
    ``try`` in its body, and the managers are of the module's classes whose ``__exit__``
    never suppresses an error (returns ``False``/``None``) and whose
    ``__enter__``/``__exit__`` change nothing; no ``try`` catches what the values decide
    (``quiet_try``; the runtime's partial-carry wrapper is none of the user's), no shared
    or outer variable is carried, and every object written is one lax carries
    (``objects``)."""
    shared = backend.context.shared
    if shared is not None and shared.outer_names(record.carried):
        return False
    carried_objects = set(backend.objects.changed(record))
    local = backend.context.local_names
    for node in S.walk_same_scope_statements(body.body):
        if isinstance(node, (S.Try, S.TryStar)) and node.handlers and not (
                is_partial_carry_wrapper(node)  # the runtime's; plain jax drops it
                or isinstance(node, S.Try) and quiet_try(node, backend)):
            return False
        if isinstance(node, (S.With, S.AsyncWith)) and not all(
                _quiet_manager(item.context_expr, backend) for item in node.items):
            return False
        targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                   if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
        for target in targets:
            root = _root_name(target) if isinstance(target, (S.Subscript, S.Attribute)) else None
            if root is not None and (root not in local or (
                    isinstance(target, S.Attribute) and root not in carried_objects)):
                return False
        function = callee(node, backend.records) if isinstance(node, S.Call) else None
        if isinstance(function, S.Attribute) and isinstance(function.value, S.Name) and (
                function.value.id not in local and function.attr in MUTATING_METHODS):
            return False
    return True


# Managers of the standard library and NumPy that never suppress an error and change
# nothing a compiled loop body would enter once instead of at each iteration (a lax
# loop traces its body once; Python enters them at each iteration, to no visible end).
_QUIET_STANDARD = frozenset({"nullcontext", "errstate", "printoptions", "catch_warnings"})


def _quiet_manager(expression, backend) -> bool:
    """``Quiet()`` of a module class whose ``__exit__`` returns only ``False``/``None``
    and whose ``__enter__``/``__exit__`` change nothing but return values; or one of
    JAX's own (``jax.named_scope(...)``), ``contextlib.nullcontext()``,
    ``np.errstate(...)``, ``np.printoptions(...)``, ``warnings.catch_warnings()``."""
    function = callee(expression, backend.records)
    if is_jax_context(expression) or isinstance(expression, S.Call) and (
            isinstance(function, S.Attribute) and function.attr in _QUIET_STANDARD
            or isinstance(function, S.Name) and function.id in _QUIET_STANDARD
            and function.id not in backend.context.local_names):
        return True
    module = backend.module
    if not isinstance(function, S.Name) or module is None:
        return False
    classes = [c for c in module.body if isinstance(c, S.ClassDef) and c.name == function.id]
    if len(classes) != 1:
        return False
    methods = {m.name: m for m in classes[0].body if isinstance(m, S.FunctionDef)}
    exit_, enter = methods.get("__exit__"), methods.get("__enter__")
    if exit_ is None or enter is None:
        return False
    returns = [n.value for n in S.walk(exit_) if isinstance(n, S.Return)]
    return all(v is None or (isinstance(v, S.Constant) and v.value in (False, None))
               for v in returns) and all(backend.expressions.changes_nothing(m)
                                         for m in (enter, exit_))


def counted_index(record, backend) -> str | None:
    """The index of a ``for`` over a ``range`` read after the loop (``for i in range(30):
    ... break``, then ``return x, i``): unassigned before the loop only, and assigned
    first thing in every iteration (``i = i_item``), so a loop that runs at least once
    can start it at the range's start. That is known from a literal range, or from a
    range whose bounds are known when tracing, whose loop then sits under the
    zero-length guard (``if v.shape[0] > 0:``): run no iteration, ``i`` stays
    unassigned, as in Python."""
    iteration = record.iteration
    if record.kind != "for" or not isinstance(iteration, Range) or len(record.unbound) != 1:
        return None
    if iteration.step is not None and not _integer(iteration.step):
        return None
    body = next((d for d in record.definitions if isinstance(d, S.FunctionDef)), None)
    first = body.body[0] if body is not None and body.body else None
    if not (isinstance(first, S.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0], S.Name) and isinstance(first.value, S.Name)
            and first.value.id == record.item and first.targets[0].id in record.unbound):
        return None
    count = static_count(iteration, backend)
    if count == 0 or (count is None and not backend.is_static_bound(iteration) and not (
            surely_read_after(record, first.targets[0].id, backend))):
        return None
    return first.targets[0].id


def surely_read_after(record, name: str, backend) -> bool:
    """The user's ``for`` of ``record`` is a statement of the function's own body, and
    the first later statement that names ``name`` (``return x, i``) reads it, with only
    assignments between: whenever the loop ends, Python reads ``name`` next. Over a range
    of traced length, which may be empty (``name`` unassigned, Python's
    ``UnboundLocalError`` at that read), the loop may then start ``name`` at the range's
    start and raise that error when the program runs (``Loops._unassigned_check``)."""
    loop = _user_loop(record, backend)
    if not isinstance(loop, S.For) or backend.module is None:
        return False
    body = next((f.body for f in S.walk(backend.module) if isinstance(
        f, (S.FunctionDef, S.AsyncFunctionDef)) and any(s is loop for s in f.body)), None)
    if body is None:
        return False
    for statement in body[[id(s) for s in body].index(id(loop)) + 1:]:
        names = [n for n in S.walk(statement) if isinstance(n, S.Name) and n.id == name]
        if names:
            return isinstance(statement, (S.Return, S.Assign, S.AugAssign, S.Expr)) and all(
                isinstance(n.ctx, S.Load) for n in names) and not any(
                isinstance(n, (S.Lambda, S.ListComp, S.GeneratorExp, S.DictComp, S.SetComp,
                               S.IfExp, S.BoolOp)) for n in S.walk(statement))
        if not isinstance(statement, (S.Assign, S.AugAssign, S.AnnAssign, S.Pass)):
            return False
    return False


def _python_inside(nodes, backend) -> bool:
    """A statement lowered inside this one stays Python (its decision is made again when
    it is written: the same)."""
    return any(id(node) in backend.by_call and python_reason(backend.by_call[id(node)],
                                                             backend) is not None
               for node in nodes)


def _reads_grown_list(body: S.FunctionDef, record, backend) -> bool:
    """The loop appends to a carried list and reads it too, anywhere in its body and its
    branches (``hist[-1]``, ``len(rows)``, ``rows[-1].append(v)``): lax stacks what the
    iterations append and extends the list only after the loop, so inside the body the
    list starts empty each iteration, and such a read would see nothing (``n =
    len(rows)`` gave 0 where Python counts). Passing the list on is no read: an append's
    own target, an inner statement's operands, a branch's or the body's returned
    values."""
    records = backend.records
    grown, passed = set(), set()
    for node in S.walk(body):
        called = records.of_call(getattr(node, "value", None))
        if called is not None and called.helper in ("append", "extend") and isinstance(
                called.operands["target"], S.Name):
            name = called.operands["target"].id
            grown.add(name)
            passed |= {id(a) for a in getattr(called.node, "args", ())
                       if isinstance(a, S.Name) and a.id == name}
        elif (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
              and node.func.attr in ("append", "extend") and isinstance(
                  node.func.value, S.Name) and records.of_call(node) is None):
            grown.add(node.func.value.id)  # in a first run's lax function, read again
            passed.add(id(node.func.value))
        if id(node) in backend.by_call and isinstance(getattr(node, "value", None), S.Call):
            passed |= {id(e) for a in node.value.args if isinstance(a, S.Tuple)
                       for e in a.elts if isinstance(e, S.Name)}
        if isinstance(node, S.Return) and node.value is not None:
            values = node.value.elts if isinstance(node.value, S.Tuple) else [node.value]
            passed |= {id(v) for v in values if isinstance(v, S.Name)}
    grown &= set(record.carried)
    return any(isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id in grown
               and id(n) not in passed for n in S.walk(body))


def _guarded_update_of_appended(functions, record, backend) -> str | None:
    """The list a loop appends an array to that the body then changes in place, behind
    the guard a first run wrote for such a change (``out.append(p)``, then ``if
    isinstance(p, jax.Array) and p.ndim: raise TypeError(...)`` and ``p *= 2.0``):
    NumPy's ``*=`` changes the item the list holds, as the first run's reason said (a
    second run read `p` as a JAX array, rebound, and scanned: no fixed point)."""
    guarded = backend.facts.array_guarded
    updated = {node.target.id for f in functions for node in S.walk(f)
               if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)
               and guarded.get(id(node)) == node.target.id}
    for f in functions:
        for node in S.walk(f):
            called = backend.records.of_call(getattr(node, "value", None)) if isinstance(
                node, S.Assign) else None
            if called is not None and called.helper in ("append", "extend") and isinstance(
                    called.operands["target"], S.Name) and called.operands[
                        "target"].id in record.carried and any(
                    isinstance(n, S.Name) and n.id in updated
                    for n in S.walk(called.operands["value"])):
                return called.operands["target"].id
    return None


def _rebound_grown_list(body: S.FunctionDef, record, backend) -> str | None:
    """A carried list the loop appends to and also assigns (``after = []`` when a token
    starts again): lax stacks what every iteration appended and extends the list once,
    after the loop, so the assignment would be lost."""
    records = backend.records
    nodes = _walk(body.body, backend)
    grown = set()
    for node in nodes:
        called = records.of_call(getattr(node, "value", None))
        if called is not None and called.helper in ("append", "extend") and isinstance(
                called.operands["target"], S.Name):
            grown.add(called.operands["target"].id)
        elif (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
              and node.func.attr in ("append", "extend") and isinstance(
                  node.func.value, S.Name) and records.of_call(node) is None):
            grown.add(node.func.value.id)  # in a first run's lax function, read again
    grown &= set(record.carried)
    shared = backend.context.shared
    renamed = set(shared.renamed.values()) if shared is not None else set()
    for node in nodes:
        if isinstance(node, S.Assign):
            called = records.of_call(node.value)
            if id(node) in backend.by_call or (called is not None and called.helper in (
                    "append", "extend")) or (isinstance(node.value, S.Name)
                                             and node.value.id in renamed):
                continue  # an inner statement's carried values, an append, `rows = rows_in`
            targets = [n for t in node.targets for n in S.walk(t) if isinstance(n, S.Name)]
        elif isinstance(node, (S.AugAssign, S.AnnAssign)):
            targets = [node.target]
        else:
            continue
        for target in targets:
            if isinstance(target, S.Name) and target.id in grown:
                return target.id
    return None


_GENERATOR_MAKERS = {"default_rng", "RandomState", "Random", "Generator", "SystemRandom",
                     "iter", "count", "cycle", "repeat", "permutations", "combinations"}


def _advances_state(node, backend) -> str | None:
    """A call that draws from a random generator or advances an iterator
    (``rng.normal()``, ``random.random()``, ``next(it)``): lax traces it once, so every
    iteration (or both branches) would see the same draw."""
    function = callee(node, backend.records)
    if isinstance(function, S.Name):
        return f"`{function.id}(...)` advances an iterator" if function.id == "next" else None
    if not isinstance(function, S.Attribute):
        return None
    path, root = [function.attr], function.value
    while isinstance(root, S.Attribute):
        path.insert(0, root.attr)
        root = root.value
    if not isinstance(root, S.Name):
        return None
    if root.id == "random" or (root.id in NUMPY_NAMES | {"np", "numpy", "onp"}
                               and path[0] == "random"):  # not jax.random: keys
        return f"`{S.unparse(function)}` draws from a global random generator"
    for value in backend.facts.bindings.get(root.id, []):
        made = callee(value, backend.records) if isinstance(value, S.Call) else None
        while isinstance(made, S.Attribute) and made.attr not in _GENERATOR_MAKERS:
            made = None
        name = made.attr if isinstance(made, S.Attribute) else getattr(made, "id", None)
        if name in _GENERATOR_MAKERS:
            return f"`{root.id}.{function.attr}(...)` advances a generator"
    return None


def _rebinds_a_number(node, backend) -> bool:
    """``n -= 1`` in a function no code of the module calls (its callers are outside,
    under ``jax.jit``, and give it JAX arrays, which ``-=`` rebinds), where ``n`` is
    never indexed and is tested or counted as a number (``while n > 1``,
    ``range(n)``): it changes nothing a caller holds."""
    return (isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)
            and not backend.facts.used_as_array(node.target.id)
            and node.target.id in backend.statements.used_as_a_number()
            and backend.is_entry_point())


def _user_lambda(value, records) -> bool:
    """``value`` holds a ``lambda`` of the user's: not one of the thunks the runtime's
    ``and_``/``or_``/``if_exp`` take (``a.type or v.__class__``), which a second run
    reads as ``jnp.where`` with no ``lambda`` at all (cattrs' converters.py was no fixed
    point)."""
    thunks = set()
    for node in S.walk(value):
        record = records.of_call(node) if isinstance(node, S.Call) else None
        if record is not None and record.helper in ("and_", "or_", "if_exp"):
            thunks |= {id(a) for a in node.args if isinstance(a, S.Lambda) and not (
                a.args.args or a.args.vararg or a.args.kwonlyargs or a.args.kwarg)}
    return any(isinstance(n, S.Lambda) and id(n) not in thunks for n in S.walk(value))


def _python_only(node, record, functions, backend, carried_objects=frozenset()) -> str | None:
    """Why ``node`` keeps the statement Python. ``carried_objects``: the objects whose
    attribute dicts lax carries through it (``objects``): their attributes may change."""
    records = backend.records
    advanced = _advances_state(node, backend)
    if advanced:
        return advanced
    if isinstance(node, S.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
        names = {target.id} if isinstance(target, S.Name) else set()
        if names & set(record.carried) and backend.function_end_nones.get(
                id(node), record) is record:  # (in a branch, a test made when tracing)
            if isinstance(value, S.Constant) and isinstance(
                    value.value, _PYTHON_ONLY_VALUES) and not (
                    value.value is None and target.id == record.result
                    and backend.result_may_be_none):
                return f"`{target.id}` is assigned {type(value.value).__name__} values"
            if isinstance(value, (S.JoinedStr, S.Lambda)):
                return f"`{target.id}` is assigned a string or a function"
        called = records.of_call(value)
        if called is not None and called.helper == "setattr_" and _root_name(
                called.operands["target"]) not in carried_objects | backend.objects.made_inside(
                    record):
            return "it assigns an attribute"
        added = _added_key(called, record, backend)
        if added is not None:
            return (f"it adds the key {added[1]} to the dict `{added[0]}`, and lax gives "
                    "the same keys on every path")
        grown = _grown_list(node, called)
        made = made_each_time(record, functions, backend)
        if grown is not None and grown not in made and (
                record.kind == "while" or grown not in record.carried):
            return f"it grows the list `{grown}`"
        if called is not None and called.helper in ("append", "extend") and _user_lambda(
                called.operands["value"], records) and (
                grown in record.carried or grown not in made):
            return f"it puts functions in the list `{target.id}`"
    updated = _updated_key(node, record, carried_objects, backend)
    if updated is not None:
        return (f"it adds {updated[1]} to the dict `{updated[0]}`, and lax gives the same "
                "keys on every path")
    if (isinstance(node, S.Expr) and isinstance(node.value, S.Call)
            and records.of_call(node.value) is None
            and isinstance(node.value.func, S.Attribute)
            and node.value.func.attr in ("append", "extend")
            and isinstance(node.value.func.value, S.Name)):
        # `rows.append(v)` in a first run's lax function, read again: as `py2lax.append`
        grown = node.value.func.value.id
        if grown not in made_each_time(record, functions, backend) and (
                record.kind == "while" or grown not in record.carried):
            return f"it grows the list `{grown}`"
    if isinstance(node, S.FunctionDef) and node.name in record.carried:
        return f"`{node.name}` is a function"
    stored = _stored_attribute(node, records)
    if stored is not None and stored.split(".")[0] not in carried_objects | (
            backend.objects.made_inside(record)):
        # `Tally.total += 1` (a class, a module's object): no carried variable holds it,
        # so lax would set it to a traced value while tracing, once for every branch
        return f"it sets `{stored}`, an attribute of an object lax does not carry"
    function = callee(node, records)
    if isinstance(function, S.Attribute):
        owner = function.value
        if (isinstance(owner, S.Name) and function.attr in MUTATING_METHODS
                and owner.id not in record.carried and owner.id not in _MODULES
                and owner.id not in carried_objects
                and owner.id not in made_each_time(record, functions, backend)
                and owner.id not in backend.objects.made_inside(record)):
            return f"`{owner.id}.{function.attr}(...)` changes `{owner.id}` in place"
    if isinstance(node, S.Expr) and isinstance(node.value, S.Call) and records.of_call(
            node.value) is None and id(node) not in backend.by_call and _effect_call(
            node.value, record, backend, carried_objects):
        return f"`{_plain(S.unparse(node.value), backend)[:40]}` is called for its effect"
    updated = _updated_in_place(node, records) if not isinstance(node, S.AugAssign) else None
    if updated is None and isinstance(function, S.Attribute) and isinstance(
            function.value, S.Name) and function.attr in MUTATING_METHODS:
        updated = function.value.id
    appended = _appends(node, records)
    if appended is not None and appended in record.carried and (
            appended not in carried_objects) and (
            appended in backend.facts.parameters or backend.facts.part_name(appended)) and (
            appended not in backend.fresh_lists) and not _stacked_append(node, record,
                                                                          records):
        # `log.append(x)` on a parameter, or on `h = self.hist`: lax would hand back a
        # copy; the caller's list (the object's) must grow
        return f"it appends to `{appended}`, a list another name reaches"
    if (updated in record.carried and updated not in carried_objects
            and backend.facts.is_container(S.load(updated))
            and backend.facts.may_be_aliased(updated)
            and (updated in backend.facts.aliased or (
                updated not in backend.fresh_lists
                and not _stacked_append(node, record, records)))):
        return f"it changes `{updated}` in place, which another name may reach"
    for name in _kept_parameters(node, backend):  # `v = put_kept(v, i, x)[1]`
        reason = _parameter_update(name, record, backend)
        if reason:
            return reason
    for name in _parameter_cond_names(node):  # (a first run's `if` of `v[i] = x`)
        if name in backend.context.local_names:
            reason = _parameter_update(name, record, backend)
            if reason:
                return reason
    updated = _updated_in_place(node, records)
    owner = _view_owner(node, records)
    if owner is not None and updated in record.carried and updated not in carried_objects:
        # `for layer in layers: if c: layer["w"] = ...`: lax would change a copy of the
        # item, and `layers` would keep the old one
        return f"it changes `{updated}` in place, a part of `{owner}` too"
    if updated in backend.context.kept_parameters:
        reason = _parameter_update(updated, record, backend)
        if reason:
            return reason
    if updated in backend.context.unreturned_in_place and (
            not isinstance(node, S.AugAssign) or backend.facts.used_as_array(updated)
            or updated not in record.carried) and not _rebinds_a_number(node, backend):
        # `v /= s` on a parameter the statement does not give back: an array's update in
        # place, which lax would make on its own copy (a number's is never read again)
        reason = _parameter_update(updated, record, backend)
        if reason:
            return reason
    if isinstance(node, S.Delete) and any(
            not isinstance(t, S.Name) and _root_name(t) not in _made_inside(functions)
            for t in node.targets):
        return "it deletes an item"
    if isinstance(node, (S.Global, S.Nonlocal)) and record.outer:
        return "it writes a global"
    if isinstance(function, S.Name) and function.id == backend.function.name:
        return "it calls the function itself"
    called = backend.objects.called_object(node)
    if called is not None:
        return f"`{_plain(S.unparse(node), backend)[:40]}` calls `{called}`, which may change it"
    made = _appended_object(node, backend)
    if made is not None and record.kind != "if":
        return f"it appends objects of the class `{made}`, which lax cannot stack"
    return _shared_object_write(node, function, record, backend, carried_objects)


def _parameter_update(name: str, record, backend) -> str | None:
    """Why a write in place into the parameter ``name`` keeps ``record`` Python: the
    caller must see its NumPy array change, which lax would make on its own copy. None
    for an ``if`` collecting them (``dispatched_parameters``), which runs through
    ``_py2lax_parameter_cond`` instead (Python's ``if`` on a NumPy array)."""
    collected = backend.dispatched_parameters
    if collected is None or record.kind != "if" or name not in (
            set(record.carried) | set(record.inputs)) and (  # (an input: not read after)
            name not in parameter_names(backend.function.args)) or not (
            name in backend.context.kept_parameters or backend.is_entry_point()):
        # (neither: the branches read the parameter where it is closed over, and an
        # inner `if` of theirs writes into it, `_py2lax_parameter_cond` too)
        # (a function the module calls: its caller reads its own array again)
        return f"it updates the parameter `{name}` in place, which the caller must see"
    collected.add(name)
    return None


def _kept_parameters(node, backend) -> list[str]:
    """The function's parameters ``v = put_kept(v, i, x)[1]`` rebinds: the copy of a
    module helper that writes into ``v`` (``helper_writes``), which changes a NumPy
    array in place for the caller's own caller, as the helper did."""
    value = node.value if isinstance(node, S.Assign) and len(node.targets) == 1 else None
    if isinstance(value, S.Subscript):
        value = value.value
    function = callee(value, backend.records)
    if not (isinstance(function, S.Name) and function.id.endswith("_kept")):
        return []
    parameters = set(parameter_names(backend.function.args))
    target = node.targets[0]
    names = target.elts if isinstance(target, S.Tuple) else [target]
    return [n.id for n in names if isinstance(n, S.Name) and n.id in parameters]


def _parameter_cond_names(node) -> list[str]:
    """The parameters ``v, = _py2lax_parameter_cond(where, ('v',), ...)`` (a first run's
    output) writes in place: a second run reads them as the first read ``v[i] = x``."""
    value = node.value if isinstance(node, S.Assign) else None
    if not (isinstance(value, S.Call) and isinstance(value.func, S.Name)
            and value.func.id == "_py2lax_parameter_cond" and len(value.args) > 1
            and isinstance(value.args[1], S.Tuple)):
        return []
    return [e.value for e in value.args[1].elts
            if isinstance(e, S.Constant) and isinstance(e.value, str)]


def _view_owner(node, records) -> str | None:
    """``owner`` of ``py2lax.setitem(row, i, v, view_of='owner')``: the write changes a
    part of another variable's object (``row = grid[i]``, ``for row in grid:``)."""
    value = node.value if isinstance(node, (S.Assign, S.Expr)) else None
    record = records.of_call(value) if isinstance(value, S.Call) else None
    owner = record.options.get("view_of") if record is not None else None
    return owner.value if isinstance(owner, S.Constant) else None


def _appended_object(node, backend) -> str | None:
    """The class of ``rows.append(Rec(x, ok))`` when it is one of the user's classes that
    is not a pytree (a ``NamedTuple`` is one): a loop lax runs would stack the items."""
    called = backend.records.of_call(getattr(node, "value", None)) if isinstance(
        node, S.Assign) else None
    if called is None or called.helper not in ("append", "extend"):
        return None
    value = called.operands.get("value")
    values = list(value.elts) if called.helper == "extend" and isinstance(
        value, (S.List, S.Tuple)) else [value]
    for item in values:
        cls = backend.objects.plain_class(item)
        if cls is not None:
            return cls
    return None


def _shared_object_write(node, function, record, backend,
                         carried_objects=frozenset()) -> str | None:
    """Why a write into a list, dict or object that lax would not carry as one keeps the
    statement Python. lax runs a branch or body once, when tracing, on fresh copies of
    what it carries: a write through a second name (``b = a; b[0] = x``), into the
    enclosing function's list (``count[0] += 1`` in a nested ``def``), or made by a
    helper the body calls, would happen once, or reach one copy only: a wrong number."""
    through = _written_through(node, backend.records)
    if through is not None and through not in carried_objects and (
            backend.facts.is_container(S.load(through))):
        return (f"it writes into an object `{through}` holds too, which lax would carry "
                "as two copies")
    outside = _written_root(node, backend.records)
    if outside is not None and outside not in backend.context.local_names and (
            outside not in _MODULES and outside not in record.carried):
        return f"it changes `{outside}`, which lives outside the function, in place"
    if isinstance(function, S.Name):
        changed = backend.outside_writers.get(function.id)
        if changed is not None:
            return f"it calls `{function.id}`, which changes `{changed}` in place"
    return None


def _written_through(node, records) -> str | None:
    """The name ``py2lax.written_through(w)`` gives the new contents of a write made
    through another name that holds the same object."""
    record = records.of_call(node) if isinstance(node, S.Call) else None
    if record is None or record.helper != "written_through":
        return None
    return _root_name(record.operands.get("target"))


def _written_root(node, records) -> str | None:
    """The variable whose object ``node`` changes in place: ``v[i] = x``, ``v[i] += x``,
    ``v.attr = x``, ``v.append(x)`` (as written, or as a ``py2lax`` call)."""
    targets = []
    if isinstance(node, S.Assign):
        called = records.of_call(node.value)
        if called is not None and called.helper in ("setitem", "append", "extend",
                                                   "setattr_"):
            targets = [called.operands.get("target")]
        else:
            targets = list(node.targets)
    elif isinstance(node, (S.AugAssign, S.AnnAssign)):
        targets = [node.target]
    elif isinstance(node, S.Call) and records.of_call(node) is None and isinstance(
            node.func, S.Attribute) and node.func.attr in MUTATING_METHODS:
        return _root_name(node.func.value) if isinstance(node.func.value, S.Name) else None
    for target in targets:
        if isinstance(target, (S.Subscript, S.Attribute)):
            return _root_name(target)
    return None


def outside_writers(function: S.FunctionDef, module, records) -> dict[str, str]:
    """The functions ``function`` may call by name (its nested ``def``s, the module's
    functions) that change, in place, an object they do not bind themselves (a list of
    the enclosing function, a global), directly or through another such function:
    name -> the variable changed."""
    scopes = [node for node in S.walk(function)
              if isinstance(node, S.FunctionDef) and node is not function]
    found, calls = _scope_writers(scopes, records)
    if module is not None:  # the module's own functions, as written: read once
        written, called = memo(module, "outside_writers", lambda: _scope_writers(
            [node for node in module.body if isinstance(node, S.FunctionDef)], records))
        for name, root in written.items():
            found.setdefault(name, root)
        calls = {**calls, **called}
    changed = True
    while changed:  # a helper that calls a writer writes too
        changed = False
        for name, called in calls.items():
            writer = next((c for c in sorted(called) if c in found and c != name), None)
            if name not in found and writer is not None:
                found[name] = found[writer]
                changed = True
    return found


def _scope_writers(scopes, records) -> tuple[dict[str, str], dict[str, set]]:
    """Of ``scopes`` (functions): name -> the outside variable it changes in place, for
    those that change one; and name -> the names it calls."""
    found: dict[str, str] = {}
    for scope in scopes:
        bound = _bound_names(scope)
        for node in S.walk(scope):
            root = _written_root(node, records)
            if root is not None and root not in bound and root not in _MODULES:
                found.setdefault(scope.name, root)
                break
    calls = {scope.name: {n.func.id for n in S.walk(scope)
                          if isinstance(n, S.Call) and isinstance(n.func, S.Name)}
             for scope in scopes}
    return found, calls


def _bound_names(function: S.FunctionDef) -> set[str]:
    """Names ``function`` binds itself (parameters, assignments, loop and ``with``
    targets, imports, nested ``def``s), less those it declares ``global``/``nonlocal``."""
    bound = set(parameter_names(function.args))
    declared = set()
    for node in S.walk(function):
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del, S.Param)):
            bound.add(node.id)
        elif isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, S.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (S.Global, S.Nonlocal)):
            declared |= set(node.names)
    return bound - declared


def _stored_attribute(node, records) -> str | None:
    """The attribute an assignment the pipeline did not record stores into
    (``Tally.total += 1``; an object the function carries is ``py2lax.setattr_``)."""
    if isinstance(node, S.Assign) and records.of_call(node.value) is None:
        targets = [t for target in node.targets for t in S.walk(target)]
    elif isinstance(node, (S.AugAssign, S.AnnAssign)):
        targets = [node.target]
    else:
        return None
    stored = [t for t in targets if isinstance(t, S.Attribute) and isinstance(t.ctx, S.Store)]
    return S.unparse(stored[0]) if stored else None


_TYPE_TESTS = {"isinstance", "issubclass", "hasattr", "callable"}


def _tests_a_type(test, records) -> bool:
    """``isinstance(x, (list, tuple))``, ``hasattr(x, "shape")``, and ``and``/``or``/``not``
    of them (as written, or as the runtime calls a pass wrote): Python's answer, never a
    traced one; lax would trace both branches, one of them on a value of the other type
    (``jnp.stack(x)`` of an array)."""
    recorded = records.of_call(test) if isinstance(test, S.Call) else None
    if recorded is not None and recorded.helper in ("and_", "or_"):
        return all(_tests_a_type(v, records) for v in recorded.operands["operands"])
    if recorded is not None and recorded.helper == "not_":
        return _tests_a_type(recorded.operands["operand"], records)
    if isinstance(test, S.BoolOp):
        return all(_tests_a_type(v, records) for v in test.values)
    if isinstance(test, S.UnaryOp) and isinstance(test.op, S.Not):
        return _tests_a_type(test.operand, records)
    return (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id in _TYPE_TESTS)


def compares_python_values(test) -> bool:
    """``mode == "fast"``: a comparison with a string, bytes or ``None`` is decided by
    Python values, which lax cannot carry. Only the comparisons the test's truth is
    made of count (through ``and``/``or``/``not``), not one inside an operand: in
    ``(x if mode == "a" else 0.25) <= y`` the ternary chooses, ``<=`` decides."""
    return any(isinstance(node, S.Compare) and any(
        _python_only_value(o) for o in [node.left] + node.comparators)
        for node in _deciding_parts(test))


def decided_by_python(test) -> bool:
    """Every comparison the truth of ``test`` is made of (through ``and``/``or``/``not``)
    is one ``compares_python_values`` finds: Python alone decides ``test``
    (``mode == "a" and not tag is None``, not ``mode == "a" and x > 0``)."""
    leaves = [part for part in _deciding_parts(test) if not _is_logical(part)]
    return bool(leaves) and all(isinstance(p, S.Compare) and any(
        _python_only_value(o) for o in [p.left] + p.comparators) for p in leaves)


def _is_logical(node) -> bool:
    return (isinstance(node, (S.BoolOp, S.Lambda))
            or isinstance(node, S.UnaryOp) and isinstance(node.op, S.Not)
            or isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr in _LOGICAL_HELPERS)


def _added_key(called, record, backend) -> tuple[str, str] | None:
    """``(name, key)`` where ``called`` is ``d["r"] = v`` (``py2lax.setitem``) on a dict
    ``record`` carries, made only by displays (``d = {"p": a}``) none of which, nor a
    write before the statement, has the key: a path that adds it gives the dict another
    structure than one that does not, which lax.cond (and a loop's carry) cannot join."""
    if called is None or called.helper != "setitem":
        return None
    owner, key = called.operands.get("target"), called.operands.get("index")
    if not (isinstance(owner, S.Name) and owner.id in record.carried
            and isinstance(key, S.Constant)):
        return None
    made = [v for v in backend.facts.bindings.get(owner.id, [])]
    if not made or not all(isinstance(v, S.Dict) for v in made):
        return None
    inside = {id(n) for d in record.definitions for n in S.walk(d)}
    for display in made:
        keys = {k.value for k in display.keys if isinstance(k, S.Constant)}
        if key.value in keys:
            continue
        earlier = [n for n in S.walk(backend.function) if isinstance(n, S.Assign)
                   and id(n) not in inside and getattr(n, "lineno", record.line) < record.line
                   and _writes_key(backend.records.of_call(n.value), owner.id, key.value)]
        if not earlier:
            return owner.id, repr(key.value)
    return None


def _updated_key(node, record, carried_objects, backend) -> tuple[str, str] | None:
    """``(name, key)`` where ``node`` is ``d.update(r=v)``, ``d.update({"r": v})`` or
    ``d.setdefault("r", v)`` on a dict ``record`` carries (or carries as an object's
    contents), made only by displays, with a key none of them has (or a key the code
    does not show): as ``_added_key``, the paths give two structures."""
    call = node.value if isinstance(node, S.Expr) else None
    function = callee(call, backend.records) if isinstance(call, S.Call) else None
    if not (isinstance(function, S.Attribute) and function.attr in ("update", "setdefault")
            and isinstance(function.value, S.Name)):
        return None
    owner = function.value.id
    made = backend.facts.bindings.get(owner, [])
    if owner not in set(record.carried) | set(carried_objects) or not made or not all(
            isinstance(v, S.Dict) for v in made):
        return None
    keys = [S.Constant(value=k.arg, kind=None) if k.arg is not None else None
            for k in call.keywords]
    if function.attr == "setdefault":
        keys += call.args[:1]
    else:
        keys += [k for a in call.args for k in (a.keys if isinstance(a, S.Dict) else [None])]
    for key in keys:
        if not isinstance(key, S.Constant):
            return owner, "a key"
        if any(key.value not in {k.value for k in v.keys if isinstance(k, S.Constant)}
               for v in made):
            return owner, f"the key {key.value!r}"
    return None


def _writes_key(called, name: str, key) -> bool:
    """``called`` is ``name[key] = ...`` (``py2lax.setitem``)."""
    if called is None or called.helper != "setitem":
        return False
    owner, index = called.operands.get("target"), called.operands.get("index")
    return isinstance(owner, S.Name) and owner.id == name and isinstance(
        index, S.Constant) and index.value == key


def _python_only_value(node) -> bool:
    """A string, bytes or ``None``, or a tuple, list or set of them (``mode in ("a",
    "b")``)."""
    if isinstance(node, (S.Tuple, S.List, S.Set)):
        return bool(node.elts) and all(_python_only_value(e) for e in node.elts)
    return isinstance(node, S.Constant) and isinstance(node.value, _PYTHON_ONLY_VALUES)


_LOGICAL_HELPERS = ("and_", "or_", "not_")


def _deciding_parts(test) -> list:
    """``test`` and the operands of its ``and``/``or``/``not`` (as written, or as the
    runtime calls a pass wrote, whose later operands are lambdas), recursively."""
    found, todo = [], [test]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, S.BoolOp):
            todo += node.values
        elif isinstance(node, S.UnaryOp) and isinstance(node.op, S.Not):
            todo.append(node.operand)
        elif isinstance(node, S.Lambda):
            todo.append(node.body)
        elif (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
              and node.func.attr in _LOGICAL_HELPERS):
            todo += node.args
    return found


def callee(node, records):
    """The function a call of the user's calls (seen through ``py2lax.converted``), or
    None if ``node`` is not such a call."""
    if not isinstance(node, S.Call) or records.of_call(node) is not None:
        return None
    inner = records.of_call(node.func)
    if inner is not None:
        return inner.operands.get("function") if inner.helper == "converted" else None
    return node.func


def _starts_as_none(record, backend) -> str | None:
    """A name an ``if`` carries whose last binding before it is ``None`` (an "unset"
    marker), which a path passes on, the function never compares with None, and the
    statement or a later line binds to something else: lax needs the same structure on
    every path, and None is no array."""
    if record.kind != "if" or record.test is None or backend.expressions.static(
            record.test) or _reads_only_lengths(record.test):
        return None  # (a loop carrying a None until its first item is peeled elsewhere;
        # a static test, `if len(xs) > 0:` of a peeled loop, is Python's `if`)
    bindings = backend.facts.bindings
    tested = {n.id for c in S.walk(backend.function) if isinstance(c, S.Compare)
              and any(_is_none(o) for o in [c.left] + c.comparators)
              for n in S.walk(c) if isinstance(n, S.Name)}
    for name in record.carried:
        if name not in record.inputs or name in tested:
            continue  # every path assigns it, or the function tests it for None
            # (a loop whose first item is peeled, `if x is None` kept as Python)
        values = [v for v in bindings.get(name, []) if v is not None
                  and getattr(v, "lineno", None) is not None]
        before = [v for v in values if v.lineno < record.line]
        if not before or not _is_none(max(before, key=lambda v: v.lineno)):
            continue
        if any(v.lineno >= record.line and not _is_none(v) for v in values):
            return name
    return None


def _reads_only_lengths(test) -> bool:
    """Every name ``test`` reads is ``len(name)``'s argument: a length, known when
    tracing (``if len(xs) > 0:``, which a peeled loop writes)."""
    lengths = {id(c.args[0]) for c in S.walk(test) if isinstance(c, S.Call)
               and isinstance(c.func, S.Name) and c.func.id == "len" and len(c.args) == 1}
    names = [n for n in S.walk(test) if isinstance(n, S.Name) and n.id != "len"]
    return bool(names) and all(id(n) in lengths for n in names)


def _is_none(node) -> bool:
    return isinstance(node, S.Constant) and node.value is None


def _grows_unequally(functions, backend) -> bool:
    """The branches of an ``if`` append different numbers of items to some list (lax
    needs the same carried shapes from both), or one of them extends it."""
    counts = [_grown(function, backend) for function in functions]
    if len(counts) == 1:
        counts.append({})
    # (a list a loop with `break` grows is rows and a count: either branch may append)
    stopped = backend.loops.growth.names
    counts = [{n: c for n, c in count.items() if n not in stopped} for count in counts]
    return counts[0] != counts[1]


def _grown(function, backend, depth: int = 0) -> dict:
    """How many items ``function`` (a branch) appends to each list; an inner ``if``
    whose branches grow the same lists equally counts as one of its branches (``if``/
    ``elif``/``else`` each appending once grows the list by one, as Python's does)."""
    grown: dict[str, int] = {}
    for node in S.walk_same_scope_statements(function.body):
        value = getattr(node, "value", None)
        record = backend.records.of_call(value)
        if record is not None and record.helper in ("append", "extend"):
            name = S.unparse(record.operands["target"])
            grown[name] = grown.get(name, 0) + (1 if record.helper == "append" else 1000)
        inner = _inner_if(node, backend)
        if inner is not None and depth < _DEEPEST_IF:
            branches = [d for d in inner.definitions if isinstance(d, S.FunctionDef)]
            counts = [_grown(b, backend, depth + 1) for b in branches] + [{}]
            if len(branches) == 2 or not counts[0]:
                for name, count in counts[0].items():
                    grown[name] = grown.get(name, 0) + (
                        count if counts[0] == counts[1] else 2000)
    return grown


def _inner_if(node, backend):
    """The lowered ``if`` whose first branch function is ``node`` (None for others)."""
    if not isinstance(node, S.FunctionDef):
        return None
    return next((r for r in backend.records.lowered if r.kind == "if" and any(
        d is node for d in r.definitions[:1])), None)


_DEEPEST_IF = 8  # inner ifs counted through (deeper nesting counts as unequal)


_ITERATOR_CALLS = {"reversed", "sorted", "map", "filter", "iter", "list", "tuple", "set",
                   "dict", "frozenset", "str", "_py2lax_sorted"}  # (a first run's `sorted`)
_ITEM_METHODS = {"items", "keys", "values", "split", "splitlines"}


def _python_iterator(iterable, backend, bound: bool = False) -> bool:
    """What a ``for`` iterates is Python's, not an array ``jnp.asarray`` could take: a
    generator, ``reversed(...)``, ``itertools.product(...)``, ``d.items()``, a display of
    strings, a container; ``zip``/``enumerate`` of one of these. ``reversed(v)`` of an
    array the loop iterates itself is the array's rows (``reversed_array``); ``bound``:
    ``iterable`` is what a name holds, and ``reversed(...)`` there is Python's iterator
    object whatever it reverses."""
    if isinstance(iterable, (S.GeneratorExp, S.ListComp, S.SetComp, S.DictComp, S.Dict,
                             S.Set, S.JoinedStr)):
        return True
    if isinstance(iterable, S.Constant):
        return isinstance(iterable.value, (str, bytes))
    if isinstance(iterable, (S.List, S.Tuple)):
        return any(isinstance(n, S.Constant) and isinstance(n.value, (str, bytes, type(None)))
                   for n in S.walk(iterable)) or (backend.facts.is_container(iterable)
                                                  and not _numbers_display(iterable))
    if isinstance(iterable, S.Call):
        record = backend.records.of_call(iterable)
        if record is not None and record.helper in ("enumerate", "zip"):
            return any(_python_iterator(a, backend) for a in record.operands["arguments"])
        function = iterable.func
        if not bound and reversed_array(iterable, backend):
            return False  # an array's rows, last first (loop_forms)
        if isinstance(function, S.Name):
            if function.id in ("zip", "enumerate"):
                return any(_python_iterator(a, backend) for a in iterable.args)
            return function.id in _ITERATOR_CALLS
        if isinstance(function, S.Attribute):
            root = function.value
            while isinstance(root, S.Attribute):
                root = root.value
            return function.attr in _ITEM_METHODS or (
                isinstance(root, S.Name) and root.id == "itertools")
        return False
    if isinstance(iterable, S.Name):
        return backend.facts.is_container(iterable)
    return False


def reversed_array(iterable, backend) -> bool:
    """``reversed(v)`` of the builtin, where ``v`` is a name, attribute or item that is
    no Python container: an array, whose rows a scan slices from the last (``jnp.flip``).
    ``reversed`` of a call (``range(n)``, a list built there) stays Python's iterator."""
    from py2lax.backends.plain_lax.expressions import shadows_builtin  # (imports this)
    return (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id == "reversed" and len(iterable.args) == 1
            and not iterable.keywords and not shadows_builtin(backend, "reversed")
            and isinstance(iterable.args[0], (S.Name, S.Attribute, S.Subscript))
            and not backend.facts.is_container(iterable.args[0]))


def _writes_into_a_part(nodes, backend, carried_containers=frozenset()) -> bool:
    """``row[1] = v`` where ``row = grid[i]``: the write stays Python (see
    ``Statements``), so the loop does too, on either run."""
    for node in nodes:
        targets = []
        if isinstance(node, S.Assign):
            called = backend.records.of_call(node.value)
            if called is not None and called.helper == "setitem":
                targets = [called.operands["target"]]
            else:
                targets = [t for t in node.targets if isinstance(t, S.Subscript)]
        elif isinstance(node, S.AugAssign) and isinstance(node.target, S.Subscript):
            targets = [node.target]
        for target in targets:
            root = _root_name(target.value if isinstance(target, S.Subscript) else target)
            if root is not None and root not in carried_containers and (
                    backend.facts.view_source(root) is not None):
                return True
    return False


def _appends(node, records) -> str | None:
    """The name ``x = py2lax.append(x, v)`` (``extend``) grows."""
    called = records.of_call(getattr(node, "value", None)) if isinstance(
        node, S.Assign) else None
    if called is not None and called.helper in ("append", "extend") and isinstance(
            called.operands["target"], S.Name):
        return called.operands["target"].id
    return None


def _stacked_append(node, record, records) -> bool:
    """An append in a ``for`` without ``break``: lax stacks the items and the list
    itself is extended after the loop, so a name that reaches it sees them."""
    called = records.of_call(getattr(node, "value", None)) if isinstance(
        node, S.Assign) else None
    return (record.kind == "for" and record.break_flag is None and called is not None
            and called.helper in ("append", "extend"))


def appended_lists(body: S.FunctionDef, records) -> set[str]:
    """The names the statements of ``body`` (generated functions included) append to."""
    found = set()
    for node in S.walk(body):
        called = records.of_call(getattr(node, "value", None)) if isinstance(
            node, S.Assign) else None
        if called is not None and called.helper in ("append", "extend") and isinstance(
                called.operands["target"], S.Name):
            found.add(called.operands["target"].id)
    return found


def _updated_in_place(node, records) -> str | None:
    """The variable ``x[i] = v``, ``x.append(v)`` or ``x /= n`` updates in place."""
    if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name):
        return node.target.id
    record = records.of_call(getattr(node, "value", None)) if isinstance(node, S.Assign) else None
    if record is not None and record.helper in ("setitem", "append", "extend"):
        target = record.operands["target"]
        return target.id if isinstance(target, S.Name) else None
    return None


def _grown_list(node: S.Assign, called) -> str | None:
    """The list ``rows = py2lax.append(rows, v)`` grows, or ``rows = rows + [...]`` (how
    the output of a loop that appended reads on a second run)."""
    target = node.targets[0]
    if not isinstance(target, S.Name):
        return None
    if called is not None and called.helper in ("append", "extend"):
        return target.id
    value = node.value
    if (isinstance(value, S.BinOp) and isinstance(value.op, S.Add)
            and isinstance(value.left, S.Name) and value.left.id == target.id
            and isinstance(value.right, (S.List, S.ListComp))):
        return target.id
    return None


def _root_name(node) -> str | None:
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


def _made_inside(functions) -> set[str]:
    """Names the statement's own body binds to a new container (``rows = []`` each
    iteration): changing it changes nothing outside."""
    return {t.id for f in functions for node in S.walk_same_scope_statements(f.body)
            if isinstance(node, S.Assign) and isinstance(node.value, (
                S.List, S.ListComp, S.Dict, S.DictComp, S.Set, S.SetComp))
            for t in node.targets if isinstance(t, S.Name)}


def made_each_time(record, functions, backend) -> set[str]:
    """``_made_inside``, and the names an inner statement's body binds to a new container
    (``fns = []`` in the body of a ``while`` inside this loop) that this statement does
    not carry: each iteration makes its own, and none outlives it, so lax need not carry
    or stack it (the inner statement decides for itself whether it stays Python)."""
    inner = {t.id for node in _walk([s for f in functions for s in f.body], backend)
             if isinstance(node, S.Assign) and isinstance(node.value, (
                 S.List, S.ListComp, S.Dict, S.DictComp, S.Set, S.SetComp))
             for t in node.targets if isinstance(t, S.Name)}
    return _made_inside(functions) | (inner - set(record.carried))


def _effect_call(call, record, backend, carried_objects=frozenset()) -> bool:
    """A call whose result is dropped, so it is made for what it changes: a method of an
    object the statement does not carry (inside lax, a carried one is lax's fresh copy,
    whose changes the statement returns), or a helper given such an object."""
    function = callee(call, backend.records)
    local = backend.context.local_names
    if isinstance(function, S.Name):
        made = backend.objects.made_inside(record)  # `l3 = [a]; push(l3, x)`
        given = [a.id for a in call.args if isinstance(a, S.Name) and a.id in local
                 and a.id not in record.carried and a.id not in made]
        if function.id in _PURE_BUILTINS or not given:
            return False
        if any(n in carried_objects for n in given) and not call.keywords:
            # `bump(d, "a", x)` on a container lax carries as its contents: only what the
            # helper writes into must be carried
            written = _written_parameters(function.id, backend)
            if written is None:
                return True
            return any(not isinstance(call.args[i], S.Name)
                       or call.args[i].id not in carried_objects
                       for i in written if i < len(call.args))
        return True
    if not isinstance(function, S.Attribute):
        return False
    root = function.value
    while isinstance(root, (S.Attribute, S.Subscript, S.Call)):
        inner = backend.records.of_call(root)
        if inner is not None and inner.helper == "converted":
            root = inner.operands.get("function")  # `py2lax.converted(obj.method)`
            continue
        if inner is not None:
            return True  # `(a if c else b).append(v)`: an object the runtime picks
        root = root.func if isinstance(root, S.Call) else root.value
    if not isinstance(root, S.Name):
        return True
    made = _made_inside([d for d in record.definitions if isinstance(d, S.FunctionDef)])
    made |= backend.objects.made_inside(record)  # `acc = Acc(1.5)`, then `acc.add(x)`
    return root.id not in record.carried and root.id not in made and (
        root.id not in carried_objects) and root.id not in (
        _MODULES | {backend.spell.jax, backend.spell.numpy_name, backend.context.runtime})


def _written_parameters(name: str, backend) -> list[int] | None:
    """The positions of the parameters the module's function ``name`` writes into
    (``d[k] = v``, ``d.update(...)``), None where it may change anything else (a
    global, an attribute, an object it hands on) or is not the module's plain ``def``."""
    module = backend.module
    definitions = [s for s in (module.body if module is not None else [])
                   if isinstance(s, S.FunctionDef) and s.name == name]
    if len(definitions) != 1 or definitions[0].decorator_list:
        return None
    definition = definitions[0]
    parameters = list(parameter_names(definition.args))
    if getattr(definition.args, "vararg", None) or getattr(definition.args, "kwarg", None):
        return None
    written = set()
    for node in S.walk(definition):
        if isinstance(node, (S.Global, S.Nonlocal, S.Yield, S.YieldFrom)):
            return None
        targets = (node.targets if isinstance(node, (S.Assign, S.Delete)) else [
            node.target] if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
        for target in targets:
            if isinstance(target, S.Attribute):
                return None
            if isinstance(target, S.Subscript):
                root = _root_name(target)
                if root not in parameters:
                    return None
                written.add(parameters.index(root))
        if isinstance(node, S.Assign):
            called = backend.records.of_call(node.value)
            if called is not None:
                root = _root_name(called.operands.get("target")) if called.helper in (
                    "setitem",) else None
                if root in parameters:
                    written.add(parameters.index(root))
                elif called.helper not in ("setitem", "compare", "and_", "or_", "not_"):
                    return None
        if isinstance(node, S.Call) and backend.records.of_call(node) is None:
            function = node.func
            if isinstance(function, S.Attribute) and function.attr in MUTATING_METHODS:
                return None
            if isinstance(function, S.Name) and function.id not in _PURE_BUILTINS:
                return None
    return sorted(written)


def _body_may_raise(record, nodes: list, backend) -> bool:
    """Whether the statement's ``nodes`` may raise while traced. For an ``if``: a
    ``raise``, or a call that may raise (``raising_calls``); a bare ``raise`` in a
    handler among the nodes (the one around an inner statement that keeps its partial
    work, ``except BaseException: ...; raise``) raises again only what the nodes its
    ``try`` holds raised, and is left out. An inner statement kept Python may raise
    (JAX's error, where its test is traced). A loop's body keeps the older rule for
    calls (any call of the user's may raise), and for a bare ``raise`` too inside a
    ``try`` that may catch ``IndexError``: its lax form reads ``types_3[0]``, which a
    second run there would write again (finder10's g2)."""
    reraised = {id(n) for h in nodes if isinstance(h, S.ExceptHandler)
                for n in S.walk(h) if isinstance(n, S.Raise) and n.exc is None}
    if record.kind != "if":
        if _catches_lookups(record, backend):
            reraised = set()
        return any(_may_raise(n, backend, loop=True) for n in nodes if id(n) not in reraised)
    if _python_inside(nodes, backend):
        return True
    if _catches_lookups(record, backend) and any(
            isinstance(n, S.Subscript) for node in nodes + [record.test]
            for n in S.walk(node)):
        return True  # (an item read there, which a second run would write as checked)
    return any(_may_raise(n, backend) for n in nodes if id(n) not in reraised)


_LOOKUP_CATCHERS = {"IndexError", "LookupError", "Exception", "BaseException"}


def _catches_lookups(record, backend) -> bool:
    """A ``try`` around the statement may catch an ``IndexError`` (a bare ``except:``,
    ``except Exception:``, a class the code names that is not a builtin's name) and
    go on."""
    for node in S.walk(backend.function):
        if isinstance(node, (S.Try, S.TryStar)) and node.handlers and any(
                inner is record.call for s in node.body for inner in S.walk(s)):
            for handler in node.handlers:
                if handler.body and isinstance(handler.body[-1], S.Raise) and (
                        handler.body[-1].exc is None):
                    continue  # (it raises the error again: the one around a statement
                    # that keeps its partial work, which the output does not write)
                kinds = handler.type.elts if isinstance(handler.type, S.Tuple) else [
                    handler.type]
                if any(not isinstance(k, S.Name) or k.id in _LOOKUP_CATCHERS
                       or not isinstance(getattr(builtins, k.id, None), type) for k in kinds):
                    return True
    return False


def _may_raise(node, backend, loop: bool = False) -> bool:
    """A ``raise``, or a call that may raise (a loop's: any call of the user's)."""
    if isinstance(node, S.Raise):
        return True
    function = callee(node, backend.records)
    if function is not None:
        root = function
        while isinstance(root, S.Attribute):
            root = root.value
        # `py2lax.cond(...)` of an inner statement: its functions are walked too (a
        # second run reads it as `jax.lax.cond`)
        if isinstance(root, S.Name) and root.id in (
                _MODULES | {backend.context.runtime, backend.spell.jax}):
            return False
        return loop or not keyed_table(node) and may_raise(function, backend)
    return False


def _walk(statements: list, backend) -> list:
    """Every node of ``statements``, the generated functions of inner statements
    included, the user's own nested functions and lambdas not. The ``lambda`` of a first
    run's checked test (``_py2lax_python_test(lambda os=os: isinstance(os, P) and ...)``)
    counts as code that runs here, as the test the first run read there did: a second
    run decides the statement around it as the first did (jax's shard_map.py)."""
    generated = backend.generated_functions | backend.lax_callbacks
    found, todo = [], list(statements)
    while todo:
        node = todo.pop()
        found.append(node)
        if is_checked_test(node) and isinstance(node.args[0], S.Lambda):
            found.append(node.args[0])
            todo += [node.args[0].body] + node.args[1:]
            continue
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Lambda)) and (
                id(node) not in generated and not S.is_thunk(node)):  # `and`'s operands run here
            continue
        todo += S.iter_child_nodes(node)
    return found


def first_iteration_names(record, backend) -> set[str]:
    """Names a loop that surely runs at least once (``for it in range(200)``, ``k = 0``
    then ``while k < 10``) assigns in its first iteration before anything in its body can
    leave it (the loop's own index, ``w, V = eigh(A)`` above the ``if ...: break``):
    after the loop each holds a value, so a placeholder may start it."""
    loop = _user_loop(record, backend)
    if loop is None or not _runs_once(record, loop, backend):
        return set()
    names = set(_target_names(loop.target)) if isinstance(loop, S.For) else set()
    for statement in loop.body:
        if any(isinstance(n, (S.Break, S.Continue, S.Return, S.Yield, S.Try, S.With))
               for n in S.walk(statement)):
            break
        if isinstance(statement, S.Assign):
            names |= {n for t in statement.targets for n in _target_names(t)}
        elif isinstance(statement, S.AnnAssign) and statement.value is not None:
            names |= set(_target_names(statement.target))
    return names & set(record.unbound)


def guarded_target_names(record, backend) -> set[str]:
    """The names of a ``for``'s own target (``i, x`` of ``for i, x in enumerate(v):``)
    that may be unassigned when it starts, for a loop over items whose number is known
    when tracing (``len(v)``, of names alone): lax runs such a loop under ``if len(v) >
    0:`` (``Loops._when_any``), where the target starts as the first item, which the
    first iteration assigns anyway. Over no items the names stay unassigned, as in
    Python, so ``return i, x`` after a loop that may ``break`` converts."""
    if record.kind != "for" or isinstance(record.iteration, Range) or not record.unbound:
        return set()
    iteration = record.iteration
    iterable = iteration.iterable
    if iteration.see_through in ("enumerate", "zip"):
        parts = iterable.args[:1] if iteration.see_through == "enumerate" else iterable.args
        if not isinstance(iterable, S.Call) or not parts or (
                iteration.see_through == "zip" and iterable.keywords):
            return set()
    elif iteration.see_through is None:
        parts = [iterable]
    else:
        return set()
    if not all(_named_path(part) for part in parts):
        return set()
    loop = _user_loop(record, backend)
    if not isinstance(loop, S.For):
        return set()
    return set(_target_names(loop.target)) & set(record.unbound)


def _named_path(node) -> bool:
    """``v`` or ``self.v``: a value ``len`` reads without calling anything."""
    while isinstance(node, S.Attribute):
        node = node.value
    return isinstance(node, S.Name)


def _user_loop(record, backend):
    """The user's ``for``/``while`` the record lowered, in the module as written."""
    if record.kind not in ("for", "while") or backend.module is None:
        return None
    module = backend.module
    return memo(module, "loops", lambda: _loops_by_place(module)).get(
        (S.For if record.kind == "for" else S.While, record.line, record.column))


def _loops_by_place(module) -> dict:
    """The ``for`` and ``while`` statements of ``module`` by (kind, line, column)."""
    found: dict = {}
    for node in S.walk(module):
        if isinstance(node, (S.For, S.While)):
            found.setdefault((type(node), node.lineno, node.col_offset), node)
    return found


def _runs_once(record, loop, backend) -> bool:
    """The loop's first test holds whatever the values: a literal ``range`` that is not
    empty, ``while True``, or ``while k < 10`` right after ``k = 0``."""
    if isinstance(loop, S.For):
        count = static_count(record.iteration, backend) if isinstance(
            record.iteration, Range) else None
        return bool(count)
    test = loop.test
    if isinstance(test, S.Constant):
        return bool(test.value)
    if not (isinstance(test, S.Compare) and len(test.ops) == 1):
        return False
    operands = [_value_at_entry(o, loop, backend) for o in (test.left, test.comparators[0])]
    operator = _COMPARISONS.get(type(test.ops[0]))
    if operator is None or any(o is None for o in operands):
        return False
    return bool(operator(*operands))


def _value_at_entry(node, loop, backend):
    """A number literal, or a name the statement right before the loop's block binds to
    one with no statement between binding it again: its value when the loop starts."""
    if isinstance(node, S.Constant) and type(node.value) in (int, float):
        return node.value
    if not isinstance(node, S.Name):
        return None
    module = backend.module
    for _, statements in memo(module, "statement_lists", lambda: [
            pair for n in S.walk(module) for pair in S.statement_lists(n)]):
        if loop not in statements:
            continue
        for before in reversed(statements[:statements.index(loop)]):
            if isinstance(before, S.Assign) and len(before.targets) == 1 and isinstance(
                    before.targets[0], S.Name) and before.targets[0].id == node.id:
                value = before.value
                return value.value if isinstance(value, S.Constant) and type(
                    value.value) in (int, float) else None
            if any(isinstance(n, S.Name) and n.id == node.id and not isinstance(
                    n.ctx, S.Load) for n in S.walk(before)) or isinstance(
                    before, (S.FunctionDef, S.ClassDef)):
                return None
        return None
    return None


_COMPARISONS = {S.Lt: lambda a, b: a < b, S.LtE: lambda a, b: a <= b,
                S.Gt: lambda a, b: a > b, S.GtE: lambda a, b: a >= b,
                S.NotEq: lambda a, b: a != b}


def _target_names(target) -> list[str]:
    if isinstance(target, S.Name):
        return [target.id]
    if isinstance(target, (S.Tuple, S.List)):
        return [n for e in target.elts for n in _target_names(e)]
    return []


def static_count(iteration: Range, backend) -> int | None:
    """How many times ``range(start, stop, step)`` runs, when its bounds are literals."""
    bounds = [_integer(iteration.start), _integer(iteration.stop),
              _integer(iteration.step) if iteration.step is not None else 1]
    if None in bounds or bounds[2] == 0:
        return None
    return len(range(*bounds))


def _integer(node) -> int | None:
    if isinstance(node, S.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub)
            and isinstance(node.operand, S.Constant) and type(node.operand.value) is int):
        return -node.operand.value
    return None


def _indexes_containers(body: S.FunctionDef, record, backend) -> bool:
    """The body indexes one of the function's Python lists, tuples or dicts with the
    loop index (``vals[i]``): a traced index cannot do that."""
    indices = {record.item}
    for statement in body.body[:1]:  # `i = i_item` when the target is carried
        if isinstance(statement, S.Assign) and isinstance(statement.targets[0], S.Name):
            indices.add(statement.targets[0].id)
    nodes = _walk(body.body, backend)
    if any(isinstance(node, S.Subscript) and backend.facts.is_container(node.value)
           and any(isinstance(n, S.Name) and n.id in indices for n in S.walk(node.slice))
           for node in nodes):
        return True
    # `t[i] = v` on a parameter that may be a list (the statement dispatches on its type)
    for node in nodes:
        called = backend.records.of_call(getattr(node, "value", None)) if isinstance(
            node, S.Assign) else None
        if called is not None and called.helper == "setitem" and isinstance(
                called.operands["target"], S.Name) and (backend.statements._list_or_array(
                called.operands["target"], [called]) or backend.facts.list_guarded.get(
                id(node)) == called.operands["target"].id) and any(
                isinstance(n, S.Name) and n.id in indices
                for n in S.walk(called.operands["index"])):
            return True
        targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                   if isinstance(node, S.AugAssign) else [])
        if any(isinstance(t, S.Subscript) and isinstance(t.value, S.Name)
               and backend.facts.list_guarded.get(id(node)) == t.value.id
               and any(isinstance(n, S.Name) and n.id in indices for n in S.walk(t.slice))
               for t in targets):
            return True  # the same statement, read again in a second run
    return False


# -- the Python statement ----------------------------------------------------------------
def unwrapped(function: S.FunctionDef, renamed=frozenset()) -> list:
    """The statements of a generated function as they read in the user's function: no
    ``nonlocal``/``global`` prologue (``renamed``: the parameters standing for shared
    names), no final ``return`` of the carried values."""
    body = list(function.body)
    while body and isinstance(body[0], (S.Nonlocal, S.Global)):
        body.pop(0)
    while body and isinstance(body[0], S.Assign) and isinstance(body[0].value, S.Name) and (
            body[0].value.id in renamed):
        body.pop(0)
    if body and isinstance(body[-1], S.Return):
        body.pop()
    return body or [S.set_location(S.Pass(), function)]


def _read_first(test) -> set[str]:
    """The names an ``if`` test surely reads before anything else can run (``a > 10``;
    not an operand ``and``/``or`` may skip, nor a lambda's body): when the statement
    starts they are bound, or Python's test raises ``NameError`` first."""
    if test is None:
        return set()
    found, todo = set(), [test]
    while todo:
        node = todo.pop()
        if isinstance(node, S.Name) and isinstance(node.ctx, S.Load):
            found.add(node.id)
        elif isinstance(node, S.BoolOp):
            todo.append(node.values[0])
        elif isinstance(node, S.IfExp):
            todo.append(node.test)
        elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and (
                node.func.attr in _LOGICAL_HELPERS + ("compare",)):
            todo += [a for a in node.args[:1]]  # `py2lax.and_(a, lambda: b)`: `a` first
        elif isinstance(node, (S.Compare, S.BinOp, S.UnaryOp, S.Subscript, S.Attribute)):
            todo += list(S.iter_child_nodes(node))
    return found


def _condition_changes(condition, backend) -> str | None:
    """What a ``while`` condition changes each time Python tests it (``tick()`` whose
    ``def`` declares ``nonlocal n``, ``o.bump()`` of a class whose ``bump`` sets an
    attribute or item, ``stack.pop()``, ``(k := k + 1)``), shown as the call; None when
    it changes nothing the code shows. lax traces the condition once: the change would
    happen once, not once per test."""
    expressions = backend.expressions
    module = backend.module
    for node in _walk(condition.body, backend):
        if isinstance(node, S.NamedExpr):
            return f"`{S.unparse(node)}`"
        if not isinstance(node, S.Call) or backend.records.of_call(node) is not None:
            continue
        function = callee(node, backend.records)
        definitions = []
        if isinstance(function, S.Name):
            if function.id in backend.outside_writers:
                return f"`{S.unparse(node)}`"
            definition = expressions._local_definition(function.id)
            if definition is None and function.id not in backend.context.local_names:
                definition = expressions._module_function(function.id)
            definitions = [definition] if definition is not None else []
        elif isinstance(function, S.Attribute):
            if function.attr in MUTATING_METHODS and isinstance(function.value, S.Name) and (
                    backend.facts.is_container(function.value)):
                return f"`{S.unparse(node)}`"
            definitions = [m for c in (module.body if module is not None else [])
                           if isinstance(c, S.ClassDef) for m in c.body
                           if isinstance(m, S.FunctionDef) and m.name == function.attr]
        if any(not expressions.changes_nothing(d) for d in definitions):
            return f"`{S.unparse(node)}`"
    return None


def python_statement(record, backend, reason: str, python_test: bool = False) -> list:
    """``record``'s statement as the user wrote it (its inner statements converted).
    The test of an ``if`` or ``while`` is checked to be a Python value when it runs
    (``checked_test``), unless ``python_test`` says it is one by construction."""
    functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
    expressions = backend.expressions
    location = record.call
    shared = backend.context.shared
    renamed = set(shared.renamed.values()) if shared is not None else set()
    if record.kind in ("if", "while"):
        test = expressions.python(record.test)
        if not python_test or id(record) in backend.first_run_checks:  # (as a first run did)
            test = checked_test(test, record, backend, reason)
    if record.kind == "if":
        orelse = unwrapped(functions[1], renamed) if len(functions) > 1 else []
        orelse = [] if len(orelse) == 1 and isinstance(orelse[0], S.Pass) else orelse
        node = S.If(test=test, body=unwrapped(functions[0], renamed), orelse=orelse)
    elif record.kind == "while":
        node = S.While(test=test, body=unwrapped(functions[1], renamed), orelse=[])
    else:
        body = unwrapped(functions[0], renamed)
        target = S.store(record.item)
        first = body[0]
        if (S.is_generated(first) and isinstance(first, S.Assign)
                and isinstance(first.value, S.Name) and first.value.id == record.item
                and len(body) > 1):  # `k = k_item`: the target, carried (not the user's `p = k`)
            target, body = first.targets[0], body[1:]
        node = S.For(target=target, iter=_iterable(record, backend, reason), body=body,
                     orelse=[], type_comment=None)
    located = S.copy_location(node, location)
    located.col_offset = record.column
    backend.kept_as_python(record, reason)
    return [located]


def _iterable(record, backend, reason: str):
    """What a ``for`` kept as Python iterates over. A bound of its ``range`` that is not a
    number written in the code runs through ``_py2lax_python_bound`` (``checked_bound``)."""
    iteration, expressions = record.iteration, backend.expressions
    if isinstance(iteration, Range):
        bounds = [iteration.start, iteration.stop] + (
            [iteration.step] if iteration.step is not None else [])
        if len(bounds) == 2 and _integer(bounds[0]) == 0 and isinstance(
                bounds[0], S.Constant) and getattr(bounds[0], "lineno", None) is None:
            bounds = bounds[1:]  # `range(n)`: the 0 was py2lax's
        return S.Call(func=S.load("range"), args=[
            checked_bound(b, record, backend, reason) for b in bounds],
                      keywords=[])
    return expressions.value(iteration.iterable)


def checked_bound(bound, record, backend, reason: str):
    """``bound`` of the ``range`` of a ``for`` kept as Python, given to
    ``_py2lax_python_bound`` with the user's line and ``reason`` (a first run's, where
    the first run checked it). Where it is traced when the function runs, Python's
    ``range`` would raise JAX's TracerIntegerConversionError naming only the function
    being traced, not the loop or why it stayed Python. A bound known from the code
    alone (``len(weights)``, a static argument) is written as it is."""
    if backend.expressions.static(bound) or is_checked_bound(bound) or _counted(bound, backend):
        return backend.expressions.value(bound)
    bound = backend.expressions.value(bound)
    first = backend.first_run_checks.get(id(record))
    if first is not None and is_checked_bound(first):
        args = [S.deep_copy(a) for a in first.args[1:]]
    else:
        args = [S.Constant(value=f"{backend.spell.filename}:{record.line}", kind=None),
                S.Constant(value=_plain(reason, backend), kind=None)]
    name = helper_name(backend, "python_bound", record.call)
    return S.copy_location(S.Call(func=S.load(name), args=[bound] + args, keywords=[]), bound)


def _counted(bound, backend) -> bool:
    """``bound`` is arithmetic on numbers, the indices of Python loops (``range(i)``
    inside ``for i in range(len(types)):`` kept as Python) and locals bound to static
    values: a Python int when tracing."""
    names = [n.id for n in S.walk(bound) if isinstance(n, S.Name)]
    return all(isinstance(n, (S.Name, S.Constant, S.BinOp, S.UnaryOp))
               for n in S.walk(bound)) and all(
        backend.facts.is_loop_counter(name) or _bound_static(name, backend) for name in names)


def _bound_static(name: str, backend) -> bool:
    """``name`` is a local bound only to values known when tracing (``n = len(b)``, ``n =
    A.shape[0]``)."""
    values = backend.facts.bindings.get(name)
    return name not in backend.facts.parameters and bool(values) and all(
        v is not None and backend.expressions.static(v) for v in values)


def is_checked_bound(node) -> bool:
    """``_py2lax_python_bound(n, where, reason)``: a bound a first run checked."""
    return (isinstance(node, S.Call) and isinstance(node.func, S.Name)
            and node.func.id == PREFIX + "python_bound" and len(node.args) == 3)


def checked_test(test, record, backend, reason: str):
    """``test`` of a statement kept as Python, run by ``_py2lax_python_test`` (as a
    ``lambda``, so that a bool ``and``/``or``/``not`` takes inside it is caught too)
    with the user's line and ``reason``. The pipeline lowered the statement because it
    could not tell the test is static, so it may be traced when the function runs: JAX
    would then raise its TracerBoolConversionError at the function's ``def`` line,
    naming neither the statement nor why it stayed Python. A test a first run checked
    is kept as it is (a second run changes nothing), and one that binds a name (a
    walrus, which a ``lambda`` would bind for itself) as written."""
    first = backend.first_run_checks.get(id(record))
    if first is not None:  # as the first run wrote it: its line and its reason
        return S.copy_location(S.Call(func=S.deep_copy(first.func), args=[
            _thunk(test, backend)] + [S.deep_copy(a) for a in first.args[1:]], keywords=[]),
            test)
    return checked_at(test, record.call, record.line, backend, reason)


def unwrap_checked_test(record, backend) -> None:
    """A first run's ``_py2lax_python_test(lambda ...: test, where, reason)`` (read
    again by a second run): the statement is decided on ``test`` itself, as the first
    run decided it, and kept as Python its test is checked with the first run's
    ``where`` and ``reason`` (a second run changes nothing)."""
    test = record.test
    if test is not None and is_checked_test(test) and isinstance(test.args[0], S.Lambda):
        backend.first_run_checks[id(record)] = test
        record.test = test.args[0].body


def unwrap_checked_bounds(record, backend) -> None:
    """A first run's ``range(_py2lax_python_bound(n, where, reason))`` (read again by a
    second run): the loop is decided on ``n`` itself, and kept as Python for the first
    run's reason, its bound checked with the first run's ``where`` and ``reason``."""
    iteration = record.iteration
    if record.kind != "for" or not isinstance(iteration, Range):
        return
    for field in ("start", "stop", "step"):
        bound = getattr(iteration, field)
        if is_checked_bound(bound):
            backend.first_run_checks[id(record)] = bound
            setattr(iteration, field, bound.args[0])


def first_run_reason(record, backend) -> str | None:
    """Why a first run kept ``record``'s statement as Python (its checked test's
    reason), or None: a second run keeps it so too, whatever made the first decide (a
    write into a shared object reads differently in the first run's output, where the
    body's own loops are lax calls), so that a second run changes nothing."""
    first = backend.first_run_checks.get(id(record))
    if first is None:
        return None
    reason = first.args[2]
    if isinstance(reason, S.Constant) and isinstance(reason.value, str):
        return reason.value
    return "a first run kept it as Python"


def unwrap_first_run_checks(backend) -> None:
    """Every first run's checked test of the function (``unwrap_checked_test``), before
    anything is decided: the test is put back in the tree where the first run read it, so
    that what decides an outer statement (``for sd_fi in ...:`` kept as Python because its
    body tests ``isinstance(sd_fi, ...)``) reads the same code on a second run. Read
    inside the ``lambda``, the test was no part of the body's own code, and the loop
    became a lax.scan (IPython's ultratb.py was no fixed point)."""
    for record in backend.records.lowered:
        unwrap_checked_bounds(record, backend)
        test = record.test
        unwrap_checked_test(record, backend)
        if record.test is not test:
            # the pipeline wrote a copy of the test into the statement's call (an `if`)
            # or its condition function (a `while`)
            place = record.call if record.kind == "if" else record.definitions[0]
            _replace_copy(place, S.unparse(test), record.test)


def _replace_copy(root, text: str, new) -> None:
    """The first checked test in ``root`` that reads ``text`` replaced by a copy of
    ``new``."""
    for node in S.walk(root):
        for field, value in S.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                if is_checked_test(item) and S.unparse(item) == text:
                    items[index] = S.deep_copy(new)
                    if not isinstance(value, list):
                        setattr(node, field, items[0])
                    return


def checked_at(test, node, line: int, backend, reason: str):
    """``test`` run by ``_py2lax_python_test`` at the user's ``line`` (see
    ``checked_test``); ``node`` locates a refusal of the helper's name."""
    if is_checked_test(test) or any(isinstance(n, S.NamedExpr) for n in S.walk(test)):
        return test
    name = helper_name(backend, "python_test", node)
    where = f"{backend.spell.filename}:{line}"
    call = S.Call(func=S.load(name), args=[_thunk(test, backend), S.Constant(
        value=where, kind=None), S.Constant(value=_plain(reason, backend), kind=None)],
                  keywords=[])
    return S.copy_location(call, test)


def _thunk(test, backend):
    """``lambda ...: test``, for ``_py2lax_python_test`` to call."""
    # the function's names the test reads are the lambda's parameters, given their values
    # (`lambda p=p: p[0] > 1.0`): a closure would make them cell variables, which a
    # second run reads differently. (A lambda's own parameters are `Name`s in a `Param`
    # context, so they are among the names not loaded.)
    bound = {n.id for n in S.walk(test) if isinstance(n, S.Name) and not isinstance(
        n.ctx, S.Load)}
    outside = _module_names(backend)
    read = list(dict.fromkeys(n.id for n in S.walk(test) if isinstance(n, S.Name)
                              and isinstance(n.ctx, S.Load) and n.id not in bound
                              and n.id not in outside))
    return S.Lambda(args=S.arguments(args=[S.param(n) for n in read], posonlyargs=[],
                                     vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                     defaults=[S.load(n) for n in read]), body=test)


def is_checked_test(test) -> bool:
    """``_py2lax_python_test(lambda: ..., ...)``: a test a first run checked."""
    return (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id == PYTHON_TEST and len(test.args) == 3)


def _plain(reason: str, backend) -> str:
    """``reason`` as the output's reader sees the code: a call the pipeline wrapped for
    the runtime (``py2lax.converted(push)(l, x)``) as the user wrote it (``push(l, x)``)."""
    runtime = re.escape(backend.context.runtime)
    return re.sub(rf"\b{runtime}\.converted\(([^()]*)\)", r"\1", reason)


def _module_names(backend) -> set[str]:
    """The names a test reads that are no function's: builtins and the module's own
    (its imports, functions, classes and top-level assignments), the same on every run.
    The names the output itself adds at module level (its ``jax`` and ``jnp`` imports,
    its ``_py2lax_*`` helpers) count too: a second run reads them as the module's, and a
    first run that made them the lambda's parameters would be changed by it."""
    import builtins
    module = backend.module
    added = {backend.spell.jax, backend.spell.numpy_name} | output_helper_names()
    if module is None:
        return set(dir(builtins)) | added | (set(_names_read(backend.function))
                                             - backend.context.local_names)
    return set(dir(builtins)) | added | memo(module, "top_level_names",
                                             lambda: _top_level(module))


def _names_read(node) -> list[str]:
    return [n.id for n in S.walk(node) if isinstance(n, S.Name)]


def _top_level(module) -> set[str]:
    found = set()
    for statement in module.body:
        if isinstance(statement, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            found.add(statement.name)
        elif isinstance(statement, (S.Import, S.ImportFrom)):
            found |= {(a.asname or a.name).split(".")[0] for a in statement.names}
        else:
            found |= {n.id for n in S.walk(statement) if isinstance(n, S.Name)
                      and not isinstance(n.ctx, S.Load)}
    return found


def _carried_text(record, backend) -> str | None:
    """A name the statement carries that the function binds to a string anywhere (``s
    = ""`` before ``for i in range(m): s = s + "ab"``, ``name += f" #{k}"``): lax
    carries arrays only, so the statement stays Python, where JAX refused the string
    (its raw 'not a valid JAX type')."""
    for name in record.carried:
        for value in backend.facts.bindings.get(name, []):
            if value is not None and backend.facts.is_text(value):
                return name  # (`s = ""`, `s = f"{k}"`, `name += " #2"`)
    return None


def static_items(record, backend) -> bool:
    """A ``for`` over values known when tracing (``a.shape``, ``x.shape[1:]``, a static
    argument, a string): Python's loop gives the body Python values, as the runtime's
    does (lax cannot hold a string at all); a scan
    over ``jnp.asarray(a.shape)`` would make them arrays (a shape built from one fails,
    a list the body indexes with one cannot be read). A display (``[1.0, 2.0]``) is
    left to the rules for displays: Python's loop without ``break`` (the pipeline keeps
    it), an array lax stops in with one."""
    iteration = record.iteration
    if not isinstance(iteration, Items):
        return False
    see_through = iteration.see_through if isinstance(iteration.iterable, S.Call) else None
    return static_iterable(iteration.iterable, see_through, backend)


def static_iterable(iterable, see_through: str | None, backend) -> bool:
    """``iterable`` (or the iterables ``enumerate``/``zip`` of it, ``see_through``) gives
    values known when tracing: static (``a.shape``, a static argument) or a string."""
    if see_through in ("enumerate", "zip"):
        parts = iterable.args if see_through == "zip" else iterable.args[:1]
    else:
        parts = [iterable]
    return bool(parts) and all(
        (backend.expressions.static(p) or backend.facts.is_text(p)) and not isinstance(
            p, (S.List, S.Tuple, S.Set, S.Dict, S.Constant)) for p in parts)


def static_loop_items(record, backend) -> set[str]:
    """The names a Python ``for`` over static values (``static_items``) binds to Python
    values: its target's names that the user's function binds nowhere else (another
    loop's item, an assignment), so every read of them inside the loop sees a Python
    value, as the runtime's loop gives."""
    loop = _user_loop(record, backend)
    if not isinstance(loop, S.For):
        return set()
    owners = [f for f in S.walk(backend.module) if isinstance(
        f, (S.FunctionDef, S.AsyncFunctionDef)) and any(n is loop for n in S.walk(f))]
    if not owners:
        return set()
    inner = min(owners, key=lambda f: sum(1 for _ in S.walk(f)))
    names = set(_target_names(loop.target))
    binders = [loop.target]  # (and `i, d = item` of the item: a first run's output)
    return unpacked_alone(inner, loop, binders, names)


def unpacked_alone(function, scope, binders: list, names: set[str]) -> set[str]:
    """``names`` (bound by ``binders``), with those unpacked from them inside ``scope``
    (``i, d = item``), less those ``function`` binds anywhere else."""
    items = set(names)
    names = set(names)
    for node in S.walk(scope):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.value, S.Name) and node.value.id in items:
            names |= set(_target_names(node.targets[0]))
            binders = binders + [node.targets[0]]
    bound_here = {id(n) for b in binders for n in S.walk(b)}
    others = {n.id for n in S.walk(function) if isinstance(n, S.Name) and n.id in names
              and isinstance(n.ctx, S.Store) and id(n) not in bound_here}
    return names - others - (set(parameter_names(function.args)) - items)


def _numbers_display(node) -> bool:
    """``[1.0, 2.0, 4.0]``: a list or tuple display of numbers, which lax can stack into
    an array and stop at a traced ``break`` (the runtime stops its Python loop there)."""
    return isinstance(node, (S.List, S.Tuple)) and bool(node.elts) and all(
        isinstance(e, S.Constant) and type(e.value) in (int, float) for e in node.elts)
