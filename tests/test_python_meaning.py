"""Python's meaning or a located error, on programs written the way other people write them.

Each program below stands for a class that once gave a silent wrong answer (closures
over loop variables, ``list.pop`` in a loop, a path that falls off the end, a helper
mutating its argument...) or was refused for a reason that only matters when traced
(early exits inside ``with``/``try``/``match``, ``global`` writes, every call and
assignment form). Every program runs three ways:

* the original, eagerly, on Python and NumPy values: the oracle;
* ``py2lax.convert(f)`` on the same Python values: the same result, the same changes
  to its mutable arguments, the same exception;
* ``py2lax.autograph_jit(f)`` on JAX values: the same result, or, for the programs in
  ``REFUSED``, a located ``py2lax.ConversionError`` at the user's line naming the
  variable.
"""

from __future__ import annotations

import contextlib
import statistics
import copy
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_tree_close, f32, i32

import py2lax


@dataclass
class Case:
    id: str
    function: Callable
    python_args: tuple
    jax_args: tuple | None = None  # None: the Python arguments as they are
    static_argnums: tuple = ()
    python_only: bool = False      # the original itself cannot run under jit

    @property
    def param(self):
        return pytest.param(self, id=self.id)


# ------------------------------------------------------------------- falling off the end
def positive_or_none(x, keep):
    if keep:
        return x * 2.0


def bare_return_in_loop(xs, limit):
    total = 0.0
    for x in xs:
        if x > limit:
            return
        total = total + x
    return total


# ------------------------------------------------------------------- closures
def closure_reads_loop_variable(n):
    i = 0

    def read_i():
        return i

    s = 0
    while i < n:
        s = s * 10 + read_i()
        i += 1
    return s


def lambdas_capture_loop_variable(xs):
    fns = [lambda: 0]
    for i in xs:
        fns.append(lambda: i)
    return [h() for h in fns]


def closure_defined_after_loop(x, n):
    acc = x
    for k in range(n):
        acc = acc * 0.5 + k

    def scaled(factor):
        return acc * factor

    return scaled(2.0)


def nonlocal_counter(x):
    count = 0

    def bump():
        nonlocal count
        count += 1

    if x > 0:
        bump()
    for _ in range(3):
        bump()
    return count


# ------------------------------------------------------------------- Python objects
def pop_in_static_loop(n):
    stack = list(range(20))
    total = 0
    for _ in range(n):
        total += stack.pop()
    return len(stack), total


def swap_list_items(x):
    ws = [x, x * 2.0]
    for _ in range(5):
        ws[0], ws[1] = ws[1], ws[0]
    return ws[0] / x


class Counter:
    def __init__(self):
        self.count = 0
        self.total = 0.0

    def add(self, value):
        self.count += 1
        self.total = self.total + value


def method_mutating_self(x):
    counter = Counter()
    if x > 0:
        counter.add(x)
    counter.add(1.0)
    return counter.count, counter.total


def method_in_loop(xs):
    counter = Counter()
    for x in xs:
        counter.add(x)
    return counter.total


def dict_state_in_while(x, n):
    state = {"value": x, "steps": 0}
    while state["steps"] < n:
        state["value"] = state["value"] * 0.5 + 1.0
        state.update(steps=state["steps"] + 1)
    return state["value"], state["steps"]


def append_once_per_iteration(x):
    ys = []
    for j in range(4):
        if j >= 0:
            ys.append(x * j)
    return jnp.stack(ys)


def string_chosen_by_traced_condition(x):
    label = "small"
    if x > 0:
        label = "large"
    return x, label == "large"


def string_same_on_both_paths(x):
    label = "ok"
    if x > 0:
        label = "ok"
        x = x + 1.0
    return x, label == "ok"


# ------------------------------------------------------------------- helpers and arguments
def set_first(parent, value):
    parent[0] = value


def caller_with_numpy(parent, value):
    parent = parent.copy()
    set_first(parent, value)
    return parent


def helper_updates_jax_argument(parent, value):
    set_first(parent, value)
    return parent


def swap(a, i, j):
    a[i], a[j] = a[j], a[i]
    return a


def bubble_sort(a):
    a = a.copy()
    n = a.shape[0]
    for i in range(n):
        for j in range(n - i - 1):
            if a[j] > a[j + 1]:
                a = swap(a, j, j + 1)
    return a


# ------------------------------------------------------------------- blocks and exits
def return_inside_named_scope(x, mode):
    if mode == "a":
        with jax.named_scope("branch_a"):
            return x * 2.0
    return jnp.abs(x)


def break_inside_try_finally(x, n):
    cleanups = 0.0
    for i in range(n):
        try:
            if x > 5.0:
                break
            x = x * 2.0
        finally:
            cleanups = cleanups + 1.0
    return x, cleanups


def break_in_loop_over_literal_list(x):
    for k in [1, 2, 3]:
        if k == 2:
            break
        x = x + k
    for k in (1.0, 2.0, 3.0):
        if x > 4.5:
            break
        x = x + k
    return x


def try_else_skipped_by_a_jump(x, n):
    # `else` runs only when the `try` body finished without break or return.
    for i in range(n):
        try:
            x = x + 1.0
            if x > 3.0:
                break
        except ValueError:
            pass
        else:
            x = x * 2.0
    try:
        if x > 100.0:
            return x, 1.0
    except ValueError:
        pass
    else:
        x = x - 1.0
    return x, 2.0


def return_from_match(x, k):
    match k:
        case 0:
            return x
        case 1 | 2:
            with jax.named_scope("double"):
                return x * 2.0
        case other if other > 10:
            return -x
        case _:
            y = x - 1.0
    return y


def match_binds_every_case(x, k):
    match k:
        case 0:
            y = x
        case 1:
            y = x * 3.0
        case _:
            y = -x
    return y


# ------------------------------------------------------------------- call forms
class Scaler:
    def __init__(self, scale):
        self.scale = scale

    def apply(self, x):
        if x > 0:
            return x * self.scale
        return x


SCALER = Scaler(3.0)


class Activations:
    alpha = 0.1

    @staticmethod
    def leaky(x):
        if x > 0:
            return x
        return 0.01 * x

    @classmethod
    def scaled(cls, x):
        if x > 0:
            return x
        return cls.alpha * x


