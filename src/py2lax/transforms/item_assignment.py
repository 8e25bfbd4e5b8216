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
from py2lax.analysis.aliases import (Sharing, array_parts, certainly_defined_before,
                                    possibly_defined_before,
                                    jax_made_names, may_call_user_code, may_hold_arrays,
                                    sharing_names, sliced_names, written_roots)
from py2lax.analysis.closures import lax_callbacks, lax_function_call
from py2lax.analysis.jumps import always_exits
from py2lax.analysis.unshared import unshared_before
from py2lax.analysis.in_place import functions_writing_nothing, parameters_updated_by_name
from py2lax.analysis.numpy_buffers import (is_numpy_maker, may_read_with_traced_index,
                                           reads_arguments_only)
from py2lax.analysis.names import (bound_names, declarations, parameter_names,
                                   read_names_of_statements)
from py2lax.transforms.calls import ARRAY_AND_STRING_METHODS
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.records import Records, callee, record_of

IN_PLACE_METHODS = frozenset({"sort", "fill"})  # py2lax.runtime.containers.in_place_method
# NumPy functions writing into their first argument: py2lax.runtime.containers.in_place_function
IN_PLACE_FUNCTION_NAMES = frozenset({"fill_diagonal", "put", "put_along_axis", "copyto"})

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
        self.block_views: dict[int, tuple[str, bool]] = {}  # see block_alias_updates
        self.sharing = Sharing()  # see analysis.aliases.sharing_names
        self.array_names: set[str] = set()  # see analysis.aliases.may_hold_arrays
        # the same, less a sign that is a `jnp` call: a JAX array never changes in place,
        # so `peak = cur` then `peak = jnp.where(...)` is no sign that `cur += x` on a
        # number changes `peak` (a first run's `max` read again, jax's roofline.py)
        self.numpy_names: set[str] = set()
        self.held_arrays: set[str] = set()  # numpy_names, and arrays made from a slice
        self.jax_made: set[str] = set()  # see analysis.aliases.jax_made_names
        self.defined: dict[int, frozenset[str]] | None = None  # id(statement) -> bound names
        self.function = None  # the function rewritten (for `defined`, computed when needed)
        self.possibly: dict[int, frozenset[str]] | None = None  # id(statement) -> may be bound
        self.possibly_unbound: frozenset[str] = frozenset()  # the names `possibly` covers
        self.unobserved: set[str] = set()  # see _unobserved_containers
        self.writing_nothing: set[str] = set()  # see analysis.in_place
        self.unshared: dict[int, frozenset[str]] = {}  # see analysis.unshared
        self.parts: dict[str, set[str]] = {}  # see analysis.aliases.array_parts
        self.written: set[str] = set()  # see analysis.aliases.written_roots
        self.part_holders: dict[str, str] = {}  # see part_holders (the root read later)
        self.view_holders: dict[str, str] = {}  # see part_holders (all)
        self.containers: set[str] = set()  # see _container_names
        # parameters updated by `w *= k` (analysis.in_place.parameters_updated_by_name)
        self.updated_by_name: set[str] = set()

    def _refused_views(self) -> dict[str, str]:
        """The views whose writes the runtime refuses on JAX arrays: a part of another
        array (``row = grid[i]``). A second name for the whole array (``v = w``) is
        written back instead (see ``_written_back``)."""
        return {name: other for name, other in self.views.items()
                if other not in self.sharing.aliases(name)}

    def _affected(self, written: set[str], deep: bool, statement=None) -> set[str]:
        """The names that may see a write into the arrays of ``written`` (``deep``: into
        an array they hold, ``ws[0][1] = x``, ``hb.a[0] = x``, ``hb.put(0, x)``) made by
        ``statement``: only ``written`` when they hold objects no other name reaches
        there (``new = u.copy(); new[1:-1] = ...; u = new``, see analysis.unshared)."""
        # `row = grid[0]`, then a write into `grid`: a NumPy view shows it
        views = {name for root in written for alias in self.sharing.aliases(root)
                 for name in self.parts.get(alias, ())}
        # `rows = [M[0], M[1]]`, then a write into `M`: the views the list holds show it
        views |= {holder for holder, root in self.view_holders.items()
                  if root in written or root in views
                  or self.sharing.aliases(root) & set(written)}
        if not deep and statement is not None and written <= self.unshared.get(
                id(statement), frozenset()):
            return set(written) | views
        if deep:
            written = set(written) | self.sharing.held_by(written)
        return self.sharing.holders_of(written) | views

    def _written_back(self, statement, names: set[str], skip=frozenset()) -> list:
        """``w = py2lax.written_through(w)`` for each of ``names`` (the names that may
        see the array the statement wrote into: ``ws = [w]`` then ``ws[0][1] = x``):
        NumPy changes the array they share; a JAX array is replaced, and the runtime
        gives each holder of the old one the new one (py2lax.runtime.holders)."""
        names = set(names) - set(skip) - self.context.static_names - self.unobserved
        if not names:
            return []
        if self.defined is None:
            self.defined = certainly_defined_before(self.function)
        defined = self.defined.get(id(statement), frozenset())
        assigns = []
        for name in sorted(n for n in names if n in defined):
            call = self.context.call("written_through", S.load(name), line=statement.lineno,
                                     target=S.load(name))
            if name in self.sharing.holds and name not in self.sharing.tuples:
                # a list, dict or object: updated in place, so not assigned (a traced
                # body carries it only if it changes); a tuple is rebuilt
                assign = S.Expr(value=call)
            else:
                assign = S.Assign(targets=[S.store(name)], value=call, type_comment=None)
            assigns.append(S.set_location(S.copy_location(assign, statement), statement))
        self.changed |= bool(assigns)
        return assigns

    def _is_local_container(self, node) -> bool:
        root = _root(node)
        return isinstance(root, S.Name) and root.id in self.local_names

    def visit(self, node):
        """A write statement sees only the views and aliases that may exist when it
        runs: ``r = a`` after ``a += 1.0`` (and in no loop around both) makes ``r`` no
        holder of the array ``a`` had at the write (a return's ``return_value = a``,
        which a second run reads, too)."""
        if not isinstance(node, (S.Assign, S.AugAssign, S.AnnAssign, S.Expr)):
            return super().visit(node)
        views, sharing = self.views, self.sharing
        if not views and not sharing:  # nothing to narrow (spares a definedness analysis)
            return super().visit(node)
        unbound = self._unbound_at(node)
        self.views = {name: other for name, other in views.items() if other not in unbound}
        self.sharing = sharing.at(unbound)
        try:
            return super().visit(node)
        finally:
            self.views, self.sharing = views, sharing

    def _unbound_at(self, statement) -> frozenset[str]:
        """The function's own names certainly not bound when ``statement`` runs (a
        global or nonlocal may hold an array from before the call)."""
        if self.possibly is None:
            self.possibly = possibly_defined_before(self.function)
            self.possibly_unbound = frozenset(self.local_names) - set(
                declarations(self.function.body))
        bound = self.possibly.get(id(statement))
        if bound is None:
            return frozenset()
        return self.possibly_unbound - bound

    def visit_FunctionDef(self, node):
        return node  # nested functions are converted on their own

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def _reads_at_the_same_index(self, target, value):
        """``a[m] = b[m] * 2.0``: each ``X[m]`` in the value, read at the index written,
        becomes ``py2lax.masked_read(X, m)`` (``runtime/masked_reads``: element-wise
        where ``m`` is a traced mask, Python's read otherwise)."""
        index = _same_index_text(target)
        if (index is None or isinstance(value, S.Subscript) or self.context.standalone
                or not _may_be_a_mask(target.slice, self.function)):
            return value
        context = self.context

        class Reads(S.NodeTransformer):
            def visit_Subscript(self, node):
                self.generic_visit(node)
                if not isinstance(node.ctx, S.Load) or S.unparse(node.slice) != index:
                    return node
                call = context.call("masked_read", node.value, node.slice,
                                    line=getattr(node, "lineno", None), array=node.value,
                                    index=node.slice)
                return S.copy_location(call, node)

            def visit_Lambda(self, node):
                return node  # (its own scope: `m` may name something else there)

            visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

        reads = [n for n in S.walk(value) if isinstance(n, S.Subscript)
                 and S.unparse(n.slice) == index]
        if not reads or not _element_wise(value, reads):
            return value
        return Reads().visit(S.deep_copy(value))

    def _rebuilt(self, original, target, value, op=None):
        """``a["k"][i] = v`` -> ``a = py2lax.setitem(a, "k", py2lax.setitem(a["k"], i, v))``.

        Each level returns its (updated) container, so the root variable is assigned and
        a traced statement carries it; lists, dicts and objects are still mutated in place.
        """
        line = original.lineno
        writes_array = isinstance(target, S.Subscript)  # not `obj.attr = v` alone
        written, (value, at_index) = value, _read_at_the_same_index(target, value)
        if not at_index:
            value = self._reads_at_the_same_index(target, value)
        levels = 0
        while isinstance(_nth_value(target, levels), (S.Subscript, S.Attribute)):
            levels += 1
        roots = set()  # the arrays written through a view of them (see _view_root)
        while isinstance(target, (S.Subscript, S.Attribute)):
            keywords = [] if op is None else [("op", S.Constant(value=op, kind=None))]
            if at_index:
                keywords.append(("value_at_index", S.Constant(value=True, kind=None)))
                at_index = False  # (the outer levels write the updated container)
            owner_name = target.value.id if isinstance(target.value, S.Name) else None
            if isinstance(target, S.Subscript) and owner_name in self._refused_views():
                keywords.append(("view_of", S.Constant(value=self.views[owner_name],
                                                       kind=None)))
                chain = self._view_roots(owner_name)
                if chain:
                    keywords.append(("written_back", S.Constant(value=True, kind=None)))
                    keywords += self._root_value(owner_name, original)
                    roots |= chain
            elif isinstance(target, S.Subscript) and _item_of_holder(target.value,
                                                                     self.part_holders):
                # `rows[1][1] = x` after `rows = [M[0], M[1]]`: into a view of `M`
                keywords.append(("view_of", S.Constant(
                    value=self.part_holders[_root(target.value).id], kind=None)))
            owner = _as_load(target.value)
            if isinstance(target, S.Subscript):
                index = _as_load(target.slice)
                call = self.context.call("setitem", owner, index, value, keywords=keywords,
                                         line=line, target=owner, index=index, value=written,
                                         op=op)  # (the record: what Python writes)
            else:
                call = self.context.call("setattr_", owner,
                                         S.Constant(value=target.attr, kind=None), value,
                                         keywords=keywords, line=line, target=owner,
                                         name=target.attr, value=value, op=op)
            value, target, op = call, target.value, None
            written = value
        assign = S.Assign(targets=[S.store(target.id)], value=value, type_comment=None)
        self.changed = True
        self.updates.append(assign)
        assign = S.set_location(S.copy_location(assign, original), original)
        if not writes_array:
            return assign
        affected = self._affected({target.id}, deep=levels > 1, statement=original)
        if roots:
            affected |= self._affected(roots, deep=False)
        if levels > 1:  # `s.v[1] = x` after `alias = s.v`
            affected |= self.sharing.holders_of(self.sharing.parts.get(target.id, ()))
        # (`ws[0][0] = x` with `ws = [w, w]`: ws[1] holds the array written too)
        skip = {target.id} if levels == 1 or target.id not in self.sharing.holds else set()
        return [assign] + self._written_back(original, affected, skip=skip)

    def _view_root(self, name: str) -> str | None:
        """The local variable whose array the view ``name`` is a part of (``row =
        grid[i]``, ``v = a[1:]``, ``r = a.ravel()``), when the converted code can give
        that variable the write too: NumPy changes it through the view, so the runtime
        writes the view's new contents into it (``py2lax.setitem(row, j, v,
        view_of='grid', written_back=True)``, then ``grid =
        py2lax.written_through(grid)``). None for an array an object holds (``p =
        body.pos``) or a global: those stay refused on JAX arrays."""
        root = self.views.get(name)
        if root is not None and root.endswith((".T", ".mT")):  # `b = a.T`: a view of `a`
            root = root.rsplit(".", 1)[0]
        if root is None or not root.isidentifier() or root not in self.local_names:
            return None
        if root in self.context.static_names or root in self.unobserved:
            return None
        return root

    def _root_value(self, name: str, statement) -> list:
        """``[("other", root)]`` for the runtime: the value of the array the view ``name``
        is part of, when it is certainly bound at ``statement`` (a second name for the
        whole array, ``lo = hi = np.zeros(2)``, needs no place in it)."""
        root = self._view_root(name)
        if self.defined is None:
            self.defined = certainly_defined_before(self.function)
        if root is None or root not in self.defined.get(id(statement), frozenset()):
            return []
        return [("other", S.load(root))]

    def _view_roots(self, name: str) -> set[str]:
        """The arrays a write through the view ``name`` changes: its root (see
        :meth:`_view_root`), that root's own root (``row = block[0]`` after ``block =
        M[1:]``), and so on."""
        roots, root = set(), self._view_root(name)
        while root is not None and root not in roots and root != name:
            roots.add(root)
            root = self._view_root(root)
        return roots

    def _local_part(self, node):
        """``node`` if it is a part of a local container (``b[::-1]``, ``grid[i]``,
        ``state["u"][0]``) that an in-place call writes into, else None."""
        if isinstance(node, S.Subscript) and self._is_local_container(node):
            return node
        return None

    def _is_local_target(self, target) -> bool:
        return (isinstance(target, (S.Subscript, S.Attribute))
                and self._is_local_container(target) and not _writes_a_copy(target))

    def _writes_outer_object(self, target) -> bool:
        """``t.n = v`` where ``t`` is a closure's free variable or a global (the decorator
        only: the command line converts no closures, and its plain-jax output keeps
        Python's statement)."""
        root = _root(target)
        return (isinstance(target, S.Attribute) and isinstance(root, S.Name)
                and root.id not in self.local_names and root.id != self.context.runtime
                and self.context.module_names is not None and not self.context.standalone
                and root.id not in self.context.module_names)

    def _outer_attribute_write(self, node, target, value, op=None):
        """``t.n = v`` on an object the function reaches through a free variable or a
        global -> ``py2lax.setattr_(t, 'n', v)``: the name cannot be rebound here, but the
        runtime must see the write, for an object a traced ``if`` chose passes it on to
        the object Python's name holds (``runtime/identity.py``)."""
        keywords = [] if op is None else [("op", S.Constant(value=op, kind=None))]
        owner = _as_load(target.value)
        call = self.context.call("setattr_", owner, S.Constant(value=target.attr, kind=None),
                                 value, keywords=keywords, line=node.lineno, target=owner,
                                 name=target.attr, value=value, op=op)
        self.changed = True
        return S.set_location(S.copy_location(S.Expr(value=call), node), node)

    def visit_Assign(self, node):
        if len(node.targets) == 1 and self._writes_outer_object(node.targets[0]):
            return self._outer_attribute_write(node, node.targets[0], node.value)
        if len(node.targets) == 1 and self._is_local_target(node.targets[0]):
            return self._rebuilt(node, node.targets[0], node.value)
        if any(self._updates_local(t) for t in node.targets):
            return self._one_target_at_a_time(node)
        if (len(node.targets) == 1 and isinstance(node.targets[0], S.Name)
                and isinstance(node.value, S.Call)):
            return [node] + self._after_call(node, node.value, node.targets[0].id)
        if len(node.targets) == 1 and isinstance(node.targets[0], S.Name):
            return [node] + self._view_noted(node, node.targets[0].id, node.value)
        return node

    def _view_noted(self, statement, name: str, value) -> list:
        """``row = grid[k]`` where the function writes into ``grid`` later: NumPy's ``row``
        is a view that shows those writes. ``py2lax.written_through(row, view_of=grid,
        index=k)`` tells the runtime, which reads ``row`` again after a write that gave
        ``grid`` a new JAX array (``runtime/holders.py``)."""
        if not (isinstance(value, S.Subscript) and isinstance(value.value, S.Name)
                and name in self.parts.get(value.value.id, ())
                and (value.value.id in self.written or self._view_root(name) is not None)
                and _plain_index(value.slice)) or _text_key(value.slice):
            return []  # (`lo = kw["min_value"]`: a dict's item, never a NumPy view)
        root = value.value.id
        call = self.context.call(
            "written_through", S.load(name),
            keywords=[("view_of", S.load(root)), ("index", S.deep_copy(value.slice))],
            line=statement.lineno, target=S.load(name))
        self.changed = True
        return [S.set_location(S.copy_location(S.Expr(value=call), statement), statement)]

    def _after_call(self, statement, call, assigned: str | None = None) -> list:
        """A helper or method may write into an array it was given (``u = bump(w, 0,
        x)``, ``hb.put(0, x)``): every name that may hold that array is written back
        (the name the result is assigned to keeps the result)."""
        if not may_call_user_code(call, self.local_names, ARRAY_AND_STRING_METHODS):
            return []
        if _is_class_call(call):  # `Holder(w)`: a constructor keeps `w`, it does not write
            return []
        if isinstance(call.func, S.Name) and call.func.id in self.writing_nothing:
            return []  # `h = lambda t: jnp.tanh(t)`, then `a = h(a)`: `a` is as it was
        if isinstance(call.func, S.Attribute) and isinstance(call.func.value, S.Name) and (
                f"{call.func.value.id}.{call.func.attr}" in self.context.keeping_calls):
            # `p.shift(a)`: rebinds `p.q` only
            return []
        affected = set()
        for argument in list(call.args) + [k.value for k in call.keywords]:
            if isinstance(argument, S.Name) and (argument.id in self.array_names
                                                 or argument.id in self.parts):
                holders = self._affected({argument.id}, deep=False)
                if holders != {argument.id}:  # someone else may hold it
                    affected |= holders
        receiver = call.func.value if isinstance(call.func, S.Attribute) else None
        if isinstance(receiver, S.Name):  # `hb.put(0, x)`: into what `hb` keeps
            holders = self._affected({receiver.id}, deep=True)
            affected |= holders - {receiver.id}
        elif isinstance(receiver, S.Call) and _is_class_call(receiver):
            # `Holder(w).put(x)`: the new object keeps `w`
            kept = {a.id for a in receiver.args[:1] if isinstance(a, S.Name)}
            affected |= self._affected(kept, deep=False)
        return self._written_back(statement, affected, skip={assigned} if assigned else ())

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
        noted: list = []  # (temporary, root): a view of `root` the right side made
        # (a change of its own: an emitter that writes each write back as Python still
        # writes the statement split)
        self.context.records.change(node.lineno, "assigned one target at a time")
        if len(node.targets) > 1:
            assigns = self._chain_split(node)
        else:
            target = node.targets[0]
            after, elements, first, notes = [], [], None, []
            values = _unpacked_values(target, node.value)
            written = {_root_name(e.value if isinstance(e, S.Starred) else e)
                       for e in target.elts if not isinstance(e, S.Name)}
            rebound = {n.id for e in target.elts for n in S.walk(e)
                       if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}
            for index, element in enumerate(target.elts):
                inner = element.value if isinstance(element, S.Starred) else element
                if first is None and (isinstance(inner, S.Name) or not self._updates_local(inner)):
                    elements.append(element)
                    continue
                first = index if first is None else first
                temporary = self.context.names.new(f"new_{_root_name(inner)}")
                elements.append(S.Starred(value=S.store(temporary), ctx=S.Store())
                                if isinstance(element, S.Starred) else S.store(temporary))
                value = values[index] if values else None
                if (index != first and isinstance(value, S.Name) and value.id not in rebound
                        and self._affected(written, deep=False) & {value.id}
                        and value.id not in self.sharing.aliases(value.id) & written):
                    # `M[:, 0], M[:, 1] = M[:, 1], col` with `col = M[:, 0]`: NumPy's
                    # right side holds the view `col` names, read when it is assigned
                    # (the converted code gives `col` each write into `M`)
                    after.append(S.Assign(targets=[inner], value=S.load(value.id),
                                          type_comment=None))
                    continue
                after.append(S.Assign(targets=[inner], value=S.load(temporary),
                                      type_comment=None))
                root = self._view_on_right(values[index] if values else None, written, rebound)
                if root is not None and index > first:
                    # `M[j], M[j + 1] = M[j + 1], M[j]` on rows: NumPy's right side holds
                    # views, so the second row is read after the first write (a view
                    # shows it): the temporary is noted as a view of `M` and written
                    # through after each write, as a name holding `M[j]` would be
                    noted.append((temporary, root))
                    notes.append(S.Expr(value=self.context.call(
                        "written_through", S.load(temporary),
                        keywords=[("view_of", S.load(root)),
                                  ("index", S.deep_copy(values[index].slice))],
                        line=node.lineno, target=S.load(temporary))))
            unpack = type(target)(elts=elements, ctx=S.Store())
            # the notes come right after the unpacking, before any write
            assigns = ([S.Assign(targets=[unpack], value=node.value, type_comment=None)]
                       + notes + after)
        self.changed = True
        located = [S.set_location(S.copy_location(a, node), node) for a in assigns]
        if self.function is not None:  # the new statements start where `node` does
            if self.defined is None:
                self.defined = certainly_defined_before(self.function)
            temporaries = frozenset(t for t, _ in noted)
            for position, assign in enumerate(located):
                self.defined[id(assign)] = self.defined.get(id(node), frozenset()) | (
                    temporaries if position else frozenset())
        for temporary, root in noted:
            self.parts.setdefault(root, set()).add(temporary)
        try:
            return [located[0]] + [r for a in located[1:] for r in _as_list(self.visit(a))]
        finally:
            for temporary, root in noted:
                self.parts[root].discard(temporary)

    def _view_on_right(self, value, written: set[str], rebound: set[str]) -> str | None:
        """The array ``value`` (an item of the right side of a tuple assignment) may be a
        NumPy view of, when a target of the same statement writes into that array:
        ``M[j + 1]`` with a plain index, ``M`` a local array (the runtime decides: a
        number or an advanced index is a copy)."""
        if not (isinstance(value, S.Subscript) and isinstance(value.value, S.Name)
                and _plain_index(value.slice)):
            return None
        root = value.value.id
        if root not in self.local_names or root in self.context.static_names:
            return None
        if not (self.sharing.aliases(root) & written) or root in rebound:
            return None
        if any(isinstance(n, S.Name) and n.id in rebound for n in S.walk(value.slice)):
            return None
        return root

    def _chain_split(self, node) -> list:
        """``x[0] = y = v`` -> ``value = v``, ``x[0] = value``, ``y = value``."""
        temporary = self.context.names.new("value")
        self.context.records.change(node.lineno, "assigned one target at a time")
        assigns = [S.Assign(targets=[S.store(temporary)], value=node.value, type_comment=None)]
        return assigns + [S.Assign(targets=[t], value=S.load(temporary), type_comment=None)
                          for t in node.targets]

    def visit_AugAssign(self, node):
        if isinstance(node.target, S.Name) and node.target.id in self.jax_made:
            return node  # a JAX array: `t += x` rebinds `t` alone
        if (isinstance(node.target, S.Name) and node.target.id in self.views
                and not {node.target.id, self.views[node.target.id]} & self.containers
                and self._view_root(node.target.id) is not None):
            # `row = grid[0]` (or `total = acc`), then `row += x`: NumPy's `+=` changes
            # `grid` too
            return self._update_written_back(node, self._view_roots(node.target.id))
        if isinstance(node.target, S.Name) and node.target.id in self.views:
            return self._shared_update(node, self.views[node.target.id])
        if isinstance(node.target, S.Name) and len(self.sharing.aliases(node.target.id)) > 1 and (
                self.sharing.aliases(node.target.id) & self.numpy_names):
            return self._update_written_back(node)
        holders = (self.sharing.holders_of({node.target.id}) - self.sharing.aliases(
            node.target.id)) if isinstance(node.target, S.Name) and (
                node.target.id in self.held_arrays) else set()
        if holders:
            # `out.append(p)` (`ws = [p]`, `d["k"] = p`), then `p *= 2.0`: NumPy's `*=`
            # changes the array the list holds too
            return self._update_written_back(
                node, across_iterations=self._kept_across_iterations(node),
                holder=sorted(holders)[0])
        if isinstance(node.target, S.Name) and (node.target.id in self.parts or (
                node.target.id in self.view_holders.values())) and not _a_container(
                    node.value):
            # `row = grid[0]` (or `rows = [grid[0], grid[1]]`), then `grid += x` (not
            # `d |= {...}`: a dict's items are no views of it)
            return self._update_written_back(node)
        if id(node) in self.block_views:
            return self._shared_update(node, *self.block_views[id(node)])
        if self._writes_outer_object(node.target):
            return self._outer_attribute_write(node, node.target, node.value,
                                               _OPERATORS[type(node.op)])
        if isinstance(node.target, S.Name) and node.target.id in self.updated_by_name:
            return self._parameter_update(node)
        if not self._is_local_target(node.target):
            return node
        if _item_of_holder(node.target, self.part_holders) and (
                isinstance(node.target, S.Attribute) or _plain_index(node.target.slice)):
            # `rows[0] += x` after `rows = [M[0], M[1]]`: NumPy's `+=` writes into `M` ->
            # `item = rows[0]; item = py2lax.augassign(item, x, '+=', 'M'); rows[0] = item`
            # (Python's own steps; a number item is rebound, an array one refused if JAX)
            op, item = _OPERATORS[type(node.op)], self.context.names.new("item")
            root = self.part_holders[node.target.value.id]
            read = S.Assign(targets=[S.store(item)], value=_as_load(node.target),
                            type_comment=None)
            new = self.context.call(
                "augassign", S.load(item), node.value, S.Constant(value=op, kind=None),
                S.Constant(value=root, kind=None), line=node.lineno, target=S.load(item),
                value=node.value, op=op, view=root)
            located = [S.set_location(S.copy_location(read, node), node),
                       self._assigned(item, new, node)]
            put = S.set_location(S.copy_location(S.Assign(
                targets=[S.deep_copy(node.target)], value=S.load(item), type_comment=None),
                node), node)
            return located + _as_list(self._rebuilt(put, put.targets[0], put.value))
        return self._rebuilt(node, node.target, node.value, _OPERATORS[type(node.op)])

    def _shared_update(self, node, other: str, straight: bool = False):
        """``acc += x`` where ``total = acc`` reaches the same array -> ``acc =
        py2lax.augassign(acc, x, '+=', 'total')``: NumPy's ``+=`` changes both names,
        which the runtime keeps for NumPy and refuses for a JAX array."""
        name, op = node.target.id, _OPERATORS[type(node.op)]
        if self.defined is None:
            self.defined = certainly_defined_before(self.function)
        # `straight`: the alias and the update are statements of one block (no traced
        # statement between them loses their identity), so the runtime is given the other
        # name's value and refuses only if the two still hold one array (`prev = cur`,
        # then `cur = step(cur)`, parts them)
        known = ([("other", S.load(other))] if straight
                 and other in self.defined.get(id(node), ()) else [])
        call = self.context.call(
            "augassign", S.load(name), node.value, S.Constant(value=op, kind=None),
            S.Constant(value=other, kind=None), keywords=known, line=node.lineno,
            target=S.load(name), value=node.value, op=op, view=other)
        return self._assigned(name, call, node)

    def _parameter_update(self, node):
        """``w *= k`` on a parameter -> ``w = py2lax.augassign(w, k, '*=', 'w',
        written_back=True)``: NumPy's ``*=`` changes the caller's array. A JAX array (or
        a NumPy array given a traced value) gets a new array, recorded as the old one's
        replacement, which the caller takes back after the call (``w =
        py2lax.written_through(w)``, ``transforms/write_back``); numbers are rebound and
        lists extended, as in Python."""
        name, op = node.target.id, _OPERATORS[type(node.op)]
        call = self.context.call(
            "augassign", S.load(name), node.value, S.Constant(value=op, kind=None),
            S.Constant(value=name, kind=None),
            keywords=[("written_back", S.Constant(value=True, kind=None))],
            line=node.lineno, target=S.load(name), value=node.value, op=op, view=name)
        return self._assigned(name, call, node, update=True)

    def _update_written_back(self, node, roots: set[str] = frozenset(),
                             across_iterations: bool = False, holder: str | None = None):
        """``arr += 1.0`` where another name holds the same array (``for arr in (a, b)``,
        ``v = w``) -> ``arr = py2lax.augassign(arr, 1.0, '+=', 'arr', written_back=True)``
        and each other holder given the new array, as NumPy's in-place ``+=`` shows it.
        ``across_iterations``: the array a container holds is the same in every iteration
        of the loop around (``out.append(p); p *= 2.0``, ``p`` bound before the loop);
        ``holder``: the container that holds it, which messages name."""
        name, op = node.target.id, _OPERATORS[type(node.op)]
        keywords = [("written_back", S.Constant(value=True, kind=None))]
        if across_iterations:
            keywords.append(("across_iterations", S.Constant(value=True, kind=None)))
        if roots:  # `row += x` writes into the arrays of `roots` (see _view_roots)
            keywords.append(("part", S.Constant(value=True, kind=None)))
            keywords += self._root_value(name, node)
        view = self.views[name] if roots else (holder or name)
        call = self.context.call(
            "augassign", S.load(name), node.value, S.Constant(value=op, kind=None),
            S.Constant(value=view, kind=None), keywords=keywords, line=node.lineno,
            target=S.load(name), value=node.value, op=op, view=view)
        affected = self._affected({name}, deep=False, statement=node)
        if roots:
            affected |= self._affected(set(roots), deep=False)
        return [self._assigned(name, call, node)] + self._written_back(
            node, affected, skip={name})

    def _kept_across_iterations(self, node) -> bool:
        """``node`` (``p *= 2.0``) is in a loop that binds ``p`` nowhere else: the loop's
        iterations update one array, which a list appended in an earlier one still holds
        in NumPy."""
        name = node.target.id
        loops = [loop for loop in S.walk_same_scope_statements(self.function.body)
                 if isinstance(loop, (S.For, S.While)) and any(
                     n is node for n in S.walk_same_scope_statements(loop.body))]
        if not loops:
            return False
        inner = min(loops, key=lambda loop: sum(1 for _ in S.walk(loop)))
        parts = ([inner.target] if isinstance(inner, S.For) else []) + inner.body
        return all(n is node.target for part in parts for n in S.walk(part)
                   if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, S.Store))

    def _assigned(self, name: str, value, original, update: bool = False):
        """``name = value`` at ``original``'s place; ``update``: it changes ``name``'s
        object in place (``v.sort()``), so a caller holding the object must see it."""
        assign = S.Assign(targets=[S.store(name)], value=value, type_comment=None)
        self.changed = True
        if update:
            self.updates.append(assign)
        return S.set_location(S.copy_location(assign, original), original)

    def _builtin_setattr(self, node):
        """``setattr(obj, name, value)`` as a statement -> ``obj =
        py2lax.setattr_(obj, name, value)`` (``py2lax.setattr_(...)`` on a free variable or
        a global): the same write as ``obj.attr = value``, so an object a traced ``if``
        chose passes it on as well (the decorator only, as for free variables)."""
        call = node.value
        if not (isinstance(call, S.Call) and isinstance(call.func, S.Name)
                and call.func.id == "setattr" and "setattr" not in self.local_names
                and len(call.args) == 3 and not call.keywords
                and isinstance(call.args[0], S.Name) and not any(
                    isinstance(a, S.Starred) for a in call.args)
                and self.context.module_names is not None and not self.context.standalone):
            return None
        owner, name, value = call.args
        helper = self.context.call("setattr_", S.load(owner.id), name, value,
                                   line=node.lineno, target=S.load(owner.id), name=name,
                                   value=value, op=None)
        self.changed = True
        if owner.id in self.local_names:
            return self._assigned(owner.id, helper, node, update=True)
        return S.set_location(S.copy_location(S.Expr(value=helper), node), node)

    def visit_Expr(self, node):
        call = node.value
        written = self._builtin_setattr(node)
        if written is not None:
            return written
        if isinstance(call, S.Call):
            rewritten = self._in_place_call(call, node)
            if rewritten is not None:
                return rewritten
            after = self._after_call(node, call)
            if after:
                return [node] + after
        if not (isinstance(call, S.Call) and isinstance(call.func, S.Attribute)
                and call.func.attr in _GROWING_METHODS and len(call.args) == 1
                and not call.keywords and isinstance(call.func.value, S.Name)
                and call.func.value.id in self.local_names):
            return node
        owner = call.func.value.id
        grown = self.context.call(call.func.attr, S.load(owner), call.args[0], line=node.lineno,
                                  target=S.load(owner), value=call.args[0])
        return self._assigned(owner, grown, node)

    def _in_place_call(self, call, statement):
        """NumPy's in-place forms as a statement, on a local array: ``v.sort()`` ->
        ``v = py2lax.in_place_method(v, 'sort')`` and ``np.minimum(a, b, out=best)`` ->
        ``best = py2lax.with_out(np.minimum, a, b, out=best)``.

        A JAX array cannot change in place (``Array.sort()`` returns a sorted copy and
        leaves ``v`` unsorted), so the variable gets the new array; the runtime still
        changes lists and NumPy arrays in place.
        """
        keywords = [(k.arg, k.value) for k in call.keywords if k.arg is not None]
        if len(keywords) != len(call.keywords) or any(isinstance(a, S.Starred)
                                                      for a in call.args):
            return None
        refused = self._refused_views()
        view = lambda name: ([("view_of", S.Constant(value=refused[name], kind=None))]  # noqa: E731
                             if name in refused else [])
        function = call.func
        part = self._local_part(function.value if isinstance(function, S.Attribute) else None)
        if (part is not None and function.attr in IN_PLACE_METHODS
                and function.attr not in self.context.user_methods):
            # `b[::-1].sort()`, `grid[i].fill(0)`: NumPy changes `b` through the view
            held = ([("view_of", S.Constant(value=self.part_holders[part.value.id], kind=None))]
                    if _item_of_holder(part, self.part_holders) else [])
            new = self.context.call(
                "in_place_method", _as_load(part), S.Constant(value=function.attr, kind=None),
                *call.args, keywords=keywords + held, line=statement.lineno,
                target=_as_load(part), method=function.attr, values=list(call.args))
            return self._rebuilt(statement, part, new)
        first = call.args[0] if call.args else None
        part = self._local_part(first)
        if part is not None and _numpy_in_place_function(function, self.local_names):
            # `np.copyto(b[1:], a)`, `np.fill_diagonal(m[:2, :2], x)`: into a part of `m`
            held = ([("view_of", S.Constant(value=self.part_holders[part.value.id], kind=None))]
                    if _item_of_holder(part, self.part_holders) else [])
            new = self.context.call(
                "in_place_function", function, _as_load(part), *call.args[1:],
                keywords=keywords + held, line=statement.lineno, function=function,
                target=_as_load(part), values=list(call.args[1:]))
            return self._rebuilt(statement, part, new)
        if (isinstance(function, S.Attribute) and function.attr in IN_PLACE_METHODS
                and isinstance(function.value, S.Name)
                and function.value.id in self.local_names
                and function.attr not in self.context.user_methods):
            owner = function.value.id
            new = self.context.call(
                "in_place_method", S.load(owner), S.Constant(value=function.attr, kind=None),
                *call.args, keywords=keywords + view(owner), line=statement.lineno,
                target=S.load(owner), method=function.attr, values=list(call.args))
            return [self._assigned(owner, new, statement, update=True)] + self._written_back(
                statement, self._affected({owner}, deep=False, statement=statement),
                skip={owner})
        first = call.args[0] if call.args else None
        if (_numpy_in_place_function(function, self.local_names) and isinstance(first, S.Name)
                and first.id in self.local_names):
            owner = first.id
            new = self.context.call(
                "in_place_function", function, *call.args,
                keywords=keywords + view(owner), line=statement.lineno, function=function,
                target=S.load(owner), values=list(call.args[1:]))
            return [self._assigned(owner, new, statement, update=True)] + self._written_back(
                statement, self._affected({owner}, deep=False, statement=statement),
                skip={owner})
        out = dict(keywords).get("out")
        if isinstance(out, S.Name) and out.id in self.local_names:
            others = [(k, v) for k, v in keywords if k != "out"]
            new = self.context.call(
                "with_out", function, *call.args,
                keywords=others + [("out", S.load(out.id))] + view(out.id),
                line=statement.lineno, function=function, target=S.load(out.id),
                values=list(call.args))
            return [self._assigned(out.id, new, statement)] + self._written_back(
                statement, self._affected({out.id}, deep=False, statement=statement),
                skip={out.id})
        return None


