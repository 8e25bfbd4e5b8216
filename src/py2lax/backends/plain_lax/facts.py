"""What the code says about a function's values, for choices the runtime makes by looking.

The runtime sees whether ``rows`` is a list or an array when ``rows[i] = v`` runs; the
command line reads it from the code: a name every assignment binds to a list, dict or set
display (or comprehension, ``list(...)``, ``[0] * n``) is a Python container, whose
update stays a Python statement; anything else that is updated by item is taken for an
array, which gets ``.at[...]``. Likewise a value built from comparisons is a boolean
(a mask, when it indexes), and a name bound to a NumPy call that is later updated by item
is made a ``jax.numpy`` array, the way the runtime turns a NumPy array into a JAX array
when a traced value is stored in it.

A wrong guess is never a silent wrong answer: ``.at`` on a list and an item assignment on
a JAX array both raise.
"""

from __future__ import annotations

import builtins

from py2lax.frontend import syntax as S
from py2lax.analysis.closures import lax_callbacks
from py2lax.analysis.names import parameter_names
from py2lax.analysis.static_values import STATIC_ATTRIBUTES, array_tested
from py2lax.analysis.traced_names import NUMPY_NAMES

CONTAINER_CALLS = {"list", "dict", "set", "sorted", "defaultdict", "OrderedDict", "deque",
                   "Counter", "_py2lax_sorted"}  # (a first run's `sorted`)
_COPIES = {"copy", "deepcopy"}
# methods whose result is always a new Python list (`line.split()`, `jnp.split(x, 3)`,
# `a.tolist()`, `f.readlines()`)
_LIST_METHODS = {"split", "rsplit", "splitlines", "tolist", "readlines"}
BOOLEAN_FUNCTIONS = {"logical_and", "logical_or", "logical_not", "logical_xor", "isnan",
                     "isinf", "isfinite", "any", "all", "array_equal", "allclose", "isin",
                     "isclose", "signbit", "greater", "less", "equal", "not_equal",
                     "greater_equal", "less_equal", "isneginf", "isposinf"}
BOOLEAN_HELPERS = {"and_", "or_", "not_", "compare", "in_"}
# calls and methods whose value is a string (`bin(n)[2:]`, `word.lower()`)
_TEXT_CALLS = {"str", "repr", "ascii", "bin", "hex", "oct", "chr", "format"}
# (only strings have these; `replace` and `format` also name other objects' methods,
# such as a flax struct's `state.replace(...)`, and count where called on a string)
_TEXT_METHODS = {"join", "lower", "upper", "strip", "lstrip", "rstrip", "zfill", "ljust",
                 "rjust", "center", "title", "capitalize", "casefold", "swapcase",
                 "expandtabs", "removeprefix", "removesuffix"}
_TEXT_IF_ON_TEXT = {"replace", "format"}
_SELF_UPDATES = {"setitem", "setattr_", "append", "extend", "Undefined", "in_place_method"}
_BUILTINS = set(dir(builtins))
_MODULES = NUMPY_NAMES | {"jax", "jnp", "lax", "math", "functools", "itertools", "operator"}


