"""py2lax's refusal, raised in a converted helper while tracing, is not swallowed by a
caller's broad `except`: the handler would run whatever the values are, a path Python
does not take."""

import jax.numpy as jnp
import pytest

import py2lax
from py2lax.diagnostics.errors import Py2laxError


def grown_list_sum(n):
    ys = []
    i = 0
    while i < n:  # refused: the list's length depends on the traced n
        ys.append(i)
        i += 1
    return sum(ys)


def caught_by_exception(n):
    try:
        total = grown_list_sum(n)
    except Exception:
        total = -1
    return total


def caught_by_bare_except(n):
    try:
        total = grown_list_sum(n)
    except:  # noqa: E722
        total = -1
    return total


def caught_in_else_of_try(n):
    try:
        pass
    except Exception:
        pass
    else:
        try:
            return grown_list_sum(n)
        except BaseException:
            return -5
    return 0


@pytest.mark.parametrize("function", [caught_by_exception, caught_by_bare_except,
                                      caught_in_else_of_try])
def test_a_helpers_refusal_reaches_the_user(function):
    with pytest.raises(Py2laxError, match="grows inside this loop"):
        py2lax.autograph_jit(function)(jnp.int32(4))


def test_plain_python_values_still_run_as_python():
    assert py2lax.convert(caught_by_exception)(4) == caught_by_exception(4) == 6
