"""Scoping around loops, variables created in loops, dict/list items as state, calls.

Re-expressed from the shapes of TensorFlow AutoGraph's reference tests
(``loop_scoping_test.py``, ``loop_created_variables_test.py``,
``composite_names_in_control_flow_test.py``, ``call_to_user_function_test.py``,
``call_to_lambda_function_test.py``, ``loop_with_function_call_test.py``).
"""

import jax.numpy as jnp
import numpy as np

from case import Case

SRC = "source: AutoGraph reference tests, re-expressed"
FIRST_IN_LOOP = "a variable first assigned inside a traced loop and used after it"


def digits_with_temp(items):
    s = 0
    for i in items:
        t = i + 2
        s = s * 10 + t
    return s


def while_digits_with_temp(k):
    s = 0
    while k > 0:
        t = k + 2
        s = s * 10 + t
        k -= 1
    return s


def lambdas_capture_loop_var(items):
    fns = []
    results = []
    for i in items:
        fns.append(lambda: i + i)
    for f in fns:
        results.append(f())
    return results


def lambdas_bind_default(items):
    fns = []
    results = []
    for i in items:
        fns.append(lambda i=i: i + i)
    for f in fns:
        results.append(f())
    return results


def counter_reset_on_first(items):
    s = 0
    for i in items:
        if i == items[0]:
            t = 0
        else:
            t += 1
        s = s * 10 + t
    return s


def while_counter_reset(k):
    s = 0
    while k > 0:
        if k > 0:
            t = 0
        else:
            t += 1
        s = s * 10 + t
        k -= 1
    return s


def last_plus_two(items):
    for i in items:
        t = i + 2
    return t


def while_last_plus_two(k):
    while k > 0:
        t = k + 2
        k -= 1
    return t


def range_var_after_loop(n):
    s = 0
    for i in range(n):
        s = s * 10 + i
    return i, s


def reused_loop_var(n):
    i = 7
    s = 0
    for i in range(n):
        s = s * 10 + i
    return i, s


def altered_loop_var(n):
    i = 7
    s = 0
    for i in range(n):
        i = 3 * i + 1
        s = s * 10 + i
    return i, s


def loop_makes_zeros(n):
    i = 0
    while i < n:
        v = jnp.zeros((1, 2, 3))
        i += 1
    return v


def loop_makes_range(n):
    i = 0
    while i < n:
        v = jnp.arange(3) * i
        i += 1
    return v


def loop_makes_dict(n):
    i = 0
    while i < n:
        v = {"a": jnp.zeros((2,)), "b": jnp.ones((2,)) * i}
        i += 1
    return v["a"], v["b"]


def dict_key_both_branches(a):
    x = {"a": a}
    if x["a"] > 0:
        x["b"] = 1
    else:
        x["b"] = -1
    return x


def list_item_both_branches(a):
    x = [a, 0]
    if x[0] > 0:
        x[1] = 1
    else:
        x[1] = -1
    return x


def dict_key_one_branch(a):
    x = {"a": a}
    if x["a"] > 0:
        x["b"] = 1
    return x


def nested_dict_key_one_branch(a):
    x = {"a": {"a": a}}
    if x["a"]["a"] > 0:
        x["a"]["b"] = 1
    return x


def missing_key_both_branches(a):
    x = {"a": {"a": a}}
    if x["a"]["a"] > 0:
        x["b"]["a"] = 1
    else:
        x["b"]["a"] = -1
    return x


def while_dict_counter(x, a, b):
    y = {"a": a, "b": b}
    while x > 0:
        x -= 1
        y["a"] += 1
    return y


def while_list_counter(x, a, b):
    y = [a, b]
    while x > 0:
        x -= 1
        y[0] += 1
    return y


def while_dict_state_only(a, b):
    y = {"a": a, "b": b}
    while y["b"] <= 10:
        y["a"] += 1
        y["b"] *= 2
    return y


def while_list_state_only(a, b):
    y = [a, b]
    while y[1] <= 10:
        y[0] += 1
        y[1] *= 2
    return y


def while_dict_new_key(b):
    y = {"b": b}
    while y["b"] <= 10:
        y["a"] = y["b"] + 1
        y["b"] *= 2
    return y


def for_dict_add(n, x, a, b):
    y = {"a": a, "b": b}
    for i in range(n):
        x -= 1
        y["a"] += i
    return y, x


def for_list_add(n, x, a, b):
    y = [a, b]
    for i in range(n):
        x -= 1
        y[0] += i
    return y, x


def for_dict_from_empty(n, x):
    y = {}
    for i in range(n):
        x -= i
        y["a"] = x
    return y


def _cube(x):
    return x * x * x


def _affine(x):
    return -1 * x + 11


def _factory(n):
    if n == 1:
        return _cube
    return _affine


def call_factory_results(x):
    f = _factory(1)
    a = f(x)
    f = _factory(2)
    b = f(x)
    return a + b


def call_rebound_name(x):
    f = _cube
    a = f(x)
    f = _affine
    return a + f(x)


