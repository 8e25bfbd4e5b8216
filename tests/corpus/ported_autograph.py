"""Programs ported from TensorFlow AutoGraph's reference tests, in JAX, with variations.

Re-expressed (not copied) from ``tensorflow/python/autograph/tests``: nested_control_flow,
early_return, composite_names_in_control_flow, loop_with_variable_type,
loop_created_variables, basic_list, call_to_user_function, call_to_builtin_function,
call_to_named_tuple, generator, type_annotations, loop_control_flow_illegal_cases.
The shapes already in ``autograph_conds/loops/scoping.py`` are varied here: the same
mechanisms combined differently (a context manager of the user's own, a ``try/finally``
around a ``continue`` in a ``for``, dependent inner loops over traced bounds, composite
names in nested containers and attributes, lists grown and popped in static loops).
"""

import collections
import contextlib
import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

SRC = "source: AutoGraph reference tests, ported"
NESTED = "source: AutoGraph nested_control_flow, ported"
RET = "source: AutoGraph early_return, ported"
COMP = "source: AutoGraph composite_names_in_control_flow, ported"
VTYPE = "source: AutoGraph loop_with_variable_type, ported"
CREATED = "source: AutoGraph loop_created_variables, ported"
LISTS = "source: AutoGraph basic_list, ported"
CALLS = "source: AutoGraph call_to_user_function / call_to_builtin_function, ported"
FN = "a variable holding different functions on the paths of a traced condition"
FIRST_IN_LOOP = "a variable first assigned inside a loop with a traced trip count"
GROWS = "an array whose shape grows with a traced trip count"

LOG = []


def _reset():
    LOG.clear()


def _log():
    return list(LOG)