class Facts:
    """Bindings of one converted function (its generated functions included); ``outer``:
    the facts of the function a nested one is defined in."""

    def __init__(self, function: S.FunctionDef, records, static_names=frozenset(),
                 outer: "Facts | None" = None):
        self.records, self.outer = records, outer
        self.static_names = set(static_names)
        self.parameters = set(parameter_names(function.args))
        # a first run's lax functions, read again, count as generated ones
        callbacks = lax_callbacks(function)
        generated = {id(d) for r in records.lowered for d in r.definitions} | callbacks
        self.bindings: dict[str, list] = {name: [None] for name in self.parameters}
        self.updated: set[str] = set()   # roots of item assignments
        self._items: list = []            # (loop variable, what it iterates)
        self.aliased: set[str] = set()   # names stored, passed or assigned as a value
        self.indexed: set[str] = set()   # names read as `name[...]` or `name.attribute`
        self.mutated: set[str] = set()   # names updated by item, attribute or append
        # names changed in place (`+=`, in place for a list; item, attribute, `append`)
        self.augmented: set[str] = set()
        self._parts: list = []            # (name, owner): `hist = results["loss"]`
        self._counters: list = []         # (name, iterable): `for i in range(n)`, Python's
        self.python_counters: set[str] = set()  # indices of loops the backend keeps Python
        self.static_items: set[str] = set()  # items of Python loops over static values
        self._same: dict[str, set] = {}   # names one assignment gives the same object
        self._defined: set[str] = set()   # names a nested `def` (or `class`) binds
        # statements Python's item assignment is dispatched to (`if isinstance(x, list)`,
        # the `else` of `if isinstance(x, jax.Array)`)
        self.list_guarded: dict[int, str] = {}
        self.array_attributes: set[str] = set()  # names whose `.shape`/`.at`... are read
        # statements right after `if isinstance(x, jax.Array) and x.ndim: raise ...`
        self.array_guarded: dict[int, str] = _array_guarded(function)
        # statements right after `if _py2lax_numpy_given_traced(v, ...): raise ...`
        self.traced_guarded: dict[int, str] = _traced_guarded(function)
        # statements right before `if jnp.ndim(row): raise TypeError("... is a row of ...")`
        self.row_guarded: dict[int, str] = _row_guarded(function)
        for record in records.lowered:  # `for r in records`: an item of a container
            iteration = getattr(record.iteration, "iterable", None)
            if record.kind == "for" and iteration is not None and record.item:
                self._items.append((record.item, iteration))
        todo, skipped = list(function.body), _shared_prologue(function)
        while todo:
            node = todo.pop()
            if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Lambda)):
                if id(node) in generated:
                    todo += node.body if isinstance(node.body, list) else [node.body]
                    skipped |= _shared_prologue(node, unpacking=id(node) in callbacks)
                elif not isinstance(node, S.Lambda):
                    self._defined.add(node.name)
                continue
            if id(node) in skipped:
                continue
            self._bind(node)
            todo += S.iter_child_nodes(node)

    def _bind(self, node) -> None:
        if isinstance(node, (S.Subscript, S.Attribute)) and isinstance(node.value, S.Name):
            self.indexed.add(node.value.id)
            if isinstance(node, S.Attribute) and node.attr in _ARRAY_ATTRIBUTES:
                self.array_attributes.add(node.value.id)
        if isinstance(node, S.If):
            guarded, python = _list_test(node.test), node.body
            if guarded is None:  # `if isinstance(x, jax.Array): ... else: x[i] = v`
                guarded, python = _jax_array_test(node.test), node.orelse
            if guarded is not None:
                for inner in python:
                    for statement in S.walk(inner):
                        self.list_guarded[id(statement)] = guarded
        self._note_aliases(node)
        if isinstance(node, S.Assign):
            record = self.records.of_call(node.value)
            if record is not None and record.helper in _SELF_UPDATES:
                names = {t.id for t in node.targets if isinstance(t, S.Name)}
                self.mutated |= names
                if record.helper != "Undefined":
                    self.augmented |= names
                if record.helper == "setitem":
                    self.updated |= names
                return
            if record is not None and record.helper == "written_through":
                return  # `a = py2lax.written_through(a)`: the same object, as it was
            if any(r.call is node for r in self.records.lowered) or _lax_call(node.value):
                return  # `a, b = lax.cond(...)`: the carried names, as they were
            if record is not None and record.helper == "augassign":
                self.augmented |= {t.id for t in node.targets if isinstance(t, S.Name)}
            for target in node.targets:
                if isinstance(target, S.Name):
                    self.bindings.setdefault(target.id, []).append(node.value)
                elif _unpacked_display(target, node.value):
                    # `pos, neg = [], []`: each name holds its own item of the display
                    for inner, value in zip(target.elts, node.value.elts):
                        self.bindings.setdefault(inner.id, []).append(value)
                else:
                    for name in _names(target):
                        self.bindings.setdefault(name, []).append(None)
        elif isinstance(node, S.AugAssign) and isinstance(node.target, S.Name):
            value = S.BinOp(left=S.load(node.target.id), op=node.op, right=node.value)
            self.bindings.setdefault(node.target.id, []).append(value)
            self.augmented.add(node.target.id)
        elif isinstance(node, S.AnnAssign) and isinstance(node.target, S.Name) and node.value:
            self.bindings.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (S.For, S.comprehension)):
            counter = loop_counter(node, self.records)
            if counter is not None:
                self._counters.append((counter, node.iter))
            if isinstance(node.target, S.Name):
                self._items.append((node.target.id, node.iter))
            for name in _names(node.target):
                self.bindings.setdefault(name, []).append(None)
        elif isinstance(node, S.withitem) and node.optional_vars is not None:
            for name in _names(node.optional_vars):
                self.bindings.setdefault(name, []).append(None)
        elif isinstance(node, S.NamedExpr):
            self.bindings.setdefault(node.target.id, []).append(node.value)

    def _note_aliases(self, node) -> None:
        """Names whose object another name may reach: assigned to another name or into a
        container (``rows = [d]``, ``rows.append(d)``, ``m[k] = d``), or passed to a call
        of the user's (which may keep it). A returned value and what lax carries are not
        kept by another name."""
        values = []
        if isinstance(node, S.Assign):
            values = [node.value] + list(getattr(node.value, "elts", []))
            values += list(getattr(node.value, "values", []) or [])
        elif isinstance(node, S.Call) and not _lax_call(node) and _may_keep(
                self._callee(node.func)):
            record = self.records.of_call(node)
            if record is not None and record.helper in ("append", "extend", "setitem"):
                value = record.operands.get("value")
                values = [value] + list(getattr(value, "elts", []))
            elif record is None and not any(r.call is not None and r.call.value is node
                                            for r in self.records.lowered):
                values = list(node.args) + [k.value for k in node.keywords]
        self.aliased |= {v.id for v in values if isinstance(v, S.Name)}
        if isinstance(node, S.Assign):  # `lo = hi = np.zeros(2)`, `cur = prev`: one object
            names = [t.id for t in node.targets if isinstance(t, S.Name)]
            if isinstance(node.value, S.Name):
                names.append(node.value.id)
            for first in names:
                self._same.setdefault(first, set()).update(n for n in names if n != first)
        if isinstance(node, S.Assign) and isinstance(node.value, (S.Subscript, S.Attribute)):
            owner = node.value
            while isinstance(owner, (S.Subscript, S.Attribute)):
                owner = owner.value
            if isinstance(owner, S.Name):
                self._parts += [(t.id, owner.id) for t in node.targets
                                if isinstance(t, S.Name) and t.id != owner.id]

    def _callee(self, function):
        """The function called, seen through ``py2lax.converted(f)``."""
        record = self.records.of_call(function)
        if record is not None and record.helper == "converted":
            return record.operands.get("function", function)
        return function

    # -- kinds -----------------------------------------------------------------------
    def holds_function(self, name: str) -> bool:
        """Every binding of ``name`` is a nested ``def`` or a ``lambda``: a static Python
        value, which a lax function closes over (lax takes only arrays as operands)."""
        values = self.bindings.get(name, [])
        if name in self.parameters or any(not isinstance(v, S.Lambda) for v in values):
            return False
        return bool(values) or name in self._defined

    def is_container(self, node) -> bool:
        """A list, dict or set: ``[...]``, ``{...}``, a comprehension, ``list(...)``,
        ``s.split()``, a name only ever bound to one, or an item of a container of
        containers."""
        return self._container(node, set())

    def _container(self, node, seen: set) -> bool:
        if isinstance(node, (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp)):
            return True
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.Mult, S.Add)):
            return (isinstance(node.left, (S.List, S.ListComp))
                    or isinstance(node.right, (S.List, S.ListComp)))
        if isinstance(node, S.Call):
            function = node.func
            if isinstance(function, S.Name):
                return function.id in CONTAINER_CALLS
            if isinstance(function, S.Attribute) and function.attr in _COPIES:
                owner = node.args[0] if node.args else function.value
                return self._container(owner, seen)
            return isinstance(function, S.Attribute) and function.attr in _LIST_METHODS
        if isinstance(node, S.Subscript):
            keyed = self._keyed_item(node, seen)
            if keyed is not None:
                return self._container(keyed, seen)
            return self._holds_containers(node.value, seen)
        if isinstance(node, S.Name):
            inner = seen | {node.id}  # `for a in (a, b)` reads its own name
            if node.id not in seen and any(
                    name == node.id and self._holds_containers(iterable, inner)
                    for name, iterable in self._items):
                return True  # `for r in records:` over a list of dicts
            values = self.bindings.get(node.id) or []
            real = [v for v in values if not _placeholder_value(v)]
            if real and len(real) < len(values) and all(v is not None for v in real):
                # `r = locals().get('r', py2lax.Undefined('r'))` before a loop that binds
                # it: the name holds what the loop gives it
                return all(self._container(v, inner) for v in real)
            return self._all_bindings(node.id, seen, self._container)
        return False

    def _keyed_item(self, node: S.Subscript, seen: set):
        """``results["loss"]`` of ``results = {"loss": [], ...}`` (its only binding): the
        value the display gives that key."""
        if not (isinstance(node.value, S.Name) and isinstance(node.slice, S.Constant)):
            return None
        name = node.value.id
        values = self.bindings.get(name)
        if values in (None, [None]) and self.outer is not None:
            return self.outer._keyed_item(node, seen)  # the enclosing function's variable
        if name in seen or not values or len(values) != 1 or not isinstance(
                values[0], S.Dict):
            return None
        for key, value in zip(values[0].keys, values[0].values):
            if isinstance(key, S.Constant) and key.value == node.slice.value:
                return value
        return None

    def _holds_containers(self, node, seen: set) -> bool:
        """A container whose items are containers (``[[0] * n for _ in range(m)]``)."""
        if isinstance(node, (S.List, S.Tuple)):
            return bool(node.elts) and all(self._container(e, seen) for e in node.elts)
        if isinstance(node, S.ListComp):
            return self._container(node.elt, seen)
        if isinstance(node, S.BinOp) and isinstance(node.op, S.Mult):
            return any(isinstance(side, S.List) and self._holds_containers(side, seen)
                       for side in (node.left, node.right))
        if isinstance(node, S.Name):
            return self._all_bindings(node.id, seen, self._holds_containers)
        return False

    def _all_bindings(self, name: str, seen: set, test) -> bool:
        if name in seen:
            return True
        values = self.bindings.get(name)
        if values in (None, [None]) and self.outer is not None:
            # a parameter of a nested function given to lax (`def if_true_5(items)`):
            # it receives the enclosing function's variable of that name; a name the
            # nested function never binds is that variable itself
            return self.outer._all_bindings(name, seen, getattr(self.outer, test.__name__))
        if not values or any(v is None for v in values):
            return False
        seen = seen | {name}
        return all(test(v, seen) for v in values)

    def is_boolean(self, node) -> bool:
        """A value built from comparisons, ``not``, ``True``/``False`` or logical
        functions: a bool (an array of them, for a mask)."""
        return self._boolean(node, set())

    def _boolean(self, node, seen: set) -> bool:
        if isinstance(node, S.Compare):
            return True
        if isinstance(node, S.Constant):
            return type(node.value) is bool
        if isinstance(node, S.UnaryOp):
            return isinstance(node.op, S.Not) or (
                isinstance(node.op, S.Invert) and self._boolean(node.operand, seen))
        if isinstance(node, S.BoolOp):
            return all(self._boolean(v, seen) for v in node.values)
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.BitAnd, S.BitOr, S.BitXor)):
            return self._boolean(node.left, seen) and self._boolean(node.right, seen)
        if isinstance(node, S.Call):
            record = self.records.of_call(node)
            if record is not None:
                if record.helper in ("not_", "compare", "in_"):
                    return True
                if record.helper in ("and_", "or_"):
                    return all(self._boolean(o, seen) for o in record.operands["operands"])
                return False
            function = node.func
            if isinstance(function, S.Name):
                return function.id in ("bool", "isinstance", "issubclass", "callable",
                                       "hasattr")
            return isinstance(function, S.Attribute) and function.attr in BOOLEAN_FUNCTIONS
        if isinstance(node, S.Name):
            return self._all_bindings(node.id, seen, self._boolean)
        return False

    def is_text(self, node) -> bool:
        """A string: a literal, an f-string, ``bin(n)[2:]``, ``"0" * k + s``, ``s.lower()``,
        ``a if t else ""`` of strings, or a name only ever bound to one (``name += "
        #2"`` binds ``name + " #2"``, a string). Never traced:
        its characters are Python values (a loop over them stays Python)."""
        return self._text(node, set())

    def _text(self, node, seen: set) -> bool:
        if isinstance(node, S.Constant):
            return isinstance(node.value, (str, bytes))
        if isinstance(node, S.JoinedStr):
            return True
        if isinstance(node, S.Subscript):
            return self._text(node.value, seen)
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.Add, S.Mult)):
            # (`s + "ab"`, `"0" * k`: a string, or Python's TypeError)
            return self._text(node.left, seen) or self._text(node.right, seen)
        if isinstance(node, S.BinOp) and isinstance(node.op, S.Mod):
            return self._text(node.left, seen)  # `"%d items" % n`
        if isinstance(node, S.IfExp):
            return self._text(node.body, seen) and self._text(node.orelse, seen)
        if isinstance(node, S.Call):
            record = self.records.of_call(node)
            if record is not None and record.helper == "augassign":  # `s += " #2"`
                return record.operands.get("op") in ("+=", "*=") and self._text(
                    record.operands["value"], seen)
            if record is not None:  # `py2lax.if_exp(t, lambda: bin(n)[2:], lambda: "")`
                return record.helper == "if_exp" and all(
                    self._text(record.operands[k], seen) for k in ("body", "orelse"))
            function = node.func
            if isinstance(function, S.Name):
                return function.id in _TEXT_CALLS and function.id not in self.bindings
            return isinstance(function, S.Attribute) and (function.attr in _TEXT_METHODS or (
                function.attr in _TEXT_IF_ON_TEXT and self._text(function.value, seen)))
        if isinstance(node, S.Name):
            return self._all_bindings(node.id, seen, self._text)
        return False

    def is_python_value(self, node) -> bool:
        """A value made of Python literals only (``'i'``, ``[1, 2]``, ``types[i]`` of
        ``types = ['i', 'd']``): never traced, whatever the index."""
        return self._python_value(node, set())

    def _python_value(self, node, seen: set) -> bool:
        if isinstance(node, S.Constant):
            return True
        if isinstance(node, (S.List, S.Tuple, S.Set)):
            return all(self._python_value(e, seen) for e in node.elts)
        if isinstance(node, S.Dict):
            return all(v is not None and self._python_value(v, seen) for v in
                       node.keys + node.values)
        if isinstance(node, S.Subscript):
            return self._python_value(node.value, seen)
        if isinstance(node, S.Name):
            return node.id not in self.mutated and self._all_bindings(node.id, seen,
                                                                      self._python_value)
        return False

    def may_change_in_place(self, name: str) -> bool:
        """Code may change the object ``name`` holds without rebinding ``name``: an item
        or attribute assignment, a changing method (``append``), ``+=`` (in place for a
        list), or a call of the user's (or a container, or another name) given it."""
        return name in self.augmented | self.aliased

    def may_be_aliased(self, name: str) -> bool:
        """Another name may reach the object ``name`` holds: the item of a loop over a
        container, or a value stored in a container, passed to a call or assigned to
        another name. lax passes a carried container as a fresh copy, so an update there
        would not reach the alias. (A parameter's caller cannot see it under jit, which
        passes arguments as copies.)"""
        if name in self.aliased:
            return True
        # `for i, v in enumerate(vals):` run by Python: its iterator holds the list
        if any(isinstance(n, S.Name) and n.id == name for _, iterable in self._loops()
               for n in S.walk(iterable)):
            return True
        # `rows = [[0.0] * 2] * 2`, `rows = [row, row]`: one inner list reached twice
        if any(self._shares_items(v) for v in self.bindings.get(name, []) if v is not None):
            return True
        # `for r in rows:` lowered as `r = r_item`: the item of a list of dicts
        if any(isinstance(v, S.Name) and v.id != name and any(
                item == v.id and self._holds_containers(iterable, set())
                for item, iterable in self._items) for v in self.bindings.get(name, [])):
            return True
        # `hist = results["loss"]`: a list both names reach (a carried copy of either
        # would part them)
        if any(name in (part, owner) and self.is_container(S.load(part))
               for part, owner in self._parts):
            return True
        return any(item == name and self._holds_containers(iterable, set())
                   for item, iterable in self._items)

    def _loops(self) -> list:
        """(target, iterable) of the function's ``for`` loops, lowered ones included."""
        loops = list(self._items) + list(self._counters)
        for record in self.records.lowered:
            iterable = getattr(record.iteration, "iterable", None)
            if record.kind == "for" and iterable is not None:
                loops.append((record.item, iterable))
        return loops

    def _shares_items(self, value) -> bool:
        """``value`` is a list whose items may be one object reached twice, or another
        name's object: ``[[0.0] * 2] * 2``, ``[row] * n``, ``[row, row]``."""
        if isinstance(value, S.BinOp) and isinstance(value.op, S.Mult):
            return any(isinstance(side, (S.List, S.Tuple)) and any(
                not isinstance(e, S.Constant) and not (
                    isinstance(e, S.UnaryOp) and isinstance(e.operand, S.Constant))
                for e in side.elts) for side in (value.left, value.right))
        if isinstance(value, (S.List, S.Tuple)):
            return any(isinstance(e, S.Name) and self.is_container(e) for e in value.elts)
        return False

    def is_loop_counter(self, name: str) -> bool:
        """``name`` is bound only as the index of a Python ``for`` over ``range(...)`` or
        ``enumerate(...)`` (one lax does not run: its statement is still a ``for``, or
        the backend kept it Python: ``python_counters``): a Python int when tracing."""
        values = self.bindings.get(name)
        # (`d = item_3`, the item of a Python loop over static values, is a Python value)
        assigned = [v for v in values or [] if v is not None and not (
            isinstance(v, S.Name) and v.id in self.static_items)]
        if name in self.parameters or assigned or any(
                r.kind == "for" and r.item == name for r in self.records.lowered):
            return False  # (a loop lax runs gives it a traced value)
        if name in self.python_counters or name in self.static_items:
            # (the loop's item parameter, not bound here; the item of a Python loop
            # over values known when tracing, `for d in a.shape:`)
            return True
        if values is None and self.outer is not None:  # the enclosing function's variable
            return self.outer.is_loop_counter(name)
        loops = [(target, it) for target, it in self._counters if target == name]
        return bool(values) and len(loops) == len(values)

    def part_name(self, name: str) -> bool:
        """``name`` is bound to a part of another object (``h = self.hist``) only."""
        values = self.bindings.get(name, [])
        return bool(values) and any(part == name for part, _ in self._parts) and all(
            isinstance(v, (S.Subscript, S.Attribute)) for v in values)

    def view_source(self, name: str) -> str | None:
        """The array ``name`` holds a part of, when every binding of it takes one: a row
        of a loop over a name (``for p in state:``) or an item (``row = grid[i]``).
        NumPy writes into such a part change the array itself."""
        if name in self.parameters:
            # a function given to lax receives the enclosing function's variable
            return self.outer.view_source(name) if self.outer is not None else None
        part = self._part_of(name, set())
        if part is not None:
            return part
        # `cur = prev` (its only binding), `lo = hi = np.zeros(2)`: the write reaches the
        # other name's object too
        values = self.bindings.get(name, [])
        others = self._same.get(name, set()) - {name}
        if len(values) == 1 and others and not any(
                isinstance(v, S.Name) and v.id == name for v in values):
            value = values[0]
            if isinstance(value, S.Name) or any(
                    len(self.bindings.get(o, [])) == 1 and self.bindings[o][0] is value
                    for o in others):
                return sorted(others)[0]
        return None

    def _part_of(self, name: str, seen: set) -> str | None:
        if name in seen:
            return None
        seen = seen | {name}
        if name in self.parameters:
            # a function given to lax receives the enclosing function's variable
            return self.outer._part_of(name, set()) if self.outer is not None else None
        bases = {iterable.id if isinstance(iterable, S.Name) else None
                 for item, iterable in self._items if item == name}
        loops = sum(1 for item, _ in self._items if item == name)
        # (not `locals().get('t', py2lax.Undefined('t'))`, a placeholder before a loop)
        values = [v for v in self.bindings.get(name, []) if not _placeholder_value(v)]
        if sum(1 for v in values if v is None) > loops:
            return None  # also bound some other way (unpacked, a `with` target)
        for value in values:
            if value is None:
                continue
            if isinstance(value, S.Name):  # `p = p_item`: the loop's item, renamed
                bases.add(self._part_of(value.id, seen))
                continue
            root = value.value if isinstance(value, S.Subscript) else (
                _viewed(value) or _attribute_object(value))
            while isinstance(root, (S.Subscript, S.Attribute)):
                root = root.value
            bases.add(root.id if isinstance(root, S.Name) else None)
        if len(bases) != 1 or None in bases:
            return None
        base = next(iter(bases))
        return base if base != name else None

    def used_as_array(self, name: str) -> bool:
        """``name`` is indexed, or has attributes read, somewhere in the function: an
        array (or a container), which an augmented assignment updates in place."""
        return name in self.indexed

    def numpy_created(self, name: str) -> bool:
        """``name`` is bound to a NumPy call (``np.zeros(n)``) and updated by item."""
        return name in self.updated and any(
            self.numpy_call(v) for v in self.bindings.get(name, []))

    def numpy_call(self, value) -> bool:
        """``value`` calls NumPy (``np.zeros(n)``, also as the runtime's
        ``py2lax.converted(np.zeros)(n)``)."""
        function = getattr(value, "func", None)
        record = self.records.of_call(function) if isinstance(function, S.Call) else None
        if record is not None and record.helper == "converted":
            function = record.operands.get("function")
        return numpy_path(function) is not None


