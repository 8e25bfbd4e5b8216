"""Which parameters a function may update in place, and which call sites can hand the
new arrays back to the caller.

With NumPy, ``def swap(arr, i, j): arr[i], arr[j] = arr[j], arr[i]`` changes the
caller's array. A JAX array cannot change: the helper's ``arr`` gets a new array (the
runtime records ``old -> new``, ``runtime/holders.py``), and the caller's variable
still names the old one. So after a call statement that passes a variable to such a
parameter, the converted caller writes the variable back::

    swap(a, k, k + 1)
    a = py2lax.written_through(a)     # the new array, if the helper replaced it

This module finds the parameters (:func:`updated_parameters`), conservatively: a
parameter written into (``arr[i] = v``, ``arr += v``, ``arr.sort()``,
``np.copyto(arr, b)``, ``out=arr``), or handed to a function that may update it
(another helper, a method of the user's), directly or through a name that may hold
the same object (``row = arr[0]``, ``q = arr``); a parameter rebound before anything
else reads it (``arr = arr.copy()``) is the function's own. And it classifies what a
call passes (:func:`argument_place`): a variable of the caller (written back), an
attribute chain of one (``self.buf``: its root), an item of a list or dict the caller
built (``arrs[0]``), a value nobody else holds (``a + 1``), or a place no write-back
can reach (a global, a row or slice of an array, ``np.asarray(a)``).
"""

from __future__ import annotations

import builtins
import functools
from dataclasses import dataclass

from py2lax.frontend import syntax as S
from py2lax.analysis.names import CHANGING_METHODS, declarations, parameter_names

# NumPy's methods and functions that write into an array in place.
IN_PLACE_METHODS = frozenset({"sort", "fill", "resize", "itemset", "put", "partition",
                              "setfield", "byteswap"})
IN_PLACE_FUNCTIONS = frozenset({"fill_diagonal", "put", "put_along_axis", "copyto", "place",
                                "putmask"})
LIBRARY_MODULES = frozenset({"np", "numpy", "onp", "jnp", "jax", "lax", "math", "random",
                             "functools", "itertools", "operator", "scipy", "jsp", "py2lax"})
# py2lax's own updates, in code it wrote (read again by a second run of the command
# line): the position of the array each writes into
_RUNTIME_UPDATES = {"setitem": 0, "augassign": 0, "in_place_method": 0,
                    "in_place_function": 1, "setattr_": 0}
RUNTIME = "py2lax"
# Attributes of an array that are arrays themselves (a view, or a new array): not the
# object the attribute chain's root holds.
ARRAY_ATTRIBUTES = frozenset({"T", "mT", "real", "imag", "flat", "at", "H"})
# Array methods that never write into the array (``arr.sum()``, ``arr.reshape(...)``).
_READING_METHODS = frozenset({
    "T", "all", "any", "argmax", "argmin", "argpartition", "argsort", "astype", "choose",
    "clip", "compress", "conj", "conjugate", "copy", "cumprod", "cumsum", "diagonal", "dot",
    "flatten", "item", "max", "mean", "min", "nonzero", "prod", "ptp", "ravel", "repeat",
    "reshape", "round", "searchsorted", "squeeze", "std", "sum", "swapaxes", "take",
    "tobytes", "tolist", "trace", "transpose", "var", "view", "keys", "values", "items",
    "get", "index", "count", "format", "join", "split", "strip", "startswith", "endswith",
    "upper", "lower", "replace", "block_until_ready",
})
_BUILTINS = frozenset(dir(builtins))
_VIEW_CALLS = frozenset({"asarray", "reshape", "ravel", "view", "transpose", "squeeze",
                         "swapaxes", "moveaxis", "atleast_1d", "atleast_2d", "atleast_3d",
                         "asanyarray", "flip", "fliplr", "flipud", "diagonal", "expand_dims",
                         "broadcast_to", "rollaxis", "real", "imag"})
_TEMPORARY = (S.Constant, S.BinOp, S.UnaryOp, S.Compare, S.JoinedStr)


