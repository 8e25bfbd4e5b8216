"""``path[i]`` of a list (or dict) the function made, or ``TABLE[k]`` of a module-level
table -> ``py2lax.getitem(path, i)``.

A list keeps its length whatever a traced position is, so reading it at one has a value
the compiled program can compute: the runtime stacks the items and indexes that
(``runtime.list_positions``), and a position outside the list raises Python's
``IndexError`` when the program runs. A NumPy table the module holds (``TABLE =
np.arange(10) ** 2``) is read from a JAX copy of its values, with the same check.
Without the rewrite, ``list.__getitem__`` (or NumPy) asks the tracer for a concrete
integer, which it cannot give (``TracerIntegerConversionError``). Writes (``h[b] += 1``)
already go through ``py2lax.setitem``.

A dict with integer keys read at a traced integer key (``d[best]`` of ``d = {i: v[i]
for i in range(n)}``) is read the same way: the value of the key it equals, and
Python's ``KeyError`` when the program runs with a key the dict lacks.

Only reads with an index that is neither a constant nor a slice are rewritten, of the
names the function binds to a list or dict (a display or comprehension, ``[0] * n``,
``list(...)``, ``dict(...)``) and of the global or closure names it reads but never binds (not
modules), and only where the function's values are known (the decorator, where
``context.module_names`` is given): on any other value the call is plain
``items[index]``. The command line leaves the user's ``path[i]`` as it is. Nested
functions and lambdas are converted on their own.

So ``if path[i] > 2.0:`` in a ``while i < 3:`` loop over ``path = [0.0, 0.0, 0.0]``
becomes ``if py2lax.getitem(path, i) > 2.0:``.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext


def _makes_a_list(value) -> bool:
    """A new list, or a new dict (``{i: v[i] for i in range(n)}``, read at a traced
    integer key as a list is at a traced position)."""
    if isinstance(value, (S.List, S.ListComp, S.Dict, S.DictComp)):
        return True
    if isinstance(value, S.BinOp) and isinstance(value.op, (S.Mult, S.Add)):
        # `[0] * n`, `[0] + [INF] * 12`
        return _makes_a_list(value.left) or _makes_a_list(value.right)
    return (isinstance(value, S.Call) and isinstance(value.func, S.Name)
            and value.func.id in ("list", "dict"))


def lists_made(function: S.FunctionDef) -> frozenset[str]:
    """The names ``function`` binds to a new list or dict somewhere (not in nested
    functions)."""
    names = set()
    for node in S.walk_same_scope_statements(function.body):
        if isinstance(node, S.Assign) and _makes_a_list(node.value):
            names.update(t.id for t in node.targets if isinstance(t, S.Name))
        elif (isinstance(node, S.AnnAssign) and node.value is not None
              and isinstance(node.target, S.Name) and _makes_a_list(node.value)):
            names.add(node.target.id)
    return frozenset(names)


class _Rewriter(S.NodeTransformer):
    def __init__(self, context: ConversionContext, lists: frozenset[str]):
        self.context = context
        self.lists = lists
        self.changed = False

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def _read_through_runtime(self, name: str) -> bool:
        if name in self.lists:
            return True
        modules = self.context.module_names or frozenset()
        return (name not in self.context.local_names and name not in modules
                and name != self.context.runtime)

    def _row_of_a_list(self, value) -> bool:
        """``rows[t]`` (or its rewritten read) of a list the function made: a list of
        lists (``back[t][last]``), read at a traced position too."""
        while isinstance(value, S.Subscript) or _read_by(value, self.context) is not None:
            value = value.value if isinstance(value, S.Subscript) else _read_by(value,
                                                                                self.context)
        return isinstance(value, S.Name) and value.id in self.lists

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not (isinstance(node.ctx, S.Load) and _varies(node.slice)):
            return node
        if not ((isinstance(node.value, S.Name) and self._read_through_runtime(node.value.id))
                or self._row_of_a_list(node.value)):
            return node
        self.changed = True
        call = self.context.call("getitem", node.value, node.slice, line=node.lineno,
                                 target=node.value, index=node.slice)
        return S.set_location(S.copy_location(call, node), node)


def _read_by(node, context):
    """The list ``py2lax.getitem(rows, t)`` reads (``rows``), from its record; None for
    any other node."""
    record = context.records.of_call(node) if isinstance(node, S.Call) else None
    return record.operands["target"] if record is not None and (
        record.helper == "getitem") else None


def _varies(index) -> bool:
    """An index that may be traced: not a constant, a slice, ``-1``, or a tuple with a
    slice in it (``grid[i, :]`` is an array's)."""
    if isinstance(index, S.Tuple):
        return any(_varies(e) for e in index.elts) and not any(
            isinstance(e, (S.Slice, S.Starred)) for e in index.elts)
    if isinstance(index, S.UnaryOp) and isinstance(index.operand, S.Constant):
        return False
    return not isinstance(index, (S.Constant, S.Slice, S.Starred))


def rewrite_list_reads(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.module_names is None:  # the command line: the user's `path[i]` stays
        return False
    rewriter = _Rewriter(context, lists_made(function))
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed
