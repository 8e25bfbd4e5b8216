"""Containers another name can reach, changed in place: their changes must stay visible.

A traced statement carries only the variables read after it. A list that the statement
appends to but that the function never reads again still matters when another name
holds the same object: the caller's list given as an argument (``push(acc, x)``), a
row of a nested list (``r = rows[0]``), an attribute (``h = self.hist``), a loop
variable over a list of lists, a second local name that is read (``b = acc``, then
``len(b)``). Such names count as read everywhere, so the statement carries them and the
runtime writes the result back into the object itself.

>>> from py2lax.frontend import syntax as S
>>> tree = S.parse_module('''
... def f(acc, x, rows):
...     r = rows[0]
...     fresh = []
...     if x > 0:
...         acc.append(x); r.append(x); fresh.append(x)
... ''').body[0]
>>> sorted(shared_and_changed_in_place(tree))
['acc', 'r']
"""

from __future__ import annotations

import builtins

from py2lax.frontend import syntax as S
from py2lax.analysis.definedness import _Definedness
from py2lax.analysis.names import CHANGING_METHODS, bound_names, parameter_names
from py2lax.analysis.unshared import unshared_before
from py2lax.transforms.records import Records


def shared_and_changed_in_place(function: S.FunctionDef, records: Records | None = None
                                ) -> frozenset[str]:
    """The names of ``function`` (not of nested scopes) whose object another name may
    reach and that the function changes in place (see the module docstring).

    Updates already rewritten by RewriteItemAssignment (``acc = py2lax.append(acc, x)``,
    ``r = py2lax.setitem(r, 0, v)``, read from ``records``) count too.
    """
    shared = set(parameter_names(function.args)) - {"self", "cls"}
    second_names: set[str] = set()  # `b = a` (b read later): a and b
    changes: dict[str, list] = {}  # name -> the nodes that change its object
    statements = S.walk_same_scope_statements(function.body)
    read = {node.id for node in statements
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Load)}
    for node in statements:
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            target, value = node.targets[0].id, node.value
            if isinstance(value, (S.Attribute, S.Subscript)):
                shared.add(target)  # `r = rows[0]`, `h = self.hist`
            elif isinstance(value, S.Name) and value.id != target and target in read:
                second_names |= {target, value.id}
            elif records is not None and records.writes(value, target, _RUNTIME_UPDATES):
                changes.setdefault(target, []).append(node)
        elif isinstance(node, S.For) and isinstance(node.target, S.Name):
            shared.add(node.target.id)  # an item of the container looped over
        elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute):
            if node.func.attr in CHANGING_METHODS and isinstance(node.func.value, S.Name):
                changes.setdefault(node.func.value.id, []).append(node)
        if isinstance(node, (S.Assign, S.AugAssign, S.Delete)):
            targets = (node.targets if isinstance(node, (S.Assign, S.Delete))
                       else [node.target])
            for target in targets:
                if isinstance(target, S.Subscript) and isinstance(target.value, S.Name):
                    changes.setdefault(target.value.id, []).append(node)  # `acc[i] = v`
    found = shared & set(changes)
    # a second name sees a change only where the object is not one just made (`new =
    # u.copy(); new[1:] = ...; u = new`: nothing else holds `new` when it is written)
    fresh = _fresh_at(function, statements)
    found |= {name for name in second_names - shared if any(
        not fresh(name, node) for node in changes.get(name, ()))}
    return frozenset(found)


def _fresh_at(function: S.FunctionDef, statements: list):
    """``fresh(name, node)``: whether ``name`` holds an object no other name reaches at
    the statement that holds ``node`` (see analysis.unshared)."""
    unshared = unshared_before(function)
    statement_of: dict[int, int] = {}
    for statement in statements:  # outer statements first: inner ones override
        if id(statement) in unshared:
            for child in S.walk_same_scope(statement):
                statement_of[id(child)] = id(statement)
    return lambda name, node: name in unshared.get(statement_of.get(id(node)), ())


_RUNTIME_UPDATES = ("setitem", "append", "extend", "augassign")


# -- names that may hold one array (a write through one must reach the others) -------------

