"""Part of ConvertCalls: a helper's in-place writes into its arguments reach the caller.

With NumPy, ``swap(a, k, k + 1)`` changes the caller's ``a``. A JAX array cannot
change: the converted ``swap`` gives its own ``arr`` a new array, and the runtime
records that the old one was replaced (``runtime/holders.py``). So after a statement
that calls a helper which may update a parameter in place (``analysis.in_place``), the
caller takes the new array back for each variable it passed there, and for each other
name that may hold the same object (``analysis.aliases``)::

    py2lax.converted(swap, written_back=True)(a, k, k + 1)
    a = py2lax.written_through(a)          # the new array, if swap replaced it

``written_back=True`` tells the runtime the caller does this, so the call is not
refused. Python meaning: ``written_through(a)`` is ``a`` (NumPy's array, changed in
place, is still itself).

``written_back=True`` also makes the runtime give the call each argument's newest
contents, so that a later call of the same statement reads what an earlier one wrote
(``ra, rb = find(p, a), find(p, b)``).

A row or slice of the caller's array given to a call statement or assignment
(``bump(m[i], 0)``, ``scale(m[:, j])``: NumPy's view, which the helper's writes change
with ``m``) is bound to a name of its own before the call, and ``m`` gets the new row
afterwards::

    part = m[i]
    py2lax.converted(bump, written_back=True)(part, 0)
    m = py2lax.written_through(m, part=part, index=i)

Where no write-back can reach the place the helper changed, the call passes
``written_back=False`` and the runtime refuses it at the user's line if the helper does
replace the array: a global or closure array, a row of an array anywhere else (``return
f(m[i])``, ``f(self.m[i])``), an argument that the same statement reads again after the
call (``return f(a) + a[0]``), ``*args``, a call in a ``while`` test, a lambda, a comprehension or one operand
of ``and``/``or``/``x if c else y`` (which may run inside a traced branch). A call in an
``if`` test writes back at the start of each branch. ``v /= total`` on the helper's
parameter is written back alike (the converted helper records it, see
``transforms/item_assignment``), except for an array the caller made with ``jnp``, where
Python's ``/=`` rebinds the helper's name only; ``b = v.astype(...)`` then ``b += x``
leaves no record (JAX may give ``v`` itself): the runtime refuses a JAX array there
unless the caller assigns the returned array.

Which callees: those the decorator can see (the function's globals and closure, helpers
defined inside the function, its class's methods for ``self.m(...)``) or that the
command line converts from the same file are analysed; a callee that cannot be known (a
method of another object, a function passed as an argument) is written back after its
call (the command line: only after a call statement, which is made for what it
changes), and otherwise left to the runtime's check.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.aliases import certainly_defined_before, jax_made_names, sharing_names
from py2lax.analysis.in_place import (ARRAY_ATTRIBUTES, LIBRARY_MODULES, _is_library_call,
                                      argument_place, built_containers, callee_spelling)
from py2lax.analysis.closures import cell_variables
from py2lax.analysis.liveness import live_after_statements
from py2lax.analysis.names import declarations, parameter_names, read_names_of_statements
from py2lax.analysis.traced_names import TRACE_AWARE_BUILTINS
from py2lax.transforms.context import ConversionContext

# what an index given as `m[i]` may be made of, to be read again after the call
_PLAIN_INDEX = (S.Slice, S.Tuple, S.List, S.UnaryOp, S.BinOp)
_SCOPES = (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp, S.FunctionDef,
           S.AsyncFunctionDef, S.ClassDef)


def _calls_in_scopes(region) -> list[S.Call]:
    """The calls ``region`` makes inside its lambdas and comprehensions (which run
    their calls apart from the statement: no write-back follows them)."""
    found = []

    def walk(node, inside: bool) -> None:
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            return
        inside = inside or isinstance(node, _SCOPES)
        if inside and isinstance(node, S.Call):
            found.append(node)
        for child in S.iter_child_nodes(node):
            walk(child, inside)

    walk(region, False)
    return found


def _calls_in(region) -> list[tuple[S.Call, bool]]:
    """The calls ``region`` makes in its own scope, each with whether it always runs
    with the statement (not in one operand of ``and``/``or``/``x if c else y``)."""
    found = []

    def walk(node, always: bool) -> None:
        if isinstance(node, _SCOPES):
            return
        if isinstance(node, S.Call):
            found.append((node, always))
        if isinstance(node, S.BoolOp):
            walk(node.values[0], always)
            for value in node.values[1:]:
                walk(value, False)
            return
        if isinstance(node, S.IfExp):
            walk(node.test, always)
            walk(node.body, False)
            walk(node.orelse, False)
            return
        for child in S.iter_child_nodes(node):
            walk(child, always)

    walk(region, True)
    return found


class WriteBack:
    """The write-backs of one function (see the module docstring)."""

    def __init__(self, function: S.FunctionDef, context: ConversionContext):
        self.function, self.context = function, context
        declared = declarations(function.body)
        self.outer = set(declared)
        self.local = set(context.local_names) - self.outer
        self.containers = built_containers(function)
        self._sharing = None
        self._defined = None
        self._parts = None
        self._live_after = None
        self._jax_made = None
        self.changed = False

    # -- what the analyses say, computed when first needed --------------------------------

    @property
    def sharing(self):
        if self._sharing is None:
            from py2lax.transforms.calls import ARRAY_AND_STRING_METHODS
            self._sharing = sharing_names(self.function, ARRAY_AND_STRING_METHODS)
        return self._sharing

    @property
    def jax_made(self) -> set[str]:
        """The names that always hold an array the function made with ``jnp``."""
        if self._jax_made is None:
            self._jax_made = jax_made_names(self.function)
        return self._jax_made

    def read_later(self, names: list[str], statement) -> list[str]:
        """The ``names`` something may read after ``statement``: the function's own code,
        a nested function still reachable then (its name is live), or code outside (a
        global or nonlocal). A name nobody reads needs no new array (``return f(z.aval)``,
        and the ``return_value = f(z.aval)`` a first run writes for it, alike)."""
        if self._live_after is None:
            self._live_after = live_after_statements(self.function)
            # (a lambda is left out: `return lambda g: f(g, **kw)` becomes `return_value =
            # lambda ...` on a first run, whose write-backs must not change on a second)
            self._nested = {node.name for node in S.walk_same_scope_statements(
                self.function.body) if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef,
                                                         S.ClassDef))}
            self._cells = cell_variables(self.function)
        live = self._live_after.get(statement)
        if live is None:
            return names
        if isinstance(statement, S.If):  # (written at the start of both branches)
            live = live | read_names_of_statements(statement.body + statement.orelse)
        closures_live = bool(self._nested & live)
        return [name for name in names if name in live or name in self.outer
                or (closures_live and name in self._cells)]

    @property
    def defined(self):
        if self._defined is None:
            self._defined = certainly_defined_before(self.function)
        return self._defined

    @property
    def parts(self) -> dict[str, set[str | None]]:
        """Name -> the variables whose objects it holds a part of (``buf = self.buf``:
        ``self``; ``w = ws[0]`` of a list ``ws``: ``ws``); None: a part no write-back
        reaches (``row = grid[i]`` of an array, ``for row in grid``)."""
        if self._parts is None:
            self._parts = {}
            for node in S.walk_same_scope_statements(self.function.body):
                if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                        node.targets[0], S.Name):
                    value = node.value
                    if isinstance(value, (S.Attribute, S.Subscript)):
                        place = argument_place(value, self.local, self.containers, self.outer)
                        self._parts.setdefault(node.targets[0].id, set()).add(
                            place.root if place.reachable else None)
                    elif isinstance(value, S.Call) and isinstance(value.func, S.Attribute) and (
                            value.func.attr in ("reshape", "ravel", "view", "transpose",
                                                "squeeze", "swapaxes")):
                        self._parts.setdefault(node.targets[0].id, set()).add(None)
                elif isinstance(node, (S.For, S.AsyncFor)):
                    for name, source in _loop_sources(node.target, node.iter):
                        if source is None or source in self.containers:
                            self._parts.setdefault(name, set()).add(source)
                        elif source not in self.sharing.holds:
                            self._parts.setdefault(name, set()).add(None)
        return self._parts

    # -- the call sites ----------------------------------------------------------------------

    def _callee(self, call):
        """``(the user's callee, the converted(...) wrapper or None)`` for a call that may
        run the user's code, else None."""
        function, wrapper = call.func, None
        record = self.context.records.of_call(function) if isinstance(function, S.Call) else None
        if record is not None and record.helper == "converted":
            wrapper = function
            function = record.operands.get("function") or (function.args[0] if function.args
                                                           else None)
        elif callee_spelling(function) not in self.context.direct_calls:
            return None
        if function is None or isinstance(function, S.Call):
            return None
        if isinstance(function, S.Name) and (function.id in TRACE_AWARE_BUILTINS
                                             or function.id[:1].isupper()):
            return None  # `max(x, 0.0)`; `Holder(w)`: a constructor keeps, does not write
        if isinstance(function, S.Attribute) and not (
                isinstance(function.value, S.Name) and function.value.id in ("self", "cls")
                ) and function.attr not in self.context.user_methods:
            return None  # not a method of the user's classes: a library's
        if _is_library_call(function, LIBRARY_MODULES) and not (
                isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
                and function.value.id in self.local):
            return None  # `np.sin(x)`, `len(a)` (a module of the user's: as any callee)
        return function, wrapper

    def _updated_arguments(self, call, function, statement):
        """``(the argument nodes the callee may update, those it updates through a copy
        JAX may make the array itself, those it updates with ``arr += v`` on its
        parameter)``, or None when it updates none."""
        spelled = callee_spelling(function)
        known = (self.context.helper_parameters or {}).get(spelled) if spelled else None
        if known is None and spelled in self.context.keeping_calls:
            return None  # `p.shift(a)`: no method of that name writes into what it is given
        if known is None:
            if spelled is not None and spelled in self.context.direct_calls:
                return None  # the command line's own helper, analysed: updates nothing
            if not isinstance(statement, S.Expr) and self.context.module_names is None:
                # the command line, whose output is read: a call whose result is used
                # is left to the runtime's check (refused if it replaces an argument
                # it does not return)
                return None
            # (unknown: it may write into any of them)
            return list(call.args) + [k.value for k in call.keywords], [], []
        if not known.updated:
            return None
        bound = isinstance(function, S.Attribute) and not (
            isinstance(function.value, S.Name) and function.value.id not in self.local
            and self.context.module_names is not None
            and function.value.id in self.context.module_names)
        return (known.updated_arguments(call, bound), known.augmented_arguments(call, bound),
                known.by_name_arguments(call, bound))

    def after(self, statement, region):
        """``statement`` and the write-backs after it (see the module docstring)."""
        if region is None or self.context.helper_parameters is None:
            return statement  # (plain jax: no runtime to hand the new array back)
        self._checked_in_scopes(region)
        names: list[str] = []
        assigned = _assigned_names(statement)
        calls = _calls_in(region)
        # a variable given to another converted call of the statement is read there as
        # its newest contents (the runtime's `converted` does it): not a stale read
        # (the command line's direct call is given them through the wrapper it gets then)
        given = {id(argument): call for call, _ in calls
                 if self._callee(call) is not None and (
                     self._callee(call)[1] is not None or self.context.direct_calls)
                 for argument in list(call.args) + [k.value for k in call.keywords]
                 if isinstance(argument, S.Name)}
        relied: list = []  # the calls whose reading the newest contents a write-back needs
        rows: list = []  # (call, argument, root) for each `m[i]` given (see _row_root)
        for call, always in calls:
            callee = self._callee(call)
            if callee is None:
                continue
            function, wrapper = callee
            updated = self._updated_arguments(call, function, statement)
            if not updated or not updated[0]:
                continue
            arguments, augmented, by_name = updated
            rebinding = [a for a in by_name if isinstance(a, S.Name) and a.id in self.jax_made]
            if rebinding:
                # `w = jnp.ones(3)`, then `decay_(w)`: Python's `w *= k` on a JAX array
                # rebinds the helper's name only; the caller keeps its array
                arguments = [a for a in arguments if not any(a is b for b in rebinding)]
                if not arguments and not augmented:
                    self._flag(wrapper, True)
                    continue
            if any(isinstance(a, (S.Subscript, S.Attribute))
                   and self._row_root(a, statement) is None for a in by_name):
                # `decay_(ws[0])`, `decay_(s.w)`: NumPy's array (changed in place) or one
                # made with `jnp` (whose `*=` rebinds the helper's name only) is not known
                # here: the runtime refuses the call if it replaces the array
                self._flag(wrapper, False, call)
                continue
            if augmented:
                # `b = v.astype(...)`, `b += x` in the helper: a JAX array's new value stays
                # the helper's variable (the runtime refuses that)
                arguments = [a for a in arguments if not any(a is b for b in augmented)]
                if isinstance(statement, S.Assign) and all(
                        isinstance(a, S.Name) and a.id in assigned for a in augmented):
                    # `v = normalise(v)`: the result is the new array; the other
                    # arguments are written back (`b = take_budget(a, b)`)
                    augmented = []
                    if not arguments:
                        continue
                elif not arguments:
                    # (the command line's direct call too: the runtime refuses a JAX
                    # array there; wrapped whatever else the helper may update, so that
                    # a second run, whose analysis of the printed helper may see fewer
                    # updates, wraps it alike)
                    self._flag(wrapper, True, call)
                    continue
            roots = self._roots(arguments, call, statement, always, given, relied, rows)
            if roots is None:
                self._flag(wrapper, False, call)
                continue
            self._flag(wrapper, True, call if augmented else None)
            if not isinstance(statement, S.Return):
                given_rows = {root for _, _, root in rows}  # (written back with their part)
                names += [n for n in roots if n not in names and n not in assigned
                          and n not in given_rows]
        for call in relied:
            callee = self._callee(call)
            wrapper = callee[1] if callee is not None else None
            if wrapper is None or not any(k.arg == "written_back" for k in wrapper.keywords):
                self._flag(wrapper, True, call)  # (so that it reads the newest contents)
        before, rows_back = self._rows_given(rows, statement)
        names += [n for _, _, root in rows for n in self._with_holders([root], statement,
                                                                       assigned)
                  if n != root and n not in names]
        if not names:
            return before + [statement] + rows_back if rows else statement
        names = self.read_later(self._with_holders(names, statement, assigned), statement)
        if not names:
            return before + [statement] + rows_back if rows else statement
        if isinstance(statement, S.If):
            statement.body = self._write_backs(names, statement) + statement.body
            statement.orelse = self._write_backs(names, statement) + statement.orelse
            return statement
        return before + [statement] + rows_back + self._write_backs(names, statement)

    def _rows_given(self, rows: list, statement) -> tuple[list, list]:
        """For each ``m[i]`` a call of ``statement`` is given (``bump(m[i], 0)``): the
        row bound to a name of its own before the statement (``part = m[i]``, the call
        given ``part``), and after it ``m = py2lax.written_through(m, part=part,
        index=i)``: ``m`` with the helper's writes into the row, as NumPy's view shows
        them (a copy, ``m[[0, 1]]``, gives ``m`` back unchanged)."""
        before, after = [], []
        for call, argument, root in rows:
            part = self.context.names.new("part")
            before.append(S.set_location(S.copy_location(S.Assign(
                targets=[S.store(part)], value=argument, type_comment=None), statement),
                statement))
            call.args = [S.load(part) if a is argument else a for a in call.args]
            for keyword in call.keywords:
                if keyword.value is argument:
                    keyword.value = S.load(part)
            value = self.context.call(
                "written_through", S.load(root),
                keywords=[("part", S.load(part)), ("index", S.deep_copy(argument.slice))],
                line=statement.lineno, target=S.load(root))
            after.append(S.set_location(S.copy_location(S.Assign(
                targets=[S.store(root)], value=value, type_comment=None), statement),
                statement))
        if rows:
            self.changed = True
        return before, after

    def _row_root(self, argument, statement) -> str | None:
        """``m`` for an argument ``m[i]`` (``m[1:]``, ``m[:, j]``) of a call statement
        (or an assignment's): a row or slice of the caller's array, which NumPy gives as
        a view, so the helper's writes into it change ``m``; None for anything else (a
        row of a list is the object itself, see ``argument_place``)."""
        if not isinstance(statement, (S.Expr, S.Assign)) or not isinstance(
                argument, S.Subscript):
            return None
        root = argument.value
        if not (isinstance(root, S.Name) and root.id in self.local
                and root.id not in self.outer and root.id not in self.containers
                and root.id not in self.context.static_names
                and root.id not in self.jax_made):  # (a JAX array's row is a copy)
            return None
        if None in self.parts.get(root.id, ()):
            return None  # `row = grid[i]`, then `bump(row[1:])`: a view of a view
        if not self._plain_index(argument.slice) or {
                n.id for n in S.walk(argument.slice) if isinstance(n, S.Name)
                } & _assigned_names(statement):
            return None  # (read again after the call: the same index)
        return root.id

    def _plain_index(self, node) -> bool:
        """An index made of names, numbers, slices, tuples and lists, and arithmetic on
        them (``i``, ``1:``, ``:, j``, ``[0, 1]``): it means the same read again after
        the call (the runtime's ``py2lax.indices([0, 1])`` for a list is one too)."""
        if isinstance(node, (S.Name, S.Constant)):
            return True
        if isinstance(node, S.Call):
            record = self.context.records.of_call(node)
            return record is not None and record.helper == "indices" and all(
                self._plain_index(a) for a in node.args)
        return isinstance(node, _PLAIN_INDEX) and all(
            self._plain_index(child) for child in S.iter_child_nodes(node))

    def refused_in(self, statement, region, direct_only: bool = False):
        """A ``while`` test: evaluated again and again, where no write-back can follow.
        ``direct_only``: a ``for`` loop's iterable (the loop may become a traced one,
        whose body reads the caller's old array), for the helpers the command line
        calls directly (the decorator's ``py2lax.converted(f)`` refuses a replaced array
        there unless the helper returns it)."""
        if self.context.helper_parameters is None:
            return statement
        self._checked_in_scopes(region)
        for call, _always in _calls_in(region):
            callee = self._callee(call)
            if direct_only and (callee is None or callee[1] is not None):
                continue
            updated = self._updated_arguments(call, callee[0], S.Expr()) if callee else None
            if updated and updated[0]:
                self._flag(callee[1], False, call)
        return statement

    def _checked_in_scopes(self, region) -> None:
        """A helper the command line calls directly inside a lambda or comprehension
        (``[bump(a, k) for k in ks]``) that may update an argument in place goes through
        ``py2lax.converted(helper)``, as the decorator calls it: no write-back follows
        such a call, so the runtime refuses a replaced array unless the helper returns
        it (before: the caller silently kept the old array)."""
        if not self.context.direct_calls:
            return
        for call in _calls_in_scopes(region):
            callee = self._callee(call)
            if callee is None or callee[1] is not None:
                continue
            updated = self._updated_arguments(call, callee[0], S.Expr())
            if not updated or not (updated[0] or updated[1]):
                continue
            wrapper = self.context.call("converted", call.func,
                                        line=getattr(call, "lineno", None), function=call.func)
            call.func = S.set_location(S.copy_location(wrapper, call), call)
            self.changed = True

    def _roots(self, arguments, call, statement, always, given=None, relied=None,
               rows=None) -> list[str] | None:
        """The caller's variables to write back for ``arguments``, or None when one of
        them cannot be given the new array (see the module docstring); ``rows`` gets the
        rows of the caller's arrays given (see :meth:`_rows_given`)."""
        if not always:
            return None
        roots: list[str] = []
        for argument in arguments:
            place = argument_place(argument, self.local, self.containers, self.outer)
            row_root = None if place.reachable or rows is None else self._row_root(
                argument, statement)
            if row_root is not None:  # `bump(m[i], 0)`: m is written back (_rows_given)
                rows.append((call, argument, row_root))
                roots.append(row_root)
                continue
            if not place.reachable:
                return None
            if place.root is None or place.root in self.context.static_names:
                continue
            roots.append(place.root)
            for source in self.parts.get(place.root, ()):
                if source is None:
                    return None  # `row = grid[i]`: NumPy's view of `grid`
                roots.append(source)
        if not roots:
            return []
        inside = {id(n) for n in S.walk(call)}
        given = given or {}
        reads = [n for n in S.walk(statement.test if isinstance(statement, S.If)
                                   else statement)
                 if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and id(n) not in inside
                 and n.id in roots]
        if any(id(n) not in given for n in reads):
            return None  # the statement reads the old array again after the call
        if relied is not None:
            relied += [given[id(n)] for n in reads]
        return list(dict.fromkeys(roots))

    def _with_holders(self, names: list[str], statement, assigned) -> list[str]:
        """``names`` and every other name that may hold an object they hold (``ws =
        [w]``, ``v = w``), bound before ``statement``."""
        sharing = self.sharing
        related = sharing.holders_of(set(names) | sharing.held_by(set(names)))
        defined = self.defined.get(id(statement), frozenset())
        extra = sorted(n for n in related - set(names) if n in defined and n in self.local
                       and n not in assigned and n not in self.context.static_names)
        return names + extra

    def _write_backs(self, names: list[str], statement) -> list:
        written = []
        for name in names:
            call = self.context.call("written_through", S.load(name), line=statement.lineno,
                                     target=S.load(name))
            assign = S.Assign(targets=[S.store(name)], value=call, type_comment=None)
            written.append(S.set_location(S.copy_location(assign, statement), statement))
        self.changed = True
        return written

    def _flag(self, wrapper, written_back: bool, refusing_call=None) -> None:
        """``py2lax.converted(f, written_back=...)``. A helper the command line calls
        directly (``clip_neg(a)``, no wrapper) gets one here when the runtime must check
        the call (``refusing_call``): no write-back can follow it, so a replaced array
        is refused at the helper's line instead of being lost."""
        if wrapper is None and refusing_call is not None and self.context.direct_calls:
            wrapper = self.context.call("converted", refusing_call.func,
                                        line=getattr(refusing_call, "lineno", None),
                                        function=refusing_call.func)
            refusing_call.func = S.set_location(S.copy_location(wrapper, refusing_call),
                                                refusing_call)
        if wrapper is None:
            return
        records = self.context.records
        wrapper.keywords = [k for k in wrapper.keywords if k.arg != "result_unused"]
        if records.of_call(wrapper) is not None:
            records.of_call(wrapper).options.pop("result_unused", None)
        records.set_option(wrapper, "written_back", S.Constant(value=written_back, kind=None))
        self.changed = True

    def finish(self, function) -> bool:
        """Drop a write-back that repeats one just made (another pass wrote back the
        same holder after the same statement)."""
        for node in [function] + [n for n in S.walk(function) if isinstance(n, S.stmt)]:
            for field, statements in list(S.statement_lists(node)):
                setattr(node, field, self._without_repeats(statements))
            for handler in getattr(node, "handlers", []):
                handler.body = self._without_repeats(handler.body)
        return self.changed

    def _without_repeats(self, statements: list) -> list:
        kept, run = [], {}
        for statement in statements:
            name = self._written_name(statement)
            if name is None:
                run = {}
                kept.append(statement)
                continue
            if name in run:
                earlier = run[name]
                if isinstance(statement, S.Assign) and not isinstance(earlier, S.Assign):
                    kept[kept.index(earlier)] = statement  # the assigning form carries it
                    run[name] = statement
                continue
            run[name] = statement
            kept.append(statement)
        return kept

    def _written_name(self, statement) -> str | None:
        value = statement.value if isinstance(statement, (S.Expr, S.Assign)) else None
        record = self.context.records.of_call(value) if isinstance(value, S.Call) else None
        if record is None or record.helper != "written_through" or record.options:
            return None
        if not isinstance(record.operands.get("target"), S.Name):
            return None
        name = record.operands["target"].id
        if isinstance(statement, S.Assign) and not (
                len(statement.targets) == 1 and isinstance(statement.targets[0], S.Name)
                and statement.targets[0].id == name):
            return None
        return name


def _assigned_names(statement) -> set[str]:
    targets = (statement.targets if isinstance(statement, S.Assign)
               else [statement.target] if isinstance(statement, (S.AugAssign, S.AnnAssign))
               else [])
    found = set()
    for target in targets:
        for node in S.walk(target):
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Store):
                found.add(node.id)
    return found


