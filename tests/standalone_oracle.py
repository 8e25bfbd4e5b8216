"""The oracle for ``--standalone`` tests: a program as Python runs it beside its
standalone output, jitted (which must not import py2lax)."""

from __future__ import annotations

import textwrap

import jax
import numpy as np

from py2lax import transpile


def standalone(source: str, tmp_path, static=()):
    """``f`` of ``source`` as Python runs it, its standalone output jitted with the
    ``static`` argument numbers, and the output's text."""
    source = textwrap.dedent(source)
    path = tmp_path / "prog.py"
    path.write_text(source)
    original: dict = {}
    exec(compile(source, str(path), "exec"), original)
    text = transpile(source, str(path), all_functions=True, standalone=True)
    assert "import py2lax" not in text and "py2lax." not in text
    converted: dict = {}
    exec(compile(text, str(path), "exec"), converted)
    return original["f"], jax.jit(converted["f"], static_argnums=static), text


def same(expected, got):
    """Python's result and the standalone one agree, leaf by leaf."""
    for e, g in zip(jax.tree.leaves(expected), jax.tree.leaves(got)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-5, atol=1e-6)


def converted_and_original(source: str, standalone: bool = True) -> tuple[dict, dict]:
    """The globals of ``source`` (a module, already dedented) transpiled with every
    function converted, and of ``source`` as Python runs it."""
    converted: dict = {}
    exec(compile(transpile(source, "m.py", all_functions=True, standalone=standalone),
                 "m.py", "exec"), converted)
    original: dict = {}
    exec(compile(source, "m.py", "exec"), original)
    return converted, original


def rewritten_twice(source: str, standalone: bool = True) -> tuple[str, str]:
    """The readable output for ``source``, and the output for that output (a second run,
    which must change nothing)."""
    first = transpile(source, "m.py", all_functions=True, standalone=standalone,
                      readable=True)
    return first, transpile(first, "m.py", all_functions=True, standalone=standalone,
                            readable=True)