# Builtins and methods whose result never holds an argument itself.
_NOT_HOLDING = frozenset({
    "len", "abs", "min", "max", "sum", "int", "float", "bool", "complex", "round", "range",
    "print", "isinstance", "hasattr", "getattr", "sorted", "enumerate", "zip", "repr",
    "str", "divmod", "pow", "any", "all", "id", "type", "hash", "reversed", "map",
    "filter", "iter", "next", "callable", "format",
})
_BUILTIN_NAMES = frozenset(dir(builtins))
# List and dict methods that store their argument in the container.
_STORED_ARGUMENT = {"append": 0, "insert": 1, "extend": 0, "setdefault": 1, "add": 0,
                    "appendleft": 0}  # which argument the container keeps
_STORING_METHODS = frozenset(_STORED_ARGUMENT)


class _Groups:
    """Which names may be given which names' objects (``t = v``: ``t`` may hold what
    ``v`` holds). Two names may hold one object when one object can reach both: the
    names each may have been given from, followed back, meet. ``out = a`` in one branch
    and ``out = b`` in another link ``out`` to each but not ``a`` to ``b`` (one group of
    all three refused, in plain jax, a write into ``a`` that ``b`` would not see: a
    second run over the ``return_value = ...`` that early returns become found it)."""

    def __init__(self):
        self.sources: dict[str, set[str]] = {}

    def join(self, receiver: str, source: str) -> None:
        self.sources.setdefault(receiver, set()).add(source)
        self.sources.setdefault(source, set())

    def origins(self, name: str) -> set[str]:
        """``name`` and every name whose object it may hold, transitively."""
        found, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo += self.sources.get(current, ())
        return found

    def aliases(self, name: str) -> set[str]:
        mine = self.origins(name)
        return {other for other in self.sources if self.origins(other) & mine} | {name}


def _held_names(value) -> list[str]:
    """The plain names a display puts in a container: ``[w]``, ``(a, b)``, ``{"w": w}``."""
    if isinstance(value, (S.List, S.Tuple, S.Set)):
        elements = [e.value if isinstance(e, S.Starred) else e for e in value.elts]
    elif isinstance(value, S.Dict):
        elements = list(value.values)
    else:
        return []
    return [e.id for e in elements if isinstance(e, S.Name)]


def _chosen_names(value) -> list[str]:
    """The plain names a conditional expression may give: ``a if c else b``, nested."""
    if isinstance(value, S.IfExp):
        return _chosen_names(value.body) + _chosen_names(value.orelse)
    return [value.id] if isinstance(value, S.Name) else []


def _root_name(node) -> str | None:
    while isinstance(node, (S.Attribute, S.Subscript)):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


def written_roots(function: S.FunctionDef) -> set[str]:
    """Names whose array (or an array they hold) the function writes into:
    ``u[1] = y``, ``hb.a[0] += x``, ``ws[0][i] = v``."""
    roots = set()
    for node in S.walk_same_scope_statements(function.body):
        targets = (node.targets if isinstance(node, S.Assign)
                   else [node.target] if isinstance(node, S.AugAssign) else [])
        for target in targets:
            if isinstance(target, S.Subscript):
                root = _root_name(target)
                if root is not None:
                    roots.add(root)
    return roots


def method_receivers(function: S.FunctionDef, value_methods: frozenset[str]) -> set[str]:
    """Local names whose own methods the function calls as statements (``hb.put(i, v)``):
    the method may write into an array the object holds."""
    receivers = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Expr) and isinstance(node.value, S.Call):
            function_node = node.value.func
            if (isinstance(function_node, S.Attribute) and isinstance(function_node.value, S.Name)
                    and function_node.attr not in value_methods
                    and function_node.attr not in CHANGING_METHODS):
                receivers.add(function_node.value.id)
    return receivers


def may_call_user_code(call, local_names: set[str], value_methods: frozenset[str]) -> bool:
    """``helper(...)``, ``Cls(...)``, ``obj.method(...)`` on a local object: a call that
    may run the user's code and keep an argument (not a builtin, a module's function or
    an array method)."""
    function = call.func
    if isinstance(function, S.Name):
        return function.id not in _BUILTIN_NAMES
    if isinstance(function, S.Attribute) and isinstance(function.value, S.Name):
        return (function.value.id in local_names and function.attr not in value_methods
                and function.attr not in CHANGING_METHODS)
    if isinstance(function, S.Attribute) and isinstance(function.value, S.Call):
        return function.attr not in value_methods  # `Holder(w).put(x)`
    return False


