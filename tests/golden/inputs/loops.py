"""Golden input: loops. ``CASES`` lists argument tuples (see tests/test_golden.py)."""

import jax.numpy as jnp


def sum_up_to(x):
    s = 0.0
    n = 1
    while n < x:
        s = s + n
        n = n + 1
    return s


def f_loop(x, n):
    y = 0.0
    for i in range(n):
        y = y + x
    return y


def stepped(start, stop):
    total = 0
    for i in range(start, stop, 3):
        total = total + i
    for j in range(stop, start, -2):
        total = total - j
    return total


def static_long_range(x):
    y = x * 0
    for i in range(50):
        y = y + x * 0.01
    return y


def rows(xs):
    total = 0
    for row in xs:
        total = total + row
    return total


def enumerate_zip(xs, ys):
    acc = xs[0] * 0
    for i, x in enumerate(xs):
        acc = acc + x * i
    for x, y in zip(xs, ys):
        acc = acc + x * y
    return acc


def python_containers(x):
    for scale in [1.0, 2.0, 3.0]:
        x = x * scale
    for key, value in {"a": 1.0, "b": 2.0}.items():
        x = x + value
    return x


def nested_loops(x, n):
    total = x * 0
    for i in range(n):
        j = 0
        while j < i:
            if j % 2 == 0:
                total = total + x
            j = j + 1
    return total


def break_and_continue(n):
    total = 0
    i = 0
    while i < n:
        i = i + 1
        if i % 2 == 0:
            continue
        if i > 9:
            break
        total = total + i
    return total


def first_positive(xs):
    for i in range(xs.shape[0]):
        if xs[i] > 0:
            return i
    return -1


def i32(v):
    return jnp.int32(v)


def f32(v):
    return jnp.float32(v)


CASES = {
    "sum_up_to": [(i32(v),) for v in (-1, 0, 1, 5)],
    "f_loop": [(f32(2.0), i32(n)) for n in (-1, 0, 1, 10)],
    "stepped": [(i32(a), i32(b)) for a, b in ((0, 10), (10, 0), (3, 3), (-5, 7))],
    "static_long_range": [(f32(2.0),)],
    "rows": [(jnp.arange(6.0).reshape(3, 2),), (jnp.arange(20.0).reshape(10, 2),)],
    "enumerate_zip": [(jnp.arange(4.0), jnp.arange(5.0)), (jnp.arange(12.0), jnp.ones(12))],
    "python_containers": [(f32(1.5),)],
    "nested_loops": [(f32(1.0), i32(n)) for n in (0, 1, 5)],
    "break_and_continue": [(i32(n),) for n in (0, 1, 4, 20)],
    "first_positive": [(jnp.array(v, jnp.int32),) for v in ([0, -1, 3, 4], [-1, -2, -3, 0], [5, 0, 0, 0])],
}
