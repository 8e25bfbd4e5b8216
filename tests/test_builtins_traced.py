"""Python builtins and methods on traced values: ``int(x)``, ``x.item()``, ``math.isclose``,
``sum(e for x in v if c)``, ``lst.index(v)``.

Each has one meaning that jit can compute, so none is refused any more: the oracle is the
original function run eagerly on NumPy values, compared with the ``autograph_jit``
function on ``jnp`` values (exactly where the values are integers or booleans) and with
``py2lax.convert`` on plain Python values (exactly). What Python itself raises is raised
(at trace time, or when the compiled program runs); what jit cannot express (``max`` of a
possibly empty filtered generator without ``default=``, a user generator over a traced
``range``) is a located py2lax error.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")

F32 = np.float32
finite = st.floats(-1e6, 1e6, allow_nan=False, width=32)
small_lists = st.lists(st.floats(-10, 10, allow_nan=False, width=32), min_size=0, max_size=3)


_JITTED: dict = {}


def jitted(function, *args, **kwargs):
    """``autograph_jit(function, **kwargs)(*args)``, one jit object per function (so that
    repeated shapes reuse the compiled program)."""
    key = (function, tuple(sorted(kwargs.items())))
    if key not in _JITTED:
        _JITTED[key] = py2lax.autograph_jit(function, **kwargs)
    return _JITTED[key](*args)


def run_time_error(function, *args) -> str:
    """The message of the error the compiled program raised when it ran."""
    with pytest.raises(Exception) as caught:
        jax.block_until_ready(jitted(function, *args))
    return str(caught.value)


def _line_of(function, text: str) -> int:
    import inspect

    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


# -- int, float, bool, complex ------------------------------------------------------------
def int_pair(x):
    return int(x), int(-x)


def conversions(x):
    return float(x), bool(x), complex(x)


def index_at_fraction(v, x):
    idx = int(x * (len(v) - 1))
    return v[idx]


def traced_trip_count(x):
    total = 0
    for i in range(int(x)):
        total += i
    return total


def int_of_vector(v):
    return int(v)


@given(finite)
def test_int_truncates_toward_zero_like_python(value):
    expected = int_pair(F32(value))
    got = jitted(int_pair, jnp.float32(value))
    assert [int(g) for g in got] == list(expected)
    assert all(g.dtype == jnp.int32 for g in got)


@given(finite)
def test_float_bool_complex_of_a_traced_scalar_match_python(value):
    expected = conversions(F32(value))
    f, b, c = jitted(conversions, jnp.float32(value))
    assert float(f) == expected[0] and bool(b) is expected[1] and complex(c) == expected[2]
    assert f.dtype == jnp.float32 and b.dtype == jnp.bool_ and c.dtype == jnp.complex64


def test_int_of_an_integer_or_bool_keeps_its_value():
    assert int(jitted(lambda n: int(n) + 1, jnp.int32(-7))) == -6
    assert int(jitted(lambda x: int(x > 0) * 3, jnp.float32(2.0))) == 3


@pytest.mark.parametrize("x", [0.0, 0.5, 0.99, 1.0])
def test_int_of_a_fraction_indexes_an_array(x):
    v = np.array([1.0, 2.0, 3.0, 4.0], F32)
    assert float(jitted(index_at_fraction, jnp.asarray(v), jnp.float32(x))) == float(
        index_at_fraction(v, F32(x)))


@pytest.mark.parametrize("x", [0.0, 3.7, 5.0])
def test_range_of_int_is_a_traced_trip_count(x):
    assert int(jitted(traced_trip_count, jnp.float32(x))) == traced_trip_count(F32(x))


@pytest.mark.parametrize("value, kind, message", [
    (float("nan"), ValueError, "cannot convert float NaN to integer"),
    (float("inf"), OverflowError, "cannot convert float infinity to integer"),
])
def test_int_of_nan_or_infinity_raises_pythons_error_when_run(value, kind, message):
    with pytest.raises(kind, match=message):
        int_pair(F32(value))
    assert f"{kind.__name__}: {message}" in run_time_error(int_pair, jnp.float32(value))


def test_int_past_int32_is_refused_when_run_not_wrapped():
    text = run_time_error(int_pair, jnp.float32(3e9))
    assert "int32 cannot hold" in text and "jax_enable_x64" in text


def test_int_of_a_traced_vector_raises_numpys_type_error():
    with pytest.raises(TypeError):
        int_of_vector(np.ones(3, F32))
    with pytest.raises(TypeError, match="0-dimensional"):
        jitted(int_of_vector, jnp.ones(3))


def test_converted_int_is_python_on_python_values():
    convert = py2lax.convert(int_pair)
    assert convert(2.7) == (2, -2) and type(convert(2.7)[0]) is int
    assert py2lax.convert(conversions)(3) == (3.0, True, 3 + 0j)


# -- x.item(), x.tolist() -------------------------------------------------------------------
def item_threshold(v):
    m = v.max()
    if m.item() > 2:
        return 1
    return 0


def rows_as_lists(m):
    rows = m.tolist()
    return rows[1][0] - rows[0][1]


def item_of_vector(v):
    return v.item()


@pytest.mark.parametrize("v", [[1.0, 5.0], [1.0, 2.0]])
def test_item_of_a_traced_array_is_its_value(v):
    v = np.array(v, F32)
    assert int(jitted(item_threshold, jnp.asarray(v))) == item_threshold(v)


def test_tolist_of_a_traced_array_gives_nested_lists():
    m = np.array([[1.0, 2.0], [7.0, 4.0]], F32)
    assert float(jitted(rows_as_lists, jnp.asarray(m))) == rows_as_lists(m)


def test_item_of_several_elements_raises_numpys_error():
    with pytest.raises(ValueError, match="size 1"):
        item_of_vector(np.ones(2, F32))
    with pytest.raises(ValueError, match="size 1"):
        jitted(item_of_vector, jnp.ones(2))


# -- math ----------------------------------------------------------------------------------
def newton_sqrt2(x):
    n = 0
    while not math.isclose(x * x, 2.0, rel_tol=1e-6) and n < 50:
        x = 0.5 * (x + 2.0 / x)
        n += 1
    return x, n


def isclose_of(a, b, rel, absolute):
    return math.isclose(a, b, rel_tol=rel, abs_tol=absolute)


def math_mix(x, y):
    return (math.hypot(x, y, 2.0), math.fabs(-3), math.pow(x, 2), math.floor(x),
            math.trunc(y), math.log(abs(x) + 1, 2), math.atan2(y, x), math.copysign(2.0, y),
            math.fmod(x, 1.5), math.degrees(y), math.erf(x / 10), math.lgamma(abs(y) + 1),
            math.gamma(abs(x) / 4 + 1), math.isfinite(x), math.cbrt(x), math.exp2(y / 4))


special = st.sampled_from([0.0, -0.0, 1.0, 1.0 + 1e-7, float("inf"), float("-inf"),
                           float("nan"), 1e-300, 2.0])


@given(st.one_of(special, st.floats(-1e3, 1e3)), st.one_of(special, st.floats(-1e3, 1e3)),
       st.sampled_from([0.0, 1e-9, 1e-3, 0.5]), st.sampled_from([0.0, 1e-12, 0.1]))
def test_isclose_is_pythons_formula(a, b, rel, absolute):
    with jax.enable_x64(True):  # the same float64 arithmetic as Python's
        got = jitted(isclose_of, jnp.float64(a), jnp.float64(b), rel, absolute,
                     static_argnums=(2, 3))
    assert bool(got) is math.isclose(a, b, rel_tol=rel, abs_tol=absolute)


@pytest.mark.parametrize("x", [1.0, 1.4142135])
def test_newton_with_isclose_stops_like_python(x):
    expected = newton_sqrt2(F32(x))
    got = jitted(newton_sqrt2, jnp.float32(x))
    assert abs(float(got[0]) - float(expected[0])) < 1e-5 and int(got[1]) == expected[1]


def test_isclose_negative_tolerance_raises_like_python():
    with pytest.raises(ValueError, match="non-negative"):
        jitted(isclose_of, jnp.float32(1.0), jnp.float32(1.0), -1.0, 0.0,
               static_argnums=(2, 3))


@pytest.mark.parametrize("x, y", [(2.3, -1.5), (-0.7, 3.0)])
def test_math_functions_on_traced_values_match_python(x, y):
    expected = math_mix(float(F32(x)), float(F32(y)))  # math.trunc refuses np.float32
    got = jitted(math_mix, jnp.float32(x), jnp.float32(y))
    for e, g in zip(expected, got):
        assert np.allclose(np.asarray(g, np.float64), e, rtol=1e-5, atol=1e-6), (e, g)
        assert np.asarray(g).dtype.kind == {bool: "b", int: "i", float: "f"}[type(e)], (e, g)


# -- sum / any / all / max / min of a filtered generator -----------------------------------
def filtered_sum(v):
    return sum(x for x in v if x > 0)


def filtered_count(v):
    return sum(1 for x in v if x > 0)


def filtered_list_sum(v):
    return sum([x * x for x in v if x < 0], 10.0)


def filtered_any_all(v, t):
    return any(x > t for x in v if x < 5), all(x > t for x in v if x < 5)


def filtered_extrema(v):
    return max((x for x in v if x > 0), default=-1.0), min((x for x in v if x > 0),
                                                            default=99.0)


def filtered_max_no_default(v):
    return max(x for x in v if x > 0)


def filtered_list_kept(v):
    kept = list(x for x in v if x > 0)
    return len(kept)


def reciprocal_sum(v):
    return sum(1 / x for x in v if x != 0)


def two_conditions(v):
    return sum(x for x in v if x > -5 if x < 5)


@given(small_lists)
def test_filtered_reductions_match_python(values):
    v = np.array(values, F32)
    for function in (filtered_sum, filtered_count, filtered_list_sum, filtered_extrema,
                     two_conditions):
        expected = function(v)
        got = jitted(function, jnp.asarray(v))
        assert np.allclose(np.asarray(got, np.float64), np.asarray(expected, np.float64),
                           rtol=1e-5, atol=1e-5), (function.__name__, expected, got)
    assert int(jitted(filtered_count, jnp.asarray(v))) == filtered_count(v)
    for t in (0.0, 3.0):
        expected = filtered_any_all(v, F32(t))
        got = jitted(filtered_any_all, jnp.asarray(v), jnp.float32(t))
        assert tuple(bool(g) for g in got) == tuple(bool(e) for e in expected)


def test_a_concrete_filter_keeps_pythons_laziness():
    # Python never computes 1 / 0 for the dropped item; neither does the converted function.
    assert py2lax.convert(reciprocal_sum)([2.0, 0.0, 4.0]) == 0.75
    assert py2lax.convert(filtered_count)([1.0, -2.0, 3.0]) == 2


def test_max_of_a_filtered_generator_without_default_is_refused_at_the_line():
    assert filtered_max_no_default(np.array([1.0, -1.0], F32)) == 1.0
    with pytest.raises(py2lax.ValueDependentShapeError) as caught:
        jitted(filtered_max_no_default, jnp.array([1.0, -1.0]))
    error = caught.value
    assert error.location.line == _line_of(filtered_max_no_default, "return max(")
    assert "default=" in error.fix


def test_a_filtered_generator_kept_as_a_list_is_still_refused():
    with pytest.raises(py2lax.ValueDependentShapeError):
        jitted(filtered_list_kept, jnp.array([1.0, -1.0]))


def test_printed_source_marks_only_filters_that_may_be_traced():
    source = py2lax.to_source(filtered_count)
    assert "py2lax.converted(sum)" in source and "py2lax.masked(x > 0)" in source, source

    def static_filter(v, n):
        return sum(k for k in range(3) if k != 1) + int(len(v) / 2) + v[0] * n

    source = py2lax.to_source(static_filter)
    assert "masked" not in source and "converted(int)" not in source, source


# -- lst.index(v), lst.count(v) ----------------------------------------------------------
def index_of_max(v):
    scores = [x * x - x for x in v]
    return scores.index(max(scores))


def index_and_count(v, t):
    items = [x for x in v]
    return items.index(t), items.count(t)


@given(st.lists(st.sampled_from([-2.0, -1.0, 0.0, 1.0, 3.0]), min_size=3, max_size=3))
def test_index_of_max_is_the_first_maximum(values):
    v = np.array(values, F32)
    assert int(jitted(index_of_max, jnp.asarray(v))) == index_of_max(v)


def test_index_and_count_match_python():
    v = np.array([1.0, 3.0, 1.0, 2.0], F32)
    expected = index_and_count(v, F32(1.0))
    got = jitted(index_and_count, jnp.asarray(v), jnp.float32(1.0))
    assert (int(got[0]), int(got[1])) == expected


def test_index_of_a_missing_value_raises_value_error_when_run():
    v = np.array([1.0, 3.0], F32)
    with pytest.raises(ValueError, match="is not in list"):
        index_and_count(v, F32(2.0))
    text = run_time_error(index_and_count, jnp.asarray(v), jnp.float32(2.0))
    assert "ValueError: 2.0 is not in list" in text


# -- a generator over a traced range -----------------------------------------------------
def _squares(n):
    for i in range(n):
        yield i * i


def consumes_generator(x, n):
    s = x
    for v in _squares(n):
        s = s + v
    return s


def test_generator_over_traced_range_is_refused_naming_the_generator():
    with pytest.raises(py2lax.TracedValueError) as caught:
        jitted(consumes_generator, jnp.float32(0.0), jnp.int32(3))
    error = caught.value
    assert error.location.line == _line_of(_squares, "for i in range(n)")
    assert error.names[:2] == ("_squares", "n") and "static_argnames" in error.fix
    static = jitted(consumes_generator, jnp.float32(0.0), 3, static_argnums=(1,))
    assert float(static) == consumes_generator(0.0, 3)


def test_run_time_checks_under_vmap_raise_only_for_a_bad_element():
    def doubled_int(x):
        return int(x) * 2

    batched = jax.jit(jax.vmap(py2lax.convert(doubled_int)))
    assert batched(jnp.array([1.5, -2.5])).tolist() == [2, -4]
    with pytest.raises(Exception, match="ValueError: cannot convert float NaN to integer"):
        jax.block_until_ready(batched(jnp.array([1.5, jnp.nan])))
    search = jax.vmap(py2lax.convert(index_and_count), in_axes=(None, 0))
    assert search(jnp.array([1.0, 2.0]), jnp.array([2.0, 1.0]))[0].tolist() == [1, 0]


def _appends_then_tests(v):
    seen = []
    hit = any(seen.append(x) or x > 2 for x in v)
    return hit, len(seen)


def _counts_then_tests(v):
    n = 0
    ok = all((n := n + 1) and x < 3 for x in v)
    return ok, n


@pytest.mark.parametrize("function", [_appends_then_tests, _counts_then_tests])
def test_any_and_all_stop_at_the_first_deciding_item_as_python_does(function):
    for values in ([1, 3, 5, 0], (0, 0), []):
        assert py2lax.convert(function)(list(values)) == function(list(values))


def _helper_appends(v):
    seen = []

    def check(x):
        seen.append(x)
        return x > 2

    hit = any(check(x) for x in v)
    return hit, len(seen)


def _helper_counts(v):
    checks = [0]

    def positive(x):
        checks[0] += 1
        return x > 0

    ok = all(positive(x) for x in v)
    return ok, checks[0]


@pytest.mark.parametrize("function", [_appends_then_tests, _helper_appends, _helper_counts])
def test_any_and_all_refuse_effects_after_a_traced_item(function):
    """Python stops at the first deciding item, which is known only at run time once an
    item is traced: making a later item must not change anything (it would happen on
    every run of the compiled program)."""
    values = np.array([1.0, 3.0, 5.0, 0.0], F32)
    with pytest.raises(py2lax.ConversionError) as caught:
        jitted(function, jnp.asarray(values))
    line = _line_of(function, "any(" if "any(" in _source(function) else "all(")
    assert caught.value.location.line == line
    assert "known only at run time" in str(caught.value)
    assert py2lax.convert(function)(values) == function(values)


def _source(function) -> str:
    import inspect

    return inspect.getsource(function)


def _pure_any(v, t):
    return any(x > t for x in v)


def _pure_all_filtered(v):
    return all(x > 0 for x in v if x != 0)


def _guarded_division(v):
    return any(x == 0 or 1.0 / x > 10 for x in v)


@pytest.mark.parametrize("function, args", [
    (_pure_any, (np.array([1.0, 3.0, 5.0], F32), F32(2.0))),
    (_pure_all_filtered, (np.array([1.0, 0.0, 2.0], F32),)),
    (_guarded_division, (np.array([1.0, 0.0, 2.0], F32),)),
])
def test_any_and_all_of_items_without_effects_are_computed(function, args):
    expected = function(*args)
    assert bool(jitted(function, *[jnp.asarray(a) for a in args])) == bool(expected)


def _walrus_best(v):
    best = -1.0
    for x in v:
        if any((best := y) > 2.0 for y in (x, x * 2)):
            pass
    return best


def _last_checked(v):
    last = -1.0
    found = any((last := x) > 2 for x in v)
    return found, last


@pytest.mark.parametrize("function", [_counts_then_tests, _walrus_best, _last_checked])
def test_a_walrus_in_any_or_all_keeps_the_value_where_python_stopped(function):
    """``(n := ...)`` in a generator after a traced item: the variable keeps the value
    of the item at which Python stops (``jnp.where`` of whether an earlier item decided)."""
    for values in ([0.5, 3.0], [3.0, 0.5], [2.5, 0.1, 7.0]):
        array = np.array(values, F32)
        expected = _python_values(function(array))
        assert _python_values(jitted(function, jnp.asarray(array))) == expected
        assert _python_values(py2lax.convert(function)(array)) == expected


def _python_values(result):
    if isinstance(result, tuple):
        return tuple(_python_values(r) for r in result)
    return np.asarray(result).item()


# -- pow(b, e, m), and min/max choosing a dict's key by traced values ------------------------
def _pow_mod(b, e, m):
    return pow(b, e, m)


@pytest.mark.parametrize("b, e, m", [(3, 13, 7), (3, -2, -7), (-5, 3, 11), (123456, 789, 1000003),
                                     (7, 0, 1), (2, 10, -1000)])
def test_pow_with_a_modulus_on_traced_integers(b, e, m):
    expected = pow(b, e, m)
    assert py2lax.convert(_pow_mod)(b, e, m) == expected
    result = jitted(_pow_mod, jnp.int32(b), jnp.int32(e), jnp.int32(m))
    assert int(result) == expected


def test_pow_with_a_modulus_raises_what_python_raises():
    assert "not invertible" in run_time_error(_pow_mod, jnp.int32(2), jnp.int32(-1), jnp.int32(4))
    with pytest.raises(TypeError, match="unless all arguments are integers"):
        jitted(_pow_mod, jnp.float32(2.0), jnp.int32(3), jnp.int32(5))


def _key_of_smallest(a, b):
    d = {"a": a, "b": b}
    return d[min(d, key=d.get)]


def _key_of_largest(a, b):
    d = {"a": a, "b": b}
    return max(d, key=d.get)


@pytest.mark.parametrize("function, text", [(_key_of_smallest, "min(d, key=d.get)"),
                                            (_key_of_largest, "max(d, key=d.get)")])
def test_min_max_choosing_a_string_by_traced_keys_is_refused_at_the_line(function, text):
    with pytest.raises(py2lax.ConversionError) as caught:
        jitted(function, jnp.float32(1.0), jnp.float32(2.0))
    assert caught.value.location.line == _line_of(function, text)
    assert "d.values()" in str(caught.value)
    assert py2lax.convert(function)(1.0, 2.0) == function(1.0, 2.0)
