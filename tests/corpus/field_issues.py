"""Field programs from JAX's issue tracker and Q&A, as the askers first wrote them.

TracerBoolConversionError / ConcretizationTypeError questions ("jit if statement on array
value", "fori_loop break", "lax.cond early return", "while loop with tolerance"), rewritten
as the plain Python the user had before jit: loop variables read after a loop, for/else,
flags and nested breaks, `x or default`, builtins over traced values (max/min/any/sum with
key or generator), math-module calls, NaN handling, exceptions under traced conditions,
objects and helpers. None is copied; each is a plausible piece of user code.
"""

import functools
import math
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from case import Case

F = np.float32


def A(*xs):
    return np.array(xs, F)


# --------------------------------------------------------------------------- loop variables
def index_after_break(v, t):
    for i in range(v.shape[0]):
        if v[i] > t:
            break
    return i


def index_after_break_traced_n(v, n, t):
    i = -1
    for i in range(n):
        if v[i] > t:
            break
    return i


def for_else_not_found(v, t):
    for i, x in enumerate(v):
        if x == t:
            pos = i
            break
    else:
        pos = -1
    return pos


def while_else_converged(x):
    it = 0
    while it < 20:
        nx = jnp.cos(x)
        if abs(nx - x) < 1e-5:
            break
        x = nx
        it += 1
    else:
        return x, False
    return x, True


def nested_break_flag(m, t):
    found = False
    ri = ci = -1
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] > t:
                found = True
                ri, ci = i, j
                break
        if found:
            break
    return found, ri, ci


def nested_return_in_loops(m, t):
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] > t:
                return i * 10 + j
    return -1


def continue_in_nested(m):
    total = 0.0
    for i in range(m.shape[0]):
        if m[i, 0] < 0:
            continue
        for j in range(m.shape[1]):
            if m[i, j] == 0:
                continue
            if m[i, j] > 5:
                break
            total += m[i, j]
    return total


def loop_var_after_range_zero(n):
    i = 100
    for i in range(n):
        pass
    return i


def loop_var_shadow_param(x, n):
    for x in range(n):
        x = x * 2
    return x


def reversed_range_break(v, t):
    last = -1
    for i in range(len(v) - 1, -1, -1):
        if v[i] < t:
            last = i
            break
    return last


def range_negative_step_traced(a, b):
    total = 0
    for k in range(a, b, -2):
        total += k
    return total


def range_step_traced(n, step):
    count = 0
    for _ in range(0, n, step):
        count += 1
    return count


def enumerate_start(v):
    s = 0.0
    for k, x in enumerate(v, start=1):
        if x > 0:
            s += k * x
    return s


def zip_early_stop(a, b):
    dot = 0.0
    for x, y in zip(a, b):
        if x * y < 0:
            break
        dot += x * y
    return dot


def while_index_and_guard(v, x):
    i = 0
    while i < len(v) and v[i] < x:
        i += 1
    return i


def insertion_position_backward(v, key):
    j = len(v) - 1
    while j >= 0 and v[j] > key:
        j -= 1
    return j + 1


# --------------------------------------------------------------------------- truthiness
def or_default(x, scale):
    s = scale or 1.0
    return x * s


def and_value(x, y):
    return (x and y) + 0.0


def not_float(x):
    if not x:
        return 1.0
    return 2.0 * x


def truthy_int_while(n):
    total = 0
    while n:
        total += n % 10
        n //= 10
    return total


def chained_comparison(x):
    if 0.0 < x <= 1.0:
        return 1
    elif -1.0 <= x <= 0.0:
        return 0
    return -1


def conditional_expression_chain(x):
    return "neg" if x < 0 else "pos"


def ternary_numeric(x, y):
    m = x if x > y else y
    sgn = 1 if x >= 0 else -1
    return m * sgn


def bool_accumulate(v):
    all_pos = True
    any_big = False
    for x in v:
        all_pos = all_pos and x > 0
        any_big = any_big or x > 10
    return all_pos, any_big


def is_none_default(x, tol=None):
    if tol is None:
        tol = 1e-3
    n = 0
    while abs(x) > tol:
        x = x / 2
        n += 1
    return x, n


# --------------------------------------------------------------------------- builtins
def max_with_nan_first(v):
    best = -math.inf
    for x in v:
        best = max(best, x)
    return best


def max_builtin_nan_seed(v):
    best = v[0]
    for x in v[1:]:
        best = max(x, best)
    return best


def min_key_argmin(v):
    return min(range(len(v)), key=lambda i: v[i])


def max_key_abs(v):
    return max(v, key=abs)


def list_index_of_max(v):
    scores = [x * x - x for x in v]
    return scores.index(max(scores))


def any_generator(v, t):
    return any(x > t for x in v)


def all_generator(v):
    return all(x >= 0 for x in v)


def sum_generator_filter(v):
    return sum(x for x in v if x > 0)


def count_filter_generator(v):
    return sum(1 for x in v if x > 0)


def len_filtered_list(v):
    return len([x for x in v if x > 0])


def divmod_traced(n, k):
    q, r = divmod(n, k)
    return q, r


def round_builtin(x):
    return round(x), round(x, 1)


def int_truncation(x):
    return int(x), int(-x)


def math_functions(x):
    return math.floor(x), math.ceil(x), math.sqrt(abs(x)), math.exp(x), math.isnan(x)


def math_hypot_atan2(x, y):
    return math.hypot(x, y), math.atan2(y, x), math.copysign(1.0, x)


def pow_builtin(x, n):
    return pow(x, n), x ** n


def abs_min_max_mixed(x):
    return abs(min(x, 0.0)), max(-1, min(x, 1))