def call_param_with_keyword(f, x):
    return f(x=x)


def call_lambda_in_loop(n):
    scale = lambda v: v * 2 + 1
    s = 0
    for i in range(n):
        s = s + scale(i)
    return s


def lambda_closure_in_while(n):
    i = 0
    s = 0
    plus_two = lambda: i + 2
    while i < n:
        s = s * 10 + plus_two()
        i += 1
    return s


def def_closure_in_for(items):
    i = 0

    def plus_two():
        return i + 2

    s = 0
    for i in items:
        s = s * 10 + plus_two()
    return s, i


def callable_object_closure(n):
    i = 0

    class Reader:
        def __call__(self):
            return i

    read = Reader()
    s = 0
    while i < n:
        s = s * 10 + read()
        i += 1
    return s


def _fx(x):
    return x * 4


CASES = [
    Case(digits_with_temp, [([],), ([1],), ([1, 2],)], note=SRC),
    Case(digits_with_temp, [(np.array([1, 2], np.int32),)], label="array", note=SRC),
    Case(while_digits_with_temp, [(0,), (1,), (2,)], note=SRC),
    Case(lambdas_capture_loop_var, [([1],), ([1, 2],)], note=SRC + ": late binding"),
    Case(lambdas_capture_loop_var, [(np.array([1, 2, 3], np.int32),)], label="array",
         note=SRC + ": late binding, over an array"),
    Case(lambdas_bind_default, [([1],), ([1, 2],)], note=SRC),
    Case(counter_reset_on_first, [([],), ([1],), ([1, 2],), ([3, 4, 5],)], note=SRC,
         jit_error="t is assigned in one branch only of a traced if and read in the other"),
    Case(while_counter_reset, [(0,), (1,), (2,)], note=SRC,
         jit_error="t is read in the else branch before any assignment"),
    Case(last_plus_two, [([1],), ([1, 2],)], note=SRC),
    Case(last_plus_two, [(np.array([1, 2], np.int32),)], label="array", note=SRC),
    Case(while_last_plus_two, [(1,), (2,)], note=SRC, jit_error=FIRST_IN_LOOP),
    Case(range_var_after_loop, [(1,), (2,)], note=SRC,
         jit_error="the loop variable of a traced range is undefined if it runs zero times"),
    Case(reused_loop_var, [(0,), (1,), (2,)], note=SRC),
    Case(altered_loop_var, [(0,), (1,), (2,)], note=SRC),
    Case(loop_makes_zeros, [(1,), (2,)], note=SRC, jit_error=FIRST_IN_LOOP),
    Case(loop_makes_range, [(1,), (3,)], note=SRC, jit_error=FIRST_IN_LOOP),
    Case(loop_makes_dict, [(1,), (2,)], note=SRC, jit_error=FIRST_IN_LOOP),
    Case(dict_key_both_branches, [(0,), (1,)], note=SRC),
    Case(list_item_both_branches, [(0,), (1,)], note=SRC),
    Case(dict_key_one_branch, [(0,), (1,)], note=SRC, jit_error="x['b'] exists on one path only"),
    Case(nested_dict_key_one_branch, [(0,), (1,)], note=SRC,
         jit_error="x['a']['b'] exists on one path only"),
    Case(missing_key_both_branches, [(0,), (1,)], note=SRC + "; Python raises KeyError"),
    Case(while_dict_counter, [(0, 3, 0), (2, 7, 0)], note=SRC),
    Case(while_list_counter, [(0, 3, 0), (2, 7, 0)], note=SRC),
    Case(while_dict_state_only, [(0, 3), (0, 6), (0, 11)], note=SRC),
    Case(while_list_state_only, [(0, 3), (0, 6), (0, 11)], note=SRC),
    Case(while_dict_new_key, [(5,), (10,)], note=SRC, jit_error="y['a'] is created in the loop"),
    Case(for_dict_add, [(0, 1, 1, 1), (2, 1, 1, 1)], note=SRC),
    Case(for_list_add, [(0, 1, 1, 1), (2, 1, 1, 1)], note=SRC),
    Case(for_dict_from_empty, [(1, 0), (2, 0)], note=SRC,
         jit_error="y['a'] is created in the loop"),
    Case(call_factory_results, [(1,), (3,)], note=SRC + " (call_to_user_function)"),
    Case(call_rebound_name, [(1,), (2,)], note=SRC + " (call_to_user_function)"),
    Case(call_param_with_keyword, [(_fx, 1), (_cube, 2)], static_argnums=(0,),
         note=SRC + " (call_to_user_function)"),
    Case(call_lambda_in_loop, [(0,), (4,)], note=SRC + " (call_to_lambda_function)"),
    Case(lambda_closure_in_while, [(0,), (1,), (2,)], note=SRC + " (loop_with_function_call)"),
    Case(def_closure_in_for, [([],), ([1],), ([1, 2],)], note=SRC + " (loop_with_function_call)"),
    Case(callable_object_closure, [(0,), (1,), (3,)],
         note=SRC + " (loop_with_function_call: a class closing over a variable)"),
]