def _same_index_text(target) -> str | None:
    """The text of ``target``'s index when reading it again gives the same value (a name
    or an expression like ``w < 0``: no call, no walrus), else None."""
    if not isinstance(target, S.Subscript):
        return None
    index = target.slice
    if isinstance(index, (S.Constant, S.Slice, S.Tuple, S.Starred)) or any(
            isinstance(n, (S.Call, S.NamedExpr, S.Await, S.Yield, S.Lambda))
            for n in S.walk(index)):
        return None
    return S.unparse(index)


def _element_wise(value, reads) -> bool:
    """Whether ``value`` combines ``reads`` by operators only (``-lr * g[m] + 1.0``): no
    call, condition or display, and nothing read from a read (``b[m].T``)."""
    if any(isinstance(n, (S.Call, S.IfExp, S.BoolOp, S.Lambda, S.NamedExpr, S.Starred,
                          S.List, S.Tuple, S.Set, S.Dict, S.ListComp, S.SetComp, S.DictComp,
                          S.GeneratorExp, S.JoinedStr, S.Await, S.Not))
           for n in S.walk(value) if not any(n is r or _inside(n, r) for r in reads)):
        return False
    return not any(isinstance(n, (S.Attribute, S.Subscript)) and n.value is r
                   for n in S.walk(value) for r in reads)


