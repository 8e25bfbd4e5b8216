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