def float_inf_best(v):
    best = float("inf")
    idx = -1
    for i in range(len(v)):
        d = abs(v[i] - 0.5)
        if d < best:
            best = d
            idx = i
    return best, idx


def none_index_best(v):
    best = None
    for x in v:
        if best is None or x > best:
            best = x
    return best


# --------------------------------------------------------------------------- exceptions
def raise_on_negative(x):
    if x < 0:
        raise ValueError("negative input")
    return jnp.sqrt(x)


def assert_converged(x):
    for _ in range(100):
        nx = 0.5 * (x + 2.0 / x)
        if abs(nx - x) < 1e-6:
            break
        x = nx
    assert abs(x * x - 2.0) < 1e-3, "not converged"
    return x


def raise_after_max_iter(x, n):
    for it in range(n):
        if x < 1e-3:
            return x, it
        x = x * 0.5
    raise RuntimeError("did not converge")


def try_except_static(x):
    try:
        y = x / 2.0
    except ZeroDivisionError:
        y = 0.0
    if y > 1:
        y = 1.0
    return y


# --------------------------------------------------------------------------- dtypes
def int_then_float_branch(x):
    if x > 0:
        r = 0
    else:
        r = 1.5
    return r


def counter_becomes_float(v):
    c = 0
    for x in v:
        if x > 0:
            c += 0.5
    return c


def bool_or_int_return(x):
    if x > 0:
        return True
    return 0


def int_division_in_loop(n):
    total = 0
    for i in range(n):
        total += i / 2
    return total


def float_to_int_index(v, x):
    idx = int(x * (len(v) - 1))
    return v[idx]


def uint8_image_threshold(img, t):
    out = img.copy()
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            if img[i, j] > t:
                out[i, j] = 255
            else:
                out[i, j] = 0
    return out


def complex_loop(z, n):
    for _ in range(n):
        if abs(z) > 2:
            break
        z = z * z + 0.3j
    return z


# --------------------------------------------------------------------------- closures/helpers
def make_counter():
    count = 0

    def bump(x):
        nonlocal count
        if x > 0:
            count += 1
        return count

    return bump


def nonlocal_counter(v):
    bump = make_counter()
    for x in v:
        bump(x)
    return bump(0.0)


def closure_over_param(a):
    def f(x):
        if x > a:
            return x - a
        return 0.0

    total = 0.0
    for k in range(5):
        total += f(k * 0.5)
    return total


def lambda_default_capture(x):
    fs = [lambda z, k=k: z * k for k in range(3)]
    out = 0.0
    for f in fs:
        v = f(x)
        if v > 1.0:
            out += v
    return out


def recursive_helper(x, depth):
    if depth == 0:
        return x
    if x > 1.0:
        return recursive_helper(x / 2, depth - 1)
    return recursive_helper(x * 3, depth - 1)


def recursion_static(x):
    return recursive_helper(x, 4)


def helper_mutates_list(acc, x):
    if x > 0:
        acc.append(x)
    else:
        acc.append(-x)


def helper_append_static_count(v):
    acc = []
    for x in v:
        helper_mutates_list(acc, x)
    return jnp.stack(acc).sum()


def _solve(x):
    for _ in range(50):
        fx = x * x - 3.0
        if abs(fx) < 1e-6:
            break
        x = x - fx / (2 * x)
    return x


def grad_through_solver(x):
    return jax.grad(lambda y: _solve(y) * y)(x)


def loss_with_converge_loop(w):
    z = w
    for _ in range(20):
        nz = jnp.tanh(z) + 0.5 * w
        if abs(nz - z) < 1e-6:
            break
        z = nz
    return z * z


def grad_fixed_point(w):
    return jax.grad(loss_with_converge_loop)(w)


def vmap_of_branchy(v):
    def g(x):
        if x > 0:
            return jnp.sqrt(x)
        return -x
    return jax.vmap(g)(v)


def _vmap_twin(v):
    return np.array([np.sqrt(x) if x > 0 else -x for x in v], F)


def scan_with_python_if(xs):
    def body(c, x):
        if x > c:
            c = x
        return c, c * 2
    return lax.scan(body, -jnp.inf, xs)


def _scan_twin(xs):
    c = -np.inf
    ys = []
    for x in xs:
        if x > c:
            c = x
        ys.append(c * 2)
    return F(c), np.array(ys, F)


@functools.partial(jax.jit, static_argnums=(1,))
def _jitted_inner(x, n):
    for _ in range(n):
        x = x * 0.5
    return x


def calls_jitted_helper(x):
    if x > 1:
        return _jitted_inner(x, 3)
    return x


# --------------------------------------------------------------------------- objects
class Model:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def predict(self, x):
        z = self.w * x + self.b
        if z > 0:
            return z
        return 0.01 * z

    def fit(self, xs, ys, lr, epochs):
        for _ in range(epochs):
            gw = gb = 0.0
            for x, y in zip(xs, ys):
                err = self.predict(x) - y
                gw += err * x
                gb += err
            self.w = self.w - lr * gw / len(xs)
            self.b = self.b - lr * gb / len(xs)
            if abs(gw) + abs(gb) < 1e-4:
                break
        return self


def model_fit(xs, ys):
    m = Model(0.0, 0.0).fit(xs, ys, 0.1, 50)
    return m.w, m.b


class Stats:
    def __init__(self):
        self.n = 0
        self.total = 0.0
        self.peak = -jnp.inf

    def add(self, x):
        self.n += 1
        self.total += x
        if x > self.peak:
            self.peak = x

    def average(self):
        if self.n == 0:
            return 0.0
        return self.total / self.n


