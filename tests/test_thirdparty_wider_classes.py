"""Classes of modules that ``py2lax --all --standalone --write`` over installed
third-party code refused as not fixed points (a second run changed the first run's text),
each reduced to a few lines: the output must parse and a second run change nothing."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

from conftest import run_cli

FLAGS = ["--all", "--standalone"]


def _settles(tmp_path, capsys, source: str) -> str:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    status, _, err = run_cli([*FLAGS, "--write", "-q", path], capsys)
    assert status == 0 and "internal error" not in err, err
    written = path.read_text(encoding="utf-8")
    compile(written, str(path), "exec")
    assert run_cli([*FLAGS, "--check", "-q", path], capsys) == (0, "", ""), written
    return written


# griffe's infer_docstring_style (jnp.asarray of a list read as a call that may resize it);
# jedi's django plugin (a string argument read as a string value); hypothesis's optimiser
# (a first run's branch converted again as a helper); hypothesis's FixedDictStrategy (a
# row guard in a with); prompt_toolkit's tokenize_regex (a raising branch's callbacks);
# tomli's parse_basic_str_escape, scipy's _spectral_helper (bindings and updates inside a
# first run's branch functions); numpy's bmm_einsum (a write-back read as a rebinding)
CLASSES = {
    "asarray-of-a-rebound-list": r"""
        def f(doc, method, order):
            if not order:
                order = [1, 2]
            if method == "h":
                for style in order:
                    if style > doc:
                        return style
            return None
""",
    "a-string-given-to-a-call": r"""
        def f(cls, x):
            managers = cls.load(x).lookup("Manager")
            for m in managers:
                for g in m.generics():
                    if x > g:
                        return g
            return None
""",
    "a-branch-updating-a-local": r"""
        def outer(x, k):
            def attempt(k):
                v = from_bytes(x)
                if v + k < 0:
                    return False
                v += k
                return to_bytes(v)
            return attempt(k)


        def from_bytes(b):
            return b


        def to_bytes(v):
            return v
""",
    "a-row-guard-in-a-with": r"""
        def f(data, remaining, pairs):
            with data.many(len(remaining)) as elements:
                for _ in elements:
                    j = data.draw(len(remaining) - 1)
                    remaining[-1], remaining[j] = remaining[j], remaining[-1]
                    pairs.append(remaining.pop())
            return pairs
""",
    "a-raising-branch-in-a-while": r"""
        import re


        def tokenize(text):
            p = re.compile("x")
            tokens = []
            while text:
                m = p.match(text)
                if m:
                    token, text = text[: m.end()], text[m.end():]
                    if not token.isspace():
                        tokens.append(token)
                else:
                    raise ValueError("could not tokenize")
            return tokens
""",
    "a-rebinding-in-a-branch": r"""
        def parse_escape(src, pos, *, multiline=False):
            escape_id = src[pos : pos + 2]
            pos += 2
            if multiline and escape_id in {"\\ ", "\\\n"}:
                if escape_id != "\\\n":
                    pos = skip_chars(src, pos)
                return pos, ""
            if escape_id == "\\u":
                return parse_hex(src, pos, 4)
            return pos, escape_id


        def skip_chars(src, pos):
            return pos + 1


        def parse_hex(src, pos, n):
            return pos + n, src[pos:pos + n]


        def caller(src):
            return parse_escape(src, 0, multiline=True)
""",
    "an-update-in-a-lowered-branch": r"""
        import jax.numpy as jnp


        def spectral(x, mode, axis=-1):
            Sxx = x * 2
            if mode == 'magnitude':
                Sxx = jnp.abs(Sxx)
            elif mode in ['angle', 'phase']:
                Sxx = jnp.angle(Sxx)
                if mode == 'phase':
                    if axis < 0:
                        axis -= 1
                    Sxx = jnp.unwrap(Sxx, axis=axis)
            return Sxx
""",
    "a-write-back-after-a-call": r"""
        def bmm(a, b, out=None, **kwargs):
            if a.ndim == 0:
                return multiply(a, b, out=out, **kwargs)
            compatible = a.shape == b.shape
            ab = a @ b
            if (out is not None) and (not compatible):
                out[...] = ab
                ab = out
            return ab


        def multiply(a, b, out=None):
            return a * b
""",
}


@pytest.mark.parametrize("shape", list(CLASSES), ids=list(CLASSES))
def test_a_first_run_s_output_settles(tmp_path, capsys, shape):
    _settles(tmp_path, capsys, textwrap.dedent(CLASSES[shape]))


def _installed(package: str, path: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, package
    return Path(list(spec.submodule_search_locations)[0]) / path


# whole modules whose class did not reduce to a few lines
@pytest.mark.parametrize("package, path", [
    ("setuptools", "_vendor/ordered_set.py"),          # `self |= iterable`: no array guard
    ("hypothesis", "strategies/_internal/utils.py"),   # a Python first operand's split
])
def test_an_installed_module_settles(tmp_path, capsys, package, path):
    written = _settles(tmp_path, capsys, _installed(package, path).read_text(encoding="utf-8"))
    assert "isinstance(self, jax.Array)" not in written


# A def given only to a lax call right after it is the user's own lax body too: it is
# still converted (its traced `if` lowered), which a first run's branch, read again, is
# not made to need.
def test_a_user_s_lax_body_is_still_converted(tmp_path, capsys):
    import jax

    source = textwrap.dedent("""\
        import jax


        def f(x, n):
            def body(i, acc):
                if acc > 10.0:
                    acc = acc - 1.0
                else:
                    acc = acc * 2.0
                return acc
            return jax.lax.fori_loop(0, n, body, x)
    """)
    written = _settles(tmp_path, capsys, source)
    assert "jax.lax.cond(" in written
    namespace: dict = {}
    exec(compile(written, "m.py", "exec"), namespace)
    assert float(jax.jit(namespace["f"])(3.0, 4)) == 10.0