class _Scope:
    """A context manager of the user's own (AutoGraph's tests use tf.name_scope)."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        LOG.append("in " + self.name)
        return self

    def __exit__(self, *exc):
        LOG.append("out " + self.name)
        return False


# --------------------------------------------------------------- nested_control_flow
def independent_ifs_float(x, y):
    z = 0.0
    if x > 0:
        if y > 0:
            z = x + y
        else:
            z = x - y
    return z


def dependent_inner_if_three(x):
    y = 0
    if x > 0:
        y = -2 * x
        if y > 0:
            x = -3 * x
        elif y < -4:
            x = x + 100
    else:
        y = 4 * x
    return x, y


def global_counter_in_nested_if(x):
    global _COUNTER
    y = 0
    if x > 0:
        if x > 1:
            _COUNTER += 1
            y += _COUNTER
    return y


_COUNTER = 0


def _reset_counter():
    global _COUNTER
    _COUNTER = 0


def _counter():
    return _COUNTER


def independent_inner_for_ranges(a, b):
    p = 0
    for _ in range(a):
        tmp = b
        for j in range(tmp):
            p += j
    return p


def independent_inner_while_counts(a, b):
    p = 0
    while a > 0:
        tmp = b
        while tmp > 0:
            p += 1
            tmp -= 1
        a -= 1
    return p


def dependent_inner_for_ranges(a, b):
    r = 1
    s = 0
    for _ in range(a):
        r += s
        tmp = b
        for j in range(tmp):
            s += j
    return r


def dependent_inner_while_counts(a, b):
    r = 1
    while a > 0:
        r += 1
        tmp = b
        while tmp > 0:
            a -= 1
            tmp -= 1
        a -= 1
    return r


def if_in_for_range(a):
    k = 0
    for i in range(a):
        if i % 2 > 0:
            j = i // 2
            k += j
    return k


def continue_in_user_scope(x):
    z = 0
    while x > 0:
        with _Scope("step"):
            x = x - 1
            if x < 5:
                continue
            z = z + 1
    return z


def break_in_user_scope(x):
    z = 0
    while x > 0:
        with _Scope("step"):
            x = x - 1
            if x < 5:
                break
            z = z + 1
    return z


def for_continue_in_try_finally(v):
    z = 0
    for x in v:
        try:
            if x < 5:
                continue
            z = z + 1
        finally:
            z = z + 10
    return z


def for_break_in_try_finally(v):
    z = 0
    for x in v:
        try:
            if x < 5:
                break
            z = z + 1
        finally:
            z = z + 10
    return z


def while_break_in_try_finally_float(x):
    z = 0.0
    while x > 0:
        x = x - 1.0
        try:
            if x < 2.5:
                break
            z = z + x
        finally:
            z = z * 2.0
    return z


def loop_initializing_invariant(n):
    for i in range(n):
        if i == 0:
            a = 1
        else:
            a = 2
    return a


def loop_initializing_variant(n):
    for i in range(n):
        if i == 0:
            a = 1
        else:
            a = a + 1
    return a


def loop_initializing_variant_preset(n):
    a = 0
    for i in range(n):
        if i == 0:
            a = 1
        else:
            a = a + 1
    return a


def while_if_else_steps(limit):
    acc = 0
    steps = 0
    while acc < limit:
        if acc < 2:
            acc += 1
        else:
            acc += 2
        steps += 1
    return acc, steps


# --------------------------------------------------------------------- early_return
def return_in_user_scope(x):
    with _Scope("outer"):
        if x > 0:
            if x < 5:
                with _Scope("inner"):
                    return x
            else:
                return x * x
        else:
            return x * x * x
    return x * x * x * x


def return_in_try_finally_mutating(x):
    out = [0]
    try:
        if x > 0:
            out[0] = 1
            return out
        out[0] = 2
        return out
    finally:
        out[0] = out[0] + 10


def return_in_loop_finally_counts(x):
    d = {"a": 0}
    for i in range(3):
        try:
            if x > i:
                return d
        finally:
            d["a"] += 1
    return d


def return_possibly_none_inner(x):
    if x > 0:
        if x < 5:
            return x
    else:
        return x * x * x


def return_dependent_on_local_array(c):
    t = jnp.ones((), jnp.int32)
    if c:
        return t
    t = jnp.stack([t, t])
    return jnp.sum(t)


def return_before_traced_loop(c1, c2, n):
    if c1:
        if c2:
            return 1
    s = 0
    for i in range(n):
        s += i
    return 2 + s


def return_in_loop_in_if(x, n):
    if x > 0:
        for i in range(n):
            if i * x > 6:
                return i
        return -1
    return -2


def return_in_while_after_try(x):
    i = 0
    while i < 10:
        try:
            i += 1
        finally:
            x = x + 1
        if x > 4:
            return i
    return -i


# ----------------------------------------------------------------- composite names
class Box:
    def __init__(self, a):
        self.a = a
        self.b = 0


def attr_both_branches(a):
    x = Box(a)
    if x.a > 0:
        x.b = 1
    else:
        x.b = -1
    return x.a, x.b


def attr_one_branch(a):
    x = Box(a)
    if x.a > 0:
        x.b = x.a * 2
    return x.a, x.b


def attr_in_while(n):
    x = Box(0)
    while x.a < n:
        x.a += 1
        x.b += x.a
    return x.a, x.b


def nested_dict_both_branches(a):
    x = {"a": {"a": a, "b": 0}}
    if x["a"]["a"] > 0:
        x["a"]["b"] = 1
    else:
        x["a"]["b"] = -1
    return x


def nested_list_in_dict_loop(n, a):
    y = {"v": [a, 0]}
    for i in range(n):
        y["v"][0] += i
        y["v"][1] -= 1
    return y


def dict_of_lists_while(b):
    y = {"a": [0], "b": [b]}
    while y["b"][0] <= 10:
        y["a"][0] += 1
        y["b"][0] *= 2
    return y


def tuple_rebuilt_in_loop(n, a):
    t = (a, 0)
    for i in range(n):
        t = (t[0] + i, t[1] - 1)
    return t


def list_item_buggy_key(a):
    x = {"a": {"a": a}}
    if x["a"]["a"] > 0:
        x["b"]["a"] = 1
    else:
        x["b"]["a"] = -1
    return x


def for_imbalanced_key(n, x):
    y = {}
    for i in range(n):
        x -= i
        y["a"] = x
    return y


def for_imbalanced_key_preset(n, x):
    y = {"a": 0}
    for i in range(n):
        x -= i
        y["a"] = x
    return y


def while_imbalanced_key_preset(b):
    y = {"b": b, "a": 0}
    while y["b"] <= 10:
        y["a"] = y["b"] + 1
        y["b"] *= 2
    return y


# -------------------------------------------------------- loop_with_variable_type
def growing_vector_static(n):
    v = jnp.array([0, 0])
    i = 0
    while i < n:
        v = jnp.concatenate((v, jnp.array([i])), 0)
        i += 1
    return v


def growing_vector_over_list(l):
    v = jnp.array([0, 0])
    for i in l:
        v = jnp.concatenate((v, jnp.array([i])))
    return v


def growing_matrix_rows(n):
    m = jnp.array([[0]])
    for i in range(n):
        m = jnp.concatenate((m, jnp.array([[i]])), 0)
    return m


def growing_matrix_pad(n):
    m = jnp.zeros((2, 2), jnp.int32)
    i = 0
    while i < n:
        m = jnp.pad(m, ((1, 1), (1, 1)), constant_values=i)
        i += 1
    return m


def growing_inside_if(n):
    v = jnp.array([0, 0])
    if n > 1:
        for i in range(n):
            v = jnp.concatenate((v, jnp.array([i])))
    else:
        v = jnp.array([1, 2, 3])
    return v


def growing_with_break(n):
    v = jnp.array([0, 0])
    if n > 1:
        for i in range(n):
            v = jnp.concatenate((v, jnp.array([i])))
            i += 1
            if i > 3:
                break
    else:
        v = jnp.array([1, 2, 3])
    return v


def growing_vector_traced(n):
    v = jnp.array([0, 0])
    i = 0
    while i < n:
        v = jnp.concatenate((v, jnp.array([i])), 0)
        i += 1
    return v


def fixed_shape_roll_in_loop(n):
    v = jnp.array([1, 2, 3, 4])
    i = 0
    while i < n:
        v = jnp.roll(v, 1) * 2
        i += 1
    return v


def namedtuple_counter_in_loop(n):
    Pair = collections.namedtuple("Pair", ["var", "count"])
    t = Pair(var=jnp.array([0]), count=0)
    for i in range(n):
        t = Pair(var=t.var + i, count=t.count + 1)
    return t.var, t.count


# ------------------------------------------------------------ loop_created_variables
def while_creates_zeros(n):
    i = 0
    while i < n:
        v = jnp.zeros((1, 2, 3))
        i += 1
    return v


def while_creates_dict(n):
    i = 0
    while i < n:
        v = {"a": jnp.zeros((1, 2)), "b": jnp.ones((2,)) * i}
        i += 1
    return v["a"], v["b"]


def while_creates_arange(n):
    i = 0
    while i < n:
        v = jnp.arange(3) + i
        i += 1
    return v


def for_creates_var_over_list(l):
    for i in l:
        j = i * 2
    return i, j


def while_creates_var_legal(n):
    i = 0
    while i < n:
        i = n + 1
        j = i + 1
    return i, j


# ------------------------------------------------------------------------ basic_list
def list_element_access():
    l = []
    l.append(1)
    l.append(2)
    l.append(3)
    return 2 * l[1]


def list_element_update(x):
    l = []
    l.append(x)
    l.append(x + 1)
    l.append(x + 2)
    l[1] = 5
    return jnp.stack(l)


def list_simple_fill(n):
    l = []
    for i in range(n):
        l.append(i)
    return jnp.array(l)


def list_nested_fill(m, n):
    mat = []
    for _ in range(m):
        l = []
        for j in range(n):
            l.append(j)
        mat.append(jnp.array(l))
    return jnp.stack(mat)


def list_read_write_loop(n):
    l = []
    l.append(1)
    l.append(1)
    for i in range(2, n):
        l.append(l[i - 1] + l[i - 2])
        l[i - 2] = -l[i - 2]
    return l


def list_pop_sum(n):
    l = [1, 2, 3, 4]
    s = 0
    for _ in range(n):
        s += l.pop()
    return l, s


def list_pop_traced_values(x, n):
    l = [x, x * 2, x * 3, x * 4]
    s = 0
    for _ in range(n):
        s += l.pop()
    return l, s


def list_mutation_by_index(t, n):
    for i in range(n):
        t[i] = i
    return t


def list_mutation_traced_values(t, x):
    for i in range(len(t)):
        if x > i:
            t[i] = x
    return t


# ------------------------------------------------------------------------ calls
def _cube(x):
    return x * x * x


def _affine(x):
    return -1 * x + 11


def _factory(n):
    if n == 1:
        return _cube
    return _affine


def factory_in_loop(x, n):
    s = 0
    for i in range(n):
        f = _factory(i % 2)
        s += f(x)
    return s


def function_chosen_by_traced_if(x):
    if x > 2:
        f = _cube
    else:
        f = _affine
    return f(x)


def function_var_rebound_in_loop(x, n):
    f = _cube
    s = 0
    for _ in range(n):
        s = s + f(x)
        f = _affine
    return s


def kwargs_dynamic_call(x):
    def g(x, scale=2):
        if x > 0:
            return x * scale
        return -x

    return g(x=x) + g(x, scale=3)


def builtin_dict_call(x):
    d = dict(foo=x)
    if d["foo"] > 0:
        d["foo"] = d["foo"] + 1
    return d


def builtin_aliased_len(x):
    def fake_len(v):
        return v[0]

    len = fake_len  # noqa: A001
    return len(x)


def builtin_dynamic_len(x):
    def gen_len():
        return len

    n = gen_len()
    s = 0
    for i in range(n(x)):
        s += x[i]
    return s


def nested_builtin_range(x):
    return list(range(len(x)))


def nested_cast(x):
    return float(int(x))


def cast_in_branch(x):
    if x > 1.5:
        y = int(x)
    else:
        y = 0
    return y


class Point(NamedTuple):
    x: float
    y: float


def namedtuple_in_loop(p, n):
    for _ in range(n):
        if p.x > p.y:
            p = Point(p.x - 1.0, p.y)
        else:
            p = p._replace(y=p.y - 1.0)
    return p


def namedtuple_fields_branch(x):
    p = Point(x, 2.0 * x)
    if p.x > 0:
        p = Point(p.y, p.x)
    return p


def _gen(n):
    for i in range(n):
        yield i * i


def generator_consumed_in_loop(x, n):
    s = x
    for v in _gen(n):
        if s > 10:
            s = s - v
        else:
            s = s + v
    return s


def annotated_function(x: float, n: int) -> float:
    acc: float = 0.0
    i: int = 0
    while i < n:
        acc += x
        i += 1
    return acc


def annotated_branch(x: jax.Array) -> jax.Array:
    y: jax.Array
    if x > 0:
        y = x * 2
    else:
        y = x * 3
    return y


# ----------------------------------------------------- loop_control_flow_illegal
def traced_break_in_list_loop(l):
    s = 0
    for c in l:
        if jnp.greater(c % 2, 0):
            break
        s += c
    return s


def traced_return_both_in_list_loop(l):
    s = 0
    for c in l:
        if jnp.greater(c % 2, 0):
            return s
        else:
            return s + 1
        s += c
    return s


def traced_break_in_while(x):
    s = 0
    while x > 0:
        x -= 1
        if jnp.greater(x % 2, 0):
            break
        s += x
    return s


def traced_return_in_while(x):
    s = 0
    while x > 0:
        x -= 1
        if jnp.greater(x % 3, 0):
            return s
        s += x
    return s


# ------------------------------------------------------------------ extras, mixed
def continue_then_break_nested(m):
    s = 0
    for row in m:
        for v in row:
            if v < 0:
                continue
            if v > 5:
                break
            s += v
        else:
            s += 100
    return s


def while_else_after_continue(x):
    s = 0
    while x > 0:
        x -= 1
        if x == 3:
            continue
        if x == 7:
            break
        s += x
    else:
        s += 1000
    return s


def for_range_step_negative(n):
    s = 0
    for i in range(n, 0, -2):
        s = s * 10 + i
    return s


def for_range_start_stop(a, b):
    s = 0
    for i in range(a, b):
        if i % 3 == 0:
            continue
        s += i
    return s


def for_reversed_list(l):
    s = 0
    for v in reversed(l):
        s = s * 10 + v
    return s


def for_zip_two_arrays(a, b):
    s = 0.0
    for x, y in zip(a, b):
        if x > y:
            s += x - y
    return s


def for_enumerate_break(v, limit):
    idx = -1
    for i, x in enumerate(v):
        if x > limit:
            idx = i
            break
    return idx


def while_with_and_condition(param):
    n = 0
    while param < 0.5 and n < 3:
        param *= 1.5
        n += 1
    return n


def while_with_or_condition(a, b):
    n = 0
    while a > 0 or b > 0:
        a -= 1
        b -= 2
        n += 1
    return n


def while_not_condition(x):
    n = 0
    while not x > 10:
        x = x * 2 + 1
        n += 1
    return x, n


def augmented_ops_in_branches(x):
    y = x
    if x > 3:
        y *= 2
        y -= 1
    elif x > 0:
        y //= 2
    else:
        y **= 2
    return y


def swap_in_loop(a, b, n):
    for _ in range(n):
        if a > b:
            a, b = b, a
        a = a + 1
    return a, b


def star_unpack_in_loop(v):
    s = 0
    for first, *rest in v:
        s += first * sum(rest)
    return s


def multiple_targets_assign(x, n):
    a = b = x
    for i in range(n):
        a = b = a + b
    return a, b


def walrus_in_while(x):
    n = 0
    while (y := x * 2) < 50:
        x = y + 1
        n += 1
    return x, n


def conditional_expression_in_while(x, n):
    i = 0
    while i < n:
        x = x + 1 if x % 2 == 0 else x * 3
        i += 1
    return x


def fibonacci_while(n):
    a, b = 0, 1
    i = 0
    while i < n:
        a, b = b, a + b
        i += 1
    return a


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def gcd_loop(a, b):
    while b != 0:
        a, b = b, a % b
    return a


def is_prime(n):
    if n < 2:
        return False
    i = 2
    while i * i <= n:
        if n % i == 0:
            return False
        i += 1
    return True


def count_primes_below(n):
    c = 0
    for k in range(2, n):
        d = 2
        prime = True
        while d * d <= k:
            if k % d == 0:
                prime = False
                break
            d += 1
        if prime:
            c += 1
    return c


def binary_search(v, target):
    lo = 0
    hi = v.shape[0] - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if v[mid] == target:
            return mid
        elif v[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def digit_sum_until_single(n):
    while n >= 10:
        s = 0
        while n > 0:
            s += n % 10
            n //= 10
        n = s
    return n


def partial_in_branch(x):
    def power(b, e):
        return b ** e

    if x > 1.0:
        f = functools.partial(power, e=2)
    else:
        f = functools.partial(power, e=3)
    return f(x)


def nullcontext_continue(v):
    s = 0
    for x in v:
        with contextlib.nullcontext():
            if x % 2 == 0:
                continue
            s += x
    return s


def nested_function_with_loop(x, n):
    def step(v):
        for _ in range(n):
            if v > 100:
                break
            v = v * 2
        return v

    return step(x) + step(x + 1)


def recursion_static_depth(x, depth):
    if depth == 0:
        return x
    if x > 0:
        return recursion_static_depth(x - 1, depth - 1) + 1
    return recursion_static_depth(x + 1, depth - 1) - 1


def loop_var_shadowed_by_inner(n):
    s = 0
    for i in range(n):
        for i in range(i):  # noqa: B020
            s += i
    return s, i


def loop_var_modified_in_body(n):
    s = 0
    for i in range(n):
        i = i * 2
        s += i
    return s, i


def while_with_inner_for_break(x, n):
    t = 0
    while x > 0:
        for j in range(n):
            if j == x:
                break
            t += j
        x -= 1
    return t


def early_continue_with_accumulators(v):
    pos = 0.0
    neg = 0.0
    zeros = 0
    for x in v:
        if x == 0:
            zeros += 1
            continue
        if x > 0:
            pos += x
            continue
        neg += x
    return pos, neg, zeros


INT3 = [(0,), (3,), (5,)]
PAIRS = [(0, 0), (0, 2), (1, 2), (2, 1), (2, 2)]
VEC = [(np.array([1, 6, 7, 2], np.int32),), (np.array([8, 9], np.int32),),
       (np.array([3], np.int32),)]
FVEC = [(np.array([1.0, -2.0, 0.0, 3.0], np.float32),), (np.array([0.0, 0.0], np.float32),)]

CASES = [
    # nested_control_flow
    Case(independent_ifs_float, [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)], note=NESTED),
    Case(dependent_inner_if_three, [(-1,), (1,), (3,)], note=NESTED),
    Case(global_counter_in_nested_if, [(0,), (1,), (2,)], note=NESTED + "; a global bumped "
         "under a traced if", setup=_reset_counter, observe=_counter,
         jit_error="a Python global changed under a traced condition"),
    Case(independent_inner_for_ranges, PAIRS, note=NESTED),
    Case(independent_inner_while_counts, PAIRS, note=NESTED),
    Case(dependent_inner_for_ranges, PAIRS, note=NESTED),
    Case(dependent_inner_while_counts, [(0, 0), (1, 3), (3, 1), (4, 2), (2, 4)], note=NESTED),
    Case(if_in_for_range, [(0,), (1,), (2,), (7,)], note=NESTED),
    Case(continue_in_user_scope, [(0,), (4,), (10,)], note=NESTED + "; user context manager "
         "(its log not observed: a traced loop body runs its Python side effects once, when "
         "traced, as under plain lax.while_loop)"),
    Case(break_in_user_scope, [(0,), (4,), (10,)], note=NESTED + "; user context manager"),
    Case(for_continue_in_try_finally, VEC, note=NESTED + "; for over an array"),
    Case(for_break_in_try_finally, VEC, note=NESTED + "; for over an array"),
    Case(while_break_in_try_finally_float, [(0.0,), (4.0,), (7.0,)], note=NESTED),
    Case(loop_initializing_invariant, [(1,), (2,)], note=NESTED, jit_error=FIRST_IN_LOOP),
    Case(loop_initializing_variant, [(1,), (2,), (4,)], note=NESTED, jit_error=FIRST_IN_LOOP),
    Case(loop_initializing_variant_preset, [(0,), (1,), (2,), (4,)], note=NESTED),
    Case(while_if_else_steps, [(0,), (5,), (8,)], note="source: Catalyst whileloop_cond_interop"),
    # early_return
    Case(return_in_user_scope, [(0,), (3,), (5,)], note=RET + "; the log is not observed: "
         "both branches of a traced if are traced, so both enter the inner scope"),
    Case(return_in_try_finally_mutating, [(0,), (1,)], note=RET + "; finally changes the "
         "returned list"),
    Case(return_in_loop_finally_counts, [(0,), (2,), (5,)], note=RET + "; finally changes "
         "the returned dict"),
    Case(return_possibly_none_inner, [(0,), (3,), (5,)], note=RET,
         jit_error="None returned on one path, an int on another"),
    Case(return_dependent_on_local_array, [(True,), (False,)], note=RET),
    Case(return_before_traced_loop, [(True, True, 0), (True, False, 3), (False, False, 2)],
         note=RET + "; traced flags and count"),
    Case(return_in_loop_in_if, [(0, 3), (1, 3), (2, 5), (3, 8)], note=RET),
    Case(return_in_while_after_try, [(0,), (3,), (10,)], note=RET),
    # composite names
    Case(attr_both_branches, [(0,), (1,)], note=COMP + "; attributes"),
    Case(attr_one_branch, [(0,), (2,)], note=COMP + "; attributes"),
    Case(attr_in_while, [(0,), (3,)], note=COMP + "; attributes in a while"),
    Case(nested_dict_both_branches, [(0,), (1,)], note=COMP),
    Case(nested_list_in_dict_loop, [(0, 1), (3, 1)], note=COMP),
    Case(dict_of_lists_while, [(3,), (6,), (11,)], note=COMP),
    Case(tuple_rebuilt_in_loop, [(0, 1), (3, 2)], note=COMP),
    Case(list_item_buggy_key, [(0,), (1,)], note=COMP + "; Python raises KeyError"),
    Case(for_imbalanced_key, [(1, 0), (2, 0)], note=COMP, jit_error="y['a'] is created in "
         "the loop"),
    Case(for_imbalanced_key_preset, [(0, 0), (1, 0), (3, 5)], note=COMP),
    Case(while_imbalanced_key_preset, [(5,), (10,), (11,)], note=COMP),
    # loop_with_variable_type
    Case(growing_vector_static, [(0,), (1,), (3,)], static_argnums=(0,), note=VTYPE),
    Case(growing_vector_over_list, [([],), ([1],), ([1, 2],)], note=VTYPE),
    Case(growing_matrix_rows, [(0,), (2,)], static_argnums=(0,), note=VTYPE),
    Case(growing_matrix_pad, [(0,), (1,), (2,)], static_argnums=(0,), note=VTYPE),
    Case(growing_inside_if, [(0,), (1,), (3,)], static_argnums=(0,), note=VTYPE),
    Case(growing_with_break, [(0,), (2,), (5,)], static_argnums=(0,), note=VTYPE),
    Case(growing_vector_traced, [(0,), (2,)], note=VTYPE, jit_error=GROWS),
    Case(fixed_shape_roll_in_loop, [(0,), (1,), (3,)], note=VTYPE),
    Case(namedtuple_counter_in_loop, [(0,), (3,)], note=VTYPE + "; a namedtuple made in "
         "the function"),
    # loop_created_variables
    Case(while_creates_zeros, [(1,), (2,)], note=CREATED, jit_error=FIRST_IN_LOOP),
    Case(while_creates_dict, [(1,), (2,)], note=CREATED, jit_error=FIRST_IN_LOOP),
    Case(while_creates_arange, [(1,), (3,)], note=CREATED, jit_error=FIRST_IN_LOOP),
    Case(for_creates_var_over_list, [([1],), ([1, 2],)], note=CREATED),
    Case(for_creates_var_over_list, [(np.array([1, 2, 3], np.int32),)], label="array",
         note=CREATED),
    Case(while_creates_var_legal, [(1,), (2,)], note=CREATED, jit_error=FIRST_IN_LOOP),
    # basic_list
    Case(list_element_access, [()], note=LISTS),
    Case(list_element_update, [(1,), (4,)], note=LISTS),
    Case(list_simple_fill, [(1,), (5,)], static_argnums=(0,), note=LISTS),
    Case(list_nested_fill, [(5, 3), (1, 1)], static_argnums=(0, 1), note=LISTS),
    Case(list_read_write_loop, [(2,), (4,), (6,)], static_argnums=(0,), note=LISTS),
    Case(list_pop_sum, [(0,), (2,), (4,)], static_argnums=(0,), note=LISTS),
    Case(list_pop_traced_values, [(1, 0), (2, 2), (3, 4)], static_argnums=(1,), note=LISTS),
    Case(list_mutation_by_index, [([0] * 5, 5), ([7, 7, 7], 2)], static_argnums=(1,),
         note=LISTS + "; the argument list is changed in place"),
    Case(list_mutation_traced_values, [([0, 0, 0], 2), ([5, 5, 5, 5], 0)], note=LISTS),
    # calls
    Case(factory_in_loop, [(1, 0), (2, 3), (3, 4)], note=CALLS, jit_error=FN),
    Case(factory_in_loop, [(1, 0), (2, 3), (3, 4)], static_argnums=(1,), label="static count",
         note=CALLS),
    Case(function_chosen_by_traced_if, [(1,), (3,)], note=CALLS, jit_error=FN),
    Case(function_var_rebound_in_loop, [(1, 0), (2, 1), (2, 3)], note=CALLS, jit_error=FN),
    Case(function_var_rebound_in_loop, [(1, 0), (2, 1), (2, 3)], static_argnums=(1,),
         label="static count", note=CALLS),
    Case(kwargs_dynamic_call, [(1,), (-2,)], note=CALLS),
    Case(builtin_dict_call, [(0,), (1,)], note=CALLS),
    Case(builtin_aliased_len, [([1, 2],), ([5],)], note=CALLS),
    Case(builtin_dynamic_len, [([1, 2],), ([5, 6, 7],)], note=CALLS),
    Case(builtin_dynamic_len, [(np.array([1, 2, 3], np.int32),)], label="array", note=CALLS),
    Case(nested_builtin_range, [([],), ([1, 2, 3],)], note=CALLS),
    Case(nested_cast, [(1.7,), (-2.5,)], note=CALLS,
         jit_error="int() of a traced value"),
    Case(cast_in_branch, [(1.0,), (2.7,)], note=CALLS, jit_error="int() of a traced value"),
    Case(namedtuple_in_loop, [(Point(3.0, 1.0), 0), (Point(3.0, 1.0), 3),
                              (Point(1.0, 4.0), 4)], note="source: AutoGraph "
         "call_to_named_tuple, ported"),
    Case(namedtuple_fields_branch, [(1.0,), (-1.0,)],
         note="source: AutoGraph call_to_named_tuple, ported"),
    Case(generator_consumed_in_loop, [(0, 4), (5, 5), (20, 3)],
         note="source: AutoGraph generator_test, ported; a generator over range(traced n)"),
    Case(generator_consumed_in_loop, [(0, 4), (5, 5), (20, 3)], static_argnums=(1,),
         label="static count", note="source: AutoGraph generator_test, ported"),
    Case(annotated_function, [(1.5, 0), (1.5, 3)],
         note="source: AutoGraph type_annotations, ported"),
    Case(annotated_branch, [(1.0,), (-1.0,)],
         note="source: AutoGraph type_annotations, ported; a bare annotation"),
    # loop_control_flow_illegal_cases: legal in py2lax
    Case(traced_break_in_list_loop, [([1],), ([2, 4, 5],), ([2, 3, 4],)],
         note="source: AutoGraph loop_control_flow_illegal_cases, ported"),
    Case(traced_return_both_in_list_loop, [([1],), ([2, 4],)],
         note="source: AutoGraph loop_control_flow_illegal_cases, ported"),
    Case(traced_break_in_while, [(1,), (2,), (5,)],
         note="source: AutoGraph loop_control_flow_illegal_cases, ported"),
    Case(traced_return_in_while, [(1,), (3,), (6,)],
         note="source: AutoGraph loop_control_flow_illegal_cases, ported"),
    # mixed shapes
    Case(continue_then_break_nested, [(np.array([[1, -2, 3], [6, 1, 1]], np.int32),),
                                      (np.array([[1, 2], [3, 4]], np.int32),)], note=SRC),
    Case(while_else_after_continue, [(0,), (5,), (9,)], note=SRC),
    Case(for_range_step_negative, [(0,), (5,), (6,)], note=SRC),
    Case(for_range_start_stop, [(0, 0), (2, 9), (5, 3)], note=SRC),
    Case(for_reversed_list, [([],), ([1, 2, 3],)], note=SRC),
    Case(for_reversed_list, [(np.array([1, 2, 3], np.int32),)], label="array", note=SRC),
    Case(for_zip_two_arrays, [(np.array([1.0, 5.0, 2.0], np.float32),
                               np.array([2.0, 1.0, 0.0], np.float32))], note=SRC),
    Case(for_enumerate_break, [(np.array([1.0, 5.0, 2.0], np.float32), 4.0),
                               (np.array([1.0, 5.0, 2.0], np.float32), 9.0)], note=SRC),
    Case(while_with_and_condition, [(0.1,), (0.4,), (0.9,)],
         note="source: Catalyst TestMixed.test_while_and"),
    Case(while_with_or_condition, [(0, 0), (3, 1), (1, 7)], note=SRC),
    Case(while_not_condition, [(0,), (11,), (3,)], note=SRC),
    Case(augmented_ops_in_branches, [(5,), (2,), (-3,)], note=SRC),
    Case(swap_in_loop, [(1, 2, 0), (5, 2, 3), (1, 1, 4)], note=SRC),
    Case(star_unpack_in_loop, [([[1, 2, 3], [4, 5, 6]],), ([],)], note=SRC),
    Case(star_unpack_in_loop, [(np.array([[1, 2, 3], [4, 5, 6]], np.int32),)], label="array",
         note=SRC),
    Case(multiple_targets_assign, [(1, 0), (1, 3)], note=SRC),
    Case(walrus_in_while, [(0,), (3,), (60,)], note=SRC),
    Case(conditional_expression_in_while, [(1, 0), (1, 4), (2, 5)], note=SRC),
    Case(fibonacci_while, [(0,), (1,), (10,)], note=SRC),
    Case(collatz_steps, [(1,), (6,), (27,)], note=SRC),
    Case(gcd_loop, [(12, 18), (17, 5), (0, 4)], note=SRC),
    Case(is_prime, [(1,), (2,), (9,), (13,)], note=SRC),
    Case(count_primes_below, [(2,), (10,), (30,)], note=SRC),
    Case(binary_search, [(np.array([1, 3, 5, 7, 9], np.int32), 7),
                         (np.array([1, 3, 5, 7, 9], np.int32), 4)], note=SRC),
    Case(digit_sum_until_single, [(5,), (99,), (987654,)], note=SRC),
    Case(partial_in_branch, [(2.0,), (0.5,)], note=SRC, jit_error=FN),
    Case(nullcontext_continue, VEC, note=SRC),
    Case(nested_function_with_loop, [(1, 3), (30, 4)], note=SRC),
    Case(recursion_static_depth, [(2, 3), (-1, 2)], static_argnums=(1,), note=SRC),
    Case(loop_var_shadowed_by_inner, [(2,), (4,)], static_argnums=(0,), note=SRC),
    Case(loop_var_shadowed_by_inner, [(2,), (4,)], label="traced", note=SRC,
         jit_error="the loop variable of a traced range is unbound if it runs zero times"),
    Case(loop_var_modified_in_body, [(1,), (4,)], note=SRC,
         jit_error="the loop variable of a traced range is unbound if it runs zero times"),
    Case(loop_var_modified_in_body, [(1,), (4,)], static_argnums=(0,), label="static", note=SRC),
    Case(while_with_inner_for_break, [(0, 3), (2, 4), (5, 3)], note=SRC),
    Case(early_continue_with_accumulators, FVEC, note=SRC),
]
