"""Carried values whose dtype Python lets change: typed from ``jax.eval_shape``.

``lax.cond`` needs both branches to give the same dtypes, and a loop's carry must keep
its dtype; Python has neither rule (``return 1`` on one path, ``return 2.5`` on another;
``s = 0`` then ``s = s + x``). The runtime joins the types at trace time. Plain jax can
too, where the code shows the types may differ:

* an ``if`` whose branches give a variable values of different kinds (``1`` and
  ``2.5``), or that carries the function's result while one branch does not assign it
  (the result's starting value is only a placeholder): both branches' outputs are cast
  to the types ``jnp`` promotion gives them::

      dtypes_12 = jax.tree.map(jnp.result_type, jax.eval_shape(if_true_12, y),
                               jax.eval_shape(if_false_12, y))
      y, = jax.lax.cond(x > 0, _py2lax_dtyped(if_true_12, dtypes_12), ...)

  (with a placeholder, ``types_12 = _py2lax_joined_types(...)`` and ``_py2lax_typed``,
  which also give the placeholder the other branch's shape)

* a loop that carries the function's result: the result (a placeholder until a
  ``return`` assigns it) starts with the dtype one iteration of the body gives it
  (``return_value = _py2lax_as_type(return_value, jax.eval_shape(body, ...)[k])``).

The casts are helper functions the output module defines once (``shared_definitions``).

Where weakly typed Python numbers start a loop (``s = 0``), JAX itself promotes them.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.backends.plain_lax.shared_definitions import helper_name
from py2lax.backends.plain_lax.spelling import assign, call, tuple_of
from py2lax.transforms.records import Range

_INT_CALLS = {"int32", "int64", "int16", "int8", "uint8", "uint32", "int_"}
_FLOAT_CALLS = {"float32", "float64", "float16", "bfloat16", "float_"}
_NARROW_CALLS = {"float16", "bfloat16", "int8", "int16", "uint8", "uint16"}


class CarryTypes:
    def __init__(self, backend):
        self.backend, self.spell = backend, backend.spell
        # The function's result has its type after a joined `if` or a promoted loop that
        # carried it (in the function's own statements): later ones need no join.
        self.result_typed = False
        self.helper_names: dict[str, str] = {}  # `typed` -> `_py2lax_typed`, once checked

    # -- if --------------------------------------------------------------------------
    def cond_needs_join(self, record, functions: list) -> bool:
        if not record.carried:
            return False
        bodies = [f.body for f in functions] + ([] if len(functions) > 1 else [[]])
        if record.result in record.carried and (self._returns_changing_kinds(
                record.result) or not self.result_typed and any(
                record.result not in bound_names(body) for body in bodies)):
            return True
        if any(name not in bound_names(self._own_code(body))
               for name in self._placeholders(record) for body in bodies):
            return True  # a placeholder (`found`) one branch passes on: filled by the join
        for name in record.carried:
            if self.may_change_kind(name) and any(name in bound_names(body)
                                                  for body in bodies):
                return True  # `s = 0`, then `s -= y` on one path: an int meets a float
            kinds = {self._last_kind(body, name) for body in bodies}
            if None not in kinds and len(kinds) > 1:
                return True
            if len(kinds) > 1 and any(self._made_float(body, name) for body in bodies):
                return True  # `c += 0.5` on one path only: an int counter may meet it
            if self._different_arguments([self._last_value(body, name) for body in bodies]):
                return True  # `return n` / `return x`: an int argument may meet a float one
        return False

    def _own_code(self, body: list) -> list:
        """``body`` without the prologue that binds the names a nested ``def`` shares
        with it (``nonlocal e4``, ``e4 = e4_in``): that passes the placeholder on as it
        came, and only the branch's own code gives it a value (``for e4 in w:`` with
        ``def h3(): return e4 * 0.5`` inside: the other branch's placeholder met a float,
        JAX's raw 'cond branches must have equal output types')."""
        shared = self.backend.context.shared
        renamed = set(shared.renamed.values()) if shared is not None else set()
        code = list(body)
        while code and isinstance(code[0], (S.Nonlocal, S.Global)):
            code.pop(0)
        while code and isinstance(code[0], S.Assign) and isinstance(
                code[0].value, S.Name) and code[0].value.id in renamed:
            code.pop(0)
        return code

    def may_change_kind(self, name: str) -> bool:
        """``name`` may hold a Python int or bool on one path and a value of another kind
        on another (``s = 0`` and ``s -= y``; ``best = 0.5`` and ``best = i``, a range
        index): lax's branches must agree, which only promotion makes them do. Tuple
        displays (``best = (0.0, -1)`` and ``best = (val, idx)``) are read slot by slot."""
        values = self.backend.facts.bindings.get(name, [])
        if values and all(isinstance(v, S.Tuple) for v in values) and len(
                {len(v.elts) for v in values}) == 1:
            slots = [{self.value_kind(e) for e in slot}
                     for slot in zip(*(v.elts for v in values))]
        else:
            slots = [self._kinds_of_name(name, {})]
        return any(_kinds_differ(kinds) for kinds in slots)

    def value_kind(self, node, assumed: dict | None = None) -> str | None:
        """``"bool"``/``"int"``/``"float"`` when the expression is of that kind whatever
        its unknown operands hold (``i * 10`` for a range index ``i``, ``x / 2``, ``a <
        b``, ``int(x)``, a name whose every value is of one kind), else None: ``x * 3``
        is a float for a float ``x``. ``assumed``: the kinds of names being resolved."""
        assumed = assumed or {}
        if node is None:
            return None
        if isinstance(node, S.Name):
            kinds = self._kinds_of_name(node.id, assumed)
            return kinds.pop() if len(kinds) == 1 else None
        if self.backend.facts.is_boolean(node):
            return "bool"
        if isinstance(node, S.Constant):
            return {bool: "bool", int: "int", float: "float"}.get(type(node.value))
        if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
            return self.value_kind(node.operand, assumed)
        if isinstance(node, S.BinOp):
            return _arithmetic_kind(node.op, self.value_kind(node.left, assumed),
                                    self.value_kind(node.right, assumed))
        if isinstance(node, S.IfExp):
            kinds = {self.value_kind(n, assumed) for n in (node.body, node.orelse)}
            return kinds.pop() if len(kinds) == 1 else None
        return self._call_kind(node)

    def _kinds_of_name(self, name: str, assumed: dict) -> set:
        """The kinds of the values the function gives ``name``. Values that read the name
        itself (``count = count + 1``) are read with the kind the others give it."""
        if name in self._range_indices():
            return {"int"}
        if name in assumed:
            return {assumed[name]}
        if len(assumed) > _DEEPEST:
            return {None}
        values = self.backend.facts.bindings.get(name, [None])
        reads_itself = [v for v in values if v is not None and any(
            isinstance(n, S.Name) and n.id == name for n in S.walk(v))]
        others = [v for v in values if not any(v is r for r in reads_itself)]
        kinds = {self.value_kind(v, {**assumed, name: None}) for v in others}
        start = next(iter(kinds)) if len(kinds) == 1 else None
        return kinds | {self.value_kind(v, {**assumed, name: start}) for v in reads_itself}

    def _call_kind(self, node) -> str | None:
        """``int(x)``, ``len(v)``, ``round(x)``, ``float(x)``, ``jnp.int32(x)``..."""
        if not isinstance(node, S.Call):
            return None
        function = node.func
        record = self.backend.records.of_call(function)
        if record is not None and record.helper == "converted":
            function = record.operands["function"]
        if isinstance(function, S.Name):
            if function.id in ("int", "len") or (function.id == "round"
                                                 and len(node.args) == 1):
                return "int"
            return {"float": "float", "bool": "bool"}.get(function.id)
        if isinstance(function, S.Attribute):
            if function.attr in _INT_CALLS:
                return "int"
            if function.attr in _FLOAT_CALLS:
                return "float"
        return None

    def _range_indices(self) -> set[str]:
        return {r.item for r in self.backend.records.lowered
                if r.kind == "for" and isinstance(r.iteration, Range) and r.item}

    def _returns_changing_kinds(self, result: str) -> bool:
        """A value the function returns reads a name that may change kind: the result's
        type after one ``return`` is not the type of the next."""
        function = self.backend.function
        return any(isinstance(node, S.Assign) and any(
            isinstance(t, S.Name) and t.id == result for t in node.targets) and any(
            isinstance(n, S.Name) and n.id != result and self.may_change_kind(n.id)
            for n in S.walk(node.value)) for node in S.walk(function))

    def _last_value(self, body: list, name: str):
        value = None
        for node in S.walk_same_scope_statements(body):
            if isinstance(node, S.Assign) and any(isinstance(t, S.Name) and t.id == name
                                                  for t in node.targets):
                value = node.value
            elif isinstance(node, S.AugAssign) and isinstance(node.target, S.Name) and (
                    node.target.id == name):
                value = None
        return value

    def _different_arguments(self, values: list) -> bool:
        """Each branch gives an argument as it came, not all the same one: their kinds
        are the caller's, and may differ (``n`` an int, ``x`` a float)."""
        function = self.backend.function
        arguments = set(parameter_names(function.args)) if isinstance(
            function, S.FunctionDef) else set()
        bindings = self.backend.facts.bindings
        return all(isinstance(v, S.Name) and v.id in arguments and bindings.get(v.id) == [None]
                   for v in values) and len({v.id for v in values}) > 1

    def _made_float(self, body: list, name: str) -> bool:
        return any(isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)
                   and node.target.id == name and self.kind(node.value) == "float"
                   for node in S.walk_same_scope_statements(body))

    def joined_branches(self, record, branches: list, location) -> tuple[list, list]:
        """Statements computing the joined dtypes, and the branches casting to them.
        Where a branch passes on the result's placeholder, the join takes the shape the
        other branch gives (``filled``)."""
        # (a result typed by an earlier join may still be the placeholder on a path
        # that returned nothing yet: filling is right for a typed value too)
        placeholder = record.result in record.carried or bool(self._placeholders(record))
        name = self.backend.context.names.new(
            f"{'types' if placeholder else 'dtypes'}_{record.line}")
        operands = [S.load(n) for n in record.inputs]
        shapes = [self.spell.attribute("eval_shape") for _ in branches]
        evaluated = [call(shape, [S.deep_copy(branch)] + [S.deep_copy(o) for o in operands],
                          None) for shape, branch in zip(shapes, branches)]
        if placeholder:  # `_py2lax_joined_types(...)`, cast by `_py2lax_typed(branch, t)`
            joined = call(self._helper("joined_types", location), evaluated, location)
            typed = self._helper("typed", location)
        else:  # `jax.tree.map(jnp.result_type, ...)`, cast by `_py2lax_dtyped`
            joined = call(self.spell.attribute("tree", "map"), [
                self._numpy_attribute("result_type")] + evaluated, location)
            typed = self._helper("dtyped", location)
        cast = [call(S.deep_copy(typed), [branch, S.load(name)], None) for branch in branches]
        return self.restoring_shared(record, [assign(name, joined, location)], location), cast

    def restoring_shared(self, record, statements: list, location) -> list:
        """``statements`` (which call ``jax.eval_shape`` of the record's functions) with
        the closure variables those functions set (``nonlocal y; y = y_in``) put back
        after them: the evaluation leaves them holding its own tracers, which the lax
        call that follows would read."""
        # (each is put back right after the statement that evaluates, except where that
        # statement assigns it itself, `i = _py2lax_as_type(i, jax.eval_shape(...)[1])`:
        # that value stays. A later `i = _py2lax_as_type(i, types_3[1])` reads `i` put
        # back: it read the evaluation's tracer, which the loop then leaked)
        names = sorted({name for definition in record.definitions
                        for node in S.walk(definition) if isinstance(node, S.Nonlocal)
                        for name in node.names})
        if not names or not statements:
            return statements
        saved = {name: self.backend.context.names.new(f"{name}_before") for name in names}
        out = [assign(saved[n], S.load(n), location) for n in names]
        for statement in statements:
            out.append(statement)
            if _evaluates(statement):
                assigned = {t.id for t in getattr(statement, "targets", [])
                            if isinstance(t, S.Name)}
                out += [assign(n, S.load(saved[n]), location) for n in names
                        if n not in assigned]
        return out

    def _helper(self, helper: str, location):
        """The name of a helper the output module defines once (``shared_definitions``);
        the module is searched for a clash once per helper."""
        if helper not in self.helper_names:
            self.helper_names[helper] = helper_name(self.backend, helper, location)
        return S.load(self.helper_names[helper])

    def _last_kind(self, body: list, name: str) -> str | None:
        kind = None
        for node in S.walk_same_scope_statements(body):
            if isinstance(node, S.Assign) and any(isinstance(t, S.Name) and t.id == name
                                                  for t in node.targets):
                kind = self.kind(node.value)
            elif (isinstance(node, S.AugAssign) and isinstance(node.target, S.Name)
                  and node.target.id == name and self.kind(node.value) == "float"):
                kind = "float"  # `c += 0.5` makes a float of an int
        return kind

    def kind(self, node) -> str | None:
        """``"bool"``/``"int"``/``"float"`` when the expression's form says so."""
        if self.backend.facts.is_boolean(node):
            return "bool"
        if isinstance(node, S.Constant):
            return {int: "int", float: "float"}.get(type(node.value))
        if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
            return self.kind(node.operand)
        if isinstance(node, S.Call) and isinstance(node.func, S.Attribute):
            if node.func.attr in _INT_CALLS:
                return "int"
            if node.func.attr in _FLOAT_CALLS:
                return "float"
        return None

    # -- loops -----------------------------------------------------------------------
    def loop_needs_promotion(self, record) -> bool:
        return bool(self._promoted_names(record))

    def _promoted_names(self, record) -> list:
        """The result while it is a placeholder, and carried names the body makes floats
        by ``c += 0.5`` (an int counter would change type in the carry)."""
        names = [record.result] if (record.result in record.carried
                                    and not self.result_typed) else []
        names += sorted(self._placeholders(record) - set(names))
        functions = [d for d in record.definitions if isinstance(d, S.FunctionDef)]
        nodes = [n for f in functions for n in S.walk(f)]
        names += [name for name in record.carried if name not in names and any(
            isinstance(n, S.AugAssign) and isinstance(n.target, S.Name)
            and n.target.id == name and self.kind(n.value) == "float" for n in nodes)]
        shared = {name for n in nodes if isinstance(n, S.Nonlocal) for name in n.names}
        names += [name for name in record.carried if name not in names
                  and name not in shared and (self._changes_kind_in(name, nodes)
                                              or self.starts_narrow(name))]
        return names

    def starts_narrow(self, name: str) -> bool:
        """``s = jnp.float16(0)`` (or int8, bfloat16...): a narrow dtype that what the
        body adds may widen, as NumPy does (``float16 + float32`` is float32), where a
        loop's carry must keep its dtype (JAX's raw carry-type error)."""
        return any(isinstance(v, S.Call) and isinstance(v.func, S.Attribute)
                   and v.func.attr in _NARROW_CALLS
                   for v in self.backend.facts.bindings.get(name, []) if v is not None)

    def _changes_kind_in(self, name: str, nodes: list) -> bool:
        """The body gives ``name`` a number of another kind than it may start with: ``x =
        x / 2`` for ``x = n`` (an int), ``found = found + 1`` for ``found = False``. A
        loop's carry must keep its dtype; Python's variable does not."""
        assigned = set()
        for node in nodes:
            if isinstance(node, S.Assign) and any(
                    isinstance(t, S.Name) and t.id == name for t in node.targets):
                assigned.add(self.value_kind(node.value))
            elif isinstance(node, S.AugAssign) and isinstance(node.target, S.Name) and (
                    node.target.id == name):
                assigned.add(self.value_kind(S.BinOp(left=S.load(name), op=node.op,
                                                     right=node.value)))
        if not assigned:
            return False
        if self.may_change_kind(name):
            return True
        assigned &= {"int", "float"}
        kinds = self._kinds_of_name(name, {})
        return bool(assigned) and len(kinds) > 1 and (kinds - assigned) != set()

    def promoted(self, record, body_name: str, location, before=(), after=(),
                 output: int | None = None) -> list:
        """``x = _py2lax_as_dtype(x, types[k])`` for each carried name the body may give
        another dtype, ``types`` being ``jax.eval_shape`` of the body, evaluated once:
        the carry starts with the dtype one iteration gives it. ``before``/``after`` are
        the body's other arguments (an index, an item), ``output`` where the carry is in
        what it returns (a scan body returns ``(carry, stacked)``)."""
        names = self._promoted_names(record)
        if not names:
            return []
        shape = call(self.spell.attribute("eval_shape"), [S.load(body_name)] + [
            S.deep_copy(b) for b in before] + [tuple_of(record.carried)] + [
            S.deep_copy(a) for a in after], None)
        if output is not None:
            shape = S.Subscript(value=shape, slice=S.Constant(value=output, kind=None),
                                ctx=S.Load())
        statements = []
        if len(names) > 1:  # (one evaluation for all: a name each for the types)
            types = self.backend.context.names.new(f"types_{body_name.rsplit('_', 1)[-1]}")
            statements.append(assign(types, shape, location))
            shape = S.load(types)
        for name in names:
            position = S.Constant(value=record.carried.index(name), kind=None)
            typed = S.Subscript(value=S.deep_copy(shape), slice=position, ctx=S.Load())
            placeholder = name == record.result or name in self._placeholders(record)
            convert = self._helper("as_type" if placeholder else "as_dtype", location)
            statements.append(assign(name, call(convert, [S.load(name), typed], location),
                                     location))
        return self.restoring_shared(record, statements, location)

    def _placeholders(self, record) -> set[str]:
        """Carried names that start as placeholders (``PlainJax.placeholders``)."""
        return self.backend.placeholders(record)

    def _numpy_attribute(self, name: str):
        return S.Attribute(value=self.spell.numpy_module(), attr=name, ctx=S.Load())


_DEEPEST = 6  # names read through names: deeper chains are not followed


def _arithmetic_kind(op, left: str | None, right: str | None) -> str | None:
    """The kind of ``left op right`` where it does not depend on unknown operands."""
    if isinstance(op, S.Div):
        return "float"
    if "float" in (left, right) and not isinstance(op, (S.BitAnd, S.BitOr, S.BitXor)):
        return "float"
    if left in ("int", "bool") and right in ("int", "bool") and not isinstance(op, S.Pow):
        return "int"
    return None


def _evaluates(statement) -> bool:
    """``statement`` calls ``jax.eval_shape`` (which runs the body, setting its
    ``nonlocal`` names)."""
    return any(isinstance(n, S.Attribute) and n.attr == "eval_shape"
               for n in S.walk(statement))


def _kinds_differ(kinds: set) -> bool:
    """A Python int, bool or float among other kinds (known or not: a float meets an
    int argument), or two known kinds."""
    return (bool(kinds & {"int", "bool", "float"}) and len(kinds) > 1) or len(kinds - {None}) > 1
