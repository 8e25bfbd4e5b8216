"""Programs ported from PennyLane Catalyst's AutoGraph tests, in JAX, with variations.

Re-expressed (not copied) from ``frontend/test/pytest/test_autograph.py`` (TestConditionals,
TestForLoops, TestWhileLoops, TestFallback, TestLogicalOps, TestMixed, TestJaxIndexAssignment,
TestJaxIndexOperatorUpdate, TestDecorators). Quantum gates become a small classical
simulation: ``RY(theta)`` on wire ``w`` rotates a per-wire angle, and ``expval(Z)`` of a
product state is ``cos`` of it; a one-qubit circuit is a 2-vector rotated by 2x2 matrices.
The control flow of each program is the original's.
"""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from case import Case

SRC = "source: Catalyst test_autograph.py, ported"
COND = "source: Catalyst TestConditionals, ported"
FOR = "source: Catalyst TestForLoops, ported"
WHILE = "source: Catalyst TestWhileLoops, ported"
FALLBACK = "source: Catalyst TestFallback, ported"
LOGIC = "source: Catalyst TestLogicalOps, ported"
MIXED = "source: Catalyst TestMixed / TestDecorators, ported"
INDEX = "source: Catalyst TestJaxIndexAssignment / TestJaxIndexOperatorUpdate, ported"
F = np.float32
PI = float(np.pi)


def _ry(state, theta):
    c = jnp.cos(theta / 2)
    s = jnp.sin(theta / 2)
    return jnp.array([[c, -s], [s, c]]) @ state


def _expval_z(state):
    return state[0] ** 2 - state[1] ** 2


def _zero():
    return jnp.array([1.0, 0.0])


# -------------------------------------------------------------------- conditionals
def simple_cond_power(n):
    if n > 4:
        res = n ** 2
    else:
        res = n
    return res


def cond_one_elif_int_input(x):
    if x > 2.7:
        res = x * 4
    elif x > 1.4:
        res = x * 2
    else:
        res = x
    return res


def cond_many_elif(x):
    if x > 4.8:
        res = x * 8
    elif x > 2.7:
        res = x * 4
    elif x > 1.4:
        res = x * 2
    else:
        res = x
    return res


def flip_if_large(x):
    state = _zero()
    if x > 4:
        state = _ry(state, PI)
    return _expval_z(state) < 0


def branch_only_defines(pred):
    if pred:
        res = 1.0
    return res


def static_true_elif_chain():
    if True:
        res = 1.0
    elif False:
        res = 0.0
    else:
        res = 2.0
    return res


def multiple_return_const(x):
    if x > 0:
        return 25
    else:
        return 60


def return_early_after_measure(x):
    state = _ry(_zero(), x)
    m = _expval_z(state) < 0
    if not m:
        return 0
    return 1


def return_different_observables(switch):
    state = _ry(_zero(), 0.3)
    if switch:
        return state[1]
    return _expval_z(state)


# ------------------------------------------------------------------------ for loops
def for_in_array_rotations(params):
    state = _zero()
    for x in params:
        state = _ry(state, x)
    return _expval_z(state)


def for_in_array_unpack(params):
    state = _zero()
    for x1, x2 in params:
        state = _ry(state, x1)
        state = _ry(state, x2)
    return _expval_z(state)


def for_in_numeric_list():
    params = [0.0, 1 / 4 * jnp.pi, 2 / 4 * jnp.pi]
    state = _zero()
    for x in params:
        state = _ry(state, x)
    return _expval_z(state)


def for_in_numeric_list_of_list():
    params = [[0.0, 1 / 4 * jnp.pi], [2 / 4 * jnp.pi, jnp.pi]]
    state = _zero()
    for xx in params:
        for x in xx:
            state = _ry(state, x)
    return _expval_z(state)


def for_in_object_list(scale):
    params = ["0", "1", "2"]
    state = _zero()
    for x in params:
        state = _ry(state, int(x) / 4 * jnp.pi * scale)
    return _expval_z(state)


