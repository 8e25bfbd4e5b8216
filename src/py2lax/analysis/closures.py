"""Which of a function's variables its nested functions and lambdas share with it.

Python closures bind late: a nested ``def`` or ``lambda`` reads (or, with ``nonlocal``,
writes) the variable itself, not the value it had when the closure was made. Lowering
moves statements into generated functions whose parameters are *copies* of the carried
variables, which would give closures a snapshot instead. The lowering reads these facts
to keep Python's meaning: a *cell variable* is declared ``nonlocal`` in every generated
function that assigns it, and counts as live everywhere (a closure may read it at any
later time).

>>> from py2lax.frontend import syntax as S
>>> fn = S.parse_module('''
... def f(n):
...     i = 0
...     s = 0
...     def read_i():
...         return i
...     def bump():
...         nonlocal s
...         s += read_i()
...     fns = [lambda: n]
...     return s
... ''').body[0]
>>> sorted(cell_variables(fn))
['i', 'n', 'read_i', 's']
>>> nonlocal_writers(fn)
{'bump': {'s'}}
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import (bound_names, declared_nonlocal, free_names,
                                   parameter_names)
from py2lax.transforms.records import callee

_CLOSURES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda)


def _closures(statements: list, called_at_once=frozenset()) -> list:
    """The outermost defs and lambdas in ``statements``, including those inside this
    scope's comprehensions and classes (which run at once, but whose closures outlive
    them), and the generator expressions that are not used up where they are made
    (``gens.append(x * k for _ in r)``: they read ``x`` and ``k`` when consumed, later).
    ``called_at_once``: ids of defs and lambdas that are part of this scope (see
    ``lax_callbacks``)."""
    found, todo = [], list(statements)
    while todo:
        node = todo.pop()
        if isinstance(node, S.Lambda) and (S.is_thunk(node) or id(node) in called_at_once):
            todo.append(node.body)  # called at once by the runtime: part of this scope
        elif isinstance(node, S.FunctionDef) and id(node) in called_at_once:
            todo += node.body
            todo += [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
        elif isinstance(node, _CLOSURES):
            found.append(node)
            if not isinstance(node, S.Lambda):  # defaults and decorators run here
                todo += node.decorator_list
            todo += [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
        elif isinstance(node, S.Call) and _consumes_at_once(node):
            todo.append(node.func)
            todo += [a.elt if isinstance(a, S.GeneratorExp) else a for a in node.args]
            todo += [g for a in node.args if isinstance(a, S.GeneratorExp) for g in a.generators]
            todo += [k.value for k in node.keywords]
        elif isinstance(node, S.GeneratorExp):  # lazy: it reads the variables when consumed
            found.append(node)
            todo.append(node.generators[0].iter)  # evaluated here, at once
        else:
            todo += S.iter_child_nodes(node)
    return found


# Calls that use up a generator expression given to them before they return:
# `sum(x * k for x in v)` reads `k` at once, like a list comprehension would.
_CONSUMING_BUILTINS = frozenset({"sum", "any", "all", "min", "max", "list", "tuple", "set",
                                 "frozenset", "sorted", "dict", "next", "len", "bool",
                                 "float", "int"})
_CONSUMING_METHODS = frozenset({"join", "extend", "update", "array", "asarray", "stack",
                                "fromiter", "concatenate", "hstack", "vstack", "prod",
                                "mean"})


def _consumes_at_once(call) -> bool:
    """A call given a generator expression that it uses up at once (also through
    ``py2lax.converted(sum)``)."""
    if not any(isinstance(a, S.GeneratorExp) for a in call.args):
        return False
    function = callee(call.func)
    if isinstance(function, S.Name):
        return function.id in _CONSUMING_BUILTINS
    return isinstance(function, S.Attribute) and function.attr in _CONSUMING_METHODS


def _local_names(function) -> set[str]:
    names = set(parameter_names(function.args)) | bound_names(function.body)
    return names - declared_nonlocal(function.body)


def cell_variables(function: S.FunctionDef) -> frozenset[str]:
    """The function's own variables that a nested def or lambda reads or assigns."""
    shared: set[str] = set()
    for closure in _closures(function.body, lax_callbacks(function)):
        shared |= free_names(closure)
    return frozenset(shared & _local_names(function))


def nonlocal_writers(function: S.FunctionDef) -> dict[str, set[str]]:
    """Nested ``def`` name -> the function's variables that calling it may assign.

    A def writes what it declares ``nonlocal``, and what the writers it mentions write.
    """
    local = _local_names(function)
    defs = [n for n in S.walk_same_scope_statements(function.body) if isinstance(n, S.FunctionDef)]
    writes = {d.name: declared_nonlocal(d.body) & local for d in defs}
    mentions = {d.name: {n.id for s in d.body for n in S.walk(s)
                         if isinstance(n, S.Name) and n.id in writes} for d in defs}
    changed = True
    while changed:
        changed = False
        for name, mentioned in mentions.items():
            extra = set().union(*(writes[m] for m in mentioned)) - writes[name]
            if extra:
                writes[name] |= extra
                changed = True
    return {name: names for name, names in writes.items() if names}


_LAX_PRIMITIVES = {"cond", "switch", "while_loop", "fori_loop", "scan", "map"}


# The helpers of --standalone output (backends.plain_lax.shared_definitions) that are
# given a lowered statement's functions and call them before they return, as lax does.
RUNNING_HELPERS = frozenset({
    "_py2lax_python_or_lax_cond", "_py2lax_parameter_cond", "_py2lax_dtyped_pair",
    "_py2lax_python_ints_fori_loop", "_py2lax_python_ints_while_loop",
    "_py2lax_unless_broken", "_py2lax_list_room", "_py2lax_list_read",
    "_py2lax_caught_math", "_py2lax_math", "_py2lax_python_test"})