_VIEW_METHODS = {"reshape", "transpose", "swapaxes", "view", "ravel", "squeeze"}


def _viewed(value):
    """``a`` of ``a.reshape(2, 2)`` or ``a.T``: NumPy gives a view of ``a``, whose writes
    change ``a`` (finder4 SW3)."""
    if isinstance(value, S.Attribute) and value.attr in ("T", "mT"):
        return value.value
    if (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
            and value.func.attr in _VIEW_METHODS):
        return value.func.value
    return None


def _attribute_object(value):
    """``state`` of ``counts = state.counts``: the name holds the attribute's object
    itself, so a write into it changes ``state.counts`` (not ``x.shape``, ``x.real``...:
    a new value)."""
    if isinstance(value, S.Attribute) and value.attr not in _VALUE_ATTRIBUTES:
        return value.value
    return None


_VALUE_ATTRIBUTES = frozenset(STATIC_ATTRIBUTES) | {"real", "imag", "itemsize", "nbytes",
                                                     "strides", "flat", "at"}


def _placeholder_value(node) -> bool:
    """``locals().get('r', py2lax.Undefined('r', fill=True))``: a name not assigned yet."""
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "get" and isinstance(node.func.value, S.Call)
            and isinstance(node.func.value.func, S.Name)
            and node.func.value.func.id == "locals")