def for_static_range_wires(theta):
    angles = jnp.zeros(3)
    for i in range(3):
        angles = angles.at[i].add(theta * (i + 1))
    return jnp.cos(angles)


def for_static_range_indexing_array(scale):
    params = jnp.array([0.0, 1 / 4 * jnp.pi, 2 / 4 * jnp.pi])
    state = _zero()
    for i in range(3):
        state = _ry(state, params[i] * scale)
    return _expval_z(state)


def for_static_range_indexing_list(scale):
    params = [0.0, 1 / 4 * jnp.pi, 2 / 4 * jnp.pi]
    state = _zero()
    for i in range(3):
        state = _ry(state, params[i] * scale)
    return _expval_z(state)


def for_dynamic_range_indexing_array(n):
    params = jnp.array([0.0, 1 / 4 * jnp.pi, 2 / 4 * jnp.pi])
    state = _zero()
    for i in range(n):
        state = _ry(state, params[i])
    return _expval_z(state)


def for_dynamic_range_indexing_list(n):
    params = [0.0, 1 / 4 * jnp.pi, 2 / 4 * jnp.pi]
    state = _zero()
    for i in range(n):
        state = _ry(state, params[i])
    return _expval_z(state)


def for_dynamic_range_wires(n):
    angles = jnp.zeros(4)
    for i in range(n):
        angles = angles.at[i].set(PI / 2)
    return jnp.cos(angles)


def for_enumerate_array(params):
    angles = jnp.zeros(3)
    for i, x in enumerate(params):
        angles = angles.at[i].add(x)
    return [jnp.cos(angles[i]) for i in range(3)]


def for_enumerate_no_unpack(params):
    angles = jnp.zeros(3)
    for v in enumerate(params):
        angles = angles.at[v[0]].add(v[1])
    return jnp.cos(angles)


def for_enumerate_nested_unpack(params):
    angles = jnp.zeros(3)
    for i, (x1, x2) in enumerate(params):
        angles = angles.at[i].add(x1)
        angles = angles.at[i].add(x2)
    return jnp.cos(angles)


def for_enumerate_start(params):
    angles = jnp.zeros(5)
    for i, x in enumerate(params, start=2):
        angles = angles.at[i].add(x)
    return jnp.cos(angles)


def for_enumerate_numeric_list(scale):
    params = [0.0, 1 / 4 * jnp.pi, 2 / 4 * jnp.pi]
    angles = jnp.zeros(3)
    for i, x in enumerate(params):
        angles = angles.at[i].add(x * scale)
    return jnp.cos(angles)


def for_enumerate_object_list(scale):
    params = ["0", "1", "2"]
    angles = jnp.zeros(3)
    for i, x in enumerate(params):
        angles = angles.at[i].add(int(x) / 4 * jnp.pi * scale)
    return jnp.cos(angles)


def for_dict_items(scale):
    params = {"a": 0.0, "b": 1 / 4 * jnp.pi, "c": 2 / 4 * jnp.pi}
    names = ""
    state = _zero()
    for k, v in params.items():
        names = names + k
        state = _ry(state, v * scale)
    return len(names), _expval_z(state)


def loop_carried_const_list():
    acc = 0
    for x in [0, 4, 5]:
        acc = acc + x
    return acc


def loop_carried_param(acc):
    for x in [0, 4, 5]:
        acc = acc + x
    return acc


def loop_carried_aug(acc):
    for x in [0, 4, 5]:
        acc += x * acc
    return acc


def element_access_after_list_loop(acc):
    x = 0
    for x in [0, 4, 5]:
        acc = acc + x
    return x, acc


def element_access_after_range(acc):
    i = 0
    l = jnp.array([0, 4, 5])
    for i in range(3):
        acc = acc + l[i]
    return i, acc


def element_access_after_enumerate(acc):
    i, x = 0, 0
    for i, x in enumerate([0, 4, 5]):
        acc = acc + x
    return i, x, acc


def element_access_no_init(acc):
    for x in [0, 4, 5]:
        acc = acc + x
    return x, acc