def stats_object(v):
    s = Stats()
    for x in v:
        if x < 0:
            continue
        s.add(x)
    return s.average(), s.peak, s.n


class StatsNamedLikeArray:
    def __init__(self):
        self.n = 0
        self.total = 0.0

    def add(self, x):
        self.n += 1
        self.total += x

    def mean(self):
        if self.n == 0:
            return 0.0
        return self.total / self.n


def user_method_named_mean(v):
    s = StatsNamedLikeArray()
    for x in v:
        if x > 0:
            s.add(x)
    return s.mean()


class Queue:
    def __init__(self, cap):
        self.buf = jnp.zeros(cap)
        self.head = 0
        self.size = 0

    def count(self):
        return self.size

    def push(self, x):
        if self.size < self.buf.shape[0]:
            self.buf = self.buf.at[(self.head + self.size) % self.buf.shape[0]].set(x)
            self.size += 1


def user_method_named_count(v):
    q = Queue(3)
    for x in v:
        if x > 0:
            q.push(x)
    return q.count(), q.buf


class Base:
    def step(self, x):
        return x + 1.0


class Derived(Base):
    def step(self, x):
        y = super().step(x)
        if y > 3:
            y = y - 3
        return y


def inheritance_super(x, n):
    d = Derived()
    for _ in range(n):
        x = d.step(x)
    return x


class Thermostat:
    def __init__(self, target):
        self.target = target
        self.heating = False

    @property
    def band(self):
        return 0.5

    def update(self, temp):
        if temp < self.target - self.band:
            self.heating = True
        elif temp > self.target + self.band:
            self.heating = False
        return self.heating


def property_and_bool_state(temps):
    th = Thermostat(20.0)
    on = 0
    for t in temps:
        if th.update(t):
            on += 1
    return on, th.heating


@dataclass
class SimState:
    pos: jnp.ndarray
    vel: jnp.ndarray
    t: float = 0.0
    log: list = field(default_factory=list)


def dataclass_with_log(pos, vel):
    s = SimState(pos, vel)
    for k in range(5):
        s.pos = s.pos + 0.1 * s.vel
        if s.pos[0] > 1.0:
            s.vel = -s.vel
        s.t += 0.1
        s.log.append(s.pos[0])
    return s.pos, s.t, jnp.stack(s.log)


class Config:
    tol = 1e-4
    max_iter = 30


def class_attr_config(x):
    it = 0
    while abs(x * x - 2) > Config.tol and it < Config.max_iter:
        x = x - (x * x - 2) / (2 * x)
        it += 1
    return x, it


# --------------------------------------------------------------------------- containers
def dict_of_lists(v):
    out = {"pos": [], "neg": []}
    for x in v:
        out["pos"].append(jnp.maximum(x, 0.0))
        out["neg"].append(jnp.minimum(x, 0.0))
    return {k: jnp.stack(val) for k, val in out.items()}


def dict_branch_update(x):
    d = {"a": 0.0, "b": 1.0}
    if x > 0:
        d["a"] = x
    else:
        d["b"] = -x
    d["c"] = d["a"] + d["b"]
    return d


def dict_get_default(x):
    params = {"alpha": 0.5}
    beta = params.get("beta", 2.0)
    if x > beta:
        return x * params["alpha"]
    return x


def list_item_aug_assign(v):
    acc = [0.0, 0.0]
    for x in v:
        if x > 0:
            acc[0] += x
        else:
            acc[1] += x
    return acc


def tuple_state_unpack(v):
    state = (0.0, 0, -jnp.inf)
    for x in v:
        s, n, m = state
        if x > m:
            m = x
        state = (s + x, n + 1, m)
    return state


def nested_list_matrix(n):
    m = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            m[i][j] = 1.0 if i == j else 0.5 ** abs(i - j)
    return jnp.array(m)


def list_comprehension_map(v):
    return jnp.array([x * 2 if x > 0 else 0.0 for x in v])


def set_of_static(n):
    seen = set()
    for i in range(n):
        seen.add(i % 3)
    return len(seen)


def swap_rows_np(m):
    m = m.copy()
    for i in range(m.shape[0] - 1):
        if m[i, 0] < m[i + 1, 0]:
            m[[i, i + 1]] = m[[i + 1, i]]
    return m


def np_slice_assign_in_branch(v, k):
    out = np.zeros(6, F)
    if v[0] > 0:
        out[:3] = v[:3]
    else:
        out[3:] = v[:3] * k
    return out


def boolean_mask_assign(v, t):
    v = v.copy()
    v[v > t] = t
    v[v < -t] = -t
    return v


def np_where_loop_mix(v):
    out = np.where(v > 0, v, 0.0)
    for i in range(len(out)):
        if out[i] == 0.0:
            out[i] = -1.0
    return out


# --------------------------------------------------------------------------- misc patterns
def early_return_tuple_types(x):
    if x < 0:
        return 0.0, 0
    y = x
    n = 0
    while y > 1:
        y /= 2
        n += 1
    return y, n


def return_inside_while_true(x):
    n = 0
    while True:
        x = x * 0.5
        n += 1
        if x < 1:
            return n


def walrus_loop(v):
    i = 0
    total = 0.0
    while i < len(v) and (x := v[i]) >= 0:
        total += x
        i += 1
    return total, i


def global_constant_threshold(v):
    c = 0
    for x in v:
        if x > THRESHOLD:
            c += 1
    return c


THRESHOLD = 0.5


def nested_function_def_in_loop(v):
    total = 0.0
    for x in v:
        def sq(z):
            return z * z if z > 0 else -z * z
        total += sq(x)
    return total