def module_instance_and_class_methods(x):
    return SCALER.apply(x) + Activations.leaky(x) + Activations.scaled(x)


class Accumulator:
    def __init__(self):
        self.value = 0.0

    def update(self, x):
        if x > 0:
            self.value = self.value + x
        return self

    def get(self):
        return self.value


def container_named_methods(x):
    acc = Accumulator()
    acc.update(x).update(x * 2.0)
    return acc.get()


def nested_jitted_helper(x):
    @jax.jit
    def magnitude(y):
        if y > 0:
            return y
        return -y

    return magnitude(x) + 1.0


def range_given_as_argument(x, n, make_range):
    total = x * 0.0
    for i in make_range(n):
        total = total + x * i
    return total


# ------------------------------------------------------------------- assignment forms
def masked_augmented_assignment(w):
    w = w.copy()
    w[w < 0.0] += 1.0
    w[w > 2.0] = 2.0
    return w


def walrus_in_while(x):
    i = 0
    while (r := x - 1.0) > 0.0 and i < 3:
        x = x - 0.5
        i += 1
    return r, i


def walrus_in_second_operand(x):
    m = 0.0
    if x > 0 and (m := x * 3.0) > 2.0:
        x = m
    return x, m


def string_chosen_by_traced_ternary(x):
    label = "large" if x > 0 else "small"
    return x, label.upper() == "SMALL", label.startswith("l")


def walrus_in_nested_while(x, n):
    # `r` is assigned by the inner condition before anything reads it: not carried in.
    k = 0
    while k < n:
        k = k + 1
        j = 0
        while (r := x - j) > 0.0 and j < n:
            j = j + 1
        x = x * 0.5 + r
    return x


def lambda_over_loop_index(x, n):
    for i in range(n):
        shift = lambda t: t + i * 0.5  # noqa: E731 - a closure over the loop index
        x = shift(x)
    return x


def closure_called_after_traced_return(x, w):
    if x > 0.0:
        return x
    h = lambda: 0.0  # noqa: E731
    for e in w:
        h = lambda: e * 0.5 + x  # noqa: E731 - the last element, as in Python
    return h()


def count_both_branches_keep(x):
    # Both branches leave `size` the Python number 2: it is still a shape afterwards.
    size = 2
    if x > 0:
        y = x
        size = 2
    else:
        y = -x
    return jnp.zeros(size) + y


def static_loop_after_traced_if(x, ys):
    # `done` stays a Python bool in the branch, so the static loop decides in Python.
    done = False
    if x > 0:
        x = x * 2.0
    else:
        for y in ys:
            if not done and y > 1:
                x = x + y
                done = True
    return x


@dataclass
class State:
    position: Any
    velocity: Any


def dataclass_rebound_in_loop(x):
    s = State(x, 0.0)
    while s.position > 0.0:
        s = State(s.position - 1.0, s.velocity + 1.0)
    return s.velocity