def element_access_no_init_array(acc, v):
    for x in v:
        acc = acc + x
    return x, acc


def element_access_no_init_enumerate(acc):
    for i, x in enumerate([0, 4, 5]):
        acc = acc + x
    return i, x


def temporary_loop_variable(scale):
    acc = 0
    for x in [0, 4, 5]:
        c = 2 * scale
        acc = acc + c * x
    return acc


def temporary_loop_variable_read_after(v):
    acc = 0
    c = 0
    for x in v:
        c = x * 2
        acc = acc + c
    return acc, c


def uninitialized_acc():
    for x in [0, 4, 5]:
        acc = acc + x  # noqa: F821
    return acc


def init_str_then_ints(acc):
    x = ""
    for x in [0, 4, 5]:
        acc = acc + x
    return x, acc


def init_float_then_ints(acc):
    x = 0.0
    for x in [0, 4, 5]:
        acc = acc + x
    return x, acc


def itertools_product_loop(x):
    for i, j in itertools.product(range(2), repeat=2):
        x += i + j
    return x


def itertools_product_traced_data(v):
    s = 0.0
    for i, j in itertools.product(range(2), range(3)):
        if v[i] > v[j]:
            s += v[i] - v[j]
    return s


# ---------------------------------------------------------------------- while loops
def whileloop_basic_int(limit):
    i = 0
    while i < limit:
        i += 1
    return i


def whileloop_basic_float(limit):
    i = 0.0
    while i < limit:
        i += 1.0
    return i


def whileloop_multiple_vars(param):
    a = 0
    b = 0
    while a < param:
        a += 1
        b += 2
    return b


def whileloop_rotations(p):
    angles = jnp.zeros(4)
    w = int(0)
    while w < 4:
        angles = angles.at[w].set(p)
        p *= 0.5
        w += 1
    return jnp.cos(angles), p


def whileloop_rotations_traced_wires(p, n):
    angles = jnp.zeros(4)
    w = 0
    while w < n:
        angles = angles.at[w].set(p)
        p *= 0.5
        w += 1
    return jnp.cos(angles), p


def whileloop_temporary(limit):
    acc = 0
    while acc < limit:
        c = 2
        acc = acc + c
    return acc


def whileloop_forloop_interop(limit):
    acc = 0
    while acc < limit:
        acc = acc + 1
        for x in [1, 2, 3]:
            acc += x
    return acc


def whileloop_forloop_interop_traced_list(limit, v):
    acc = 0
    while acc < limit:
        acc = acc + 1
        for x in v:
            acc += x
    return acc


def whileloop_cond_interop(limit):
    acc = 0
    while acc < limit:
        if acc < 2:
            acc += 1
        else:
            acc += 2
    return acc


def whileloop_raises(limit):
    acc = 0
    while acc < limit:
        raise RuntimeError("test failure")
    return acc


def whileloop_uninitialized(pred):
    while pred:
        x = 3
        pred = False
    return x


def whileloop_str_init(pred):
    x = ""
    while pred:
        x = 3
        pred = False
    return x


def whileloop_float_init(pred):
    x = 0.0
    while pred:
        x = 3
        pred = False
    return x


# ------------------------------------------------------------------------ fallbacks
def for_kron_grows():
    arr = jnp.array([1, 2])
    for _ in range(2):
        arr = jnp.kron(arr, arr)
    return arr


def for_kron_grows_traced(x):
    arr = jnp.array([1.0, 2.0]) * x
    for _ in range(2):
        arr = jnp.kron(arr, arr)
    return arr


def for_string_multiply(x):
    string = "hi"
    arr = jnp.array([1, 2]) * x
    for _ in range(2):
        arr = arr + 3
    for i in range(1, 4):
        string = string * i
    return arr, len(string)


def while_kron_by_length(x):
    arr = jnp.array([1.0, 2.0]) * x
    while len(arr) < 16:
        arr = jnp.kron(arr, arr)
    return arr


