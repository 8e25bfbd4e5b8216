"""What the command line prints is read from the lowering's records: a comment above a
statement names only what the user's own code there compiles to, and the output still
computes what Python computes."""

from __future__ import annotations

import textwrap

import jax.numpy as jnp

from py2lax import transpile

# A `return` inside a `while`: py2lax writes `not returned and (x < n)` as the loop's
# test. The user wrote no `and`, so the comment above `while x < n:` must not say
# `jnp.logical_and` (it did, in both emitters).
RETURN_IN_WHILE = """
import jax


@jax.jit
def g(x, n):
    while x < n:
        if x > 5:
            return -1
        x = x + 1
    return x
"""


def _run(text: str, name: str, *args):
    scope: dict = {}
    exec(compile(text, "<rc>", "exec"), scope)
    return scope[name](*args)


def _python(source: str, name: str, *args):
    return _run(textwrap.dedent(source.replace("@jax.jit\n", "")), name, *args)


def test_a_flag_py2lax_adds_to_a_loop_test_is_not_named_in_the_comment():
    for standalone in (False, True):
        text = transpile(RETURN_IN_WHILE, "g.py", readable=True, standalone=standalone)
        header = next(line for line in text.splitlines() if "# while x < n:" in line)
        assert "lax.while_loop" in header and "logical_and" not in header, header
        for x, n in ((0, 3), (0, 10), (7, 9)):
            got = _run(text, "g", jnp.int32(x), jnp.int32(n))
            assert int(got) == _python(RETURN_IN_WHILE, "g", x, n), (standalone, x, n)


def test_a_user_and_in_such_a_loop_is_still_named():
    source = RETURN_IN_WHILE.replace("while x < n:", "while x < n and x != 4:")
    text = transpile(source, "g.py", readable=True)
    header = next(line for line in text.splitlines() if "# while x < n and" in line)
    assert "jnp.logical_and" in header, header
    for x, n in ((0, 9), (5, 9), (9, 3)):
        got = _run(text, "g", jnp.int32(x), jnp.int32(n))
        assert int(got) == _python(source, "g", x, n), (x, n)


# A walrus in a `while` test: py2lax checks each operand as `if not (...): break`; that
# `not` is py2lax's, so the comment must not say `jnp.logical_not` (it did).
WALRUS_WHILE = """
import jax


@jax.jit
def f(v, n):
    i = 0
    total = 0.0
    while i < n and (x := v[i]) >= 0:
        total = total + x
        i += 1
    return total
"""


def test_the_not_py2lax_writes_for_a_walrus_test_is_not_named():
    v = jnp.array([1.0, 2.0, -1.0, 4.0])
    for standalone in (False, True):
        text = transpile(WALRUS_WHILE, "w.py", readable=True, standalone=standalone)
        header = next(line for line in text.splitlines() if "# while i < n and" in line)
        assert "logical_not" not in header and "lax.while_loop" in header, header
        for n in (0, 2, 4):
            assert float(_run(text, "f", v, jnp.int32(n))) == _python(
                WALRUS_WHILE, "f", [1.0, 2.0, -1.0, 4.0], n), (standalone, n)


def test_a_not_the_user_wrote_is_named():
    source = RETURN_IN_WHILE.replace("while x < n:", "while not (x >= n):")
    text = transpile(source, "g.py", readable=True)
    header = next(line for line in text.splitlines() if "# while not (x >= n):" in line)
    assert "jnp.logical_not" in header, header