@dataclass(frozen=True)
class HelperParameters:
    """What a call site needs to know about a callee: its parameters in order (for
    positional arguments), whether it takes ``*args``/``**kwargs``, and the parameters
    it may update in place."""

    parameters: tuple[str, ...]
    variadic: bool
    updated: frozenset[str]
    # updated by `b += v` or `b[i] = v` on a copy JAX may make the parameter itself (`b =
    # arr.astype(...)`): no record of the old array's replacement, so no write-back
    # reaches it
    augmented: frozenset[str] = frozenset()
    # updated by `arr += v` on the name itself: NumPy's in-place update, which the
    # converted helper records (`py2lax.augassign(..., written_back=True)`); on an array
    # the caller made with `jnp`, Python's `+=` only rebinds the helper's name
    by_name: frozenset[str] = frozenset()

    @classmethod
    def of(cls, function: S.FunctionDef, updated) -> "HelperParameters":
        arguments = function.args
        positional = [a.id for a in list(getattr(arguments, "posonlyargs", []) or [])
                      + list(arguments.args)]
        names = tuple(positional + [a.id for a in arguments.kwonlyargs])
        variadic = arguments.vararg is not None or arguments.kwarg is not None
        return cls(names, variadic, frozenset(updated),
                   frozenset(augmented_parameters(function)),
                   frozenset(parameters_updated_by_name(function)))

    def with_receiver_slot(self) -> "HelperParameters":
        """A static method called on an object: no ``self`` parameter to skip."""
        return HelperParameters(("",) + self.parameters, self.variadic, self.updated,
                                self.augmented, self.by_name)

    def augmented_arguments(self, call, bound: bool) -> list:
        """The argument nodes of ``call`` given to :attr:`augmented` parameters."""
        if not self.augmented:
            return []
        return HelperParameters(self.parameters, self.variadic, self.augmented).updated_arguments(
            call, bound)

    def by_name_arguments(self, call, bound: bool) -> list:
        """The argument nodes of ``call`` given to :attr:`by_name` parameters."""
        if not self.by_name:
            return []
        return HelperParameters(self.parameters, self.variadic, self.by_name).updated_arguments(
            call, bound)

    def updated_arguments(self, call, bound: bool) -> list:
        """The argument nodes of ``call`` that may be updated in place (``bound``: a
        method called on an object, whose first parameter is the object)."""
        parameters = self.parameters[1:] if bound else self.parameters
        if not self.updated:
            return []
        if self.variadic or any(isinstance(a, S.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords):
            return list(call.args) + [k.value for k in call.keywords]
        found = [argument for name, argument in zip(parameters, call.args)
                 if name in self.updated]
        found += [k.value for k in call.keywords if k.arg in self.updated]
        return found


def _root(node):
    while isinstance(node, (S.Attribute, S.Subscript)):
        node = node.value
    return node


def callee_spelling(function) -> str | None:
    """``helper`` or ``self.method``, as a call writes its callee; None otherwise."""
    if isinstance(function, S.Name):
        return function.id
    if isinstance(function, S.Attribute) and isinstance(function.value, S.Name):
        return f"{function.value.id}.{function.attr}"
    return None


def _is_library_call(function, modules: frozenset[str]) -> bool:
    """``np.sin``, ``jnp.linalg.norm``, ``len``: a function that does not keep or write
    into its arguments (NumPy's in-place functions are checked before)."""
    if isinstance(function, S.Name):
        return function.id in _BUILTINS
    root = _root(function)
    return isinstance(root, S.Name) and root is not function and (
        root.id in LIBRARY_MODULES or root.id in modules) and not isinstance(
            function.value, S.Subscript)


def _runtime_call(node) -> str | None:
    """``"setitem"`` for ``py2lax.setitem(...)``: a runtime call (in converted code)."""
    if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and isinstance(
            node.func.value, S.Name) and node.func.value.id == RUNTIME:
        return node.func.attr
    return None


def _first_uses(function: S.FunctionDef) -> set[str]:
    """Parameters whose first mention is a top-level rebinding (``arr = arr.copy()``):
    from there on the name holds the function's own object."""
    parameters = set(parameter_names(function.args))
    mentioned: set[str] = set()
    rebound: set[str] = set()
    for statement in function.body:
        if (isinstance(statement, S.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], S.Name)
                and statement.targets[0].id in parameters
                and statement.targets[0].id not in mentioned):
            name = statement.targets[0].id
            # (`arr = arr` or `arr = arr[::-1]` keeps the caller's object or a view of it)
            value = statement.value
            # (`py2lax.if_exp(c, lambda: a, lambda: b)` is a first run's `a if c else b`)
            if not (isinstance(value, (S.Name, S.Subscript, S.Attribute))
                    or _is_view_call(value) or _runtime_call(value) not in (None, "if_exp")):
                rebound.add(name)
        for node in S.walk(statement):
            if isinstance(node, S.Name):
                mentioned.add(node.id)
    return rebound


