"""``if``/``elif``/``else``, early returns and ternaries: Python's meaning under jit.

Oracle: the original function run eagerly on concrete values. Property tests draw
inputs on both sides of every condition; each converted function is jitted once at
module level so only the first example compiles.
"""

from __future__ import annotations

import re
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import py2lax
from conftest import (
    PROPERTY,
    assert_same,
    assert_tree_close,
    converted_primitives,
    equations,
    f32,
    has_control_flow,
    i32,
    jaxpr_of,
    primitives,
)
from py2lax import autograph_jit

pytestmark = pytest.mark.usefixtures("time_limit")

floats = st.floats(-10, 10, width=32)
ints = st.integers(-20, 20)


# ------------------------------------------------------------------ traced if -> cond
def sign_elif(x):
    if x > 0:
        y = 1.0
    elif x < 0:
        y = -1.0
    else:
        y = 0.0
    return y * 2


_sign_elif = autograph_jit(sign_elif)


@PROPERTY
@given(x=st.one_of(floats, st.just(0.0)))
def test_if_elif_else(x):
    assert_same(sign_elif, f32(x), jitted=_sign_elif)


def test_if_elif_else_compiles_to_nested_cond():
    counts = converted_primitives(sign_elif, f32(1.0))
    assert counts["cond"] == 2, counts


def clip_no_else(x):
    if x > 1:
        x = jnp.ones_like(x)
    return x * 3


_clip_no_else = autograph_jit(clip_no_else)


@PROPERTY
@given(x=floats)
def test_if_without_else_updates_existing_variable(x):
    assert_same(clip_no_else, f32(x), jitted=_clip_no_else, dtype="exact")


def test_if_without_else_is_cond():
    assert "cond" in converted_primitives(clip_no_else, f32(0.0))


def only_live_outputs(x, y):
    a = x + 1
    b = y + 1
    if x > y:
        a = a * 2       # read after: carried
        b = b * 2       # read after: carried
        t = a + b       # temporary, dead after the if: not carried
        dead = t * 3    # never read: not carried
    else:
        a = a - 1
    return a + b


_only_live_outputs = autograph_jit(only_live_outputs)


@PROPERTY
@given(x=floats, y=floats)
def test_if_carries_only_live_variables_values(x, y):
    assert_same(only_live_outputs, f32(x), f32(y), jitted=_only_live_outputs)


def test_if_carries_only_live_variables_in_jaxpr():
    jaxpr = jaxpr_of(py2lax.convert(only_live_outputs), f32(1.0), f32(0.0))
    (cond,) = equations(jaxpr, "cond")
    assert len(cond.outvars) == 2  # a and b, not t or dead


def test_if_carries_only_live_variables_in_source():
    source = py2lax.to_source(only_live_outputs)
    assert "a, b = py2lax.cond(x > y" in source
    assert "return (a, b)" in source
    assert "dead" not in source.split("py2lax.cond")[1]


def assigned_before_read_later(x):
    z = x * 0          # overwritten in both branches: not an input
    if x > 0:
        z = x
    else:
        z = -x
    return z


def test_if_output_not_needed_as_input():
    # `z` is assigned on both paths before it is read: the branches need no inputs
    source = py2lax.to_source(assigned_before_read_later)
    assert re.search(r"def if_true_\d+\(\):", source), source
    assert re.search(r"z, = py2lax\.cond\(x > 0, if_true_\d+, if_false_\d+, \(\)\)", source), source
    assert_same(assigned_before_read_later, f32(-2.0))
    assert_same(assigned_before_read_later, f32(2.0))


def _line_of(function, text):
    import inspect

    lines, first = inspect.getsourcelines(function)
    for offset, line in enumerate(lines):
        if text in line:
            return first + offset
    raise LookupError(text)


# ------------------------------------------------------------------- dtype promotion
def int_or_float32(x):
    if x > 0:
        y = 1
    else:
        y = x
    return y


def test_promotion_int_and_float32_gives_float32():
    jitted = autograph_jit(int_or_float32)
    for value in (2.5, -2.5):
        out = jitted(f32(value))
        assert out.dtype == jnp.float32
        assert float(out) == float(int_or_float32(f32(value)))


def weak_float_or_float32(x):
    if x > 0:
        y = 0.5
    else:
        y = x * 2
    return y


def test_promotion_weak_float_and_float32():
    jitted = autograph_jit(weak_float_or_float32)
    for value in (2.5, -2.5):
        out = jitted(f32(value))
        assert out.dtype == jnp.float32
        assert float(out) == float(weak_float_or_float32(f32(value)))


