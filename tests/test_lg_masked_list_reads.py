"""A loop of known length that reads a list it grows under a traced `if`
(``if x > len(out): out.append(x)``, ``if x > peaks[-1]: peaks.append(x)``).

Compiled, such a loop cannot carry the list (its length would change in some steps) and
the scan that stacks appended items cannot read them back, so it runs unrolled as Python.
Each iteration's traced `if` then leaves a masked list (``runtime/masked_containers``),
which the next iteration reads (``len``, ``sum``, ``max``, ``[-1]``) and grows again, as
between two statements. These were refused before ("has 1 items in the true branch but 0
in the false branch"), since the unrolled iterations still counted as a compiled loop's.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import autograph_jit


def grows_past_its_length(v):
    out = []
    for x in v:
        if x > len(out):
            out.append(x)
    return len(out)


def keeps_under_a_budget(v):
    kept = []
    for x in v:
        if sum(kept) + x < 5.0:
            kept.append(x)
    return sum(kept), len(kept)


def running_peaks(v):
    peaks = [v[0]]
    for x in v[1:]:
        if x > peaks[-1]:
            peaks.append(x)
    return peaks[-1], len(peaks), max(peaks)


def mean_of_positives_so_far(v):
    seen = []
    total = 0.0
    for x in v:
        if x > 0:
            seen.append(x)
        if len(seen) > 0:
            total = total + sum(seen) / len(seen)
    return total


def first_three_positive_positions(x):
    picks = []
    for i in range(6):
        if x[i] > 0 and len(picks) < 3:
            picks.append(i)
    return len(picks), sum(picks)


VALUES = [np.array([0.5, 2.0, 1.5, 3.0, 0.1, 4.0], np.float32),
          np.array([-1.0, 3.0, 2.0, -5.0, 4.0, 1.0], np.float32)]


@pytest.mark.parametrize("function", [grows_past_its_length, keeps_under_a_budget,
                                      running_peaks, mean_of_positives_so_far,
                                      first_three_positive_positions])
@pytest.mark.parametrize("v", VALUES)
def test_reads_of_a_list_grown_under_a_traced_if(function, v):
    got = autograph_jit(function)(jnp.asarray(v))
    np.testing.assert_allclose(np.array(got, np.float64), np.array(function(v), np.float64),
                               rtol=1e-5)
