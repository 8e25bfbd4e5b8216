"""The module ``py2lax --all FILE`` prints, imported and run under ``jax.jit``, refuses
(located) a ``raise`` under a traced condition that its own ``try`` would catch, as
``autograph_jit`` on the original does.

The printed module is imported as it is: the loader never registers its functions as
converted code, so the runtime did not look at their ``try`` blocks. The error was then
raised when the compiled program ran, as JAX's runtime error, where Python runs the
handler (``except KeyError: r = -1``) and returns its value (finder12 x022, e014).
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import pytest

from conftest import load_module, run_cli
import py2lax
from py2lax.diagnostics.errors import ConversionError

OWN_TRY = """
def f(x):
    try:
        if x > 3:
            raise KeyError("big")
        r = x
    except KeyError as e:  # (the handler reads the error: it is not dispatched to)
        r = -len(str(e))
    return r
"""

CALLER_TRY = """
def f(x):
    def check(v):
        if v > 10:
            raise OverflowError("big")
        return v * 2
    try:
        y = check(x)
    except OverflowError:
        y = 0.0
    return y
"""

UNCAUGHT = """
def f(x):
    try:
        if x > 3:
            raise KeyError("big")
        r = x
    except ValueError:
        r = -1
    return r
"""


def _printed(tmp_path, capsys, source: str, name: str):
    """The module ``py2lax --all`` prints for ``source``, imported."""
    original = tmp_path / f"{name}.py"
    original.write_text(textwrap.dedent(source))
    status, out, err = run_cli(["--all", "-q", original], capsys)
    assert status == 0, err
    printed = tmp_path / f"{name}_printed.py"
    printed.write_text(out)
    return load_module(printed, f"finder12_{name}_printed")


@pytest.mark.parametrize("source, argument", [(OWN_TRY, jnp.int32(5)),
                                              (CALLER_TRY, jnp.float32(30.0))],
                         ids=["own_try", "caller_try"])
def test_printed_module_refuses_a_caught_raise_like_autograph_jit(tmp_path, capsys, source,
                                                                  argument):
    printed = _printed(tmp_path, capsys, source, "caught")
    with pytest.raises(ConversionError, match="catch") as refused:
        jax.jit(printed.f)(argument)
    assert refused.value.location is not None
    original = load_module(tmp_path / "caught.py", "finder12_caught_original")
    with pytest.raises(ConversionError, match="catch"):
        py2lax.autograph_jit(original.f)(argument)


def test_printed_module_runs_plain_values_like_python(tmp_path, capsys):
    printed = _printed(tmp_path, capsys, OWN_TRY, "plain")
    assert printed.f(5) == -5
    assert printed.f(2) == 2


def test_printed_module_still_raises_an_uncaught_raise_when_it_runs(tmp_path, capsys):
    printed = _printed(tmp_path, capsys, UNCAUGHT, "uncaught")
    assert int(jax.jit(printed.f)(jnp.int32(2))) == 2
    with pytest.raises(Exception, match="big"):
        jax.block_until_ready(jax.jit(printed.f)(jnp.int32(5)))


BROAD = """
def f(x):
    def check(v):
        if v > 10:
            raise OverflowError("big")
        return v * 2
    try:
        y = check(x)
    except Exception:
        y = 0.0
    return y
"""


def test_a_broad_handler_in_the_printed_module_does_not_swallow_a_refusal(tmp_path, capsys):
    """Nothing raises a refusal again when a printed function ends (the decorator's
    wrapper does): a refusal inside `except Exception:` was swallowed and the handler's
    0.0 returned where Python returns 6.0. Such a try is left to the run-time error."""
    printed = _printed(tmp_path, capsys, BROAD, "broad")
    assert float(jax.jit(printed.f)(jnp.float32(3.0))) == 6.0
    with pytest.raises(Exception, match="big"):
        jax.block_until_ready(jax.jit(printed.f)(jnp.float32(30.0)))


MODULE_HELPER = """
def check(v):
    if v > 10:
        raise OverflowError("big")
    return v * 2


def f(x):
    try:
        y = check(x)
    except OverflowError:
        y = 0.0
    return y
"""


def test_a_module_helper_the_printed_module_calls_directly(tmp_path, capsys):
    """The command converts the module's own helpers and calls them as written
    (`y = check(x)`): the caller names nothing of the runtime, and its try was not seen
    (finder12 h002)."""
    printed = _printed(tmp_path, capsys, MODULE_HELPER, "module_helper")
    with pytest.raises(ConversionError, match="catch"):
        jax.jit(printed.f)(jnp.float32(30.0))
    assert printed.f(30.0) == 0.0 and printed.f(3.0) == 6.0