def numpy_buffer_filled_in_loop(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = x * i
    return out


def static_loop_that_always_returns(x, n):
    """The end is unreachable: the static loop returns in its second iteration, even
    after the traced `return` above made the loop's break flag a traced value."""
    if n < 2:
        if x > 0:
            return x
    elif n > 4:
        x = x + 1.0
    for i in range(3):
        if i >= 1:
            return x * 2.0


def counter_bumped_in_skipped_operand(x):
    calls = [0]

    def check(v):
        calls[0] += 1
        return v > 2

    first = x > 0 and check(x)
    second = check(x) if x > 0 else False
    return first, second, calls[0]


def missing_key_behind_and(x):
    table = {"a": 1}
    return x > 0 and table["b"] > 0


def finally_changes_the_returned_list(x):
    out = [0]
    try:
        if x > 0:
            return out
        return out
    finally:
        out[0] = out[0] + 10


def finally_counts_returned_dict_in_loop(x):
    d = {"a": 0}
    for i in range(3):
        try:
            if x > i:
                return d
        finally:
            d["a"] += 1
    return d


def raise_in_loop_body(n, x, limit):
    """Python raises only if a loop is entered: not while tracing a traced trip count."""
    for _ in range(n):
        raise RuntimeError("n must be zero")
    while x < limit:
        raise ValueError("x must be at least the limit")
    return x


def walrus_in_while_second_operand(x, n):
    t = 0.0
    s, w = 0.0, 0
    while w < n and (t := x[w % 3]) > -5.0:
        w += 1
        s += t
    return s, w, t


def walrus_in_ternary_branch(x, n):
    s = 0.0
    v = 0.5 if n > 5 else (s := x[0])
    return v, s


def walrus_in_if_second_operand(x, y):
    s = 0.0
    if y > 0 and (t := x[0]) > -5.0:
        s = t
    return s


def walrus_rebound_and_read_in_one_statement(y):
    s = 0.0
    if y > 0:
        s = (w := y) + w
    s = s + (w := 1.0) + w
    return s


class Thresholds:
    """Methods named like array methods (`clip`, `mean`) are the user's code too."""

    def __init__(self, cut):
        self.cut = cut

    def clip(self, v):
        if v > self.cut:
            return self.cut
        return v

    def mean(self, values):
        total = 0.0
        for x in values:
            if x > self.cut:
                total += self.cut
            else:
                total += x
        return total / values.shape[0]


def methods_named_like_array_methods(values, cut):
    thresholds = Thresholds(cut)
    return thresholds.clip(values[0]), thresholds.mean(values)


def pop_then_index_in_untaken_branch(y):
    stack = [1.0, y]
    s = 0.0
    if y > 5.0:
        s += stack.pop()
        s += stack[1]  # an IndexError, if this branch runs
    return s, len(stack)


def push_magnitude(acc, x):
    if x > 0:
        acc.append(x)
    else:
        acc.append(-x)


def helper_appends_to_callers_list(x):
    acc = []
    push_magnitude(acc, x)
    rows = [[], []]
    row = rows[0]
    if x > 1:
        row.append(x)
    else:
        row.append(x + 1.0)
    return len(acc), len(rows[0])


def bump_first(items):
    items[0] = items[0] + 1.0


def helper_effect_in_long_static_loop(x):
    counts = [0.0]
    s = x[0]
    for _ in range(5):
        last = 1.0
        s = s + 1.0
        bump_first(counts)
    return last, counts[0], s


def match_tuple_subject(x, n):
    s = 0.0
    match (n, 1):
        case (0, _):
            s += 10.0
        case (k, 1) if k > 3:
            s += k * x
        case _:
            s -= 1.0
    return s


def match_mapping_with_traced_guard(x):
    s = 0.0
    d = {"k": x}
    match d:
        case {"k": v} if v > 0:
            s += v
        case {"k": v}:
            s -= v
    return s


class Sampler:
    """State two levels deep: a dict of counts held by the object."""

    def __init__(self):
        self.stats = {"accepted": 0, "rejected": 0}

    def step(self, u):
        if u < 0.5:
            self.stats["accepted"] += 1
        else:
            self.stats["rejected"] += 1


class Namespace:
    pass


def nested_state_in_traced_loop(us):
    sampler = Sampler()
    holder = Namespace()
    holder.inner = Namespace()
    holder.inner.n = 0
    for u in us:
        sampler.step(u)
        if u > 0.2:
            holder.inner.n += 1
    return sampler.stats["accepted"], sampler.stats["rejected"], holder.inner.n


class Tally:
    total = 0


def class_attribute_under_traced_if(x):
    Tally.total = 0
    if x > 0:
        Tally.total += 1
    return Tally.total


def metropolis_with_numpy_generator(x):
    rng = np.random.default_rng(0)
    for _ in range(5):
        proposal = x + rng.normal()
        if rng.random() < np.exp(-0.5 * (proposal ** 2 - x ** 2)):
            x = proposal
    return x


def loop_reads_items_it_updated(u0):
    """NumPy's loop reads the array as the body leaves it (an in-place prefix sum)."""
    u = u0 * 1.0
    s = 0.0
    for i, v in enumerate(u):
        s += v
        if i + 1 < u.shape[0]:
            u[i + 1] += v
    return s, u


def loop_over_array_rebound_in_body(u0):
    """Rebinding the name does not change what Python's loop iterates over."""
    u = u0 * 1.0
    s = 0.0
    for v in u:
        s += v
        u = u * 2.0
    return s, u


class BoundedQueue:
    """`self.size` is the user's count, not an array's static size."""

    def __init__(self, capacity):
        self.buffer = jnp.zeros(capacity)
        self.size = 0

    def push(self, x):
        if self.size < self.buffer.shape[0]:
            self.buffer = self.buffer.at[self.size].set(x)
            self.size += 1


def queue_filled_under_traced_if(v):
    queue = BoundedQueue(3)
    for x in v:
        if x > 0:
            queue.push(x)
    return queue.size, queue.buffer


def extremes_by_key(v):
    largest_magnitude = max(v, key=abs)
    first_smallest = min(range(v.shape[0]), key=lambda k: v[k])
    return largest_magnitude, first_smallest


def string_kept_beside_a_traced_return(x, y):
    mode = "a"
    if y > 0:
        if x[0] > 5.0:
            return y, mode == "a"
        mode = "a"
    return y, mode == "a"


def double_buffered_smoothing(u, steps):
    """`u = new` after filling `new`: one name rebound, not two names for one array."""
    for _ in range(steps):
        new = u.copy()
        for i in range(1, u.shape[0] - 1):
            new[i] = (u[i - 1] + u[i + 1]) / 2.0
        u = new
    return u


def sorted_in_place(v):
    """NumPy's `v.sort()` sorts `v` itself; a JAX array's returns a copy."""
    v = v.copy()
    v.sort()
    return v[0], v[-1]


def filled_in_traced_branch(x):
    out = np.empty(3, np.float32)
    if x > 0:
        out.fill(x)
    else:
        out.fill(0.0)
    return out


def running_min_into_out(v, scale):
    best = np.full(2, 10.0, np.float32)
    for row in v:
        np.minimum(best, row * scale, out=best)
    return best


class _Point:
    def __init__(self, x):
        self.x = x

    def moved(self, dx):
        x = self.x
        x += dx  # with NumPy this changes self.x too; it is written back anyway
        self.x = x
        return self


def attribute_written_back(x, dx):
    point = _Point(x.copy())
    for _ in range(3):
        if dx[0] > 0:
            point.moved(dx)
    return point.x


def alias_of_a_number(x):
    start = total = 0.0
    for _ in range(3):
        total += x
    return start, total


def accumulator_second_name_iadd(v):
    acc = np.zeros(2, np.float32)
    total = acc
    for x in v:
        if x[0] > 0:
            acc += x
    return total


def rows_of_zip_iadd(pos, vel):
    pos = pos.copy()
    for p, v in zip(pos, vel):
        p += v
    return pos


class _Canvas:
    def __init__(self, n):
        self.grid = np.zeros((n, n), np.float32)

    def paint_row(self, i, v):
        row = self.grid[i]
        if v > 0:
            row[:] = v


def method_paints_a_row(v):
    canvas = _Canvas(2)
    canvas.paint_row(0, v)
    return canvas.grid


class _Body:
    def __init__(self, pos):
        self.pos = pos


def attribute_second_name_iadd(pos, vel):
    body = _Body(pos.copy())
    p = body.pos
    for _ in range(3):
        p += vel
    return body.pos


def labels_of_the_last_iteration(x, n):
    """`labels` is first assigned in a loop whose trip count is traced, then returned."""
    for it in range(n):
        labels = x * it
    return labels


def bump(a, i, v):
    a[i] = a[i] + v
    return a


def helper_result_dropped(x, w0):
    """`bump` returns `a`, but this call drops it: with NumPy `w` changes in place."""
    w = w0.copy()
    bump(w, 0, x)
    return w


def helper_result_read_in_same_statement(x, w0):
    """Python reads `w[0]` after `bump` changed `w`: no write-back can come between."""
    w = w0.copy()
    return bump(w, 0, x)[0] + w[0]


def helper_result_assigned(x, w0):
    w = w0.copy()
    w = bump(w, 0, x)
    return w


def guarded_rows_appended_in_both_branches(v):
    out = []
    for x in v:
        if jnp.isnan(x) or jnp.isinf(x):
            out.append(0.0)
        else:
            out.append(x)
    return jnp.array(out)


def walrus_in_comprehension_under_traced_if(x):
    last = 0.0
    if x > 0:
        _ = [(last := x * k) for k in range(3)]
    return last


def walrus_in_generator_of_a_loop_test(v):
    best = -1.0
    for x in v:
        if any((best := y) > 2.0 for y in (x, x * 2)):
            pass
    return best


def write_through_reshaped_view(a):
    m = a.reshape(2, 2)
    if m[0, 0] > m[0, 1]:
        m[0, 0] = 0.0
    return a


def for_else_sets_the_result(v, t):
    for i, x in enumerate(v):
        if x == t:
            pos = i
            break
    else:
        pos = -1
    return pos


# ------------------------------------------------------------------- the table
def count_digits(n):
    digits = 0
    while n > 0:
        n //= 10  # a Python number: rebinds the helper's own name
        digits += 1
    return digits


def digits_of(n):
    return count_digits(n) + count_digits(n * 10)


def suppressed_raise_falls_through(c, d):
    if c > 0:
        if d > 0:
            return 1
        with contextlib.suppress(KeyError):
            raise KeyError("swallowed: the code after the `with` runs")
    return 2


def reset_to_a_python_int_in_a_while(x, k):
    y = x * 1.0
    steps = 0
    while y > 1.0 and steps < 10:
        steps += k
        y = 0  # a literal int into a float carry: float32 holds it exactly
    return y, steps


def track_best(v):
    x = v[0]
    best = x  # one array at two names when the loop starts; then they part
    for y in v:
        if y < x + 1.0:
            x = y
            if x < best:
                best = x
    return best, x


# ----------------------- a variable read only under the test that tells it is defined
def loop_index_read_when_the_loop_ran(n):
    total = 0
    for i in range(n):
        total += i
    if n > 0:
        total = total + i  # only when the loop ran: `i` is bound
    return total


def last_item_after_an_early_return(n):
    x = jnp.arange(6.0)
    for i in range(n):
        last = x[i] * 2.0
        if x[i] > 2.0:
            break
    if n <= 0:
        return -1.0
    return x[i] + 1.0  # `last` may be unbound (a break); `i` is not


def assigned_and_read_under_one_condition(x):
    if x > 0:
        y = x * 2.0
    z = x + 1.0
    if x > 0:
        z = z + y
    return z


def assigned_under_a_test_read_under_it_and_more(x, w):
    if x > 0.5:
        y = x * 2.0
    else:
        w = w + 1.0
    z = w + x
    if x > 0.5 and w > 0.0:
        z = z + y
    return z


def body_names_read_when_the_range_is_not_empty(n):
    x = jnp.arange(5.0)
    for i in range(0, n - 1):
        last = x[i] * 2.0
    y = 0.0
    if 0 < n - 1:
        y = last + i
    return y


def float_test_negated_by_an_early_return(x):
    if x > 0:
        y = x * 2.0
    if x <= 0:  # NaN: neither `x > 0` nor `x <= 0`, so `y` may be unbound below
        return -1.0
    return y


def first_above_two(xs):
    found = False
    for x in xs:
        if x > 2.0:
            found = True  # `val` is defined whenever `found` is true
            val = x * 2.0
            break
    if found:
        return val
    return -1.0


def index_found_by_a_while(v):
    done = False
    i = 0
    while not done and i < 4:
        if v[i] > 1.0:
            done = True
            at = i
        i += 1
    return at if done else -1


def last_nonnegative(xs):
    seen = False
    for x in xs:
        if x < 0.0:
            continue
        seen = True
        last = x
    return last if seen else 0.0


def value_read_when_the_flag_is_true(xs):
    found = False
    for x in xs:
        if x > 2.0:
            found = True
            val = x
    if found is True:
        return val
    return -1.0


# ----------------------- type and identity tests on a parameter a traced statement rebinds
def found_above(xs, found):
    for v in xs:
        if v > 2.0:
            found = True  # the caller's Python bool, or True: a Python bool either way
    return 1.0 if found is True else 0.0


def any_above_two(xs):
    return found_above(xs, False)


def scaled_if_float(x, scale=1):
    if x > 0:
        scale = 2.5  # int on one path, float on the other: only the run knows which
    if isinstance(scale, float):
        return x * 10.0
    return x


MODULE_BUFFER = np.zeros(3, np.float32)


def module_buffer_written_in_a_loop(v):
    for i in range(3):
        if v[i] > 0:
            MODULE_BUFFER[i] = v[i]
    return MODULE_BUFFER.sum()


def condition_changed_between_assignment_and_read(x):
    if x > 0:
        y = x * 2.0
    x = x - 5.0
    z = x
    if x > 0:  # not the same test any more: `y` may be unbound here
        z = z + y
    return z


CASES = [
    Case("returns-none-when-static", positive_or_none, (1.5, False), (f32(1.5), False), (1,)),
    Case("returns-value-when-static", positive_or_none, (1.5, True), (f32(1.5), True), (1,)),
    Case("bare-return-in-loop", bare_return_in_loop, (np.arange(4.0), 2.0), python_only=True),
    Case("closure-reads-loop-variable", closure_reads_loop_variable, (3,), (i32(3),)),
    Case("lambdas-capture-loop-variable", lambdas_capture_loop_variable, ((1, 2),),
         python_only=True),
    Case("closure-defined-after-loop", closure_defined_after_loop, (1.0, 3), (f32(1.0), i32(3))),
    Case("nonlocal-counter-positive", nonlocal_counter, (1.0,), (f32(1.0),)),
    Case("nonlocal-counter-negative", nonlocal_counter, (-1.0,), (f32(-1.0),)),
    Case("pop-in-static-loop", pop_in_static_loop, (10,), (10,), (0,)),
    Case("swap-list-items", swap_list_items, (1.0,), (f32(1.0),)),
    Case("method-mutating-self-positive", method_mutating_self, (2.0,), (f32(2.0),)),
    Case("method-mutating-self-negative", method_mutating_self, (-2.0,), (f32(-2.0),)),
    Case("method-in-loop", method_in_loop, (np.arange(6.0),), (jnp.arange(6.0),)),
    Case("dict-state-in-while", dict_state_in_while, (1.5, 3), (f32(1.5), i32(3))),
    Case("append-once-per-iteration", append_once_per_iteration, (1.0,), (f32(1.0),)),
    Case("string-same-on-both-paths", string_same_on_both_paths, (1.0,), (f32(1.0),)),
    # A traced condition chooses the string: lax carries which one (runtime/choices.py).
    Case("string-chosen-by-traced-condition", string_chosen_by_traced_condition, (1.0,),
         (f32(1.0),)),
    Case("string-chosen-by-traced-ternary", string_chosen_by_traced_ternary, (-1.0,),
         (f32(-1.0),)),
    Case("helper-mutates-numpy-argument", caller_with_numpy, (np.array([5, 6, 7]), 9),
         (jnp.array([5, 6, 7]), i32(9))),
    # the caller's array gets the helper's in-place write back (transforms.write_back)
    Case("helper-updates-argument-in-place", helper_updates_jax_argument,
         (np.array([5, 6, 7]), 9), (jnp.array([5, 6, 7]), i32(9))),
    Case("helper-returns-updated-array", bubble_sort, (np.array([3.0, 1.0, 2.0, 0.5]),),
         (jnp.array([3.0, 1.0, 2.0, 0.5]),)),
    Case("return-inside-named-scope", return_inside_named_scope, (-1.0, "a"),
         (f32(-1.0), "a"), (1,)),
    Case("break-inside-try-finally", break_inside_try_finally, (1.0, 8), (f32(1.0), i32(8))),
    *[Case(f"break-in-loop-over-literal-list-{x}", break_in_loop_over_literal_list, (x,),
           (f32(x),)) for x in (0.5, 10.0)],
    *[Case(f"try-else-skipped-by-a-jump-{x}", try_else_skipped_by_a_jump, (x, 5),
           (f32(x), i32(5))) for x in (-0.5, 60.0)],
    *[Case(f"return-from-match-{k}", return_from_match, (1.5, k), (f32(1.5), i32(k)))
      for k in (0, 2, 5, 12)],
    Case("match-binds-every-case", match_binds_every_case, (1.5, 1), (f32(1.5), i32(1))),
    Case("module-instance-and-class-methods", module_instance_and_class_methods, (-2.0,),
         (f32(-2.0),)),
    Case("container-named-methods", container_named_methods, (1.5,), (f32(1.5),)),
    Case("range-given-as-argument", range_given_as_argument, (1.0, 4, range),
         (f32(1.0), i32(4), range), (2,)),
    Case("masked-augmented-assignment", masked_augmented_assignment,
         (np.array([-1.0, 2.5, -3.0, 0.5]),), (jnp.array([-1.0, 2.5, -3.0, 0.5]),)),
    Case("walrus-in-while", walrus_in_while, (3.0,), (f32(3.0),)),
    Case("walrus-in-second-operand", walrus_in_second_operand, (1.0,), (f32(1.0),)),
    *[Case(f"walrus-in-nested-while-{n}", walrus_in_nested_while, (-0.5, n), (f32(-0.5), i32(n)))
      for n in (0, 2)],
    *[Case(f"lambda-over-loop-index-{n}", lambda_over_loop_index, (1.0, n), (f32(1.0), i32(n)))
      for n in (0, 3)],
    *[Case(f"closure-called-after-traced-return-{x}", closure_called_after_traced_return,
           (x, np.arange(4.0)), (f32(x), jnp.arange(4.0))) for x in (-0.5, 2.0)],
    *[Case(f"count-both-branches-keep-{x}", count_both_branches_keep, (x,), (f32(x),))
      for x in (-1.5, 1.5)],
    *[Case(f"static-loop-after-traced-if-{x}", static_loop_after_traced_if, (x, (0, 2, 3)),
           (f32(x), (0, 2, 3))) for x in (-1.5, 1.5)],
    Case("dataclass-rebound-in-loop", dataclass_rebound_in_loop, (3.0,), (f32(3.0),)),
    Case("numpy-buffer-filled-in-loop", numpy_buffer_filled_in_loop, (2.0,), (f32(2.0),)),
    *[Case(f"static-loop-that-always-returns-{n}", static_loop_that_always_returns, (1.5, n),
           (f32(1.5), i32(n))) for n in (1, 3, 6)],
    *[Case(f"counter-bumped-in-skipped-operand-{x}", counter_bumped_in_skipped_operand, (x,),
           (f32(x),)) for x in (-1.0, 3.0)],
    Case("missing-key-behind-and", missing_key_behind_and, (-1.0,), (f32(-1.0),)),
    *[Case(f"finally-changes-the-returned-list-{x}", finally_changes_the_returned_list, (x,),
           (f32(x),)) for x in (-1.0, 1.0)],
    *[Case(f"walrus-in-while-second-operand-{n}", walrus_in_while_second_operand,
           (np.array([1.0, 0.5, 1.0], np.float32), n), (jnp.array([1.0, 0.5, 1.0]), i32(n)))
      for n in (0, 3)],
    *[Case(f"walrus-in-ternary-branch-{n}", walrus_in_ternary_branch,
           (np.array([2.0, 1.0], np.float32), n), (jnp.array([2.0, 1.0]), i32(n)))
      for n in (2, 9)],
    *[Case(f"walrus-in-if-second-operand-{y}", walrus_in_if_second_operand,
           (np.array([3.0], np.float32), y), (jnp.array([3.0]), f32(y))) for y in (-1.0, 1.0)],
    *[Case(f"walrus-rebound-and-read-in-one-statement-{y}",
           walrus_rebound_and_read_in_one_statement, (y,), (f32(y),)) for y in (-1.0, 1.0)],
    Case("methods-named-like-array-methods", methods_named_like_array_methods,
         (np.array([3.0, 0.5, 2.0], np.float32), 1.0), (jnp.array([3.0, 0.5, 2.0]), f32(1.0))),
    Case("pop-then-index-in-untaken-branch", pop_then_index_in_untaken_branch, (1.0,),
         (f32(1.0),)),
    *[Case(f"helper-appends-to-callers-list-{x}", helper_appends_to_callers_list, (x,),
           (f32(x),)) for x in (-2.0, 2.0)],
    Case("helper-effect-in-long-static-loop", helper_effect_in_long_static_loop,
         (np.zeros(2, np.float32),), (jnp.zeros(2),)),
    *[Case(f"match-tuple-subject-{n}", match_tuple_subject, (1.5, n), (f32(1.5), i32(n)))
      for n in (0, 2, 5)],
    *[Case(f"match-mapping-with-traced-guard-{x}", match_mapping_with_traced_guard, (x,),
           (f32(x),)) for x in (-1.5, 1.5)],
    Case("nested-state-in-traced-loop", nested_state_in_traced_loop,
         (np.array([0.1, 0.7, 0.3, 0.9], np.float32),), (jnp.array([0.1, 0.7, 0.3, 0.9]),)),
    Case("metropolis-with-numpy-generator", metropolis_with_numpy_generator,
         (np.float32(0.0),), (f32(0.0),)),
    *[Case(name.replace("_", "-"), fn, (np.arange(1.0, 6.0, dtype=np.float32),),
           (jnp.arange(1.0, 6.0),)) for name, fn in (
              ("loop_reads_items_it_updated", loop_reads_items_it_updated),
              ("loop_over_array_rebound_in_body", loop_over_array_rebound_in_body))],
    Case("queue-filled-under-traced-if", queue_filled_under_traced_if,
         (np.array([1.0, -1.0, 2.0, 3.0, 4.0], np.float32),),
         (jnp.array([1.0, -1.0, 2.0, 3.0, 4.0]),)),
    Case("extremes-by-key", extremes_by_key, (np.array([1.0, -3.0, 2.0, 3.0, -1.0], np.float32),),
         (jnp.array([1.0, -3.0, 2.0, 3.0, -1.0]),)),
    Case("string-kept-beside-a-traced-return", string_kept_beside_a_traced_return,
         (np.array([1.0, 2.0], np.float32), np.float32(0.5)), (jnp.array([1.0, 2.0]), f32(0.5))),
    Case("double-buffered-smoothing", double_buffered_smoothing,
         (np.array([0.0, 4.0, 0.0, 8.0, 0.0], np.float32), 2),
         (jnp.array([0.0, 4.0, 0.0, 8.0, 0.0]), i32(2))),
    Case("raise-in-loop-body-not-entered", raise_in_loop_body, (0, 2.0, 1.0),
         (i32(0), f32(2.0), f32(1.0))),
    *[Case(f"finally-counts-returned-dict-in-loop-{x}", finally_counts_returned_dict_in_loop,
           (x,), (f32(x),)) for x in (-1.0, 2.0)],
    *[Case(f"suppressed-raise-falls-through-{c}-{d}", suppressed_raise_falls_through, (c, d),
           (i32(c), i32(d))) for c in (1, -1) for d in (1, -1)],
    *[Case(f"reset-to-a-python-int-in-a-while-{k}", reset_to_a_python_int_in_a_while,
           (20.0, k), (f32(20.0), i32(k))) for k in (0, 2, 9)],
    Case("best-and-current-start-as-one-array", track_best,
         (np.array([3.0, 3.5, 4.0, 2.0, 2.5], np.float32),),
         (jnp.array([3.0, 3.5, 4.0, 2.0, 2.5]),)),
    Case("helper-rebinds-scalar-parameter", digits_of, (1234,), (i32(1234),)),
    Case("sorted-in-place", sorted_in_place, (np.array([3.0, 1.0, 2.0], np.float32),),
         (jnp.array([3.0, 1.0, 2.0]),)),
    *[Case(f"filled-in-traced-branch-{x}", filled_in_traced_branch, (np.float32(x),), (f32(x),))
      for x in (-1.0, 2.0)],
    Case("running-min-into-out", running_min_into_out,
         (np.array([[12.0, 1.0], [3.0, 20.0]], np.float32), np.float32(2.0)),
         (jnp.array([[12.0, 1.0], [3.0, 20.0]]), f32(2.0))),
    Case("attribute-written-back", attribute_written_back,
         (np.ones(2, np.float32), np.ones(2, np.float32)), (jnp.ones(2), jnp.ones(2))),
    Case("alias-of-a-number", alias_of_a_number, (np.float32(1.5),), (f32(1.5),)),
    *[Case(f"walrus-in-comprehension-under-traced-if-{x}", walrus_in_comprehension_under_traced_if,
           (np.float32(x),), (f32(x),)) for x in (-1.0, 2.0)],
    Case("walrus-in-generator-of-a-loop-test", walrus_in_generator_of_a_loop_test,
         (np.array([0.5, 1.5], np.float32),), (jnp.array([0.5, 1.5]),)),
    Case("write-through-reshaped-view-on-numpy", write_through_reshaped_view,
         (np.array([3.0, 1.0, 2.0, 5.0], np.float32),), python_only=True),
    Case("appends-in-both-branches-in-a-loop-over-an-array",
         guarded_rows_appended_in_both_branches,
         (np.array([1.0, np.nan, 3.0, np.inf], np.float32),),
         (jnp.array([1.0, np.nan, 3.0, np.inf]),)),
    Case("helper-result-dropped-on-numpy", helper_result_dropped,
         (np.float32(1.5), np.array([0.5, -1.0], np.float32)),
         (f32(1.5), jnp.array([0.5, -1.0]))),
    Case("helper-result-assigned", helper_result_assigned,
         (np.float32(1.5), np.array([0.5, -1.0], np.float32)), (f32(1.5), jnp.array([0.5, -1.0]))),
    Case("first-assigned-in-traced-range", labels_of_the_last_iteration, (np.float32(2.0), 3),
         (f32(2.0), i32(3))),
    *[Case(f"for-else-sets-the-result-{t}", for_else_sets_the_result,
           (np.array([1.0, 2.0, 3.0], np.float32), np.float32(t)), (jnp.array([1.0, 2.0, 3.0]),
                                                                      f32(t))) for t in (2.0, 5.0)],
    *[Case(f"identity-test-on-a-rebound-parameter-{v}", any_above_two,
           (np.array([1.0, v], np.float32),), (jnp.array([1.0, v]),)) for v in (0.5, 3.0)],
    *[Case(f"value-read-when-a-flag-says-it-was-found-{name}", fn,
           (np.array(v, np.float32),), (jnp.array(v),))
      for name, fn in (("break", first_above_two), ("while", index_found_by_a_while),
                       ("continue", last_nonnegative),
                       ("is-true", value_read_when_the_flag_is_true))
      for v in ([0.5, 3.0, -1.0, 4.0], [0.5, -1.0, 0.0, 1.0])],
    *[Case(f"loop-index-read-when-the-loop-ran-{n}", loop_index_read_when_the_loop_ran, (n,),
           (i32(n),)) for n in (0, 3)],
    *[Case(f"last-item-after-an-early-return-{n}", last_item_after_an_early_return, (n,),
           (i32(n),)) for n in (-1, 0, 5)],
    *[Case(f"assigned-and-read-under-one-condition-{x}", assigned_and_read_under_one_condition,
           (x,), (f32(x),)) for x in (-2.0, 2.0)],
    *[Case(f"assigned-under-a-test-read-under-it-and-more-{x}-{w}",
           assigned_under_a_test_read_under_it_and_more, (x, w), (f32(x), f32(w)))
      for x in (0.0, 1.0) for w in (-3.0, 1.0)],
    *[Case(f"body-names-read-when-the-range-is-not-empty-{n}",
           body_names_read_when_the_range_is_not_empty, (n,), (i32(n),)) for n in (1, 4)],
    *[Case(f"second-name-iadd-on-numpy-{name}", fn, args, python_only=True) for name, fn, args in (
        ("accumulator", accumulator_second_name_iadd, (np.ones((2, 2), np.float32),)),
        ("zip-rows", rows_of_zip_iadd, (np.ones((2, 2), np.float32), np.ones((2, 2), np.float32))),
        ("attribute", attribute_second_name_iadd, (np.ones(2, np.float32), np.ones(2, np.float32))),
    )],
]


def _same(expected, actual, where="result"):
    """Python's values exactly: same types for Python scalars, equal arrays."""
    if isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected), (where, actual)
        for index, (e, a) in enumerate(zip(expected, actual)):
            _same(e, a, f"{where}[{index}]")
    elif isinstance(expected, (np.ndarray, jax.Array)):
        np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=1e-6,
                                   err_msg=where)
    else:
        assert type(actual) is type(expected) and actual == expected, (where, expected, actual)