def _inside(node, read) -> bool:
    return any(node is inner for inner in S.walk(read.slice))


_MASK_FUNCTIONS = {"isnan", "isinf", "isfinite", "isclose", "signbit", "isin"}


def _may_be_a_mask(index, function, seen=()) -> bool:
    """An index spelled as a boolean mask: a comparison (``g > 0``), ``~``/``&``/``|`` of
    masks, ``jnp.isnan(x)`` or ``logical_and(...)``, or a name the function assigns only
    such values (``m = g > 0``). (A dict key or an integer index is left as written.)"""
    if isinstance(index, S.Compare):
        return True
    if isinstance(index, S.UnaryOp) and isinstance(index.op, S.Invert):
        return _may_be_a_mask(index.operand, function, seen)
    if isinstance(index, S.BinOp) and isinstance(index.op, (S.BitAnd, S.BitOr, S.BitXor)):
        return (_may_be_a_mask(index.left, function, seen)
                or _may_be_a_mask(index.right, function, seen))
    if isinstance(index, S.Call):
        name = getattr(index.func, "attr", getattr(index.func, "id", ""))
        return name.startswith("logical_") or name in _MASK_FUNCTIONS
    if isinstance(index, S.Name) and function is not None and index.id not in seen:
        values = [node.value for node in S.walk(function) if isinstance(node, S.Assign)
                  and any(isinstance(t, S.Name) and t.id == index.id for t in node.targets)]
        return bool(values) and all(_may_be_a_mask(v, function, (*seen, index.id))
                                    for v in values)
    return False