def _is_view_call(value) -> bool:
    return isinstance(value, S.Call) and isinstance(value.func, S.Attribute) and (
        value.func.attr in _VIEW_CALLS)


def updated_parameters(function: S.FunctionDef, resolve=None,
                       modules: frozenset[str] = frozenset(),
                       user_methods: frozenset[str] | None = None) -> dict[str, int]:
    """Parameter -> line of its first possible update in place, for the parameters of
    ``function`` it may write into (see the module docstring).

    ``resolve(spelled)``: the :class:`HelperParameters` of a callee (``"swap"``,
    ``"self.step"``), or None when it is not known (then a parameter passed to it may be
    updated). ``modules``: the names that hold modules (their functions are library code).
    ``user_methods``: the names of the user's classes' methods (another method called on
    a parameter is a library's, which does not write into arrays); None: any may be.

    >>> tree = S.parse_module('''
    ... def f(arr, other, n, out):
    ...     row = arr[0]
    ...     row[1] = n
    ...     other = other.copy()
    ...     other[0] = 1
    ...     np.copyto(out, other)
    ...     return float(n)
    ... ''').body[0]
    >>> sorted(updated_parameters(tree))
    ['arr', 'out']
    """
    parameters = [p for p in parameter_names(function.args)]
    own = _first_uses(function)
    # name -> the parameters whose object it may hold (itself, a part of it, an item)
    holds: dict[str, set[str]] = {p: {p} for p in parameters if p not in own}
    # (nested functions too: py2lax's branch and body functions, in code it converted
    # already, take the function's variables under their own names)
    statements = [n for statement in function.body for n in S.walk(statement)]
    for _ in range(3):  # (`q = arr`, then `r = q[0]`)
        for node in statements:
            if isinstance(node, S.Assign):
                reached = _reached(node.value, holds)
                if reached:
                    for target in node.targets:
                        for name in _target_names(target):
                            holds.setdefault(name, set()).update(reached)
            elif isinstance(node, (S.For, S.AsyncFor)):
                reached = _reached(node.iter, holds, items=True)
                if reached:
                    for name in _target_names(node.target):
                        holds.setdefault(name, set()).update(reached)
            elif isinstance(node, S.NamedExpr) and isinstance(node.target, S.Name):
                reached = _reached(node.value, holds)
                if reached:
                    holds.setdefault(node.target.id, set()).update(reached)
    found: dict[str, int] = {}

    def note(node, line: int, deep: bool = True) -> None:
        root = _root(node)
        if isinstance(root, S.Name):
            for parameter in holds.get(root.id, ()):
                found.setdefault(parameter, line)

    for node in statements:
        line = getattr(node, "lineno", function.lineno)
        if isinstance(node, (S.Assign, S.Delete)):
            for target in node.targets:
                for part in _stored_parts(target):
                    if _writes_into(part):
                        note(part, line)
        elif isinstance(node, S.AugAssign):
            target = node.target
            if isinstance(target, S.Name) or _writes_into(target):
                note(target, line)
        elif isinstance(node, S.Call):
            updated = _runtime_call(node)
            if updated in _RUNTIME_UPDATES and len(node.args) > _RUNTIME_UPDATES[updated]:
                if updated != "setattr_":
                    note(node.args[_RUNTIME_UPDATES[updated]], line)
                continue
            if updated is not None:
                continue  # (`py2lax.converted(helper)`: the call it wraps is read below)
            inner = node.func.args[0] if (
                isinstance(node.func, S.Call) and _runtime_call(node.func) == "converted"
                and node.func.args) else None
            if inner is not None:  # `py2lax.converted(helper)(a, 0, 1)`
                node = S.Call(func=inner, args=node.args, keywords=node.keywords)
            _note_call(node, line, note, resolve, modules, user_methods)
    return {p: found[p] for p in parameters if p in found}


