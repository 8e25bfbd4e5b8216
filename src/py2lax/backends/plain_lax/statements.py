"""Simple statements for ``--standalone``: the runtime calls a pass wrote in place of an
item or attribute assignment, ``append``, ``print``, ``assert`` or ``del``, read from their
records and written the way the value they update needs.

* ``x = py2lax.setitem(x, i, v)``: ``x[i] = v`` on a Python container (see ``Facts``),
  and on a parameter the function updates in place without returning it (the caller
  must see the update, which only a NumPy array or a list allows); otherwise
  ``x = x.at[i].set(v)`` (``.add``/``.multiply``... for ``+=``, ``*=``), and for a boolean
  mask made from the array itself, ``x = jnp.where(mask, v, x)``;
* ``obj = py2lax.setattr_(obj, 'a', v)``: ``obj.a = v``;
* ``rows = py2lax.append(rows, v)``: ``rows.append(v)`` (a loop that grows a carried
  list stacks the items instead, see ``loops``);
* ``py2lax.print_(...)``: ``jax.debug.print``, or, where a placeholder has a format spec
  (which ``jax.debug.print`` of JAX 0.4.30 cannot apply to a traced value) or the text
  has braces before the first placeholder (``print("{} items:", n)``),
  ``jax.debug.callback`` of a ``print`` that formats the values when they are known;
* ``py2lax.assert_(test, message)``: ``assert`` on a static test, else a
  ``jax.debug.callback`` that asserts when the program runs;
* ``x = py2lax.Undefined('x')`` (a ``del x`` inside a converted statement): ``del x``;
  ``return_value = py2lax.Undefined(..., fill=True)``: a placeholder of the type the
  ``return`` statements give (see ``placeholders``).
"""

from __future__ import annotations

import string

from py2lax.frontend import syntax as S
from py2lax.analysis.names import parameter_names
from py2lax.analysis.static_values import STATIC_ATTRIBUTES
from py2lax.analysis.traced_names import JAX_NAMES, NUMPY_NAMES
from py2lax.backends.print_templates import needs_leading_placeholder
from py2lax.backends.plain_lax.shared_definitions import helper_name
from py2lax.backends.plain_lax.placeholders import placeholder
from py2lax.backends.plain_lax.python_form import callee, compares_python_values
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.backends.plain_lax.spelling import (assign, call, constant, function_def,
                                                lambda_of, method)
from py2lax.transforms.records import Range

_AUGMENTED = {"+=": S.Add, "-=": S.Sub, "*=": S.Mult, "/=": S.Div, "//=": S.FloorDiv,
              "%=": S.Mod, "**=": S.Pow, "@=": S.MatMult, "&=": S.BitAnd, "|=": S.BitOr,
              "^=": S.BitXor, "<<=": S.LShift, ">>=": S.RShift}
# NumPy's in-place array methods and the jax.numpy functions that give their result
_FUNCTIONAL = {"sort": "sort", "fill": "full_like"}
# runtime calls that write into an array (plain jax may write them `.at`)
_ARRAY_WRITES = ("setitem", "in_place_method", "with_out", "augassign")
_IN_PLACE_METHODS = {"sort", "fill", "put", "itemset", "resize", "partition"}
_CONSTRUCTORS = ("__init__", "__post_init__")
_AT_METHODS = {"+=": "add", "-=": "subtract", "*=": "multiply", "/=": "divide",
               "**=": "power"}