def while_string_and_array(x):
    string = "hi"
    arr = jnp.array([1, 2])
    i = 1
    while arr[0] < 7:
        arr = arr + 3
    while len(string) < 12:
        string = string * i
        i += 1
    return arr * x, len(string)


def while_traced_array_then_string(x):
    string = "hi"
    arr = jnp.array([1, 2]) * x
    i = 1
    while arr[0] < 7:
        arr = arr + 3
    while len(string) < 12:
        string = string * i
        i += 1
    return arr, len(string)


# ---------------------------------------------------------------------- logical ops
def logical_with_python_objects(x):
    obj = [0, 1, 2]
    r1 = True and obj
    r2 = False or obj
    r3 = not obj
    if x > 0:
        return len(r1) + len(r2) + int(r3)
    return 0


def logical_with_empty_dict(x):
    obj = {}
    r1 = True and obj
    r2 = False or obj
    r3 = not obj
    return r1, r2, r3, x + 1


def logical_and_arrays(a, b):
    return a and b


def logical_not_array(a):
    return not a


def logical_static_dynamic_and(s, d):
    return s and d


def logical_static_dynamic_or(s, d):
    return s or d


def logical_dynamic_static_and(d, s):
    return d and s


def logical_dynamic_static_or(d, s):
    return d or s


def logical_short_circuit_side_effect(x, n):
    calls = [0]

    def check(v):
        calls[0] += 1
        return v > 2

    r = x > 0 and check(x)
    s = x < 0 or check(x + n)
    return r, s, calls[0]


def ifexp_side_effect_in_operand(x):
    calls = [0]

    def check(v):
        calls[0] += 1
        return v > 2

    r = check(x) if x > 0 else False
    return r, calls[0]


def if_and_side_effect(x):
    calls = [0]

    def check(v):
        calls[0] += 1
        return v > 2

    if x > 0 and check(x):
        y = 1
    else:
        y = 2
    return y, calls[0]


def and_pops_argument_list(x, lst):
    r = x > 0 and lst.pop() > 0
    return r, len(lst)


def and_guards_missing_key(x):
    d = {"a": 1}
    return x > 0 and d["b"] > 0


# --------------------------------------------------------------------------- mixed
def fori_loop_with_python_for_inside(x):
    acc = 0
    if x < 3:
        def body(_, acc):
            for i in range(5):
                if i % 2 == 0:
                    acc += i
            return acc

        acc = lax.fori_loop(0, 3, body, acc)
    return acc


def fori_loop_with_traced_if_inside(x):
    acc = 0
    if x < 3:
        def body(k, acc):
            i = 0
            for i in range(5):
                even = lax.cond(i % 2 == 0, lambda: i, lambda: 0)
                acc += even
            if acc > 10 + k:
                acc = acc - 1
            return acc

        acc = lax.fori_loop(0, 3, body, acc)
    return acc


def _fori_traced_if_oracle(x):
    acc = 0
    if x < 3:
        for k in range(3):
            for i in range(5):
                acc += i if i % 2 == 0 else 0
            if acc > 10 + k:
                acc = acc - 1
    return jnp.asarray(acc)


def cond_or_in_if(x):
    if x <= 0.0 or x >= 1.0:
        y = 1
    else:
        y = 0
    return y


def _disabled_helper():
    x = 6
    if x > 5:
        y = x ** 2
    else:
        y = x ** 3
    return y


def loop_calls_static_helper(x, n):
    for _ in range(n):
        x = x + _disabled_helper()
    return x


def _dummy_func(x):
    if x > 5:
        y = x ** 2
    else:
        y = x ** 3
    return y


def loop_calls_traced_helper(x, n):
    for i in range(n):
        x = x + _dummy_func(i + 3)
    return x


def vmap_dict_workflow(d):
    def workflow(axes_dct):
        if axes_dct["x"] > 0:
            return axes_dct["x"] + axes_dct["y"]
        return axes_dct["y"]

    return jax.vmap(workflow, in_axes=({"x": None, "y": 0},))(d)


