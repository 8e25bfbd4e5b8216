"""ConvertCalls: calls to the user's own functions go through ``py2lax.converted``.

A helper with its own Python control flow must be converted too when the converted
function calls it. Call sites that may reach user code become
``py2lax.converted(helper)(args)``; at trace time ``converted`` returns the (cached)
converted helper for user functions, methods, nested functions and
``functools.partial`` objects, and the callee itself for everything else: jax, numpy,
the standard library, installed packages, builtins, classes, and functions marked
``do_not_convert``.

Which call sites: calls of a plain name that is not a Python builtin (``step(x)``), and
of ``max``/``min``/``any``/``all``, of ``math`` functions and of NumPy functions
(``max(x, 0.0)``, ``math.sqrt(dt)``, ``np.sin(x)``, which the runtime can compute on traced
values, unless every argument is static); method calls on ``self`` (``self.clip(v)``,
whatever the method's name); and other method calls (``model.apply(x)``,
``Model().apply(x)``, ``SCALER.apply(x)``, ``Activations.leaky(x)``, ``acc.add(x)``)
unless the method is one of the array or string methods (``x.sum()``, ``s.format()``)
or its object is a module (``jnp.sin(x)``, ``helpers.step(x)``); a method that one of
the user's classes defines (``stats.mean()``) is converted whatever its name. Whether a global name
holds a module is read from the function's globals when they are known (the
decorator); the command line, which runs nothing, takes every global name for one. The functions given to JAX's own higher-order functions
(``lax.fori_loop(0, n, body, x)``, ``jax.vmap(f)``) go through ``converted`` too.

After a call of a helper that may update an argument in place (``swap(a, i, j)``), the
caller's variable gets the helper's new array back (``a = py2lax.written_through(a)``,
see :mod:`py2lax.transforms.write_back`).
"""

from __future__ import annotations

import builtins

from py2lax.frontend import syntax as S
from py2lax.analysis.in_place import callee_spelling
from py2lax.analysis.static_values import is_static
from py2lax.analysis.traced_names import (CONVERSION_BUILTINS, FILTERING_REDUCERS,
                                          HIGHER_ORDER, JAX_NAMES, MATH_FORMULAS, MATH_TWINS,
                                          NUMPY_NAMES, SEARCH_METHODS, TRACE_AWARE_BUILTINS,
                                          VALUE_METHODS)
from py2lax.transforms.context import ConversionContext
from py2lax.transforms.write_back import WriteBack

_BUILTINS = set(dir(builtins))
# Builtins whose result is a builtin container or string (not `super()`, whose methods are
# the user's).
_BUILTIN_CONTAINERS = frozenset({
    "locals", "globals", "vars", "dict", "list", "set", "frozenset", "tuple", "str", "bytes",
    "sorted", "range",
})
# Methods of jax/NumPy arrays and of strings: `x.sum()`, `x.reshape(...)`, `s.format(...)`.
# Any other method (`model.apply`, and the container-like `add`, `update`, `get`, `copy`,
# `count`, `pop` that a user class may define too) is decided by the object it is called
# on, at run time.
_VALUE_METHODS = {
    "T", "all", "any", "argmax", "argmin", "argpartition", "argsort", "astype",
    "block_until_ready", "byteswap", "choose", "clip", "compress", "conj", "conjugate",
    "cumprod", "cumsum", "diagonal", "dot", "flatten", "item", "max", "mean", "min",
    "nonzero", "prod", "ptp", "ravel", "repeat", "reshape", "round", "searchsorted", "sort",
    "squeeze", "std", "sum", "swapaxes", "take", "tobytes", "tolist", "trace", "transpose",
    "var", "view", "to_device", "addressable_data", "copy_to_host_async", "delete",
    "is_deleted", "on_device_size_in_bytes", "keys", "values", "items",
} | {name for name in dir(str) if not name.startswith("_")}
ARRAY_AND_STRING_METHODS = frozenset(_VALUE_METHODS)  # for transforms.item_assignment
# `x.at[i].set(v)`: the update methods of `.at`.
_AT_METHODS = {"set", "get", "add", "subtract", "multiply", "divide", "power", "min", "max",
               "apply"}
