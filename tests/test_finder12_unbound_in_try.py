"""A variable first bound inside a loop, read inside a ``try`` where it may be unbound.

``for i in range(n): y = x * i`` then ``try: return y`` / ``except UnboundLocalError:
return -1.0``: with ``n == 0`` Python runs the handler. The read was left unchecked
inside a ``try``, so ``py2lax.convert`` raised UnboundLocalError when the function
returned (past the handler), the module ``py2lax --all`` printed returned the
placeholder ``Undefined('y')`` as the function's value, silently, and under jit the
compiled program raised JAX's run-time error. The read is now checked as any other
(``py2lax.bound``): on Python values the error is raised at the read and the handler
catches it; a traced flag under a ``try`` that would catch it is refused at the read's
line (finder12 u002).

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import pytest

from conftest import load_module, run_cli
import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")

CAUGHT = """
def read_caught(n, x):
    for i in range(n):
        y = x * i
    try:
        return y
    except UnboundLocalError:
        return -1.0
"""

NAME_ERROR_PRINTED = """
def read_name_error(x):
    while x > 1:
        r = x
        x = x / 2
    try:
        out = r * 2
    except NameError:
        out = -1.0
    return out
"""

NOT_CAUGHT = """
def read_not_caught(n, x):
    for i in range(n):
        y = x * i
    try:
        return y
    except ValueError:
        return -1.0
"""


def _module(tmp_path, source, name):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return load_module(path, f"finder12_{name}")


@pytest.mark.parametrize("n", [0, 3])
def test_python_values_run_the_users_handler(tmp_path, n):
    function = _module(tmp_path, CAUGHT, "caught").read_caught
    assert py2lax.convert(function)(n, 2.0) == function(n, 2.0)


@pytest.mark.parametrize("n", [0, 3])
def test_printed_module_on_python_values_runs_the_handler(tmp_path, capsys, n):
    original = _module(tmp_path, CAUGHT, "caught_printed_original")
    status, out, err = run_cli(["--all", "-q", tmp_path / "caught_printed_original.py"], capsys)
    assert status == 0, err
    printed = tmp_path / "caught_printed.py"
    printed.write_text(out)
    assert load_module(printed, "finder12_caught_printed").read_caught(n, 2.0) == \
        original.read_caught(n, 2.0)


def test_static_trip_count_under_jit_runs_the_handler(tmp_path):
    function = _module(tmp_path, CAUGHT, "caught_static").read_caught
    jitted = py2lax.autograph_jit(function, static_argnums=(0,))
    assert float(jitted(0, jnp.float32(2.0))) == -1.0
    assert float(jitted(3, jnp.float32(2.0))) == 4.0


def test_traced_trip_count_is_refused_at_the_read(tmp_path):
    function = _module(tmp_path, CAUGHT, "caught_traced").read_caught
    with pytest.raises(py2lax.ConversionError, match="may be unbound") as refused:
        py2lax.autograph_jit(function)(jnp.int32(3), jnp.float32(2.0))
    assert not isinstance(refused.value, NameError)  # the user's handler must not catch it
    assert refused.value.location.line == 6  # `return y`
    assert refused.value.names == ("y",)


def test_a_try_that_does_not_catch_it_raises_when_the_program_runs(tmp_path):
    function = _module(tmp_path, NOT_CAUGHT, "not_caught").read_not_caught
    jitted = py2lax.autograph_jit(function)
    assert float(jitted(jnp.int32(3), jnp.float32(2.0))) == 4.0
    with pytest.raises(Exception, match="UnboundLocalError|'y'"):
        jax.block_until_ready(jitted(jnp.int32(0), jnp.float32(2.0)))
    with pytest.raises(UnboundLocalError):
        py2lax.convert(function)(0, 2.0)


def test_printed_module_under_jit_does_not_let_the_users_handler_swallow_the_refusal(
        tmp_path, capsys):
    """Nothing keeps a refusal the printed module raises: the user's `except NameError`
    caught it and returned -1.0 where Python returns 2.5 (finder12 u020)."""
    (tmp_path / "name_error.py").write_text(textwrap.dedent(NAME_ERROR_PRINTED))
    status, out, err = run_cli(["--all", "-q", tmp_path / "name_error.py"], capsys)
    assert status == 0, err
    printed = tmp_path / "name_error_printed.py"
    printed.write_text(out)
    module = load_module(printed, "finder12_name_error_printed")
    assert module.read_name_error(10.0) == 2.5
    with pytest.raises(py2lax.ConversionError, match="may be unbound"):
        jax.jit(module.read_name_error)(jnp.float32(10.0))