def _first_argument(call) -> list[str]:
    """``w`` in ``bump(w, i, x)``, ``Holder(w)``: the argument a helper that writes in
    place usually takes (and returns), or a class keeps."""
    first = call.args[0] if call.args else None
    return [first.id] if isinstance(first, S.Name) else []


def _container_names(function: S.FunctionDef) -> set[str]:
    """Names assigned a list or dict (a display, ``list()``, ``dict()``): ``ws[0] = w``
    stores ``w`` itself there, where ``w[0] = x`` on an array copies ``x``."""
    found = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            value = node.value
            if isinstance(value, (S.List, S.Dict, S.ListComp, S.DictComp)) or (
                    isinstance(value, S.Call) and isinstance(value.func, S.Name)
                    and value.func.id in ("list", "dict")):
                found.add(node.targets[0].id)
    return found


class Sharing:
    """Which names may hold one array, found from the function's statements.

    ``aliases``: names that may be the very same object (``v = w``; ``u = bump(w, i,
    x)``, a helper that may return its parameter, where ``u`` is written into or has
    its methods called later). ``holds``: container or object -> the names it may keep
    (``ws = [w]``, ``d = {"w": w}``, ``ws.append(w)``, ``d["k"] = w``, ``hb.a = w``,
    ``hb = Holder(w)``: a class, its name capitalised). A link only says "may": the
    runtime compares identities.
    """

    def __init__(self):
        self.groups = _Groups()
        self.holds: dict[str, set[str]] = {}
        self.tuples: set[str] = set()  # holders assigned a tuple: rebuilt, never changed
        # container or object -> names read from one of its items or attributes (`alias =
        # s.v`): an item assignment through the holder (`s.v[1] = x`) shows there too
        self.parts: dict[str, set[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.groups.sources or self.holds)

    def aliases(self, name: str) -> set[str]:
        return self.groups.aliases(name)

    def at(self, unbound: frozenset[str]) -> "Sharing":
        """The links that may exist where the names ``unbound`` are certainly not bound
        yet: such a name holds no array there (``a += 1.0`` before ``r = a``)."""
        if not unbound:
            return self
        narrowed = _SharingAt(unbound)
        narrowed.groups, narrowed.tuples, narrowed.parts = self.groups, self.tuples, self.parts
        narrowed.holds = {owner: kept - unbound for owner, kept in self.holds.items()
                          if owner not in unbound}
        return narrowed

    def holders_of(self, names) -> set[str]:
        """``names``, their aliases, and every container or object that may keep one of
        them (a write into their array shows there), transitively."""
        found: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found |= self.aliases(name)
            todo += [owner for owner, kept in self.holds.items()
                     if kept & self.aliases(name)]
            todo += list(self.aliases(name) - found)
        return found

    def held_by(self, names) -> set[str]:
        """The names the containers or objects ``names`` (or their aliases) may keep."""
        kept: set[str] = set()
        for name in names:
            for alias in self.aliases(name):
                kept |= self.holds.get(alias, set())
        return kept


class _SharingAt(Sharing):
    """``Sharing.at``: the aliases of a name, less the names not bound yet."""

    def __init__(self, unbound: frozenset[str]):
        super().__init__()
        self.unbound = unbound

    def aliases(self, name: str) -> set[str]:
        return {alias for alias in self.groups.aliases(name)
                if alias == name or alias not in self.unbound}


def may_hold_arrays(function: S.FunctionDef, value_methods: frozenset[str],
                    modules: frozenset[str] = frozenset({"np", "numpy", "jnp", "onp"})
                    ) -> set[str]:
    """Names with some sign of holding an array, list, dict or object that a helper could
    write into: written into (``w[i] = v``), assigned a copy, an array made by one of
    ``modules``, a list or dict (``w = w0.copy()``, ``w = np.zeros(3)``, ``ws = [w]``),
    or given first to a helper whose result is written into (``u = bump(w, 0, x)`` then
    ``u[1] = y``). A number passed to a helper (``y = g(s)``) needs no write-back."""
    found = written_roots(function) | method_receivers(function, value_methods)
    for target, value in _named_assignments(function):
        called = _unconverted(value.func) if isinstance(value, S.Call) else None
        if isinstance(value, (S.List, S.Dict, S.ListComp, S.DictComp, S.Set)):
            found.add(target)
        elif isinstance(called, S.Attribute):
            root = called.value
            while isinstance(root, S.Attribute):
                root = root.value
            if called.attr == "copy" or (isinstance(root, S.Name) and root.id in modules):
                found.add(target)
        if isinstance(value, S.Call) and target in found:
            found |= set(_first_argument(value))
    return found


def sliced_names(function: S.FunctionDef) -> set[str]:
    """Names assigned arithmetic on a slice (``p = x[:2] * k``, ``q = -x[i:i + 2]``): a
    new array (or list) of its own, which NumPy's ``p *= 2.0`` then changes in place
    wherever it is held (``out.append(p)``), where a number would be rebound."""
    found = set()
    for target, value in _named_assignments(function):
        if isinstance(value, (S.BinOp, S.UnaryOp)) and _reads_a_slice(value):
            found.add(target)
    return found


def _reads_a_slice(value) -> bool:
    if isinstance(value, S.BinOp):
        return _reads_a_slice(value.left) or _reads_a_slice(value.right)
    if isinstance(value, S.UnaryOp):
        return _reads_a_slice(value.operand)
    if not isinstance(value, S.Subscript):
        return False
    parts = value.slice.elts if isinstance(value.slice, S.Tuple) else [value.slice]
    return any(isinstance(part, S.Slice) for part in parts)


def _unconverted(function):
    """``np.array`` of ``py2lax.converted(np.array)`` (what the calls pass writes before
    this one reads the function); any other function as it is."""
    if (isinstance(function, S.Call) and isinstance(function.func, S.Attribute)
            and function.func.attr == "converted" and len(function.args) == 1):
        return function.args[0]
    return function


def _named_assignments(function: S.FunctionDef):
    """``(name, value)`` for each name an assignment gives a value of its own: ``w =
    v``, and each name of ``pos, neg = [], []``."""
    for node in S.walk_same_scope_statements(function.body):
        if not (isinstance(node, S.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, S.Name):
            yield target.id, value
        elif (isinstance(target, (S.Tuple, S.List)) and isinstance(value, (S.Tuple, S.List))
              and len(target.elts) == len(value.elts)):
            for each, part in zip(target.elts, value.elts):
                if isinstance(each, S.Name):
                    yield each.id, part


def sharing_names(function: S.FunctionDef, value_methods: frozenset[str]) -> Sharing:
    """The :class:`Sharing` of ``function``'s names.

    >>> tree = S.parse_module('''
    ... def f(w0, x):
    ...     w = w0.copy()
    ...     ws = [w]
    ...     ws[0][1] = x
    ...     t = w + 1
    ... ''').body[0]
    >>> sharing = sharing_names(tree, frozenset({"copy"}))
    >>> sorted(sharing.held_by({"ws"})), sorted(sharing.holders_of({"w"}))
    (['w'], ['w', 'ws'])
    """
    sharing = Sharing()
    local = set(parameter_names(function.args)) | {
        n.id for n in S.walk_same_scope_statements(function.body)
        if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}
    keeps_result = written_roots(function) | method_receivers(function, value_methods)
    containers = _container_names(function)

    def hold(owner: str, names) -> None:
        for name in names:
            if name != owner and name in local and owner in local:
                sharing.holds.setdefault(owner, set()).add(name)

    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, S.Name):
                if isinstance(value, S.Name) and value.id != target.id and value.id in local:
                    sharing.groups.join(target.id, value.id)
                elif isinstance(value, S.IfExp):
                    # `t = a if v > 0 else b`: `t` is `a` or `b` itself
                    for name in _chosen_names(value):
                        if name != target.id and name in local:
                            sharing.groups.join(target.id, name)
                elif isinstance(value, S.Call) and may_call_user_code(value, local, value_methods):
                    if _is_class_name(value.func):
                        hold(target.id, _first_argument(value))
                    elif target.id in keeps_result:
                        for name in _first_argument(value):
                            if name != target.id and name in local:
                                sharing.groups.join(target.id, name)
                elif isinstance(value, S.Attribute) or (
                        isinstance(value, S.Subscript) and isinstance(value.value, S.Name)
                        and value.value.id in containers):
                    root = _root_name(value)
                    if root is not None and root != target.id and root in local and (
                            target.id in local):
                        # `alias = s.v`, `w = ws[0]`: that very object
                        sharing.parts.setdefault(root, set()).add(target.id)
                        if isinstance(value, S.Subscript) and isinstance(value.value, S.Name):
                            # `arr = arrs[i]` with `arrs = [a, b]`: `a` or `b` itself
                            for name in sharing.held_by({root}):
                                if name != target.id:
                                    sharing.groups.join(target.id, name)
                else:
                    hold(target.id, _held_names(value))
                    if isinstance(value, S.Tuple):
                        sharing.tuples.add(target.id)
            elif isinstance(value, S.Name) and (isinstance(target, S.Attribute) or (
                    isinstance(target, S.Subscript) and isinstance(target.value, S.Name)
                    and target.value.id in containers)):
                root = _root_name(target)
                if root is not None:
                    hold(root, [value.id])  # `d["k"] = w`, `hb.a = w`
        elif isinstance(node, S.For):
            for target, held, owner in _loop_items(node.target, node.iter, sharing):
                # `for field in (u, v):` (or over `fields = (u, v)`): each is `field = u`...
                for name in held:
                    if name != target and name in local:
                        sharing.groups.join(target, name)
                if owner is not None:  # `for arr in d.values()`: an item `d` keeps
                    hold(owner, [target])
        elif isinstance(node, S.Expr) and isinstance(node.value, S.Call):
            function_node = node.value.func
            if (isinstance(function_node, S.Attribute) and isinstance(function_node.value, S.Name)
                    and function_node.attr in _STORING_METHODS):
                stored = node.value.args[_STORED_ARGUMENT[function_node.attr]:][:1]
                for argument in stored:
                    hold(function_node.value.id, [argument.id] if isinstance(
                        argument, S.Name) else _held_names(argument))
    return sharing


# Builtins whose items are the very objects their argument's items are.
_SAME_ITEMS = frozenset({"reversed", "list", "tuple", "sorted", "iter"})


def _loop_items(target, iterable, sharing: Sharing) -> list[tuple[str, list[str], str | None]]:
    """``(name, names, owner)`` for each name a ``for`` binds to an item of what it walks:
    the names whose objects the item may be (``for arr in (a, b)``, ``for i, arr in
    enumerate([a, b])``, ``for arr in reversed(arrays)``, ``for p, q in zip(ps, qs)``),
    and the container that keeps the item itself (``for arr in d.values()``, ``for k,
    arr in d.items()``), whose anonymous arrays a write through the name changes."""
    call = iterable if (isinstance(iterable, S.Call) and not iterable.keywords
                        and not any(isinstance(a, S.Starred) for a in iterable.args)) else None
    function = call.func if call is not None else None
    elements = target.elts if isinstance(target, (S.Tuple, S.List)) else None
    if isinstance(function, S.Name) and function.id in _SAME_ITEMS and len(call.args) == 1:
        return _loop_items(target, call.args[0], sharing)
    if isinstance(function, S.Name) and function.id == "enumerate" and call.args and (
            elements is not None and len(elements) == 2):
        return _loop_items(elements[1], call.args[0], sharing)
    if isinstance(function, S.Name) and function.id == "zip" and elements is not None and (
            len(elements) == len(call.args)):
        return [found for element, argument in zip(elements, call.args)
                for found in _loop_items(element, argument, sharing)]
    if (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
            and not call.args):
        owner = function.value.id
        if function.attr == "values" and isinstance(target, S.Name):
            return [(target.id, sorted(sharing.held_by({owner})), owner)]
        if function.attr == "items" and elements is not None and len(elements) == 2 and (
                isinstance(elements[1], S.Name)):
            return [(elements[1].id, sorted(sharing.held_by({owner})), owner)]
        return []
    if not isinstance(target, S.Name):
        return []
    held = _held_names(iterable) or (sorted(sharing.held_by({iterable.id}))
                                     if isinstance(iterable, S.Name) else [])
    return [(target.id, held, None)]


def _is_class_name(function) -> bool:
    name = function.id if isinstance(function, S.Name) else (
        function.attr if isinstance(function, S.Attribute) else "")
    return name[:1].isupper()


class _EveryStatement(_Definedness):
    """The definedness analysis, noting what is certainly bound before every statement."""

    def __init__(self):
        super().__init__()
        self.before: dict[int, frozenset[str]] = {}
        self.possibly: dict[int, frozenset[str]] = {}

    def statement(self, node, certainly, possibly):
        self.before[id(node)] = frozenset(certainly)
        self.possibly[id(node)] = self.possibly.get(id(node), frozenset()) | possibly
        return super().statement(node, certainly, possibly)


def certainly_defined_before(function: S.FunctionDef) -> dict[int, frozenset[str]]:
    """``id(statement) -> names certainly bound when it starts``, for every statement of
    ``function`` (unreachable ones: every name)."""
    analysis = _EveryStatement()
    parameters = frozenset(parameter_names(function.args))
    analysis.block(function.body, parameters, parameters)
    return analysis.before


def possibly_defined_before(function: S.FunctionDef) -> dict[int, frozenset[str]]:
    """``id(statement) -> names that may be bound when it starts`` (in a loop, also what
    a later statement of its body binds, for the next iteration)."""
    analysis = _EveryStatement()
    parameters = frozenset(parameter_names(function.args))
    analysis.block(function.body, parameters, parameters)
    return analysis.possibly


# -- names that hold a NumPy view of another local array ----------------------------------

_VIEW_METHODS = frozenset({"reshape", "ravel", "view", "transpose", "squeeze", "swapaxes"})
_SPLITTING = frozenset({"split", "array_split", "hsplit", "vsplit", "dsplit"})


def _part_root(value, parts: dict[str, str]) -> str | None:
    """The name whose array ``value`` may be a view of: ``grid`` for ``grid[0]``,
    ``grid[:, 1]``, ``grid.T``, ``a.reshape(2, 2)``, ``row[1:]`` (``row`` a part of
    ``grid``)."""
    node = value
    if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and (
            node.func.attr in _VIEW_METHODS):
        node = node.func.value
    while isinstance(node, S.Subscript) or (isinstance(node, S.Attribute)
                                            and node.attr == "T"):
        node = node.value
    if node is value or not isinstance(node, S.Name):
        return None
    return parts.get(node.id, node.id)


def _makes_numpy_array(value) -> bool:
    """``np.zeros((3, 3))``, ``np.array(rows) * x``, ``a0.copy()``,
    ``py2lax.converted(np.zeros)(3)``: an expression that computes a new NumPy array."""
    operands = [value]
    while operands:
        node = operands.pop()
        if isinstance(node, S.BinOp):
            operands += [node.left, node.right]
            continue
        if isinstance(node, S.UnaryOp):
            operands.append(node.operand)
            continue
        if not isinstance(node, S.Call):
            continue
        function = node.func
        if isinstance(function, S.Call) and function.args:  # `py2lax.converted(np.zeros)`
            function = function.args[0]
        if isinstance(function, S.Attribute) and function.attr in ("copy", "astype"):
            return True
        while isinstance(function, S.Attribute):
            function = function.value
        if isinstance(function, S.Name) and function.id in ("np", "numpy"):
            return True
    return False


# Spellings of functions that return JAX arrays (not `jax.device_get`, which gives
# NumPy arrays back, nor `jax.devices()`)
_JAX_ARRAY_FUNCTIONS = ("jnp.", "lax.", "jax.numpy.", "jax.lax.", "jax.random.", "jax.nn.",
                        "jax.scipy.")


def jax_made_names(function: S.FunctionDef) -> set[str]:
    """Local names every binding of which gives a JAX array (``a = jnp.zeros(3)``,
    ``t = a if c else b`` with ``a`` and ``b`` such names, ``u = a * 2.0``, ``for t in
    (a, b)``). A JAX array never changes in place, so ``t += x`` only rebinds ``t``, as
    in Python. Parameters never are: a caller may pass NumPy arrays, which do change.

    >>> tree = S.parse_module('''
    ... def f(x, w):
    ...     a = jnp.zeros(3)
    ...     t = a if x > 0 else a * 2.0
    ...     u = np.zeros(3)
    ...     v = u if x > 0 else a
    ...     w = a
    ...     host = jax.device_get(a)
    ... ''').body[0]
    >>> sorted(jax_made_names(tree))  # (`jax.device_get` gives a NumPy array)
    ['a', 't']
    """
    bindings: dict[str, list] = {}
    recognised: set[int] = set()  # the Name nodes of the bindings looked at
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign) and all(isinstance(t, S.Name) for t in node.targets):
            for target in node.targets:
                bindings.setdefault(target.id, []).append(node.value)
                recognised.add(id(target))
        elif isinstance(node, S.AugAssign) and isinstance(node.target, S.Name):
            recognised.add(id(node.target))  # `t += x` on a JAX array gives a JAX array
        elif isinstance(node, S.For) and isinstance(node.target, S.Name) and isinstance(
                node.iter, (S.Tuple, S.List)):
            bindings.setdefault(node.target.id, []).extend(node.iter.elts)
            recognised.add(id(node.target))
    stored = {node.id for node in S.walk_same_scope(function)
              if isinstance(node, S.Name) and isinstance(node.ctx, S.Store)
              and id(node) not in recognised}
    other = (bound_names(function.body) - set(bindings)) | stored | set(
        parameter_names(function.args))
    made = set(bindings) - other
    while True:  # drop the names one of whose bindings may give something else
        kept = {name for name in made
                if all(_gives_jax_array(value, made) for value in bindings[name])}
        if kept == made:
            return made
        made = kept


