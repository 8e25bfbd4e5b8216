"""The syntax layer: the fast ast/gast bridge and reading a live function's source.

The bridge replaces gast's own translators on every conversion, so it is checked against
them node for node (locations included) on real code: this package and its tests.
"""

from __future__ import annotations

import ast
import importlib.util
import pathlib
import textwrap

import gast
import jax.numpy as jnp
import pytest

import py2lax
from py2lax.frontend import gast_bridge
from py2lax.frontend import syntax as S
from py2lax.frontend.source import parse_function

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "tests").glob("*.py"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_bridge_matches_gasts_own_translators(path):
    tree = ast.parse(path.read_text())
    ours = gast_bridge.to_gast(tree)
    assert gast.dump(ours, include_attributes=True) == gast.dump(
        gast.ast_to_gast(tree), include_attributes=True)
    back = gast_bridge.to_ast(ours)
    assert ast.dump(back, include_attributes=True) == ast.dump(
        ast.fix_missing_locations(gast.gast_to_ast(gast.ast_to_gast(tree))),
        include_attributes=True)


def test_nodes_without_a_location_take_their_parents_when_compiled():
    module = S.parse_module("def f(x):\n    return x\n")
    function = module.body[0]
    unlocated = S.Return(value=S.load("x"))  # as a template builds it: no line at all
    function.body = [unlocated]
    compiled = gast_bridge.to_ast(module).body[0].body[0]
    assert (compiled.lineno, compiled.value.lineno) == (function.lineno, function.lineno)
    namespace = {}
    exec(compile(gast_bridge.to_ast(module), "<test>", "exec"), namespace)
    assert namespace["f"](3) == 3


ODD_LAYOUTS = '''
import functools


def decorated(f):
    return f


@functools.partial(
    decorated)
def spread_decorator(x):
    if x > 0:
        x = x * 2
    return x


def header_closes_at_def_indent(
    x,
):
    if x > 0:
        x = x * 2
    return x


def string_at_column_zero(x):
    text = """
a line at column zero
"""
    if x > 0:
        x = x * 2
    return x


class Holder:
    def method(self, x):
        if x > 0:
            x = x * 2
        return x


def outer():
    def inner(x):
        if x > 0:
            x = x * 2
        return x
    return inner


twice = lambda x: x * 2 if x > 0 else x
'''


@pytest.fixture(scope="module")
def odd_module(tmp_path_factory):
    path = tmp_path_factory.mktemp("layouts") / "odd_layouts.py"
    path.write_text(ODD_LAYOUTS)
    spec = importlib.util.spec_from_file_location("odd_layouts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["spread_decorator", "header_closes_at_def_indent",
                                  "string_at_column_zero", "method", "inner", "twice"])
def test_functions_in_every_layout_are_read_at_their_own_lines(odd_module, name):
    function = {"method": odd_module.Holder().method, "inner": odd_module.outer(),
                "twice": odd_module.twice}.get(name) or getattr(odd_module, name)
    function = getattr(function, "__func__", function)
    tree = parse_function(function).tree
    code = function.__code__
    lines = ODD_LAYOUTS.splitlines()
    definition_line = next(n for n in range(code.co_firstlineno, len(lines) + 1)
                           if "def " in lines[n - 1] or "lambda" in lines[n - 1])
    assert tree.lineno == definition_line
    source_line = lines[tree.lineno - 1]
    assert source_line[tree.col_offset:].startswith(("def ", "lambda"))
    converted = py2lax.convert(function)
    arguments = (jnp.float32(3.0),) if name != "method" else (None, jnp.float32(3.0))
    expected = function(*arguments)
    assert float(converted(*arguments)) == float(expected)


def test_an_indented_function_keeps_its_columns(odd_module):
    tree = parse_function(odd_module.Holder.method).tree
    assert tree.col_offset == 4
    condition = tree.body[0].test
    line = ODD_LAYOUTS.splitlines()[condition.lineno - 1]
    assert line[condition.col_offset:condition.end_col_offset] == "x > 0"


def test_block_cut_never_swallows_the_next_definition():
    source = textwrap.dedent('''
        def first(x):
            return x
        # a comment between
        def second(x):
            return -x
    ''')
    from py2lax.frontend.source import _indented_block
    lines = source.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("def first"))
    assert "".join(_indented_block(lines, start)) == "def first(x):\n    return x\n"
