"""The door to gast: node types, parsing, printing, compiling and walking trees.

Every other module says ``from py2lax.frontend import syntax as S`` and writes ``S.If``,
``S.parse_module(...)``. Keeping gast behind this door means a gast upgrade, or a switch to
plain ``ast``, touches this file and :mod:`py2lax.frontend.gast_bridge` (the fast conversion to and
from ``ast``, which takes gast's node classes from here).

Printing goes through ``ast.unparse``: unlike astor 0.8.1 it round-trips every construct
of current Python (``match``, ``except*``, walrus, f-strings).
"""

from __future__ import annotations

import ast
import contextlib
import io
import threading
import tokenize
from typing import Iterator

import gast
from gast import *  # noqa: F401,F403  (re-export the node classes: S.If, S.Name, ...)
from gast import (  # explicit re-exports used throughout the package
    AST,
    copy_location,
    dump,
    iter_fields,
)

from py2lax.frontend import gast_bridge

gast_bridge.use(gast)  # the bridge's node classes: gast's, handed over from this one door

__all__ = [
    "AST", "NodeTransformer", "NodeVisitor", "copy_location", "dump", "iter_child_nodes",
    "iter_fields", "walk", "parse_module", "source_lines", "unparse", "to_python_ast",
    "compile_module", "name", "load", "store", "deep_copy", "set_location", "statement_lists", "FUNCTION_NODES",
    "SCOPE_NODES", "LOOP_NODES",
]

FUNCTION_NODES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)
SCOPE_NODES = FUNCTION_NODES + (
    gast.ClassDef, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
)
LOOP_NODES = (gast.For, gast.While, gast.AsyncFor)
_SCOPE_TYPES = frozenset(SCOPE_NODES)


def parse_module(source: str) -> gast.Module:
    """Parse module text (raises ``SyntaxError`` with the usual location)."""
    return gast_bridge.to_gast(ast.parse(source))


def source_lines(text: str, keepends: bool = False) -> list[str]:
    """The rows of ``text`` as Python numbers them (``lineno``): split at ``\\n``,
    ``\\r\\n`` and ``\\r`` only, not at the form feeds and other separators that
    ``str.splitlines`` also breaks at."""
    rows: list[str] = []
    for piece in text.splitlines(keepends=True):
        if rows and not rows[-1].endswith(("\n", "\r")):
            rows[-1] += piece
        else:
            rows.append(piece)
    if keepends:
        return rows
    return [row[:-2] if row.endswith("\r\n") else row[:-1] if row.endswith(("\n", "\r"))
            else row for row in rows]


def to_python_ast(node: gast.AST) -> ast.AST:
    """Convert a gast tree to a standard ``ast`` tree with every location filled in."""
    return gast_bridge.to_ast(node)


def unparse(node: gast.AST | list) -> str:
    """Readable source for a node or a list of statements.

    ``ast.unparse`` puts a blank line before every nested ``def``, even right after a
    block opener (``def f(x):``, ``if c:``); those blank lines are dropped.
    """
    if isinstance(node, list):
        return "\n".join(unparse(n) for n in node)
    tree = _printable(to_python_ast(node))  # the bridge builds new nodes: no copy needed
    return _drop_blank_lines_after_openers(ast.unparse(tree))


def _printable(tree: ast.AST) -> ast.AST:
    """Trees the compiler accepts but ``ast.unparse`` would print as invalid text.

    * A slice outside brackets (``py2lax.setitem(x, 1:3, v)``, from ``x[1:3] = v``) is
      the ``slice(1, 3, None)`` object it evaluates to.
    * A lambda given a name to be compiled as a function (``def <lambda>(x): return
      ...``) prints as the lambda it is.
    """
    if isinstance(tree, ast.FunctionDef) and tree.name == "<lambda>" and len(
            tree.body) == 1 and isinstance(tree.body[0], ast.Return):
        body = tree.body[0].value or ast.Constant(value=None)
        tree = ast.copy_location(ast.Lambda(args=tree.args, body=body), tree)
    in_brackets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            in_brackets.add(id(node.slice))
            if isinstance(node.slice, ast.Tuple):
                in_brackets.update(id(element) for element in node.slice.elts)
    for node in ast.walk(tree):
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.Slice) and id(value) not in in_brackets:
                setattr(node, name, _slice_call(value))
            elif isinstance(value, list):
                value[:] = [_slice_call(item) if isinstance(item, ast.Slice)
                            and id(item) not in in_brackets else item for item in value]
    return tree