def string_format_static(x, mode):
    if mode == "double":
        x = x * 2
    elif mode == "half":
        x = x / 2
    else:
        raise ValueError(f"unknown mode {mode}")
    return x


def kwargs_helper(x, **opts):
    scale = opts.get("scale", 1.0)
    if x > 0:
        return x * scale
    return x


def kwargs_call(x):
    return kwargs_helper(x, scale=3.0) + kwargs_helper(x)


def star_args_helper(*xs):
    best = xs[0]
    for x in xs[1:]:
        if x > best:
            best = x
    return best


def star_args_call(a, b, c):
    return star_args_helper(a, b, c)


def lax_cond_early_return(x):
    if x > 0:
        return lax.cond(x > 1, lambda: x * 2, lambda: x)
    return -x


def fori_loop_user_body(x, n):
    def body(i, c):
        if c > 10:
            return c
        return c + i
    return lax.fori_loop(0, n, body, x)


def _fori_twin(x, n):
    c = x
    for i in range(n):
        if not c > 10:
            c = c + i
    return F(c)


def while_loop_convergence_with_print(x):
    it = 0
    while abs(x - jnp.cos(x)) > 1e-5:
        x = jnp.cos(x)
        it += 1
        if it > 200:
            print("giving up")
            break
    return x, it


def nan_check_skip(v):
    total = 0.0
    n = 0
    for x in v:
        if x != x:
            continue
        total += x
        n += 1
    return total / n if n > 0 else jnp.nan


def isnan_isinf_guard(v):
    out = []
    for x in v:
        if jnp.isnan(x) or jnp.isinf(x):
            out.append(0.0)
        else:
            out.append(x)
    return jnp.array(out)


def clamp_loop_with_minmax(v, lo, hi):
    out = []
    for x in v:
        out.append(min(max(x, lo), hi))
    return jnp.stack(out)


def bubble_sort_list(v):
    a = list(v)
    n = len(a)
    for i in range(n):
        swapped = False
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swapped = True
        if not swapped:
            break
    return jnp.stack(a)


def argmax_manual_ties(v):
    best, idx = v[0], 0
    for i in range(1, len(v)):
        if v[i] >= best:
            best, idx = v[i], i
    return idx


def cumulative_until_budget(costs, budget):
    spent = 0.0
    items = 0
    for c in costs:
        if spent + c > budget:
            continue
        spent += c
        items += 1
    return spent, items


def digits_sum_loop(n):
    s = 0
    n = abs(n)
    while n > 0:
        s += n % 10
        n //= 10
    return s


def binary_exponentiation(b, e):
    result = 1.0
    while e > 0:
        if e % 2 == 1:
            result *= b
        b *= b
        e //= 2
    return result


def modular_pow(b, e, m):
    r = 1
    b %= m
    while e > 0:
        if e & 1:
            r = (r * b) % m
        b = (b * b) % m
        e >>= 1
    return r


# --------------------------------------------------------------------------- views and aliases
def particle_rows_in_place(state, dt):
    """`for p in state:` gives row views; NumPy users update particles through them."""
    state = state.copy()
    for p in state:
        p[0] += p[1] * dt
        if p[0] > 1.0:
            p[1] = -p[1]
    return state


def positions_iadd_rows(pos, vel):
    pos = pos.copy()
    for p, v in zip(pos, vel):
        p += v
    return pos


def row_view_static_write(g):
    g = g.copy()
    for i in range(g.shape[0]):
        row = g[i]
        row[1] = row[0] * 2
    return g


def row_view_traced_write(g, t):
    g = g.copy()
    for i in range(g.shape[0]):
        row = g[i]
        if row[0] > t:
            row[1] = 0.0
    return g


def ghost_cells_slice_view(u):
    u = u.copy()
    left = u[:, 0]
    left[:] = u[:, 1]
    right = u[:, -1]
    right[:] = u[:, -2]
    return u


def accumulator_alias_iadd(v):
    acc = np.zeros(2, F)
    total = acc
    for x in v:
        if x[0] > 0:
            acc += x
    return total


class Body:
    def __init__(self, pos):
        self.pos = pos


def attribute_alias_iadd(pos, vel, n):
    b = Body(pos.copy())
    p = b.pos
    for _ in range(n):
        p += vel
        if p[0] > 2.0:
            break
    return b.pos


def list_of_arrays_loop_var(x):
    fields = [np.zeros(2, F), np.ones(2, F)]
    for f in fields:
        if x > 0:
            f[0] = x
    return fields[0], fields[1]


class Canvas:
    def __init__(self, n):
        self.g = np.zeros((n, n), F)

    def paint_row(self, i, v):
        row = self.g[i]
        if v > 0:
            row[:] = v


def method_writes_through_row(v):
    c = Canvas(2)
    c.paint_row(0, v)
    return c.g


def _apply_bc(u):
    u[0] = 0.0
    u[-1] = u[-2]


def heat_with_bc_helper(u0, n):
    u = u0.copy()
    for _ in range(n):
        new = u.copy()
        for i in range(1, len(u) - 1):
            new[i] = u[i] + 0.25 * (u[i - 1] - 2 * u[i] + u[i + 1])
        u = new
        _apply_bc(u)
    return u


def history_alias_append(v):
    results = {"loss": [], "step": 0}
    hist = results["loss"]
    for x in v:
        if x > 0:
            hist.append(x)
        else:
            hist.append(0.0 * x)
        results["step"] += 1
    return len(results["loss"]), results["step"]


def _record(log, x):
    if x > 0:
        log.append(x)
    else:
        log.append(-x)


