"""Names that certainly hold an object no other name reaches, statement by statement.

:func:`py2lax.analysis.aliases.sharing_names` answers "may these names ever share an
object?" for the whole function, so the double buffer of a stencil

    new = u.copy()
    new[1:-1] = u[1:-1] + 0.4 * (u[2:] - 2 * u[1:-1] + u[:-2])
    u = new

links ``new`` and ``u``, and the write into ``new`` is treated as a write that ``u``
may see. It cannot: ``new`` was made by ``copy()`` just before, and nothing has kept a
reference to it yet. This module follows the statements in order and knows, before
each one, which names hold such a fresh object. A write into one of them reaches no
other name, so it needs no write-back (runtime) and no refusal (``--standalone``).

The analysis is conservative: an object counts as shared once its name is assigned to
another target, stored in a container or attribute, passed to a function that may
keep it (anything but a known NumPy/JAX function or builtin that returns a new
value), captured by a nested function, or looped over. A loop's body starts from
what held before the loop minus every name the loop binds or lets escape, so jumps
need no special handling.

>>> from py2lax.frontend import syntax as S
>>> tree = S.parse_module('''
... def f(u, n):
...     for _ in range(n):
...         new = u.copy()
...         new[1:-1] = u[1:-1] * 2
...         u = new
... ''').body[0]
>>> write = tree.body[0].body[1]
>>> sorted(unshared_before(tree)[id(write)])
['new']
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names
from py2lax.transforms.records import callee, record_of

# Functions whose result is a new value that never refers to their arguments' objects
# (a view, like ``np.reshape`` or ``np.asarray``, would).
_FRESH_FUNCTIONS = frozenset({
    "abs", "all", "allclose", "amax", "amin", "any", "arange", "argmax", "argmin",
    "argsort", "array", "array_equal", "ceil", "clip", "copy", "cos", "count_nonzero",
    "cumprod", "cumsum", "diff", "dot", "empty", "empty_like", "exp", "eye", "floor",
    "full", "full_like", "hypot", "identity", "inner", "isclose", "isfinite", "isinf",
    "isnan", "linspace", "log", "matmul", "max", "maximum", "mean", "min", "minimum",
    "norm", "ones", "ones_like", "outer", "prod", "round", "sign", "sin", "solve", "sort",
    "sqrt", "square", "std", "sum", "tan", "tanh", "var", "where", "zeros", "zeros_like",
})
# Builtins that read their arguments and keep nothing.
_READING_BUILTINS = frozenset({
    "abs", "bool", "float", "int", "len", "max", "min", "print", "range", "repr", "round",
    "str", "sum", "isinstance", "type",
})
# Methods of arrays that return a new value (not a view) and keep nothing.
_FRESH_METHODS = frozenset({
    "all", "any", "argmax", "argmin", "astype", "copy", "dot", "item", "max", "mean", "min",
    "prod", "std", "sum", "tolist", "var",
})
_NUMERIC_MODULES = frozenset({"np", "numpy", "jnp", "math", "linalg", "lax", "jax"})

State = frozenset


def unshared_before(function: S.FunctionDef) -> dict[int, frozenset[str]]:
    """``id(statement)`` -> the names that, just before it, hold an object no other
    name reaches (see the module docstring). Statements inside nested functions and
    classes are not listed."""
    walker = _Walker()
    walker.block(function.body, frozenset())
    return walker.before


class _Walker:
    def __init__(self):
        self.before: dict[int, frozenset[str]] = {}

    def block(self, statements, state: State) -> State:
        for statement in statements:
            state = self.statement(statement, state)
        return state

    def statement(self, node, state: State) -> State:
        self.before[id(node)] = state
        if isinstance(node, S.If):
            state = state - _escaping(node.test)
            return self.block(node.body, state) & self.block(node.orelse, state)
        if isinstance(node, (S.For, S.AsyncFor, S.While)):
            return self.loop(node, state)
        if isinstance(node, (S.With, S.AsyncWith)):
            for item in node.items:
                state = state - _escaping(item.context_expr) - _target_names(item.optional_vars)
            return self.block(node.body, state)
        if isinstance(node, (S.Try, S.TryStar)):
            after_body = self.block(node.body, state)
            raised = self.everywhere_in(node.body, after_body)   # left at any statement
            outcomes = [self.block(node.orelse, after_body)] + [
                self.block(handler.body, raised - {handler.name}) for handler in node.handlers]
            handled = node.orelse + [s for handler in node.handlers for s in handler.body]
            return self.block(node.finalbody, self.everywhere_in(
                handled, frozenset.intersection(raised, *outcomes)))
        if isinstance(node, S.Match):
            state = state - _escaping(node.subject)
            outcomes = [self.block(case.body, state - bound_names([case.pattern]) -
                                   (_escaping(case.guard) if case.guard else frozenset()))
                        for case in node.cases]
            return frozenset.intersection(state, *outcomes)
        return self.simple(node, state)

    def loop(self, node, state: State) -> State:
        """The state at the loop's head is what holds on entry and at every statement of
        its body (a ``continue`` may come back from any of them); the same state holds
        after the loop (a ``break`` may leave from any of them)."""
        head = state
        while True:
            inside = head - (_escaping(node.test) if isinstance(node, S.While) else (
                _names_in(node.iter) | _target_names(node.target)))
            end = self.block(node.body, inside)
            settled = head & self.everywhere_in(node.body, end)
            if settled == head:
                break
            head = settled
        return self.everywhere_in(node.orelse, self.block(node.orelse, inside))

    def everywhere_in(self, statements, end: State) -> State:
        """What holds before every statement of ``statements`` (nested blocks included)
        and at ``end``."""
        held = end
        for statement in S.walk_same_scope_statements(statements):
            if id(statement) in self.before:
                held = held & self.before[id(statement)]
        return held

    def simple(self, node, state: State) -> State:
        if isinstance(node, S.Assign):
            targets = node.targets
            fresh = len(targets) == 1 and isinstance(targets[0], S.Name) and _is_fresh(
                node.value)
            kept = _escaping(node.value) - _written_into_itself(targets, node.value)
            state = state - kept - _target_reads(targets)
            state = state - _names_of_targets(targets)
            return state | {targets[0].id} if fresh else state
        if isinstance(node, S.AugAssign):
            # `x += v` changes x in place (an array) or rebinds it to a new value: either
            # way no other name gains x's object; v's object is read, or kept by a list
            kept = _escaping(node.value) | (
                _names_in(node.value) if not _is_numeric_operand(node.value) else set())
            kept -= _written_into_itself([node.target], node.value)
            return state - kept - _target_reads([node.target])
        if isinstance(node, S.Expr):
            return state - _escaping(node.value)
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            return state - _names_in(node) - {getattr(node, "name", "")}
        if isinstance(node, (S.Pass, S.Break, S.Continue)):
            return state
        # return, raise, del, global, import, assert, annotated assignments, ...: anything
        # they name may be kept or rebound
        return state - _names_in(node) - bound_names([node])


def _is_fresh(value) -> bool:
    """Whether ``value`` makes an object no name holds yet."""
    if isinstance(value, (S.BinOp, S.UnaryOp, S.Compare, S.Constant, S.ListComp,
                          S.SetComp, S.DictComp)):
        return True
    if isinstance(value, (S.List, S.Tuple, S.Set, S.Dict)):
        return True   # a new container (what it holds escapes; see _escaping)
    return isinstance(value, S.Call) and _returns_new_value(value)


def _returns_new_value(call) -> bool:
    function = _unwrapped(call.func)
    if isinstance(function, S.Name):
        return function.id in _READING_BUILTINS or function.id in ("list", "dict", "set")
    if isinstance(function, S.Attribute):
        owner = function.value
        while isinstance(owner, S.Attribute):
            owner = owner.value
        if isinstance(owner, S.Name) and owner.id in _NUMERIC_MODULES:
            return function.attr in _FRESH_FUNCTIONS
        return function.attr in _FRESH_METHODS
    return False


def _unwrapped(function):
    """``np.abs`` for ``py2lax.converted(np.abs)``: the call wrapper the calls transform
    puts around functions that may need converting reads the same arguments."""
    record = record_of(function)
    return callee(function) if record is not None and not record.options else function


def _escaping(expression) -> set[str]:
    """The names whose objects ``expression`` may keep a new reference to: everything
    it names except operands of arithmetic and comparisons, the receivers of methods
    that return new values, subscripted and attribute-read values used as operands, and
    arguments of functions that return new values."""
    escaping: set[str] = set()
    todo = [(expression, False)]
    while todo:
        node, safe = todo.pop()
        if node is None:
            continue
        if isinstance(node, S.Name):
            if not safe:
                escaping.add(node.id)
        elif isinstance(node, (S.BinOp, S.UnaryOp, S.Compare)):
            todo += [(child, True) for child in S.iter_child_nodes(node)]
        elif isinstance(node, (S.Subscript, S.Attribute)):
            # `u[1:-1] + ...` reads a view of u and drops it; `r = u[0]` keeps one
            todo.append((node.value, safe))
            if isinstance(node, S.Subscript):
                todo.append((node.slice, True))
        elif isinstance(node, S.Call):
            new_value = _returns_new_value(node)
            function = _unwrapped(node.func)
            if isinstance(function, S.Attribute):
                todo.append((function.value, new_value))
            else:
                todo.append((function, True))
            todo += [(argument, new_value) for argument in node.args]
            todo += [(keyword.value, new_value) for keyword in node.keywords]
        elif isinstance(node, (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
            escaping |= _names_in(node)
        elif isinstance(node, S.Constant):
            continue
        else:   # containers, `a or b`, conditional expressions, starred, f-strings, ...
            todo += [(child, False) for child in S.iter_child_nodes(node)]
    return escaping


def _written_into_itself(targets, value) -> set[str]:
    """The names whose object a write stores only parts of itself into (``new[0] =
    new[1]``, ``u[-1] += u[-2]``, a boundary condition): the part is kept by the object
    itself, so no other name gains a reference to it. A name read whole (``L[0] = L``)
    is not counted."""
    roots = set()
    for target in targets:
        if isinstance(target, S.Subscript) and isinstance(target.value, S.Name):
            roots.add(target.value.id)
    if not roots:
        return set()
    parts = {id(node.value) for node in S.walk(value)
             if isinstance(node, S.Subscript) and isinstance(node.value, S.Name)}
    whole = {node.id for node in S.walk(value)
             if isinstance(node, S.Name) and id(node) not in parts}
    return roots - whole


def _is_numeric_operand(value) -> bool:
    return isinstance(value, (S.BinOp, S.UnaryOp, S.Compare, S.Constant, S.Subscript,
                              S.Call, S.Attribute))


def _target_reads(targets) -> set[str]:
    """Names read by assignment targets that store into an object (``obj.a = ``,
    ``d[k] = ``): the stored value escapes (counted by the caller), and names in the
    subscripts are only read."""
    reads: set[str] = set()
    for target in targets:
        for node in S.walk(target):
            if isinstance(node, S.Subscript):
                reads |= _escaping(node.slice)
    return reads


def _names_of_targets(targets) -> set[str]:
    names: set[str] = set()
    for target in targets:
        names |= _target_names(target)
    return names


def _target_names(target) -> set[str]:
    if target is None:
        return set()
    return {node.id for node in S.walk(target) if isinstance(node, S.Name)
            and isinstance(node.ctx, S.Store)}


def _names_in(node) -> set[str]:
    return {child.id for child in S.walk(node) if isinstance(child, S.Name)}




_DISPLAYS = (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp)


def _reads_keeping_nothing(function) -> set[int]:
    """``id`` of each name read in a way that keeps no reference to its object: the
    argument of a reading builtin (``len(L)``, ``sum(L)``), the container of ``in``,
    the value indexed (``L[i]``), or what a ``for`` or comprehension iterates."""
    local = bound_names(function.body)
    reads = set()
    for node in S.walk(function):
        if isinstance(node, S.Call) and isinstance(node.func, S.Name) and (
                node.func.id in _READING_BUILTINS | {"any", "all", "sorted"}
                and node.func.id not in local):
            reads.update(id(a) for a in node.args if isinstance(a, S.Name))
        elif isinstance(node, S.Compare):
            operands = [node.left, *node.comparators]
            for op, right in zip(node.ops, operands[1:]):
                if isinstance(op, (S.In, S.NotIn)) and isinstance(right, S.Name):
                    reads.add(id(right))
        elif isinstance(node, S.Subscript) and isinstance(node.value, S.Name):
            reads.add(id(node.value))
        elif isinstance(node, (S.For, S.comprehension)) and isinstance(node.iter, S.Name):
            reads.add(id(node.iter))
    return reads


def objects_held_by_one_name(function: S.FunctionDef) -> frozenset[str]:
    """Local names whose objects no other name, container or nested function can reach:
    each is assigned a call's new result (``state = State()``) and otherwise only read
    through its attributes (``state.n``, ``state.add(x)``). A traced loop that changes
    such an object and then gives the name another one (``if full: acc = Acc()``) loses
    nothing anyone can see; with a second holder (``d = acc``) it would.

    >>> from py2lax.frontend import syntax as S
    >>> tree = S.parse_module('''
    ... def f(x, n):
    ...     acc = Acc(); other = Acc(); keep = other
    ...     for _ in range(n):
    ...         acc.add(x)
    ...         if acc.total > 10:
    ...             acc = Acc()
    ...     return acc.total
    ... ''').body[0]
    >>> sorted(objects_held_by_one_name(tree))
    ['acc']
    """
    candidates: dict[str, bool] = {}
    displays: set[str] = set()  # names assigned a list, dict or set display
    declared = {name for node in S.walk(function) if isinstance(node, (S.Global, S.Nonlocal))
                for name in node.names}
    parameters = {n.id for n in S.walk(function.args) if isinstance(n, S.Name)}
    attribute_reads = {id(node.value) for node in S.walk(function)
                       if isinstance(node, S.Attribute) and isinstance(node.value, S.Name)}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            name = node.targets[0].id
            made = (isinstance(node.value, S.Call) and isinstance(node.value.func, S.Name))
            display = isinstance(node.value, _DISPLAYS)
            candidates[name] = candidates.get(name, True) and (made or display)
            if display:
                displays.add(name)
    bad: set[str] = set(declared) | parameters
    reads = _reads_keeping_nothing(function)
    for node in S.walk(function):
        if not isinstance(node, S.Name) or node.id not in candidates:
            continue
        if node.id in displays and id(node) in reads:
            continue  # `len(L)`, `L[i]`, `v in L`, `for v in L`: the list stays L's alone
        if isinstance(node.ctx, S.Load) and id(node) not in attribute_reads:
            bad.add(node.id)  # passed, stored, returned, compared as itself...
        elif isinstance(node.ctx, (S.Store, S.Del)) and not any(
                isinstance(a, S.Assign) and a.targets[0] is node
                for a in S.walk_same_scope_statements(function.body)):
            bad.add(node.id)  # a `for` target, a tuple target, a nested function's...
    return frozenset(name for name, made in candidates.items() if made and name not in bad)
