"""A py2lax refusal raised while a traced branch is traced is shown then, at the user's
line (finder8, s106).

``ValueDependentShapeError`` (``buf[k:]`` with a traced ``k``) is also an ``IndexError``,
for code that catches JAX's own error. A branch that raised an ``IndexError`` from the
user's line was taken for Python's lookup error (raised only if the branch runs) and
deferred into a ``jax.debug.callback``: the refusal came back as JAX's raw
``JaxRuntimeError: INTERNAL: CpuCallback error`` when the program ran (or not at all
when the other branch ran). Now it is raised while tracing, so a static loop around the
branch runs as Python (Python's answer) and otherwise the user gets the located error.
A Python lookup error in a branch is still deferred.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax


def decay(buf, k):
    buf[k:] *= 0.5


def helper_slices_in_traced_if(x):
    buf = np.ones(5)
    for k in range(5):
        if x > k:
            decay(buf, k)
    return buf


def slice_in_traced_if(x, k):
    a = np.arange(6.0)
    if x > 0:
        a = a[k:] * 2.0
    return a.sum()


def lookup_in_branch_not_taken(x):
    table = [1.0, 2.0]
    if x > 0:
        return table[5]  # Python raises only if this branch runs
    return -1.0


@pytest.mark.parametrize("x", [2.5, -1.0, 10.0])
def test_static_loop_whose_branch_is_refused_runs_as_python(x):
    # the refusal reaches the loop while tracing, which then runs its static range as
    # Python (k a Python int): Python's answer
    got = py2lax.autograph_jit(helper_slices_in_traced_if)(x)
    np.testing.assert_allclose(np.asarray(got), helper_slices_in_traced_if(x))


@pytest.mark.parametrize("fn, args", [
    (slice_in_traced_if, (1.0, 2)),
    (slice_in_traced_if, (-1.0, 2)),
])
def test_refusal_in_a_branch_is_raised_while_tracing(fn, args):
    with pytest.raises(py2lax.ConversionError) as info:
        py2lax.autograph_jit(fn)(*args)
    assert "test_finder8_refusal_in_branch.py" in str(info.value)


def test_python_lookup_error_in_branch_still_runs_only_when_taken():
    assert float(py2lax.autograph_jit(lookup_in_branch_not_taken)(-1.0)) == -1.0
