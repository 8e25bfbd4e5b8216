"""Expressions for ``--standalone``: each recorded runtime call inside an expression, in
plain jax, read from its record (``Records.of_call``), never from the call's arguments.

The runtime's rules, written in ``jax.numpy``/``lax``:

* ``and``/``or`` of booleans are ``jnp.logical_and``/``logical_or``; of other values
  ``jnp.where`` selects the operand Python would return (``scale or 1.0`` is
  ``jnp.where(scale, scale, 1.0)``); operands the code shows are static keep Python's
  short circuit (``x is not None and x > 0``), and containers, strings and ``None``
  keep Python's own operators;
* ``not`` is ``jnp.logical_not``; ``c in (1, 2)`` is ``jnp.isin(c, jnp.asarray([1, 2]))``;
* a ternary on a value that may be traced is ``jax.lax.cond``;
* ``py2lax.converted(f)(...)`` is ``f(...)``; ``max``/``min`` of values that may be
  traced are ``jnp.where`` selects (Python's rule), ``any``/``all`` ``jnp.any``/``jnp.all``,
  ``math.sqrt`` and NumPy functions their ``jax.numpy`` twins. These last choices are
  made from the call as written, wrapped or not, so a second run decides the same.

A test of ``lax.cond`` or ``lax.while_loop`` (``lax_test``) is a traced boolean: logical
functions throughout, and ``jnp.not_equal(n, 0)`` for a test that is not a boolean
(``while n:``), which raises for ``None`` or a list instead of calling them true.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.analysis.static_values import is_jax_error_guard, is_jax_error_test, is_static
from py2lax.analysis.traced_names import INTEGRAL_MATH, MATH_TWINS, TRACE_AWARE_BUILTINS
from py2lax.backends.plain_lax.facts import numpy_path
from py2lax.backends.plain_lax.imported import (imported_definitions, imported_objects,
                                                 module_bound)
from py2lax.backends.plain_lax.module_memo import memo
from py2lax.backends.plain_lax.python_breaks import first_run_stop
from py2lax.backends.plain_lax.python_form import (MUTATING_METHODS, callee, checked_at,
                                                   is_checked_test,
                                                   compares_python_values)
from py2lax.backends.plain_lax.reductions import masked_reduction
from py2lax.backends.plain_lax.shared_definitions import helper_name
from py2lax.backends.plain_lax.spelling import call, constant, lambda_of, method
from py2lax.pipeline import methods_defined_in

_COMPARISONS = {"<": S.Lt, "<=": S.LtE, ">": S.Gt, ">=": S.GtE, "==": S.Eq, "!=": S.NotEq,
                "is": S.Is, "is not": S.IsNot, "in": S.In, "not in": S.NotIn}
# NumPy's submodules and functions with no jax.numpy twin: left as NumPy.
_NUMPY_ONLY = {"random", "testing", "ma", "char", "lib", "rec", "polynomial", "ctypeslib",
               "errstate", "seterr", "printoptions", "set_printoptions", "get_printoptions",
               "ndindex"}
_PYTHON_VALUES = (str, bytes, type(None))
# Python's number conversions of one value, written for an array lax computes.
_NUMBER_CONVERSIONS = {"int", "float", "bool", "round"}
# Calls that change nothing: Python's builtins of values, and methods arrays and dicts
# answer without changing themselves (a traced operand calling them may run eagerly).
# runtime calls that change an object (or print): an operand holding one has an effect
_CHANGING_HELPERS = ("setitem", "setattr_", "append", "extend", "print_", "assert_",
                     "augassign", "in_place_method", "with_out")
_PURE_FUNCTIONS = {"len", "abs", "min", "max", "sum", "int", "float", "bool", "complex",
                   "isinstance", "round", "tuple", "list", "dict", "range", "divmod",
                   "pow", "hasattr", "getattr", "any", "all", "sorted", "str", "repr",
                   "type", "id", "hash", "zip", "enumerate", "reversed", "set", "frozenset"}
_PURE_METHODS = {"sum", "mean", "max", "min", "prod", "std", "var", "any", "all", "astype",
                 "reshape", "ravel", "flatten", "squeeze", "transpose", "dot", "item",
                 "argmax", "argmin", "cumsum", "cumprod", "clip", "round", "conj", "copy",
                 "tolist", "get", "keys", "values", "items", "count", "index", "startswith",
                 "endswith", "lower", "upper", "strip", "split", "join", "format", "real",
                 "imag", "view", "swapaxes", "take", "nonzero"}
# an array's own attributes: the array is the operand (`x.shape` must stay static)
_ARRAY_ATTRIBUTES = {"shape", "dtype", "ndim", "size", "T", "at", "real", "imag", "mT"}
_MODULE_ROOTS = {"math", "jax", "jnp", "lax", "np", "numpy", "onp", "operator", "random",
                 "functools", "itertools", "cmath"}


_DIVISIONS = {"/": S.Div, "//": S.FloorDiv, "%": S.Mod}


class Expressions:
    """The expression side of :class:`~py2lax.backends.plain_lax.emitter.PlainJax`."""

    def __init__(self, backend):
        self.backend = backend
        self.records, self.facts, self.spell = backend.records, backend.facts, backend.spell
        self.tables: dict[str, bool] = {}  # names `_Rewriter.visit_Subscript` reads as arrays

    # -- entry points --------------------------------------------------------------
    def value(self, node):
        """``node`` with its recorded calls written in plain jax."""
        return _Rewriter(self, python=False).visit(node) if node is not None else None

    def python(self, node):
        """``node`` as Python: a statement kept as Python reads its own operators."""
        return _Rewriter(self, python=True).visit(node) if node is not None else None

    def lax_test(self, node):
        """The traced boolean ``lax.cond``/``lax.while_loop`` takes for ``node``."""
        record = self.records.of_call(node)
        if record is not None and record.helper in ("and_", "or_"):
            originals = record.operands["operands"]
            if self._skipped_effects(originals[1:]):  # Python's short circuit: loud if traced
                op = S.And() if record.helper == "and_" else S.Or()
                test = S.copy_location(S.BoolOp(op=op, values=[self.value(o) for o in
                                                                originals]), node)
                return self._short_circuit(test, originals[1:], node)
            operands = [self.lax_test(o) for o in originals]
            return self.combine(operands, record.helper, node, record=record)
        if record is not None and record.helper == "not_":
            operand = self.lax_test(record.operands["operand"])
            if self.static(operand):
                self.records.give_back(record)
                return S.copy_location(S.UnaryOp(op=S.Not(), operand=operand), node)
            return self.spell.numpy("logical_not", [operand], node)
        if record is not None and record.helper == "compare":
            if self._skipped_effects(record.operands["operands"][2:]):  # (as above)
                return self._short_circuit(self._chained(record, node),
                                           record.operands["operands"][2:], node)
            return self.combine(self._links(record, node), "and_", node)
        # Python's own operators: a test the user wrote, or an operand a record kept from
        # before `and`/`or` were converted (normalize_exits records its `not broke and
        # test` before convert_logical_ops rewrites `test`).
        if isinstance(node, S.BoolOp) and not self.static(node):
            helper = "and_" if isinstance(node.op, S.And) else "or_"
            return self.combine([self.lax_test(v) for v in node.values], helper, node)
        if isinstance(node, S.UnaryOp) and isinstance(node.op, S.Not) and not self.static(node):
            return self.spell.numpy("logical_not", [self.lax_test(node.operand)], node)
        written = self.value(node)
        if self.facts.is_boolean(node) or self.static(written):
            return written
        # `while n:`; `jnp.not_equal` refuses None and lists, whose truth is not `!= 0`
        return self.spell.numpy("not_equal", [written, constant(0)], node)

    def static(self, node) -> bool:
        return is_static(node, self.backend.context.static_names)

    def _short_circuit(self, test, skipped: list, node):
        """``test`` (Python's ``and``/``or`` or chained comparison) as the test lax
        takes: Python's short circuit may skip the operands ``skipped``, which may
        change something, and lax would run them. Right where the operands before them
        are Python values; a traced one is JAX's error, whose first line names the
        user's line and the call (``python_form.checked_at``)."""
        calls = [S.unparse(self.python(c)) for o in skipped for c in S.walk(o)
                 if isinstance(c, S.Call) and self.may_have_effects(c)] or [
                     S.unparse(self.python(o)) for o in skipped]
        reason = (f"Python may skip `{calls[0]}` here, which may change something, where "
                  "lax would run it")
        return checked_at(test, node, getattr(node, "lineno", 1), self.backend, reason)

    # -- the runtime's rules -----------------------------------------------------------
    def combine(self, operands: list, helper: str, location, select: bool = False,
                record=None):
        """``a and b and c`` (``or``): the longest static prefix keeps Python's short
        circuit; the rest is ``jnp.logical_and`` (``select``: ``jnp.where``, which
        returns an operand as Python does). ``record``: the runtime call it stands for,
        given back when Python's operator is all there is."""
        python_op = S.And if helper == "and_" else S.Or
        static = 0
        while static < len(operands) and self.static(operands[static]):
            static += 1
        if static >= len(operands) - 1 and record is not None:
            self.records.give_back(record)  # (Python's operator throughout)
        if static == len(operands):
            return S.copy_location(S.BoolOp(op=python_op(), values=operands), location)
        result = operands[-1]
        if select and record is not None:
            record.label = "jnp.where"
        for operand in reversed(operands[static:-1]):
            if select:  # `a and b` is `b if a else a`; `a or b` is `a if a else b`
                chosen = [result, operand] if helper == "and_" else [operand, result]
                result = self.spell.numpy("where", [self.truth(operand, location)] + [
                    S.deep_copy(c) for c in chosen], location)
            else:
                function = "logical_and" if helper == "and_" else "logical_or"
                result = self.spell.numpy(function, [operand, result], location)
        if static == 0:
            return result
        return S.copy_location(S.BoolOp(op=python_op(), values=operands[:static] + [result]),
                               location)

    def truth(self, operand, location):
        """The truth of a value that may be an array: ``jnp.broadcast_to(jnp.squeeze(a),
        ())``, which raises ValueError for an array of several items as Python's ``bool``
        does, where ``jnp.where``/``logical_not`` would answer item by item."""
        if self.static(operand) or self.facts.is_boolean(operand):
            return operand
        squeezed = self.spell.numpy("squeeze", [operand], location)
        return self.spell.numpy("broadcast_to", [squeezed, S.Tuple(elts=[], ctx=S.Load())],
                                location)

    def _links(self, record, node) -> list:
        """``a < b() < c`` as its comparisons ``[a < b(), b() < c]``."""
        originals = record.operands["operands"]
        operands = [self.value(o) for o in originals]
        links = []
        for index, spelling in enumerate(record.operands["ops"]):
            spelling = self._identity_test(spelling, originals[index:index + 2], node)
            left = operands[index] if index == 0 else S.deep_copy(operands[index])
            if 0 < index and self.may_have_effects(originals[index]):
                # `0 < g(x) < 10`: Python calls g once; the first link binds its value
                # (`0 < (compared_12_4 := g(x))`) and the second reads the name
                name = f"compared_{getattr(originals[index], 'lineno', 0)}_" \
                       f"{getattr(originals[index], 'col_offset', 0)}"
                links[-1].comparators = [S.copy_location(S.NamedExpr(
                    target=S.store(name), value=operands[index]), node)]
                left = S.load(name)
            links.append(S.copy_location(S.Compare(left=left, ops=[_COMPARISONS[spelling]()],
                                                   comparators=[operands[index + 1]]), node))
        return links

    def _identity_test(self, spelling: str, pair, node) -> str:
        """``found is True`` where lax computes ``found``: an array is never the object
        ``True``, so the test is written ``==`` when every value the function gives the
        name is ``True`` or ``False`` (Python's answer), and refused otherwise."""
        if spelling not in ("is", "is not"):
            return spelling
        constants = [side for side in pair if isinstance(side, S.Constant)
                     and type(side.value) is bool]
        others = [side for side in pair if not isinstance(side, S.Constant)]
        if not constants or len(others) != 1 or self.static(others[0]):
            return spelling
        other = others[0]
        values = self.facts.bindings.get(other.id) if isinstance(other, S.Name) else None
        if values and all(isinstance(v, S.Constant) and type(v.value) is bool for v in values):
            return "==" if spelling == "is" else "!="
        raise self.spell.refuse(
            node, f"`{S.unparse(other)} {spelling} {constants[0].value}` tests whether a "
            "value lax computes is the object "
            f"{constants[0].value}; it is an array, which never is",
            f"test its value (`if {S.unparse(other)}:` or `== {constants[0].value}`), or give "
            "the variable only True and False", names=(
                (other.id,) if isinstance(other, S.Name) else ()))

    def logical(self, record, node, python: bool):
        """``and``/``or``/``not``/chained comparisons/``in`` in a value position."""
        helper = record.helper
        if helper in ("and_", "or_"):
            originals = record.operands["operands"]
            operands = [self.python(o) if python else self.value(o) for o in originals]
            if python or any(self._python_only(o) for o in originals) or (
                    self._skipped_effects(originals[1:])):
                op = S.And() if helper == "and_" else S.Or()
                self.records.give_back(record)
                return S.copy_location(S.BoolOp(op=op, values=operands), node)
            boolean = all(self.facts.is_boolean(o) for o in originals)
            return self._none_first(originals, operands, helper, node, not boolean, record)
        if helper == "not_":
            original = record.operands["operand"]
            operand = self.python(original) if python else self.value(original)
            if python or self.static(operand) or self._python_only(original):
                self.records.give_back(record)
                return S.copy_location(S.UnaryOp(op=S.Not(), operand=operand), node)
            if not self.facts.is_boolean(original):
                operand = self.truth(operand, node)
            return self.spell.numpy("logical_not", [operand], node)
        if helper == "compare":
            if python or self._skipped_effects(record.operands["operands"][2:]):
                return self._chained(record, node)  # Python's short circuit: loud if traced
            links = self._links(record, node)
            return self.combine(links, "and_", node)
        return self._membership(record, node, python)

    def _chained(self, record, node):
        self.records.give_back(record)
        operands = [self.python(o) for o in record.operands["operands"]]
        ops = [_COMPARISONS[s]() for s in record.operands["ops"]]
        return S.copy_location(S.Compare(left=operands[0], ops=ops, comparators=operands[1:]),
                               node)

    def _membership(self, record, node, python: bool):
        """``item in container``: ``jnp.isin`` over a display of numbers; Python's ``in``
        for strings, ``None`` and containers that are not displays."""
        item, container = record.operands["item"], record.operands["container"]
        written_item = self.python(item) if python else self.value(item)
        written = self.python(container) if python else self.value(container)
        numbers = isinstance(container, (S.List, S.Tuple, S.Set)) and container.elts and not any(
            isinstance(e, S.Constant) and isinstance(e.value, _PYTHON_VALUES) or isinstance(
                e, S.Starred) for e in container.elts)
        named = not numbers and isinstance(container, S.Name) and self._numbers_display_only(
            container.id)
        if python or not (numbers or named) or self._python_only(item):
            self.records.give_back(record)
            return S.copy_location(S.Compare(left=written_item, ops=[S.In()],
                                             comparators=[written]), node)
        if named:  # `vals = [1.0, 2.0, 3.0]` ... `v in vals`
            return self.spell.numpy("isin", [written_item, self.spell.numpy(
                "asarray", [written], node)], node)
        values = self.spell.numpy("asarray", [S.List(elts=written.elts, ctx=S.Load())], node)
        return self.spell.numpy("isin", [written_item, values], node)

    def _numbers_display_only(self, name: str) -> bool:
        """``name`` is bound once, in this function, to a list or tuple display of
        numbers, and nothing changes it or passes it on."""
        facts = self.facts
        values = facts.bindings.get(name) or []
        return (len(values) == 1 and isinstance(values[0], (S.List, S.Tuple))
                and bool(values[0].elts) and name not in facts.parameters
                and all(isinstance(e, S.Constant) and type(e.value) in (int, float)
                        for e in values[0].elts)
                and not facts.may_change_in_place(name) and name not in facts.mutated)

    def _none_first(self, originals, operands, helper, node, select, record=None):
        """``scale or 2.0`` of ``def f(x, scale=None)``: None is Python's to test
        (``jnp.where`` cannot take it), an array the rest's to select::

            2.0 if scale is None else jnp.where(..., scale, 2.0)
        """
        nones = [i for i, o in enumerate(originals[:-1]) if self._defaults_to_none(o)]
        if not nones:
            return (self.combine(operands, helper, node, select=select, record=record)
                    if len(operands) > 1 else operands[0])
        index = nones[0]
        if helper == "and_" and index:  # `x and scale and ...`: Python's own (loud if traced)
            if record is not None:
                self.records.give_back(record)
            return S.copy_location(S.BoolOp(op=S.And(), values=operands), node)
        without = self._none_first(
            [S.deep_copy(o) for o in originals[:index] + originals[index + 1:]],
            [S.deep_copy(o) for o in operands[:index] + operands[index + 1:]], helper, node,
            select) if helper == "or_" else S.Constant(value=None)
        present = [S.deep_copy(o) for o in originals]
        present[index] = S.load("_present")  # (not None: the same test, once)
        with_it = self._none_first(present, [S.deep_copy(o) for o in operands], helper,
                                   node, select)
        return S.copy_location(S.IfExp(
            test=S.Compare(left=S.deep_copy(operands[index]), ops=[S.Is()],
                           comparators=[S.Constant(value=None)]),
            body=without, orelse=with_it), node)

    def _defaults_to_none(self, node) -> bool:
        """``node`` is a parameter of the function whose default is ``None``."""
        if not isinstance(node, S.Name):
            return False
        args = self.backend.function.args
        positional = list(args.posonlyargs) + list(args.args)
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        return any(a.id == node.id and isinstance(d, S.Constant) and d.value is None
                   for a, d in pairs)

    def _python_only(self, node) -> bool:
        """A value only Python's operators handle: a string, ``None``, a container."""
        return (isinstance(node, S.Constant) and isinstance(node.value, _PYTHON_VALUES)
                or isinstance(node, S.JoinedStr) or self.facts.is_container(node))

    def may_have_effects(self, node) -> bool:
        """``node`` calls something that may change an object (``lst.pop()``, a helper of
        the user's) or binds a name (``:=``): an operand Python may skip must then be
        skipped, which neither ``jnp.where`` nor ``lax.cond`` (which traces both) does."""
        records = self.records
        for inner in S.walk(node):
            if isinstance(inner, S.NamedExpr):
                return True
            if isinstance(inner, (S.Lambda, S.FunctionDef)):
                continue
            record = records.of_call(inner) if isinstance(inner, S.Call) else None
            if record is not None:
                if record.helper in _CHANGING_HELPERS:
                    return True
                continue
            function = callee(inner, records)
            if function is not None and not self._pure_callee(function):
                return True
        return False

    def _pure_callee(self, function, seen: frozenset = frozenset()) -> bool:
        """A call of ``function`` changes nothing: a pure builtin, a jax/NumPy/``math``
        function, a method that reads (``.sum()``), or a helper the user defined in this
        function that the code shows changes nothing (``pure_helper``)."""
        if isinstance(function, S.Name):
            return (function.id in _PURE_FUNCTIONS or function.id in _MODULE_ROOTS
                    or numpy_path(function) is not None
                    or self.pure_helper(function.id, seen))
        if isinstance(function, S.Attribute):
            if function.attr in MUTATING_METHODS:
                return False
            root = function.value
            while isinstance(root, (S.Attribute, S.Subscript)):
                root = root.value
            if isinstance(root, S.Name) and (
                    root.id in _MODULE_ROOTS or root.id in (self.spell.jax,
                                                            self.spell.numpy_name)):
                return True
            if function.attr in _PURE_METHODS:
                return True
            method = self._module_method(function)
            return method is not None and self.changes_nothing(method, seen)
        if isinstance(function, S.Lambda):  # `(lambda q: q * 2.0 + y)(x)`
            return self.changes_nothing(function, seen)
        return False

    def _module_method(self, function: S.Attribute):
        """The method ``Ops.leaky`` or ``SCALER.apply`` calls: ``Ops`` one of the module's
        classes, ``SCALER`` bound once, at module level, to a call of one, neither
        rebound in the function; the class's one ``def`` of that name."""
        module, owner = self.backend.module, function.value
        if module is None or not isinstance(owner, S.Name) or (
                owner.id in self.backend.context.local_names):
            return None
        bindings = [s for s in module.body if owner.id in module_bound(s)]
        if len(bindings) != 1:
            return None
        binding = self._imported(owner.id, bindings[0])
        classes = {s.name: s for s in module.body if isinstance(s, S.ClassDef)}
        if isinstance(binding, S.Assign) and isinstance(binding.value, S.Call) and (
                isinstance(binding.value.func, S.Name)):
            binding = classes.get(binding.value.func.id)
        if not isinstance(binding, S.ClassDef) or binding.bases or binding.decorator_list:
            return None
        methods = [m for m in binding.body if isinstance(m, S.FunctionDef)
                   and m.name == function.attr]
        return methods[0] if len(methods) == 1 else None

    def pure_helper(self, name: str, seen: frozenset = frozenset()) -> bool:
        """``name`` is a function defined once in this function (``def f(v): return ...``
        or ``f = lambda v: ...``), or else a function of the module's own that nothing
        rebinds, whose body stores no item or attribute, declares no
        ``global``/``nonlocal``, does not ``yield`` and calls only pure functions: calling
        it where Python might not (the second operand of ``and``) computes the same, so
        ``jnp.logical_and`` may evaluate it (``while f(x + t * d) > bound and not
        broke``)."""
        if name in seen:
            return False
        definition = self._local_definition(name)
        if definition is None and name not in self.backend.context.local_names:
            definition = self._module_function(name)
        if definition is None:
            return False
        return self.changes_nothing(definition, seen | {name})

    def _local_definition(self, name: str):
        """The ``def`` (or assigned ``lambda``) of ``name`` in this function, if it is the
        name's only binding there."""
        owner = self.backend.function
        definitions = [n for n in S.walk(owner) if n is not owner and (
            isinstance(n, S.FunctionDef) and n.name == name or isinstance(n, S.Assign) and any(
                isinstance(t, S.Name) and t.id == name for t in n.targets))]
        if len(definitions) != 1:
            return None
        definition = definitions[0]
        if isinstance(definition, S.Assign):
            if not (len(definition.targets) == 1 and isinstance(definition.value, S.Lambda)):
                return None
            definition = definition.value
        return definition

    def _module_function(self, name: str):
        """The module's ``def name`` when it is the module's only binding of ``name``."""
        module = self.backend.module
        if module is None:
            return None
        bindings = [s for s in module.body if name in module_bound(s)]
        binding = self._imported(name, bindings[0]) if len(bindings) == 1 else None
        if isinstance(binding, S.FunctionDef) and not binding.decorator_list:
            return binding
        return None

    def _imported(self, name: str, binding):
        """The ``class`` or ``def`` that ``binding``, the module's one binding of
        ``name``, gives it: itself, or for ``from helpers import Ops`` the definition
        read from the helpers module beside the file (``imported``), if it is settled
        there; the binding as it is otherwise."""
        if isinstance(binding, S.ImportFrom):
            module, filename = self.backend.module, self.backend.context.filename
            found = imported_definitions(module, filename)
            return found.get(name, imported_objects(module, filename).get(name, binding))
        return binding

    def changes_nothing(self, definition, seen: frozenset = frozenset(),
                        own: frozenset = frozenset(), making: bool = False) -> bool:
        """The body of ``definition`` (a ``def`` or a ``lambda``) stores no item or
        attribute, declares no ``global``/``nonlocal``, does not ``yield`` and calls only
        pure functions. A ``:=`` binds a name of the definition's own (like the ``np =
        ...`` a first run hoists it to), so it changes nothing outside. ``own``: names
        holding objects the definition makes itself (``self`` of an ``__init__``), whose
        attributes it may set. ``making``: the definition may also make objects of the
        user's classes (``twin = Acc(self.scale)``, bound first of all, by a class whose
        ``__init__`` changes nothing else) and set their attributes; only ``objects``
        asks this (a method that makes an object changes nothing it must carry), since
        lax cannot select between objects where Python skips a call that makes one."""
        made = self._made_objects(definition, seen) if making else {}
        own = set(own) | set(made)
        making_calls = {id(c) for c in made.values()}
        for node in S.walk(definition):
            if isinstance(node, (S.Global, S.Nonlocal, S.Yield, S.YieldFrom, S.Await)):
                return False
            targets = (node.targets if isinstance(node, (S.Assign, S.Delete)) else [
                node.target] if isinstance(node, (S.AugAssign, S.AnnAssign)) else [])
            if any(not isinstance(n, (S.Name, S.Tuple, S.List, S.Starred))
                   and not _stored_in(n, own)
                   for target in targets for n in S.walk(target) if not isinstance(
                       getattr(n, "ctx", None), S.Load)):
                return False
            if isinstance(node, S.Call):
                record = self.records.of_call(node)
                if record is not None and record.helper in _CHANGING_HELPERS:
                    return False  # `calls[0] += 1`, as the pipeline wrote it
                function = callee(node, self.records)
                if function is not None and id(node) not in making_calls and (
                        not self._pure_callee(function, seen)):
                    return False
        return True

    def _made_objects(self, definition, seen: frozenset) -> dict:
        """Names a ``def`` binds once, by a statement of its own body that no earlier
        statement reads them in, to a call of one of the user's classes whose making
        changes nothing else (``twin = Acc(self.scale)`` in ``Acc.copy``), each with
        that call."""
        body = getattr(definition, "body", None)
        if not isinstance(body, list):
            return {}
        bound: dict[str, int] = {}
        for node in S.walk(definition):
            for target in _assigned_targets(node):
                for name in S.walk(target):
                    if isinstance(name, S.Name) and isinstance(name.ctx, S.Store):
                        bound[name.id] = bound.get(name.id, 0) + 1
        found, read = {}, set()
        for statement in body:
            if (isinstance(statement, S.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], S.Name)
                    and bound.get(statement.targets[0].id) == 1
                    and statement.targets[0].id not in read
                    and isinstance(statement.value, S.Call)
                    and isinstance(statement.value.func, S.Name)
                    and self._pure_constructor(statement.value.func.id, seen)):
                found[statement.targets[0].id] = statement.value
            read |= {n.id for n in S.walk(statement) if isinstance(n, S.Name)}
        return found

    def _pure_constructor(self, name: str, seen: frozenset = frozenset()) -> bool:
        """``name`` is one of the user's classes (the module's, or imported from beside
        it), not rebound in the function, without bases, whose ``__init__`` and
        ``__post_init__`` (if any) set attributes of ``self`` only and call pure
        functions: calling it makes a new object and changes nothing else."""
        if name in seen or name in self.backend.context.local_names:
            return False
        cls = self.backend.objects.classes().get(name)
        if cls is None or cls.bases or any(
                S.unparse(d).strip().split("(")[0] not in ("dataclass", "dataclasses.dataclass")
                for d in cls.decorator_list):
            return False
        for definition in cls.body:
            if isinstance(definition, S.FunctionDef) and definition.name in ("__init__",
                                                                             "__post_init__"):
                owner = definition.args.args[0].id if definition.args.args else None
                if owner is None or not self.changes_nothing(
                        definition, seen | {name}, frozenset({owner}), making=True):
                    return False
        return True

    def _skipped_effects(self, parts) -> bool:
        return any(self.may_have_effects(p) for p in parts)

    def _chosen_object_changed(self, node, parts) -> bool:
        """``target = pos if v > 0 else neg`` where ``pos`` holds a list, dict, set or
        NumPy array of the function's and code changes what ``target`` holds in place
        (``target.append(v)``, ``add_to(target, v)``, ``target[0] += 1``): Python changes
        ``pos``; lax.cond would return a copy, which the change would reach instead (a
        silent wrong answer, finder7 q172). Kept as Python, a traced test is JAX's loud
        error. A ternary not assigned to a name counts as changed."""
        facts = self.facts
        arrays = [p.id for p in parts if isinstance(p, S.Name) and any(
            v is not None and facts.numpy_call(v) for v in facts.bindings.get(p.id, []))]
        chosen = arrays + [p.id for p in parts if isinstance(p, S.Name) and (
            facts.is_container(p))]
        if not chosen:
            return False
        targets = [s.targets for s in S.walk(self.backend.function)
                   if isinstance(s, S.Assign) and s.value is node]
        names = [t.id for ts in targets for t in ts if isinstance(t, S.Name)]
        changed = not targets or len(names) != sum(len(ts) for ts in targets) or any(
            n not in chosen and facts.may_change_in_place(n) for n in names)
        if changed and arrays:
            # (kept as Python, a lax body's `t[0] += 1.0` would still write a copy)
            shown = ", ".join(f"`{n}`" for n in arrays)
            raise self.spell.refuse(
                node, f"the ternary chooses the NumPy array of {shown}, which the code "
                "then changes in place; lax.cond would give a copy, and the change would "
                f"not reach {shown}", "write into each array under an `if` of its own "
                "(`a[0] += 1` in one branch, `b[0] += 1` in the other), or drop --standalone",
                names=tuple(arrays))
        return changed

    def _python_ternary_reason(self, body, orelse) -> str:
        """Why ``body if test else orelse`` stays Python's with a test that may be
        traced (the message ``_py2lax_python_test`` gives a traced one)."""
        if any(self._python_only(part) for part in (body, orelse)):
            return "a branch gives a Python value lax cannot return (a string, None)"
        if self._skipped_effects((body, orelse)):
            return ("Python runs one of its branches, which may change something, where "
                    "lax would run both")
        return "the object it chooses is changed in place later, and lax would give a copy"

    def ternary(self, record, node, python: bool):
        test, body, orelse = (record.operands[k] for k in ("test", "body", "orelse"))
        if is_checked_test(test):  # a first run kept it as Python, checking its test
            self.records.give_back(record)
            parts = [self.python(test)] + [self.python(p) if python else self.value(p)
                                           for p in (body, orelse)]
            return S.copy_location(S.IfExp(test=parts[0], body=parts[1], orelse=parts[2]),
                                   node)
        if python or self.static(test) or compares_python_values(test) or any(
                self._python_only(part) for part in (test, body, orelse)) or (
                self._skipped_effects((body, orelse))) or self._chosen_object_changed(
                node, (body, orelse)):
            # A test kept as Python reads Python's `and`/`or` (`jnp.logical_and` there, read
            # again by a second run, made the ternary a lax.cond)
            parts = [self.python(test)] + [self.python(p) if python else self.value(p)
                                           for p in (body, orelse)]
            reason = None if python or self.static(test) or compares_python_values(
                test) else self._python_ternary_reason(body, orelse)
            if reason is not None:
                parts[0] = checked_at(parts[0], node, getattr(node, "lineno", 1),
                                      self.backend, reason)
            self.records.give_back(record)
            return S.copy_location(S.IfExp(test=parts[0], body=parts[1], orelse=parts[2]),
                                   node)
        # The branches take the function's variables they read (a closure over them would
        # make them cell variables, which a second run converts differently).
        local = self.backend.context.local_names
        written = [self.value(part) for part in (body, orelse)]
        # `acc.total` of an object: the attribute's value is the operand, not the object
        # (which lax cannot take)
        parts, operands = _attribute_operands(written, local)
        body, orelse = written
        # A function (`def rd(): ...`) is a static value, which the branches close over
        free = list(dict.fromkeys(n.id for part in (body, orelse) for n in S.walk(part)
                                  if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)
                                  and n.id in local and n.id not in operands
                                  and not self.facts.holds_function(n.id)))
        parameters = free + list(parts)
        branches = [lambda_of(parameters, part) for part in (body, orelse)]
        operands = [S.load(n) for n in free] + list(parts.values())
        kinds = {self.backend.carry_types.value_kind(p) for p in (record.operands["body"],
                                                                  record.operands["orelse"])}
        if len(kinds) > 1:  # `x if x > 0 else 0`: lax.cond needs one dtype from both
            helper = self.backend.carry_types._helper("dtyped_pair", node)
            branches = [S.Starred(value=call(helper, branches + [
                S.deep_copy(o) for o in operands], None), ctx=S.Load())]
        return self.spell.lax("cond", [self.lax_test(test)] + branches + operands, node)


