"""ConvertLogicalOps: ``and``/``or``/``not``, chained comparisons and ternaries.

Python evaluates these by calling ``bool()`` on an operand, which a traced value refuses.
They become runtime calls that keep Python's short-circuit meaning on static values and
combine truth values with ``jnp.logical_and``/``logical_or``/``logical_not`` (or
``lax.cond`` for a ternary) when traced. Operands after the first are wrapped in
``lambda`` so they are still evaluated only when Python would evaluate them.

Before::

    while i < n and err > tol: ...
    y = a if 0 < x < 1 else b

After::

    while py2lax.and_(i < n, lambda: err > tol): ...
    y = py2lax.if_exp(py2lax.and_(0 < x, lambda: x < 1), lambda: a, lambda: b)

``a in b`` becomes ``py2lax.in_(a, b)``: a membership test over traced values is one
traced bool.

A chained comparison whose middle operand is not a plain name or constant
(``0 < f(x) < 1``) becomes ``py2lax.compare(0, '<', lambda: f(x), '<', lambda: 1)`` so
that ``f(x)`` is evaluated once, as in Python.

``found is True`` (``is``/``is not`` with a bool constant) becomes ``py2lax.compare(found,
'is', lambda: True)`` and ``isinstance(flag, bool)`` (a number type) or ``type(y)`` in a
comparison become ``py2lax.converted(isinstance)(flag, bool)``: a variable a traced branch
or loop assigned Python bools (numbers) is a traced value standing for one, and the
runtime answers as Python does for it (``runtime/python_types``).

Expressions that are static from the code alone (``x.ndim == 2 and y is None``) are
left as they are. Nested functions are converted separately, when they are called.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.liveness import BREAK_FLAG
from py2lax.analysis.names import bound_names
from py2lax.analysis.static_values import is_static
from py2lax.transforms.loop_options import LOOP_OPTIONS
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.records import Records
from py2lax.transforms.print_and_assert import _joined

_SPELLINGS = {
    S.Lt: "<", S.LtE: "<=", S.Gt: ">", S.GtE: ">=", S.Eq: "==", S.NotEq: "!=",
    S.Is: "is", S.IsNot: "is not", S.In: "in", S.NotIn: "not in",
}


_TYPE_TESTS = {"isinstance", "type"}
_NUMBER_TYPES = {"bool", "int", "float", "complex", "Number", "Integral", "Real"}


def _identity_with_bool(node) -> bool:
    """``a is True``, ``a is not False``, ``True is a``: identity with a bool constant."""
    return isinstance(node.ops[0], (S.Is, S.IsNot)) and any(
        isinstance(o, S.Constant) and isinstance(o.value, bool)
        for o in (node.left, node.comparators[0]))


def _is_call_of(node, name: str) -> bool:
    return (isinstance(node, S.Call) and isinstance(node.func, S.Name)
            and node.func.id == name and len(node.args) == 1)


def _names_a_number_type(nodes) -> bool:
    """``bool``, ``(int, float)``, ``numbers.Real``: a class test a Python number answers."""
    for node in nodes:
        for inner in S.walk(node):
            name = inner.id if isinstance(inner, S.Name) else (
                inner.attr if isinstance(inner, S.Attribute) else None)
            if name in _NUMBER_TYPES:
                return True
    return False


# Classes a list, dict or set answers for (a masked stand-in must answer as one)
_CONTAINER_TYPES = {"list", "dict", "set", "frozenset", "tuple", "Sequence", "MutableSequence",
                    "Mapping", "MutableMapping", "Set", "MutableSet", "Collection", "Sized",
                    "Iterable", "Container", "Reversible"}


def _names_a_container_type(nodes) -> bool:
    """``list``, ``(list, tuple)``, ``collections.abc.Mapping``: a class test a list,
    dict or set answers."""
    return any((inner.id if isinstance(inner, S.Name) else inner.attr) in _CONTAINER_TYPES
               for node in nodes for inner in S.walk(node)
               if isinstance(inner, (S.Name, S.Attribute)))


def _assigned_strings(body) -> set[str]:
    """Names assigned a value that spells a string literal (``tag = "lo"``, ``tag = "hi"
    if c else "lo"``, ``tag = tag + "x"``): a traced ``if`` may leave them a choice of
    strings (``runtime/choices``), whose ``len`` is a traced number."""
    names = set()
    for statement in body:
        for node in S.walk(statement):
            if isinstance(node, (S.Assign, S.AugAssign, S.AnnAssign)) and node.value is not None:
                if _spells_a_string(node.value):
                    targets = node.targets if isinstance(node, S.Assign) else [node.target]
                    names.update(t.id for t in targets if isinstance(t, S.Name))
    return names


def _spells_a_string(value) -> bool:
    """``"lo"``, ``f"{x}"``, ``"hi" if c else "lo"``, ``tag + "x"``, ``"-".join(parts)``:
    a value whose own spelling makes it a string. A string given to a call
    (``obj.lookup("Manager")``) says nothing of what the call returns: counted, a second
    run took ``len(managers)`` in a first run's ``if len(managers) > 0:`` for a traced
    length and lowered the guard (not a fixed point; jedi's django plugin)."""
    if isinstance(value, S.Constant):
        return isinstance(value.value, str)
    if isinstance(value, S.JoinedStr):
        return True
    if isinstance(value, S.IfExp):
        return _spells_a_string(value.body) or _spells_a_string(value.orelse)
    if isinstance(value, S.BinOp):
        return _spells_a_string(value.left) or _spells_a_string(value.right)
    if isinstance(value, S.BoolOp):
        return any(_spells_a_string(v) for v in value.values)
    if isinstance(value, S.Subscript):
        return _spells_a_string(value.value)
    if isinstance(value, S.Call) and isinstance(value.func, S.Attribute):
        return _spells_a_string(value.func.value)  # `"-".join(...)`, `"ab".upper()`
    return False


_RESIZING = {"append", "extend", "insert", "pop", "remove", "clear", "add", "discard",
             "update", "setdefault", "popitem"}
_DISPLAYS = (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp)
_ARRAY_LIBRARIES = {"jax", "jnp", "lax", "np", "numpy"}
_READERS = {"len", "sum", "max", "min", "any", "all", "sorted", "print", "abs", "float",
            "int", "bool", "str", "repr", "isinstance", "list", "tuple", "set", "dict"}


def _resized_in_branches(body, static, records: Records,
                         displays_only: bool = True) -> set[str]:
    """Names assigned a list, dict or set display that an ``if`` whose test may be traced
    resizes (``L.append(v)``, ``d[k] = v``), or a ``for`` loop that a ``break`` may stop
    (``history.append(loss)`` until a traced test breaks): its length may be a traced
    number after it (``runtime/masked_containers``), so ``len``/``sum`` of it go through
    the runtime."""
    displays, lists = set(), set()
    for statement in body:
        for node in S.walk(statement):
            for names, value in _assigned_displays(node):
                displays |= names
                if isinstance(value, (S.List, S.ListComp)):
                    lists |= names
    resized = set()
    for statement in body:
        for node in S.walk(statement):
            if isinstance(node, S.For) and getattr(node, BREAK_FLAG, None):
                scope = node.body  # (normalize_exits marked it: the loop stops at a flag)
            elif isinstance(node, S.If) and not is_static(node.test, static):
                scope = node.body + node.orelse
            elif isinstance(node, (S.For, S.While)) and getattr(node, LOOP_OPTIONS, None):
                scope = node.body  # a bound for a traced trip count: a traced length after
            else:
                continue
            for inner in (n for branch in scope for n in S.walk(branch)):
                if isinstance(inner, S.Attribute) and inner.attr in _RESIZING and isinstance(
                        inner.value, S.Name):  # `L.append(v)`, `converted(L.append)(v)`
                    resized.add(inner.value.id)
                elif _sets_a_list_item(inner, lists, records):
                    continue  # `py2lax.setitem(L, i, v)`: `L[i] = v` keeps the length
                elif isinstance(inner, S.Call) and not (
                        isinstance(inner.func, S.Name) and inner.func.id in _READERS
                        or _reads_only(inner.func)):
                    # `py2lax.append(L, v)`, `trim(L)`: a helper may resize it
                    resized.update(a.id for a in inner.args if isinstance(a, S.Name))
                elif isinstance(inner, (S.Assign, S.AugAssign, S.Delete)):
                    targets = inner.targets if isinstance(inner, (S.Assign, S.Delete)) else [
                        inner.target]
                    # (`L[i] = v` keeps a list's length; `d[k] = v` may add a key, and
                    # `del`, a slice assignment resize either)
                    resized.update(t.value.id for t in targets if isinstance(t, S.Subscript)
                                   and isinstance(t.value, S.Name) and (
                                       t.value.id not in lists or isinstance(inner, S.Delete)
                                       or isinstance(t.slice, S.Slice)))
    return displays & resized if displays_only else resized


def _assigned_displays(node):
    """``(names, display)`` for each display an assignment gives to names: ``L = []``,
    and each of ``pos, neg = [], []`` (unpacked from a tuple of displays)."""
    if not isinstance(node, S.Assign):
        return []
    if isinstance(node.value, _DISPLAYS):
        return [({t.id for t in node.targets if isinstance(t, S.Name)}, node.value)]
    if not isinstance(node.value, (S.Tuple, S.List)):
        return []
    found = []
    for target in node.targets:
        if isinstance(target, (S.Tuple, S.List)) and len(target.elts) == len(node.value.elts):
            found.extend(({name.id}, value) for name, value in zip(target.elts, node.value.elts)
                         if isinstance(name, S.Name) and isinstance(value, _DISPLAYS))
    return found


def _reads_only(function) -> bool:
    """A function that never resizes the list it is given: jax's and NumPy's
    (``jnp.asarray(L)``, ``jax.lax.cond(t, f, g, L)``, which a --standalone run writes
    around a loop over ``L``) and a --standalone output's own ``_py2lax_`` helpers. Taken
    for a helper that may resize ``L``, a second run counted ``len(L)`` as traced and
    lowered the first run's ``if len(L) > 0:`` guard (not a fixed point)."""
    root = function
    while isinstance(root, S.Attribute):
        root = root.value
    if not isinstance(root, S.Name):
        return False
    if root is function:
        return root.id.startswith("_py2lax_")
    return root.id in _ARRAY_LIBRARIES


def _sets_a_list_item(node, lists: set[str], records: Records) -> bool:
    """``py2lax.setitem(L, i, v)`` (``L[i] = v`` rewritten) of a list, not at a slice."""
    record = records.of_call(node) if isinstance(node, S.Call) else None
    if record is None or record.helper != "setitem":
        return False
    target, index = record.operands["target"], record.operands["index"]
    return isinstance(target, S.Name) and target.id in lists and not isinstance(index, S.Slice)


def _is_simple(node) -> bool:
    """Operands that are cheap and side-effect free to evaluate twice."""
    if isinstance(node, (S.Name, S.Constant)):
        return True
    if isinstance(node, S.Attribute):
        return _is_simple(node.value)
    if isinstance(node, S.UnaryOp):
        return _is_simple(node.operand)
    return False


class _LogicalOps(S.NodeTransformer):
    def __init__(self, context: ConversionContext):
        self.context = context
        self.changed = False
        self.compared_types: set[int] = set()  # `type(y)` calls that a comparison reads
        self.assigned: set[str] = set()  # the function's own assigned variables
        self.strings: set[str] = set()  # those it assigns a string literal (`tag = "lo"`)
        self.resized: set[str] = set()  # lists/dicts a traced `if` may resize
        self.mutated: set[str] = set()  # any name a traced `if` may resize (`resized` too)
        self.parameters: set[str] = set()  # the function's parameters

    def _static(self, node) -> bool:
        return is_static(node, self.context.static_names)

    def _may_be_masked(self, node) -> bool:
        """A list or dict a traced ``if`` may have resized (a parameter's too), or
        ``list(...)``, ``.copy()``, ``.keys()``/``.values()``/``.items()`` of one: the
        runtime holds it as a masked one (``runtime/masked_containers``)."""
        node = _unwrapped(node, self.context)
        if isinstance(node, S.Call) and isinstance(node.func, S.Name) and (
                node.func.id == "list" and len(node.args) == 1):
            return self._may_be_masked(node.args[0])
        if isinstance(node, S.Call) and not node.args and isinstance(node.func, S.Attribute) and (
                node.func.attr in ("keys", "values", "items", "copy")):
            return self._may_be_masked(node.func.value)
        return isinstance(node, S.Name) and (node.id in self.resized
                                             or self._given_stand_in(node))

    def _given_only(self, node) -> bool:
        """A parameter that the function itself never resizes in a traced ``if``: only a
        container test (``isinstance(arg, list)``) needs the runtime's answer; others
        (``isinstance(arg, str)``) stay Python's, and static."""
        return isinstance(node, S.Name) and node.id not in self.mutated

    def _given_stand_in(self, node) -> bool:
        """A parameter (under the decorator): the caller may pass a list or dict a traced
        ``if`` of its own resized, which the runtime holds as a masked stand-in
        (``runtime/masked_containers``); ``isinstance(arg, list)`` in a helper must answer
        for the list it stands for, as the caller's own does, and ``len(arg)``,
        ``sum(arg)``, ``list(arg)`` give the traced count, sum and masked copy the
        caller's own would (on any other value they are Python's, and static)."""
        return (isinstance(node, S.Name) and node.id in self.parameters
                and self.context.module_names is not None and not self.context.standalone
                and not self._static(node))

    def _may_stand_for_a_number(self, node) -> bool:
        """A variable the function assigns (a parameter it rebinds too): a traced ``if``
        or loop may have made it a traced value standing for a Python number. (An
        attribute's identity and type, and a parameter's that the function never
        rebinds, are left to Python: ``if verbose is True``.)"""
        return (isinstance(node, S.Name) and node.id in self.assigned
                and not self._static(node))

    def _may_stand_for_a_container(self, node) -> bool:
        """A name a traced ``if`` may have resized in place (``L.append(v)`` in one
        branch, a parameter's list too): the runtime holds a masked list for it, whose
        type tests must answer ``list`` (``runtime/python_types.stand_in_type``)."""
        return ((isinstance(node, S.Name) and node.id in self.mutated
                 and not self._static(node)
                 and not self.context.standalone)  # (plain lax has no stand-ins)
                or self._given_stand_in(node))

    def _replace(self, original, replacement):
        self.changed = True
        self.context.records.replaced(original, replacement)
        return S.set_location(S.copy_location(replacement, original), original)

    def visit_FunctionDef(self, node):
        return node  # nested functions are converted on their own, when called

    def visit_For(self, node):
        """``for k, v in d.items()`` over a dict a traced ``if`` may have resized (a
        parameter's too): ``py2lax.converted(d.items)()``, so the loop is lowered and
        the runtime runs it over the masked dict's view, where Python's loop over a
        dict's view (the lowering's reading of ``d.items()``) would be refused."""
        self.generic_visit(node)
        view = node.iter
        if (isinstance(view, S.Call) and not view.args and not view.keywords
                and isinstance(view.func, S.Attribute)
                and view.func.attr in ("items", "keys", "values")
                and not self.context.standalone  # (plain lax has no masked dicts)
                and self._may_be_masked(view.func.value)):
            self._converted_builtin(view)
        return node

    def visit_Subscript(self, node):
        """``WEIGHTS[mode]`` with a key that may be a string a traced ``if`` chose:
        ``py2lax.getitem(WEIGHTS, mode)``, the item for each possible key, chosen as
        traced values are (``runtime/choices``). Only the decorator rewrites (the values
        are known there)."""
        self.generic_visit(node)
        if (self.context.module_names is None or not isinstance(node.ctx, S.Load)
                or not isinstance(node.slice, S.Name) or node.slice.id not in self.strings
                or self._static(node.slice)):
            return node
        self.changed = True
        call = self.context.call("getitem", node.value, node.slice, line=node.lineno,
                                 target=node.value, index=node.slice)
        return S.set_location(S.copy_location(call, node), node)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_BoolOp(self, node):
        self.generic_visit(node)  # (`item is True and ...`: its identity tests first)
        if self._static(node):
            return node
        helper = "and_" if isinstance(node.op, S.And) else "or_"
        first, *rest = node.values
        call = self.context.call(helper, first, *[S.thunk(v) for v in rest],
                                 line=node.lineno, operands=[first, *rest])
        return self._replace(node, call)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, S.Not) or self._static(node):
            return node
        return self._replace(node, self.context.call(
            "not_", node.operand, line=node.lineno, operand=node.operand,
            written_by_user=not S.is_generated(node)))

    def visit_Call(self, node):
        """``isinstance(flag, bool)``, and ``type(y)`` compared with a type: the runtime
        answers for the Python number a traced value stands for (see
        ``runtime/python_types``). ``(a if c else b).append(x)``: see
        :meth:`_method_of_either`."""
        receiver = self._conditional_receiver(node)
        if receiver is not None:
            return self._method_of_either(node, receiver)
        self.generic_visit(node)
        function = node.func
        if (isinstance(function, S.Attribute) and isinstance(function.value, S.Constant)
                and isinstance(function.value.value, str) and hasattr(str, function.attr)
                and "str" not in self.context.local_names and not node.keywords
                and any(isinstance(n, S.Name) and n.id in self.strings and not self._static(n)
                        for a in node.args for n in S.walk(a))):
            # `"-".join([tag, "y"])`: str's method, for each string a traced `if` chose
            method = S.Attribute(value=S.load("str"), attr=function.attr, ctx=S.Load())
            node.func = self.context.call("converted", method, function=method)
            node.args = [function.value, *node.args]
            self.changed = True
            return node
        if (isinstance(function, S.Name) and function.id in ("getattr", "hasattr")
                and function.id not in self.context.local_names and len(node.args) >= 2
                and isinstance(node.args[1], S.Name) and node.args[1].id in self.strings
                and not self._static(node.args[1])):
            return self._converted_builtin(node)  # an attribute name a traced `if` chose
        if isinstance(function, S.Name) and function.id == "pow" and len(node.args) == 3 and (
                "pow" not in self.context.local_names and not node.keywords
                and not all(self._static(a) for a in node.args)):
            return self._converted_builtin(node)  # `pow(b, e, m)`: JAX's ** takes no modulus
        if (isinstance(function, S.Name) and function.id == "len" and len(node.args) == 1
                and "len" not in self.context.local_names and not node.keywords
                and isinstance(node.args[0], S.Name) and node.args[0].id in self.strings
                and not self._static(node.args[0])):
            return self._converted_builtin(node)  # a string a traced `if` chose: traced length
        if (isinstance(function, S.Name) and function.id in ("len", "sum", "list")
                and function.id not in self.context.local_names and len(node.args) >= 1
                and not node.keywords and self._may_be_masked(node.args[0])):
            return self._converted_builtin(node)  # a list a traced `if` resized: traced count
        if not (isinstance(function, S.Name) and function.id in _TYPE_TESTS
                and function.id not in self.context.local_names and node.args
                and not node.keywords):
            return node
        if self._may_stand_for_a_container(node.args[0]) and not (
                function.id == "isinstance" and self._given_only(node.args[0])
                and not _names_a_container_type(node.args[1:])):
            return self._converted_builtin(node)  # a masked list stands for a list
        if not self._may_stand_for_a_number(node.args[0]):
            return node
        if function.id == "isinstance" and not _names_a_number_type(node.args[1:]):
            return node
        if function.id == "type" and id(node) not in self.compared_types:
            return node
        return self._converted_builtin(node)

    def visit_FormattedValue(self, node):
        """A format spec (``f"{arg:^{width}}"``) stays an f-string's part: only its own
        ``{...}`` parts convert (a call there does not print, nor compile)."""
        node.value = self.visit(node.value)
        if node.format_spec is not None:
            self.generic_visit(node.format_spec)
        return node

    def visit_JoinedStr(self, node):
        """``f"{tag}{m}"`` of a variable that may hold a string a traced ``if`` chose:
        ``py2lax.converted(str.format)("{}{}", tag, m)``, the same string for each
        possible one (``runtime/choices``); Python's ``format`` of such a value needs
        one string."""
        self.generic_visit(node)  # (`{"i" if is_signed else "u"}`: its parts convert too)
        if "str" in self.context.local_names or not any(
                isinstance(part, S.FormattedValue) and isinstance(part.value, S.Name)
                and part.value.id in self.strings and not self._static(part.value)
                for part in node.values):
            return node
        values: list = []
        template = _joined(node, values)
        if template is None:
            return node
        function = S.Attribute(value=S.load("str"), attr="format", ctx=S.Load())
        converted = self.context.call("converted", function, function=function)
        call = S.Call(func=converted, args=[S.Constant(value=template, kind=None), *values],
                      keywords=[])
        self.changed = True
        # (an emitter that calls `str.format` itself still writes what the user did not)
        self.context.records.change(getattr(node, "lineno", 0), "f-string as str.format")
        return S.set_location(S.copy_location(call, node), node)

    def _converted_builtin(self, node):
        """``f(...)`` -> ``py2lax.converted(f)(...)``: the runtime's version of a builtin."""
        self.changed = True
        function = node.func
        node.func = S.copy_location(
            self.context.call("converted", function, function=function), function)
        return node

    def _conditional_receiver(self, node):
        """``(a.m, wrapper)`` for ``(a if c else b).m(...)`` (``wrapper``: the
        ``py2lax.converted(...)`` call around the method, or None) when ``c`` may be
        traced, else None."""
        function, wrapper = node.func, None
        record = self.context.records.of_call(function) if isinstance(function, S.Call) else None
        if record is not None and record.helper == "converted" and len(function.args) == 1:
            function, wrapper = function.args[0], function
        if (isinstance(function, S.Attribute) and isinstance(function.value, S.IfExp)
                and not self._static(function.value.test)):
            return function, wrapper
        return None

    def _method_of_either(self, node, receiver):
        """``(a if c else b).m(x)`` -> ``a.m(x) if c else b.m(x)``, the same thing in Python
        (the method runs on the object the test chose, after it): a traced ``c`` then runs
        each call in its own ``lax.cond`` branch, which carries what it changes in ``a``
        or ``b`` (or refuses it at the line), instead of changing a copy lax returned."""
        method, wrapper = receiver
        chosen = method.value
        calls = []
        for operand in (chosen.body, chosen.orelse):
            function = S.copy_location(S.Attribute(value=S.deep_copy(operand), attr=method.attr,
                                                   ctx=S.Load()), method)
            if wrapper is not None:  # `py2lax.converted(a.m, result_unused=True)`, again
                keywords = [(k.arg, S.deep_copy(k.value)) for k in wrapper.keywords]
                function = S.copy_location(self.context.call(
                    "converted", function, keywords=keywords, line=node.lineno,
                    function=function), wrapper)
            calls.append(S.set_location(S.copy_location(S.Call(
                func=function, args=S.deep_copy(node.args),
                keywords=S.deep_copy(node.keywords)), node), node))
        either = S.set_location(S.copy_location(
            S.IfExp(test=chosen.test, body=calls[0], orelse=calls[1]), node), node)
        return self.visit_IfExp(either)

    def visit_Compare(self, node):
        self.compared_types.update(id(operand) for operand in [node.left, *node.comparators]
                                   if _is_call_of(operand, "type"))
        self.generic_visit(node)
        if len(node.ops) == 1 and _identity_with_bool(node) and any(
                self._may_stand_for_a_number(o) for o in (node.left, node.comparators[0])):
            # `found is True`: a variable a traced `if` set to True or False is traced
            return self._replace(node, self._compare_call(node))
        if self._static(node):
            return node
        if len(node.ops) == 1 and isinstance(node.ops[0], (S.In, S.NotIn)):
            # `c in banned`: Python calls bool() on each `==`, which a traced value refuses
            call = self.context.call("in_", node.left, node.comparators[0], line=node.lineno,
                                     item=node.left, container=node.comparators[0])
            if isinstance(node.ops[0], S.NotIn):
                call = self.context.call("not_", call, line=node.lineno, operand=call)
            return self._replace(node, call)
        if len(node.ops) == 1:
            return node
        operands = [node.left, *node.comparators]
        if not all(_is_simple(o) for o in operands[1:-1]):
            return self._replace(node, self._compare_call(node))
        pairs = [
            S.Compare(left=S.deep_copy(operands[i]), ops=[op], comparators=[operands[i + 1]])
            for i, op in enumerate(node.ops)
        ]
        for pair in pairs:
            S.set_location(pair, node)
        first, *rest = pairs
        call = self.context.call("and_", first, *[S.thunk(p) for p in rest], line=node.lineno,
                                 operands=pairs)
        return self._replace(node, call)

    def _compare_call(self, node):
        """``py2lax.compare(a, '<', lambda: b, ...)``: each operand evaluated once."""
        arguments = [node.left]
        for operator_node, operand in zip(node.ops, node.comparators):
            arguments += [S.Constant(value=_SPELLINGS[type(operator_node)], kind=None),
                          S.thunk(operand)]
        return self.context.call("compare", *arguments, line=node.lineno,
                                 operands=[node.left, *node.comparators],
                                 ops=[_SPELLINGS[type(o)] for o in node.ops])

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if self._static(node.test):
            return node
        call = self.context.call("if_exp", node.test, S.thunk(node.body), S.thunk(node.orelse),
                                 line=node.lineno, test=node.test, body=node.body,
                                 orelse=node.orelse)
        return self._replace(node, call)