def _vmap_dict_oracle(d):
    y = np.asarray(d["y"])
    return jnp.asarray(d["x"] + y if d["x"] > 0 else y)


def while_loop_primitive_with_python_if(n):
    def cond_fn(i):
        return i < n

    def body(i):
        if i % 2 == 0:
            return i + 1
        return i + 3

    return lax.while_loop(cond_fn, body, 0)


def _while_loop_oracle(n):
    i = 0
    while i < n:
        i = i + 1 if i % 2 == 0 else i + 3
    return i


def update_list_in_loop(x):
    def update(v):
        return [v[0] + 1, v[1] + 2]

    for i in range(4):
        x = update(x)
    return x


def update_tuple_in_loop(x):
    def update(v):
        return (v[0] + 1, v[1] + 2)

    for i in range(4):
        x = update(x)
    return x


def update_dict_in_loop(x):
    def update(v):
        return {0: v[0] + 1, 1: v[1] + 2}

    for i in range(4):
        x = update(x)
    return x


def update_list_traced_count(x, n):
    def update(v):
        return [v[0] + 1, v[1] * 2]

    for _ in range(n):
        x = update(x)
    return x


# --------------------------------------------------------------------- index updates
def zero_last_element(x):
    last = x.shape[0] - 1
    x[last] = 0
    return x


def double_all_into_empty(x):
    first_dim = x.shape[0]
    result = np.empty((first_dim,), dtype=x.dtype)
    for i in range(first_dim):
        result[i] = x[i] * 2
    return result


def zero_last_python_list(x):
    last = len(x) - 1
    x[last] = 0
    return x


def slice_assign_start_stop(x):
    first_dim = x.shape[0]
    result = np.zeros((first_dim * 2, *x.shape[1:]), dtype=x.dtype)
    result[1:4] = x
    return result


def slice_assign_step(x):
    first_dim = x.shape[0]
    result = np.zeros((first_dim * 2, *x.shape[1:]), dtype=x.dtype)
    result[1:5:2] = x[0:2]
    result[::2] = -x[:1]
    return result


def index_mult_static(x):
    x[0] *= 2
    return x


def index_mult_last(x):
    last = x.shape[0] - 1
    x[last] *= 2
    return x


def index_ops_all_items(x):
    for i in range(x.shape[0]):
        x[i] *= 2
        x[i] += 1
        x[i] -= 3
    return x


def index_div_all_items(x):
    for i in range(x.shape[0]):
        x[i] /= 2
    return x


def index_pow_all_items(x):
    for i in range(x.shape[0]):
        x[i] **= 2
    return x


def index_mult_slice(x):
    first_dim = x.shape[0]
    x[0:first_dim:2] *= 2
    return x


def index_update_in_traced_if(x, t):
    for i in range(x.shape[0]):
        if x[i] > t:
            x[i] -= t
        else:
            x[i] += 1
    return x


def index_update_traced_index(x, k):
    x[k] += 10
    return x


def index_update_in_while(x, t):
    i = 0
    while x[i] < t:
        x[i] += 1
        i = (i + 1) % x.shape[0]
    return x, i


def multi_dim_index_update(x):
    x[0, 1] += 5
    return x


def mod_update(x):
    x[1] %= 2
    return x


def array_index_update(x):
    x[np.array([1, 2])] += 3
    return x


def kwarg_only_loop(*, n, x):
    for i in range(n):
        if x > i:
            x = x - i
    return x


def _kw_wrapper(n, x):
    return kwarg_only_loop(n=n, x=x)


ARR = np.array([0.0, 1 / 4 * PI, 2 / 4 * PI], F)
ARR2 = np.array([[0.0, 1 / 4 * PI], [2 / 4 * PI, PI]], F)
ARR32 = np.array([[0.0, 1 / 4 * PI], [2 / 4 * PI, 3 / 4 * PI], [PI, 2 * PI]], F)
UNINIT = "a variable first assigned inside a loop with a traced trip count"