class Statements:
    """The statement side of :class:`~py2lax.backends.plain_lax.emitter.PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.records, self.facts, self.spell = backend.records, backend.facts, backend.spell
        self.expressions = backend.expressions

    def statement(self, statement) -> list:
        """``statement`` in plain jax (its nested blocks are rewritten already)."""
        value = getattr(statement, "value", None)
        record = self.records.of_call(value) if isinstance(value, S.Call) else None
        if record is not None:
            handler = getattr(self, f"_{record.helper.rstrip('_')}", None)
            if handler is not None:
                return handler(record, statement)
        guard = self._caller_array_guard(statement)
        guards = ([guard] if guard is not None else []) + self._helper_write_guards(statement)
        return guards + [self._expressions(statement)]

    def _helper_write_guards(self, statement) -> list:
        """``put(u, 1, x)``, ``put`` a function of the module, or of the user's module
        beside it (read, never run), that writes into the items of its parameter ``arr``
        and does not return it: NumPy changes the caller's ``u``, a JAX array cannot
        change, and the helper's plain-jax form gives its own ``arr`` a new array (a
        helper no code of its module calls: ``is_entry_point``), so ``u`` kept its old
        values, a silently different answer. A ``TypeError`` for a JAX array says where
        and what to write."""
        if not isinstance(statement, (S.Expr, S.Assign, S.AugAssign, S.AnnAssign, S.Return)):
            return []
        for value in S.walk(statement):
            if isinstance(value, S.Lambda):
                return []  # (called later, if at all)
            guard = self._helper_write_guard(statement, value) if isinstance(
                value, S.Call) else None
            if guard is not None:
                return [guard]
        return []

    def _helper_write_guard(self, statement, value):
        """The guard ``_helper_write_guards`` writes for the call ``value``, or None."""
        function = callee(value, self.records)
        if not isinstance(function, S.Name):
            return None
        definition = self.expressions._module_function(function.id)
        written = _written_parameters(definition) if isinstance(
            definition, S.FunctionDef) else set()
        if not written or any(isinstance(a, S.Starred) for a in value.args):
            return None
        names = parameter_names(definition.args)
        shown = S.unparse(S.Call(func=S.load(function.id), args=value.args,
                                 keywords=value.keywords)).strip()
        for parameter, argument in zip(names, value.args):
            if parameter not in written or not isinstance(argument, S.Name):
                continue
            if self.facts.array_guarded.get(id(statement)) == argument.id:
                return None  # (a first run's guard, read again)
            problem = (f"{self.spell.filename}:{statement.lineno}: `{shown}` changes "
                       f"`{argument.id}` in place in NumPy, but a JAX array cannot change "
                       f"in place; have `{function.id}` return `{parameter}` and write "
                       f"`{argument.id} = {shown}`, or drop --standalone")
            return self._jax_array_guard(argument.id, problem, statement)
        return None

    def used_as_a_number(self) -> set[str]:
        """Names the function tests (``while padding > 0``) or gives ``min``, ``max``,
        ``range``, ``int`` or ``float``: numbers, which ``-=`` rebinds in Python too."""
        tests = list(self.backend.lowered_tests) + [
            n.test for n in S.walk(self.backend.function) if isinstance(n, (S.If, S.While))]
        tests += [a for n in S.walk(self.backend.function) if isinstance(n, S.Call)
                  and isinstance(n.func, S.Name)
                  and n.func.id in ("min", "max", "range", "int", "float") for a in n.args]
        tests += _lowered_tests(self.backend.function, self.records)
        return {name for test in tests for name in _values_read(test)}

    def _caller_array_guard(self, statement):
        """``v /= s`` where ``v`` is a parameter of a helper the module calls, which it
        updates in place and does not return: NumPy changes the caller's array, a JAX
        array cannot change, and ``/=`` would give the helper's ``v`` alone a new array
        (inside a lax loop too, whose result the caller never sees), a silently
        different answer. Python's statement stays, after a ``TypeError`` for a JAX array
        that says what to write."""
        if not (isinstance(statement, S.AugAssign) and isinstance(statement.target, S.Name)):
            return None
        name = statement.target.id
        if name in self.used_as_a_number():
            return None
        shown = S.unparse(S.AugAssign(target=S.load(name), op=statement.op,
                                      value=S.deep_copy(statement.value))).strip()
        return self._caller_update_guard(name, shown, statement)

    def _caller_update_guard(self, name: str, shown: str, statement):
        """The guard of ``_caller_array_guard`` for the update ``shown`` of the parameter
        ``name`` (``v /= s``, ``v.fill(0)``), or None where the caller cannot see it."""
        if name not in self.backend.context.unreturned_in_place or (
                name not in self.facts.parameters) or self.backend.is_entry_point() or (
                self.facts.array_guarded.get(id(statement)) == name):
            return None
        if self._is_the_instance(name):
            return None
        function = self.backend.function.name
        problem = (f"{self.spell.filename}:{statement.lineno}: `{shown}` changes the "
                   f"caller's array in place in NumPy, but a JAX array cannot change in "
                   f"place; return `{name}` from `{function}` and assign it where "
                   f"`{function}` is called, or drop --standalone")
        return self._jax_array_guard(name, problem, statement)

    def _is_the_instance(self, name: str) -> bool:
        """``self`` (or ``cls``), a method's first parameter: ``self |= items`` calls the
        object's own ``__ior__`` (an ordered set's), no caller's array. Guarded, a second
        run read the guard's ``self.ndim`` as an attribute of the object, and lowered
        it (not a fixed point; setuptools' ``OrderedSet.__init__``)."""
        arguments = self.backend.function.args
        first = (arguments.posonlyargs + arguments.args)[:1]
        return name in ("self", "cls") and [getattr(a, "id", None) for a in first] == [name]

    def _sorted_list(self, target, values, keywords, statement) -> list | None:
        """``l.sort()`` (or ``l.sort(reverse=True)``) of a list of numbers a lax statement
        carried (``if x > 0: l.append(x)``): Python's sort compares the items, which a
        traced value cannot answer, so they are sorted as one array, in place::

            l[:] = list(jnp.sort(jnp.stack(l)))
        """
        if not (isinstance(target, S.Name) and not values and all(
                k.arg == "reverse" and isinstance(k.value, S.Constant)
                and isinstance(k.value.value, bool) for k in keywords)):
            return None
        name = target.id
        carried = {n for r in self.records.lowered for n in r.carried}
        bindings = self.facts.bindings.get(name, [])
        if name not in carried or not bindings or not all(
                isinstance(v, S.List) for v in bindings):
            return None
        spell = self.spell
        ordered = spell.numpy("sort", [spell.numpy("stack", [S.load(name)], statement)],
                              statement)
        if any(k.value.value for k in keywords):
            ordered = S.Subscript(value=ordered, slice=S.Slice(
                lower=None, upper=None, step=constant(-1)), ctx=S.Load())
        whole = S.Subscript(value=S.load(name), slice=S.Slice(lower=None, upper=None,
                                                               step=None), ctx=S.Store())
        return [assign(whole, call(S.load("list"), [ordered], statement), statement)]

    def _expressions(self, statement):
        """The statement with its expressions rewritten (not its nested statements)."""
        for field in statement._fields:
            if field in ("body", "orelse", "finalbody", "handlers", "cases"):
                continue
            value = getattr(statement, field, None)
            if isinstance(value, list):
                setattr(statement, field, [self.expressions.value(v) if isinstance(v, S.AST)
                                           else v for v in value])
            elif isinstance(value, S.AST):
                setattr(statement, field, self.expressions.value(value))
        return statement

    # -- item and attribute assignment -------------------------------------------------
    def _setitem(self, record, statement) -> list:
        """``a[i][j] = v`` arrives as one record per level, outermost first; the deepest
        level whose target is updated in place (a container) gets the Python statement,
        and the arrays below it one ``.at`` update over their indices together."""
        levels = [record]
        inner = self.records.of_call(record.operands["value"])
        while inner is not None and inner.helper == "setitem":
            levels.append(inner)
            inner = self.records.of_call(inner.operands["value"])
        if inner is not None and inner.helper == "setattr_":  # `a[i].x = v`: in place
            self._written_as_python(levels)
            return self._setattr(inner, statement)
        deepest = levels[-1]
        value = self.expressions.value(deepest.operands["value"])
        op = deepest.operands.get("op")
        # a string key (`x["a"]["b"] = 1`) indexes a dict (or an object), never an array
        places = [self._in_place(level.operands["target"]) or _string_key(
            level.operands["index"]) for level in levels]
        places[-1] = places[-1] or self._in_place(deepest.operands["target"],
                                                  deepest.operands["value"])
        # `w0[0] = x` on a parameter the function updates in place without returning it:
        # dispatched on its type like a parameter that may be a list (below)
        dispatched = len(levels) == 1 and self._unreturned_parameter(
            deepest.operands["target"]) and not (
            self.facts.is_container(deepest.operands["target"])
            or self.facts.is_container(deepest.operands["value"])
            or _string_key(deepest.operands["index"]))
        if dispatched:
            places[-1] = False
        # `p[0] += v` on a row of an array (`for p in state:`, `row = grid[i]`): NumPy
        # writes through the view; `.at` would update a copy and lose the write. Python's
        # statement keeps it for NumPy and raises JAX's own error for a JAX array.
        root = _root(deepest.operands["target"])
        # (read from the code itself, not the runtime call's `view_of`: a second run,
        # which reads `p, = jax.lax.cond(...)`, must decide the same)
        places[-1] = places[-1] or (isinstance(root, S.Name) and (
            self.facts.list_guarded.get(id(statement)) == root.id
            # (a first run's write into a parameter the caller sees, after its guard)
            or self.facts.traced_guarded.get(id(statement)) == root.id
            or (not dispatched and self.facts.view_source(root.id) is not None)))
        if places[-1] and len(levels) == 1:
            selected = self._list_item_at_traced_index(deepest, value, op, statement)
            if selected is not None:
                self._written_as_python(levels)
                return [selected]
        if places[-1]:  # the innermost container itself: `rows[i][j] = v` on lists
            self._written_as_python(levels)
            index = self.expressions.value(deepest.operands["index"])
            place = S.Subscript(value=self.expressions.value(
                deepest.operands["target"]), slice=index, ctx=S.Store())
            python = S.set_location(_assignment(place, value, op), statement)
            target = deepest.operands["target"]
            guards = []
            if len(levels) == 1 and isinstance(target, S.Name) and (
                    target.id in self.backend.context.unreturned_in_place) and not (
                    self.facts.is_container(target) or self.facts.is_container(
                        deepest.operands["value"]) or _string_key(deepest.operands["index"])
                    or _updates_item(value, place)):
                # `v[i] = x` into a parameter the caller reads again (its JAX array is
                # refused where the helper is called)
                guards = self._traced_write_guard(target, index, value, python, statement)
            return guards + [python]
        base = max((i + 1 for i, p in enumerate(places) if p), default=0)
        arrays = levels[base:]
        indices = [self.expressions.value(level.operands["index"]) for level in arrays]
        if len(indices) > 1 and any(isinstance(i, (S.Slice, S.Tuple, S.Starred))
                                    for i in indices[:-1]):
            raise self.spell.refuse(
                statement, "an item of an item of an array assigned through a slice has "
                "no `.at[...]` form", "index the array once (`a[i, j] = v`), or drop "
                "--standalone")
        index = indices[0] if len(indices) == 1 else S.Tuple(elts=indices, ctx=S.Load())
        target = arrays[0].operands["target"]
        written = self.expressions.value(target)
        updated = self._array_update(written, index, value, op, arrays[-1], statement)
        by_type = dispatched or self._list_or_array(target, levels)
        if base == 0 and (by_type or isinstance(written, S.Attribute) and isinstance(
                _root(written), S.Name)):
            # `x[i] = v` on a parameter that may be a list or a NumPy array (or that the
            # caller must see updated): `.at` for a JAX array, Python's statement for
            # the others, which change in place as in Python. `self.v[i] = x`: the object
            # may hold a NumPy array (`np.zeros` in its `__init__`), which has no `.at`;
            # a traced value (or a JAX array) makes it the JAX array `.at` gives, which
            # every holder of the object sees
            self._written_as_python(levels)
            place = S.Subscript(value=S.deep_copy(written), slice=S.deep_copy(index),
                                ctx=S.Store())
            test = call(S.load("isinstance"), [S.deep_copy(written),
                                               self.spell.attribute("Array")], None)
            python = [S.set_location(_assignment(place, S.deep_copy(value), op), statement)]
            if by_type and not (isinstance(written, S.Name) and written.id in
                                written_copy_parameters(self.backend.function)):
                python[:0] = self._traced_write_guard(written, index, value, python[0],
                                                      statement)
            else:
                # `v` goes back to the caller, or the object holds it: a NumPy array
                # given a traced value becomes the JAX array `.at` makes, as the
                # runtime's write does
                test = S.BoolOp(op=S.Or(), values=[
                    test, self._given_traced(written, index, value, statement)])
                updated = self._array_update(
                    self.spell.numpy("asarray", [S.deep_copy(written)], statement), index,
                    value, op, arrays[-1], statement)
            dispatch = S.If(test=test, body=[assign(_as_store(written), updated, statement)],
                            orelse=python)
            return [S.set_location(dispatch, statement)]
        if base == 0:
            return [assign(_as_store(written), updated, statement)]
        owner = levels[base - 1]
        place = S.Subscript(value=self.expressions.value(owner.operands["target"]),
                            slice=self.expressions.value(owner.operands["index"]),
                            ctx=S.Store())
        return [assign(place, updated, statement)]

    def _list_item_at_traced_index(self, record, value, op, statement):
        """``counts[b] += 1`` on a list of numbers of a length known when tracing
        (``[0] * nbins``, ``[0, 0]``), at an index that may be traced: a list cannot be
        indexed by a traced value, so each item is selected::

            counts = [jnp.where((b == _k) | (b == _k - 2), _item + 1, _item)
                      for _k, _item in enumerate(counts)]

        (an index out of range changes nothing, as ``.at`` on an array)."""
        if not self.selects_list_item(record, value):
            return None
        target, index = record.operands["target"], record.operands["index"]
        position = self.expressions.value(index)
        size = call(S.load("len"), [S.load(target.id)], None)
        test = S.BinOp(
            left=S.Compare(left=S.deep_copy(position), ops=[S.Eq()],
                           comparators=[S.load("_k")]), op=S.BitOr(),
            right=S.Compare(left=S.deep_copy(position), ops=[S.Eq()], comparators=[
                S.BinOp(left=S.load("_k"), op=S.Sub(), right=size)]))
        new = value if op is None else S.BinOp(left=S.load("_item"), op=_AUGMENTED[op](),
                                               right=value)
        chosen = self.spell.numpy("where", [test, new, S.load("_item")], statement)
        items = S.ListComp(elt=chosen, generators=[S.comprehension(
            target=S.Tuple(elts=[S.store("_k"), S.store("_item")], ctx=S.Store()),
            iter=call(S.load("enumerate"), [S.load(target.id)], None), ifs=[], is_async=0)])
        return assign(target.id, items, statement)

    def selects_list_item(self, record, value=None) -> bool:
        """The ``setitem`` ``record`` is written as ``_list_item_at_traced_index`` does
        (``value``: its value as written; the record's own if None)."""
        target, index = record.operands["target"], record.operands["index"]
        if value is None:
            value = record.operands["value"]
            if self.records.of_call(value) is not None and self.records.of_call(
                    value).helper == "setitem":
                return False
        names = [n for n in S.walk(index) if isinstance(n, S.Name)]
        if all(self.expressions.static(n) or self.facts.is_loop_counter(n.id) for n in names):
            return False  # a Python int when tracing (`vals[i + 1]` in a Python loop)
        return not (not isinstance(target, S.Name) or self.expressions.static(index)
                    or isinstance(index, (S.Slice, S.Tuple, S.Starred)) or _string_key(index)
                    or self.expressions.may_have_effects(value)
                    or not self._numbers_list(target.id) or any(
                        isinstance(n, S.Name) and n.id in ("_k", "_item")
                        for n in S.walk(value)))

    def _numbers_list(self, name: str) -> bool:
        """``name`` holds a list of numbers whose length no code changes: bound only to
        displays of numbers (``[0, 0]``, ``[0.0] * n``) or to such a selection."""
        values = self.facts.bindings.get(name) or []
        if not values or any(not _numbers_display(v, name) for v in values):
            return False
        for record in self.records.rewritten.values():
            target = getattr(record, "operands", {}).get("target") if isinstance(
                getattr(record, "operands", None), dict) else None
            if record.helper in ("append", "extend", "in_place_method", "augassign") and (
                    isinstance(target, S.Name) and target.id == name):
                return False
        return not any(isinstance(n, S.Delete) and any(
            _root_id(t) == name for t in n.targets) for n in S.walk(self.backend.function))

    def _unreturned_parameter(self, target) -> bool:
        """``target`` is a parameter the function updates in place and does not return,
        and no code of the module calls the function: under ``jax.jit`` its caller passes
        an array it cannot see changed, as with the runtime (a helper keeps Python's
        write, which raises for a JAX array: its caller would read the array again)."""
        return isinstance(target, S.Name) and (
            target.id in self.backend.context.unreturned_in_place
            and self.backend.is_entry_point()
            or target.id in self.backend.context.kept_parameters)  # (a `_kept` copy's)

    def _list_or_array(self, target, levels) -> bool:
        """``target`` is a parameter the code does not show to be an array (no
        ``.shape``, ``.at``...) nor rebinds: a caller may pass a list."""
        facts = self.facts
        return (len(levels) == 1 and isinstance(target, S.Name)
                and target.id in facts.parameters and target.id not in facts.array_attributes
                and all(v is None for v in facts.bindings.get(target.id, [None]))
                and not facts.is_boolean(levels[0].operands["index"]))

    def _written_as_python(self, records) -> None:
        """The update stays the user's statement: no comment names ``.at`` for it."""
        for record in records:
            self.records.give_back(record, unlabelled=True)

    def _array_update(self, written, index, value, op, level, statement):
        """``x.at[i].set(v)`` (``.add``... for ``+=``), or for a mask made from ``x``
        itself (``x[x < 0] = 0``), ``jnp.where(mask, v, x)`` in ``x``'s dtype; for a mask
        of a row (``m[i][m[i] > 0.5] = 0``), that ``where`` set into the row."""
        mask = self.facts.is_boolean(level.operands["index"]) and _mentions(
            level.operands["index"], level.operands["target"])
        if mask and isinstance(index, S.Tuple):
            *outer, inner = index.elts
            row = self.expressions.value(S.deep_copy(level.operands["target"]))
            selected = self._array_update(row, inner, value, op, level, statement)
            position = outer[0] if len(outer) == 1 else S.Tuple(elts=outer, ctx=S.Load())
            at = S.Subscript(value=S.Attribute(value=S.deep_copy(written), attr="at",
                                               ctx=S.Load()), slice=position, ctx=S.Load())
            return method(at, "set", [selected])
        if mask:
            new = value if op is None else S.BinOp(left=S.deep_copy(written),
                                                   op=_AUGMENTED[op](), right=value)
            dtype = S.Attribute(value=S.deep_copy(written), attr="dtype", ctx=S.Load())
            cast = self.spell.numpy("asarray", [new, dtype], statement)
            return self.spell.numpy("where", [index, cast, S.deep_copy(written)], statement)
        at = S.Subscript(value=S.Attribute(value=S.deep_copy(written), attr="at",
                                           ctx=S.Load()), slice=index, ctx=S.Load())
        if op is not None and (op not in _AT_METHODS or not self._one_position_each(index)):
            # `a[idx] += 1` with `idx` an array: NumPy reads `a[idx]`, adds, and writes it
            # back, so a repeated index counts once; `.at[idx].add` would add twice
            current = S.Subscript(value=S.deep_copy(written), slice=S.deep_copy(index),
                                  ctx=S.Load())
            return method(at, "set", [S.BinOp(left=current, op=_AUGMENTED[op](), right=value)])
        return method(at, _AT_METHODS[op] if op is not None else "set", [value])

    def _given_traced(self, written, index, value, statement):
        """``_py2lax_numpy_given_traced(v, i, x)``: ``v`` is a NumPy array and ``i`` or
        ``x`` traced, which NumPy cannot store."""
        return call(S.load(helper_name(self.backend, "numpy_given_traced", statement)),
                    [S.deep_copy(written), S.deep_copy(index), S.deep_copy(value)], None)

    def _traced_write_guard(self, written, index, value, python, statement) -> list:
        """``if _py2lax_numpy_given_traced(v, i, x): raise TypeError(...)`` before
        Python's write ``python`` into the parameter ``v``, whose caller must see the
        write: a NumPy array cannot hold a traced value, and NumPy's own error would name
        no line of the user's. Nothing where a first run's guard is there already."""
        name = S.unparse(written).strip()
        if self.facts.traced_guarded.get(id(statement)) == name:
            return []
        traced = self._given_traced(written, index, value, statement)
        function, context = self.backend.function.name, self.backend.context
        if isinstance(written, S.Name) and written.id in context.kept_parameters:
            function = function[:-len("_kept")]  # (the user's helper, as written)
        fix = (f"use what `{function}` returns in place of every name that holds the array"
               if isinstance(written, S.Name) and written.id in context.updated_in_place
               and written.id not in context.unreturned_in_place
               and written.id not in context.kept_parameters
               else f"return `{name}` from `{function}` and assign it where `{function}` "
               "is called")
        return [_raising_if(traced, (
            f"{self.spell.filename}:{statement.lineno}: `{S.unparse(python).strip()}` "
            f"writes a traced value into the NumPy array `{name}`, which NumPy cannot hold "
            f"and a JAX array would not change for the caller; {fix}, or drop "
            "--standalone"), statement)]

    def _one_position_each(self, index) -> bool:
        """``index`` names each position once: numbers, slices, and loop variables of
        ``range`` (an array or list of indices may repeat one)."""
        parts = index.elts if isinstance(index, S.Tuple) else [index]
        return all(self._single_position(part) for part in parts)

    def _single_position(self, part) -> bool:
        if isinstance(part, S.UnaryOp):
            part = part.operand
        if isinstance(part, S.Constant):
            return isinstance(part.value, int) or part.value is None or part.value is Ellipsis
        if isinstance(part, S.Slice):
            return True
        if isinstance(part, S.BinOp) and isinstance(part.op, (S.Add, S.Sub)):
            return self._single_position(part.left) and self._single_position(part.right)
        if isinstance(part, S.Name):
            ranges = [isinstance(it, S.Call) and isinstance(it.func, S.Name)
                      and it.func.id == "range"
                      for name, it in self.facts._items if name == part.id]
            ranges += [isinstance(r.iteration, Range) for r in self.records.lowered
                       if r.kind == "for" and r.item == part.id]
            return bool(ranges) and all(ranges) and all(
                v is None for v in self.facts.bindings.get(part.id, [None]))
        return False

    def _in_place(self, target, value=None) -> bool:
        """Whether ``target[...] = value`` stays a Python statement: a container (or a
        container assigned into it: ``self.items[:] = []``), or a parameter the caller
        must see updated. An array there raises, loudly."""
        root = _root(target)
        in_place = self.backend.context.unreturned_in_place
        return self.facts.is_container(target) or (value is not None and self.facts.is_container(
            value)) or (isinstance(root, S.Name) and root.id in in_place and root is target)

    def _setattr(self, record, statement) -> list:
        operands = record.operands
        inner = self.records.of_call(operands["value"])
        if inner is not None and inner.helper in ("setitem", "setattr_"):
            # `self.buf[i] = v`: the inner update assigns `self.buf` itself (what it
            # changes, its record says)
            self.records.give_back(record)
            return getattr(self, f"_{inner.helper.rstrip('_')}")(inner, statement)
        owner = self.expressions.value(operands["target"])
        value = self.expressions.value(operands["value"])
        place = S.Attribute(value=owner, attr=operands["name"], ctx=S.Store())
        self.records.give_back(record)
        return [S.set_location(_assignment(place, value, operands.get("op")), statement)]

    def _append(self, record, statement) -> list:
        return [self._grown(record, statement, "append")]

    def _extend(self, record, statement) -> list:
        return [self._grown(record, statement, "extend")]

    def _grown(self, record, statement, name: str):
        owner = self.expressions.value(record.operands["target"])
        grown = method(owner, name, [self.expressions.value(record.operands["value"])])
        self.records.give_back(record)
        return S.copy_location(S.Expr(value=grown), statement)

    # -- NumPy's in-place updates --------------------------------------------------------
    def _augassign(self, record, statement) -> list:
        """``acc += x`` where another name reaches the same array (``total = acc``, ``p =
        body.pos``, ``for p in rows``): NumPy changes the array in place and the other name
        sees it; a JAX array cannot change, and ``+=`` would give ``acc`` alone a new
        array, a silently different answer. The runtime's rule, written out: Python's
        statement for NumPy arrays, lists and numbers, a ``TypeError`` for a JAX array
        (traced values included) saying what to write."""
        operands = record.operands
        view = operands.get("view", "another name")
        target, op = operands["target"], operands["op"]
        updated = _assignment(_as_store(target), self.expressions.value(operands["value"]), op)
        written = [S.set_location(updated, statement)]
        if self.facts.array_guarded.get(id(statement)) == target.id:
            return written  # a first run's output, read again: its guard is above
        shown = S.unparse(S.AugAssign(target=S.load(target.id), op=_AUGMENTED[op](),
                                      value=S.deep_copy(operands["value"]))).strip()
        new = S.unparse(S.BinOp(left=S.load(target.id), op=_AUGMENTED[op](),
                                right=S.deep_copy(operands["value"]))).strip()
        problem = (f"{self.spell.filename}:{statement.lineno}: `{shown}` changes the array "
                   f"`{view}` holds too in NumPy, but a JAX array cannot change in place; "
                   f"write `{target.id} = {new}` and assign `{view}` again where it must "
                   "see the change")
        return [self._jax_array_guard(target.id, problem, statement)] + written

    def _in_place_method(self, record, statement) -> list:
        """``v.sort()``, ``out.fill(x)``: NumPy's in-place methods. A JAX array has none
        (``Array.sort()`` returns a sorted copy and leaves ``v`` unsorted), so ``v``
        gets the array the method would leave, ``v = jnp.sort(v)``, as the runtime
        does. A list keeps Python's call; a parameter that may be a list dispatches on
        its type; an array another name
        reaches keeps NumPy's call and raises for a JAX array (see ``_augassign``)."""
        operands, options = record.operands, record.options
        target, name = operands["target"], operands["method"]
        values = [self.expressions.value(v) for v in operands["values"]]
        keywords = [S.keyword(arg=k, value=v) for k, v in options.items() if k != "view_of"]
        view = _view_owner(record)
        python = S.set_location(S.Expr(value=call(S.Attribute(
            value=S.deep_copy(target), attr=name, ctx=S.Load()), values, statement,
            keywords)), statement)
        if view is not None:
            if self.facts.array_guarded.get(id(statement)) == target.id:
                return [python]
            problem = (f"{self.spell.filename}:{statement.lineno}: `{target.id}.{name}()` "
                       f"changes the array `{view}` holds too in NumPy, but a JAX array "
                       f"cannot change in place; write `{target.id} = "
                       f"{_FUNCTIONAL[name]}({target.id}, ...)` and assign `{view}` again")
            return [self._jax_array_guard(target.id, problem, statement), python]
        if self.facts.is_container(target) or self.facts.list_guarded.get(
                id(statement)) == target.id:
            in_order = self._sorted_list(target, values, keywords, statement) if (
                name == "sort") else None
            return in_order if in_order is not None else [python]
        if self.facts.array_guarded.get(id(statement)) == target.id:
            return [python]  # a first run's output, read again: its guard is above
        guard = self._caller_update_guard(target.id, S.unparse(python).strip(), statement)
        if guard is not None:
            # `a.fill(0)`, `a.sort()` on a parameter the caller reads again: NumPy's call
            # (a list's too), which changes the caller's object; `a = jnp.sort(a)` would
            # not
            return [guard, python]
        new = self.spell.numpy(_FUNCTIONAL[name], [S.deep_copy(target)] + values, statement)
        new.keywords = keywords
        functional = assign(_as_store(target), new, statement)
        if name == "sort" and target.id in self.facts.parameters and (
                target.id not in self.facts.array_attributes) and all(
                value is None for value in self.facts.bindings.get(target.id, [None])):
            test = call(S.load("isinstance"), [S.deep_copy(target), S.load("list")], None)
            return [S.set_location(S.If(test=test, body=[python], orelse=[functional]),
                                   statement)]
        return [functional]

    def _written_through(self, record, statement) -> list:
        """``w = py2lax.written_through(w)`` after a statement that may write into an
        array ``w`` holds too (``ws = [w]; ws[0][1] = x``, ``hb.put(0, x)``): the runtime
        gives every holder of the old array the new one. Plain jax keeps Python's
        in-place writes (lists, NumPy arrays, a helper's ``v[0] = x``), which reach every
        holder: nothing to write. A write it makes ``.at[...]`` (a new array) reaches
        the name it assigns only, so the other holder would keep the old values: that
        is refused, at the line, with what to write. A part read by index
        (``py2lax.written_through(t, view_of=a, index=j)`` after ``t = a[j]``) is checked
        where it is read instead: a scalar converts, a row stops at trace time."""
        # (py2lax's own statement: dropped, unless a guard below is written instead)
        self.records.give_back(record)
        name = S.unparse(record.operands["target"]).strip()
        owner = self._indexed_part_of(name)
        if owner is not None:
            # `t = a[j]; a[j] = a[j + 1]; a[j + 1] = t`: a scalar for a 1-D `a` (a copy in
            # NumPy and JAX alike); a row would be a NumPy view that sees the later write,
            # which JAX's copy does not: checked once, where the part is read
            if not isinstance(statement, S.Expr) or not self._replaced_later(name) or (
                    self.facts.row_guarded.get(id(statement)) == name):
                return []  # (or a first run's output, read again: its guard is below)
            problem = (f"{self.spell.filename}:{statement.lineno}: `{name}` is a row of "
                       f"`{owner}` here, which NumPy gives as a view that a later write "
                       f"into `{owner}` changes, but JAX as a copy; write `{name} = "
                       f"{owner}[...].copy()` if the old values are meant, or drop "
                       "--standalone")
            # (a NumPy row too: the later write makes `owner` a new JAX array)
            test = self.spell.numpy("ndim", [S.load(name)], statement)
            return [_raising_if(test, problem, statement)]
        if self._view_write_at(record.line):
            # (`row[j] = v` or `row += v` into a view of `name`: plain jax keeps NumPy's
            # write, which `name` sees; the write's own guard stops a JAX array)
            return []
        if not self.facts.is_container(record.operands["target"]) and (
                self._array_replaced_at(record.line)):  # (a list changes in place)
            raise self.spell.refuse(
                statement, f"the write above gives a new JAX array to one name, and "
                f"`{name}` holds the old one (NumPy would change both)",
                f"assign the new array to `{name}` too where it must see the write, or "
                "drop --standalone", names=(name,))
        return []

    def _view_write_at(self, line: int) -> bool:
        """A statement of ``line`` writes into a view that the runtime writes through
        into its array (``py2lax.setitem(row, j, v, view_of='grid', written_back=True)``)."""
        for record in self.records.rewritten.values():
            if record.line != line or record.helper not in _ARRAY_WRITES:
                continue
            if {"view_of", "written_back"} <= record.options.keys() or (
                    "part" in record.options):
                return True
        return False

    def _indexed_part_of(self, name: str) -> str | None:
        """The array ``name`` was read from by index (the runtime registers it with
        ``py2lax.written_through(name, view_of=owner, index=...)``), if any."""
        for record in self.records.rewritten.values():
            owner = record.options.get("view_of")
            if (record.helper == "written_through" and owner is not None
                    and S.unparse(record.operands["target"]).strip() == name):
                return (owner.value if isinstance(owner, S.Constant)
                        else S.unparse(owner).strip())
        return None

    def _replaced_later(self, name: str) -> bool:
        """A write that gives the array a new JAX array is followed by
        ``name = py2lax.written_through(name)``: ``name`` may be meant to see it."""
        return any(record.helper == "written_through" and not record.options
                   and S.unparse(record.operands["target"]).strip() == name
                   and self._array_replaced_at(record.line)
                   and not self._view_write_at(record.line)
                   for record in list(self.records.rewritten.values()))

    def _array_replaced_at(self, line: int) -> bool:
        """A statement of ``line`` writes an array by item where plain jax may write
        ``.at`` (not a container), or calls a function of the module that writes into
        an array by item or with an in-place method."""
        for record in self.records.rewritten.values():
            if record.line == line and record.helper in _ARRAY_WRITES and not (
                    self.facts.is_container(record.operands.get("target"))):
                return True
        module = self.backend.module
        if module is None:
            return False
        writers, constructs = memo(module, "item_writers", lambda: _item_writers(module))
        for node in S.walk(self.backend.function):
            if not (isinstance(node, S.Call) and getattr(node, "lineno", None) == line):
                continue
            function = node.func
            inner = self.records.of_call(function)
            if inner is not None and inner.helper == "converted":
                function = inner.operands.get("function")
            name = (function.id if isinstance(function, S.Name) else function.attr
                    if isinstance(function, S.Attribute) else None)
            if name is None:
                continue
            if name in constructs:  # a constructor: what `__init__`/`__post_init__` write
                if constructs[name]:
                    return True
            elif name in writers:
                return True
        return False

    def _in_place_function(self, record, statement) -> list:
        """``np.add.at(a, idx, v)``, ``np.fill_diagonal(m, x)``: NumPy's call, as written
        (in place on a NumPy array; JAX's own error on a JAX array)."""
        node = record.node
        values = [k for k in node.keywords if k.arg != "view_of"]
        return [S.set_location(S.Expr(value=call(
            S.deep_copy(record.operands["function"]),
            [S.deep_copy(record.operands["target"])]
            + [self.expressions.value(v) for v in record.operands["values"]],
            statement, values)), statement)]

    def _with_out(self, record, statement) -> list:
        """``np.minimum(best, row, out=best)``: NumPy writes the result into ``best``; a
        JAX array cannot be written, so ``best`` gets the result, ``best =
        jnp.minimum(best, row)``, as the runtime does. An ``out`` another name reaches
        keeps NumPy's call and raises for a JAX array (see ``_augassign``)."""
        operands = record.operands
        target = operands["target"]
        view = _view_owner(record)
        others = [S.keyword(arg=k, value=v) for k, v in record.options.items()
                  if k not in ("out", "view_of")]
        if view is not None:
            python = S.set_location(S.Expr(value=call(
                S.deep_copy(operands["function"]), [self.expressions.value(v) for v in
                                                    operands["values"]], statement,
                others + [S.keyword(arg="out", value=S.deep_copy(target))])), statement)
            if self.facts.array_guarded.get(id(statement)) == target.id:
                return [python]
            problem = (f"{self.spell.filename}:{statement.lineno}: `out={target.id}` "
                       f"changes the array `{view}` holds too in NumPy, but a JAX array "
                       f"cannot change in place; assign the result to `{target.id}` and "
                       f"`{view}` instead")
            return [self._jax_array_guard(target.id, problem, statement), python]
        result = call(S.deep_copy(operands["function"]), list(operands["values"]),
                      statement, others)
        return [assign(_as_store(target), self.expressions.value(result), statement)]

    def _jax_array_guard(self, name: str, problem: str, statement):
        """``if isinstance(name, jax.Array) and name.ndim: raise TypeError(problem)``."""
        test = S.BoolOp(op=S.And(), values=[
            call(S.load("isinstance"), [S.load(name), self.spell.attribute("Array")], None),
            S.Attribute(value=S.load(name), attr="ndim", ctx=S.Load())])
        return _raising_if(test, problem, statement)

    # -- print, assert, del ------------------------------------------------------------
    def _print(self, record, statement) -> list:
        operands = record.operands
        values = [self.expressions.value(v) for v in operands["values"]]
        template = operands["template"]
        end = operands.get("end")
        if end is not None:
            if not (isinstance(end, S.Constant) and isinstance(end.value, str)):
                raise self.spell.refuse(
                    statement, "`print(..., end=...)` with an `end` that is not a string "
                    "literal has no `jax.debug.print` form",
                    "write `end=` as a string literal, or drop --standalone")
            extra = end.value[:-1] if end.value.endswith("\n") else end.value
            template = template + extra.replace("{", "{{").replace("}", "}}")
        if _has_format_specs(template) or needs_leading_placeholder(template, len(values)):
            # JAX 0.4.30's jax.debug.print formats tracers while tracing, and takes only
            # arrays: the text is formatted when the values are known
            names = [f"v{i}" for i in range(len(values))]
            text = method(constant(template), "format", [S.load(n) for n in names])
            show = lambda_of(names, call(S.load("print"), [text], None))
            return [S.copy_location(S.Expr(value=self.spell.debug("callback", [show] + values,
                                                                  statement)), statement)]
        printed = self.spell.debug("print", [constant(template)] + values, statement)
        return [S.copy_location(S.Expr(value=printed), statement)]

    def _assert(self, record, statement) -> list:
        test = self.expressions.value(record.operands["test"])
        message = record.operands.get("message")
        if self.expressions.static(test) or compares_python_values(test):
            # `assert mode in ("a", "b")`: Python values decide it, as the user wrote
            written = S.Assert(test=test, msg=self.expressions.value(message))
            self.records.give_back(record)
            return [S.copy_location(written, statement)]
        if message is not None and not isinstance(message, S.Constant):
            raise self.spell.refuse(
                statement, "an `assert` on a traced value with a computed message is "
                "checked by the py2lax runtime", "give the `assert` a string literal as its "
                "message, or use `jax.experimental.checkify.check`, or drop --standalone")
        # `jax.debug.callback(lambda ok: ..., jnp.all(test))` raises when the program runs
        check = S.Assert(test=S.load("ok"), msg=message)
        name = self.backend.context.names.new(f"check_{statement.lineno}")
        function = function_def(name, ["ok"], [check], statement)
        checked = self.spell.debug("callback", [S.load(name),
                                                self.spell.numpy("all", [test], statement)],
                                   statement)
        return [function, S.copy_location(S.Expr(value=checked), statement)]

    def _Undefined(self, record, statement) -> list:
        if record.operands.get("fill"):
            value = placeholder(self.backend.function, record.operands["name"], self.facts,
                                self.spell)
            return [assign(statement.targets[0], value, statement)]
        names = [S.name(record.operands["name"], S.Del())]
        return [S.copy_location(S.Delete(targets=names), statement)]


def written_copy_parameters(function: S.FunctionDef) -> set[str]:
    """The parameters ``function`` gives back to callers that rebind them, when it is a
    helper's copy that ``helper_writes`` wrote into its caller (``def step_written(v,
    i, x): ... return (None, v)``, called as ``v = step_written(v, i, x)[1]``); a second
    run reads the same shape. Empty for other functions."""
    if not function.name.endswith("_written"):
        return set()
    names = set(parameter_names(function.args))
    returns = [n for n in S.walk_same_scope_statements(function.body)
               if isinstance(n, S.Return)]
    given: set[str] | None = None
    for node in returns:
        value = node.value
        if not (isinstance(value, S.Tuple) and len(value.elts) > 1 and all(
                isinstance(e, S.Name) and e.id in names for e in value.elts[1:])):
            return set()
        parts = {e.id for e in value.elts[1:]}
        given = parts if given is None else given & parts
    return given or set()


def _written_parameters(definition: S.FunctionDef) -> set[str]:
    """The parameters whose items ``definition`` assigns (``arr[i] = v``, ``arr[i] += v``)
    and that it neither rebinds nor returns: the caller's object is what changes."""
    names = set(parameter_names(definition.args))
    written, rebound = set(), set()
    for node in S.walk(definition):
        targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                   if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
        for target in (n for t in targets for n in _unpacked(t)):
            root = _root(target)
            if isinstance(target, S.Name) and _at_update_of(node.value, target.id):
                continue  # (`arr = arr.at[i].set(v)`: no change the caller sees, in either)
            if isinstance(target, S.Name):
                rebound.add(target.id)
            elif isinstance(target, S.Subscript) and isinstance(root, S.Name):
                written.add(root.id)
        if isinstance(node, S.Return) and node.value is not None:  # `return arr`
            rebound |= {n.id for n in _unpacked(node.value) if isinstance(n, S.Name)}
    return (written & names) - rebound


def _updates_item(value, place) -> bool:
    """``value`` is ``d[k].at[i].set(v)`` for the place ``d[k]``: a first run's form of
    ``d[k][i] = v`` (an item of a container, updated), read again by a second run."""
    function = value.func if isinstance(value, S.Call) else None
    return (isinstance(function, S.Attribute) and isinstance(function.value, S.Subscript)
            and isinstance(function.value.value, S.Attribute)
            and function.value.value.attr == "at"
            and S.unparse(function.value.value.value) == S.unparse(place))


def _at_update_of(value, name: str) -> bool:
    """``value`` is ``name.at[...].set(...)`` (``.add``, ``.multiply``...)."""
    return (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
            and isinstance(value.func.value, S.Subscript)
            and isinstance(value.func.value.value, S.Attribute)
            and value.func.value.value.attr == "at"
            and isinstance(value.func.value.value.value, S.Name)
            and value.func.value.value.value.id == name)


def _unpacked(target) -> list:
    if isinstance(target, (S.Tuple, S.List)):
        return [n for e in target.elts for n in _unpacked(e)]
    return [target]


def _has_format_specs(template: str) -> bool:
    """A placeholder with a format spec or conversion (``{:.2f}``, ``{!r}``)."""
    try:
        return any(field is not None and (spec or conversion)
                   for _, field, spec, conversion in string.Formatter().parse(template))
    except ValueError:
        return False


def _numbers_display(value, name: str) -> bool:
    """``[0, 1.5]``, ``[0] * n``, or the selection ``_list_item_at_traced_index``
    writes for ``name``."""
    def number(e):
        if isinstance(e, S.UnaryOp) and isinstance(e.op, (S.USub, S.UAdd)):
            e = e.operand
        return isinstance(e, S.Constant) and type(e.value) in (int, float)
    if isinstance(value, S.BinOp) and isinstance(value.op, S.Mult):
        return any(isinstance(side, S.List) and bool(side.elts) and all(
            number(e) for e in side.elts) for side in (value.left, value.right))
    if isinstance(value, S.List):
        return bool(value.elts) and all(number(e) for e in value.elts)
    if isinstance(value, S.ListComp) and len(value.generators) == 1:
        iterable = value.generators[0].iter
        return (isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name)
                and iterable.func.id == "enumerate" and len(iterable.args) == 1
                and isinstance(iterable.args[0], S.Name) and iterable.args[0].id == name
                and isinstance(value.generators[0].target, S.Tuple)
                and [getattr(e, "id", None) for e in value.generators[0].target.elts]
                == ["_k", "_item"])
    return False


