"""Golden input: loops. ``CASES`` lists argument tuples (see tests/test_golden.py)."""

import jax.numpy as jnp
import py2lax


def sum_up_to(x):
    s = 0.0
    n = 1

    def loop_cond_9(s, n):
        return n < x

    def loop_body_9(s, n):
        s = s + n
        n = n + 1
        return (s, n)
    s, n = py2lax.while_loop(loop_cond_9, loop_body_9, (s, n))
    return s


def f_loop(x, n):
    y = 0.0

    def loop_body_17(i, y):
        y = y + x
        return (y,)
    y, = py2lax.fori_loop(0, n, loop_body_17, (y,))
    return y


def stepped(start, stop):
    total = 0

    def loop_body_24(i, total):
        total = total + i
        return (total,)
    total, = py2lax.fori_loop(start, stop, loop_body_24, (total,), step=3)

    def loop_body_26(j, total):
        total = total - j
        return (total,)
    total, = py2lax.fori_loop(stop, start, loop_body_26, (total,), step=-2)
    return total


def static_long_range(x):
    y = x * 0

    def loop_body_33(i, y):
        y = y + x * 0.01
        return (y,)
    y, = py2lax.fori_loop(0, 50, loop_body_33, (y,))
    return y


def rows(xs):
    total = 0

    def loop_body_40(row, total):
        total = total + row
        return (total,)
    total, = py2lax.for_each(xs, loop_body_40, (total,))
    return total


def enumerate_zip(xs, ys):
    acc = xs[0] * 0

    def loop_body_47(item, acc):
        i, x = item
        acc = acc + x * i
        return (acc,)
    acc, = py2lax.for_each(py2lax.enumerate(xs), loop_body_47, (acc,))

    def loop_body_49(item_1, acc):
        x, y = item_1
        acc = acc + x * y
        return (acc,)
    acc, = py2lax.for_each(py2lax.zip(xs, ys), loop_body_49, (acc,))
    return acc


def python_containers(x):
    for scale in [1.0, 2.0, 3.0]:
        x = x * scale
    for key, value in {"a": 1.0, "b": 2.0}.items():
        x = x + value
    return x


def nested_loops(x, n):
    total = x * 0

    def loop_body_64(i, total):
        j = 0

        def loop_cond_66(total, j):
            return j < i

        def loop_body_66(total, j):
            def if_true_67(total):
                total = total + x
                return (total,)
            total, = py2lax.cond(j % 2 == 0, if_true_67, None, (total,))
            j = j + 1
            return (total, j)
        total, j = py2lax.while_loop(loop_cond_66, loop_body_66, (total, j))
        return (total,)
    total, = py2lax.fori_loop(0, n, loop_body_64, (total,))
    return total


def break_and_continue(n):
    total = 0
    i = 0
    broke_76 = False

    def loop_cond_76(total, i, broke_76):
        return py2lax.and_(py2lax.not_(broke_76), lambda: i < n)

    def loop_body_76(total, i, broke_76):
        i = i + 1

        def if_true_78(total, broke_76):
            pass
            return (total, broke_76)

        def if_false_78(total, broke_76):
            def if_true_80(total, broke_76):
                broke_76 = True
                return (total, broke_76)

            def if_false_80(total, broke_76):
                total = total + i
                return (total, broke_76)
            total, broke_76 = py2lax.cond(i > 9, if_true_80, if_false_80, (total, broke_76))
            return (total, broke_76)
        total, broke_76 = py2lax.cond(i % 2 == 0, if_true_78, if_false_78, (total, broke_76))
        return (total, i, broke_76)
    total, i, broke_76 = py2lax.while_loop(loop_cond_76, loop_body_76, (total, i, broke_76))
    return total


def first_positive(xs):
    returned = False
    return_value = py2lax.Undefined('return_value', fill=True)

    def loop_body_87(i, return_value, returned):
        def if_true_88(return_value, returned):
            return_value = i
            returned = True
            return (return_value, returned)
        return_value, returned = py2lax.cond(xs[i] > 0, if_true_88, None, (return_value, returned))
        return (return_value, returned)
    return_value, returned = py2lax.fori_loop(0, xs.shape[0], loop_body_87, (return_value, returned), has_break=True)

    def if_true_90(return_value):
        return_value = -1
        return (return_value,)
    return_value, = py2lax.cond(py2lax.not_(returned), if_true_90, None, (return_value,))
    return return_value


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