def placeholder_names(record, records) -> set[str]:
    """The names ``record``'s guards start with a placeholder
    (``py2lax.Undefined('found', fill=True)``): the user's code never reads them where
    they may be unbound, so any value of the type the statement gives them stands in
    (see ``placeholders`` and ``carry_types``)."""
    found = set()
    for guard in record.guards:
        for node in S.walk(guard):
            marker = records.of_call(node) if isinstance(node, S.Call) else None
            if marker is not None and marker.helper == "Undefined" and marker.operands.get(
                    "fill"):
                found.add(marker.operands["name"])
    return found


_ARRAY_ATTRIBUTES = {"shape", "dtype", "ndim", "at", "astype", "T", "size", "reshape"}


def _array_guarded(function) -> dict[int, str]:
    """The statements a JAX-array guard precedes (``if isinstance(acc, jax.Array) and
    acc.ndim: raise TypeError(...)`` then ``acc += x``: what ``Statements`` writes for an
    in-place update another name sees), by id, with the name guarded; a second run
    writes the statement without a second guard."""
    found = {}
    for node in S.walk(function):
        for _, statements in S.statement_lists(node):
            for guard, statement in zip(statements, statements[1:]):
                name = _array_test(guard)
                if name is not None:
                    found[id(statement)] = name
    return found