def _read_at_the_same_index(target, value):
    """``(b, True)`` for ``a[m] = b[m]`` or ``a[m] += b[m]`` (the value read at the very
    index written, a name or an expression like ``w < 0``); ``(value, False)`` otherwise.

    ``setitem(a, m, b, value_at_index=True)`` reads ``b[m]`` itself, as Python does,
    unless ``m`` is a traced boolean mask: ``b[m]`` then has a traced length, which jit
    cannot make, but the update has one element-wise meaning, ``jnp.where(m, a + b, a)``
    (``runtime/containers``)."""
    index = _same_index_text(target)
    if index is None or not isinstance(value, S.Subscript) or index != S.unparse(value.slice):
        return value, False
    return _as_load(value.value), True


def _maybe_written(function: S.FunctionDef) -> set[str]:
    """Names whose array a statement may change in place other than by item: ``a += x``,
    ``a.fill(0)``, ``np.copyto(a, b)``, ``put(a, i, v)``, ``np.add(b, c, out=a)``."""
    found = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name):
            found.add(node.target.id)
        elif isinstance(node, S.Call) and not reads_arguments_only(node):
            if isinstance(node.func, S.Attribute) and isinstance(node.func.value, S.Name):
                found.add(node.func.value.id)
            found |= {a.id for a in node.args if isinstance(a, S.Name)}
            found |= {k.value.id for k in node.keywords if isinstance(k.value, S.Name)}
    return found


