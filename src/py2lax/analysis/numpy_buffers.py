"""Whether a NumPy array the function makes may be read with a traced index.

``parent = np.arange(n)`` followed by ``parent[a]`` inside a traced loop needs the
runtime's owned-buffer marking (``py2lax.converted(np.arange)(n)``, see
:class:`py2lax.runtime.containers.OwnedBuffer`): NumPy itself refuses a tracer as an
index. Most arrays a function makes are never read that way (``out = np.zeros(3)``
filled with constant indices and returned), and the marking is then only noise in the
printed source. This module answers, for the whole function, whether any array made
by a NumPy constructor, or computed from one, may be indexed with a value that is not
a constant, or may reach code that could do so (a helper, a nested function, a
container). Missing a case is not a wrong answer: an unmarked array read with a
traced index is refused at the user's line.

>>> from py2lax.frontend import syntax as S
>>> tree = S.parse_module('''
... def f(x):
...     out = np.zeros(3)
...     out[0] = 1.0
...     return out * x
... ''').body[0]
>>> may_read_with_traced_index(tree, frozenset())
False
>>> tree = S.parse_module('''
... def f(x, n):
...     table = np.arange(10) ** 2
...     for i in range(n):
...         x = x + table[i]
...     return x
... ''').body[0]
>>> may_read_with_traced_index(tree, frozenset())
True
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.static_values import is_static

_ARRAY_MODULES = frozenset({"np", "numpy", "jnp", "math", "lax", "jax"})
# Builtins that read an array without keeping it, changing it or indexing it with a value
# of their own.
_READING_BUILTINS = frozenset({
    "len", "print", "float", "int", "bool", "abs", "repr", "str", "isinstance", "type",
    "range", "enumerate", "zip", "list", "tuple", "sorted", "reversed", "sum", "min", "max",
    "any", "all", "round", "id", "hash",
})
# NumPy/JAX functions that write into an argument, or give a view of it (a write into the
# view writes the argument); every other function of those modules reads its arguments
# (`jnp.zeros_like(xs)`, `np.sum(a)`).
_WRITING_LIBRARY_FUNCTIONS = frozenset({
    "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis",
    "reshape", "ravel", "transpose", "swapaxes", "squeeze", "expand_dims", "moveaxis",
    "asarray", "asanyarray", "atleast_1d", "atleast_2d", "atleast_3d", "diagonal",
    "broadcast_to", "flip", "fliplr", "flipud", "rot90", "real", "imag", "split",
    "array_split", "hsplit", "vsplit", "dsplit", "rollaxis",
})
# Array methods that return a new value (a NumPy `sort`, `fill` or `put` writes into the
# array; `reshape`, `ravel`, `T` give views).
_READING_METHODS = frozenset({
    "all", "any", "argmax", "argmin", "argsort", "astype", "copy", "cumsum", "cumprod",
    "dot", "flatten", "item", "max", "mean", "min", "prod", "round", "std", "sum", "tolist",
    "var",
})
# NumPy functions that make a new array: `parent = np.arange(n)` names a work buffer that
# only the function holds.
NUMPY_ARRAY_MAKERS = frozenset({
    "array", "asarray", "zeros", "ones", "empty", "full", "arange", "linspace", "eye",
    "identity", "zeros_like", "ones_like", "empty_like", "full_like", "copy", "tri",
})


def may_read_with_traced_index(function: S.FunctionDef, static_names) -> bool:
    """Whether an array made by a NumPy constructor in ``function`` may be indexed with
    a non-constant index, here or in code it reaches."""
    nodes = S.walk_same_scope_statements(function.body)
    arrays = _array_names(nodes)
    if arrays is None:
        return True
    for node in nodes:
        if isinstance(node, S.SCOPE_NODES):
            if _mentions(node, arrays):
                return True  # a nested function or comprehension may index it itself
        elif isinstance(node, S.Subscript) and _mentions(node.value, arrays):
            if not is_static(node.slice, static_names):
                return True
        elif isinstance(node, S.Call) and not reads_arguments_only(node):
            if any(_mentions(a, arrays) for a in node.args + [k.value for k in node.keywords]):
                return True  # a helper, or a method that may keep it
        elif isinstance(node, (S.Assign, S.AugAssign, S.AnnAssign)):
            targets = node.targets if isinstance(node, S.Assign) else [node.target]
            if node.value is not None and _mentions(node.value, arrays) and any(
                    not isinstance(t, S.Name) for t in targets):
                return True  # stored in a container or an attribute
    return False


def is_numpy_maker(node) -> bool:
    """``np.zeros(n)``, ``numpy.arange(k)``: a call that makes a new NumPy array."""
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr in NUMPY_ARRAY_MAKERS and isinstance(node.func.value, S.Name)
            and node.func.value.id in ("np", "numpy"))


def _array_names(nodes: list) -> set[str] | None:
    """Names assigned a NumPy-made array or a value computed from one; ``None`` when a
    made array goes somewhere other than a plain name (a container, an argument)."""
    simple = [n for n in nodes if isinstance(n, S.Assign)
              and all(isinstance(t, S.Name) for t in n.targets)]
    named = {id(part) for assign in simple for part in S.walk(assign.value)}
    if any(is_numpy_maker(n) and id(n) not in named for n in nodes):
        return None
    arrays: set[str] = set()
    changed = True
    while changed:
        changed = False
        for assign in simple:
            if any(is_numpy_maker(n) for n in S.walk(assign.value)) or _mentions(
                    assign.value, arrays):
                new = {t.id for t in assign.targets} - arrays
                arrays |= new
                changed = changed or bool(new)
    return arrays


def _mentions(node, names: set[str]) -> bool:
    return bool(names) and any(isinstance(n, S.Name) and n.id in names for n in S.walk(node))


def reads_arguments_only(call) -> bool:
    """``len(a)``, ``np.sum(a)``, ``a.sum()``: a call that neither changes its arguments'
    arrays nor gives a view of them (a builtin that reads, a NumPy/JAX function other
    than the in-place and view-giving ones, without ``out=``; an array method that
    returns a new value)."""
    function = call.func
    if any(k.arg == "out" for k in call.keywords):
        return False
    if isinstance(function, S.Name):
        return function.id in _READING_BUILTINS
    if not isinstance(function, S.Attribute):
        return False
    root = function.value
    while isinstance(root, S.Attribute):
        root = root.value
    if isinstance(root, S.Name) and root.id in _ARRAY_MODULES:
        return function.attr not in _WRITING_LIBRARY_FUNCTIONS
    return function.attr in _READING_METHODS