_SELF_NAMES = {"self", "cls"}


def _is_at_index(node) -> bool:
    """``x.at[i]``: the receiver of ``.set(v)``/``.add(v)``."""
    return (isinstance(node, S.Subscript) and isinstance(node.value, S.Attribute)
            and node.value.attr == "at")


def _numpy_root(function) -> str | None:
    """``"np"`` for ``np.sin``, ``np.linalg.norm`` (and ``numpy.``): a NumPy function."""
    root = function
    while isinstance(root, S.Attribute):
        root = root.value
    if root is not function and isinstance(root, S.Name) and root.id in NUMPY_NAMES:
        return root.id
    return None


class _Rewriter(S.NodeTransformer):
    def __init__(self, context: ConversionContext, local_names: set[str]):
        self.context, self.local_names = context, local_names
        self.changed = False
        self.for_headers: set[int] = set()  # `for i in range(n)`: lower_for reads it

    def visit_FunctionDef(self, node):
        """A nested ``@jax.jit`` (or ``vmap``, ``partial(jax.jit, ...)``...) def: JAX traces
        it, so it is converted first (``py2lax.converted`` as its innermost decorator).
        Its body is converted on its own, when it is called."""
        if any(self._is_jax_transformation(d) for d in node.decorator_list):
            helper = S.Attribute(value=S.load(self.context.runtime), attr="converted",
                                 ctx=S.Load())
            self.context.records.rewrote("converted", helper, node.lineno, function=node)
            node.decorator_list.append(S.set_location(helper, node.decorator_list[-1]))
            self.changed = True
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        return node

    def _is_jax_transformation(self, decorator) -> bool:
        for part in S.walk(decorator):
            name = part.attr if isinstance(part, S.Attribute) else getattr(part, "id", None)
            if name not in HIGHER_ORDER:
                continue
            root = part
            while isinstance(root, S.Attribute):
                root = root.value
            if isinstance(root, S.Name) and (root.id in JAX_NAMES or root is part):
                return True
        return False

    def _convert_function_arguments(self, node) -> None:
        """``lax.fori_loop(0, n, body, x)``, ``jax.vmap(f)``: the functions JAX will call
        are the user's too, so they go through ``converted`` as well."""
        function = node.func
        name = function.attr if isinstance(function, S.Attribute) else None
        root = function
        while isinstance(root, S.Attribute):
            root = root.value
        if not (name in HIGHER_ORDER and isinstance(root, S.Name) and root.id in JAX_NAMES
                and root.id not in self.local_names):
            return
        for position in HIGHER_ORDER[name]:
            if position >= len(node.args):
                continue
            argument = node.args[position]
            if isinstance(argument, (S.List, S.Tuple)):  # `lax.switch(i, [f, g], x)`
                argument.elts = [self._converted(e) for e in argument.elts]
            else:
                node.args[position] = self._converted(argument)

    def _converted(self, argument):
        if not isinstance(argument, (S.Name, S.Attribute, S.Lambda)):
            return argument
        self.changed = True
        call = self.context.call("converted", argument, function=argument)
        return S.copy_location(call, argument)

    def _static_library_call(self, node) -> bool:
        """``max(n, 1)``, ``math.sqrt(x.shape[0])``: static arguments need no traced version."""
        function = node.func
        library = (isinstance(function, S.Name) and function.id in (
            TRACE_AWARE_BUILTINS | CONVERSION_BUILTINS)) or (
            isinstance(function, S.Attribute) and isinstance(function.value, S.Name)
            and function.value.id == "math") or _numpy_root(function) is not None
        return library and all(is_static(a, self.context.static_names)
                               for a in node.args + [k.value for k in node.keywords])

    def _may_be_user_code(self, function) -> bool:
        spelled = callee_spelling(function)
        if spelled in self.context.direct_calls and (
                "." in spelled or spelled not in self.local_names):
            return False  # the command line converts this helper itself: call it directly
        if isinstance(function, S.Name):
            if function.id.startswith("_py2lax_"):
                return False  # --standalone output's own helpers (a second run reads them)
            if function.id in TRACE_AWARE_BUILTINS:
                return True  # `max(x, 0.0)`: the runtime compares traced values
            return function.id not in _BUILTINS and function.id != self.context.runtime
        if isinstance(function, S.Call):  # `Model(w)(x)`: may be the user's callable object
            return self._may_be_user_code(function.func)
        if not isinstance(function, S.Attribute):
            return False
        if (isinstance(function.value, S.Name) and function.value.id == "math"
                and "math" not in self.local_names
                and (function.attr in MATH_TWINS or function.attr in MATH_FORMULAS)):
            return True  # `math.sqrt(dt)`: jnp.sqrt when dt is traced
        if (root := _numpy_root(function)) is not None and root not in self.local_names:
            return True  # `np.sin(x)`, `np.linalg.norm(v)`: their jnp twins when traced
        if isinstance(function.value, S.Name) and function.value.id in _SELF_NAMES and (
                function.value.id in self.local_names):
            return True  # `self.clip(v)`: a method of the user's class, whatever its name
        if function.attr in _VALUE_METHODS and function.attr not in self.context.user_methods or (
                function.attr in _AT_METHODS and _is_at_index(function.value)):
            return False
        root = function.value
        while isinstance(root, (S.Attribute, S.Subscript)):
            root = root.value
        if isinstance(root, S.Name) and root.id == self.context.runtime:
            return False  # py2lax's own helpers, from earlier passes
        if (isinstance(root, S.Call) and isinstance(root.func, S.Name)
                and root.func.id in _BUILTIN_CONTAINERS and root.func.id not in self.local_names):
            return False  # `locals().get(...)`, `dict(a).items()`: methods of builtin types
        # `jnp.sin`, `helpers.step`: attributes of modules are library or plain functions;
        # `SCALER.apply`, `Activations.leaky`: methods of the user's objects and classes.
        return not (isinstance(root, S.Name) and root.id not in self.local_names
                    and self._is_module(root.id))

    def _is_module(self, name: str) -> bool:
        """A name the function reads from its module or closure that holds a module.

        Without the values (the command line), every such name counts as a module.
        """
        modules = self.context.module_names
        return modules is None or name in modules

    def _traced_value_call(self, node) -> bool:
        """``int(x)``, ``x.item()``, ``lst.index(v)`` where the value may be traced: their
        versions for traced values compute it as an array (``int(n)`` of a static ``n``
        stays as written)."""
        function = node.func
        static = self.context.static_names
        if isinstance(function, S.Name):
            return (function.id in CONVERSION_BUILTINS and function.id not in self.local_names
                    and bool(node.args) and not self._static_library_call(node))
        if not isinstance(function, S.Attribute) or function.attr in self.context.user_methods:
            return False
        if function.attr in VALUE_METHODS:
            return not is_static(function.value, static)
        if function.attr in SEARCH_METHODS:
            return not all(is_static(a, static) for a in node.args) and not (
                isinstance(function.value, S.Constant))  # `"abc".index(s)`: a string's
        return False

    def _masked_filters(self, node) -> bool:
        """``sum(e for x in v if c)`` (or ``any``/``all``/``max``/``min``, or a list
        comprehension) where ``c`` may be traced: ``if py2lax.masked(c)``, so that a traced
        ``c`` masks the item for the reduction instead of dropping it."""
        function = node.func
        if not (isinstance(function, S.Name) and function.id in FILTERING_REDUCERS
                and function.id not in self.local_names and node.args
                and isinstance(node.args[0], (S.GeneratorExp, S.ListComp))
                and not any(isinstance(a, S.Starred) for a in node.args)):
            return False
        comprehension = node.args[0]
        if len(comprehension.generators) != 1 or comprehension.generators[0].is_async:
            return False  # an outer `if` would mask every item of the inner loop
        clause = comprehension.generators[0]
        static = set(self.context.static_names)
        if self._static_iterable(clause.iter, static):
            static |= {n.id for n in S.walk(clause.target) if isinstance(n, S.Name)}
        traced = [c for c in clause.ifs if not is_static(c, static)]
        if not traced:
            return False
        clause.ifs = [S.copy_location(self.context.call("masked", c, condition=c), c)
                      if not is_static(c, static) else c for c in clause.ifs]
        if isinstance(comprehension, S.ListComp):  # the reduction consumes every item anyway
            node.args[0] = S.copy_location(
                S.GeneratorExp(elt=comprehension.elt, generators=comprehension.generators),
                comprehension)
        self.changed = True
        return True

    def _static_iterable(self, iterable, static) -> bool:
        if isinstance(iterable, S.Call) and isinstance(iterable.func, S.Name) and (
                iterable.func.id == "range" and "range" not in self.local_names):
            return all(is_static(a, static) for a in iterable.args)
        return is_static(iterable, static)

    def _traced_range(self, node) -> bool:
        """``range(0, n, 2)`` with a bound that may be traced, anywhere but a ``for``
        header (which ``lower_for`` reads as written): ``py2lax.traced_range`` keeps the
        bounds, so that the ``for`` of a caller that iterates it (``for i in evens(n)``)
        runs ``fori_loop``."""
        function = node.func
        return (isinstance(function, S.Name) and function.id == "range"
                and "range" not in self.local_names and id(node) not in self.for_headers
                and not all(is_static(a, self.context.static_names) for a in node.args))

    def visit_Call(self, node):
        # Decided on the call as written, before its parts are rewritten (`Model(w)(x)`).
        masked = self._masked_filters(node)
        wrap = masked or self._traced_value_call(node) or self._traced_range(node) or (
            self._may_be_user_code(node.func) and not self._static_library_call(node))
        self.generic_visit(node)
        self._convert_function_arguments(node)
        if not wrap:
            return node
        node.func = S.set_location(
            self.context.call("converted", node.func, function=node.func), node.func)
        self.changed = True
        return node


    def visit_Expr(self, node):
        """``helper(w, 0, x)`` as a statement: written back (see :mod:`.write_back`)."""
        self.generic_visit(node)
        return self.write_back.after(node, node.value)

    def visit_Assign(self, node):
        self.generic_visit(node)
        return self.write_back.after(node, node.value)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        return self.write_back.after(node, node.value)

    def visit_AnnAssign(self, node):
        self.generic_visit(node)
        return self.write_back.after(node, node.value) if node.value is not None else node

    def visit_Return(self, node):
        self.generic_visit(node)
        return self.write_back.after(node, node.value) if node.value is not None else node

    def visit_If(self, node):
        self.generic_visit(node)
        return self.write_back.after(node, node.test)

    def visit_While(self, node):
        self.generic_visit(node)
        return self.write_back.refused_in(node, node.test)

    def visit_For(self, node):
        header = node.iter
        self.for_headers.add(id(header))
        if isinstance(header, S.Call) and len(header.args) == 1:  # reversed(range(a, b))
            self.for_headers.add(id(header.args[0]))
        self.generic_visit(node)
        return self.write_back.refused_in(node, node.iter, direct_only=True)


def convert_calls(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    rewriter = _Rewriter(context, context.local_names)
    rewriter.write_back = WriteBack(function, context)
    function.body = S.visit_statements(rewriter, function.body)
    written = rewriter.write_back.finish(function)
    return rewriter.changed or written