def _writes_a_copy(target) -> bool:
    """``a[[0, 1]][0] = v``, ``a[a > 0][0] = v``: NumPy's index with a list or a mask
    gives a new array, so the write changes a temporary and ``a`` stays as it was. The
    statement stays as written (a JAX ``a`` raises JAX's own error, as in Python)."""
    value = target.value if isinstance(target, (S.Subscript, S.Attribute)) else None
    while isinstance(value, (S.Subscript, S.Attribute)):
        if isinstance(value, S.Subscript) and (isinstance(value.slice, (
                S.List, S.ListComp, S.Compare)) or _list_index_call(value.slice)):
            return True
        value = value.value
    return False


def _list_index_call(index) -> bool:
    """``py2lax.indices([0, 1])`` (as ``_list_indices_as_arrays`` writes a list index),
    ``jnp.asarray([0, 1])`` (as ``--standalone`` prints it): an index array."""
    return (isinstance(index, S.Call) and isinstance(index.func, S.Attribute)
            and index.func.attr in ("indices", "asarray", "array")
            and isinstance(index.args[0] if index.args else None, (S.List, S.ListComp)))


def _a_container(node) -> bool:
    """A dict, set or list display, comprehension or ``dict(...)``/``set(...)``/
    ``list(...)``: what ``x |= ...`` or ``x += ...`` gives makes ``x`` a container."""
    return isinstance(node, (S.Dict, S.Set, S.List, S.DictComp, S.SetComp, S.ListComp)) or (
        isinstance(node, S.Call) and isinstance(node.func, S.Name)
        and node.func.id in ("dict", "set", "list"))


def _item_of_holder(node, holders: dict[str, str]) -> bool:
    """``rows[1]`` (``d["r"]``, ``o.a``) where ``rows`` holds views of another array (see
    :func:`part_holders`)."""
    return (isinstance(node, (S.Subscript, S.Attribute)) and isinstance(node.value, S.Name)
            and node.value.id in holders)


def _read_names(function: S.FunctionDef) -> set[str]:
    return {node.id for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Load)}


def _unpacked_values(target, value) -> list | None:
    """The right side's items, one per target item (``a, b = x, y``), or None."""
    if not isinstance(value, (S.Tuple, S.List)) or len(value.elts) != len(target.elts):
        return None
    if any(isinstance(e, S.Starred) for e in list(value.elts) + list(target.elts)):
        return None
    return list(value.elts)


def _text_key(index) -> bool:
    """``"min_value"`` in ``kw["min_value"]``: a string key, which only a dict (or an
    object of the user's) takes; NumPy and JAX arrays refuse it."""
    return isinstance(index, S.Constant) and isinstance(index.value, str)


def _plain_index(index) -> bool:
    """An index made of names, numbers and slices (``k``, ``i + 1``, ``:, j``): read a
    second time, it gives the same value."""
    for node in S.walk(index):
        if not isinstance(node, (S.Name, S.Constant, S.Slice, S.Tuple, S.BinOp, S.UnaryOp,
                                 S.operator, S.unaryop, S.Load, S.expr_context)):
            return False
    return True


def _nth_value(node, count: int):
    for _ in range(count):
        node = node.value
    return node


def _is_class_call(call) -> bool:
    function = call.func
    name = function.id if isinstance(function, S.Name) else (
        function.attr if isinstance(function, S.Attribute) else "")
    return name[:1].isupper()


def _numpy_in_place_function(function, local_names) -> bool:
    """``np.add.at`` (any ufunc's ``.at``), ``np.fill_diagonal``, ``np.put``,
    ``np.put_along_axis``, ``np.copyto``: NumPy functions that write into their first
    argument."""
    if not isinstance(function, S.Attribute):
        return False
    if function.attr == "at" and isinstance(function.value, S.Attribute):
        module = function.value.value
    elif function.attr in IN_PLACE_FUNCTION_NAMES:
        module = function.value
    else:
        return False
    return (isinstance(module, S.Name) and module.id in ("np", "numpy", "onp")
            and module.id not in local_names)


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


def _numpy_buffers_marked(function: S.FunctionDef, context: ConversionContext) -> bool:
    """``parent = np.arange(n)`` -> ``parent = py2lax.converted(np.arange)(n)``, also when
    every argument is static (``convert_calls`` leaves such calls as written).

    The runtime marks the new array as the function's own while a trace runs, so that it
    (and the arrays NumPy computes from it: ``np.arange(10) ** 2``) can be read with a
    traced index later (``parent[a]`` in a traced loop), which NumPy itself refuses;
    nobody else holds the array, so reading a JAX copy of it means the same
    (py2lax.runtime.containers.OwnedBuffer). Arrays never indexed with a value that may
    be traced stay as written (``analysis.numpy_buffers``).
    """
    if not may_read_with_traced_index(function, context.static_names):
        return False
    changed = False
    for node in S.walk_same_scope_statements(function.body):
        maker = node.func if is_numpy_maker(node) else None
        if maker is not None and maker.value.id not in context.local_names:
            call = context.call("converted", maker, function=maker)
            node.func = S.copy_location(call, maker)
            changed = True
    return changed


class _ChainSplitter(S.NodeTransformer):
    """``scoped = by_item[k] = {}`` -> ``value = {}``, ``scoped = value``,
    ``by_item[k] = value`` before the function is analysed: the analyses then see that
    ``scoped`` and ``by_item[k]`` hold one object (a write through ``scoped`` is written
    back), as a second run does when it reads the split statements."""

    def __init__(self, rewriter: _Rewriter):
        self.rewriter = rewriter

    def visit_FunctionDef(self, node):
        return node  # nested functions are converted on their own

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def visit_Assign(self, node):
        if len(node.targets) > 1 and any(self.rewriter._updates_local(t) for t in node.targets):
            self.rewriter.changed = True
            return [S.set_location(S.copy_location(a, node), node)
                    for a in self.rewriter._chain_split(node)]
        return node