@pytest.mark.parametrize("case", [c.param for c in CASES])
def test_converted_behaves_like_python_on_python_values(case):
    args = copy.deepcopy(case.python_args)
    expected = case.function(*args)
    converted_args = copy.deepcopy(case.python_args)
    actual = py2lax.convert(case.function)(*converted_args)
    _same(expected, actual)
    _same(list(args), list(converted_args), "arguments after the call")


@pytest.mark.parametrize("case", [c.param for c in CASES if not c.python_only])
def test_jitted_matches_python(case):
    expected = case.function(*copy.deepcopy(case.python_args))
    jax_args = case.jax_args if case.jax_args is not None else case.python_args
    jitted = py2lax.autograph_jit(case.function, static_argnums=case.static_argnums)
    assert_tree_close(expected, jitted(*jax_args), dtype=None)


# ------------------------------------------------------------------- located refusals
def pop_in_traced_loop(n):
    stack = [1.0, 2.0, 3.0, 4.0]
    total = 0.0
    for _ in range(n):
        total += stack.pop()
    return total


def carry_that_cannot_settle(n):
    s = 0.5
    i = 0
    while i < n:
        s = i * 2
        i += 1
    return s


PARENT = np.array([5, 6, 7])


def helper_updates_global_array(value):
    set_first(PARENT, value)  # a global: no write-back can give it the new array
    return value