def _traced_guarded(function) -> dict[int, str]:
    """The statements a traced-write guard precedes (``if _py2lax_numpy_given_traced(v,
    i, x): raise TypeError(...)`` then ``v[i] = x``), by id, with the array's text; a
    second run writes the statement without a second guard."""
    found = {}
    for node in S.walk(function):
        for _, statements in S.statement_lists(node):
            for guard, statement in zip(statements, statements[1:]):
                if (isinstance(guard, S.If) and len(guard.body) == 1
                        and isinstance(guard.body[0], S.Raise) and not guard.orelse
                        and isinstance(guard.test, S.Call)
                        and isinstance(guard.test.func, S.Name)
                        and guard.test.func.id == "_py2lax_numpy_given_traced"
                        and guard.test.args):
                    found[id(statement)] = S.unparse(guard.test.args[0]).strip()
    return found


def _row_guarded(function) -> dict[int, str]:
    """The statements a row guard follows (``py2lax.written_through(t, view_of=a,
    index=k)``, then ``if jnp.ndim(t): raise TypeError("... is a row of ...")``: what
    ``Statements`` writes for a part read by index), by id, with the name guarded; a
    second run, whose runtime form has the same call right before the first run's guard,
    writes no second guard."""
    found = {}
    for node in S.walk(function):
        for _, statements in S.statement_lists(node):
            for statement, guard in zip(statements, statements[1:]):
                name = _row_test(guard)
                if name is not None:
                    found[id(statement)] = name
    return found