def refuse_python_type_tests(backend, function) -> None:
    """``isinstance(acc, float)`` or ``type(acc)`` where a converted statement carries
    ``acc``: written as lax it is an array, which is no Python number, so plain jax would
    answer False where Python answers True. Refused (the py2lax runtime knows the Python
    type)."""
    # (a first run's loop kept as Python with its `break` flag, and the `if` of its
    # checked flag, stay Python: they carry nothing through lax, whatever their records
    # name)
    carried = {name for record in backend.records.lowered
               if not first_run_stop(record, backend)
               and backend.first_run_checks.get(id(record)) is None
               for name in record.carried}
    _refuse_type_tests_of(backend, function, carried)


def ternary_results(backend, function) -> dict[str, list]:
    """The names assigned a conditional expression that may be written as ``lax.cond``
    (``index = x if k > 0 else 2``), with its records; which are depends on the emitter
    (``Expressions.ternary`` gives back those it keeps as Python), so the names are read
    before it runs and their records after (``refuse_type_tests_of_lax_ternaries``)."""
    found: dict[str, list] = {}
    own = {id(record) for record in backend.records.rewritten.values()}
    for node in S.walk(function):
        if not (isinstance(node, S.Assign) and isinstance(node.value, S.Call)):
            continue
        record = backend.records.of_call(node.value)
        if record is not None and record.helper == "if_exp" and id(record) in own:
            # (this function's own: a nested def's ternary is its own conversion's)
            for target in node.targets:
                if isinstance(target, S.Name):
                    found.setdefault(target.id, []).append(record)
    return found