def int32_or_float32(x, k):
    if x > 0:
        y = k          # int32
    else:
        y = x          # float32
    return y


def test_promotion_int32_and_float32_arrays():
    out = autograph_jit(int32_or_float32)(f32(1.0), i32(7))
    assert out.dtype == jnp.float32 and float(out) == 7.0
    out = autograph_jit(int32_or_float32)(f32(-1.0), i32(7))
    assert out.dtype == jnp.float32 and float(out) == -1.0


def different_shapes(x):
    if x[0] > 0:
        y = x
    else:
        y = x[:1]
    return y


def test_branches_with_different_shapes_raise_carry_type_error():
    with pytest.raises(py2lax.CarryTypeError) as info:
        autograph_jit(different_shapes)(jnp.ones(3))
    assert "'y'" in str(info.value)


# ---------------------------------------------------------------------- static ifs
def rank_dependent(x):
    if x.ndim == 2:
        y = x.sum(axis=1)
    else:
        y = x
    return y


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_static_if_on_ndim_stays_python(shape):
    x = jnp.arange(float(np.prod(shape))).reshape(shape)
    assert_same(rank_dependent, x, dtype="exact")
    assert not has_control_flow(converted_primitives(rank_dependent, x))


def test_static_if_on_ndim_is_left_as_is_in_source():
    source = py2lax.to_source(rank_dependent)
    assert "if x.ndim == 2:" in source and "py2lax.cond" not in source


def flag_changes_shape(x, flag):
    if flag:
        return x.sum()
    return x


@pytest.mark.parametrize("flag", [True, False])
def test_static_argname_branches_may_return_different_shapes(flag):
    x = jnp.arange(6.0).reshape(2, 3)
    out = assert_same(flag_changes_shape, x, flag,
                      jit_kwargs=dict(static_argnames="flag"), dtype="exact")
    assert out.shape == (() if flag else (2, 3))
    counts = converted_primitives(flag_changes_shape, x, flag, static_argnums=(1,))
    assert not has_control_flow(counts)


def test_static_flag_from_static_argnums_keeps_python_if_in_source():
    source = py2lax.to_source(flag_changes_shape, static_argnames=("flag",))
    assert "py2lax.cond" not in source


def python_bool_not_declared_static(x, flag):
    if flag:
        y = x + 1
    else:
        y = x - 1
    return y


def test_concrete_predicate_decided_at_trace_time():
    # `flag` is a concrete Python bool at trace time (bound here with partial, not a
    # declared static argument): the runtime takes the Python path, so no cond
    import functools

    for flag in (True, False):
        f = functools.partial(python_bool_not_declared_static, flag=flag)
        jaxpr = jax.make_jaxpr(py2lax.convert(f))(f32(1.0))
        assert not has_control_flow(primitives(jaxpr))
        assert_tree_close(f(f32(1.0)), jax.jit(py2lax.convert(f))(f32(1.0)))


def optional_argument(x, y=None):
    if y is None:
        y = jnp.zeros_like(x)
    return x + y


def test_if_is_none_stays_python():
    x = jnp.arange(3.0)
    assert_same(optional_argument, x, dtype="exact")
    assert_same(optional_argument, x, jnp.ones(3), dtype="exact")
    assert not has_control_flow(converted_primitives(optional_argument, x))
    assert "if y is None:" in py2lax.to_source(optional_argument)


def shape_dependent_elif(x):
    if x.shape[0] > 3:
        y = x[:3]
    elif x.shape[0] == 3:
        y = x * 2
    else:
        y = jnp.concatenate([x, jnp.zeros(3 - x.shape[0])])
    return y


@pytest.mark.parametrize("n", [1, 3, 5])
def test_static_shape_elif_branches_return_different_shapes(n):
    assert_same(shape_dependent_elif, jnp.arange(float(n)), dtype="exact")


# ------------------------------------------------------------ definedness (one branch)
def defined_in_one_branch(x):
    if x > 0:
        y = x * 2
    return y


def test_variable_defined_in_one_branch_traced_raises():
    with pytest.raises(py2lax.UndefinedVariableError) as info:
        autograph_jit(defined_in_one_branch)(f32(1.0))
    assert "'y'" in str(info.value)
    assert info.value.names == ("y",)
    assert info.value.location.line == _line_of(defined_in_one_branch, "if x > 0")


def test_variable_defined_in_one_branch_is_a_name_error():
    with pytest.raises(NameError):
        autograph_jit(defined_in_one_branch)(f32(1.0))