def _row_test(node) -> str | None:
    if not (isinstance(node, S.If) and len(node.body) == 1 and isinstance(node.body[0], S.Raise)
            and not node.orelse and isinstance(node.test, S.Call)
            and isinstance(node.test.func, S.Attribute) and node.test.func.attr == "ndim"
            and len(node.test.args) == 1 and isinstance(node.test.args[0], S.Name)):
        return None
    error = node.body[0].exc
    message = error.args[0] if isinstance(error, S.Call) and error.args else None
    if isinstance(message, S.Constant) and "` is a row of `" in str(message.value):
        return node.test.args[0].id
    return None


def _array_test(node) -> str | None:
    if not (isinstance(node, S.If) and len(node.body) == 1 and isinstance(node.body[0], S.Raise)
            and not node.orelse and isinstance(node.test, S.BoolOp)
            and len(node.test.values) == 2):
        return None
    return array_tested(node.test.values[0])


def _jax_array_test(test) -> str | None:
    """``isinstance(x, jax.Array)`` (``or _py2lax_numpy_given_traced(x, ...)``; ``x``
    may be ``self.v``): the name it tests, ``self`` for ``self.v`` (the item-assignment
    dispatch)."""
    if isinstance(test, S.BoolOp) and isinstance(test.op, S.Or) and len(test.values) == 2:
        name, second = _jax_array_test(test.values[0]), test.values[1]
        if (name is not None and isinstance(second, S.Call)
                and isinstance(second.func, S.Name)
                and second.func.id == "_py2lax_numpy_given_traced" and second.args
                and S.unparse(second.args[0]) == S.unparse(test.values[0].args[0])):
            return name
        return None
    if (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id == "isinstance" and len(test.args) == 2
            and isinstance(test.args[1], S.Attribute) and test.args[1].attr == "Array"):
        tested = test.args[0]
        while isinstance(tested, S.Attribute):
            tested = tested.value
        return tested.id if isinstance(tested, S.Name) else None
    return None