def refuse_type_tests_of_lax_ternaries(backend, function, results: dict[str, list]) -> None:
    """``index = x if k > 0 else 2`` written as ``lax.cond``, then ``type(index)``: an
    array, where Python's type is ``float`` or ``int``; refused as for a carried
    variable (``refuse_python_type_tests``)."""
    given_back = backend.records.given_back
    names = {name for name, records in results.items()
             if any(id(record) not in given_back for record in records)}
    _refuse_type_tests_of(backend, function, names)


def _refuse_type_tests_of(backend, function, carried: set[str]) -> None:
    """Refuse ``type(name)`` and ``isinstance(name, <number type>)`` for ``carried``."""
    if not carried:
        return
    for node in S.walk(function):
        if not isinstance(node, S.Call):
            continue
        if (builtin_called(backend, node) == "type" and len(node.args) == 1
                and isinstance(node.args[0], S.Name) and node.args[0].id in carried):
            raise backend.spell.refuse(
                node, f"`type({node.args[0].id})` is the type of a value lax computes (an "
                "array), not the Python type it stands for",
                "test the value itself, or drop --standalone (the py2lax runtime knows the "
                "Python type)", names=(node.args[0].id,))
        if (builtin_called(backend, node) == "isinstance" and len(node.args) == 2
                and isinstance(node.args[0], S.Name) and node.args[0].id in carried
                and _names_a_number_type(node.args[1])):
            shown = f"isinstance({', '.join(S.unparse(a) for a in node.args)})"
            raise backend.spell.refuse(
                node, f"`{shown}` asks for the Python type of a value lax computes "
                "(an array, which is no Python number)",
                "test the value itself, or drop --standalone (the py2lax runtime knows the "
                "Python type)", names=(node.args[0].id,))