def parameters_updated_by_name(function: S.FunctionDef) -> dict[str, int]:
    """Parameter -> line, for the parameters ``function`` updates with an augmented
    assignment of the name itself (``v /= total``): NumPy's in place, so the caller's
    array changes. The converted function records the new array as the old one's
    replacement (``transforms/item_assignment``), and the caller writes it back.

    >>> tree = S.parse_module('''
    ... def f(w, n, v, k):
    ...     v = v.copy()
    ...     v *= 2
    ...     w *= k
    ...     n += 1
    ... ''').body[0]
    >>> sorted(parameters_updated_by_name(tree))
    ['n', 'w']
    """
    parameters = set(parameter_names(function.args)) - _first_uses(function)
    found: dict[str, int] = {}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.AugAssign) and isinstance(node.target, S.Name) and (
                node.target.id in parameters):
            found.setdefault(node.target.id, node.lineno)
    return found


def augmented_parameters(function: S.FunctionDef) -> dict[str, int]:
    """Parameter -> line, for the parameters ``function`` may update through a copy
    JAX may make the parameter itself (``b = arr.astype(...)``, then ``b[0] = v`` or
    ``b += v``): NumPy's copy, but with a JAX array of that dtype the very array, whose
    new value is the helper's variable only (no record of a replacement): no write-back
    reaches it. (``arr += v`` on the parameter itself is recorded: see
    :func:`parameters_updated_by_name`.)"""
    parameters = set(parameter_names(function.args)) - _first_uses(function)
    found: dict[str, int] = {}
    statements = S.walk_same_scope_statements(function.body)
    # `b = arr.astype(...)` (or `.flatten()`): NumPy's copy, but JAX may give back `arr`
    # itself (the same dtype), so a write into `b` would look like a write into `arr`
    copies = {node.targets[0].id: node.value.func.value.id for node in statements
              if isinstance(node, S.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], S.Name) and isinstance(node.value, S.Call)
              and isinstance(node.value.func, S.Attribute)
              and node.value.func.attr in ("astype", "flatten")
              and isinstance(node.value.func.value, S.Name)
              and node.value.func.value.id in parameters}
    for node in statements:
        targets = (node.targets if isinstance(node, S.Assign)
                   else [node.target] if isinstance(node, S.AugAssign) else [])
        for target in targets:
            for part in _stored_parts(target):
                root = _root(part)
                if (isinstance(root, S.Name) and root.id in copies and part is not root) or (
                        isinstance(node, S.AugAssign) and isinstance(part, S.Name)
                        and part.id in copies):
                    found.setdefault(copies[root.id], node.lineno)
    return found


def _stored_parts(target) -> list:
    if isinstance(target, (S.Tuple, S.List)):
        return [p for e in target.elts for p in _stored_parts(e)]
    if isinstance(target, S.Starred):
        return _stored_parts(target.value)
    return [target]


def _writes_into(target) -> bool:
    """``a[i] = v``, ``s.buf[0] = v``: a write into an array (or a container holding
    arrays); ``s.n = v`` alone changes an object in place, which every holder sees."""
    node = target
    while isinstance(node, (S.Attribute, S.Subscript)):
        if isinstance(node, S.Subscript):
            return True
        node = node.value
    return False


