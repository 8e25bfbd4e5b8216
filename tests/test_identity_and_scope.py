"""Python's meaning of identity and type tests on values traced statements made, and of
``locals()``, late-bound generator expressions and mutation through a conditional
expression in converted code.

The oracle is the original function run eagerly; ``py2lax.convert`` on plain values and
``autograph_jit`` on ``jnp`` values must give its answer, or raise a located py2lax error
(where the answer depends on which path a traced value took).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import ConversionError

pytestmark = pytest.mark.usefixtures("time_limit")

F32 = np.float32


def A(*values):
    return np.array(values, F32)


def same_everywhere(function, *args):
    """The function's result eagerly, converted on plain values, and under jit."""
    expected = function(*args)
    assert py2lax.convert(function)(*args) == expected
    traced = [jnp.asarray(a) if isinstance(a, (np.ndarray, float)) else a for a in args]
    result = py2lax.autograph_jit(function)(*traced)
    np.testing.assert_equal(np.asarray(result).tolist(), np.asarray(expected).tolist())
    return expected


def refused_at(function, text: str, *args):
    """Under jit, ``function`` raises a located py2lax error at the line holding ``text``."""
    import inspect

    traced = [jnp.asarray(a) if isinstance(a, (np.ndarray, float)) else a for a in args]
    with pytest.raises(ConversionError) as caught:
        py2lax.autograph_jit(function)(*traced)
    lines, first = inspect.getsourcelines(function)
    line = first + next(i for i, source in enumerate(lines) if text in source)
    assert caught.value.location is not None and caught.value.location.line == line
    return caught.value


# -- `is True`, isinstance, type() of a value a traced branch or loop assigned ---------------
def found_is_true(v):
    found = False
    for x in v:
        if x > 2:
            found = True
    return 1 if found is True else 0


def flag_is_not_false(x):
    flag = False
    if x > 0:
        flag = True
    return 1 if flag is not False else 0


def counted_after_found(v):
    found = False
    count = 0
    for x in v:
        if found is True:  # read inside the loop body, where `found` is carried
            count += 1
        if x > 2:
            found = True
    return count


def until_done(v):
    done = False
    i = 0
    while i < 3 and done is not True:  # read by a traced while condition
        if v[i] > 0:
            done = True
        i += 1
    return i


def is_big(x):
    if x > 2:
        return True
    return False


def helper_result_is_true(x):
    ok = is_big(x)
    return 1.0 if ok is True else -1.0


def bool_isinstance(x):
    flag = False
    if x > 0:
        flag = True
    return 10.0 if isinstance(flag, bool) else 0.0


def float_type(x):
    y = 1.0
    if x > 0:
        y = 3.0
    return 2 if type(y) is float else 0


@pytest.mark.parametrize("function, inputs", [
    (found_is_true, [A(1, 3, 1), A(1, 1, 1)]),
    (flag_is_not_false, [2.0, -2.0]),
    (counted_after_found, [A(1, 3, 1, 5), A(0, 0, 0, 0)]),
    (until_done, [A(-1, 2, 3), A(-1, -2, -3)]),
    (helper_result_is_true, [3.0, 1.0]),
    (bool_isinstance, [2.0, -2.0]),
    (float_type, [2.0, -2.0]),
])
def test_identity_and_type_of_a_carried_python_value(function, inputs):
    for value in inputs:
        same_everywhere(function, value)


def int_or_bool_isinstance(x):
    flag = 0
    if x > 0:
        flag = True
    return 10.0 if isinstance(flag, bool) else 0.0


def int_or_float_type(x):
    y = 1
    if x > 0:
        y = 2.5
    return y * 2 if type(y) is float else y + 0.0


def step_type_in_body(n):
    step = 1
    k = 0
    total = 0.0
    while k < n:
        if isinstance(step, int):
            total += 1.0
        k += step
        if k > 5:
            step = 2.0
    return total


def bool_or_array_is_true(v):
    found = False
    for x in v:
        found = x > 2  # a NumPy bool after the first iteration, Python's False before
    return 1 if found is True else 0


@pytest.mark.parametrize("function, text, argument", [
    (int_or_bool_isinstance, "isinstance(flag, bool)", 2.0),
    (int_or_float_type, "type(y) is float", 2.0),
    (step_type_in_body, "isinstance(step, int)", 9),
    (bool_or_array_is_true, "found is True", A(1, 3)),
])
def test_type_that_depends_on_the_traced_path_is_refused(function, text, argument):
    error = refused_at(function, text, argument)
    assert "Python type" in str(error) and "Fix:" in str(error)
    assert py2lax.convert(function)(argument) == function(argument)


def test_identity_of_plain_values_is_python_s():
    def identity(x):
        flag = None
        if x > 0:
            flag = True
        return flag is True, flag is not False, isinstance(flag, bool), type(flag)

    for value in (1.0, -1.0):
        assert py2lax.convert(identity)(value) == identity(value)


def test_a_computed_array_is_never_a_bool():
    def computed(x):
        found = x > 0
        return isinstance(found, bool), type(found) is bool

    assert [bool(v) for v in py2lax.autograph_jit(computed)(jnp.float32(1.0))] == [False, False]


