"""``except E as e:`` inside a loop body: ``e`` is the handler's alone.

Python binds ``e`` when the handler starts and deletes it when the handler ends, so a
loop whose body has such a handler does not carry ``e`` from one iteration to the next.
The liveness analysis took the handler's read of ``e`` (``len(str(e))``) for a read of
the value the previous iteration left, so the loop carried ``e`` and returned it from its
body after Python had deleted it: ``UnboundLocalError`` on plain Python values, and
under ``jit`` wherever the loop is lowered to a body function.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def message_lengths(v):
    total = 0
    for x in v:
        try:
            if x < 0:
                raise ValueError("negative")
        except ValueError as e:
            total += len(str(e))
    return total


def static_failures(v):
    s = 0.0
    bad = 0
    for i in range(v.shape[0]):
        try:
            if i % 2:
                raise KeyError(i)  # decided by the static `i`: Python's own raise
            s = s + v[i]
        except KeyError as missing:
            bad += missing.args[0]
    return s, bad


@pytest.mark.parametrize("v", [[1.0, -1.0, -2.0], [1.0, 2.0]])
def test_converted_on_python_values_keeps_pythons_answer(v):
    assert py2lax.convert(message_lengths)(np.array(v)) == message_lengths(np.array(v))


def test_a_handler_name_in_a_traced_loop_is_not_carried():
    v = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    expected = static_failures(v)
    got = py2lax.autograph_jit(static_failures)(jnp.asarray(v))
    np.testing.assert_allclose(got[0], expected[0])
    assert int(got[1]) == expected[1]


def handler_name_read_after_the_loop(v):
    e = 5
    n = 0
    for x in v:
        try:
            if x < 0:
                raise ValueError("negative")
        except ValueError as e:  # the handler ends by deleting `e`
            n += 1
    return n, e


def test_a_jumped_handler_deletes_its_name_as_python_does():
    """A raise the same function's ``try`` catches is a jump to a copy of the handler
    (finder10); the copy now binds and deletes ``e`` as Python's handler does, so the
    read after the loop is Python's UnboundLocalError, not the 5 from before the try."""
    converted = py2lax.convert(handler_name_read_after_the_loop)
    with pytest.raises(UnboundLocalError):
        handler_name_read_after_the_loop(np.array([1.0, -1.0]))
    with pytest.raises(UnboundLocalError):
        converted(np.array([1.0, -1.0]))
    assert converted(np.array([1.0, 2.0])) == handler_name_read_after_the_loop(
        np.array([1.0, 2.0])) == (0, 5)


def test_a_jumped_handler_whose_name_is_not_read_after_still_compiles():
    v = np.array([1.0, -1.0, -3.0], np.float32)
    assert int(py2lax.autograph_jit(message_count)(jnp.asarray(v))) == message_count(v)


def message_count(v):
    n = 0
    for x in v:
        try:
            if x < 0:
                raise ValueError("negative")
        except ValueError as e:  # noqa: F841 - named, never read
            n += 1
    return n
