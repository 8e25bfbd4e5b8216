"""Variables that are None until a traced statement sets them (``best = None`` and
``best = i`` in a traced ``if``): carried as optionals, tested with ``is None``, and
refused, at the user's line, only where the code uses one without checking it.

The oracle is Python: each program runs eagerly on NumPy values, through
``py2lax.convert`` on the same values, and jitted through ``autograph_jit``."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import py2lax


def best_index(v, thr):
    best = None
    for i in range(v.shape[0]):
        if v[i] > thr:
            if best is None or v[i] > v[best]:
                best = i
    if best is None:
        return -1
    return best


def first_positive(v):
    found = None
    for x in v:
        if x > 0:
            found = x
            break
    if found is None:
        return 0.0
    return found


def last_positive(v):
    found = None
    for x in v:
        if x > 0:
            found = x
    return found  # None or a value depending on a traced condition


def newton(x0, tol):
    root = None
    x, k = x0, 0
    while k < 50:
        fx = x * x - 2.0
        if abs(fx) < tol:
            root = x
            break
        x = x - fx / (2.0 * x)
        k += 1
    if root is None:
        return -1.0, k
    return root, k


def running_max(v, thr):
    m = None
    for x in v:
        if x > thr:
            if m is None:
                m = x
            else:
                m = max(m, x)
    if m is None:
        m = 0.0
    return m * 2


def rises(v):
    prev = None
    n = 0
    for x in v:
        if prev is not None and x > prev:
            n += 1
        prev = x
    return n


def doubled_if_set(x):
    y = None
    if x > 0:
        y = x
    return 1.0 if y is None else y * 3


def cleared(x, v):
    y = x * 2.0
    if x < 0:
        y = None
    total = 0.0
    for e in v:
        if y is not None:
            total = total + e * y
    return total


def read_in_closure(v):
    hit = None
    for x in v:
        if x > 0.5:
            hit = x

    def found():
        return hit is not None
    return found(), (hit if hit is not None else -1.0)


LONG = np.array([0.1, 0.5, 0.3, 0.9, 0.2, 0.05, 0.7, 0.95, 0.11, 0.3, 0.6, 0.4])
CASES = [
    (best_index, (LONG, 0.2)), (best_index, (LONG, 2.0)), (best_index, (LONG[:3], 0.2)),
    (first_positive, (-LONG,)), (first_positive, (LONG - 0.3,)),
    (newton, (1.0, 1e-4)), (newton, (1.0, -1.0)),
    (running_max, (LONG, 0.5)), (running_max, (LONG, 5.0)),
    (rises, (LONG,)), (doubled_if_set, (2.0,)), (doubled_if_set, (-2.0,)),
    (cleared, (1.5, LONG)), (cleared, (-1.5, LONG)),
    (read_in_closure, (LONG,)), (read_in_closure, (LONG * 0.1,)),
]


def _same(got, want):
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(
            _same(g, w) for g, w in zip(got, want))
    return bool(np.allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                            rtol=1e-4, atol=1e-5))


@pytest.mark.parametrize("function, args", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_jitted_and_python_values_give_pythons_answer(function, args):
    want = function(*args)
    assert _same(py2lax.convert(function)(*args), want)
    got = py2lax.autograph_jit(function)(*[jnp.asarray(a) for a in args])
    assert _same(got, want), (got, want)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-2, 2, allow_nan=False, width=32), min_size=9, max_size=12),
       st.floats(-1, 1, allow_nan=False, width=32))
def test_best_index_matches_python_on_random_arrays(values, thr):
    v = np.asarray(values, np.float32)
    assert int(py2lax.autograph_jit(best_index)(jnp.asarray(v), jnp.float32(thr))) == \
        best_index(v, np.float32(thr))


def test_returning_it_is_refused_like_a_path_that_falls_off_the_end():
    assert py2lax.convert(last_positive)(-LONG) is None  # Python values: Python's answer
    for run in (py2lax.autograph_jit(last_positive), jax.jit(py2lax.convert(last_positive))):
        with pytest.raises(py2lax.InconsistentReturnError) as caught:
            run(jnp.asarray(LONG - 0.5))
        message = str(caught.value)
        assert "'found'" in message and "None or a value" in message
        assert f"test_optional_values.py:{last_positive.__code__.co_firstlineno + 2}" in message  # the loop


def smallest_positive_and_where(xs):
    best = None
    best_i = None
    for i, x in enumerate(xs):
        if x > 0 and (best is None or x < best):
            best = x
            best_i = i
    if best is None:
        return -1.0, -1
    return best, best_i  # best_i unchecked: Python knows it is set, the compiler cannot


def test_an_unchecked_optional_returned_under_a_traced_if_names_the_variable():
    v = np.array([3.0, -1.0, 2.0], np.float32)
    assert py2lax.convert(smallest_positive_and_where)(v) == smallest_positive_and_where(v)
    with pytest.raises(py2lax.InconsistentReturnError) as caught:
        py2lax.autograph_jit(smallest_positive_and_where)(jnp.asarray(v))
    message = str(caught.value)
    assert "'best_i'" in message and "return_value" not in message


def helper_check(found):
    return found is not None


def checks_in_a_helper(v):
    found = None
    for x in v:
        if x > 0.5:
            found = x
    return helper_check(found), (found if found is not None else -1.0)


def test_a_helper_testing_its_parameter_sees_the_flag():
    for v in (LONG, LONG * 0.1):
        got = py2lax.autograph_jit(checks_in_a_helper)(jnp.asarray(v))
        assert _same(got, checks_in_a_helper(v))


def unchecked(v):
    m = None
    for x in v:
        if x > 0:
            m = x
    return m + 1.0


def test_a_use_without_a_check_is_refused_at_its_line():
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(unchecked)(jnp.asarray(LONG))
    message = str(caught.value)
    assert "'m'" in message and "None or a value" in message and "is not None" in message
    assert f"test_optional_values.py:{unchecked.__code__.co_firstlineno + 5}" in message


def falls_off(x):
    if x > 0:
        return x * 2.0


def test_a_path_that_falls_off_the_end_is_still_refused():
    with pytest.raises(py2lax.InconsistentReturnError):
        py2lax.autograph_jit(falls_off)(jnp.float32(-1.0))


def other_name_not_rewritten(x):
    d = {"y": None}
    if x > 0:
        d = {"y": x}
    return d


def test_none_inside_a_container_keeps_the_structure_error():
    with pytest.raises(py2lax.CarryTypeError):
        py2lax.autograph_jit(other_name_not_rewritten)(jnp.float32(1.0))


def test_the_rewrite_reads_like_the_code():
    source = py2lax.to_source(best_index)
    assert "py2lax.is_none(best)" in source
    assert "v[py2lax.present(best)]" in source
    assert "is None" not in source


def test_the_command_line_keeps_is_none():
    text = py2lax.transpile("import jax.numpy as jnp\n\ndef f(v):\n    best = None\n"
                            "    for x in v:\n        if x > 0:\n            best = x\n"
                            "    if best is None:\n        return 0.0\n    return best\n")
    assert "best is None" in text and "is_none" not in text
