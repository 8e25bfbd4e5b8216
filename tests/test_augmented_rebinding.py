"""``t += x`` where ``t`` may be the very object another name holds.

A JAX array never changes in place, so for a name whose every value is a JAX array
(``a = jnp.zeros(3)``; ``t = a``) Python's ``t += x`` rebinds ``t`` alone and ``a``
keeps its value. A NumPy array or a list chosen by a traced condition (``t = a if x >
0 else b``) and then updated in place would need the compiled program to change the
one it chose: that is refused at the choice's line (before, the update silently
reached neither).
"""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax import OuterWriteError


def second_name_jax(x):
    a = jnp.zeros(3)
    t = a
    t += x
    return a, t


def loop_over_jax_arrays(x):
    a = jnp.zeros(3)
    b = jnp.ones(3)
    for t in (a, b):
        t += x
    return a + b


def static_choice_jax(x, mode):
    a = jnp.zeros(3)
    b = jnp.ones(3)
    if mode:
        t = a
    else:
        t = b
    t += x
    return a, b, t


def traced_choice_jax(x):
    a = jnp.zeros(3)
    b = jnp.ones(3) * 2.0
    t = a if x > 0 else b
    t *= 3.0
    t += x
    return a, b, t


def update_kept_step(x):
    x0 = jnp.full(3, 0.5)
    x_new = x0
    for _ in range(3):
        x_new += x * 0.1
    return x0, x_new


def numpy_alias_in_place(x):
    a = np.zeros(3)
    t = a
    t += 2.0
    return a, t


CASES = [
    (second_name_jax, (1.5,), ()),
    (loop_over_jax_arrays, (1.5,), ()),
    (static_choice_jax, (1.5, True), (1,)),
    (static_choice_jax, (1.5, False), (1,)),
    (traced_choice_jax, (1.5,), ()),
    (traced_choice_jax, (-1.5,), ()),
    (update_kept_step, (2.0,), ()),
    (numpy_alias_in_place, (2.0,), ()),
]


@pytest.mark.parametrize("function,args,static", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_jit_gives_pythons_answer(function, args, static):
    want = function(*args)
    got = py2lax.autograph_jit(function, static_argnums=static)(
        jnp.float32(args[0]), *args[1:])
    for w, g in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)


@pytest.mark.parametrize("function,args,static", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_converted_on_python_values_is_python(function, args, static):
    want = function(*args)
    got = py2lax.convert(function)(*args)
    for w, g in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,)):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def chosen_numpy_ternary(x):
    a = np.zeros(3)
    b = np.ones(3)
    t = a if x > 0 else b
    t += 1
    return a, b


def chosen_numpy_if(x):
    a = np.zeros(3)
    b = np.ones(3)
    if x > 0:
        t = a
    else:
        t = b
    t *= 2.0
    return a.sum() + b.sum()


def chosen_list_ternary(x):
    pos = [1.0]
    neg = [2.0]
    t = pos if x > 0 else neg
    t += [x]
    return len(pos), len(neg)


def chosen_list_tuple_assigned(x):
    pos, neg = [0.0], [0.0]
    target = pos if x > 0 else neg
    target += [x]
    return sum(pos), sum(neg)


def chosen_numpy_sorted_in_place(x):
    a = np.array([3.0, 1.0, 2.0])
    b = np.array([1.0, 3.0, 2.0])
    t = a if x > 0 else b
    t.sort()
    return a, b


@pytest.mark.parametrize("function", [chosen_numpy_ternary, chosen_numpy_if,
                                      chosen_list_ternary, chosen_list_tuple_assigned,
                                      chosen_numpy_sorted_in_place])
def test_in_place_update_of_a_traced_choice_is_refused_at_the_choice(function):
    with pytest.raises(OuterWriteError) as caught:
        py2lax.autograph_jit(function)(jnp.float32(1.0))
    message = str(caught.value)
    assert __file__ in message and "chosen by a traced condition" in message
    # on Python values the converted function is Python
    for x in (1.0, -1.0):
        want, got = function(x), py2lax.convert(function)(x)
        for w, g in zip(want if isinstance(want, tuple) else (want,),
                        got if isinstance(got, tuple) else (got,)):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


# A JAX array a caller passes may stand for a NumPy array (which `+=` changes in place):
# a helper's `v += x` on one, or `w += x` on an item or attribute, gives Python's answer
# for JAX arrays or a located refusal, never NumPy's in-place answer half applied.


def bump(v, x):
    v += x


def bump_caller(x):
    a = jnp.zeros(3)
    bump(a, x)
    return a


def normalize(v):
    v /= jnp.linalg.norm(v)
    return v


def normalize_caller(x):
    a = jnp.array([3.0, 4.0]) * x
    b = normalize(a)
    return a, b


class Accumulator:
    def __init__(self):
        self.total = jnp.zeros(2)

    def plus(self, x):
        w = self.total
        w += x
        return w


def attribute_alias(x):
    acc = Accumulator()
    w = acc.plus(x)
    return acc.total, w


def items_of_a_list(x):
    vs = [jnp.zeros(2), jnp.ones(2)]
    for v in vs:
        v += x
    return vs[0], vs[1]


@pytest.mark.parametrize("function", [bump_caller, normalize_caller, attribute_alias,
                                      items_of_a_list])
@pytest.mark.parametrize("mode", ["jit", "python values"])
def test_jax_arrays_updated_through_another_name(function, mode):
    want = function(2.0)
    run = (py2lax.autograph_jit(function) if mode == "jit" else py2lax.convert(function))
    try:
        got = run(jnp.float32(2.0) if mode == "jit" else 2.0)
    except py2lax.InPlaceArgumentError as error:
        assert error.location is not None and error.location.filename == __file__
        return
    for w, g in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)