def defined_in_one_branch_static(x, flag):
    if flag:
        y = x * 2
    return y


def test_variable_defined_in_one_branch_static_works_like_python():
    jitted = autograph_jit(defined_in_one_branch_static, static_argnames="flag")
    assert float(jitted(f32(1.5), True)) == 3.0
    with pytest.raises((NameError, UnboundLocalError)):
        defined_in_one_branch_static(f32(1.5), False)   # Python
    with pytest.raises((NameError, UnboundLocalError)):
        jitted(f32(1.5), False)


def defined_in_one_branch_concrete(x):
    if x > 0:
        y = x * 2
    return y


def test_variable_defined_in_one_branch_concrete_predicate_without_jit():
    # convert without jit: the predicate is concrete, so the runtime runs Python
    converted = py2lax.convert(defined_in_one_branch_concrete)
    assert float(converted(f32(2.0))) == 4.0
    with pytest.raises(NameError):
        converted(f32(-2.0))


def defined_in_one_branch_unused(x):
    if x > 0:
        tmp = x * 2
        x = tmp + 1
    return x


@PROPERTY
@given(x=floats)
def test_variable_defined_in_one_branch_but_dead_is_fine(x):
    assert_same(defined_in_one_branch_unused, f32(x),
                jitted=_defined_in_one_branch_unused)


_defined_in_one_branch_unused = autograph_jit(defined_in_one_branch_unused)


def defined_in_both_branches_only(x):
    if x > 0:
        y = x
    else:
        y = -x
    return y


def test_variable_defined_in_both_branches_only():
    for value in (3.0, -3.0):
        assert_same(defined_in_both_branches_only, f32(value))


# -------------------------------------------------------------- non-scalar condition
def vector_condition(x):
    if x > 0:
        x = x * 2
    return x


def test_traced_non_scalar_condition_raises():
    with pytest.raises(py2lax.TracedTruthValueError) as info:
        autograph_jit(vector_condition)(jnp.ones(3))
    assert info.value.location.line == _line_of(vector_condition, "if x > 0")


def test_traced_non_scalar_condition_is_a_value_error_like_python():
    with pytest.raises(ValueError):
        vector_condition(jnp.ones(3))     # Python: ambiguous truth value
    with pytest.raises(ValueError):
        autograph_jit(vector_condition)(jnp.ones(3))


def single_element_condition(x):
    if x > 0:
        x = x * 2
    return x


def test_traced_one_element_array_condition_works():
    for value in (1.0, -1.0):
        assert_same(single_element_condition, jnp.full((1,), value, jnp.float32))


# ---------------------------------------------------------------------- nested ifs
def nested(x, y):
    if x > 0:
        if y > 0:
            z = x + y
        else:
            z = x - y
        z = z * 2
    else:
        if y > x:
            z = y
        else:
            z = x
    return z


_nested = autograph_jit(nested)


@PROPERTY
@given(x=floats, y=floats)
def test_nested_ifs(x, y):
    assert_same(nested, f32(x), f32(y), jitted=_nested)


def nested_partial_update(x, n):
    a = x
    b = x
    if n > 0:
        a = a + 1
        if n > 5:
            b = b * 3
    else:
        b = b - 1
    return a, b


_nested_partial_update = autograph_jit(nested_partial_update)


@PROPERTY
@given(x=floats, n=ints)
def test_nested_if_partial_updates(x, n):
    assert_same(nested_partial_update, f32(x), i32(n), jitted=_nested_partial_update)


# ---------------------------------------------------------------- returns in branches
def return_in_both(x):
    if x > 0:
        return x * 2
    else:
        return x - 1


def return_then_more_code(x):
    if x > 2:
        return x
    y = x * 3
    y = y + 1
    return y


def return_in_elif_chain(x):
    if x > 5:
        return 5.0 * jnp.ones_like(x)
    elif x > 0:
        return x
    y = -x
    return y * 0.5


def return_in_nested_if_then_more_code(x):
    if x > 0:
        if x > 10:
            return jnp.float32(10.0)
        x = x * 2
    return x


def return_in_else_only(x):
    if x < 0:
        x = -x
    else:
        return x + 100
    return x * 2


def return_in_if_of_else(x):
    y = x + 1
    if x > 0:
        y = y * 2
    else:
        if x < -5:
            return y - 100
        y = y - 1
    return y


RETURN_FUNCTIONS = [return_in_both, return_then_more_code, return_in_elif_chain,
                    return_in_nested_if_then_more_code, return_in_else_only,
                    return_in_if_of_else]
_RETURN_JITS = {f.__name__: autograph_jit(f) for f in RETURN_FUNCTIONS}