def _slice_call(node: ast.Slice) -> ast.Call:
    arguments = [part or ast.Constant(value=None) for part in (node.lower, node.upper, node.step)]
    return ast.copy_location(ast.Call(func=ast.Name(id="slice", ctx=ast.Load()),
                                      args=arguments, keywords=[]), node)


def _drop_blank_lines_after_openers(text: str) -> str:
    if ":\n\n" not in text:
        return text   # nothing to drop (most statements): no need to tokenize
    lines = text.split("\n")
    inside_strings = _lines_inside_strings(text)
    kept = [
        line for number, line in enumerate(lines, start=1)
        if not (line == "" and number > 1 and lines[number - 2].endswith(":")
                and number not in inside_strings)
    ]
    return "\n".join(kept)


def _lines_inside_strings(text: str) -> set[int]:
    """Line numbers that lie inside a multi-line string literal (blank lines there matter)."""
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, text.count("\n") + 2))  # be safe: touch nothing
    return inside


def compile_module(module: gast.Module, filename: str):
    """Compile a gast module to a code object that keeps the tree's file name and lines."""
    return compile(to_python_ast(module), filename, "exec", dont_inherit=True)


_THUNK = "py2lax_thunk"


def thunk(expression: gast.expr) -> gast.Lambda:
    """``lambda: expression``, made by py2lax and called at once by the runtime
    (``py2lax.and_(a, lambda: b)``): not a closure that outlives the statement."""
    arguments = gast.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[],
                               kw_defaults=[], kwarg=None, defaults=[])
    node = gast.Lambda(args=arguments, body=expression)
    setattr(node, _THUNK, True)
    return node


def is_thunk(node: gast.AST) -> bool:
    return getattr(node, _THUNK, False)


_GENERATED = "py2lax_generated"


def generated(node: gast.AST) -> gast.AST:
    """Mark a statement or expression py2lax wrote itself (not one of the user's), and
    return it."""
    setattr(node, _GENERATED, True)
    return node


def is_generated(node: gast.AST) -> bool:
    return getattr(node, _GENERATED, False)


_IN_PLACE = "py2lax_in_place"


def in_place_write(node: gast.AST) -> gast.AST:
    """Mark an assignment that stands for a write into the object its targets already
    hold (``v = step_written(v, i, x)[1]`` for ``step(v, i, x)``, which NumPy makes in
    place): a loop over ``v`` reads the items it changes, as Python's does. Return it."""
    setattr(node, _IN_PLACE, True)
    return node


def is_in_place_write(node: gast.AST) -> bool:
    return getattr(node, _IN_PLACE, False)


def load(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Load(), annotation=None, type_comment=None)


def store(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Store(), annotation=None, type_comment=None)


def name(identifier: str, ctx: gast.expr_context) -> gast.Name:
    return gast.Name(id=identifier, ctx=ctx, annotation=None, type_comment=None)


def param(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Param(), annotation=None, type_comment=None)


# Traversal. The tree walks of every analysis go through these, so they are written for
# speed: children come back as lists, and leaves nothing looks for by walking are skipped.

