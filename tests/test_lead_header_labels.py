"""The comment above a rewritten line names what the emitter wrote (issue 14, item 4):
``x or default`` that ``--standalone`` selects with ``jnp.where`` says so, not
``jnp.logical_or``; the output still gives Python's answer."""

from __future__ import annotations

import textwrap

import jax
import pytest

from py2lax.transpiler import transpile

SOURCE = textwrap.dedent('''
    import jax.numpy as jnp


    def pick(x, default):
        z = x or default
        return z


    def both(x, y):
        ok = x > 0 or y > 0
        return ok
''')


def _comment_of(text: str, line: str) -> str:
    lines = text.splitlines()
    return lines[lines.index(line) - 1].strip()


def test_selected_operand_is_labelled_where():
    text = transpile(SOURCE, "labels.py", all_functions=True, standalone=True, readable=True)
    assert _comment_of(text, "    z = jnp.where(jnp.broadcast_to(jnp.squeeze(x), ()), x, default)") == (
        "# z = x or default  ->  jnp.where")
    assert "jnp.logical_or(x > 0, y > 0)" in text
    assert "# ok = x > 0 or y > 0  ->  jnp.logical_or" in text


@pytest.mark.parametrize("x, default", [(0.0, 7.0), (2.5, 7.0), (-1.0, 3.0)])
def test_selected_operand_is_pythons(x, default):
    namespace: dict = {}
    exec(transpile(SOURCE, "labels.py", all_functions=True, standalone=True, readable=True), namespace)
    expected = x or default
    assert float(jax.jit(namespace["pick"])(x, default)) == expected