LOG = []


def appends_to_global_under_traced_if(x):
    if x > 0:
        LOG.append(1)
    return x


def list_grows_before_traced_break(v):
    out = []
    for row in v:
        if row > 2:
            break
        out.append(row)
    return len(out)


def pop_in_skipped_operand(x, stack):
    r = x > 0 and stack.pop() > 0
    return r, len(stack)


def rows_updated_through_loop_variable(state):
    state = state.copy()
    for p in state:
        p[0] += p[1]
    return state


def traced_slice_bound(x, k):
    return jnp.sum(x[:k])


def tracer_error_caught_by_except(x):
    try:
        middle = statistics.median([x, 1.0, 5.0])
    except Exception:  # Python raises nothing here; JAX's tracing error must not land here
        middle = 0.0
    return middle


def tracer_error_suppressed_by_with(x):
    middle = 1.0
    with contextlib.suppress(Exception):
        middle = statistics.median([x, 1.0, 5.0])
    return middle


@dataclass
class Refusal:
    id: str
    function: Callable
    args: tuple
    error: type
    line: str                        # the statement the error points at
    names: tuple[str, ...] = ()
    mentions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def param(self):
        return pytest.param(self, id=self.id)


REFUSED = [
    Refusal("tracer-error-caught-by-except", tracer_error_caught_by_except, (f32(3.0),),
            py2lax.TracedValueError, "middle = statistics.median([x, 1.0, 5.0])",
            names=("middle", "x"), mentions=("caught that error",)),
    Refusal("tracer-error-suppressed-by-with", tracer_error_suppressed_by_with, (f32(3.0),),
            py2lax.TracedValueError, "middle = statistics.median([x, 1.0, 5.0])",
            mentions=("caught that error",)),
    Refusal("returns-none-when-traced", positive_or_none, (f32(-1.0), f32(0.0)),
            py2lax.InconsistentReturnError, "return x * 2.0", ("positive_or_none",),
            ("falls off the end", "return a value on every path")),
    Refusal("bare-return-when-traced", bare_return_in_loop, (jnp.arange(4.0), 10.0),
            py2lax.InconsistentReturnError, "return", ("bare_return_in_loop",),
            ("bare `return`",)),
    Refusal("pop-in-traced-loop", pop_in_traced_loop, (i32(2),), py2lax.OuterWriteError,
            "for _ in range(n):", ("stack",), ("length changes from 4 to 3",)),
    Refusal("carry-that-cannot-settle", carry_that_cannot_settle, (i32(3),),
            py2lax.CarryTypeError, "while i < n:", ("s",), ("float32", "int32")),
    Refusal("helper-updates-global-array", helper_updates_global_array,
            (i32(9),), py2lax.InPlaceArgumentError, "parent[0] = value",
            ("set_first", "parent"), ("return parent",)),
    Refusal("global-list-under-traced-if", appends_to_global_under_traced_if, (f32(1.0),),
            py2lax.OuterWriteError, "if x > 0:", ("LOG",), ("length changes from 0 to 1",)),
    Refusal("pop-in-skipped-operand", pop_in_skipped_operand, (f32(-1.0), [1, 2]),
            py2lax.OuterWriteError, "r = x > 0 and stack.pop() > 0", ("stack",),
            ("length changes from 2 to 1",)),
    Refusal("rows-updated-through-loop-variable", rows_updated_through_loop_variable,
            (jnp.ones((2, 2)),), py2lax.InPlaceArgumentError, "p[0] += p[1]", ("state",),
            ("'state' reaches too", "row or slice")),
    Refusal("class-attribute-under-traced-if", class_attribute_under_traced_if, (f32(1.0),),
            py2lax.OuterWriteError, "if x > 0:", ("Tally.total",), ("outlives the call",)),
    Refusal("helper-result-dropped-and-read-again", helper_result_read_in_same_statement,
            (f32(1.5), jnp.array([0.5, -1.0])), py2lax.InPlaceArgumentError,
            "a[i] = a[i] + v", ("bump", "a"), ("return a",)),
    Refusal("traced-slice-bound", traced_slice_bound, (jnp.arange(5.0), i32(3)),
            py2lax.ValueDependentShapeError, "return jnp.sum(x[:k])", ("x", "k"),
            ("lax.dynamic_slice",)),
    Refusal("write-through-reshaped-view", write_through_reshaped_view,
            (jnp.array([3.0, 1.0, 2.0, 5.0]),), py2lax.InPlaceArgumentError, "m[0, 0] = 0.0",
            ("a",), ("'a' reaches too",)),
    Refusal("rows-of-zip-iadd", rows_of_zip_iadd, (jnp.ones((2, 2)), jnp.ones((2, 2))),
            py2lax.InPlaceArgumentError, "p += v", ("pos",), ("'pos' reaches too",)),
    Refusal("attribute-second-name-iadd", attribute_second_name_iadd, (jnp.ones(2), jnp.ones(2)),
            py2lax.InPlaceArgumentError, "p += vel", ("body.pos",), ("'body.pos' reaches too",)),
    Refusal("type-test-on-a-parameter-of-two-types", scaled_if_float, (f32(1.0),),
            py2lax.TracedValueError, "if isinstance(scale, float):",
            mentions=("`isinstance` test",)),
    Refusal("module-buffer-written-in-a-loop", module_buffer_written_in_a_loop,
            (jnp.array([1.0, -2.0, 3.0]),), py2lax.TracedValueError,
            "MODULE_BUFFER[i] = v[i]", ("MODULE_BUFFER",), ("a NumPy array",)),
    Refusal("float-test-negated-by-an-early-return", float_test_negated_by_an_early_return,
            (f32(np.nan),), py2lax.UndefinedVariableError, "if x > 0:", ("y",),
            ("only in the true branch",)),
    Refusal("condition-changed-between-assignment-and-read",
            condition_changed_between_assignment_and_read, (f32(7.0),),
            py2lax.UndefinedVariableError, "if x > 0:", ("y",), ("only in the true branch",)),
    Refusal("method-paints-a-row", method_paints_a_row, (f32(1.5),),
            py2lax.InPlaceArgumentError, "row[:] = v", ("self.grid",), ("'self.grid' reaches",)),
]