# `math.<name>` whose jax twin is `jax.scipy.special.<twin>` (none in jax.numpy): on a
# traced argument Python's own raised JAX's raw ConcretizationTypeError.
_SPECIAL_TWINS = {"lgamma": "gammaln", "gamma": "gamma", "erf": "erf", "erfc": "erfc"}
# Exception classes that catch Python's IndexError.
_CATCHING_INDEX_ERRORS = {"Exception", "BaseException", "IndexError", "LookupError"}
# Exception classes that catch JAX's tracer errors (TypeError and IndexError subclasses).
_CATCHING_TRACER_ERRORS = {"Exception", "BaseException", "TypeError", "IndexError",
                           "LookupError"}


def refuse_swallowing_blocks(backend, function) -> None:
    """A function written as lax whose ``except Exception``, ``contextlib.suppress(...)``
    or ``with`` of a manager whose ``__exit__`` may return true could catch the errors
    JAX raises while tracing (``TracerBoolConversionError``...): plain jax would then
    run the handler, or skip the rest of the block, a path Python never takes. A handler
    gets a first statement that raises JAX's errors again (``_guard``); a ``with`` cannot,
    so the function stays Python.
    Only blocks that hold or sit in a converted statement count: elsewhere the code is
    the user's own, run as written."""
    lax_nodes = {id(n) for record in backend.records.lowered
                 for statement in record.statements for n in S.walk(statement)}
    blocks = [n for n in S.walk(function) if isinstance(n, (S.Try, S.TryStar, S.With,
                                                             S.AsyncWith))]
    for node in blocks:
        if isinstance(node, (S.Try, S.TryStar)):
            # (a read past the end is Python's IndexError wherever the `try` is: JAX
            # clamps it, and the handler would never run)
            _check_item_reads(backend, node)
        if not any(id(n) in lax_nodes for n in S.walk(node)):
            continue  # no converted statement in or around it: Python's own code
        if isinstance(node, (S.Try, S.TryStar)):
            for handler in node.handlers:
                if handler.body and isinstance(handler.body[-1], S.Raise) and (
                        handler.body[-1].exc is None):
                    continue  # it raises the error again (py2lax's partial-carry wrapper)
                if handler.type is None or _names_any(handler.type, _CATCHING_TRACER_ERRORS):
                    _guard(backend, handler)
        if isinstance(node, (S.With, S.AsyncWith)):
            for item in node.items:
                if _may_swallow(item.context_expr, backend):
                    manager = callee(item.context_expr, backend.records)
                    raise backend.spell.refuse(
                        node, f"`with {S.unparse(manager)}(...)` may swallow the errors "
                        "JAX raises while tracing, and skip the rest of its block where "
                        "Python does not",
                        "suppress only the errors Python raises there, or drop --standalone "
                        "(the py2lax runtime refuses that case at its line)")


