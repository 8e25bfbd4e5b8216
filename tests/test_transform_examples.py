"""Each transform's docstring shows a ``Before::``/``After::`` example; it is the real output.

The example in a pass's module docstring is run through the pipeline up to and including
that pass, and the result must be the ``After::`` code (compared as syntax: comments and
blank lines do not matter). A snippet that is not a ``def`` is the body of a function whose
parameters are the names it reads before assigning them.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
import textwrap

import pytest

from py2lax.frontend import syntax as S
from py2lax.analysis.liveness import _Liveness
from py2lax.frontend.fence import check_function
from py2lax.pipeline import PASSES, new_context
from py2lax.transforms.formatted_values import guard_formatted_values
from py2lax.transforms.lower_control_flow import lower_control_flow
from py2lax.transforms.none_checks import rewrite_none_checks

_EXAMPLE = re.compile(r"Before::\n\n(?P<before>.*?)\n\nAfter::\n\n(?P<after>.*?)(?:\n\n(?=\S)|\Z)",
                      re.S)


# Modules whose example the given pass produces (the lowering's three statement kinds).
_LOWERINGS = {"py2lax.transforms.lower_if": lower_control_flow,
              "py2lax.transforms.lower_while": lower_control_flow,
              "py2lax.transforms.lower_for": lower_control_flow}


_DECORATOR_ONLY = {rewrite_none_checks, guard_formatted_values}


def _examples():
    modules = {p.__module__: p for p in PASSES} | _LOWERINGS
    for module, run_pass in modules.items():
        match = _EXAMPLE.search(sys.modules[module].__doc__ or "")
        if match:
            yield pytest.param(run_pass, textwrap.dedent(match["before"]),
                               textwrap.dedent(match["after"]), id=module.rsplit(".", 1)[1])


def _as_function(code: str, parameters: list[str]) -> str:
    if code.lstrip().startswith("def "):
        return code
    return f"def example({', '.join(parameters)}):\n" + textwrap.indent(code, "    ")


def _free_names(code: str) -> list[str]:
    """The names the snippet reads before assigning them (its function's parameters)."""
    if code.lstrip().startswith("def "):
        return []
    function = S.parse_module(_as_function(code, [])).body[0]
    analysis = _Liveness()
    return sorted(analysis.block(function.body, set()) - set(dir(builtins))
                  - {"py2lax", "jnp", "np", "jax", "lax"})


def _syntax(code: str) -> str:
    return ast.dump(ast.parse(code))


def test_every_rewriting_pass_shows_an_example():
    shown = {p.id for p in _examples()}
    assert shown >= {"item_assignment", "print_and_assert", "match_to_if", "hoist_walrus",
                     "normalize_exits", "logical_ops", "lower_if", "lower_while",
                     "lower_for"}, shown


@pytest.mark.parametrize(("run_pass", "before", "after"), list(_examples()))
def test_docstring_example_is_the_real_output(run_pass, before, after):
    parameters = _free_names(before)
    function = S.parse_module(_as_function(before, parameters)).body[0]
    # (passes that only the decorator runs, where the module's names are known)
    known = frozenset() if run_pass in _DECORATOR_ONLY else None
    context = new_context(function, "<example>", module_names=known)
    check_function(function, context.filename)
    for each in PASSES[:PASSES.index(run_pass) + 1]:
        each(function, context)
    expected = _as_function(after, parameters)
    assert _syntax(S.unparse(function)) == _syntax(expected), (
        f"{run_pass.__name__}'s docstring example differs from the real output:\n"
        f"{S.unparse(function)}")