@pytest.mark.parametrize("function", RETURN_FUNCTIONS, ids=lambda f: f.__name__)
@PROPERTY
@given(x=st.sampled_from([-20.0, -5.0, -1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 20.0]) | floats)
def test_returns_in_branches(function, x):
    assert_same(function, f32(x), jitted=_RETURN_JITS[function.__name__])


def return_none_on_one_path(x):
    if x is None:
        return
    return x + 1


def test_return_none_path_static():
    assert_same(return_none_on_one_path, f32(1.0))
    assert py2lax.convert(return_none_on_one_path)(None) is None


def return_tuple_in_branches(x):
    if x > 0:
        return x, x * 2
    return -x, x


def test_return_tuples_in_branches():
    for value in (1.0, -1.0):
        assert_same(return_tuple_in_branches, f32(value))


# ---------------------------------------------------------------------- ternaries
def ternary(x):
    return x * 2 if x > 0 else -x


def ternary_nested(x):
    y = 1.0 if x > 1 else (0.0 if x > -1 else -1.0)
    return y + x


def ternary_in_expression(x, y):
    return (x if x > y else y) + (y if y > 0 else 0.0)


def ternary_chained_comparison(x):
    return x if 0 < x < 1 else x * 0


TERNARIES = {"ternary": ternary, "nested": ternary_nested}
_TERNARY_JITS = {name: autograph_jit(f) for name, f in TERNARIES.items()}


@pytest.mark.parametrize("name", sorted(TERNARIES))
@PROPERTY
@given(x=st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]) | floats)
def test_ternary_traced_test(name, x):
    assert_same(TERNARIES[name], f32(x), jitted=_TERNARY_JITS[name])


_ternary_in_expression = autograph_jit(ternary_in_expression)
_ternary_chained_comparison = autograph_jit(ternary_chained_comparison)


@PROPERTY
@given(x=floats, y=floats)
def test_ternaries_inside_expressions(x, y):
    assert_same(ternary_in_expression, f32(x), f32(y), jitted=_ternary_in_expression)


@PROPERTY
@given(x=st.sampled_from([0.0, 0.5, 1.0]) | st.floats(-2, 2, width=32))
def test_ternary_with_chained_comparison(x):
    assert_same(ternary_chained_comparison, f32(x), jitted=_ternary_chained_comparison)


def test_ternary_is_cond():
    assert "cond" in converted_primitives(ternary, f32(1.0))


def ternary_evaluates_one_side(x, items):
    return items[0] if len(items) > 0 else x


def test_static_ternary_evaluates_only_one_side():
    assert_same(ternary_evaluates_one_side, f32(1.0), (), jit_kwargs=dict(static_argnums=1))


def ternary_int_vs_float(x):
    return 1 if x > 0 else x


def test_ternary_promotes_like_if():
    jitted = autograph_jit(ternary_int_vs_float)
    for value in (2.0, -2.0):
        out = jitted(f32(value))
        assert out.dtype == jnp.float32
        assert float(out) == float(ternary_int_vs_float(f32(value)))


# ------------------------------------------------------ containers and objects in branches
def dict_item_in_branch(x):
    state = {"a": x, "b": x * 0}
    if x > 0:
        state["a"] = x * 2
    else:
        state["b"] = x
    return state["a"] + state["b"]


@pytest.mark.parametrize("x", [-2.0, 2.0])
def test_dict_item_assignment_in_traced_branch(x):
    assert_same(dict_item_in_branch, f32(x))


def list_item_in_branch(x):
    values = [x, x]
    if x > 0:
        values[1] = x * 3
    return values


@pytest.mark.parametrize("x", [-2.0, 2.0])
def test_list_item_assignment_in_traced_branch(x):
    assert_same(list_item_in_branch, f32(x))


def attribute_in_branch(x):
    import types

    state = types.SimpleNamespace(a=x)
    if x > 0:
        state.a = x * 2
    return state.a


@pytest.mark.parametrize("x", [-2.0, 2.0])
def test_attribute_assignment_on_local_object_in_traced_branch(x):
    assert_same(attribute_in_branch, f32(x))


def append_in_branch(x):
    out = [x]
    if x > 0:
        out.append(x * 2)
    return out


def test_list_growing_in_one_traced_branch_is_a_conversion_error():
    # the list's length would depend on a traced value: no compiled program can hold
    # that, so py2lax must say so (not leak a tracer)
    with pytest.raises(py2lax.ConversionError):
        autograph_jit(append_in_branch)(f32(2.0))