def rewrite_item_assignment(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    indexed = _list_indices_as_arrays(function, context)
    indexed |= _numpy_buffers_marked(function, context)
    rewriter = _Rewriter(context.local_names, context)
    split = _ChainSplitter(rewriter)
    function.body = S.visit_statements(split, function.body)
    with S.tree_unchanged():  # the analyses below only read the function
        _analyse(rewriter, function, context)
    function.body = S.visit_statements(rewriter, function.body)
    context.updated_in_place = _updated_in_place(function, rewriter.updates,
                                                 context.records)
    returned = _always_returned(function)
    context.unreturned_in_place = {name: line for name, line in context.updated_in_place.items()
                                   if name not in returned}
    context.updated_roots = {assign.targets[0].id for assign in rewriter.updates}
    return rewriter.changed or indexed


def _analyse(rewriter: _Rewriter, function: S.FunctionDef, context: ConversionContext) -> None:
    """What the rewriter needs to know about ``function`` before it changes anything."""
    rewriter.views = _views(function)
    rewriter.containers = _container_names(function)
    rewriter.view_holders = part_holders(function)
    rewriter.part_holders = {holder: root for holder, root in rewriter.view_holders.items()
                             if root in _read_names(function)}
    rewriter.block_views = block_alias_updates(function)
    rewriter.sharing = sharing_names(function, ARRAY_AND_STRING_METHODS)
    rewriter.array_names = may_hold_arrays(function, ARRAY_AND_STRING_METHODS)
    rewriter.numpy_names = may_hold_arrays(function, ARRAY_AND_STRING_METHODS,
                                           frozenset({"np", "numpy", "onp"}))
    rewriter.held_arrays = rewriter.numpy_names | sliced_names(function)
    rewriter.jax_made = jax_made_names(function)
    if not context.standalone:  # (plain jax keeps Python's `w *= k`: see plain_lax)
        rewriter.updated_by_name = set(parameters_updated_by_name(function))
    rewriter.function = function
    rewriter.unobserved = _unobserved_containers(function)
    rewriter.writing_nothing = functions_writing_nothing(function)
    rewriter.unshared = unshared_before(function)
    rewriter.parts = array_parts(function)
    rewriter.written = written_roots(function) | _maybe_written(function)


_DISPLAYS = (S.List, S.Tuple, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp, S.Name)
_SCOPE_READERS = frozenset({"locals", "vars", "eval", "exec", "globals", "dir"})


def _unobserved_containers(function: S.FunctionDef) -> set[str]:
    """Local lists, dicts, sets and tuples, and second names, that the function never
    reads (``ws = [w]`` or ``v = w``, then nothing reads ``ws``/``v``): no one can see
    what they hold, so a write into ``w`` need not be written back into them (which
    would make a traced loop carry them, and refuse a body that rebinds ``w``). Only
    displays, comprehensions and names: an object built by a call (``Holder(w)``) may
    have been handed on by its constructor."""
    reads = read_names_of_statements(function.body)
    if reads & _SCOPE_READERS:
        return set()
    statements = S.walk_same_scope_statements(function.body)
    plain_targets = {id(node.targets[0]) for node in statements
                     if isinstance(node, S.Assign) and len(node.targets) == 1
                     and isinstance(node.targets[0], S.Name)
                     and isinstance(node.value, _DISPLAYS)}
    plain: dict[str, bool] = {}  # name -> every binding is `name = <display or name>`
    for node in statements:
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del)):
            plain[node.id] = plain.get(node.id, True) and id(node) in plain_targets
    outside = set(parameter_names(function.args)) | set(declarations(function.body))
    return {name for name, only in plain.items()
            if only and name not in reads and name not in outside}


def _container_names(function: S.FunctionDef) -> set[str]:
    """Names a list, dict or set display (or comprehension) is assigned to: their ``+=``
    and ``|=`` change the one object every name reaches, in place, whatever the values
    (the runtime's ``augassign`` keeps that); only arrays need a write-back."""
    displays = (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp)
    return {target.id for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Assign) and isinstance(node.value, displays)
            for target in node.targets if isinstance(target, S.Name)}


def _views(function: S.FunctionDef) -> dict[str, str]:
    """Names that hold a part of another local array (``row = grid[i]``, ``for p in
    state:``, ``for p, v in zip(pos, vel):``), an array an object holds (``p = body.pos``,
    ``row = self.grid[i]``), or the same array as another name (``cur = prev``, ``lo = hi
    = np.zeros(2)``, ``b = BUF`` for a global or enclosing ``BUF``), each with the text
    that reaches the array too (``'grid'``, ``'body.pos'``), when that other name is read
    elsewhere (an object's attribute or a global always is: it outlives the statement).

    With NumPy, ``row[j] = v`` and ``row += v`` change ``grid``; a JAX array cannot
    change, so the update would reach ``row`` alone. ``py2lax.setitem(row, j, v,
    view_of='grid')`` and ``py2lax.augassign(row, v, '+=', 'grid')`` let the runtime
    refuse that case (NumPy arrays and lists are still updated in place). A part that
    the function assigns back (``self.x = x``, ``grid[i] = row``) is not a view.
    """
    sources: dict[str, set] = {}
    holders = part_holders(function)
    shown: dict[str, str] = {}  # view name -> the text that reaches its array
    held: set[str] = set()  # views of an array an object holds
    defining: set[int] = set()  # the Name nodes that read the other array to define a view
    aliases: dict[str, str] = {}  # `cur = prev`, `lo = hi = np.zeros(2)`: one array, two names
    written_back: set[str] = set()  # texts of the places the function assigns
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign):
            written_back |= {S.unparse(_without_items(t)) for t in node.targets
                             if isinstance(t, (S.Attribute, S.Subscript))}
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
    outer = {name: other for name, other in aliases.items()
             if bindings.get(name, 0) == 1 and other not in bindings}
    aliases = {name: other for name, other in aliases.items()
               if bindings.get(name, 0) == 1 and bindings.get(other, 0) == 1}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign):
            part = node.value if isinstance(node.value, (S.Subscript, S.Attribute)) else None
            part = _view_source(node.value) or part
            whole = _without_items(part) if part is not None else None
            unpacked = _unpacked_parts(node)
            for target in node.targets:
                for name in _bound_plain_names(target):
                    base = (_root(part).id if part is not None and len(node.targets) == 1
                            and isinstance(target, S.Name) and isinstance(_root(part), S.Name)
                            else None)
                    if name in unpacked:  # `top, bottom = M[0], M[1]`, `np.split(M, 2)`
                        base, root_node = unpacked[name]
                        defining.add(id(root_node))
                        shown[name] = base
                        sources.setdefault(name, set()).add(base)
                        continue
                    sources.setdefault(name, set()).add(base)
                    if base is not None:
                        defining.add(id(_root(part)))
                        shown[name] = S.unparse(whole)
                        if isinstance(whole, S.Attribute):
                            held.add(name)
        elif isinstance(node, S.For):
            from_holder = _holder_item_sources(node.target, node.iter, holders)
            for name, base in from_holder.items():
                sources.setdefault(name, set()).add(base)
                shown[name] = holders.get(base, base)  # the array the views are of
            for name, base in _loop_item_sources(node.target, node.iter).items():
                if name in from_holder:
                    continue
                sources.setdefault(name, set()).add(base)
                if base is not None:
                    shown[name] = base
            defining |= {id(n) for n in _iterated_names(node.iter)}
        elif isinstance(node, (S.AnnAssign, S.NamedExpr)):
            for name in _bound_plain_names(node.target):
                sources.setdefault(name, set()).add(None)
    read_elsewhere = {node.id for node in S.walk_same_scope_statements(function.body)
                      if isinstance(node, S.Name) and isinstance(node.ctx, S.Load)
                      and id(node) not in defining}
    parameters = set(parameter_names(function.args))
    views = {name: other for name, other in aliases.items()
             if other != name and other in read_elsewhere}
    views.update(outer)  # `b = BUF`: a global or enclosing array outlives the call
    for name, bases in sources.items():
        if len(bases) != 1 or None in bases or name in parameters:
            continue
        base = next(iter(bases))
        if base == name or (shown[name] in written_back and not shown[name].isidentifier()):
            # (`x = self.x`, `x[0] = v`, `self.x = x`: assigned back, not a view; a
            # local root's views write into it, see _Rewriter._view_root)
            continue
        if base in read_elsewhere or name in held or base in parameters:
            # (a parameter's array is the caller's too: it always sees the write)
            views[name] = shown[name]
            continue
        # `c = b[::2]` after `b = a[1:5]`, `r = rows[0]` or `for r in rows` after `rows =
        # [M[0], M[1]]`: a view of a view (or one a container holds) is a view of the root
        seen = {name}
        while base not in seen:
            seen.add(base)
            if base in holders:
                base = holders[base]
            elif base not in parameters and len(sources.get(base, ())) == 1 and (
                    None not in sources[base]):
                base = next(iter(sources[base]))
            else:
                break
            if base in read_elsewhere and base not in seen:
                views[name] = base
                break
    return views