def _check_item_reads(backend, node) -> None:
    """``v[i]`` read in the body of ``node``, a ``try`` whose ``except`` catches
    ``IndexError``, as ``_py2lax_checked_item(v, i)``: JAX clamps an index past the end
    of an array (``v[3]`` of three items is ``v[2]``) where Python raises, so the handler
    never ran and the answer differed. A slice, which Python clamps too, stays."""
    if not any(handler.type is None or _names_any(handler.type, _CATCHING_INDEX_ERRORS)
               for handler in node.handlers):
        return
    node.body = _once([_checked_items(backend, s) for s in node.body])


def _once(statements: list) -> list:
    """``statements`` without a position check repeated right after itself: a first
    run's check of a write's position, before the write a second run checks again."""
    return [s for i, s in enumerate(statements) if not (
        i and _is_position_check(s) and S.dump(s) == S.dump(statements[i - 1]))]


def _is_position_check(statement) -> bool:
    return (isinstance(statement, S.Expr) and isinstance(statement.value, S.Call)
            and isinstance(statement.value.func, S.Name)
            and statement.value.func.id == "_py2lax_checked_position")


def _checked_items(backend, node):
    """``node`` with its item reads checked (``_check_item_reads``), inner ones first.
    Functions and lambdas inside keep theirs: there they are the output's own code (a
    first run's ``carry[0]``, ``def if_true_5``), which a second run reads here too."""
    if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)) and (
            id(node) not in backend.generated_functions or id(node) in backend.lax_callbacks):
        # (a branch or body this run's pipeline wrote holds the user's own statements,
        # which a statement kept as Python puts back in the `try`: checked too, as a
        # second run, reading them there, checks them; IPython's completer.py)
        return node
    for field, value in S.iter_fields(node):
        if isinstance(value, list):
            value[:] = _once([_checked_items(backend, v) if isinstance(v, S.AST) else v
                              for v in value])
        elif isinstance(value, S.AST):
            setattr(node, field, _checked_items(backend, value))
    record = backend.records.of_call(node) if isinstance(node, S.Call) else None
    if record is not None and record.helper == "getitem" and any(
            k.arg == "caught" and getattr(k.value, "value", None) == "store"
            for k in node.keywords):
        # the check of the position the user's `v[i] = x` writes: no read of a list or
        # dict (`out["k"] = v` adds a key where a read raises KeyError)
        name = helper_name(backend, "checked_position", node)
        return S.copy_location(S.Call(func=S.load(name), args=[
            record.operands["target"], record.operands["index"]], keywords=[]), node)
    if record is not None and record.helper == "getitem" and any(
            k.arg == "caught" and getattr(k.value, "value", None) is True
            for k in node.keywords):
        # the pipeline's `py2lax.getitem(v, i, caught=True)` of the user's `v[i]` (which
        # the output would otherwise write back as it was)
        node = S.copy_location(S.Subscript(value=record.operands["target"], slice=record.operands[
            "index"], ctx=S.Load()), node)
    if not (isinstance(node, S.Subscript) and isinstance(node.ctx, S.Load)
            and _named(node.value)) or any(isinstance(n, S.Slice) for n in S.walk(node.slice)):
        return node  # (`f(x)[1]`, a first run's `jax.lax.while_loop(...)[1]`, stays)
    if isinstance(node.value, S.Attribute) and node.value.attr == "at":
        # a first run's `v = v.at[i].set(x)` (the user's `v[i] = x`), read again: an
        # update, no item read (IPython's interactiveshell.py was no fixed point: a
        # second run wrote `_py2lax_checked_item(v.at, i).set(x)`)
        return node
    name = helper_name(backend, "checked_item", node)
    return S.copy_location(S.Call(func=S.load(name), args=[node.value, node.slice],
                                  keywords=[]), node)


def _named(node) -> bool:
    """``v``, ``self.v`` or ``v.w.x``: what the user indexes by name."""
    while isinstance(node, S.Attribute):
        node = node.value
    return isinstance(node, S.Name)


def _guard(backend, handler) -> None:
    """``if _py2lax_raised_by_jax(error): raise`` first in ``handler``, which would also
    catch the errors JAX raises while tracing (``TracerBoolConversionError``...) and run
    where Python does not: they go on to the caller, as the py2lax runtime's refusal
    does. A first run's guard is kept as it is."""
    for statement in handler.body:
        record = backend.by_call.get(id(statement))
        if is_jax_error_guard(statement) or record is not None and record.kind == "if" and (
                is_jax_error_test(record.test)):
            return  # (a second run reads the guard as an `if` it lowered)
    if handler.type is None:  # `except:`, which catches what `BaseException` does
        handler.type = S.set_location(S.load("BaseException"), handler)
    if handler.name is None:
        handler.name = S.store(backend.context.names.new("error"))
    test = S.Call(func=S.load(helper_name(backend, "raised_by_jax", handler)),
                  args=[S.load(handler.name.id)], keywords=[])
    guard = S.If(test=test, body=[S.Raise(exc=None, cause=None)], orelse=[])
    handler.body.insert(0, S.set_location(guard, handler.body[0] if handler.body else handler))


def _names_any(expression, names) -> bool:
    return any(isinstance(n, S.Name) and n.id in names or isinstance(n, S.Attribute)
               and n.attr in names for n in S.walk(expression))


def _may_swallow(manager, backend) -> bool:
    """``suppress(Exception)`` (or TypeError, IndexError...), or a module class whose
    ``__exit__`` returns something other than False/None."""
    if not isinstance(manager, S.Call):
        return False
    function = callee(manager, backend.records)
    name = function.attr if isinstance(function, S.Attribute) else getattr(function, "id", "")
    if name == "suppress":
        return any(_names_any(a, _CATCHING_TRACER_ERRORS) for a in manager.args)
    module = backend.module
    classes = [c for c in (module.body if module is not None else [])
               if isinstance(c, S.ClassDef) and c.name == name]
    exits = [m for c in classes for m in c.body
             if isinstance(m, S.FunctionDef) and m.name == "__exit__"]
    return any(isinstance(n, S.Return) and n.value is not None and not (
        isinstance(n.value, S.Constant) and n.value.value in (False, None))
        for m in exits for n in S.walk(m))


# Builtins whose answer is a Python bool whatever they are given
_PYTHON_TRUTHS = frozenset({"isinstance", "issubclass", "hasattr", "callable"})


def builtin_called(backend, call) -> str | None:
    """The name of the builtin ``call`` calls, as the user wrote it (``isinstance(...)``,
    also once convert_calls made it ``py2lax.converted(isinstance)(...)``)."""
    record = backend.records.of_call(call.func)
    callee = record.operands["function"] if (
        record is not None and record.helper == "converted") else call.func
    if isinstance(callee, S.Name) and not shadows_builtin(backend, callee.id):
        return callee.id
    return None


def _names_a_number_type(types) -> bool:
    """``float``, ``(int, float)``...: a Python number type, which no array is."""
    return any(isinstance(n, S.Name) and n.id in ("bool", "int", "float", "complex")
               for n in S.walk(types))


def shadows_builtin(backend, name: str) -> bool:
    """Whether ``name`` (``min``, ``zip``...) means something other than Python's builtin
    in the function being written: a variable of its own, of a function it is nested in
    (a ``def min(p, q)`` in the caller, read by a branch function of a first run's
    output), or of the module."""
    if name in backend.context.local_names:
        return True
    module = backend.module
    if module is None:
        return False
    if name in memo(module, "bound", lambda: set().union(
            *(module_bound(statement) for statement in module.body))):
        return True
    function = backend.function
    enclosing = memo(module, "enclosing", lambda: _enclosing_bound(module))
    return name in enclosing.get((function.name, getattr(function, "lineno", None)), ())