CASES = [
    # conditionals
    Case(simple_cond_power, [(0,), (4,), (5,), (6,)], note=COND),
    Case(cond_one_elif_int_input, [(4,), (2,), (1,)], note=COND + "; int input, float bounds"),
    Case(cond_one_elif_int_input, [(4.0,), (2.0,), (1.0,)], label="float", note=COND),
    Case(cond_many_elif, [(5,), (3,), (2,), (-3,)], note=COND),
    Case(flip_if_large, [(3,), (6,)], note=COND + " (qubit_manipulation_cond)"),
    Case(branch_only_defines, [(True,)], note=COND + " (branch_return_mismatch)",
         jit_error="res is defined on one path only of a traced if"),
    Case(static_true_elif_chain, [()], note=COND + " (branch_no_multi_return_mismatch)"),
    Case(multiple_return_const, [(1,), (0,)], note=COND),
    Case(return_early_after_measure, [(0.0,), (PI,)], note=COND + " (multiple_return_early)"),
    Case(return_different_observables, [(True,), (False,)],
         note=COND + " (multiple_return_mismatched_type): both scalars here"),
    # for loops
    Case(for_in_array_rotations, [(ARR,)], note=FOR),
    Case(for_in_array_unpack, [(ARR2,)], note=FOR),
    Case(for_in_numeric_list, [()], note=FOR),
    Case(for_in_numeric_list_of_list, [()], note=FOR),
    Case(for_in_object_list, [(1.0,), (0.5,)], note=FOR),
    Case(for_static_range_wires, [(0.3,)], note=FOR),
    Case(for_static_range_indexing_array, [(1.0,)], note=FOR),
    Case(for_static_range_indexing_list, [(1.0,)], note=FOR),
    Case(for_dynamic_range_indexing_array, [(0,), (2,), (3,)], note=FOR),
    Case(for_dynamic_range_indexing_list, [(0,), (2,), (3,)], note=FOR + "; a list of Python "
         "floats indexed by a traced index (Catalyst expects TracerIntegerConversionError)",
         jit_error="a Python list indexed by a traced index"),
    Case(for_dynamic_range_wires, [(0,), (3,)], note=FOR),
    Case(for_enumerate_array, [(ARR,)], note=FOR),
    Case(for_enumerate_no_unpack, [(ARR,)], note=FOR),
    Case(for_enumerate_nested_unpack, [(ARR32,)], note=FOR),
    Case(for_enumerate_start, [(ARR,)], note=FOR),
    Case(for_enumerate_numeric_list, [(1.0,)], note=FOR),
    Case(for_enumerate_object_list, [(1.0,)], note=FOR),
    Case(for_dict_items, [(1.0,)], note=FOR + " (other iterable object)"),
    Case(loop_carried_const_list, [()], note=FOR),
    Case(loop_carried_param, [(2,)], note=FOR),
    Case(loop_carried_aug, [(2,), (0,)], note=FOR),
    Case(element_access_after_list_loop, [(0,), (3,)], note=FOR),
    Case(element_access_after_range, [(0,), (3,)], note=FOR),
    Case(element_access_after_enumerate, [(0,), (1,)], note=FOR),
    Case(element_access_no_init, [(0,), (7,)], note=FOR + " (a Catalyst xfail)"),
    Case(element_access_no_init_array, [(0, np.array([1, 2, 3], np.int32))], note=FOR),
    Case(element_access_no_init_enumerate, [(0,)], note=FOR),
    Case(temporary_loop_variable, [(1,), (3,)], note=FOR),
    Case(temporary_loop_variable_read_after, [(np.array([1, 2, 3], np.int32),),
                                              (np.array([], np.int32),)], note=FOR),
    Case(uninitialized_acc, [()], note=FOR + "; Python raises UnboundLocalError"),
    Case(init_str_then_ints, [(0,), (2,)], note=FOR),
    Case(init_float_then_ints, [(0,), (2,)], note=FOR),
    Case(itertools_product_loop, [(5,), (5.5,)], note=FOR + " (fallback_itertools)"),
    Case(itertools_product_traced_data, [(np.array([3.0, 1.0, 2.0], F),)], note=FOR),
    # while loops
    Case(whileloop_basic_int, [(0,), (3,)], note=WHILE),
    Case(whileloop_basic_float, [(0.0,), (3.0,), (2.5,)], note=WHILE),
    Case(whileloop_multiple_vars, [(0,), (3,)], note=WHILE),
    Case(whileloop_rotations, [(16.0,), (1.0,)], note=WHILE + " (whileloop_qjit)"),
    Case(whileloop_rotations_traced_wires, [(16.0, 0), (16.0, 3)], note=WHILE),
    Case(whileloop_temporary, [(3,), (0,)], note=WHILE),
    Case(whileloop_forloop_interop, [(5,), (0,), (20,)], note=WHILE),
    Case(whileloop_forloop_interop_traced_list, [(5, [1, 2, 3]), (20, [2, 2])], note=WHILE),
    Case(whileloop_forloop_interop_traced_list, [(5, np.array([1, 2, 3], np.int32))],
         label="array", note=WHILE),
    Case(whileloop_cond_interop, [(5,), (0,), (9,)], note=WHILE),
    Case(whileloop_raises, [(5,)], note=WHILE + "; Python raises RuntimeError"),
    Case(whileloop_raises, [(0,)], label="not entered", note=WHILE,
         jit_error="a raise inside a loop with a traced condition"),
    Case(whileloop_uninitialized, [(True,)], note=WHILE, jit_error=UNINIT),
    Case(whileloop_str_init, [(True,), (False,)], note=WHILE,
         jit_error="x is a str before the loop and an int in it"),
    Case(whileloop_float_init, [(True,), (False,)], note=WHILE + "; Python gives an int 3 or "
         "the float 0.0; plain lax.while_loop refuses the float/int carry too",
         jit_error="x is a float before the loop and an int after an iteration"),
    # fallbacks
    Case(for_kron_grows, [()], note=FALLBACK),
    Case(for_kron_grows_traced, [(1.0,), (2.0,)], note=FALLBACK),
    Case(for_string_multiply, [(1,), (2,)], note=FALLBACK),
    Case(while_kron_by_length, [(1.0,), (0.5,)], note=FALLBACK),
    Case(while_string_and_array, [(1,), (2,)], note=FALLBACK),
    Case(while_traced_array_then_string, [(1,), (2,)], note=FALLBACK),
    # logical
    Case(logical_with_python_objects, [(1,), (-1,)], note=LOGIC),
    Case(logical_with_empty_dict, [(1,)], note=LOGIC),
    Case(logical_and_arrays, [(np.array([0, 1], np.int32), np.array([1, 1], np.int32))],
         note=LOGIC + "; Python raises on the truth value of a 2-element array"),
    Case(logical_not_array, [(np.array([0, 1], np.int32),)], note=LOGIC + "; Python raises"),
    Case(logical_static_dynamic_and, [(True, 1.0), (False, 1.0), (True, 0.0)],
         static_argnums=(0,), note=LOGIC),
    Case(logical_static_dynamic_or, [(True, 1.0), (False, 1.0), (False, 0.0)],
         static_argnums=(0,), note=LOGIC),
    Case(logical_dynamic_static_and, [(1.0, True), (0.0, True), (1.0, False)],
         static_argnums=(1,), note=LOGIC),
    Case(logical_dynamic_static_or, [(1.0, True), (0.0, True), (0.0, False)],
         static_argnums=(1,), note=LOGIC),
    Case(logical_short_circuit_side_effect, [(3, 0), (1, 5), (-1, 0), (-1, 9)], note=LOGIC
         + "; the right operand of a traced `and`/`or` mutates a closure list"),
    Case(ifexp_side_effect_in_operand, [(-1,), (3,)], note=LOGIC + "; a conditional "
         "expression whose operand mutates a closure list"),
    Case(if_and_side_effect, [(-1,), (1,), (3,)], note=LOGIC + "; `if a and f(x)`, f counts"),
    Case(and_pops_argument_list, [(-1, [1, 2]), (1, [1, -2])], note=LOGIC + "; the right "
         "operand pops the caller's list"),
    Case(and_guards_missing_key, [(-1,)], note=LOGIC + "; Python never reads d['b']"),
    # mixed
    Case(fori_loop_with_python_for_inside, [(1,), (5,)], note=MIXED),
    Case(fori_loop_with_traced_if_inside, [(1,), (5,)], oracle=_fori_traced_if_oracle,
         note=MIXED + "; a Python if on the fori_loop carry (plain Python raises: the "
         "oracle is a Python twin)"),
    Case(cond_or_in_if, [(0.0,), (0.5,), (2.0,)], note=MIXED),
    Case(loop_calls_static_helper, [(0.4, 6), (1.0, 0)], note=MIXED + " (disable_autograph)"),
    Case(loop_calls_traced_helper, [(0.4, 6), (1.0, 0)], note=MIXED + " (autograph_include)"),
    Case(vmap_dict_workflow, [({"x": 1, "y": np.arange(5, dtype=np.int32)},),
                              ({"x": -1, "y": np.arange(3, dtype=np.int32)},)],
         oracle=_vmap_dict_oracle, note=MIXED + " (vmap); a Python if in the vmapped "
         "function on an unbatched input"),
    Case(while_loop_primitive_with_python_if, [(0,), (5,), (8,)],
         oracle=_while_loop_oracle, note=MIXED + " (while_loop)"),
    Case(update_list_in_loop, [([1, 2],)], note=MIXED + " (iterating lists)"),
    Case(update_tuple_in_loop, [((1, 2),)], note=MIXED),
    Case(update_dict_in_loop, [({0: 1, 1: 2},)], note=MIXED),
    Case(update_list_traced_count, [([1, 2], 0), ([1, 2], 3)], note=MIXED),
    # index updates
    Case(zero_last_element, [(np.array([5, 3, 4], np.int32),)], note=INDEX),
    Case(double_all_into_empty, [(np.array([5, 3, 4], np.int32),)], note=INDEX),
    Case(zero_last_python_list, [([5, 3, 4],)], note=INDEX),
    Case(slice_assign_start_stop, [(np.array([1, 2, 3], np.int32),),
                                   (np.array([[1, 2], [3, 4], [5, 6]], F),)], note=INDEX),
    Case(slice_assign_step, [(np.array([1, 2, 3], np.int32),)], note=INDEX),
    Case(index_mult_static, [(np.array([5, 3, 4], np.int32),)], note=INDEX),
    Case(index_mult_last, [(np.array([5, 3, 4], np.int32),)], note=INDEX),
    Case(index_ops_all_items, [(np.array([5, 3, 4], np.int32),)], note=INDEX),
    Case(index_div_all_items, [(np.array([5.0, 3.0, 4.0], F),)], note=INDEX),
    Case(index_pow_all_items, [(np.array([5, 3, 4], np.int32),)], note=INDEX),
    Case(index_mult_slice, [(np.array([5, 4, 3, 2, 1], np.int32),)], note=INDEX),
    Case(index_update_in_traced_if, [(np.array([5, 1, 4], np.int32), 3)], note=INDEX),
    Case(index_update_traced_index, [(np.array([5, 1, 4], np.int32), 1),
                                     (np.array([5, 1, 4], np.int32), -1)], note=INDEX),
    Case(index_update_in_while, [(np.array([5, 1, 4], np.int32), 3),
                                 (np.array([5, 1, 4], np.int32), 6)], note=INDEX),
    Case(multi_dim_index_update, [(np.array([[1, 2], [3, 4]], np.int32),)], note=INDEX),
    Case(mod_update, [(np.array([4, 3, 3], np.int32),)], note=INDEX),
    Case(array_index_update, [(np.array([4, 2, 3], np.int32),)], note=INDEX),
    Case(_kw_wrapper, [(3, 5), (0, 1)], note=SRC + "; keyword-only parameters"),
]