# -- locals() and vars(): the user's variables, not py2lax's ----------------------------------
def locals_count(x):
    a = x
    if x > 0:
        b = 1.0
    else:
        b = 2.0
    return len(locals())


def locals_in_a_loop(v):
    total = 0.0
    seen = 0
    for x in v:
        if x > 0:
            total = total + x
        seen = len(locals())
    return seen


def vars_names(x, *rest, scale=1):
    t = x * 2
    u = t + scale
    if t > 1:
        u = t
    return list(vars())


def locals_values(x):
    y = 2 * x
    if y > 1:
        y = y - 1
    return locals()["y"] + locals()["x"]


@pytest.mark.parametrize("function, inputs", [
    (locals_count, [2.0, -2.0]),
    (locals_in_a_loop, [A(1, -2, 3)]),
    (locals_values, [2.0, 0.25]),
])
def test_locals_lists_the_user_s_variables(function, inputs):
    for value in inputs:
        same_everywhere(function, value)


def test_vars_keeps_python_s_order():
    expected = vars_names(2.0, 5)
    assert expected == ["x", "scale", "rest", "t", "u"]
    assert py2lax.convert(vars_names)(2.0, 5) == expected
    assert py2lax.to_source(vars_names).count("py2lax.user_locals(") == 1


def test_locals_omits_a_variable_without_a_value():
    def maybe(x):
        if x > 0:
            w = 1.0
        return sorted(locals())

    for value in (1.0, -1.0):
        assert py2lax.convert(maybe)(value) == maybe(value)


# -- a method called on the object a conditional expression chose ----------------------------
def update_chosen_dict(x):
    a, b = {"n": 0.0}, {"n": 0.0}
    (a if x > 0 else b).update(n=x)
    return a["n"], b["n"]


class _Total:
    def __init__(self):
        self.total = 0.0

    def add(self, value):
        self.total = self.total + value


def add_to_chosen_object(x):
    p, q = _Total(), _Total()
    (p if x > 0 else q).add(x)
    return p.total, q.total


def count_in_chosen_list(x):
    a, b = [1.0, 2.0], [3.0, 4.0, 5.0]
    return (a if x > 0 else b).count(2.0)


@pytest.mark.parametrize("function", [update_chosen_dict, add_to_chosen_object,
                                      count_in_chosen_list])
def test_a_method_runs_on_the_object_the_condition_chose(function):
    for value in (2.0, -2.0):
        expected = function(value)
        assert py2lax.convert(function)(value) == expected
        result = py2lax.autograph_jit(function)(jnp.float32(value))
        assert np.asarray(result).tolist() == np.asarray(expected).tolist()


def append_to_chosen_list(v):
    pos, neg = [], []
    for x in v:
        (pos if x > 0 else neg).append(x)
    return len(pos), len(neg)


def test_growing_the_chosen_list_is_refused_at_the_line():
    error = refused_at(append_to_chosen_list, "(pos if x > 0 else neg).append(x)", A(1, -2, 3))
    assert "pos" in str(error)
    assert py2lax.convert(append_to_chosen_list)(A(1, -2, 3)) == (2, 1)


# -- a generator expression made in a converted statement reads variables when consumed --------
def generators_made_in_a_loop(v):
    k = 1.0
    gens = []
    for x in v:
        if x > 0:
            k = k * 2
        gens.append(x * k for _ in range(1))
    return [sum(g) for g in gens]


def generator_made_in_a_branch(x):
    scale = 1.0
    if x > 0:
        doubled = (scale * t for t in (x, 2 * x))
        scale = 10.0
    else:
        doubled = (scale * t for t in (x,))
    return sum(doubled)


def test_a_generator_expression_binds_late_as_in_python():
    values = A(1, -3, 2)
    expected = generators_made_in_a_loop(values)
    assert expected == [8.0, 8.0, 8.0]
    assert py2lax.convert(generators_made_in_a_loop)(values) == expected
    for x in (2.0, -2.0):
        assert py2lax.convert(generator_made_in_a_branch)(x) == generator_made_in_a_branch(x)


def test_a_generator_expression_consumed_at_once_shares_no_variable():
    def total(v, k):
        s = 0.0
        for x in v:
            s = s + sum(x * k for _ in range(2))
        return s

    assert "nonlocal" not in py2lax.to_source(total)


# -- float(x), int(x), bool(x) of a traced x stand for Python numbers -------------------------
def best_as_float(v):
    best = 0.0
    for x in v:
        if x > best:
            best = float(x)
    return isinstance(best, float)


def flag_from_bool(x):
    flag = bool(x > 0)
    return 1 if flag is True else 0


def count_as_int(v):
    n = 0
    for x in v:
        if x > 0:
            n = int(n + 1)
    return type(n) is int


@pytest.mark.parametrize("function, inputs", [
    (best_as_float, [A(1, 3, 2)]),
    (flag_from_bool, [2.0, -2.0]),
    (count_as_int, [A(1, -3, 2)]),
])
def test_a_converted_number_keeps_its_python_type(function, inputs):
    for value in inputs:
        same_everywhere(function, value)