def part_holders(function: S.FunctionDef) -> dict[str, str]:
    """``container -> array`` for a list, tuple or dict that holds parts of a local array
    (NumPy views): ``rows = [M[0], M[1]]``, ``cols = (A[:, 0], A.T[1])``, ``d = {"r":
    M[0]}``, ``rows = [M[i] for i in range(2)]``, ``rows = [r for r in M]``, ``rows =
    list(M)``. A write into one of its items (``rows[1][1] = x``, ``for r in rows: r[0] =
    x``) writes into the array, as a view's does. Only containers bound once."""
    bindings = _binding_counts(function)
    found: dict[str, str] = {}
    empty: set[str] = set()
    for node in S.walk_same_scope_statements(function.body):
        if not (isinstance(node, S.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], S.Name)):
            continue
        name, value = node.targets[0].id, node.value
        roots = set()
        if isinstance(value, S.List) and not value.elts:
            empty.add(name)  # `rows = []`, then `rows.append(M[i])`
            continue
        if isinstance(value, (S.List, S.Tuple, S.Set)):
            roots = {_part_of(e) for e in value.elts}
        elif isinstance(value, S.Dict):
            roots = {_part_of(e) for e in value.values}
        elif isinstance(value, (S.ListComp, S.GeneratorExp)) or (
                isinstance(value, S.DictComp)):
            element = value.value if isinstance(value, S.DictComp) else value.elt
            targets = {n.id for g in value.generators for n in S.walk(g.target)
                       if isinstance(n, S.Name)}
            root = _part_of(element)
            if root is not None and root not in targets:
                roots = {root}
            elif isinstance(element, S.Name) and len(value.generators) == 1 and isinstance(
                    value.generators[0].target, S.Name) and (
                    value.generators[0].target.id == element.id) and isinstance(
                    value.generators[0].iter, S.Name):
                roots = {value.generators[0].iter.id}  # `[r for r in M]`
        elif (isinstance(value, S.Call) and isinstance(value.func, S.Name)
              and value.func.id in ("list", "tuple") and len(value.args) == 1
              and isinstance(value.args[0], S.Name) and not value.keywords):
            roots = {value.args[0].id}  # `list(M)`: M's rows
        elif isinstance(value, S.Call) and _is_class_call(value):
            # `o = Holder(M[0])`: the object may keep the view as an attribute
            roots = {_part_of(a) for a in list(value.args) + [k.value for k in value.keywords]}
        roots.discard(None)  # (a write into one of the other items is refused too)
        if len(roots) == 1 and bindings.get(name, 0) == 1 and name not in roots:
            found[name] = next(iter(roots))
    for name in empty:
        if bindings.get(name, 0) != 1:
            continue
        stored = [n for n in S.walk_same_scope_statements(function.body)
                  if isinstance(n, S.Call) and isinstance(n.func, S.Attribute)
                  and isinstance(n.func.value, S.Name) and n.func.value.id == name
                  and n.func.attr in ("append", "insert", "extend", "__setitem__")]
        roots = {_part_of(n.args[-1]) if n.func.attr in ("append", "insert") and n.args
                 else None for n in stored} - {None}
        if len(roots) == 1 and name not in roots:
            found[name] = next(iter(roots))
    return found


_SPLITTING_FUNCTIONS = frozenset({"split", "array_split", "hsplit", "vsplit", "dsplit"})


def _unpacked_parts(node) -> dict[str, tuple]:
    """``name -> (array name, its Name node)`` for the names an unpacking binds to views
    of an array: ``top, bottom = M[0], M[1]``, ``left, right = np.split(M, 2)``."""
    if not (len(node.targets) == 1 and isinstance(node.targets[0], (S.Tuple, S.List))):
        return {}
    names = node.targets[0].elts
    value = node.value
    found = {}
    if isinstance(value, (S.Tuple, S.List)) and len(value.elts) == len(names):
        for target, element in zip(names, value.elts):
            root = _part_of(element)
            if isinstance(target, S.Name) and root is not None:
                found[target.id] = (root, _root_node(element))
    elif (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
          and value.func.attr in _SPLITTING_FUNCTIONS and isinstance(value.func.value, S.Name)
          and value.func.value.id in ("np", "numpy") and value.args
          and isinstance(value.args[0], S.Name)):
        for target in names:
            if isinstance(target, S.Name):
                found[target.id] = (value.args[0].id, value.args[0])
    return found


def _root_node(node):
    source = _view_source(node)
    node = source if source is not None else node
    while isinstance(node, S.Subscript) or (isinstance(node, S.Attribute) and node.attr == "T"):
        node = node.value
    return node


def _holder_item_sources(target, iterable, holders: dict[str, str]) -> dict[str, str]:
    """``r -> name`` for a loop whose items are views of an array: ``for r in
    d.values()`` and ``for k, r in d.items()`` where ``d`` holds views (see
    :func:`part_holders`; ``name`` is ``d``), ``for r in M[1:]``, ``for r in M.T``,
    ``for r in [M[0], M[1]]``, also under ``enumerate``/``reversed`` (``name`` is
    ``M``)."""
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id in ("enumerate", "reversed", "list", "tuple")
            and len(iterable.args) == 1 and not iterable.keywords):
        if iterable.func.id != "enumerate":
            return _holder_item_sources(target, iterable.args[0], holders)
        if isinstance(target, (S.Tuple, S.List)) and len(target.elts) == 2:
            return _holder_item_sources(target.elts[1], iterable.args[0], holders)
        return {}
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Attribute)
            and isinstance(iterable.func.value, S.Name) and iterable.func.value.id in holders
            and not iterable.args):
        owner = iterable.func.value.id
        if iterable.func.attr == "values" and isinstance(target, S.Name):
            return {target.id: owner}
        if iterable.func.attr == "items" and isinstance(target, (S.Tuple, S.List)) and len(
                target.elts) == 2 and isinstance(target.elts[1], S.Name):
            return {target.elts[1].id: owner}
        return {}
    if not isinstance(target, S.Name):
        return {}
    if isinstance(iterable, S.Name) and iterable.id in holders:
        return {target.id: iterable.id}
    root = None
    if isinstance(iterable, (S.List, S.Tuple)) and iterable.elts:
        roots = {_part_of(e) for e in iterable.elts}
        root = roots.pop() if len(roots) == 1 else None
    elif not isinstance(iterable, S.Name):
        root = _part_of(iterable) or (  # `M.T`: its rows are views of M
            iterable.value.id if isinstance(iterable, S.Attribute) and iterable.attr == "T"
            and isinstance(iterable.value, S.Name) else None)
    return {target.id: root} if root is not None else {}


def _part_of(node) -> str | None:
    """``M`` for ``M[0]``, ``M[:, 1]``, ``M.T[0]``, ``M.reshape(2, 2)``: the local name
    whose array a NumPy view of it reads (None for anything else)."""
    source = _view_source(node)
    if source is not None:
        node = source
    elif not isinstance(node, S.Subscript):
        return None
    while isinstance(node, S.Subscript) or (isinstance(node, S.Attribute) and node.attr == "T"):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


# Methods and NumPy functions whose result shares the array's memory (a view)
_VIEW_METHODS = frozenset({"reshape", "ravel", "view", "transpose", "squeeze", "swapaxes"})
_VIEW_FUNCTIONS = _VIEW_METHODS - {"view"} | {"moveaxis", "asarray", "atleast_1d",
                                              "atleast_2d", "atleast_3d"}


def _view_source(value):
    """``a`` for ``a.reshape(2, 2)``, ``a.ravel()``, ``np.reshape(a, ...)``, ``np.asarray(a)``:
    with NumPy the result is a view of ``a`` (writes through it change ``a``), also as
    ``py2lax.converted(np.asarray)(a)``, the form calls take by now."""
    wrapper = record_of(value.func) if isinstance(value, S.Call) else None
    if wrapper is not None and wrapper.helper == "converted" and not wrapper.options:
        value = S.Call(func=callee(value.func), args=value.args, keywords=value.keywords)
    if not (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)):
        return None
    owner, name = value.func.value, value.func.attr
    if name in _VIEW_METHODS and isinstance(owner, (S.Name, S.Attribute, S.Subscript)) and (
            not (isinstance(owner, S.Name) and owner.id in ("np", "numpy", "jnp"))):
        return owner
    if (name in _VIEW_FUNCTIONS and isinstance(owner, S.Name) and owner.id in ("np", "numpy")
            and value.args and isinstance(value.args[0], (S.Name, S.Attribute, S.Subscript))):
        return value.args[0]
    return None


def _without_items(node):
    """``self.grid`` for ``self.grid[i][j]``: the place a part is taken from."""
    while isinstance(node, S.Subscript):
        node = node.value
    return node


def _iterated_names(iterable) -> list:
    """The arrays a ``for`` takes its items from: ``v`` in ``for x in v``, in
    ``enumerate(v)`` and in ``zip(a, b)``."""
    if isinstance(iterable, S.Name):
        return [iterable]
    if (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
            and iterable.func.id in ("enumerate", "zip") and not iterable.keywords):
        return [n for argument in iterable.args[:1 if iterable.func.id == "enumerate" else None]
                for n in _iterated_names(argument)]
    return []


def _loop_item_sources(target, iterable) -> dict[str, str | None]:
    """Each name a ``for`` binds -> the array whose item (a row, a view with NumPy) it
    holds, or None: ``for p in state``, ``for i, p in enumerate(state)``, ``for p, v in
    zip(pos, vel)``."""
    if isinstance(target, S.Name):
        return {target.id: iterable.id if isinstance(iterable, S.Name) else None}
    if not isinstance(target, (S.Tuple, S.List)):
        return dict.fromkeys(_bound_plain_names(target))
    call = iterable if isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name) \
        and not iterable.keywords else None
    if call is not None and call.func.id == "enumerate" and len(call.args) == 1 \
            and len(target.elts) == 2:
        return {**dict.fromkeys(_bound_plain_names(target.elts[0])),
                **_loop_item_sources(target.elts[1], call.args[0])}
    if call is not None and call.func.id == "zip" and len(call.args) == len(target.elts) \
            and not any(isinstance(a, S.Starred) for a in call.args):
        found: dict[str, str | None] = {}
        for element, argument in zip(target.elts, call.args):
            found.update(_loop_item_sources(element, argument))
        return found
    return dict.fromkeys(_bound_plain_names(target))