@pytest.mark.parametrize("refusal", [r.param for r in REFUSED])
def test_refused_at_the_users_line_naming_the_variable(refusal):
    with pytest.raises(refusal.error) as caught:
        py2lax.autograph_jit(refusal.function)(*refusal.args)
    error = caught.value
    lines, start = inspect.getsourcelines(refusal.function)
    wanted = [start + i for i, text in enumerate(lines) if text.strip() == refusal.line]
    if not wanted:  # the statement is in a helper the function calls
        wanted = [error.location.line]
        assert error.location.source_line == refusal.line, error
    assert error.location.filename == __file__ and error.location.line in wanted, error
    for name in refusal.names:
        assert name in error.names, (name, error.names)
    message = str(error)
    for text in refusal.mentions:
        assert text in message, (text, message)
    assert "Fix: " in message and "src/py2lax/" not in message and "carried value #" not in message


def test_global_list_is_left_as_it_was_after_the_refusal():
    LOG.clear()
    with pytest.raises(py2lax.OuterWriteError):
        py2lax.autograph_jit(appends_to_global_under_traced_if)(f32(1.0))
    assert LOG == []


def test_falls_off_static_path_returns_none_not_a_placeholder():
    jitted = py2lax.autograph_jit(positive_or_none, static_argnums=1)
    assert jitted(f32(1.0), False) is None
    assert float(jitted(f32(1.0), True)) == 2.0


def test_raise_in_loop_body_happens_when_the_compiled_loop_is_entered():
    jitted = py2lax.autograph_jit(raise_in_loop_body)
    assert float(jitted(i32(0), f32(2.0), f32(1.0))) == 2.0  # neither loop entered
    with pytest.raises(Exception, match="n must be zero"):
        jax.block_until_ready(jitted(i32(2), f32(2.0), f32(1.0)))
    with pytest.raises(Exception, match="x must be at least the limit"):
        jax.block_until_ready(jitted(i32(0), f32(0.0), f32(1.0)))


def test_loop_that_ran_zero_times_raises_unbound_local_error_when_run():
    """Python raises UnboundLocalError reading `labels` after zero iterations; with a
    traced trip count the compiled program raises it when it runs."""
    with pytest.raises(UnboundLocalError):
        labels_of_the_last_iteration(np.float32(2.0), 0)
    jitted = py2lax.autograph_jit(labels_of_the_last_iteration)
    with pytest.raises(Exception, match="UnboundLocalError: cannot access local variable 'labels'"):
        jax.block_until_ready(jitted(f32(2.0), i32(0)))