def _gives_jax_array(value, made: set[str]) -> bool:
    if isinstance(value, S.Name):
        return value.id in made
    if isinstance(value, S.IfExp):
        return _gives_jax_array(value.body, made) and _gives_jax_array(value.orelse, made)
    if isinstance(value, S.BinOp):  # a JAX array with anything gives a JAX array
        return _gives_jax_array(value.left, made) or _gives_jax_array(value.right, made)
    if isinstance(value, S.UnaryOp):
        return _gives_jax_array(value.operand, made)
    if isinstance(value, S.Subscript):  # `a[0]`, `a.at[i].set(v)`
        return _gives_jax_array(value.value, made)
    if isinstance(value, S.Attribute):
        return value.attr in ("T", "at", "real", "imag") and _gives_jax_array(value.value, made)
    if isinstance(value, S.Call) and isinstance(value.func, S.Attribute):
        if _root_name(value.func) not in made and S.unparse(value.func).strip().startswith(
                _JAX_ARRAY_FUNCTIONS):
            return True  # `jnp.zeros(3)`, `jax.random.normal(key)`, `lax.select(...)`
        return _gives_jax_array(value.func.value, made)  # `a.reshape(2, 2)`, `a.copy()`
    return False


def array_parts(function: S.FunctionDef) -> dict[str, set[str]]:
    """``array name -> names that may hold a view of it`` (``row = grid[0]``, ``col =
    grid[:, 1]``, ``m = a.reshape(2, 2)``, ``for row in grid``), for arrays the function
    makes with NumPy (``grid = np.zeros((3, 3))``, ``A = A0.copy()``) or takes as
    parameters. With NumPy a write into ``grid`` shows in ``row``; a write that makes
    ``grid`` a JAX array must read ``row`` again (``runtime/holders.latest``)."""
    statements = S.walk_same_scope_statements(function.body)
    made = set(parameter_names(function.args)) - {"self", "cls"}
    others = set()  # names bound some other way (a list, a number, ...)
    for node in statements:
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            value, target = node.value, node.targets[0].id
            if _makes_numpy_array(value):
                made.add(target)
            elif isinstance(value, (S.List, S.Dict, S.Set, S.Tuple, S.ListComp, S.DictComp,
                                    S.SetComp, S.Constant)):
                others.add(target)  # a container or a number, not an array
    arrays = made - others
    parts: dict[str, str] = {}
    for node in statements:
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            root = _part_root(node.value, parts)
            if root in arrays and root != node.targets[0].id:
                parts[node.targets[0].id] = root
        elif isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], (S.Tuple, S.List)):
            # `top, bottom = grid[0], grid[1]`, `left, right = np.split(grid, 2)`
            names, value = node.targets[0].elts, node.value
            if isinstance(value, (S.Tuple, S.List)) and len(value.elts) == len(names):
                pairs = [(t, _part_root(e, parts)) for t, e in zip(names, value.elts)]
            elif (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
                  and value.func.attr in _SPLITTING and isinstance(value.func.value, S.Name)
                  and value.func.value.id in ("np", "numpy") and value.args
                  and isinstance(value.args[0], S.Name)):
                root = parts.get(value.args[0].id, value.args[0].id)
                pairs = [(t, root) for t in names]
            else:
                pairs = []
            for target, root in pairs:
                if isinstance(target, S.Name) and root in arrays and root != target.id:
                    parts[target.id] = root
        elif isinstance(node, S.For) and isinstance(node.target, S.Name) and isinstance(
                node.iter, S.Name) and node.iter.id in arrays:
            parts[node.target.id] = node.iter.id
    found: dict[str, set[str]] = {}
    for name, root in parts.items():
        if name not in arrays:
            found.setdefault(root, set()).add(name)
    return found