def _list_test(test) -> str | None:
    """``isinstance(x, list)``: the name it tests (the item-assignment dispatch)."""
    if (isinstance(test, S.Call) and isinstance(test.func, S.Name)
            and test.func.id == "isinstance" and len(test.args) == 2
            and isinstance(test.args[0], S.Name) and isinstance(test.args[1], S.Name)
            and test.args[1].id == "list"):
        return test.args[0].id
    return None


def _shared_prologue(function, unpacking: bool = False) -> set[int]:
    """``nonlocal md; md = md_in``: a generated function receiving a closure variable
    (``SharedNames``; ``md_in`` a parameter, or unpacked from ``carry``). ``md`` stays
    the variable it was (a dict stays a dict), so that assignment binds nothing new. ``unpacking``: ``function`` is one a first run gave
    lax, whose ``in_s, = carry`` and ``i, x = item`` pass the variables in the same way."""
    if isinstance(function, S.Lambda):
        return set()
    shared = {n for s in function.body if isinstance(s, S.Nonlocal) for n in s.names}
    parameters = set(parameter_names(function.args))
    return {id(s) for s in function.body
            if isinstance(s, S.Assign) and len(s.targets) == 1 and isinstance(s.value, S.Name)
            and ((isinstance(s.targets[0], S.Name) and s.targets[0].id in shared)
                 or (unpacking and s.value.id in parameters))}