def _binding_counts(function: S.FunctionDef) -> dict[str, int]:
    """How many places bind each name of ``function``: its parameters, and every name it
    stores into (assignments, loop targets, ``:=``, ``with ... as``). ``x += v`` is not
    counted: on an array it changes the array in place, which keeps two names one array."""
    counts = dict.fromkeys(parameter_names(function.args), 1)
    augmented = {id(node.target) for node in S.walk_same_scope_statements(function.body)
                 if isinstance(node, S.AugAssign)}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Name) and isinstance(node.ctx, S.Store) and id(node) not in augmented:
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _blocks(function: S.FunctionDef) -> list[list]:
    """The statement lists of ``function``: its body, and those of its ``if``, loops,
    ``with``, ``try`` (handlers too) and ``match`` cases."""
    blocks = [function.body]
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.stmt):
            blocks += [statements for _field, statements in S.statement_lists(node)]
            blocks += [handler.body for handler in getattr(node, "handlers", [])]
            blocks += [case.body for case in getattr(node, "cases", [])]
    return blocks


def block_alias_updates(function: S.FunctionDef) -> dict[int, tuple[str, bool]]:
    """``id(update) -> (other name, in the block itself)`` for ``acc += x`` after ``total
    = acc`` in the same
    block (an ``if`` or loop body, or the function's), where neither name is bound again
    inside that block: from there on they are one array, two names.

    The function-wide rule of ``_views`` (each name bound once in the whole function)
    misses these; a traced block becomes a function of its own (``if_true_3(d)``), where
    the names are bound once, so a second run over the converted code would find the
    alias the first run missed and write the update differently."""
    found: dict[int, str] = {}
    prologue = _shared_name_prologue(function)
    for block in _blocks(function):
        counts: dict[str, int] = {}
        augmented = {id(node.target) for node in S.walk_same_scope_statements(block)
                     if isinstance(node, S.AugAssign)}
        for node in S.walk_same_scope_statements(block):
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Store) and (
                    id(node) not in augmented):
                counts[node.id] = counts.get(node.id, 0) + 1
        for index, statement in enumerate(block):
            if not (isinstance(statement, S.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], S.Name)
                    and isinstance(statement.value, S.Name)):
                continue
            pair = {statement.targets[0].id: statement.value.id,
                    statement.value.id: statement.targets[0].id}
            if len(pair) < 2 or any(counts.get(name, 0) > 1 for name in pair) or (
                    id(statement) in prologue):
                continue
            direct = {id(later) for later in block[index + 1:]}
            for node in S.walk_same_scope_statements(block[index + 1:]):
                if (isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)
                        and node.target.id in pair):
                    found.setdefault(id(node), (pair[node.target.id], id(node) in direct))
    return found


def _shared_name_prologue(function: S.FunctionDef) -> set[int]:
    """The ``padding = padding_in`` statements after ``nonlocal padding`` with which a
    function py2lax generated takes a shared name's value (``padding_in`` is read
    nowhere else): one name takes over the other, no second name reaches the array, so
    a second run over the output writes ``padding -= curr_pad`` as the first did."""
    declared = {name for node in function.body if isinstance(node, (S.Nonlocal, S.Global))
                for name in node.names}
    reads: dict[str, int] = {}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Name) and isinstance(node.ctx, S.Load):
            reads[node.id] = reads.get(node.id, 0) + 1
    return {id(statement) for statement in function.body
            if isinstance(statement, S.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], S.Name)
            and statement.targets[0].id in declared and isinstance(statement.value, S.Name)
            and reads.get(statement.value.id) == 1}


def _bound_plain_names(target) -> list[str]:
    if isinstance(target, S.Name):
        return [target.id]
    if isinstance(target, (S.Tuple, S.List)):
        return [n for element in target.elts for n in _bound_plain_names(element)]
    if isinstance(target, S.Starred):
        return _bound_plain_names(target.value)
    return []


def _updated_in_place(function: S.FunctionDef, updates: list,
                      records: Records) -> dict[str, int]:
    """Parameter -> line of its first update, for parameters the function updates in place
    (``a[i] = v``, ``a /= n``, never rebinding ``a`` otherwise).

    With a NumPy array or a list the caller sees such an update; with a JAX array,
    which is immutable, it cannot. So the runtime refuses a call that passes a JAX array
    there when the caller cannot get the new array back: the function does not return
    it, or the caller drops the result (see ``py2lax.runtime.calls``).
    """
    parameters = set(parameter_names(function.args))
    # `v /= total` on an array parameter is in place too (NumPy's `__itruediv__`).
    updates = updates + [node for node in _statements_run_here(function)
                         if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)]
    updated: dict[str, int] = {}
    for statement in updates:
        target = statement.target if isinstance(statement, S.AugAssign) else statement.targets[0]
        if target.id in parameters and target.id not in updated:
            updated[target.id] = statement.lineno
    if not updated:
        return {}
    update_ids = {id(a) for a in updates} | _jax_array_branches(function) | (
        _callback_results(function)) | _write_backs(function, records)
    others: set[str] = set()  # names some other statement binds
    for node in _statements_run_here(function):
        if not isinstance(node, S.stmt) or id(node) in update_ids:
            continue
        if isinstance(node, (S.For, S.AsyncFor)):
            others |= bound_names([S.Assign(targets=[node.target], value=None)])
        elif not list(S.statement_lists(node)) and not isinstance(node, (S.Try, S.Match)):
            others |= bound_names([node])
    return {name: line for name, line in updated.items() if name not in others}


def _statements_run_here(function: S.FunctionDef) -> list:
    """The function's own statements, and those of the defs only a lax call right after
    them runs (a --standalone run's ``def if_true_5(pos): pos = skip(pos)``, read again:
    ``lax_callbacks``), which update or rebind the function's names as if written
    inline. Missed, ``pos = skip(pos)`` in a first run's branch left ``pos += 2`` an
    update in place, and a second run wrote a guard for a caller's array (tomli's
    ``parse_basic_str_escape``); ``axis -= 1`` in one was no update of the parameter,
    and a second run lowered the ``if`` around it (scipy's ``_spectral_helper``): not
    fixed points."""
    callbacks = lax_callbacks(function)
    statements = list(S.walk_same_scope_statements(function.body))
    for node in S.walk(function):
        if isinstance(node, S.FunctionDef) and id(node) in callbacks:
            statements += S.walk_same_scope_statements(node.body)
    return statements


def _write_backs(function: S.FunctionDef, records: Records) -> set[int]:
    """``a = py2lax.written_through(a)`` after a call that may update ``a`` in place: the
    same object again, no other binding. (Counted as one, ``return_value = f(out=out)``
    in a first run's output, read again, hid that the function updates ``out`` in
    place; numpy's ``bmm_einsum``.)"""
    return {id(node) for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Assign)
            and getattr(records.of_call(node.value), "helper", None) == "written_through"}


def _callback_results(function: S.FunctionDef) -> set[int]:
    """The statements that take back what a first run's lax callback computed (``axis,
    = jax.lax.cond(axis < 0, if_true_5, lambda axis: (axis,), axis)``): the update
    the callback makes (``axis -= 1``), not another binding of the name."""
    callbacks = lax_callbacks(function)
    names = {node.name for node in S.walk(function)
             if isinstance(node, S.FunctionDef) and id(node) in callbacks}
    if not names:
        return set()
    return {id(node) for node in S.walk_same_scope_statements(function.body)
            if isinstance(node, S.Assign) and any(
                lax_function_call(call) and any(isinstance(a, S.Name) and a.id in names
                                                for a in map(_branch_of, call.args))
                for call in S.walk(node.value))}


def _branch_of(argument):
    """``f`` of ``_py2lax_typed(f, types)`` (--standalone's cast of a branch's outputs)."""
    if (isinstance(argument, S.Call) and isinstance(argument.func, S.Name)
            and argument.func.id.startswith("_py2lax_") and argument.args):
        return argument.args[0]
    return argument


def _jax_array_branches(function: S.FunctionDef) -> set[int]:
    """The statements of ``if isinstance(a, jax.Array): a = a.at[i].set(v)`` whose
    ``else`` updates ``a`` in place: ``--standalone``'s form of ``a[i] = v`` on a
    parameter, which a second run must read as the same in-place update."""
    found: set[int] = set()
    for node in S.walk_same_scope_statements(function.body):
        test = node.test if isinstance(node, S.If) else None
        if not (isinstance(test, S.Call) and isinstance(test.func, S.Name)
                and test.func.id == "isinstance" and len(test.args) == 2
                and isinstance(test.args[0], S.Name)
                and isinstance(test.args[1], S.Attribute) and test.args[1].attr == "Array"):
            continue
        name = test.args[0].id
        if all(isinstance(s, S.Assign) and [getattr(t, "id", None) for t in s.targets] == [name]
               for s in node.body) and node.orelse:
            found |= {id(s) for s in node.body}
    return found


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