def helper_appends_in_traced_if(v):
    log = []
    for x in v:
        _record(log, x)
    return len(log), sum(log)


class Recorder:
    def __init__(self):
        self.hist = []

    def record(self, x):
        h = self.hist
        if x > 0:
            h.append(x)
        else:
            h.append(-x)


def method_local_alias_append(x):
    r = Recorder()
    r.record(x)
    r.record(x * 2)
    return len(r.hist)


# --------------------------------------------------------------------------- walrus operands
def walrus_in_or_while(x):
    k = 0.0
    while x > 5 or (k := x + 1) < 3:
        x = x - 1
    return x, k


def walrus_in_and_while_last(x):
    y = 0.0
    while x < 10 and (y := x * 2) < 15:
        x = x + 1
    return x, y


def walrus_decrement_first(n, x):
    while (n := n - 1) > 0 and x < 100:
        x = x * 2
    return n, x


def walrus_if_and_max(v):
    if (m := v.max()) > 0 and m < 10:
        return m
    return -1.0


# --------------------------------------------------------------------------- method names
class Histogram:
    def __init__(self, nbins):
        self.counts = jnp.zeros(nbins)

    def add(self, b):
        if b >= 0:
            self.counts = self.counts.at[b].add(1.0)

    def max(self):
        best = self.counts[0]
        for c in self.counts:
            if c > best:
                best = c
        return best


def user_method_named_max(bins):
    h = Histogram(3)
    for b in bins:
        h.add(b)
    return h.max()


class Signal:
    def __init__(self, v):
        self.v = v

    def clip(self, lo, hi):
        out = self.v.copy()
        for i in range(out.shape[0]):
            if out[i] < lo:
                out[i] = lo
            elif out[i] > hi:
                out[i] = hi
        return out


def user_method_named_clip(v):
    return Signal(v).clip(-1.0, 1.0)


# --------------------------------------------------------------------------- NumPy in place
def sort_in_place_method(v):
    v = v.copy()
    v.sort()
    return v[0], v[-1]


def fill_in_traced_branch(x):
    out = np.empty(3, F)
    if x > 0:
        out.fill(x)
    else:
        out.fill(0.0)
    return out


def ufunc_out_running_min(v):
    best = np.full(2, np.inf, F)
    for row in v:
        np.minimum(best, row, out=best)
    return best


def chained_assignment_buffers(x):
    lo = hi = np.zeros(2, F)
    if x > 0:
        hi[0] = x
    return lo


def previous_state_alias(v, n):
    prev = v.copy()
    cur = prev
    for _ in range(n):
        cur[0] = cur[0] * 0.5 + 1.0
    return prev


# --------------------------------------------------------------------------- nested state
class _NS:
    pass


def attribute_of_attribute_counter(v):
    s = _NS()
    s.state = _NS()
    s.state.n = 0
    for x in v:
        if x > 0:
            s.state.n += 1
    return s.state.n


def attribute_of_attribute_sum(v):
    s = _NS()
    s.state = _NS()
    s.state.total = 0.0
    for x in v:
        s.state.total += x
    return s.state.total


class MHSampler:
    def __init__(self):
        self.stats = {"accepted": 0, "rejected": 0}
        self.x = 0.0

    def step(self, proposal, u):
        ratio = jnp.exp(-0.5 * proposal ** 2 + 0.5 * self.x ** 2)
        if u < ratio:
            self.x = proposal
            self.stats["accepted"] += 1
        else:
            self.stats["rejected"] += 1


def sampler_acceptance_stats(proposals, us):
    s = MHSampler()
    for p, u in zip(proposals, us):
        s.step(p, u)
    return s.x, s.stats["accepted"], s.stats["rejected"]


@dataclass
class _Inner:
    n: int = 0
    total: float = 0.0


@dataclass
class _Outer:
    inner: _Inner


def nested_dataclass_counter(us):
    o = _Outer(_Inner())
    for u in us:
        if u < 0.5:
            o.inner.n += 1
            o.inner.total += u
    return o.inner.n, o.inner.total


class Particles:
    def __init__(self, x, v):
        self.x = x
        self.v = v


class Simulation:
    def __init__(self, x, v):
        self.p = Particles(x, v)
        self.t = 0.0
        self.bounces = 0

    def step(self, dt):
        self.p.x = self.p.x + dt * self.p.v
        if self.p.x > 1.0:
            self.p.x = 2.0 - self.p.x
            self.p.v = -self.p.v
            self.bounces += 1
        self.t += dt


def simulation_nested_particles(x, v, n):
    sim = Simulation(x, v)
    for _ in range(n):
        sim.step(0.1)
    return sim.p.x, sim.p.v, sim.bounces, sim.t


# --------------------------------------------------------------------------- Python state in loops
def metropolis_numpy_rng(x, seed):
    rng = np.random.default_rng(seed)
    accepted = 0
    for _ in range(20):
        prop = x + 0.8 * rng.normal()
        if rng.random() < np.exp(-0.5 * (prop ** 2 - x ** 2)):
            x = prop
            accepted += 1
    return x, accepted


def random_walk_stdlib_random(x):
    import random
    rnd = random.Random(3)
    for step in range(30):
        x = x + (1.0 if rnd.random() < 0.5 else -1.0)
        if abs(x) >= 3:
            break
    return x, step


def lr_schedule_iterator(w):
    lrs = iter([0.1, 0.2, 0.3, 0.4])
    for _ in range(4):
        lr = next(lrs)
        g = 2 * (w - 1.0)
        if abs(g) < 1e-3:
            break
        w = w - lr * g
    return w


