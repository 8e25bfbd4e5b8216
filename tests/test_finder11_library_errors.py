"""An error Python or a library raises on Python values, in a branch Python would not take.

``if x > 0: r = x`` / ``else: r = math.sqrt(y)`` with a static ``y = -1.0``: Python
raises math's ValueError only when ``x <= 0``. ``lax.cond`` traces both branches, so
tracing the ``else`` raised it while compiling, whatever ``x`` was. Such an error (raised
by the user's line or by library code below it, never by JAX) is now deferred like the
user's own ``raise``: the compiled program raises it when that branch runs. JAX's own
errors about traced values (a shape mismatch inside ``jnp``) are still raised while
tracing, at the user's line.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import math
import statistics

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def root_of_a_static_in_the_other_branch(x, y):
    if x > 0:
        r = x + 1.0
    else:
        r = math.sqrt(y)
    return r


def library_error_below_the_users_line(x, samples):
    if x > 0:
        r = x
    else:
        r = x + statistics.mean(samples)  # StatisticsError, raised inside statistics
    return r


def inverse_of_a_static_matrix(x, rows):
    if x > 0:
        r = x
    else:
        r = x + float(np.linalg.inv(np.array(rows))[0, 0])  # LinAlgError when singular
    return r


def log_in_a_loop_of_traced_length(n, y):
    s = 0.0
    for _ in range(n):
        s = s + math.log(y)
    return s


@pytest.mark.parametrize("function, static", [
    (root_of_a_static_in_the_other_branch, -1.0),
    (library_error_below_the_users_line, ()),
    (inverse_of_a_static_matrix, ((1.0, 2.0), (2.0, 4.0))),
])
def test_the_untaken_branchs_library_error_is_not_raised(function, static):
    expected = function(2.0, static)
    got = py2lax.autograph_jit(function, static_argnums=(1,))(jnp.float32(2.0), static)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("function, static, kind, message", [
    (root_of_a_static_in_the_other_branch, -1.0, ValueError, "math domain error"),
    (library_error_below_the_users_line, (), statistics.StatisticsError, "at least one"),
    (inverse_of_a_static_matrix, ((1.0, 2.0), (2.0, 4.0)), np.linalg.LinAlgError,
     "Singular matrix"),
])
def test_the_taken_branchs_library_error_is_raised_when_it_runs(function, static, kind,
                                                                 message):
    with pytest.raises(kind, match=message):
        function(-2.0, static)
    compiled = py2lax.autograph_jit(function, static_argnums=(1,))
    with pytest.raises(Exception, match=message) as raised:  # noqa: B017 - JAX's runtime error
        jax.block_until_ready(compiled(jnp.float32(-2.0), static))
    assert "test_finder11_library_errors.py" in str(raised.value)  # the user's line


def test_a_loop_of_traced_length_raises_the_library_error_only_when_entered():
    compiled = py2lax.autograph_jit(log_in_a_loop_of_traced_length, static_argnums=(1,))
    assert float(compiled(jnp.int32(0), 0.0)) == log_in_a_loop_of_traced_length(0, 0.0)
    with pytest.raises(Exception, match="math domain error"):  # noqa: B017
        jax.block_until_ready(compiled(jnp.int32(2), 0.0))


def reshapes_in_the_other_branch(x):
    if x.sum() > 0:
        r = x
    else:
        r = jnp.reshape(x, (7,))  # JAX's error about the traced value's shape
    return r


def test_jaxs_own_error_in_a_branch_is_still_raised_while_tracing():
    with pytest.raises(TypeError, match="reshape"):
        py2lax.autograph_jit(reshapes_in_the_other_branch)(jnp.ones(3))


def root_caught_by_a_try(x, y):
    try:
        if x > 0:
            r = x
        else:
            r = math.sqrt(y)
    except ValueError:
        r = -1.0
    return r


def test_a_library_error_a_try_would_catch_is_refused_naming_the_call():
    with pytest.raises(py2lax.ConversionError, match="whatever the values are") as raised:
        py2lax.autograph_jit(root_caught_by_a_try, static_argnums=(1,))(jnp.float32(2.0), -1.0)
    assert "math domain error" in str(raised.value)
    assert "raise ValueError" not in str(raised.value)  # no `raise` statement to point at
