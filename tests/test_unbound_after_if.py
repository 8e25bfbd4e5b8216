"""A name only an ``if`` binds, read after it where the ``if`` may have skipped it.

Python raises UnboundLocalError at that read, whatever the read does with the value.
The converted function, run on Python values (``py2lax.convert``, the printed module of
``py2lax --all``), left the ``Undefined`` marker in the name: returned, printed, stored
in a list or bound to another name, the marker went on as a value and the function
returned normally. Traced, the ``if`` is refused at its line (as before); a static
condition keeps Python's meaning.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

from conftest import load_module, run_cli
import py2lax

SOURCE = '''
def printed(x):
    if x > 0:
        y = x * 2
    print(y)
    return 1.0

def stored(x):
    if x > 0:
        y = x * 2
    items = [y]
    return len(items)

def rebound(x):
    if x > 0:
        y = x * 2
    z = y
    return 2.0

def caught(x):
    if x > 0:
        y = x * 2
    try:
        return y
    except UnboundLocalError:
        return -1.0

def read_under_the_same_test(x):
    if x > 0:
        y = x * 2
    if x > 0:
        return y
    return -1.0
'''

NAMES = ["printed", "stored", "rebound", "caught", "read_under_the_same_test"]


def _outcome(function, x):
    try:
        return ("value", function(x))
    except UnboundLocalError as error:
        return ("raises", str(error).split(":")[0])


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    path = tmp_path_factory.mktemp("unbound_if") / "unbound_if.py"
    path.write_text(SOURCE)
    return load_module(path, "unbound_if_original")


@pytest.mark.parametrize("name", NAMES)
def test_converted_on_python_values_raises_where_python_raises(original, name, capsys):
    function = getattr(original, name)
    for x in (1.0, -1.0):
        assert _outcome(py2lax.convert(function), x) == _outcome(function, x)
    # (the printed text is the same on both runs)
    assert capsys.readouterr().out.count("2.0") == 2 * (name == "printed")


@pytest.mark.parametrize("name", NAMES)
def test_printed_module_on_python_values_raises_where_python_raises(original, name, tmp_path,
                                                                    capsys):
    path = tmp_path / "unbound_if.py"
    path.write_text(SOURCE)
    status, out, err = run_cli(["--all", path], capsys)
    assert status == 0, err
    printed = tmp_path / "unbound_if_printed.py"
    printed.write_text(out)
    converted = load_module(printed, f"unbound_if_printed_{name}")
    for x in (1.0, -1.0):
        assert _outcome(getattr(converted, name), x) == _outcome(getattr(original, name), x)


def test_a_static_condition_under_jit_keeps_pythons_meaning(original):
    def chooser(x, flag):
        if flag:
            y = x * 2
        z = y
        return x

    jitted = py2lax.autograph_jit(chooser, static_argnames="flag")
    assert float(jitted(jnp.float32(1.5), True)) == 1.5
    with pytest.raises(UnboundLocalError):
        jitted(jnp.float32(1.5), False)


def test_a_traced_condition_is_refused_at_the_if(original):
    with pytest.raises(py2lax.UndefinedVariableError) as caught:
        py2lax.autograph_jit(original.rebound)(jnp.float32(1.0))
    assert caught.value.names == ("y",)
    assert caught.value.location.line == 15


def test_a_read_under_the_same_traced_test_still_converts(original):
    jitted = py2lax.autograph_jit(original.read_under_the_same_test)
    assert float(jitted(jnp.float32(1.0))) == 2.0
    assert float(jitted(jnp.float32(-1.0))) == -1.0