def _may_keep(function) -> bool:
    """A call that may keep its arguments: the user's functions and methods, not Python's
    builtins or a module's functions (``jnp.stack(rows)``)."""
    if isinstance(function, S.Name):
        return function.id not in _BUILTINS
    root = function
    while isinstance(root, (S.Attribute, S.Subscript, S.Call)):
        root = root.func if isinstance(root, S.Call) else root.value
    return not (isinstance(root, S.Name) and root.id in _MODULES)


_CARRYING_HELPERS = {"_py2lax_python_or_lax_cond", "_py2lax_parameter_cond",
                     "_py2lax_unless_broken"}


def _lax_call(node) -> bool:
    """``jax.lax.cond(...)`` (or ``lax.while_loop(...)[1]``): what a lax primitive returns
    has the structure of what it carries, so the names keep their kind (this is how a
    second run reads the first run's output)."""
    while isinstance(node, S.Subscript):
        node = node.value
    if isinstance(node, S.Call) and isinstance(node.func, S.Name) and (
            node.func.id in _CARRYING_HELPERS):
        return True  # (the output's own helpers that run a `lax.cond` or Python's `if`)
    if not isinstance(node, S.Call) or not isinstance(node.func, S.Attribute):
        return False
    owner = node.func.value
    return node.func.attr in ("cond", "while_loop", "fori_loop", "scan") and (
        (isinstance(owner, S.Name) and owner.id == "lax")
        or (isinstance(owner, S.Attribute) and owner.attr == "lax"))


def numpy_path(function) -> list[str] | None:
    """``["linalg", "norm"]`` for ``np.linalg.norm``; None if not under NumPy."""
    path = []
    while isinstance(function, S.Attribute):
        path.insert(0, function.attr)
        function = function.value
    if isinstance(function, S.Name) and function.id in NUMPY_NAMES and path:
        return path
    return None


def loop_counter(loop, records) -> str | None:
    """The index ``for i in range(...)`` or ``for i, v in enumerate(...)`` binds (also
    as the runtime's ``py2lax.enumerate(...)`` or ``py2lax.converted(range)(...)``)."""
    iterable, target = loop.iter, loop.target
    if not isinstance(iterable, S.Call):
        return None
    record = records.of_call(iterable)
    function = iterable.func
    inner = records.of_call(function) if isinstance(function, S.Call) else None
    if inner is not None and inner.helper == "converted":
        function = inner.operands.get("function")
    name = (record.helper if record is not None
            else function.id if isinstance(function, S.Name) else None)
    if name == "range" and isinstance(target, S.Name):
        return target.id
    if (name == "enumerate" and isinstance(target, S.Tuple) and target.elts
            and isinstance(target.elts[0], S.Name)):
        return target.elts[0].id
    return None


def _unpacked_display(target, value) -> bool:
    """``a, b = [], {}``: a tuple of names given a display with as many items."""
    return (isinstance(target, (S.Tuple, S.List)) and isinstance(value, (S.Tuple, S.List))
            and len(target.elts) == len(value.elts)
            and all(isinstance(t, S.Name) for t in target.elts)
            and not any(isinstance(v, S.Starred) for v in value.elts))


def _names(target) -> list[str]:
    if isinstance(target, S.Name):
        return [target.id]
    if isinstance(target, (S.Tuple, S.List)):
        return [n for e in target.elts for n in _names(e)]
    if isinstance(target, S.Starred):
        return _names(target.value)
    return []