# Fields that never hold a node worth visiting: names and flags, and the operator and
# context leaves (``Add()``, ``Load()``), which carry no location and no names.
_LEAF_FIELDS = frozenset({"id", "ctx", "type_comment", "kind", "attr", "level", "module",
                          "is_async", "conversion", "simple", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAF_TYPES = frozenset(
    kind for base in (gast.expr_context, gast.operator, gast.boolop, gast.unaryop, gast.cmpop)
    for kind in base.__subclasses__()
)


def _child_fields(node_type: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = tuple(field for field in node_type._fields if field not in _LEAF_FIELDS
                       and not (node_type is gast.Constant and field == "value"))
        _CHILD_FIELDS[node_type] = fields
    return fields


def iter_child_nodes(node: gast.AST) -> list[gast.AST]:
    """The child nodes of ``node`` in field order, without operator and context leaves."""
    fields = _CHILD_FIELDS.get(type(node))
    if fields is None:
        fields = _child_fields(type(node))
    children = []
    values = node.__dict__
    for field in fields:
        value = values.get(field)
        if type(value) is list:
            children += [item for item in value if isinstance(item, AST)]
        elif isinstance(value, AST):
            children.append(value)
    return children


def walk(node: gast.AST) -> list[gast.AST]:
    """``node`` and all its descendants, breadth first (like ``ast.walk``), as a list."""
    memo = _MEMO.walks
    if memo is not None:
        kept = memo.get(-id(node))  # (negative keys: whole walks; positive: same-scope)
        if kept is not None and kept[0] is node:
            return list(kept[1])
    found = [node]
    _add_children(found, 0, frozenset())
    if memo is not None:
        memo[-id(node)] = (node, found[:])
    return found


def _add_children(found: list, index: int, closed: frozenset) -> None:
    """Append the children of ``found[index:]`` (and theirs) to ``found``, breadth first;
    nodes after the first whose type is in ``closed`` are kept but not entered. (The
    child loop of ``iter_child_nodes``, inlined: the analyses walk every statement's
    subtree many times, and a call and a list per node were most of conversion time.)"""
    append = found.append
    while index < len(found):
        current = found[index]
        index += 1
        kind = type(current)
        if index > 1 and kind in closed:
            continue
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _child_fields(kind)
        values = current.__dict__
        for field in fields:
            value = values.get(field)
            if type(value) is list:
                for item in value:
                    if isinstance(item, AST):
                        append(item)
            elif isinstance(value, AST):
                append(value)


# (visitor class, node type) -> the visitor's `visit_<Type>` function, or None.
_VISIT_METHODS: dict[tuple[type, type], object] = {}


def _visit_method(visitor: object, node_type: type):
    key = (type(visitor), node_type)
    try:
        return _VISIT_METHODS[key]
    except KeyError:
        method = getattr(type(visitor), "visit_" + node_type.__name__, None)
        _VISIT_METHODS[key] = method
        return method


class NodeVisitor(ast.NodeVisitor):
    """``ast.NodeVisitor`` that skips operator and context leaves when visiting children."""

    def visit(self, node):
        visitor = _visit_method(self, type(node))
        return self.generic_visit(node) if visitor is None else visitor(self, node)

    def generic_visit(self, node):
        for child in iter_child_nodes(node):
            self.visit(child)


class NodeTransformer(ast.NodeTransformer):
    """``ast.NodeTransformer`` with the same contract, minus visits of operator and context leaves."""

    def visit(self, node):
        visitor = _visit_method(self, type(node))
        return self.generic_visit(node) if visitor is None else visitor(self, node)

    def generic_visit(self, node):
        for field in _child_fields(type(node)):
            value = getattr(node, field, None)
            if type(value) is list:
                if value:
                    value[:] = _visit_list(self, value)
            elif isinstance(value, AST):
                new = self.visit(value)
                if new is None:
                    delattr(node, field)
                else:
                    setattr(node, field, new)
        return node


def _visit_list(transformer, values: list) -> list:
    result = []
    for value in values:
        if isinstance(value, AST):
            value = transformer.visit(value)
            if value is None:
                continue
            if not isinstance(value, AST):
                result += value
                continue
        result.append(value)
    return result


def deep_copy(node):
    """A copy of a tree (or list of trees); much faster than ``copy.deepcopy`` on ASTs.

    Fields are copied recursively; extra attributes py2lax attaches to nodes (loop flags
    and options) and locations are kept. Operator and context leaves (``Add()``,
    ``Load()``) hold nothing and are never changed in place, so copies share them.
    """
    if type(node) is list:
        return [_copy_node(item) if isinstance(item, AST) else item for item in node]
    return _copy_node(node) if isinstance(node, AST) else node


def _copy_node(node):
    kind = type(node)
    if kind in _LEAF_TYPES:
        return node
    clone = kind.__new__(kind)
    fields = dict(node.__dict__)
    for key, value in fields.items():
        if type(value) is list:
            fields[key] = [_copy_node(item) if isinstance(item, AST) else item for item in value]
        elif isinstance(value, AST):
            fields[key] = _copy_node(value)
    clone.__dict__.update(fields)
    return clone


def set_location(node: gast.AST, source: gast.AST) -> gast.AST:
    """Give ``node`` and every descendant without a line the location of ``source``.

    Generated code inherits the line of the user's statement it came from, so tracebacks
    and error messages point at the user's file and line. A node that has a line keeps it,
    and so does everything below it: located subtrees (the user's own code placed into a
    template) are not walked again.
    """
    line = getattr(source, "lineno", None)
    col = getattr(source, "col_offset", 0)
    end_line = getattr(source, "end_lineno", line)
    end_col = getattr(source, "end_col_offset", col)
    todo = [node]
    while todo:
        current = todo.pop()
        if "lineno" in current._attributes:
            if getattr(current, "lineno", None) is not None:
                continue
            current.lineno, current.col_offset = line, col
            current.end_lineno, current.end_col_offset = end_line, end_col
        todo += iter_child_nodes(current)
    return node


def statement_lists(node: gast.AST) -> Iterator[tuple[str, list]]:
    """Yield ``(field, statements)`` for each statement-list field of ``node``."""
    for field in ("body", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], gast.stmt):
            yield field, value


def walk_same_scope(node: gast.AST) -> list[gast.AST]:
    """Like ``walk`` but does not enter nested functions, lambdas, classes or comprehensions.

    A root that is itself a scope node is returned alone: its name or value belongs to
    the enclosing scope, its body does not. Nested scope nodes are included (their names
    are bound here), their insides are not.
    """
    found = [node]
    if type(node) in _SCOPE_TYPES:
        return found
    memo = _MEMO.walks
    if memo is not None:
        kept = memo.get(id(node))
        if kept is not None and kept[0] is node:
            return list(kept[1])
    _add_children(found, 0, _SCOPE_TYPES)
    if memo is not None:
        memo[id(node)] = (node, found[:])   # the node kept: its id cannot be reused
    return found


class _Memo(threading.local):
    """Per thread (a thread changing its own trees must not read another's memo):
    id(node) -> (node, its walk_same_scope), -id(node) -> (node, its walk), while
    ``tree_unchanged`` holds."""

    walks: dict | None = None


_MEMO = _Memo()


@contextlib.contextmanager
def tree_unchanged():
    """Within this block the caller changes no tree, so a subtree's ``walk_same_scope``
    is computed once: the analyses run before a transform each walk the whole function
    (a dozen walks of every statement per pass was most of ``--all``'s time on big
    modules). Nested blocks share the outer one's memo."""
    outer = _MEMO.walks
    if outer is None:
        _MEMO.walks = {}
    try:
        yield
    finally:
        _MEMO.walks = outer


def nested_statements(node: gast.AST) -> list[gast.AST]:
    """``node`` and the statements nested in it in its own scope (the bodies of ``if``,
    loops, ``with``, ``try`` handlers and ``match`` cases), not its expressions: what a
    search for statement kinds (``global``, ``nonlocal``) needs, without walking every
    expression node."""
    found = [node]
    index = 0
    while index < len(found):
        current = found[index]
        index += 1
        if type(current) in _SCOPE_TYPES:  # a nested scope's body is not this scope's
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(current, field, None)
            if type(value) is list:
                found += [item for item in value if isinstance(item, (gast.stmt,
                          gast.excepthandler, gast.match_case))]
    return found


def walk_same_scope_statements(statements: list) -> list[gast.AST]:
    """Every node of ``statements`` that belongs to their own scope."""
    found: list = []
    for statement in statements:
        found += walk_same_scope(statement)
    return found


def visit_statements(transformer: gast.NodeTransformer, statements: list) -> list:
    """Run ``transformer`` over each statement; one may become several (a list) or none."""
    result: list = []
    for statement in statements:
        visited = transformer.visit(statement)
        if isinstance(visited, list):
            result.extend(visited)
        elif visited is not None:
            result.append(visited)
    return result