def _note_call(call, line, note, resolve, modules, user_methods) -> None:
    function = call.func
    keywords = {k.arg: k.value for k in call.keywords}
    if "out" in keywords:
        note(keywords["out"], line)
    if isinstance(function, S.Attribute):
        name = function.attr
        receiver = function.value
        if name in IN_PLACE_FUNCTIONS or name == "at" and isinstance(receiver, S.Attribute):
            if call.args:
                note(call.args[0], line)  # `np.copyto(arr, b)`, `np.add.at(arr, i, v)`
            return
        if name in IN_PLACE_METHODS:
            note(receiver, line)  # `arr.sort()`, `arr.fill(0)`
        elif name not in _READING_METHODS and name not in CHANGING_METHODS and not (
                _is_library_call(function, modules)) and (
                user_methods is None or name in user_methods):
            # `hb.put(0, x)`: a method of the user's object may write into what it holds
            if resolve is None or resolve(callee_spelling(function) or "") is None:
                note(receiver, line)
    if _is_library_call(function, modules):
        return
    if isinstance(function, S.Attribute) and (
            function.attr in CHANGING_METHODS | _READING_METHODS or (
                user_methods is not None and function.attr not in user_methods
                and not (isinstance(function.value, S.Name)
                         and function.value.id in ("self", "cls")))):
        return  # `lst.append(arr)`, a library's method: keeps it, does not write into it
    known = resolve(callee_spelling(function) or "") if resolve is not None else None
    if known is None:
        for argument in list(call.args) + [k.value for k in call.keywords]:
            note(argument.value if isinstance(argument, S.Starred) else argument, line)
        return
    bound = isinstance(function, S.Attribute)
    for argument in known.updated_arguments(call, bound):
        note(argument.value if isinstance(argument, S.Starred) else argument, line)


def _target_names(target) -> list[str]:
    if isinstance(target, S.Name):
        return [target.id]
    if isinstance(target, (S.Tuple, S.List)):
        return [n for e in target.elts for n in _target_names(e)]
    if isinstance(target, S.Starred):
        return _target_names(target.value)
    return []


def _reached(value, holds: dict[str, set[str]], items: bool = False) -> set[str]:
    """The parameters whose objects ``value`` may be (or hold): ``arr``, ``arr[0]``,
    ``s.buf``, ``arr.reshape(2, 2)``, ``[arr, b]``, ``enumerate(arrs)``, ``x if c else
    arr``."""
    if isinstance(value, S.Name):
        return set(holds.get(value.id, ()))
    if isinstance(value, (S.Subscript, S.Attribute)):
        return _reached(_root(value), holds)
    if isinstance(value, (S.List, S.Tuple, S.Set)):
        return {p for e in value.elts for p in _reached(
            e.value if isinstance(e, S.Starred) else e, holds)}
    if isinstance(value, S.Dict):
        return {p for e in value.values for p in _reached(e, holds)}
    if isinstance(value, S.IfExp):
        return _reached(value.body, holds) | _reached(value.orelse, holds)
    if isinstance(value, S.BoolOp):
        return {p for e in value.values for p in _reached(e, holds)}
    if isinstance(value, S.NamedExpr):
        return _reached(value.value, holds)
    if isinstance(value, S.Call):
        if _is_view_call(value):
            return _reached(value.func.value, holds) | {
                p for a in value.args[:1] for p in _reached(a, holds)}
        if isinstance(value.func, S.Name) and value.func.id in (
                "enumerate", "zip", "reversed", "list", "tuple", "iter", "sorted", "dict"):
            return {p for a in value.args for p in _reached(a, holds)}
        if isinstance(value.func, S.Attribute) and value.func.attr in ("values", "items"):
            return _reached(value.func.value, holds)
    return set()