def _loop_sources(target, iterable) -> list[tuple[str, str | None]]:
    """``(name, container)`` for the names a ``for`` binds to items of a variable's
    object (``for arr in arrs``, ``for i, arr in enumerate(arrs)``, ``zip``); a display
    (``for arr in (a, b)``) gives the objects themselves (see ``analysis.aliases``)."""
    if isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name) and not (
            iterable.keywords):
        if iterable.func.id == "enumerate" and isinstance(target, (S.Tuple, S.List)) and (
                len(target.elts) == 2 and iterable.args):
            return _loop_sources(target.elts[1], iterable.args[0])
        if iterable.func.id == "zip" and isinstance(target, (S.Tuple, S.List)) and (
                len(target.elts) == len(iterable.args)):
            return [found for element, argument in zip(target.elts, iterable.args)
                    for found in _loop_sources(element, argument)]
        if iterable.func.id in ("reversed", "list", "tuple", "iter") and len(iterable.args) == 1:
            return _loop_sources(target, iterable.args[0])
        return []
    if isinstance(target, S.Name) and isinstance(iterable, S.Name):
        return [(target.id, iterable.id)]
    if isinstance(target, S.Name) and isinstance(iterable, (S.Attribute, S.Subscript)):
        return [(target.id, None)]
    return []


_ = (ARRAY_ATTRIBUTES, parameter_names)