# --------------------------------------------------------------------------- more JAX-issue shapes
class Tally:
    total = 0


def class_attribute_counter(v):
    Tally.total = 0
    for x in v:
        if x > 0:
            Tally.total += 1
    return Tally.total


def window_by_sign(sig, start):
    if sig[start] > 0:
        seg = sig[start:start + 3]
    else:
        seg = -sig[start:start + 3]
    return jnp.sum(seg * seg)


def isclose_newton(x):
    n = 0
    while not math.isclose(x * x, 2.0, rel_tol=1e-6) and n < 50:
        x = 0.5 * (x + 2.0 / x)
        n += 1
    return x, n


def item_threshold(v):
    m = v.max()
    if m.item() > 2:
        return 1
    return 0


CASES = [
    Case(index_after_break, [(A(0.1, 0.5, 0.2), F(0.3)), (A(0.1, 0.5, 0.2), F(9.0))]),
    Case(index_after_break_traced_n, [(A(0.1, 0.5, 0.2), 3, F(0.3)), (A(0.1, 0.5, 0.2), 3, F(9.0)),
                                      (A(0.1, 0.5, 0.2), 0, F(0.3))]),
    Case(for_else_not_found, [(A(1.0, 2.0, 3.0), F(2.0)), (A(1.0, 2.0, 3.0), F(5.0))]),
    Case(while_else_converged, [(F(1.0),), (F(0.7390851),)], atol=1e-4),
    Case(nested_break_flag, [(np.array([[0.0, 1.0], [5.0, 0.2]], F), F(2.0)),
                             (np.array([[0.0, 1.0], [5.0, 0.2]], F), F(9.0)),
                             (np.array([[0.0, 3.0], [5.0, 0.2]], F), F(2.0))]),
    Case(nested_return_in_loops, [(np.array([[0.0, 1.0], [5.0, 0.2]], F), F(2.0)),
                                  (np.array([[0.0, 1.0], [5.0, 0.2]], F), F(9.0))]),
    Case(continue_in_nested, [(np.array([[1.0, 0.0, 2.0], [-1.0, 3.0, 3.0], [2.0, 9.0, 1.0]], F),)]),
    Case(loop_var_after_range_zero, [(3,), (0,), (-2,)]),
    Case(loop_var_shadow_param, [(F(7.0), 3), (F(7.0), 0)],
         jit_error="the result is the float parameter or the int loop index, by a traced count"),
    Case(reversed_range_break, [(A(0.1, 0.5, 0.2, 0.9), F(0.3)), (A(0.5, 0.9), F(0.3))]),
    Case(range_negative_step_traced, [(10, 1), (1, 10), (5, 4)]),
    Case(range_step_traced, [(10, 3), (0, 2), (7, 7)]),
    Case(enumerate_start, [(A(1.0, -2.0, 3.0),)]),
    Case(zip_early_stop, [(A(1.0, 2.0, 3.0), A(1.0, -1.0, 1.0)), (A(1.0, 2.0), A(1.0, 1.0))]),
    Case(while_index_and_guard, [(A(1.0, 2.0, 3.0), F(2.5)), (A(1.0, 2.0, 3.0), F(9.0)),
                                 (A(1.0, 2.0, 3.0), F(0.0))]),
    Case(insertion_position_backward, [(A(1.0, 2.0, 3.0), F(2.5)), (A(1.0, 2.0, 3.0), F(0.0))]),
    Case(or_default, [(F(2.0), F(0.0)), (F(2.0), F(3.0))]),
    Case(and_value, [(F(0.0), F(3.0)), (F(2.0), F(3.0))]),
    Case(not_float, [(F(0.0),), (F(2.0),), (F(np.nan),)]),
    Case(truthy_int_while, [(1234,), (0,)]),
    Case(chained_comparison, [(F(0.5),), (F(-0.5),), (F(0.0),), (F(3.0),)]),
    Case(conditional_expression_chain, [(F(-1.0),), (F(1.0),)],
         jit_error="a string chosen by a traced condition"),
    Case(ternary_numeric, [(F(2.0), F(1.0)), (F(-2.0), F(1.0))]),
    Case(bool_accumulate, [(A(1.0, 20.0),), (A(-1.0, 2.0),)]),
    Case(is_none_default, [(F(1.0),), (F(0.0),)]),
    Case(max_with_nan_first, [(A(1.0, np.nan, 3.0),), (A(np.nan, 1.0),), (A(-2.0, -1.0),)]),
    Case(max_builtin_nan_seed, [(A(np.nan, 1.0, 2.0),), (A(1.0, np.nan, 0.5),)]),
    Case(min_key_argmin, [(A(3.0, 1.0, 2.0),), (A(1.0, 1.0),)]),
    Case(max_key_abs, [(A(3.0, -5.0, 2.0),)]),
    Case(list_index_of_max, [(A(3.0, -5.0, 2.0),)]),
    Case(any_generator, [(A(1.0, 2.0), F(1.5)), (A(1.0, 2.0), F(5.0))]),
    Case(all_generator, [(A(1.0, 2.0),), (A(1.0, -2.0),)]),
    Case(sum_generator_filter, [(A(1.0, -2.0, 3.0),)]),
    Case(count_filter_generator, [(A(1.0, -2.0, 3.0),)]),
    Case(len_filtered_list, [(A(1.0, -2.0, 3.0),)],
         jit_error="a list whose length depends on traced values"),
    Case(divmod_traced, [(17, 5), (-17, 5), (17, -5)]),
    Case(round_builtin, [(F(2.5),), (F(3.5),), (F(-2.26),)]),
    Case(int_truncation, [(F(2.7),), (F(-2.7),)]),
    Case(math_functions, [(F(2.3),), (F(-2.3),)], atol=1e-4),
    Case(math_hypot_atan2, [(F(3.0), F(4.0)), (F(-1.0), F(-1.0))]),
    Case(pow_builtin, [(F(2.0), 3), (F(-2.0), 2)]),
    Case(abs_min_max_mixed, [(F(-2.0),), (F(0.5),)]),
    Case(float_inf_best, [(A(0.1, 0.45, 0.9),), (A(),)]),
    Case(none_index_best, [(A(0.1, 0.45, 0.2),)]),
    Case(raise_on_negative, [(F(4.0),), (F(-1.0),)]),
    Case(assert_converged, [(F(1.0),), (F(3.0),)], atol=1e-5),
    Case(raise_after_max_iter, [(F(1.0), 20), (F(1.0), 3)]),
    Case(try_except_static, [(F(4.0),), (F(1.0),)]),
    Case(int_then_float_branch, [(F(1.0),), (F(-1.0),)]),
    Case(counter_becomes_float, [(A(1.0, -1.0, 2.0),), (A(-1.0),)]),
    Case(bool_or_int_return, [(F(1.0),), (F(-1.0),)]),
    Case(int_division_in_loop, [(5,), (0,)]),
    Case(float_to_int_index, [(A(1.0, 2.0, 3.0, 4.0), F(0.5)), (A(1.0, 2.0, 3.0, 4.0), F(1.0))]),
    Case(uint8_image_threshold, [(np.array([[0, 100], [200, 50]], np.uint8), 99)]),
    Case(complex_loop, [(np.complex64(0.1 + 0.1j), 10), (np.complex64(1.5 + 1.5j), 10)]),
    Case(nonlocal_counter, [(A(1.0, -1.0, 2.0),)],
         jit_error="a closure cell that outlives the call is written under a traced condition"),
    Case(closure_over_param, [(F(0.7),), (F(-1.0),)]),
    Case(lambda_default_capture, [(F(0.8),), (F(2.0),)]),
    Case(recursion_static, [(F(5.0),), (F(0.1),)]),
    Case(helper_append_static_count, [(A(1.0, -2.0, 3.0),)]),
    Case(grad_through_solver, [(F(1.0),), (F(4.0),)], atol=1e-3),
    Case(grad_fixed_point, [(F(0.3),)], atol=1e-3),
    Case(vmap_of_branchy, [(A(4.0, -1.0, 0.0),)], oracle=_vmap_twin),
    Case(scan_with_python_if, [(A(1.0, 3.0, 2.0, 5.0),)], oracle=_scan_twin),
    Case(calls_jitted_helper, [(F(8.0),), (F(0.5),)]),
    Case(model_fit, [(A(1.0, 2.0, -1.0), A(2.0, 4.0, -0.5))], atol=1e-4),
    Case(stats_object, [(A(1.0, -1.0, 3.0),), (A(-1.0),)]),
    Case(user_method_named_mean, [(A(1.0, -1.0, 3.0),), (A(-1.0),)]),
    Case(user_method_named_count, [(A(1.0, -1.0, 3.0, 4.0, 5.0),)]),
    Case(inheritance_super, [(F(0.0), 5), (F(0.0), 0)]),
    Case(property_and_bool_state, [(A(18.0, 19.6, 20.3, 21.0, 20.0),)]),
    Case(dataclass_with_log, [(A(0.9, 0.0), A(1.0, 1.0))]),
    Case(class_attr_config, [(F(1.0),), (F(1.4142135),)], atol=1e-5),
    Case(dict_of_lists, [(A(1.0, -2.0),)]),
    Case(dict_branch_update, [(F(1.0),), (F(-2.0),)]),
    Case(dict_get_default, [(F(3.0),), (F(1.0),)]),
    Case(list_item_aug_assign, [(A(1.0, -2.0, 3.0),)]),
    Case(tuple_state_unpack, [(A(1.0, -2.0, 3.0),)]),
    Case(nested_list_matrix, [(3,)], static_argnums=(0,)),
    Case(list_comprehension_map, [(A(1.0, -2.0, 3.0),)]),
    Case(set_of_static, [(7,)], static_argnums=(0,)),
    Case(swap_rows_np, [(np.array([[1.0, 0.0], [3.0, 1.0], [2.0, 2.0]], F),)]),
    Case(np_slice_assign_in_branch, [(A(1.0, 2.0, 3.0), F(2.0)), (A(-1.0, 2.0, 3.0), F(2.0))]),
    Case(boolean_mask_assign, [(A(-3.0, 0.5, 2.0), F(1.0))]),
    Case(np_where_loop_mix, [(A(-3.0, 0.5, 2.0),)]),
    Case(early_return_tuple_types, [(F(-1.0),), (F(10.0),), (F(0.5),)]),
    Case(return_inside_while_true, [(F(10.0),), (F(0.5),)]),
    Case(walrus_loop, [(A(1.0, 2.0, -1.0, 4.0),), (A(1.0, 2.0),)]),
    Case(global_constant_threshold, [(A(0.1, 0.7, 0.9),)]),
    Case(nested_function_def_in_loop, [(A(1.0, -2.0),)]),
    Case(string_format_static, [(F(3.0), "double"), (F(3.0), "half"), (F(3.0), "x")],
         static_argnums=(1,)),
    Case(kwargs_call, [(F(2.0),), (F(-2.0),)]),
    Case(star_args_call, [(F(1.0), F(3.0), F(2.0))]),
    Case(lax_cond_early_return, [(F(2.0),), (F(0.5),), (F(-1.0),)]),
    Case(fori_loop_user_body, [(F(0.0), 10), (F(20.0), 3)], oracle=_fori_twin),
    Case(while_loop_convergence_with_print, [(F(1.0),)], atol=1e-4),
    Case(nan_check_skip, [(A(1.0, np.nan, 3.0),), (A(np.nan),)]),
    Case(isnan_isinf_guard, [(A(1.0, np.nan, np.inf, -2.0),)]),
    Case(clamp_loop_with_minmax, [(A(-3.0, 0.5, 2.0), F(-1.0), F(1.0))]),
    Case(bubble_sort_list, [(A(3.0, 1.0, 2.0),), (A(1.0, 2.0, 3.0),)]),
    Case(argmax_manual_ties, [(A(1.0, 3.0, 3.0, 2.0),)]),
    Case(cumulative_until_budget, [(A(3.0, 5.0, 1.0, 2.0), F(6.0)), (A(3.0), F(0.0))]),
    Case(digits_sum_loop, [(1234,), (-56,), (0,)]),
    Case(binary_exponentiation, [(F(2.0), 10), (F(3.0), 0), (F(0.5), 3)]),
    Case(modular_pow, [(4, 13, 497), (2, 0, 7)]),
    Case(particle_rows_in_place, [(np.array([[0.5, 1.0], [0.9, 1.0], [0.0, -1.0]], F), F(0.2))]),
    Case(positions_iadd_rows, [(np.array([[0.5, 1.0], [0.9, 1.0]], F),
                                np.array([[1.0, 1.0], [2.0, 2.0]], F))]),
    Case(row_view_static_write, [(np.array([[1.0, 2.0], [3.0, 4.0]], F),)]),
    Case(row_view_traced_write, [(np.array([[1.0, 2.0], [3.0, 4.0]], F), F(2.0))]),
    Case(ghost_cells_slice_view, [(np.array([[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]], F),)]),
    Case(accumulator_alias_iadd, [(np.array([[1.0, 2.0], [-3.0, 4.0], [0.5, 0.5]], F),)]),
    Case(attribute_alias_iadd, [(A(0.0, 1.0), A(0.5, 0.5), 3), (A(0.0, 1.0), A(0.5, 0.5), 10)]),
    Case(list_of_arrays_loop_var, [(F(1.5),), (F(-1.0),)]),
    Case(method_writes_through_row, [(F(1.5),), (F(-1.0),)]),
    Case(heat_with_bc_helper, [(A(1.0, 2.0, 3.0, 4.0), 2)]),
    Case(history_alias_append, [(A(1.0, -2.0, 3.0),)]),
    Case(helper_appends_in_traced_if, [(A(1.0, -2.0, 3.0),)]),
    Case(method_local_alias_append, [(F(1.0),), (F(-1.0),)]),
    Case(walrus_in_or_while, [(F(8.0),), (F(2.5),)]),
    Case(walrus_in_and_while_last, [(F(1.0),), (F(20.0),)]),
    Case(walrus_decrement_first, [(5, F(1.0)), (0, F(1.0))]),
    Case(walrus_if_and_max, [(A(1.0, 2.0, 3.0),), (A(-1.0, -2.0),)]),
    Case(user_method_named_max, [(np.array([0, 2, 2, -1, 1]),)]),
    Case(user_method_named_clip, [(A(-3.0, 0.5, 2.0),)]),
    Case(sort_in_place_method, [(A(3.0, 1.0, 2.0),)],
         note="jax's Array.sort returns a copy: plain jax.jit gives the unsorted array too"),
    Case(fill_in_traced_branch, [(F(2.0),), (F(-2.0),)]),
    Case(ufunc_out_running_min, [(np.array([[3.0, 1.0], [2.0, 5.0]], F),)]),
    Case(chained_assignment_buffers, [(F(2.0),), (F(-1.0),)]),
    Case(previous_state_alias, [(A(3.0, 1.0), 2)]),
    Case(attribute_of_attribute_counter, [(A(1.0, -5.0, 2.0, 3.0),)]),
    Case(attribute_of_attribute_sum, [(A(1.0, -5.0, 2.0),)]),
    Case(sampler_acceptance_stats, [(A(0.5, 3.0, -0.2, 0.1), A(0.9, 0.5, 0.1, 0.99))]),
    Case(nested_dataclass_counter, [(A(0.1, 0.9, 0.3, 0.2),)]),
    Case(simulation_nested_particles, [(F(0.5), F(2.0), 6), (F(0.5), F(2.0), 0)], atol=1e-5),
    Case(metropolis_numpy_rng, [(F(0.0), 0), (F(2.0), 1)], static_argnums=(1,), atol=1e-5),
    Case(random_walk_stdlib_random, [(F(0.0),), (F(2.5),)]),
    Case(lr_schedule_iterator, [(F(3.0),), (F(1.0),)], atol=1e-5),
    Case(class_attribute_counter, [(A(1.0, -1.0, 2.0, 3.0),)]),
    Case(window_by_sign, [(A(1.0, -1.0, 2.0, 3.0, 4.0), 1), (A(1.0, -1.0, 2.0, 3.0, 4.0), 2)],
         jit_error="a slice whose bounds are traced has a traced size"),
    Case(isclose_newton, [(F(1.0),), (F(1.4142135),)], atol=1e-5),
    Case(item_threshold, [(A(1.0, 5.0),), (A(1.0, 2.0),)]),
]

for _case in CASES:  # where each program comes from (the harness prints it with failures)
    _case.note = _case.note or ("source: JAX issue tracker and Q&A questions, as the askers "
                                "first wrote the code")