# -- what a call site passes -------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """What a call passes for one argument: ``root`` is the caller's variable to write
    back (None: nothing to write back); ``reachable``: the helper's new array can be
    handed back to the caller (False: a global, a row of an array, a view)."""

    root: str | None
    reachable: bool


def argument_place(argument, local_names, containers, outer_names) -> Place:
    """Classify one argument expression (see :class:`Place`). ``local_names``: the
    caller's own variables; ``containers``: those only ever bound to a list, dict or
    tuple display (an item of one is the object itself); ``outer_names``: globals,
    nonlocals and closure variables (a new array cannot be assigned to them)."""
    if isinstance(argument, S.Starred):
        return Place(None, False)
    if isinstance(argument, S.Name):
        if argument.id in local_names and argument.id not in outer_names:
            return Place(argument.id, True)
        return Place(None, False)
    if isinstance(argument, _TEMPORARY):
        return Place(None, True)  # a new value: Python's update is lost with it, too
    if isinstance(argument, (S.List, S.Tuple, S.Dict, S.Set)):
        # `[a, b]`: the helper may write into `a`
        roots = [argument_place(e, local_names, containers, outer_names)
                 for e in (argument.values if isinstance(argument, S.Dict) else argument.elts)]
        return Place(None, all(p.reachable and p.root is None for p in roots))
    if isinstance(argument, (S.Attribute, S.Subscript)):
        node, through_items = argument, []
        while isinstance(node, (S.Attribute, S.Subscript)):
            if isinstance(node, S.Attribute) and node.attr in ARRAY_ATTRIBUTES:
                return Place(None, False)  # `a.T`: a view of `a`
            if isinstance(node, S.Subscript):
                through_items.append(node)
            node = node.value
        if not (isinstance(node, S.Name) and node.id in local_names
                and node.id not in outer_names):
            return Place(None, False)
        # an item of a list or dict the caller built is that object itself; of anything
        # else (an array's row or slice, NumPy's view) maybe not
        for item in through_items:
            if not (isinstance(item.value, S.Name) and item.value.id in containers):
                return Place(None, False)
        return Place(node.id, True)
    if isinstance(argument, S.Call) and isinstance(argument.func, S.Attribute) and (
            argument.func.attr == "copy" and not argument.args):
        return Place(None, True)  # `a.copy()`: a new array
    return Place(None, False)  # a call's result may be an object someone holds


def built_containers(function: S.FunctionDef) -> set[str]:
    """Names every binding of which is a list, dict or tuple display or comprehension,
    or ``list(...)``/``dict(...)``: their items are the objects put there."""
    kinds: dict[str, bool] = {}
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Name) and isinstance(node.ctx, S.Store):
            kinds.setdefault(node.id, True)
    for name in parameter_names(function.args):
        kinds[name] = False
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, (S.For, S.AsyncFor, S.With, S.AugAssign, S.AnnAssign,
                             S.NamedExpr)) or (isinstance(node, S.Assign) and (
                len(node.targets) != 1 or not isinstance(node.targets[0], S.Name))):
            targets = [node.target] if hasattr(node, "target") else (
                node.targets if isinstance(node, S.Assign) else [])
            if isinstance(node, S.With):
                targets = [i.optional_vars for i in node.items if i.optional_vars]
            for target in targets:
                for name in _target_names(target):
                    kinds[name] = False
        elif isinstance(node, S.Assign):
            value = node.value
            display = isinstance(value, (S.List, S.Dict, S.Tuple, S.ListComp, S.DictComp)) or (
                isinstance(value, S.Call) and isinstance(value.func, S.Name)
                and value.func.id in ("list", "dict") and not value.keywords)
            if not display:
                kinds[node.targets[0].id] = False
    return {name for name, only in kinds.items() if only}


def functions_writing_nothing(function: S.FunctionDef) -> set[str]:
    """Names ``function`` binds only to functions of its own (``def h(t): ...``, ``h =
    lambda t: ...``) that write into none of their parameters (:func:`updated_parameters`,
    library calls read): a call ``h(a)`` leaves the caller's ``a`` as it was, so nothing
    that holds ``a`` needs it back."""
    kinds: dict[str, bool] = {}
    for name in parameter_names(function.args):
        kinds[name] = False
    for name in declarations(function.body):
        kinds[name] = False
    nodes = S.walk_same_scope_statements(function.body)
    named = {id(n.targets[0]) for n in nodes if isinstance(n, S.Assign) and len(
        n.targets) == 1 and isinstance(n.targets[0], S.Name) and isinstance(n.value, S.Lambda)}
    for node in nodes:
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef)):
            definition = node
        elif isinstance(node, S.Assign) and id(node.targets[0]) in named:
            lambda_ = node.value
            definition = S.copy_location(S.FunctionDef(
                name=node.targets[0].id, args=lambda_.args, body=[S.Return(value=lambda_.body)],
                decorator_list=[], returns=None, type_comment=None), node)
        elif id(node) in named:
            continue
        else:
            for name in _stored_names(node):
                kinds[name] = False
            continue
        writes = isinstance(node, S.AsyncFunctionDef) or bool(getattr(
            node, "decorator_list", ())) or bool(updated_parameters(
                definition, modules=LIBRARY_MODULES))
        kinds[definition.name] = kinds.get(definition.name, True) and not writes
    return {name for name, only in kinds.items() if only}


def _stored_names(node) -> list[str]:
    """The names ``node`` binds other than by ``def`` or ``name = lambda ...``."""
    if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del)):
        return [node.id]
    if isinstance(node, S.ClassDef):
        return [node.name]
    if isinstance(node, (S.Import, S.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    return []


# -- the command line: the helpers of one module ----------------------------------------


@functools.lru_cache(maxsize=8)
def module_helper_parameters(module: S.Module) -> dict:
    """``owner class name or None -> {spelled -> HelperParameters}`` for the module's
    top-level functions (``helper``) and, per class, its methods (``self.step``): what
    the command line's converted functions call directly."""
    functions = {node.name: node for node in module.body if isinstance(node, S.FunctionDef)}
    classes = {node.name: {item.name: item for item in node.body
                           if isinstance(item, S.FunctionDef)}
               for node in module.body if isinstance(node, S.ClassDef)}
    done: dict[int, HelperParameters | None] = {}
    user_methods = frozenset(name for methods in classes.values() for name in methods)

    def analysed(function, owner) -> HelperParameters | None:
        key = id(function)
        if key in done:
            return done[key]
        done[key] = None  # (recursion: unknown while analysed)
        methods = classes.get(owner, {})

        def resolve(spelled: str):
            if spelled in functions:
                return analysed(functions[spelled], None)
            head, _, name = spelled.partition(".")
            if head in ("self", "cls") and name in methods:
                return analysed(methods[name], owner)
            return None

        known = HelperParameters.of(function, updated_parameters(
            function, resolve, user_methods=user_methods))
        if any(_decorator_name(d) == "staticmethod" for d in function.decorator_list):
            known = known.with_receiver_slot()
        done[key] = known
        return known

    found: dict = {None: {name: analysed(node, None) for name, node in functions.items()}}
    for owner, methods in classes.items():
        found[owner] = dict(found[None])
        found[owner].update({f"self.{name}": analysed(node, owner)
                             for name, node in methods.items()})
        found[owner].update({f"cls.{name}": analysed(node, owner)
                             for name, node in methods.items()})
    return {owner: {k: v for k, v in table.items() if v is not None}
            for owner, table in found.items()}