def _unwrapped(call, context):
    """``f(...)`` for a call ``py2lax.converted(f)(...)`` an earlier pass made; ``call``
    itself otherwise."""
    if isinstance(call, S.Call) and isinstance(call.func, S.Call):
        record = context.records.of_call(call.func)
        if record is not None and record.helper == "converted" and call.func.args:
            return S.Call(func=call.func.args[0], args=call.args, keywords=call.keywords)
    return call


def _copies(body, transformer) -> set[str]:
    """Names assigned ``list(L)`` or ``L.copy()`` of a list a traced ``if`` may have
    resized (a parameter's too): the copy is masked as ``L`` is, so ``len``/``sum`` of it
    go through the runtime as well."""
    copies, grown = set(), True
    while grown:
        grown = False
        for node in (n for statement in body for n in S.walk(statement)):
            if not (isinstance(node, S.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], S.Name) and isinstance(node.value, S.Call)):
                continue
            call = _unwrapped(node.value, transformer.context)
            source = (call.args[0] if isinstance(call.func, S.Name) and call.func.id == "list"
                      and len(call.args) == 1 else call.func.value
                      if isinstance(call.func, S.Attribute) and call.func.attr == "copy"
                      and not call.args else None)
            if not isinstance(source, S.Name) or node.targets[0].id in copies:
                continue
            if source.id in copies or transformer._may_be_masked(source):
                copies.add(node.targets[0].id)
                grown = True
    return copies


def convert_logical_ops(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite the body of ``function`` in place; return whether anything changed."""
    transformer = _LogicalOps(context)
    transformer.assigned = bound_names(function.body)  # parameters it rebinds too
    transformer.strings = _assigned_strings(function.body)
    transformer.resized = _resized_in_branches(function.body, context.static_names,
                                                 context.records)
    transformer.mutated = _resized_in_branches(function.body, context.static_names,
                                                 context.records, displays_only=False)
    arguments = function.args
    transformer.parameters = {a.id if isinstance(a, S.Name) else a.arg for a in (
        *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    transformer.resized |= _copies(function.body, transformer)
    function.body = S.visit_statements(transformer, function.body)
    return transformer.changed