def _enclosing_bound(module) -> dict[tuple, set[str]]:
    """For each ``def`` of ``module``, by (name, line): the names the ``def``s it is
    nested in bind (the first ``def`` of a name and line: a converted function is a
    copy of the module's, found by its name and line)."""
    found: dict[tuple, set[str]] = {}
    todo = [(module, [])]
    while todo:
        node, around = todo.pop()
        for child in S.iter_child_nodes(node):
            inner = around
            if isinstance(child, (S.FunctionDef, S.AsyncFunctionDef)):
                found.setdefault((child.name, child.lineno), set().union(*(
                    bound_names(f.body) | set(parameter_names(f.args)) for f in around)))
            if isinstance(child, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda)):
                inner = around + [child] if not isinstance(child, S.Lambda) else around
            todo.append((child, inner))
    return found


def _assigned_targets(node) -> list:
    return (node.targets if isinstance(node, S.Assign) else [node.target] if isinstance(
        node, (S.AugAssign, S.AnnAssign, S.For, S.NamedExpr)) else [
        node.optional_vars] if isinstance(node, S.withitem) and node.optional_vars else [])


def _stored_in(target, own: set) -> bool:
    """``target`` (``twin.total``, ``self.buf[i]``) stores into an object one of ``own``
    holds."""
    if not isinstance(target, (S.Attribute, S.Subscript)):
        return False
    root = target.value
    while isinstance(root, (S.Attribute, S.Subscript)):
        root = root.value
    return isinstance(root, S.Name) and root.id in own



def _attribute_operands(parts: list, local) -> tuple[dict, set]:
    """Rewrite ``acc.total`` in ``parts`` to a parameter ``acc_total`` where ``acc`` is
    read only through attributes (not called as methods); return {parameter: the
    attribute expression} and the names so replaced."""
    uses: dict[str, list] = {}
    bare: set[str] = set()
    for part in parts:
        for node in S.walk(part):
            if isinstance(node, S.Call) and isinstance(node.func, S.Attribute):
                root = node.func
                while isinstance(root, S.Attribute):
                    root = root.value
                if isinstance(root, S.Name):
                    bare.add(root.id)  # a method: the object itself is needed
            if isinstance(node, S.Attribute) and isinstance(node.value, S.Name) and (
                    isinstance(node.ctx, S.Load)):
                uses.setdefault(node.value.id, []).append(node)
    counted = {}
    for part in parts:
        for node in S.walk(part):
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Load):
                counted[node.id] = counted.get(node.id, 0) + 1
    taken = {n.id for part in parts for n in S.walk(part) if isinstance(n, S.Name)}
    names = {name for name, found in uses.items() if name in local and name not in bare
             and counted.get(name) == len(found)
             and not any(n.attr in _ARRAY_ATTRIBUTES for n in found)}
    operands: dict[str, object] = {}
    by_text: dict[str, str] = {}

    class Replace(S.NodeTransformer):
        def visit_Attribute(self, node):
            if not (isinstance(node.value, S.Name) and node.value.id in names):
                return self.generic_visit(node)
            text = f"{node.value.id}.{node.attr}"
            if text not in by_text:
                parameter = f"{node.value.id}_{node.attr}"
                while parameter in taken or parameter in operands:
                    parameter += "_"
                by_text[text] = parameter
                operands[parameter] = S.Attribute(value=S.load(node.value.id),
                                                  attr=node.attr, ctx=S.Load())
            return S.copy_location(S.load(by_text[text]), node)

    for index, part in enumerate(parts):
        parts[index] = Replace().visit(part)
    return operands, names