def _string_key(index) -> bool:
    return isinstance(index, S.Constant) and isinstance(index.value, (str, bytes))


def _raising_if(test, problem: str, statement):
    """``if test: raise TypeError(problem)``, located at ``statement``."""
    error = call(S.load("TypeError"), [constant(problem)], None)
    raised = S.set_location(S.Raise(exc=error, cause=None), statement)
    return S.set_location(S.If(test=test, body=[raised], orelse=[]), statement)


def _view_owner(record) -> str | None:
    """The array a recorded write's target is a view of (``view_of='grid'``), if any."""
    owner = record.options.get("view_of")
    return owner.value if isinstance(owner, S.Constant) else None


def _root(node):
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    return node


def _mentions(index, target) -> bool:
    """The mask reads the target itself (``x[x < 0]``): it has the target's shape."""
    wanted = S.dump(target)
    return any(S.dump(n) == wanted for n in S.walk(index) if type(n) is type(target))


def _as_store(node):
    copied = S.deep_copy(node)
    if hasattr(copied, "ctx"):
        copied.ctx = S.Store()
    return copied


def _assignment(place, value, op: str | None):
    if op is None:
        return S.Assign(targets=[place], value=value, type_comment=None)
    return S.AugAssign(target=place, op=_AUGMENTED[op](), value=value)


