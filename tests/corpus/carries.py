"""Values that cannot be carried (strings, None, objects) and carries whose dtype changes.

Issue 12, class 6: a string or None assigned differently under a traced condition ends in
a located error naming the variable; a static condition keeps Python's meaning. A carry
initialised with one dtype and updated with another is promoted the way jnp would, or
refused with a located error - never an assertion or a raw TypeError.
"""

import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 12 (values that cannot be carried)"
STRING = "a string chosen by a traced condition cannot be a jit value"


def label_by_size(x):
    label = "small"
    if x > 10.0:
        label = "large"
    return x * 2.0 if label == "large" else x


def label_by_static_mode(x, mode):
    if mode == "double":
        label = "twice"
    else:
        label = "once"
    return x * (2.0 if label == "twice" else 1.0)


def string_only_in_branch_not_used(x):
    y = x
    if x > 0:
        msg = "positive"
        y = x + 1.0
    return y


def none_until_found(v):
    found = None
    for i in range(v.shape[0]):
        if v[i] > 0:
            found = i
            break
    return -1 if found is None else found


def optional_argument(x, scale=None):
    if scale is None:
        scale = 2.0
    if x > 0:
        x = x * scale
    return x


def float_init_int_updates(n):
    x = 0.0
    i = 0
    while i < n:
        x = i
        i += 1
    return x


def int_init_float_updates(x, n):
    acc = 0
    for i in range(n):
        acc = acc + x * i
    return acc


def int_init_float_in_while(x):
    t = 0
    while t < 5.0:
        t = t + x
    return t


def bool_flag_then_int(v):
    flag = False
    for e in v:
        if e > 2.0:
            flag = True
    return flag


def counter_from_bool_sum(v):
    count = 0
    for e in v:
        count += e > 0
    return count


def weak_int_against_int32(n):
    total = 0
    k = jnp.int32(0)
    while k < n:
        total = total + k
        k = k + 1
    return total


def float64_numpy_constant(x):
    w = np.array([0.5, 0.25])
    if x > 0:
        w = w * x
    return w


def shape_from_static_branch(x, wide):
    if wide:
        y = jnp.zeros(4) + x
    else:
        y = jnp.zeros(2) + x
    return y


def python_int_overflowing_int32(n):
    total = 1
    for _ in range(n):
        total = total * 1000
    return total


def tuple_state_in_loop(x, n):
    state = (x, x * 0.0)
    for _ in range(n):
        state = (state[0] * 0.5, state[1] + state[0])
    return state


def none_carried_unchanged(x, n):
    extra = None
    for _ in range(n):
        x = x + 1.0
    return x, extra


def complex_accumulator(n):
    z = 0j
    for k in range(n):
        z = z + (k + 1j)
    return z


def dtype_changes_each_branch(x):
    if x > 0:
        y = jnp.int32(1)
    else:
        y = jnp.float32(2.5)
    return y


def unsigned_counter(v):
    count = np.uint8(0)
    for e in v:
        if e > 0:
            count = count + np.uint8(1)
    return count


F = np.float32
CASES = [
    Case(label_by_size, [(1.0,), (20.0,)], note=ISSUE, jit_error=STRING),
    Case(label_by_static_mode, [(1.0, "double"), (1.0, "single")], static_argnums=(1,), note=ISSUE),
    Case(string_only_in_branch_not_used, [(1.0,), (-1.0,)],
         note=ISSUE + "; the string is never read after the if"),
    Case(none_until_found, [(np.array([-1.0, 2.0, 3.0], F),), (np.array([-1.0, -2.0], F),)],
         note=ISSUE, jit_error="None or an index chosen by a traced condition"),
    Case(optional_argument, [(1.0,), (-1.0,)], note="`scale is None` is static"),
    Case(float_init_int_updates, [(0,), (3,)],
         note=ISSUE + "; float start, int updates in a while (Python returns an int)",
         jit_error="the carry is float before the loop and int after an iteration: its dtype "
         "cannot settle (the issue asks for a located error)"),
    Case(int_init_float_updates, [(F(1.5), 0), (F(1.5), 4)], note="int start, float updates"),
    Case(int_init_float_in_while, [(F(1.5),), (F(2.0),)], note="int start, float updates, while"),
    Case(bool_flag_then_int, [(np.array([1.0, 3.0], F),), (np.array([1.0], F),)], note="bool flag"),
    Case(counter_from_bool_sum, [(np.array([1.0, -3.0, 2.0], F),)], note="int += bool"),
    Case(weak_int_against_int32, [(0,), (4,)], note="Python int start, int32 updates"),
    Case(float64_numpy_constant, [(2.0,), (-1.0,)], note="float64 NumPy constant in a branch"),
    Case(shape_from_static_branch, [(1.0, True), (1.0, False)], static_argnums=(1,),
         note="branches of different shapes on a static flag"),
    Case(python_int_overflowing_int32, [(2,), (4,)], static_argnums=(0,),
         note="Python ints are unbounded; plain jax.jit runs this static loop in Python and "
         "refuses to return 10**12 as int32",
         jit_error="10**12 does not fit in int32: only an error can be right under jit"),
    Case(tuple_state_in_loop, [(F(2.0), 0), (F(2.0), 5)], note="tuple carried through a loop"),
    Case(none_carried_unchanged, [(F(1.0), 0), (F(1.0), 3)],
         note="a None that the loop never changes"),
    Case(complex_accumulator, [(0,), (3,)], note="complex carry"),
    Case(dtype_changes_each_branch, [(1.0,), (-1.0,)],
         note="int32 in one branch, float32 in the other"),
    Case(unsigned_counter, [(np.array([1.0, -1.0, 2.0], F),)], note="uint8 counter"),
]