class _Rewriter(S.NodeTransformer):
    """Recorded calls inside one expression (and the user's calls of NumPy, ``math`` and
    ``max``/``min``/``any``/``all``)."""

    def __init__(self, expressions: Expressions, python: bool):
        self.expressions, self.python = expressions, python
        self.backend = expressions.backend

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Call(self, node):
        expressions = self.expressions
        record = expressions.records.of_call(node)
        if record is None:
            inner = expressions.records.of_call(node.func)
            if inner is not None and inner.helper == "converted":
                node.func = self._callee(_converted_function(node.func, inner))
                expressions.records.give_back(inner)
                if self.backend.loops.growth.read(node):  # `len(hist)`: a traced count
                    return node
            reduced = masked_reduction(node, expressions.records, self.backend.spell, self.visit)
            return reduced if reduced is not None else self._users_call(node)
        helper = record.helper
        if helper in ("and_", "or_", "not_", "compare", "in_"):
            return expressions.logical(record, node, self.python)
        if helper == "if_exp":
            return expressions.ternary(record, node, self.python)
        if helper == "converted":  # a function passed on, not called: `jax.vmap(f)`
            expressions.records.give_back(record)
            return self._callee(_converted_function(node, record))
        if helper == "indices":
            values = self.visit(record.operands["values"])
            return values if self.python else self.backend.spell.numpy("asarray", [values], node)
        if helper == "divide":
            return self._caught_division(record, node)
        if helper == "caught_math":  # `math.sqrt(x)` in a `try` that catches its error
            where = f"{self.backend.spell.filename}:{record.line}"
            checked = helper_name(self.backend, "caught_math", node)
            return S.copy_location(S.Call(
                func=S.load(checked), args=[self.visit(a) for a in node.args],
                keywords=[S.keyword(arg="where", value=constant(where))]), node)
        if helper in ("enumerate", "zip"):
            expressions.records.give_back(record)
            arguments = [self.visit(a) for a in record.operands["arguments"]]
            return S.copy_location(S.Call(func=S.load(helper), args=arguments,
                                          keywords=[self.visit(k) for k in node.keywords]), node)
        raise self.backend.spell.refuse(
            node, f"`{helper}` has no plain-jax form in this expression",
            "write the expression without it, or drop --standalone to keep the py2lax "
            "runtime")

    def visit_Subscript(self, node):
        """``l[i]`` of a list of numbers the function never changes (``l = [10.0, 20.0]``),
        or of a NumPy array the module binds once (``TABLE = np.array([...])``), at an
        index computed from a parameter: Python reads an item at an int, which a traced
        index is not (NumPy and lists refuse it), so the items are a jax array indexed
        there (``jnp.asarray(l)[i]``), as the runtime gives it."""
        node = self.generic_visit(node)
        if self.python or not isinstance(node.ctx, S.Load) or not isinstance(
                node.value, S.Name) or isinstance(node.slice, (S.Slice, S.Tuple)):
            return node
        facts = self.backend.facts
        names = {n.id for n in S.walk(node.slice) if isinstance(n, S.Name)}
        # (a parameter, or what a loop or if lax runs gives: its item, a name it carries)
        traced = set(facts.parameters) | {
            n for r in self.backend.records.lowered if r.kind in ("for", "while", "if")
            for n in [r.item] + list(r.carried) if n}
        if not names & traced or names & self.backend.context.static_names or (
                any(facts.is_loop_counter(n) for n in names)):
            return node
        tables = self.expressions.tables  # decided once: the rewrite changes what it reads
        if node.value.id not in tables:
            tables[node.value.id] = (self._numbers_never_changed(node.value.id)
                                     or self._module_numpy_table(node.value.id)
                                     or items_of_one_length(self.backend, node.value.id))
        if not tables[node.value.id]:
            return node
        array = self.backend.spell.numpy("asarray", [node.value], node)
        return S.copy_location(S.Subscript(value=array, slice=node.slice, ctx=S.Load()), node)

    def _numbers_never_changed(self, name: str) -> bool:
        """``name`` is bound once, in this function, to a list or tuple of numbers, and
        read only by item (or ``len``)."""
        backend = self.backend
        values = backend.facts.bindings.get(name, [])
        if name in backend.facts.parameters or len(values) != 1 or not isinstance(
                values[0], (S.List, S.Tuple)) or not values[0].elts or not all(
                isinstance(e, S.Constant) and type(e.value) in (int, float)
                for e in values[0].elts) or len({type(e.value) for e in values[0].elts}) > 1:
            return False
        uses = [n for n in S.walk(backend.function) if isinstance(n, S.Name) and n.id == name]
        reads = {id(n.value) for n in S.walk(backend.function) if isinstance(n, S.Subscript)
                 and isinstance(n.ctx, S.Load) and isinstance(n.value, S.Name)
                 and n.value.id == name}
        reads |= {id(n.args[0]) for n in S.walk(backend.function) if isinstance(n, S.Call)
                  and isinstance(n.func, S.Name) and n.func.id == "len" and n.args}
        return all(id(n) in reads or isinstance(n.ctx, S.Store) for n in uses) and sum(
            isinstance(n.ctx, S.Store) for n in uses) == 1

    def _module_numpy_table(self, name: str) -> bool:
        """``name`` is the module's (not the function's) and bound once, at module level,
        to ``np.array(...)``/``np.asarray(...)``, and nothing in the module stores into it."""
        backend, module = self.backend, self.backend.module
        if module is None or name in backend.context.local_names:
            return False
        bindings = [s for s in module.body if name in module_bound(s)]
        if len(bindings) != 1 or not isinstance(bindings[0], S.Assign) or not isinstance(
                bindings[0].value, S.Call):
            return False
        path = numpy_path(bindings[0].value.func)
        if path is None or path[-1] not in ("array", "asarray", "arange", "linspace"):
            return False
        return not any(isinstance(n, S.Subscript) and not isinstance(n.ctx, S.Load)
                       and isinstance(n.value, S.Name) and n.value.id == name
                       for n in S.walk(module))

    def _caught_division(self, record, node):
        """``a / b`` inside a ``try`` that catches ``ZeroDivisionError``
        (``transforms.caught_division``): ``_py2lax_divide(a, b, '/', 'file.py:7')``,
        the runtime's ``py2lax.divide`` in plain jax. Python's operator on Python values
        (a Python zero divisor raises ZeroDivisionError, for a traced dividend too); a
        traced scalar divisor is refused at the user's line with the test to write, since
        a compiled division never raises and the handler would silently never run."""
        operands = record.operands
        left = operands["left"]
        if isinstance(left, S.JoinedStr) or (isinstance(left, S.Constant) and isinstance(
                left.value, (str, bytes))):  # `"%d items" % n`: formatting, as written
            written = S.BinOp(left=self.visit(left), op=_DIVISIONS[operands["op"]](),
                              right=self.visit(operands["right"]))
            self.backend.records.give_back(record)
            return S.copy_location(written, node)
        where = f"{self.backend.spell.filename}:{record.line}"
        arguments = [self.visit(operands["left"]), self.visit(operands["right"]),
                     constant(operands["op"]), constant(where)]
        divide = helper_name(self.backend, "divide", node)
        return S.copy_location(call(S.load(divide), arguments, None), node)

    def _callee(self, function):
        """The function a ``converted`` call names; the command converts the module's
        own functions and methods, and this one converts nested ones (``called``)."""
        if isinstance(function, S.Name):
            self.backend.called.add(function.id)
        elif (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
              and function.value.id == "self"):
            self.backend.called.add(f"self.{function.attr}")
        return self.visit(S.deep_copy(function))

    def _users_call(self, node):
        function = node.func
        if self.python:
            return self.generic_visit(node)
        if (isinstance(function, S.Name) and function.id in _NUMBER_CONVERSIONS
                and len(node.args) == 1 and not node.keywords
                and not isinstance(node.args[0], S.Starred)
                and not self._static([node.args[0]])
                and not shadows_builtin(self.backend, function.id)):
            return self._number_of(function.id, node)
        if (isinstance(function, S.Name) and function.id in ("sorted", "min", "max")
                and not shadows_builtin(self.backend, function.id)
                and (function.id == "sorted" or any(k.arg == "key" for k in node.keywords))):
            return self._ordered(function.id, node)
        if (isinstance(function, S.Name) and function.id in TRACE_AWARE_BUILTINS
                and function.id != "sorted"
                and not shadows_builtin(self.backend, function.id)):
            return self._compared(function.id, node)
        if (isinstance(function, S.Attribute) and function.attr == "item"
                and len(node.args) <= 1 and not node.keywords
                and not self._users_method("item")
                and not self._static([function.value])):
            return self._item(function.value, node)
        if (isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
                and function.value.id == "math" and (function.attr in MATH_TWINS
                                                     or function.attr in _SPECIAL_TWINS)):
            return self._math(function, node)
        path = numpy_path(function)
        if path is not None and path[0] not in _NUMPY_ONLY:
            return self._numpy(path, node)
        return self.generic_visit(node)

    def _users_method(self, name: str) -> bool:
        """A class of the user's defines a method ``name`` (read from the module too: a
        nested function converted here has no record of the module's classes)."""
        module = self.backend.module
        return name in self.backend.context.user_methods or (
            module is not None and name in methods_defined_in(module))

    def _item(self, array, node):
        """``x.item()`` of a value lax may compute: ``jnp.reshape(x, ())``, the one
        element as a 0-d array (the reshape raises for more elements, as ``.item()``
        does); ``x.item(k)`` is ``jnp.ravel(x)[k]``. Python's number cannot be had from
        a traced value; the runtime gives the same array."""
        spell, array = self.backend.spell, self.visit(array)
        if node.args:
            flat = spell.numpy("ravel", [array], node)
            return S.copy_location(S.Subscript(value=flat, slice=self.visit(node.args[0]),
                                               ctx=S.Load()), node)
        return spell.numpy("reshape", [array, S.Tuple(elts=[], ctx=S.Load())], node)

    def _static(self, nodes) -> bool:
        """Every one of ``nodes`` is a Python value when tracing: static, made of
        literals, or the index or item of a Python loop (``float(k)`` in ``for k in
        range(3)`` kept as Python stays Python's ``float``)."""
        facts = self.backend.facts
        return all(self.expressions.static(n) or facts.is_python_value(n) or (
            isinstance(n, S.Name) and facts.is_loop_counter(n.id)) for n in nodes)

    def _number_of(self, conversion: str, node):
        """``int(x)``/``float(x)``/``bool(x)``/``round(x)`` of a value lax computes: the
        array of that kind (``int`` truncates toward zero as Python's does; ``round``
        rounds halves to even as Python's does), as the runtime gives it."""
        spell = self.backend.spell
        value = self.visit(node.args[0])
        if conversion == "round":
            value = spell.numpy("round", [value], node)
            conversion = "int"
        array = spell.numpy("asarray", [value], node)
        return method(array, "astype", [S.load(conversion)], node)

    def _ordered(self, builtin: str, node):
        """``sorted(v, key=f)``, ``min(v, key=f)``, ``max(v, key=f)`` where a key may be
        traced: ``_py2lax_sorted``/``_py2lax_extremum``, Python's rule with the order
        computed from traced keys (a stable ``jnp.argsort``; ``jnp.where`` one item at a
        time), as the runtime's ``py2lax.converted(sorted)`` gives it; Python's own
        builtin where every argument is static."""
        arguments = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        key = next((k.value for k in keywords if k.arg == "key"), None)
        static_key = key is not None and (
            (isinstance(key, S.Lambda) and self.expressions.static(key.body))  # `s.size`
            or (isinstance(key, S.Name) and key.id == "len")
            or (arguments and self._python_items(arguments[0]) and self._python_key(key)))
        if static_key or self._static(arguments + [k.value for k in keywords]) or any(
                isinstance(a, S.Starred) for a in arguments) or any(
                k.arg is None for k in keywords):
            return S.copy_location(S.Call(func=S.load(builtin), args=arguments,
                                          keywords=keywords), node)
        if builtin == "sorted":
            helper = helper_name(self.backend, "sorted", node)
            return S.copy_location(call(S.load(helper), arguments, None, keywords), node)
        helper = helper_name(self.backend, "extremum", node)
        return S.copy_location(call(S.load(helper), [S.load(builtin)] + arguments, None,
                                    keywords), node)

    def _python_items(self, items) -> bool:
        """Items known when tracing: a static value, or ``range(...)`` of static bounds
        (``range(len(edges))``)."""
        if (isinstance(items, S.Call) and isinstance(items.func, S.Name)
                and items.func.id == "range" and not items.keywords
                and not shadows_builtin(self.backend, "range")):
            return self._static(items.args)
        return self._static([items])

    def _python_key(self, key) -> bool:
        """``lambda k: edges[k][1] - edges[k][0]`` of Python items: a lambda reading
        only its parameters and Python values (``facts.is_python_value``), calling
        nothing: its keys are Python's too."""
        if not isinstance(key, S.Lambda):
            return False
        parameters = set(parameter_names(key.args))
        return not any(isinstance(n, (S.Call, S.Lambda, S.NamedExpr)) for n in S.walk(
            key.body)) and all(
            n.id in parameters or self._static([n]) for n in S.walk(key.body)
            if isinstance(n, S.Name))

    def _compared(self, builtin: str, node):
        """``max(a, b)``: Python's rule (``b if b > a else a``) as ``jnp.where`` when an
        argument may be traced; Python's builtin when all are static or the call has
        keywords or one iterable. ``any(v)``/``all(v)``: ``jnp.any``/``jnp.all``."""
        spell = self.backend.spell
        arguments = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        count = 1 if builtin in ("any", "all") else 2   # any(v); max(a, b, ...)
        if (count == 1 and len(arguments) == 1 and not keywords
                and (isinstance(arguments[0], S.ListComp) or (
                    isinstance(arguments[0], S.GeneratorExp)
                    and not self.expressions.may_have_effects(arguments[0])))):
            # any(x > t for x in v): the truth of every item, as a list (Python's short
            # circuit skips only items that change nothing; a list display makes every
            # item before any/all reads one)
            generator = arguments[0]
            arguments = [S.copy_location(S.ListComp(elt=generator.elt,
                                                    generators=generator.generators),
                                         generator)]
            if self._static_generator(generator) or (
                    isinstance(generator.elt, S.Call) and builtin_called(
                        self.backend, generator.elt) in _PYTHON_TRUTHS):
                return S.copy_location(S.Call(func=S.load(builtin), args=[generator],
                                              keywords=[]), node)
            values = spell.numpy("asarray", arguments + [S.load("bool")], node)
            return spell.numpy(builtin, [values], node)
        if count == 2 and len(arguments) == 1 and not keywords:
            items = arguments[0]
            if isinstance(items, (S.List, S.Tuple)) and len(items.elts) > 1:
                arguments = list(items.elts)  # max([a, b]) is max(a, b)
            elif isinstance(items, (S.Name, S.Attribute, S.Subscript)) and not self._static(
                    arguments) and not (isinstance(items, S.Name) and items.id in
                                        self.backend.loops.growth.names):
                # (a list a loop with `break` grew: `stopped_growth.rewrite_reads`)
                return self._extremum_of_items(builtin, items, node)
            elif isinstance(items, S.GeneratorExp) and self._traced_items(items):
                return self._extremum_of_generator(builtin, items, node)
        simple = not keywords and len(arguments) >= count and not any(
            isinstance(a, (S.Starred, S.GeneratorExp, S.ListComp)) for a in arguments)
        if not simple or self._static(arguments) or (count == 1 and len(arguments) != 1):
            return S.copy_location(S.Call(func=S.load(builtin), args=arguments,
                                          keywords=keywords), node)
        if count == 1:  # any(v): jnp.any of the truth values
            values = spell.numpy("asarray", arguments + [S.load("bool")], node)
            return spell.numpy(builtin, [values], node)
        comparison = S.Gt if builtin == "max" else S.Lt
        result = arguments[0]
        for value in arguments[1:]:
            test = S.Compare(left=value, ops=[comparison()], comparators=[result])
            result = spell.numpy("where", [test, S.deep_copy(value), S.deep_copy(result)], node)
        return result

    def _traced_items(self, generator) -> bool:
        """``max(x - t for x in v)``: a generator whose items may be traced, whose filters
        (if any) are static and which changes nothing: its items are all there is."""
        return (not self._static_generator(generator)
                and not self.expressions.may_have_effects(generator)
                and all(self.expressions.static(test) for clause in generator.generators
                        for test in clause.ifs))

    def _extremum_of_generator(self, builtin: str, generator, node):
        """``max(x - t for x in v)`` where the items may be traced:
        ``_py2lax_extremum(max, (x - t for x in v), key=lambda item: item)``, Python's
        builtin where every item is a Python value, else the first largest item chosen by
        ``jnp.where`` one comparison at a time, as Python compares them (Python's
        builtin compared traced items: JAX's raw TracerBoolConversionError)."""
        helper = helper_name(self.backend, "extremum", node)
        identity = lambda_of(["item"], S.load("item"))
        return S.copy_location(call(S.load(helper), [S.load(builtin), generator], None,
                                    [S.keyword(arg="key", value=identity)]), node)

    def _extremum_of_items(self, builtin: str, items, node):
        """``max(v)`` of a value that may be traced: ``jnp.max(jnp.reshape(v, len(v)))``,
        the largest item. The reshape raises for items that are not scalars (rows of a
        matrix, which Python compares as arrays and refuses), where ``jnp.max`` alone
        would answer for all their entries."""
        spell = self.backend.spell
        length = S.Call(func=S.load("len"), args=[S.deep_copy(items)], keywords=[])
        flat = spell.numpy("reshape", [items, length], node)
        return spell.numpy(builtin, [flat], node)

    def _ndenumerate(self, numpy_module, array, node):
        """``np.ndenumerate(M)`` (which jax.numpy lacks) of a value that may be traced:
        ``zip(np.ndindex(jnp.shape(M)), jnp.ravel(M))``, the same pairs in the same
        order, from the shape, which is known when tracing."""
        spell = self.backend.spell
        shape = spell.numpy("shape", [array], node)
        indices = call(S.Attribute(value=S.deep_copy(numpy_module), attr="ndindex",
                                   ctx=S.Load()), [shape], node)
        items = spell.numpy("ravel", [S.deep_copy(array)], node)
        return S.copy_location(S.Call(func=S.load("zip"), args=[indices, items],
                                      keywords=[]), node)

    def _static_generator(self, generator) -> bool:
        """Every name the generator reads is static or its own loop variable."""
        own = {n.id for g in generator.generators for n in S.walk(g.target)
               if isinstance(n, S.Name)}
        return all(n.id in own or self.expressions.static(n) or
                   self.backend.facts.is_python_value(n)
                   for n in S.walk(generator) if isinstance(n, S.Name)
                   and isinstance(n.ctx, S.Load) and n.id not in ("range", "len", "zip",
                                                                   "enumerate"))

    def _math(self, function, node):
        """``math.sqrt(x)`` on a value that may be traced: ``jnp.sqrt(x)`` (``math.floor``
        as an integer array, ``math.log(x, b)`` as ``jnp.log(x) / jnp.log(b)``)."""
        spell = self.backend.spell
        arguments = [self.visit(a) for a in node.args]
        if node.keywords or self._static(arguments) or any(
                isinstance(a, S.Starred) for a in arguments):
            return S.copy_location(S.Call(func=function, args=arguments,
                                          keywords=[self.visit(k) for k in node.keywords]),
                                   node)
        # On Python numbers (a helper's `math.log(v)` called with -1.0) the function
        # stays Python's, with its errors and result type: `_py2lax_math` chooses
        parameters = [f"_{k}" for k in range(len(arguments))]
        inner = [S.load(p) for p in parameters]
        if function.attr == "log" and len(arguments) == 2:
            value, base = (spell.numpy("log", [a], node) for a in inner)
            twin = S.BinOp(left=value, op=S.Div(), right=base)
        elif function.attr in _SPECIAL_TWINS:
            twin = call(spell.attribute("scipy", "special", _SPECIAL_TWINS[function.attr]),
                        inner, node)
        else:
            twin = spell.numpy(MATH_TWINS[function.attr], inner, node)
        if function.attr in INTEGRAL_MATH:
            integer = S.Attribute(value=spell.numpy_module(), attr="int32", ctx=S.Load())
            twin = call(S.Attribute(value=twin, attr="astype", ctx=S.Load()), [integer],
                        None)
        if isinstance(twin, S.Call) and all(isinstance(a, S.Name) for a in twin.args) and [
                a.id for a in twin.args] == parameters:
            twin = twin.func  # `jax.numpy.sqrt` itself, not a lambda calling it
        else:
            twin = lambda_of(parameters, twin)
        chooser = helper_name(self.backend, "math", node)
        return S.copy_location(call(S.load(chooser), [function, twin] + arguments, None),
                               node)

    def _numpy(self, path: list[str], node):
        """``np.sin(x)`` on a value that may be traced: ``jnp.sin(x)``; NumPy itself on
        static arguments, unless the result is updated by item (``.at`` needs JAX)."""
        arguments = [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        if path == ["ndenumerate"] and len(arguments) == 1 and not keywords and not (
                self._static(arguments)):
            return self._ndenumerate(node.func.value, arguments[0], node)
        if self._static(arguments + [k.value for k in keywords]) and id(
                node) not in self.backend.jax_arrays:
            return S.copy_location(S.Call(func=node.func, args=arguments, keywords=keywords),
                                   node)
        return S.copy_location(S.Call(func=self.backend.spell.numpy(".".join(path), [],
                                                                     None).func,
                                      args=arguments, keywords=keywords), node)


def _converted_function(call, record):
    """The function ``py2lax.converted(f)`` names, as the tree holds it now. A pass that
    moves a statement copies it (``return g()`` -> ``return_value = g()``), and the copy
    carries the original's record, whose operand the later passes never saw: ``super()``
    spelled out in the copy only, so a second run, reading the first one's output, wrote
    it another way."""
    if len(call.args) == 1 and not call.keywords:
        return call.args[0]
    return record.operands["function"]


def items_of_one_length(backend, name: str) -> bool:
    """``name`` is a list whose length no code changes: a list of numbers written
    only at positions (``vals[k] = vals[k] + x``, which a traced position writes by
    selection, ``Statements.selects_list_item``), or a display of values bound once
    (``vals = [xs[0], xs[1], xs[2]]``: numbers and items of one array at constant
    positions, which ``jnp.asarray`` stacks whatever the index is) and only read (by
    item, ``len``, a ``for``).
    Read at a traced position, its items are one jax array (``jnp.asarray(vals)[j]``:
    a negative position counts from the end, as Python's does); items of different
    shapes fail there with JAX's error."""
    if backend.statements._numbers_list(name):
        return True
    values = backend.facts.bindings.get(name, [])
    if name in backend.facts.parameters or len(values) != 1 or not isinstance(
            values[0], S.List) or not values[0].elts or not all(
            _one_shaped_item(e) for e in values[0].elts):
        return False
    function = backend.function
    uses = [n for n in S.walk(function) if isinstance(n, S.Name) and n.id == name]
    reads = {id(n.value) for n in S.walk(function) if isinstance(n, S.Subscript)
             and isinstance(n.ctx, S.Load) and isinstance(n.value, S.Name)
             and n.value.id == name}
    reads |= {id(a) for n in S.walk(function) if isinstance(n, S.Call)
              and _iterates(backend, n) for a in n.args[:1]}
    reads |= {id(n.iter) for n in S.walk(function) if isinstance(n, (S.For,
                                                                    S.comprehension))}
    return all(id(n) in reads or isinstance(n.ctx, S.Store) for n in uses) and sum(
        isinstance(n.ctx, S.Store) for n in uses) == 1


def _iterates(backend, node) -> bool:
    """``len(v)``, ``enumerate(v)`` (as written, or as the runtime's call the pipeline
    wrote): reads ``v``, changes nothing."""
    record = backend.records.of_call(node)
    if record is not None:
        return record.helper in ("enumerate", "zip")
    return isinstance(node.func, S.Name) and node.func.id in ("len", "enumerate")


def _one_shaped_item(node) -> bool:
    """A number (``1.5``, ``-2``) or an item of a named array at a constant position
    (``xs[0]``): the items of such a display stack into one array."""
    if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
        node = node.operand
    if isinstance(node, S.Constant):
        return type(node.value) in (int, float)
    return (isinstance(node, S.Subscript) and isinstance(node.value, S.Name)
            and isinstance(node.slice, S.Constant) and type(node.slice.value) is int)