def lax_function_call(node) -> bool:
    """``jax.lax.cond(...)`` (``lax.scan``, ``jax.debug.callback``, and ``--standalone``'s
    ``_py2lax_python_or_lax_cond``...): a call that runs the functions given to it before
    it returns, the way ``--standalone`` writes a lowered statement."""
    if (isinstance(node, S.Call) and isinstance(node.func, S.Name)
            and node.func.id in RUNNING_HELPERS):
        return True
    if not isinstance(node, S.Call) or not isinstance(node.func, S.Attribute):
        return False
    owner, attr = node.func.value, node.func.attr
    module = owner.id if isinstance(owner, S.Name) else (
        owner.attr if isinstance(owner, S.Attribute) else None)
    return (module == "lax" and attr in _LAX_PRIMITIVES) or (
        module == "debug" and attr == "callback")


def lax_callbacks(function) -> set[int]:
    """The ids of ``function``'s nested defs that only a lax call right after them uses.

    ``def if_true_5(): ...`` then ``x, = jax.lax.cond(c, if_true_5, if_false_5)`` (what
    ``--standalone`` writes): lax calls them there and nowhere else, so what they read
    is read at that statement, as if written inline, and no update is missed. So they
    make no cell variables, and a second run over the command's output reaches the
    decisions the first made over the user's statement. A def with ``global``,
    decorators, or a name used anywhere else is a closure like any other. (One that
    declares ``nonlocal`` stays a writer of those names: ``nonlocal_writers``.)
    """
    uses: dict[str, int] = {}
    found: set[int] = set()
    for node in S.walk(function):
        if isinstance(node, S.Name):
            uses[node.id] = uses.get(node.id, 0) + 1
        elif lax_function_call(node):  # `lambda: a` given to lax: called there
            found |= {id(a) for a in map(_unwrapped, node.args) if isinstance(a, S.Lambda)}
    blocks = [function.body] + [block for node in S.walk(function)
                                for _field, block in S.statement_lists(node)
                                if node is not function]
    for block in blocks:
        start = 0
        while start < len(block):
            end = start
            while end < len(block) and _plain_def(block[end]):
                end += 1
            if end == start:
                start += 1
                continue
            defs = block[start:end]
            # `dtypes_5 = jax.tree.map(..., jax.eval_shape(if_true_5, x), ...)` may come
            # between them and the lax call (a join of branch dtypes)
            sites = []
            for statement in block[end:]:
                sites.append(statement)
                if not (isinstance(statement, S.Assign) and any(
                        _eval_shape(n) for n in S.walk(statement.value))):
                    break
            # called at the lax statement too: `if attr is not None: r, =
            # jax.lax.cond(t, if_true_5, if_false_5)` / `else: r, = if_false_5()`
            # (--standalone's split of a Python first operand), and `return
            # if_true_5(x)` in the `if_false_5` of a raising branch
            direct = _direct_calls(sites + defs)
            arguments = {}
            for node in (n for site in sites for n in S.walk(site)):
                if lax_function_call(node) or _eval_shape(node):
                    for argument in map(_unwrapped, _spread(node.args)):
                        if isinstance(argument, S.Lambda):  # called there by lax
                            names = [n for n in S.walk(argument.body) if isinstance(n, S.Name)]
                        else:
                            names = [argument] if isinstance(argument, S.Name) else []
                        for name in names:
                            arguments[name.id] = arguments.get(name.id, 0) + 1
            for definition in defs:
                if arguments.get(definition.name) and uses.get(definition.name) in (
                        arguments[definition.name],
                        arguments[definition.name] + direct.get(definition.name, 0)):
                    found.add(id(definition))
            start = end
    return found


def _spread(arguments) -> list:
    """The arguments, with the items of a tuple given (``_py2lax_parameter_cond``'s
    ``(if_true_5, if_false_5)``, the branches it calls as written)."""
    return [item for argument in arguments
            for item in (argument.elts if isinstance(argument, S.Tuple) else [argument])]


def _direct_calls(statements) -> dict[str, int]:
    """How many times ``statements`` call each plain name (``f(x)``)."""
    calls: dict[str, int] = {}
    for node in (n for statement in statements for n in S.walk(statement)):
        if isinstance(node, S.Call) and isinstance(node.func, S.Name):
            calls[node.func.id] = calls.get(node.func.id, 0) + 1
    return calls


def _eval_shape(node) -> bool:
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "eval_shape")


def _plain_def(node) -> bool:
    return (isinstance(node, S.FunctionDef) and not node.decorator_list
            and not any(isinstance(n, S.Global) for n in S.walk(node)))


def _unwrapped(argument):
    """``f`` of ``py2lax.converted(f)`` (how the pipeline wraps the user's functions) and
    of ``_py2lax_typed(f, types)`` (how ``--standalone`` casts a branch's outputs)."""
    if callee(argument) is not argument:
        return callee(argument)
    if (isinstance(argument, S.Call) and isinstance(argument.func, S.Name)
            and argument.func.id in _TYPED_BRANCHES and argument.args):
        return argument.args[0]
    return argument


# the branch casts of backends.plain_lax.shared_definitions, which call the branch at once
_TYPED_BRANCHES = frozenset({"_py2lax_typed", "_py2lax_dtyped"})
