"""An error raised when the compiled program runs carries the values Python's would.

``raise KeyError(i)`` under a traced condition is made while tracing, with tracers in
its arguments: the caller read ``KeyError: JitTracer(~int32[])`` where Python says
``KeyError: 3``.
"""

import jax.numpy as jnp
import pytest

import py2lax


def first_bad_key(n):
    for i in range(n):
        if i == 3:
            raise KeyError(i)
    return n


def too_big(x, limit):
    if x > limit:
        raise ValueError("too big", x, limit)
    return x


class OutOfRange(Exception):
    def __init__(self, value):
        super().__init__("out of range")
        self.value = value

    def __str__(self):
        return f"out of range: {self.value}"


def checked(x):
    if x < 0:
        raise OutOfRange(x)
    return x


def _message(function, *args):
    with pytest.raises(Exception) as caught:
        py2lax.autograph_jit(function)(*args)
    return str(caught.value)


@pytest.mark.parametrize("function, args", [
    (first_bad_key, (5,)),
    (too_big, (5.0, 2.5)),
    (checked, (-1.5,)),
])
def test_runtime_error_has_python_values(function, args):
    with pytest.raises(Exception) as expected:
        function(*args)
    text = f"{type(expected.value).__name__}: {expected.value}"
    jitted = tuple(jnp.asarray(a, jnp.int32 if isinstance(a, int) else jnp.float32)
                   for a in args)
    message = _message(function, *jitted)
    assert text in message
    assert "Tracer" not in message


def test_no_error_when_condition_false():
    assert int(py2lax.autograph_jit(first_bad_key)(jnp.int32(2))) == 2
    assert float(py2lax.autograph_jit(too_big)(jnp.float32(1.0), jnp.float32(2.0))) == 1.0


def formatted_limit(x):
    if x > 3:
        raise ValueError(f"too big: {x:.2f}")
    return x


def percent_step(x, n):
    for i in range(n):
        if x * i > 3:
            raise ValueError("step %d too big: %s" % (i, x))
    return x


def inverse_formatted(x):
    if x > 3:
        raise ValueError(f"inverse {1 / x:.2f}")
    return x


class Solver:
    error = RuntimeError

    def __init__(self, tol):
        self.tol = tol

    def check(self, err):
        if err > self.tol:
            raise self.error(f"error {err:.3f} above {self.tol}")
        return err


def attribute_in_message(x, tol):
    return Solver(tol).check(x)


def computed_argument(x):
    if x > 3:
        raise ValueError("over by", x - 3)
    return x


@pytest.mark.parametrize("function, args", [
    (formatted_limit, (5.0,)),
    (percent_step, (5.0, 3)),
    (computed_argument, (5.0,)),
    (inverse_formatted, (5.0,)),
    (attribute_in_message, (2.0, 0.5)),
])
def test_message_built_from_values(function, args):
    """Python's exception and message: formatting a tracer raised TypeError (`.2f`,
    `%d`), which the program raised instead of ValueError."""
    test_runtime_error_has_python_values(function, args)


@pytest.mark.parametrize("function, args", [
    (formatted_limit, (5.0,)), (formatted_limit, (1.0,)),
    (percent_step, (5.0, 3)), (computed_argument, (5.0,)),
])
def test_plain_values_raise_as_python(function, args):
    def outcome(f):
        try:
            return f(*args)
        except Exception as error:  # noqa: BLE001
            return type(error), str(error)
    assert outcome(py2lax.convert(function)) == outcome(function)


def asserted_positive(xs):
    total = 0.0
    for x in xs:
        assert x > 0, f"non-positive value {x:.1f}"
        total += x
    return total


def test_assert_message_from_values():
    import numpy as np
    xs = np.array([1.0, -2.0])
    with pytest.raises(AssertionError) as expected:
        asserted_positive(xs)
    message = _message(asserted_positive, jnp.asarray(xs, jnp.float32))
    first = str(expected.value).splitlines()[0]  # (pytest adds its own lines below)
    assert f"AssertionError: {first}" in message
    assert float(py2lax.autograph_jit(asserted_positive)(jnp.ones(2))) == 2.0
    with pytest.raises(AssertionError, match="non-positive value -2.0"):
        py2lax.convert(asserted_positive)(xs)
