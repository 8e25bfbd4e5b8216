"""A dict with integer keys, made by the function, read at a traced integer key.

``d = {i: v[i] * 2 for i in range(n)}`` then ``best = k`` in a traced ``if`` and
``d[best]``: Python reads the value of the key ``best`` equals. A dict cannot hash a
tracer, so this was refused ("a traced value is used as a key"). The read now goes
through ``py2lax.getitem`` as a list's read at a traced position does: the value of the
key it equals, chosen when the program runs, and Python's ``KeyError`` (naming the key)
when the program runs with a key the dict lacks.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def largest_doubled(v):
    d = {i: v[i] * 2 for i in range(v.shape[0])}
    best = 0
    for k, val in d.items():
        if val > d[best]:
            best = k
    return best, d[best]


def sparse_table(x, k):
    weights = {1: 0.5, 3: 2.0, 10: -1.0}
    return weights[k] * x


def rows_by_key(m, k):
    rows = dict((i, m[i]) for i in range(m.shape[0]))
    return rows[k] + rows[0]


@pytest.mark.parametrize("v", [[1.0, 3.0, 2.0], [5.0, 1.0, 0.5], [0.0, 0.0, 7.0]])
def test_a_dict_comprehension_read_at_a_traced_key(v):
    expected = largest_doubled(np.array(v, np.float32))
    got = py2lax.autograph_jit(largest_doubled)(jnp.array(v, jnp.float32))
    assert int(got[0]) == expected[0]
    np.testing.assert_allclose(got[1], expected[1])


@pytest.mark.parametrize("k", [1, 3, 10])
def test_a_dict_display_read_at_a_traced_key(k):
    got = py2lax.autograph_jit(sparse_table)(jnp.float32(4.0), jnp.int32(k))
    np.testing.assert_allclose(got, sparse_table(4.0, k))


def test_a_key_the_dict_lacks_raises_keyerror_when_run():
    with pytest.raises(KeyError):
        sparse_table(4.0, 2)
    with pytest.raises(Exception, match="KeyError: 2"):  # noqa: B017 - JAX's runtime error
        jax.block_until_ready(py2lax.autograph_jit(sparse_table)(jnp.float32(4.0),
                                                                 jnp.int32(2)))


@pytest.mark.parametrize("k", [0, 2])
def test_a_dict_of_rows_read_at_a_traced_key(k):
    m = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    got = py2lax.autograph_jit(rows_by_key)(jnp.asarray(m), jnp.int32(k))
    np.testing.assert_allclose(got, rows_by_key(m, k))


def test_on_python_values_the_read_is_pythons():
    assert py2lax.convert(sparse_table)(4.0, 3) == sparse_table(4.0, 3)
    with pytest.raises(KeyError):
        py2lax.convert(sparse_table)(4.0, 2)


def missing_name_in_the_other_branch(x, name):
    table = {"a": 1.0}
    if x > 0:
        return x
    return table[name] * x  # KeyError only if this branch runs


def test_a_static_missing_key_in_the_untaken_branch_raises_only_when_it_runs():
    """The read goes through py2lax.getitem now; its KeyError is still the user's own
    lookup's, deferred to the branch's run as before."""
    compiled = py2lax.autograph_jit(missing_name_in_the_other_branch, static_argnums=(1,))
    assert float(compiled(jnp.float32(2.0), "b")) == missing_name_in_the_other_branch(2.0, "b")
    with pytest.raises(Exception, match="KeyError"):  # noqa: B017 - JAX's runtime error
        jax.block_until_ready(compiled(jnp.float32(-2.0), "b"))
