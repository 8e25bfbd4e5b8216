"""The one module that imports gast: node types, parsing, printing and compiling.

Every other module says ``from py2lax import syntax as S`` and writes ``S.If``,
``S.parse_function(...)``. Keeping gast behind this door means a gast upgrade (or a
switch to plain ``ast``) touches one file.

Printing goes through ``ast.unparse`` after ``gast.gast_to_ast``: unlike astor 0.8.1 it
round-trips every construct of current Python (``match``, ``except*``, walrus, f-strings).
"""

from __future__ import annotations

import ast
import io
import tokenize
from typing import Iterable, Iterator

import gast
from gast import *  # noqa: F401,F403  (re-export the node classes: S.If, S.Name, ...)
from gast import (  # explicit re-exports used throughout the package
    AST,
    NodeTransformer,
    NodeVisitor,
    copy_location,
    dump,
    iter_child_nodes,
    iter_fields,
    walk,
)

__all__ = [
    "AST", "NodeTransformer", "NodeVisitor", "copy_location", "dump", "iter_child_nodes",
    "iter_fields", "walk", "parse_module", "unparse", "to_python_ast", "compile_module",
    "name", "load", "store", "deep_copy", "set_location", "statement_lists", "FUNCTION_NODES",
    "SCOPE_NODES", "LOOP_NODES",
]

FUNCTION_NODES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)
SCOPE_NODES = FUNCTION_NODES + (
    gast.ClassDef, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
)
LOOP_NODES = (gast.For, gast.While, gast.AsyncFor)


def parse_module(source: str) -> gast.Module:
    """Parse module text (raises ``SyntaxError`` with the usual location)."""
    return gast.parse(source)


def to_python_ast(node: gast.AST) -> ast.AST:
    """Convert a gast tree to a standard ``ast`` tree with every location filled in."""
    tree = gast.gast_to_ast(node)
    return ast.fix_missing_locations(tree)


def unparse(node: gast.AST | list) -> str:
    """Readable source for a node or a list of statements.

    ``ast.unparse`` puts a blank line before every nested ``def``, even right after a
    block opener (``def f(x):``, ``if c:``); those blank lines are dropped.
    """
    if isinstance(node, list):
        return "\n".join(unparse(n) for n in node)
    text = ast.unparse(to_python_ast(node))  # gast_to_ast builds new nodes: no copy needed
    return _drop_blank_lines_after_openers(text)


def _drop_blank_lines_after_openers(text: str) -> str:
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


def load(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Load(), annotation=None, type_comment=None)


def store(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Store(), annotation=None, type_comment=None)


def name(identifier: str, ctx: gast.expr_context) -> gast.Name:
    return gast.Name(id=identifier, ctx=ctx, annotation=None, type_comment=None)


def param(identifier: str) -> gast.Name:
    return gast.Name(id=identifier, ctx=gast.Param(), annotation=None, type_comment=None)


def deep_copy(node):
    """A copy of a tree (or list of trees); much faster than ``copy.deepcopy`` on ASTs.

    Fields are copied recursively; extra attributes py2lax attaches to nodes (loop flags
    and options) and locations are kept.
    """
    if isinstance(node, list):
        return [deep_copy(item) for item in node]
    if not isinstance(node, gast.AST):
        return node
    clone = node.__class__.__new__(node.__class__)
    for key, value in node.__dict__.items():
        if isinstance(value, list):
            value = [deep_copy(item) for item in value]
        elif isinstance(value, gast.AST):
            value = deep_copy(value)
        setattr(clone, key, value)
    return clone


def set_location(node: gast.AST, source: gast.AST) -> gast.AST:
    """Give ``node`` and every descendant without a line the location of ``source``.

    Generated code inherits the line of the user's statement it came from, so tracebacks
    and error messages point at the user's file and line.
    """
    line = getattr(source, "lineno", None)
    col = getattr(source, "col_offset", 0)
    end_line = getattr(source, "end_lineno", line)
    end_col = getattr(source, "end_col_offset", col)
    for child in gast.walk(node):
        if "lineno" in child._attributes and getattr(child, "lineno", None) is None:
            child.lineno, child.col_offset = line, col
            child.end_lineno, child.end_col_offset = end_line, end_col
    return node


def statement_lists(node: gast.AST) -> Iterator[tuple[str, list]]:
    """Yield ``(field, statements)`` for each statement-list field of ``node``."""
    for field in ("body", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], gast.stmt):
            yield field, value


def walk_same_scope(node: gast.AST) -> Iterable[gast.AST]:
    """Like ``walk`` but does not enter nested functions, lambdas, classes or comprehensions.

    A root that is itself a scope node is yielded alone: its name or value belongs to
    the enclosing scope, its body does not.
    """
    if isinstance(node, SCOPE_NODES):
        yield node
        return
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        for child in gast.iter_child_nodes(current):
            if isinstance(child, SCOPE_NODES):
                yield child  # the node is visible (its name is bound here) but not its body
                continue
            todo.append(child)


def walk_same_scope_statements(statements: list) -> Iterable[gast.AST]:
    """Every node of ``statements`` that belongs to their own scope."""
    for statement in statements:
        yield from walk_same_scope(statement)


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
