"""RewriteItemAssignment: ``x[i] = v``, ``obj.a = v`` and ``ys.append(v)`` assign the variable.

JAX arrays are immutable, and lowering tracks variables, not objects. So updates of a
container held in a local variable are written as a new value for the variable; the
runtime helpers keep Python's in-place meaning for lists, dicts and NumPy arrays (they
mutate and return the same object) and use ``.at[...]`` for JAX arrays.

Before::

    x[i, j] += v
    ys.append(y)

After::

    x = py2lax.setitem(x, (i, j), v, op='+=')
    ys = py2lax.append(ys, y)

and ``self.value = v`` becomes ``self = py2lax.setattr_(self, 'value', v)``, so an object
whose attributes a traced statement assigns is carried through it.

Only containers named by a local variable (a parameter or a name the function
assigns) are rewritten; ``GLOBAL_CACHE[k] = v`` is left as it is.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.jumps import always_exits
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.transforms.context import ConversionContext

_OPERATORS = {
    S.Add: "+=", S.Sub: "-=", S.Mult: "*=", S.Div: "/=", S.FloorDiv: "//=", S.Mod: "%=",
    S.Pow: "**=", S.MatMult: "@=", S.BitAnd: "&=", S.BitOr: "|=", S.BitXor: "^=",
    S.LShift: "<<=", S.RShift: ">>=",
}
_GROWING_METHODS = {"append", "extend"}


def _root(node):
    while isinstance(node, (S.Attribute, S.Subscript)):
        node = node.value
    return node


def _root_name(node) -> str:
    root = _root(node)
    return root.id if isinstance(root, S.Name) else "item"


def _as_list(visited) -> list:
    return visited if isinstance(visited, list) else [visited]


def _as_load(node):
    """A copy of an assignment target that reads it (``x[i]`` as an expression).

    Only the target's own names change context: a comprehension inside an index
    (``out[tuple(slice(None, s) for s in shape)]``) keeps its own targets.
    """
    copied = S.deep_copy(node)
    todo = [copied]
    while todo:
        child = todo.pop()
        if isinstance(child, S.comprehension):
            todo += [child.iter] + list(child.ifs)
            continue
        if hasattr(child, "ctx") and isinstance(child.ctx, (S.Store, S.Del)):
            child.ctx = S.Load()
        todo += S.iter_child_nodes(child)
    return copied


class _Rewriter(S.NodeTransformer):
    def __init__(self, local_names: set[str], context: ConversionContext):
        self.local_names, self.context = local_names, context
        self.changed = False
        self.updates: list = []  # the `x = py2lax.setitem(x, ...)` statements written
        self.views: dict[str, str] = {}  # see _views

    def _is_local_container(self, node) -> bool:
        root = _root(node)
        return isinstance(root, S.Name) and root.id in self.local_names

    def visit_FunctionDef(self, node):
        return node  # nested functions are converted on their own

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def _rebuilt(self, original, target, value, op=None):
        """``a["k"][i] = v`` -> ``a = py2lax.setitem(a, "k", py2lax.setitem(a["k"], i, v))``.

        Each level returns its (updated) container, so the root variable is assigned and
        a traced statement carries it; lists, dicts and objects are still mutated in place.
        """
        line = original.lineno
        while isinstance(target, (S.Subscript, S.Attribute)):
            keywords = [] if op is None else [("op", S.Constant(value=op, kind=None))]
            owner_name = target.value.id if isinstance(target.value, S.Name) else None
            if isinstance(target, S.Subscript) and owner_name in self.views:
                keywords.append(("view_of", S.Constant(value=self.views[owner_name],
                                                       kind=None)))
            owner = _as_load(target.value)
            if isinstance(target, S.Subscript):
                index = _as_load(target.slice)
                call = self.context.call("setitem", owner, index, value, keywords=keywords,
                                         line=line, target=owner, index=index, value=value,
                                         op=op)
            else:
                call = self.context.call("setattr_", owner,
                                         S.Constant(value=target.attr, kind=None), value,
                                         keywords=keywords, line=line, target=owner,
                                         name=target.attr, value=value, op=op)
            value, target, op = call, target.value, None
        assign = S.Assign(targets=[S.store(target.id)], value=value, type_comment=None)
        self.changed = True
        self.updates.append(assign)
        return S.set_location(S.copy_location(assign, original), original)

    def _is_local_target(self, target) -> bool:
        return isinstance(target, (S.Subscript, S.Attribute)) and self._is_local_container(target)

    def visit_Assign(self, node):
        if len(node.targets) == 1 and self._is_local_target(node.targets[0]):
            return self._rebuilt(node, node.targets[0], node.value)
        if any(self._updates_local(t) for t in node.targets):
            return self._one_target_at_a_time(node)
        return node

    def _updates_local(self, target) -> bool:
        """A target that assigns into a local container, alone or inside a tuple."""
        if isinstance(target, S.Starred):
            target = target.value
        if isinstance(target, (S.Tuple, S.List)):
            return any(self._updates_local(e) for e in target.elts)
        return self._is_local_target(target)

    def _one_target_at_a_time(self, node) -> list:
        """``a[i], a[j] = a[j], a[i]`` -> ``new_a, new_a_1 = a[j], a[i]`` and then
        ``a[i] = new_a``, ``a[j] = new_a_1`` (each rewritten as above), in Python's order.

        Names before the first container element stay in the unpacking (Python assigns
        them first anyway); ``x[0] = y[0] = v`` assigns ``v`` once to a new name first.
        """
        if len(node.targets) > 1:
            temporary = self.context.names.new("value")
            assigns = [S.Assign(targets=[S.store(temporary)], value=node.value,
                                type_comment=None)]
            assigns += [S.Assign(targets=[t], value=S.load(temporary), type_comment=None)
                        for t in node.targets]
        else:
            target = node.targets[0]
            after, elements, first = [], [], None
            for index, element in enumerate(target.elts):
                inner = element.value if isinstance(element, S.Starred) else element
                if first is None and (isinstance(inner, S.Name) or not self._updates_local(inner)):
                    elements.append(element)
                    continue
                first = index if first is None else first
                temporary = self.context.names.new(f"new_{_root_name(inner)}")
                elements.append(S.Starred(value=S.store(temporary), ctx=S.Store())
                                if isinstance(element, S.Starred) else S.store(temporary))
                after.append(S.Assign(targets=[inner], value=S.load(temporary),
                                      type_comment=None))
            unpack = type(target)(elts=elements, ctx=S.Store())
            assigns = [S.Assign(targets=[unpack], value=node.value, type_comment=None)] + after
        self.changed = True
        located = [S.set_location(S.copy_location(a, node), node) for a in assigns]
        return [located[0]] + [r for a in located[1:] for r in _as_list(self.visit(a))]

    def visit_AugAssign(self, node):
        if not self._is_local_target(node.target):
            return node
        return self._rebuilt(node, node.target, node.value, _OPERATORS[type(node.op)])

    def visit_Expr(self, node):
        call = node.value
        if not (isinstance(call, S.Call) and isinstance(call.func, S.Attribute)
                and call.func.attr in _GROWING_METHODS and len(call.args) == 1
                and not call.keywords and isinstance(call.func.value, S.Name)
                and call.func.value.id in self.local_names):
            return node
        owner = call.func.value.id
        grown = self.context.call(call.func.attr, S.load(owner), call.args[0], line=node.lineno,
                                  target=S.load(owner), value=call.args[0])
        assign = S.Assign(targets=[S.store(owner)], value=grown, type_comment=None)
        self.changed = True
        return S.set_location(S.copy_location(assign, node), node)


def _list_indices_as_arrays(function: S.FunctionDef, context: ConversionContext) -> bool:
    """``a[[k, p]]`` -> ``a[py2lax.indices([k, p])]``: NumPy reads a list index as an index
    array, which JAX only accepts as an array."""
    changed = False
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Subscript) and isinstance(node.slice, S.List):
            call = context.call("indices", node.slice, values=node.slice)
            node.slice = S.set_location(call, node.slice)
            changed = True
    return changed


def rewrite_item_assignment(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    indexed = _list_indices_as_arrays(function, context)
    rewriter = _Rewriter(context.local_names, context)
    rewriter.views = _views(function)
    function.body = S.visit_statements(rewriter, function.body)
    context.unreturned_in_place = _unreturned_in_place(function, rewriter.updates)
    context.updated_roots = {assign.targets[0].id for assign in rewriter.updates}
    return rewriter.changed or indexed


def _views(function: S.FunctionDef) -> dict[str, str]:
    """Names that hold a part of another local array (``row = grid[i]``, ``for p in
    state:``) and nothing else, or the same array as another name (``cur = prev``,
    ``lo = hi = np.zeros(2)``), each with that other name, when the function reads it
    elsewhere too.

    With NumPy, ``row[j] = v`` changes ``grid``; a JAX array cannot change, so the update
    would reach ``row`` alone. ``py2lax.setitem(row, j, v, view_of='grid')`` lets the
    runtime refuse that case (NumPy arrays and lists are still updated in place).
    """
    sources: dict[str, set] = {}
    defining: set[int] = set()  # the Name nodes that read the other array to define a view
    aliases: dict[str, str] = {}  # `cur = prev`, `lo = hi = np.zeros(2)`: one array, two names
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign):
            names = [t.id for t in node.targets if isinstance(t, S.Name)]
            if isinstance(node.value, S.Name) and len(names) == 1:
                names.append(node.value.id)
                defining.add(id(node.value))
            for first, second in zip(names, names[1:]):
                aliases.setdefault(first, second)
                aliases.setdefault(second, first)
    # Two names are one array throughout only if neither is bound anywhere else (`u = new`
    # at the end of a double-buffered step rebinds `u`: writes to `new` never reach it).
    bindings = _binding_counts(function)
    aliases = {name: other for name, other in aliases.items()
               if bindings.get(name, 0) == 1 and bindings.get(other, 0) == 1}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign):
            for target in node.targets:
                for name in _bound_plain_names(target):
                    base = (_root(node.value).id if len(node.targets) == 1
                            and isinstance(target, S.Name) and isinstance(node.value, S.Subscript)
                            and isinstance(_root(node.value), S.Name) else None)
                    sources.setdefault(name, set()).add(base)
                    if base is not None:
                        defining.add(id(_root(node.value)))
        elif isinstance(node, S.For):
            iterable = node.iter
            if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
                    and iterable.func.id == "enumerate" and iterable.args
                    and isinstance(node.target, S.Tuple) and len(node.target.elts) == 2):
                item, iterable = node.target.elts[1], iterable.args[0]
            else:
                item = node.target
            base = iterable.id if isinstance(iterable, S.Name) else None
            for name in _bound_plain_names(node.target):
                sources.setdefault(name, set()).add(
                    base if isinstance(item, S.Name) and item.id == name else None)
            if base is not None:
                defining.add(id(iterable))
        elif isinstance(node, (S.AugAssign, S.AnnAssign, S.NamedExpr)):
            for name in _bound_plain_names(node.target):
                if not isinstance(node, S.AugAssign):
                    sources.setdefault(name, set()).add(None)
    read_elsewhere = {node.id for node in S.walk_same_scope_statements(function.body)
                      if isinstance(node, S.Name) and isinstance(node.ctx, S.Load)
                      and id(node) not in defining}
    parameters = set(parameter_names(function.args))
    views = {name: other for name, other in aliases.items()
             if other != name and other in read_elsewhere}
    views.update({name: next(iter(bases)) for name, bases in sources.items()
                  if len(bases) == 1 and None not in bases and name not in parameters
                  and next(iter(bases)) != name and next(iter(bases)) in read_elsewhere})
    return views


def _binding_counts(function: S.FunctionDef) -> dict[str, int]:
    """How many places bind each name of ``function``: its parameters, and every name it
    stores into (assignments, loop targets, ``+=``, ``:=``, ``with ... as``)."""
    counts = dict.fromkeys(parameter_names(function.args), 1)
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Name) and isinstance(node.ctx, S.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _bound_plain_names(target) -> list[str]:
    if isinstance(target, S.Name):
        return [target.id]
    if isinstance(target, (S.Tuple, S.List)):
        return [n for element in target.elts for n in _bound_plain_names(element)]
    if isinstance(target, S.Starred):
        return _bound_plain_names(target.value)
    return []


def _unreturned_in_place(function: S.FunctionDef, updates: list) -> dict[str, int]:
    """Parameter -> line of its first update, for parameters the function updates in place
    (``a[i] = v``, ``a /= n``, never rebinding ``a`` otherwise) but does not return.

    With a NumPy array or a list the caller sees such an update; with a JAX array,
    which is immutable, it cannot, so the runtime refuses that call (see
    ``py2lax.runtime.calls``).
    """
    parameters = set(parameter_names(function.args))
    # `v /= total` on an array parameter is in place too (NumPy's `__itruediv__`).
    updates = updates + [node for node in S.walk_same_scope_statements(function.body)
                         if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)]
    updated: dict[str, int] = {}
    for statement in updates:
        target = statement.target if isinstance(statement, S.AugAssign) else statement.targets[0]
        if target.id in parameters and target.id not in updated:
            updated[target.id] = statement.lineno
    if not updated:
        return {}
    update_ids = {id(a) for a in updates}
    others: set[str] = set()  # names some other statement binds
    for node in S.walk_same_scope_statements(function.body):
        if not isinstance(node, S.stmt) or id(node) in update_ids:
            continue
        if isinstance(node, (S.For, S.AsyncFor)):
            others |= bound_names([S.Assign(targets=[node.target], value=None)])
        elif not list(S.statement_lists(node)) and not isinstance(node, (S.Try, S.Match)):
            others |= bound_names([node])
    returned = _always_returned(function)
    return {name: line for name, line in updated.items()
            if name not in others and name not in returned}


def _always_returned(function: S.FunctionDef) -> set[str]:
    """Names every ``return`` of the function returns (alone or in a returned tuple)."""
    returns = [n for n in S.walk_same_scope_statements(function.body) if isinstance(n, S.Return)]
    if not returns or not always_exits(function.body):
        return set()
    common = None
    for statement in returns:
        value = statement.value
        values = value.elts if isinstance(value, (S.Tuple, S.List)) else [value]
        names = {v.id for v in values if isinstance(v, S.Name)}
        common = names if common is None else common & names
    return common or set()