def _item_writers(module) -> tuple[set[str], dict[str, bool]]:
    """The module's functions (by name) that write into an array by item or with an
    in-place method, and for each class name whether its constructor does."""
    nodes = S.walk(module)
    writers = {node.name for node in nodes
               if isinstance(node, S.FunctionDef) and _writes_items(node)}
    constructs: dict[str, bool] = {}
    for c in nodes:
        if isinstance(c, S.ClassDef):
            constructs[c.name] = constructs.get(c.name, False) or any(
                isinstance(m, S.FunctionDef) and m.name in _CONSTRUCTORS and _writes_items(m)
                for m in c.body)
    return writers, constructs


def _writes_items(function: S.FunctionDef) -> bool:
    """``function`` assigns an item (``a[i] = v``, ``a[i] += v``, or as this backend
    wrote it, ``a = a.at[i].set(v)``) or calls an array's in-place method
    (``v.sort()``) of an array its caller may hold: a parameter (not one its body
    rebinds first, ``ar = np.asarray(ar).flatten()``) or a name it does not bind."""
    parameters = set(parameter_names(function.args))
    local = {n.id for n in S.walk(function) if isinstance(n, S.Name)
             and isinstance(n.ctx, S.Store)} - parameters
    rebound: set[str] = set()
    for statement in function.body:
        roots = _written_roots(statement)
        if any(root is None or root not in local and root not in rebound for root in roots):
            return True
        if isinstance(statement, S.Assign) and not _at_update(statement.value):
            rebound |= {t.id for t in statement.targets
                        if isinstance(t, S.Name) and t.id in parameters}
    return False


