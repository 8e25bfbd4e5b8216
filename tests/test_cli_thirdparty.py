"""Classes found by running ``py2lax --all --write`` and ``--standalone --all --write``
over installed third-party code (jax/_src, _pytest, IPython/core), a test per class: each
program goes through the command line twice; the second run must change nothing, the
output must parse, and where the program computes something, give Python's answer."""

from __future__ import annotations

import textwrap

import jax
import pytest

from conftest import run_cli


def _write_twice(tmp_path, capsys, source: str, flags: list[str]) -> str:
    """``py2lax FLAGS --write`` on ``source``, then ``--check``: the written text."""
    path = tmp_path / "m.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    status, _, err = run_cli([*flags, "--write", path], capsys)
    assert status == 0 and "internal error" not in err and "Traceback" not in err, err
    written = path.read_text(encoding="utf-8")
    compile(written, str(path), "exec")
    assert run_cli([*flags, "--check", "-q", path], capsys) == (0, "", ""), written
    return written


def _run(text: str, name: str, *args):
    namespace: dict = {}
    exec(compile(text, "m.py", "exec"), namespace)
    return namespace[name](*args)


# --------------------------------------------------------------------------- walrus in a helper
# pytest's ``ApproxScalar.__eq__``: ``if _is_bool(self.expected) and not _is_bool(actual)``
# where ``_is_bool`` holds ``if np := sys.modules.get("numpy")``. The first run kept
# Python's ``and`` (a helper with ``:=`` counted as one that may change something, so its
# call could not be evaluated where Python skips it); the first run hoists the ``:=`` to
# ``np = ...``, so the second run saw a pure helper and wrote ``jnp.where``.
WALRUS_HELPERS = {
    "if-walrus": """\
        def helper(v):
            if (w := v * 2.0) > 1.0:
                return w
            return -w
    """,
    "while-walrus": """\
        def helper(v):
            n = 0.0
            while (m := n + 1.0) < v:
                n = m
            return n
    """,
    "walrus-in-return": """\
        def helper(v):
            return (w := v + 1.0) * w
    """,
    "walrus-in-comprehension": """\
        def helper(v):
            total = sum([(last := v * k) for k in range(3)])
            return total + last
    """,
}


@pytest.mark.parametrize("flags", [["--all"], ["--all", "--standalone"]],
                         ids=["runtime", "standalone"])
@pytest.mark.parametrize("operator", ["and", "or"])
@pytest.mark.parametrize("helper", list(WALRUS_HELPERS), ids=list(WALRUS_HELPERS))
def test_a_helper_with_a_walrus_in_a_condition_settles(tmp_path, capsys, flags, operator,
                                                       helper):
    source = "import jax\n\n\n" + textwrap.dedent(WALRUS_HELPERS[helper]) + textwrap.dedent(f"""

        def f(x, y):
            if helper(x) > 1.0 {operator} not helper(y) > 1.0:
                return x
            return y
    """)
    python = {}
    exec(source, python)
    written = _write_twice(tmp_path, capsys, source, flags)
    for x, y in [(3.0, 0.25), (0.25, 3.0), (3.0, 3.0), (0.25, 0.25)]:
        expected = python["f"](x, y)
        assert float(_run(written, "f", x, y)) == expected
        if "--standalone" in flags:
            assert float(jax.jit(lambda a, b: _run(written, "f", a, b))(x, y)) == expected
