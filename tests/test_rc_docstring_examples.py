"""The ``Before::``/``After::`` examples in the transforms' docstrings are run: each
``Before`` goes through the pipeline up to and including the module's own pass (the whole
pipeline for the ``lower_*`` modules, which ``lower_control_flow`` runs), and must give
its ``After`` exactly, compared as parsed code (comments and quotes aside). So an
example cannot drift from what the pass does (one had: ``normalize_exits`` showed no
``returned`` flag).

A ``Before`` that is not a whole ``def`` is a function body whose free names are the
parameters (values that may be traced). It runs as the command line runs it, and, for
the passes only the decorator runs (``formatted_values``, ``none_checks``), as the
decorator does.
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import re
import textwrap

import pytest

import py2lax.transforms
from py2lax import pipeline
from py2lax.frontend import syntax as S


def _examples():
    for info in pkgutil.iter_modules(py2lax.transforms.__path__):
        name = f"py2lax.transforms.{info.name}"
        parts = re.split(r"^(Before::|After::)\s*$", importlib.import_module(name).__doc__
                         or "", flags=re.M)
        blocks = [(parts[i], _literal_block(parts[i + 1])) for i in range(1, len(parts), 2)]
        for index in range(0, len(blocks) - 1, 2):
            (first, before), (second, after) = blocks[index], blocks[index + 1]
            assert (first, second) == ("Before::", "After::"), name
            yield pytest.param(name, before, after, id=f"{info.name}-{index // 2}")


def _literal_block(text: str) -> str:
    lines = []
    for line in text.split("\n")[1:]:
        if line.strip() and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip()


def _as_function(code: str) -> tuple[str, bool]:
    if code.startswith("def "):
        return code, False
    body = textwrap.indent(code, "    ")
    tree = S.parse_module("def f():\n" + body)
    stored = {n.id for n in S.walk(tree) if isinstance(n, S.Name)
              and not isinstance(n.ctx, S.Load)}
    free = [n.id for n in S.walk(tree) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)
            and n.id not in stored and not hasattr(builtins, n.id)]
    return f"def f({', '.join(dict.fromkeys(free))}):\n{body}", True


def _passes_up_to(module: str) -> list:
    passes = []
    for run_pass in pipeline.PASSES:
        passes.append(run_pass)
        if run_pass.__module__ == module:
            return passes
    return list(pipeline.PASSES)


def _converted(code: str, passes: list, decorator: bool) -> str:
    text, fragment = _as_function(code)
    tree = S.parse_module(text).body[0]
    context = pipeline.new_context(tree, "<docstring>",
                                   module_names=frozenset() if decorator else None)
    for run_pass in passes:
        run_pass(tree, context)
    return _normalized("\n".join(S.unparse(tree).splitlines()[1:]) if fragment
                       else S.unparse(tree))


def _normalized(code: str) -> str:
    code = textwrap.dedent(code)
    try:
        tree = S.parse_module(code)
    except SyntaxError:  # a body with `return`: only inside a function
        return _normalized("\n".join(S.unparse(S.parse_module(
            "def f():\n" + textwrap.indent(code, "    "))).splitlines()[1:]))
    return "\n".join(line.rstrip() for line in S.unparse(tree).splitlines() if line.strip())


EXAMPLES = list(_examples())


def test_every_transform_example_is_found():
    assert len(EXAMPLES) >= 13


@pytest.mark.parametrize("module, before, after", EXAMPLES)
def test_the_example_is_what_the_pass_gives(module, before, after):
    passes = _passes_up_to(module)
    expected = _normalized(after)
    given = [_converted(before, passes, decorator) for decorator in (False, True)]
    assert expected in given, f"{module}: the docstring's After::\n{expected}\n" \
        f"but the pass gives:\n{given[0]}"