def _written_roots(statement) -> list:
    """The names whose arrays ``statement`` writes into (None: not a name)."""
    roots = []
    for node in S.walk(statement):
        if (isinstance(node, S.Subscript) and isinstance(node.value, S.Attribute)
                and node.value.attr == "at"):
            roots.append(_root_id(node.value.value))
        targets = (node.targets if isinstance(node, S.Assign) else [node.target]
                   if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
        roots += [_root_id(t) for target in targets for t in S.walk(target)
                  if isinstance(t, S.Subscript)]
        if (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                and node.func.attr in _IN_PLACE_METHODS
                and _root_id(node.func.value) not in JAX_NAMES | NUMPY_NAMES | {"jnp"}):
            roots.append(_root_id(node.func.value))  # (not `jax.numpy.sort(x)`)
    return roots


def _root_id(node) -> str | None:
    root = _root(node)
    return root.id if isinstance(root, S.Name) else None


def _at_update(value) -> bool:
    """``a.at[i].set(v)`` (this backend's form of ``a[i] = v``)."""
    return (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
            and isinstance(value.func.value, S.Subscript)
            and isinstance(value.func.value.value, S.Attribute)
            and value.func.value.value.attr == "at")


def _values_read(test) -> set[str]:
    """The names whose values ``test`` reads: not ``a`` of ``a.shape[0]``, ``a.ndim`` or
    ``len(a)`` (the array's metadata, a number whatever ``a`` is: ``a += 1.0`` on such
    an ``a`` is an array's update in place)."""
    metadata = {id(node.value) for node in S.walk(test)
                if isinstance(node, S.Attribute) and node.attr in STATIC_ATTRIBUTES}
    metadata |= {id(node.args[0]) for node in S.walk(test)
                 if isinstance(node, S.Call) and isinstance(node.func, S.Name)
                 and node.func.id == "len" and len(node.args) == 1}
    return {node.id for node in S.walk(test)
            if isinstance(node, S.Name) and id(node) not in metadata}


def _lowered_tests(function, records) -> list:
    """The tests a first run's output already lowered: ``lax.cond``'s first argument, and
    what the condition function of a ``lax.while_loop`` returns (``while len(msg) >
    width`` became ``def loop_cond_5(carry): ... return len(msg) > width``), so that a
    second run reads the same names as tested numbers as the first did. (The user's
    code: what this run lowered is in the records.)"""
    definitions = {node.name: node for node in S.walk(function)
                   if isinstance(node, S.FunctionDef)}
    found = []
    for node in S.walk(function):
        if (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                and node.func.attr == "callback" and len(node.args) > 1
                and isinstance(node.args[0], S.Name)
                and node.args[0].id.startswith("raise_if_")):
            found.append(node.args[1])  # `if k > n: raise ...`, a first run's callback
            continue
        if not (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                and node.func.attr in ("cond", "while_loop") and node.args
                and S.unparse(node.func.value).split(".")[-1] == "lax"):
            continue
        first = node.args[0]
        wrapped = records.of_call(first) if isinstance(first, S.Call) else None
        if wrapped is not None and wrapped.helper == "converted":
            first = wrapped.operands["function"]   # this run's `py2lax.converted(loop_cond_5)`
        if node.func.attr == "cond":
            found.append(first)
        elif isinstance(first, S.Name) and first.id in definitions:
            found += [r.value for r in S.walk(definitions[first.id])
                      if isinstance(r, S.Return) and r.value is not None]
    return found