def keeping_calls(function: S.FunctionDef, module: S.Module) -> frozenset[str]:
    """``"p.shift"`` for each local ``p`` of ``function`` bound only to instances of the
    module's classes (``p = Pair(a, b)``) and each method all those classes define that
    never writes into an object it is given, as an argument or held by ``self``: ``def
    shift(self, t): self.q = self.q + t`` rebinds an attribute, so an array ``self.q``
    held and another name holds too (``l = [a, b]; p.shift(a)``) is not changed. Not a
    method that writes into a parameter or a part of ``self`` (``self.q[0] = t``,
    ``self.items.append(t)``, a helper given ``self`` that may), updates an attribute
    with ``+=`` (NumPy's in place), or is static or a class method."""
    helpers = module_helper_parameters(module)
    keeping: dict[str, set[str]] = {}
    for node in module.body:
        if not isinstance(node, S.ClassDef):
            continue
        keeping[node.name] = set()
        for method in node.body:
            if not isinstance(method, S.FunctionDef):
                continue
            known = helpers.get(node.name, {}).get(f"self.{method.name}")
            if known is not None and not known.updated and not method.decorator_list and (
                    not any(isinstance(n, S.AugAssign) and not isinstance(n.target, S.Name)
                            for n in S.walk(method))):
                keeping[node.name].add(method.name)
    made: dict[str, list] = {}
    for node in S.walk(function):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], S.Name):
            made.setdefault(node.targets[0].id, []).append(node.value)
    stores: dict[str, int] = {}
    for node in S.walk(function):
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
    found = set()
    for name, values in made.items():
        kinds = [v.func.id for v in values if isinstance(v, S.Call) and isinstance(
            v.func, S.Name) and v.func.id in keeping]
        if len(kinds) != len(values) or stores.get(name) != len(values) or name in (
                parameter_names(function.args)):
            continue
        methods = set.intersection(*[keeping[k] for k in kinds])
        found |= {f"{name}.{method}" for method in methods}
    return frozenset(found)


def _decorator_name(decorator) -> str | None:
    return decorator.id if isinstance(decorator, S.Name) else None
