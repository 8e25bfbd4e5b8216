"""The ``py2lax`` command line: golden files, flags and exit codes, files and directories,
idempotency, the never-executes rule, and the rewritten modules computing what the
originals compute.

Golden files: ``py2lax tests/cli_golden/inputs/NAME.py`` must print
tests/cli_golden/expected/NAME.py. After an intended change, regenerate and review:

    python tests/cli_golden/regenerate.py
"""

from __future__ import annotations

import ast
import difflib
import inspect
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import assert_tree_close, function_lengths, golden_cases, load_module, run_cli
from py2lax.tools.cli import diff as cli_diff
from py2lax.tools.cli.main import main
from py2lax.transpiler import transpile

ROOT = Path(__file__).resolve().parent.parent



golden = load_module(Path(__file__).parent / "cli_golden" / "regenerate.py", "cli_golden_regenerate")
INPUTS = golden.inputs()

# Functions allowed more than 3x the lines of their input, and why (none at present).
LONGER_THAN_3X: set[str] = set()



def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


TRACED_IF = """
    import jax

    @jax.jit
    def f(x):
        if x > 0:
            x = x * 2
        return x
"""
NOTHING_TO_DO = """
    import jax

    @jax.jit
    def g(x):
        return x + 1
"""


# --------------------------------------------------------------------------- golden files
def test_there_are_golden_inputs():
    assert len(INPUTS) >= 3


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden_output(path):
    expected_path = golden.EXPECTED / path.name
    assert expected_path.exists(), f"missing {expected_path}; run `{golden.COMMAND}`"
    expected = expected_path.read_text(encoding="utf-8")
    actual = golden.rewritten(path)
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"expected/{path.name}", tofile="py2lax output"))
        pytest.fail(f"py2lax output for tests/cli_golden/inputs/{path.name} changed.\n{diff}\n"
                    f"If intended, regenerate with\n\n    {golden.COMMAND}\n\nand review the "
                    f"diff.", pytrace=False)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden_output_is_a_fixed_point(path):
    expected = (golden.EXPECTED / path.name).read_text(encoding="utf-8")
    assert transpile(expected, path.name, readable=True) == expected



@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden_output_is_at_most_three_times_longer(path):
    before = function_lengths(path.read_text(encoding="utf-8"))
    after = function_lengths((golden.EXPECTED / path.name).read_text(encoding="utf-8"))
    for name, lines in before.items():
        if name not in LONGER_THAN_3X:
            assert after[name] <= 3 * lines, f"{name}: {lines} lines became {after[name]}"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden_output_comments_every_lowered_statement(path):
    text = (golden.EXPECTED / path.name).read_text(encoding="utf-8")
    calls = re.findall(r"= py2lax\.(?:cond|while_loop|fori_loop|for_each)\(", text)
    headers = re.findall(r"#.*  ->  .*lax\.\w+.* when traced", text)
    assert len(headers) >= len(calls) > 0



@pytest.fixture(scope="module")
def modules():
    return {path: (load_module(path, f"cli_golden_input_{path.stem}"),
                   load_module(golden.EXPECTED / path.name, f"cli_golden_expected_{path.stem}"))
            for path in INPUTS}


@pytest.mark.parametrize("path, name, index", list(golden_cases(INPUTS, "cli_golden_input")))
def test_rewritten_module_computes_like_the_original(modules, path, name, index):
    original, rewritten = modules[path]
    args = original.CASES[name][index]
    expected = inspect.unwrap(getattr(original, name))(*args)   # plain Python, eagerly
    assert_tree_close(expected, getattr(rewritten, name)(*args))
    if hasattr(getattr(original, name), "converted"):   # autograph_jit runs too
        assert_tree_close(expected, getattr(original, name)(*args))


# --------------------------------------------------------------------------- flags
def test_prints_the_rewritten_module(tmp_path, capsys):
    path = write(tmp_path / "m.py", TRACED_IF)
    status, out, err = run_cli([path], capsys)
    assert (status, err) == (0, "")
    assert out == transpile(path.read_text(), readable=True)
    assert "py2lax.cond(x > 0" in out and "# if x > 0:  ->  lax.cond when traced" in out


def test_several_files_are_printed_with_headers(tmp_path, capsys):
    a, b = write(tmp_path / "a.py", TRACED_IF), write(tmp_path / "b.py", NOTHING_TO_DO)
    status, out, _ = run_cli([a, b], capsys)
    assert status == 0
    assert out.index(f"# ==> {a} <==") < out.index(f"# ==> {b} <==")


def test_check_exits_1_when_a_file_would_change_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path / "m.py", TRACED_IF)
    before = path.read_text()
    status, out, err = run_cli(["--check", path], capsys)
    assert (status, out) == (1, "")
    assert f"would rewrite {path}" in err and "1 file would be rewritten" in err
    assert path.read_text() == before


def test_check_exits_0_when_nothing_would_change(tmp_path, capsys):
    path = write(tmp_path / "m.py", NOTHING_TO_DO)
    status, out, err = run_cli(["--check", path], capsys)
    assert (status, out) == (0, "")
    assert "0 files would be rewritten, 1 file left unchanged." in err
    assert run_cli(["--check", "-q", path], capsys) == (0, "", "")


def test_diff_prints_a_unified_diff(tmp_path, capsys):
    changed, same = write(tmp_path / "a.py", TRACED_IF), write(tmp_path / "b.py", NOTHING_TO_DO)
    status, out, _ = run_cli(["--diff", changed, same], capsys)
    assert status == 0
    assert out.startswith(f"--- {changed}\n+++ {changed}\n@@ ")
    assert "+import py2lax\n" in out and "-    if x > 0:\n" in out
    assert str(same) not in out and "\033[" not in out   # not a terminal: no colour


def test_diff_with_check_prints_and_exits_1(tmp_path, capsys):
    path = write(tmp_path / "a.py", TRACED_IF)
    status, out, _ = run_cli(["--diff", "--check", path], capsys)
    assert status == 1 and out.startswith("--- ")


def test_diff_colour(tmp_path, capsys, monkeypatch):
    path = write(tmp_path / "a.py", TRACED_IF)
    _, out, _ = run_cli(["--diff", "--color", "always", path], capsys)
    assert "\033[32m+import py2lax\033[0m" in out and "\033[31m-" in out

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert cli_diff.use_color("auto", Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli_diff.use_color("auto", Terminal())
    assert cli_diff.use_color("always", Terminal())


def test_write_rewrites_changed_files_only(tmp_path, capsys):
    changed, same = write(tmp_path / "a.py", TRACED_IF), write(tmp_path / "b.py", NOTHING_TO_DO)
    os.chmod(changed, 0o754)
    same_inode = same.stat().st_ino
    status, out, err = run_cli(["--write", changed, same], capsys)
    assert (status, out) == (0, "")
    assert f"rewrote {changed}" in err and str(same) not in err.replace(str(changed), "")
    assert "py2lax.cond" in changed.read_text()
    assert same.stat().st_ino == same_inode                      # not even replaced
    assert changed.stat().st_mode & 0o777 == 0o754
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]   # no temp files
    assert run_cli(["--write", changed], capsys)[2] == "0 files rewritten, 1 file left unchanged.\n"


def test_write_keeps_line_endings_and_encoding(tmp_path, capsys):
    text = "# -*- coding: latin-1 -*-\nimport jax\n\n@jax.jit\ndef f(x):\n    s = 'caf\xe9'\n" \
           "    if x > 0:\n        x = -x\n    return x\n"
    path = tmp_path / "m.py"
    path.write_bytes(text.replace("\n", "\r\n").encode("latin-1"))
    assert run_cli(["--write", path], capsys)[0] == 0
    data = path.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") and "caf\xe9".encode("latin-1") in data


@pytest.mark.parametrize("flags", [["--write", "--check"], ["--write", "--diff"]])
def test_write_cannot_be_combined(tmp_path, flags, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(flags + [str(write(tmp_path / "m.py", TRACED_IF))])
    assert exit_info.value.code == 2


def test_stdin(monkeypatch, capsys):
    source = textwrap.dedent(TRACED_IF)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode())))
    status, out, _ = run_cli(["-"], capsys)
    assert status == 0 and out == transpile(source, readable=True)


def test_stdin_syntax_error_is_reported_as_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"def f(:\n")))
    status, out, err = run_cli(["-"], capsys)
    assert (status, out) == (2, "") and err.startswith("<stdin>:1:")


def test_directories_skip_hidden_and_virtual_environments(tmp_path, capsys):
    for relative in ["a.py", "sub/b.py", "sub/deeper/c.py", ".hidden/h.py", "venv/v.py",
                     ".venv/v.py", "env/e.py", "node_modules/n.py", "__pycache__/p.py",
                     "lib/site-packages/s.py", "myenv/m.py"]:
        write(tmp_path / relative, TRACED_IF)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "notes.txt").write_text("not python\n")
    status, _, err = run_cli(["--check", tmp_path], capsys)
    rewritten = sorted(Path(line.split()[-1]).relative_to(tmp_path).as_posix()
                       for line in err.splitlines() if line.startswith("would rewrite"))
    assert status == 1 and rewritten == ["a.py", "sub/b.py", "sub/deeper/c.py"]


# --------------------------------------------------------------------------- errors
def test_errors_are_one_line_each_and_other_files_go_on(tmp_path, capsys):
    bad = write(tmp_path / "bad.py", "def broken(:\n    pass\n")
    generator = write(tmp_path / "gen.py", """
        import jax

        @jax.jit
        def g(x):
            yield x
    """)
    good = write(tmp_path / "good.py", TRACED_IF)
    status, out, err = run_cli([bad, generator, tmp_path / "missing.py", good], capsys)
    assert status == 2
    assert "py2lax.cond" in out                       # the good file was still printed
    lines = err.splitlines()
    assert len(lines) == 3 and "Traceback" not in err
    assert re.fullmatch(rf"{re.escape(str(bad))}:1:\d+: syntax error: .+", lines[0])
    assert lines[1] == (f"{generator}:5:5: `yield` makes this a generator, which py2lax "
                        "cannot convert; instead, jit needs a function that returns arrays; "
                        "collect the values in a list or compute them with `lax.scan` and "
                        "return them (`g` left as Python)")
    assert lines[2] == f"{tmp_path / 'missing.py'}:1:1: cannot read: No such file or directory"


def test_unreadable_content_is_an_error(tmp_path, capsys):
    (tmp_path / "nul.py").write_bytes(b"x = 1\0\n")
    (tmp_path / "latin.py").write_bytes(b"s = 'caf\xe9'\n")
    status, _, err = run_cli([tmp_path], capsys)
    assert status == 2 and err.splitlines() == [
        f"{tmp_path / 'latin.py'}:1:1: cannot read: invalid or missing encoding declaration",
        f"{tmp_path / 'nul.py'}:1:1: cannot read: the file contains null bytes",
    ]


def test_errors_win_over_check(tmp_path, capsys):
    status, _, _ = run_cli(["--check", write(tmp_path / "a.py", TRACED_IF),
                        write(tmp_path / "b.py", "x = (\n")], capsys)
    assert status == 2


def test_an_internal_error_is_one_line_too(tmp_path, capsys, monkeypatch):
    import py2lax.tools.cli.main

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(py2lax.tools.cli.main, "rewrite_module", broken)
    status, _, err = run_cli([write(tmp_path / "a.py", TRACED_IF)], capsys)
    assert status == 2 and err.endswith(":1:1: internal error: RuntimeError: boom "
                                        "(please report this bug)\n")


# --------------------------------------------------------------------------- what is rewritten
def test_all_rewrites_undecorated_functions_but_not_generators(tmp_path, capsys):
    path = write(tmp_path / "m.py", """
        def plain(x):
            while x > 1:
                x = x / 2
            return x

        def numbers(n):
            yield n
    """)
    assert run_cli([path], capsys)[1] == path.read_text()
    status, out, err = run_cli(["--all", path], capsys)
    assert (status, err) == (0, "")
    assert "py2lax.while_loop" in out and "def numbers(n):\n    yield n" in out


def test_static_arguments_and_module_constants_stay_python(capsys):
    out = transpile(textwrap.dedent("""
        import functools, jax
        LIMIT = 3

        @functools.partial(jax.jit, static_argnums=(1,), static_argnames="mode")
        def f(x, n, mode):
            if n > LIMIT:
                x = x + 1
            if mode == "fast":
                x = x * 2
            return x

        @jax.jit
        def g(x, LIMIT):
            if LIMIT > 0:
                x = x + 1
            return x
    """), readable=True)
    f_text, g_text = out.split("def g")
    assert "py2lax" not in f_text.split("def f")[1]
    assert "py2lax.cond(LIMIT > 0" in g_text      # a parameter shadows the constant


def test_autograph_jit_spellings_become_jax_jit(capsys):
    out = transpile(textwrap.dedent("""
        import jax as jx
        from functools import partial
        from py2lax import autograph_jit as ajit

        @ajit(static_argnames=("k",))
        def f(x, k):
            # unchanged body
            return x * k   # kept as written
    """), readable=True)
    assert '@partial(jx.jit, static_argnames=("k",))\n' in out   # the keywords as written
    assert "    # unchanged body\n    return x * k   # kept as written\n" in out
    assert "import jax\n" not in out and "import functools" not in out


def test_comments_are_kept_and_lowered_statements_explained():
    out = transpile(textwrap.dedent("""
        import jax

        @jax.jit
        def f(x, y):
            '''Docstring.'''
            # before the if
            if x > y:  # compare
                x = x - y  # shrink
            else:
                # nothing to do
                pass

            return x  # done
    """), readable=True)
    assert textwrap.dedent("""
        def f(x, y):
            '''Docstring.'''
            # before the if
            # compare
            # if x > y:  ->  lax.cond when traced
            def if_true_8(x):
                x = x - y  # shrink
                return (x,)
            def if_false_8(x):
                # nothing to do
                pass
                return (x,)
            x, = py2lax.cond(x > y, if_true_8, if_false_8, (x,))

            return x  # done
    """) in out


def test_comment_on_an_else_line_and_a_one_line_function():
    out = transpile(textwrap.dedent("""
        import jax

        @jax.jit
        def f(x):
            if x > 0:
                x = 1.0
            else:  # negative
                x = -x
            return x

        @jax.jit
        def g(x): return x if x > 0 else -x  # tiny
    """), readable=True)
    assert "    def if_false_6(x):\n        # negative\n        x = -x\n" in out
    assert ("def g(x):\n    # return x if x > 0 else -x  ->  lax.cond when traced\n"
            "    return py2lax.if_exp(x > 0, lambda: x, lambda: -x)  # tiny\n") in out


def test_imports_go_after_a_shebang_and_licence_header():
    out = transpile("#!/usr/bin/env python\n# Licence: MIT\nimport jax\n" +
                    textwrap.dedent(TRACED_IF).replace("import jax\n", ""), readable=True)
    assert out.startswith("#!/usr/bin/env python\n# Licence: MIT\nimport jax\nimport py2lax\n")
    plain = transpile("#!/usr/bin/env python\n@jax.jit\ndef f(x):\n    if x:\n        x = 1\n"
                      "    return x\n")
    assert plain.startswith("#!/usr/bin/env python\n\nimport py2lax\n\n\n@jax.jit\n")


def test_methods_indented_with_tabs(capsys):
    source = "import jax\nclass A:\n\t@jax.jit\n\tdef f(x):\n\t\tif x > 0:\n\t\t\tx = -x\n" \
             "\t\treturn x\n"
    out = transpile(source, readable=True)
    compile(out, "<out>", "exec")
    assert "\n\tdef f(x):\n\t\t# if x > 0:" in out


def test_a_local_named_py2lax_gets_an_aliased_runtime(capsys):
    out = transpile(textwrap.dedent("""
        import jax

        @jax.jit
        def f(x):
            py2lax = 2
            if x > 0:
                x = x * py2lax
            return x
    """), readable=True)
    assert "import py2lax as py2lax_1\n" in out and "py2lax_1.cond(" in out
    namespace = {}
    exec(compile(out, "<out>", "exec"), namespace)
    assert float(namespace["f"](3.0)) == 6.0


# --------------------------------------------------------------------------- idempotency
@pytest.mark.parametrize("all_functions", [False, True])
def test_output_is_a_fixed_point(all_functions):
    source = (ROOT / "examples" / "quickstart.py").read_text()
    once = transpile(source, all_functions=all_functions, readable=True)
    assert transpile(once, all_functions=all_functions, readable=True) == once


def test_functions_calling_the_runtime_are_left_alone():
    source = textwrap.dedent("""
        import jax, py2lax
        from py2lax import autograph_jit

        @jax.jit
        def by_hand(x):
            y = py2lax.if_exp(x > 0, lambda: x, lambda: -x)
            if x > 1:
                y = y + 1
            return y

        @autograph_jit
        def still_converted(x):
            y = py2lax.if_exp(x > 0, lambda: x, lambda: -x)
            if x > 1:
                y = y + 1
            return y
    """)
    by_hand, still_converted = transpile(source, readable=True).split("def still_converted")
    assert "    if x > 1:\n" in by_hand and "py2lax.cond" in still_converted


def test_a_function_whose_only_runtime_use_is_a_decorator_is_left_alone():
    source = textwrap.dedent("""
        import jax

        def make(scale):
            @jax.jit
            def inner(x):
                return x * scale
            return inner
    """)
    once = transpile(source, all_functions=True, readable=True)
    assert "    @jax.jit\n    @py2lax.converted\n    def inner(x):\n" in once
    assert transpile(once, all_functions=True, readable=True) == once


# --------------------------------------------------------------------------- end to end
def _py2lax(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "py2lax", *map(str, args)], text=True,
                          capture_output=True, timeout=120, **kwargs)


def test_never_imports_or_executes_the_files(tmp_path):
    marker = tmp_path / "executed.txt"
    path = write(tmp_path / "side_effect.py", f"""
        import jax
        import this_module_does_not_exist
        open({str(marker)!r}, "w").write("ran")
        raise SystemExit("executed!")

        @jax.jit
        def f(x):
            if x > 0:
                x = -x
            return x
    """)
    result = _py2lax("--all", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists() and "executed!" not in result.stderr
    assert "py2lax.cond(x > 0" in result.stdout


def test_a_file_named_like_a_standard_module_is_not_imported(tmp_path):
    """``python -m py2lax`` puts the working directory first on ``sys.path``; a user's
    ``random.py`` there must not be imported in place of the standard library's."""
    marker = tmp_path / "executed.txt"
    path = write(tmp_path / "random.py", f"""
        open({str(marker)!r}, "w").write("ran")

        def f(x):
            if x > 0:
                x = -x
            return x
    """)
    result = _py2lax("--all", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists() and "py2lax.cond(x > 0" in result.stdout


def test_python_dash_m_reads_stdin_and_reports_errors(tmp_path):
    result = _py2lax("-", input=textwrap.dedent(TRACED_IF))
    assert result.returncode == 0 and result.stdout == transpile(textwrap.dedent(TRACED_IF),
                                                                 readable=True)
    result = _py2lax("--check", "-q", tmp_path / "missing.py", write(tmp_path / "x.py", "x = (\n"))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 2 and "Traceback" not in result.stderr


def test_pre_commit_hook_is_defined():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: py2lax-check" in hooks and "entry: py2lax --check" in hooks
    assert "language: python" in hooks and "types: [python]" in hooks


# --------------------------------------------------------------------------- call forms
CALL_FORMS = """
    import jax
    import py2lax
    from py2lax import autograph_jit

    def f(x, n):
        for i in range(n):
            x = x * 2
        return x

    def g(x):
        if x > 0:
            x = -x
        return x

    def h(x):
        while x < 10:
            x = x + 3
        return x

    f_jit = autograph_jit(f, static_argnames="n")
    g_fast, h_fast = jax.jit(py2lax.convert(g)), jax.jit(h)  # both compiled
"""


@pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])
def test_functions_a_module_level_call_jits_or_converts_are_rewritten(standalone):
    text = transpile(textwrap.dedent(CALL_FORMS), "calls.py", readable=True,
                     standalone=standalone)
    assert "f_jit = jax.jit(f, static_argnames=\"n\")\n" in text
    assert "g_fast, h_fast = jax.jit(g), jax.jit(h)  # both compiled\n" in text
    assert ("py2lax" in text) is not standalone
    assert transpile(text, "calls.py", readable=True, standalone=standalone) == text
    namespace = {}
    exec(compile(text, "calls.py", "exec"), namespace)
    assert float(namespace["f_jit"](1.5, 3)) == 12.0
    assert float(namespace["g_fast"](2.0)) == -2.0 and float(namespace["g_fast"](-3.0)) == -3.0
    assert int(namespace["h_fast"](1)) == 10


# --------------------------------------------------------------------------- printed text
SLICES = """
    def f(x, v, a):
        for i in range(3):
            x[1:3] = v
            x[..., ::2] = v * 2
            x[a:] = x[a:] + i
        return x
"""


def test_slice_assignment_prints_as_valid_python_with_the_same_meaning():
    import numpy as np

    text = transpile(textwrap.dedent(SLICES), all_functions=True, readable=True)
    assert "py2lax.setitem(x, slice(1, 3, None), v)" in text
    assert "py2lax.setitem(x, (..., slice(None, None, 2)), v * 2)" in text
    original, rewritten = {}, {}
    exec(compile(textwrap.dedent(SLICES), "<original>", "exec"), original)
    exec(compile(text, "<rewritten>", "exec"), rewritten)
    expected = original["f"](np.arange(12.0).reshape(2, 6), 7.0, 4)
    np.testing.assert_array_equal(rewritten["f"](np.arange(12.0).reshape(2, 6), 7.0, 4), expected)


def test_a_lambda_prints_as_a_lambda():
    import py2lax

    def double(x):
        return x * 2
    clip = lambda x: x if x > 0 else -x  # noqa: E731
    assert py2lax.to_source(clip) == "lambda x: py2lax.if_exp(x > 0, lambda: x, lambda: -x)"
    assert "def <lambda>" not in py2lax.to_source(lambda y: double(y))


def test_the_comment_above_a_hoisted_walrus_quotes_the_whole_condition():
    text = transpile(textwrap.dedent("""
        import jax

        @jax.jit
        def f(x):
            if (z := x * 2) > 0:
                x = z
            return x
    """), readable=True)
    assert "    # if (z := x * 2) > 0:  ->  lax.cond when traced\n    z = x * 2\n" in text


KEPT_AS_WRITTEN = '''
import functools

import jax


@functools.partial(jax.jit,
                   static_argnames=("mode",))  # the mode is static
def f(x, rtol=1e-5, mode="first", budget: float = 0.1):
    """Docstring with 'quotes'."""
    limits = {"a": 1e-5, 'b': 0x10}   # spelled as written
    total = (x +
             rtol)  # a line break kept
    if mode == "first":
        # the traced condition
        if x > limits["a"]:
            x = x * 2.50
    return x + total
'''


def test_unchanged_text_is_kept_byte_for_byte():
    text = transpile(KEPT_AS_WRITTEN, readable=True)
    head = KEPT_AS_WRITTEN[KEPT_AS_WRITTEN.index("@functools"):KEPT_AS_WRITTEN.index("    if x >")]
    assert head in text   # decorator, def line, docstring, statements, the static `if` header
    assert '        def if_true_16(x):\n            x = x * 2.50\n' in text
    assert text.endswith("    return x + total\n")
    namespace = {}
    exec(compile(text, "<rewritten>", "exec"), namespace)
    assert float(namespace["f"](2.0)) == pytest.approx(7.00001)


def test_the_autograph_jit_keywords_keep_their_text(tmp_path, capsys):
    path = write(tmp_path / "m.py", """
        from py2lax import autograph_jit

        @autograph_jit(static_argnames=("n",),  # n is static
                       donate_argnums=())
        def f(x, n):
            return x * n
    """)
    status, out, _ = run_cli([path], capsys)
    assert status == 0
    assert ('@functools.partial(jax.jit, static_argnames=("n",),  # n is static\n'
            "               donate_argnums=())\ndef f(x, n):\n    return x * n\n") in out


def test_every_function_of_installed_modules_prints_back_to_the_same_tree():
    """The printer copies unchanged statements, copies headers, or prints afresh, at the
    same depth or a new one: in every case the text parses to the same tree."""
    from py2lax.frontend import syntax as S
    from py2lax.backends.printing.layout import SourceText, _indent_unit
    from py2lax.backends.printing.printer import Printer, Texts, plan_texts

    for path in INSTALLED_SAMPLE[:3]:
        text = path.read_text(encoding="utf-8")
        source = SourceText.of(text)
        functions = [n for n in S.walk(S.parse_module(text)) if isinstance(n, S.FunctionDef)]
        for function in functions:
            expected = S.dump(function)
            outer = source.lines[function.lineno - 1][:function.col_offset]
            for mode in ("fresh", "headers", "copied", "moved"):
                copy = S.deep_copy(function)
                copy.decorator_list = function.decorator_list
                indent = outer + "  " if mode == "moved" else outer
                texts = plan_texts(copy, function, source, indent, _indent_unit(function, source))
                if mode == "fresh":
                    texts = Texts()
                elif mode == "headers":
                    texts.whole = {}
                elif mode == "moved":
                    texts.header.pop(id(copy))
                lines = Printer(texts, lambda statements, index: [], indent, "    ").function(copy)
                printed = "\n".join(line for line, _ in lines) + "\n"
                nested = printed[:1] in (" ", "\t")
                again = S.parse_module("if 1:\n" * nested + printed).body[0]
                again = again.body[0] if nested else again
                assert S.dump(again) == expected, f"{path}:{function.lineno} ({mode})"


# --------------------------------------------------------------------------- imports
@pytest.mark.parametrize("header, expected", [
    pytest.param('"""Doc."""\n', '"""Doc."""\n\nimport py2lax\n\n\n', id="docstring only"),
    pytest.param("from __future__ import annotations\n",
                 "from __future__ import annotations\n\nimport py2lax\n\n\n", id="future"),
    pytest.param("import os\nimport sys\n",
                 "import os\nimport sys\n\nimport py2lax\n\n\n", id="stdlib only"),
    pytest.param("import os\n\nimport jax\nimport numpy as np\n",
                 "import os\n\nimport jax\nimport numpy as np\nimport py2lax\n\n\n",
                 id="third-party group"),
    pytest.param("import jax\nfrom jax import lax\n",
                 "import jax\nimport py2lax\nfrom jax import lax\n\n\n", id="plain first"),
    pytest.param("from collections import abc\nimport os\n\nimport numpy as np\nfrom jax import lax\n",
                 "from collections import abc\nimport os\n\nimport numpy as np\nimport py2lax\n"
                 "from jax import lax\n\n\n", id="force sort within sections"),
    pytest.param("import os\n\nfrom .sibling import g\nfrom _pkg import h\n",
                 "import os\n\nimport py2lax\n\nfrom .sibling import g\nfrom _pkg import h\n\n\n",
                 id="first-party group"),
    pytest.param("import zlib\n\nimport py2lax as p\nimport jax\n",
                 "import zlib\n\nimport py2lax as p\nimport jax\nimport py2lax\n\n\n",
                 id="aliased"),
])
def test_added_imports_go_where_isort_puts_them(header, expected):
    body = "@jax.jit\ndef f(x):\n    if x > 0:\n        x = -x\n    return x\n"
    text = transpile(header + "\n\n" + body, readable=True)
    assert text.startswith(expected + "@jax.jit\n"), text


# --------------------------------------------------------------------------- left as Python
PARTLY_CONVERTIBLE = """
    import jax


    @jax.jit
    def stream(x):
        yield x


    @jax.jit
    def f(x):
        if x > 0:
            x = -x
        return x
"""


def test_a_function_that_cannot_be_converted_is_left_as_python_with_a_comment(tmp_path, capsys):
    path = write(tmp_path / "m.py", PARTLY_CONVERTIBLE)
    status, out, err = run_cli(["--write", path], capsys)
    assert status == 0
    assert err.splitlines()[0] == (f"{path}:6:5: `yield` makes this a generator, which py2lax "
                                   "cannot convert; instead, jit needs a function that returns "
                                   "arrays; collect the values in a list or compute them with "
                                   "`lax.scan` and return them (`stream` left as Python)")
    text = path.read_text()
    assert ("\n\n# py2lax: left as Python: `yield` makes this a generator, which py2lax cannot "
            "convert (`yield x`)\n@jax.jit\ndef stream(x):\n    yield x\n") in text
    assert "py2lax.cond(x > 0" in text
    assert run_cli(["--check", path], capsys)[0] == 0          # a fixed point
    assert run_cli(["--check", "-q", path], capsys) == (0, "", "")
    path.write_text(text.replace("(`yield x`)", "(`an older quote`)"))
    assert run_cli(["--check", "-q", path], capsys)[0] == 0   # the same reason: kept
    path.write_text(text.replace("    yield x\n", "    return x\n"))
    assert run_cli(["--write", path], capsys)[0] == 0          # now it converts:
    assert "left as Python" not in path.read_text()            # the comment goes


def test_a_call_of_a_function_left_as_python_is_left_as_it_is():
    text = transpile(textwrap.dedent("""
        import py2lax

        def stream(x):
            yield x

        fast = py2lax.autograph_jit(stream)
    """))
    assert "# py2lax: left as Python: `yield`" in text
    assert text.endswith("fast = py2lax.autograph_jit(stream)\n")


def test_a_function_py2lax_fails_on_is_left_as_written_and_reported(tmp_path, capsys,
                                                                    monkeypatch):
    import py2lax.transpiler

    real = py2lax.transpiler.convert_function_tree

    def failing_on_stream(tree, context):
        if tree.name == "stream":
            raise KeyError("boom")
        return real(tree, context)

    monkeypatch.setattr(py2lax.transpiler, "convert_function_tree", failing_on_stream)
    path = write(tmp_path / "m.py", PARTLY_CONVERTIBLE)
    status, _, err = run_cli(["--write", path], capsys)
    assert status == 2 and "Traceback" not in err
    assert err.splitlines()[0] == (f"{path}:4:1: internal error on `stream`, left as written: "
                                   "KeyError: 'boom' (please report this bug)")
    text = path.read_text()
    assert "@jax.jit\ndef stream(x):\n    yield x\n" in text and "py2lax.cond(x > 0" in text
    assert "left as Python" not in text
    with pytest.warns(RuntimeWarning, match="py2lax failed on `stream`"):
        assert transpile(textwrap.dedent(PARTLY_CONVERTIBLE)).count("yield x") == 1


@pytest.mark.parametrize("bad_text, message", [
    ("def broken(:\n", "the rewritten text does not parse"),
    (None, "a second run would change the rewritten text again"),
])
def test_write_leaves_a_file_alone_when_its_new_text_is_not_safe(tmp_path, capsys, monkeypatch,
                                                                 bad_text, message):
    import py2lax.tools.cli.main
    from py2lax.transpiler import Rewrite

    def unsafe(text, *args, **kwargs):   # a broken rewrite, or one that never settles
        return Rewrite(bad_text if bad_text is not None else text + "# again\n")

    monkeypatch.setattr(py2lax.tools.cli.main, "rewrite_module", unsafe)
    path = write(tmp_path / "m.py", TRACED_IF)
    before = path.read_bytes()
    status, out, err = run_cli(["--write", path], capsys)
    assert status == 2 and path.read_bytes() == before
    assert err.startswith(f"{path}:1:1: internal error: {message}") and "left as it is" in err


# --------------------------------------------------------------------------- real code
SITE_PACKAGES = Path(inspect.getfile(pytest)).parent.parent
# Installed with the dev extras; between them: `match`, try/except/else with a `raise` in
# an `if`, slice assignment, walrus conditions, lambdas, decorators, multi-line strings,
# an early `return` before a write into a dict (IPython's `_merge`, which --standalone
# left as Python on a second run); an object returned from a loop over a list
# (`Parser.getgroup`), a loop over a frozenset bound by `:=` in an `if`
# (`named_sharding_to_xla_hlo_sharding`): both changed on a second run of --standalone;
# so did a name bound to a part of an attribute written in nested loops
# (`MagicsManager._register`, written `table.at[...]` on a dict); the guard --standalone
# writes in an `except` of a traced `if` (`pytestPDB._import_pdb_cls`) and an `or` whose
# first operand mixes a string test with a traced one (`LFPlugin.pytest_runtest_logreport`)
# also changed on a second run.
INSTALLED_SAMPLE = [SITE_PACKAGES / name for name in (
    "_pytest/_code/source.py", "_pytest/recwarn.py", "_pytest/mark/__init__.py",
    "_pytest/mark/expression.py", "IPython/core/magics/logging.py",
    "jax/_src/numpy/array_creation.py", "IPython/core/display_functions.py",
    "_pytest/config/argparsing.py", "jax/_src/named_sharding.py", "IPython/core/magic.py",
    "_pytest/debugging.py", "_pytest/cacheprovider.py",
)]


@pytest.mark.parametrize("flags", [["--all"], ["--all", "--standalone"]],
                         ids=["runtime", "standalone"])
def test_installed_third_party_code_converts_and_stays_valid(tmp_path, capsys, flags):
    assert all(path.exists() for path in INSTALLED_SAMPLE), "the dev extras are not installed"
    for path in INSTALLED_SAMPLE:
        target = tmp_path / path.relative_to(SITE_PACKAGES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    status, _, err = run_cli([*flags, "--write", tmp_path], capsys)
    assert status == 0 and "internal error" not in err and "Traceback" not in err, err
    assert f"{len(INSTALLED_SAMPLE)} files rewritten" in err
    for path in tmp_path.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    assert run_cli([*flags, "--check", "-q", tmp_path], capsys) == (0, "", "")


def test_a_jitted_helper_already_converted_keeps_its_static_parameters_on_a_second_run():
    """jax's ``lobpcg``: a helper jitted with ``static_argnames=['debug']``, already
    rewritten by a first run, is not converted again as a plain helper of its caller
    (whose ``if debug:`` would then have been lowered into lax.cond)."""
    source = textwrap.dedent("""\
        import jax


        def public(x, debug=False):
            return _impl(x, debug=False)


        @jax.jit(static_argnames=['debug'])
        def _impl(x, debug=False):
            while x > 1.0:
                x = x / 2.0
            if debug:
                return x, x
            else:
                return x
    """)
    once = transpile(source, "lobpcg.py", all_functions=True)
    assert transpile(once, "lobpcg.py", all_functions=True) == once


# --------------------------------------------------------------------------- measured on real code
# Each class below was found by running `py2lax --all --write` over installed third-party
# packages (jax, numpy, scipy, pytest, IPython, hypothesis, ...): a test per class.
def _converted(source: str) -> str:
    text = transpile(textwrap.dedent(source), "m.py", all_functions=True, readable=True)
    assert transpile(text, "m.py", all_functions=True, readable=True) == text
    return text


def test_a_moved_statement_with_a_multi_line_string_keeps_its_text():
    """IPython's ``Video._repr_html_``: the statements after an ``if`` that returns move
    one level deeper (into the branch taken when it does not); one holding a
    triple-quoted string was printed afresh as a single escaped line, because its rows
    inside the string cannot be re-indented. They are copied as they are instead."""
    source = '''
        def f(x, y):
            if x > 0:
                return x
            out = """<a>
          b {0}
        </a>""".format(y)
            return out
    '''
    text = _converted(source)
    assert '        out = """<a>\n  b {0}\n</a>""".format(y)\n' in text
    namespace = {}
    exec(compile(text, "<rewritten>", "exec"), namespace)
    assert namespace["f"](0, 2) == "<a>\n  b 2\n</a>" and namespace["f"](1, 2) == 1


def test_comments_above_an_except_clause_are_kept():
    """pytest's ``ApproxSequenceLike._repr_compare``: a comment written above ``except``
    (planned above the clause's first statement) was lost when the ``try`` changed but
    the clause did not: the clause is copied whole, and nothing inside it is planned."""
    source = '''
        def f(y):
            try:
                if y > 0:
                    y = 1 / y
            # division may fail
            except ZeroDivisionError:
                raise
            # anything else
            except (TypeError, ValueError):  # why
                pass
            return y
    '''
    text = _converted(source)
    assert ("    # division may fail\n    except ZeroDivisionError:\n        raise\n"
            "    # anything else\n    except (TypeError, ValueError):  # why\n") in text


def test_numbers_and_quotes_keep_their_spelling_in_rewritten_statements():
    """``while x < 1e-3`` printed its condition as ``x < 0.001`` in ``loop_cond``, ``0X1F``
    as ``31`` and ``"a"`` as ``'a'``: the constants of a rewritten statement are spelled as
    the user wrote them (f-strings, and an int before ``.attr``, stay as printed)."""
    source = '''
        def f(x, d):
            while x < 1e-3:
                x = x * 2.50 + d["a"]
            if x > 0X1F + (1).imag:
                x = x - 1E3
            return x
    '''
    text = _converted(source)
    assert "return x < 1e-3\n" in text and 'x = x * 2.50 + d["a"]' in text
    assert "py2lax.cond(x > 0X1F + 1 .imag," in text and "x = x - 1E3\n" in text
    namespace = {}
    exec(compile(text, "<rewritten>", "exec"), namespace)
    assert namespace["f"](0.0, {"a": 0.5}) == 0.5
    assert namespace["f"](40.0, {"a": 0.5}) == -960.0


def test_blank_lines_between_the_def_line_and_the_body_are_kept():
    """jax's ``_pallas_call_impl`` (a blank line right after the ``def`` line) and
    hypothesis's ``_run_findability_tests`` (comments, a blank line, then a decorated
    nested ``def``): those blank lines were dropped from a rewritten function."""
    source = '''
        def f(x):

          # the lowering path
          if x > 0:
            x = x * 2
          return x


        def g(x):
            # comment one

            @decorate
            def inner(y):
                return y

            if x > 0:
                x = inner(x)
            return x
    '''
    text = _converted(source)
    assert "def f(x):\n\n  # the lowering path\n" in text
    assert "def g(x):\n    # comment one\n\n    @decorate\n    def inner(y):\n" in text


def test_a_function_left_as_python_is_reported_with_its_line_and_the_fix(tmp_path, capsys):
    """jax's ``lax_reference.py`` binds ``slice``: its note named the file, line and
    problem but not what to do about it."""
    path = write(tmp_path / "m.py", """
        slice = None


        def f(x, v):
            if x[0] > 0:
                x[1:2] = v
            return x
    """)
    status, _, err = run_cli(["--all", "--write", path], capsys)
    assert status == 0
    assert err.splitlines()[0] == (
        f"{path}:4:1: this module binds the name `slice`, which the rewritten `x[a:b] = v` "
        "would call; instead, rename the module's `slice` (`f` left as Python)")


PRIVATE_NAMES = """
    import jax.numpy as jnp


    class _Acc:
        def __init__(self):
            self.__total = jnp.float32(0.0)

        def add(self, x):
            if x > 0:
                self.__total = self.__total + x
            else:
                self.__total -= 1.0
            return self.__total

        def scan(self, xs):
            for x in xs:
                if x > 1:
                    self.__total += x
            return self.__total

        def count(self, x):
            self.__n = 0
            while x < 100:
                x = x * 2 + 3
                self.__n += 1
            return self.__n


    def run(x, xs):
        acc = _Acc()
        return acc.add(x), acc.scan(xs), acc.count(x)
"""


def test_private_names_of_a_method_mean_what_they_mean_in_its_class():
    """``self.__total = v`` in a branch became ``py2lax.setattr_(self, '__total', v)``:
    Python mangles the ``self.__total`` the user wrote (``self._Acc__total``) but not a
    string, so the rewritten method set another attribute and read ``_Acc__total``
    unassigned (AttributeError). The strings are mangled as Python mangles the names."""
    import jax
    import jax.numpy as jnp

    text = _converted(PRIVATE_NAMES)
    assert "py2lax.setattr_(self, '_Acc__total', " in text
    assert "self.__total + x" in text   # the user's spelling is kept
    original, rewritten = {}, {}
    exec(compile(textwrap.dedent(PRIVATE_NAMES), "<original>", "exec"), original)
    exec(compile(text, "<rewritten>", "exec"), rewritten)
    xs = jnp.arange(4.0)
    for x in (2.0, -1.0):
        assert_tree_close(rewritten["run"](jnp.float32(x), xs), original["run"](x, xs))
    assert_tree_close(jax.jit(rewritten["run"])(jnp.float32(2.0), xs), original["run"](2.0, xs))


def test_a_printed_string_and_an_f_string_keep_their_spelling():
    """IPython's ``print("Aborting.")`` came out as ``py2lax.print_('Aborting.')`` and jax's
    ``f'{"i" if is_signed else "u"}{bits}'`` as ``f"{('i' if ...)}"``: the template of a
    print of one string is that string, spelled as written (one that joins several pieces
    has the first string's quotes); an f-string keeps its text,
    or, where py2lax changed its ``{...}`` parts, the spelling of their constants."""
    source = '''
        def f(x, is_signed, bits):
            if x > 0:
                print("Aborting.\\n")
                w = f'{"i" if is_signed else "u"}{bits * 2 // 8}'
                q = f"{x:>{bits}} {'a'!r}"
                print("{braces}")
                print("total:", x, 'units')
            return w + q
    '''
    text = _converted(source)
    assert 'py2lax.print_("total: {} units", x)' in text   # pieces joined, quotes kept
    assert 'py2lax.print_("Aborting.\\n")' in text
    assert """f'{py2lax.if_exp(is_signed, lambda: "i", lambda: "u")}{bits * 2 // 8}'""" in text
    assert """q = f"{x:>{bits}} {'a'!r}"\n""" in text
    assert 'py2lax.print_("{{braces}}")' in text   # escaped: another string, same quotes
    original, rewritten = {}, {}
    exec(compile(textwrap.dedent(source), "<original>", "exec"), original)
    exec(compile(text, "<rewritten>", "exec"), rewritten)
    assert rewritten["f"](3, True, 4) == original["f"](3, True, 4) == "i1   3 'a'"


PROPERTIES = """
    import jax


    class Clip:
        def __init__(self, x, lo):
            self.x = x
            self.lo = lo

        @property
        def v(self):
            if self.x > self.lo:
                return self.x
            return self.lo

        @v.setter
        def v(self, value):
            if value > 0:
                self.x = value
            else:
                self.x = -value


    def run(x):
        c = Clip(x, 1.0)
        a = c.v * 2
        c.v = x - 5.0
        return a + c.x + c.lo


    fast = jax.jit(run)
"""


def test_properties_a_converted_function_uses_are_converted_too():
    """``c.v`` runs the getter with no call for py2lax to convert: a traced ``if`` in it
    failed under jit in the command's output. The getters and setters of the module's
    properties that a converted function reads or assigns are converted like the helpers
    it calls, and the function keeps the user's ``c.v``."""
    import jax.numpy as jnp

    text = transpile(textwrap.dedent(PROPERTIES), "m.py", readable=True)
    assert transpile(text, "m.py", readable=True) == text
    assert "a = c.v * 2" in text and "getattr_" not in text
    assert "    @property\n    def v(self):\n        # if self.x > self.lo:  ->  lax.cond" in text
    assert "    @v.setter\n    def v(self, value):\n        # if value > 0:  ->  lax.cond" in text
    original, rewritten = {}, {}
    exec(compile(textwrap.dedent(PROPERTIES), "<original>", "exec"), original)
    exec(compile(text, "<rewritten>", "exec"), rewritten)
    for x in (3.0, 0.5, -2.0):
        assert float(rewritten["fast"](jnp.float32(x))) == original["run"](x)


def test_a_nested_def_that_gets_a_decorator_keeps_its_header_text(tmp_path):
    """scipy's ``jax_autojit``: a nested ``@jax.jit`` def gets ``@py2lax.converted``; its
    whole header was printed afresh, losing the comments on the decorator and ``def``
    rows and the parameters' line breaks. The user's rows are copied, with a row for the
    added decorator."""
    source = '''
        import jax


        def outer(x, flag):
            @jax.jit  # type: ignore[misc]
            def inner(  # numpydoc ignore=GL08
                y: float,
            ) -> float:
                if y > 0:
                    return y * 2.0
                return -y

            if flag:
                x = inner(x)
            return x
    '''
    text = _converted(source)
    assert ("    @jax.jit  # type: ignore[misc]\n    @py2lax.converted\n"
            "    def inner(  # numpydoc ignore=GL08\n        y: float,\n    ) -> float:\n") in text
    # A file, not exec: `py2lax.converted` reads the nested function's source.
    # Python's meaning (the original fails under jit): 2y for y > 0, else -y.
    rewritten = load_module(write(tmp_path / "nested_jit.py", text), "nested_jit")
    assert [float(rewritten.outer(x, True)) for x in (3.0, -2.0)] == [6.0, 2.0]
    assert rewritten.outer(3.0, False) == 3.0


# --------------------------------------------------------------------------- second runs
# `--all` and `--standalone` over jax, numpy and IPython, run twice: each class below made
# the second run change what the first wrote.
def _settles(source: str, **options) -> str:
    text = transpile(textwrap.dedent(source), "m.py", all_functions=True, **options)
    assert transpile(text, "m.py", all_functions=True, **options) == text
    return text


@pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])
def test_a_moved_docstring_keeps_its_value_in_plain_output(standalone):
    """IPython's ``BaseFormatter._check_return``: ``transpile`` without ``readable``
    indents ``ast.unparse``'s text to the method's column, rows inside a multi-line
    string too, so every run added four spaces to a method's docstring (and to any
    triple-quoted string): the strings keep their rows as they are."""
    source = '''
        class A:
            def f(self, x):
                """Doc.

                More text.
                """
                s = """a
           b"""
                if x > 0:
                    return x, s
                return -x, s
    '''
    text = _settles(source, standalone=standalone)
    method = ast.parse(text).body[-1].body[0]
    assert ast.get_docstring(method, clean=False) == "Doc.\n\n        More text.\n        "
    assert "s = 'a\\n   b'" in text


@pytest.mark.parametrize("readable", [False, True], ids=["plain", "readable"])
def test_a_super_call_moved_by_an_early_return_settles_in_standalone_output(readable):
    """IPython's ``_check_return`` methods: ``return super().f(...)`` after an early
    ``return`` moves into an ``else`` (``return_value = ...``), where ``super()`` is
    spelled ``super(__class__, self)``; the first run wrote the call the moved copy's
    record held (``super()``, never spelled), the second the spelled one."""
    source = '''
        class A(Base):
            def check(self, r, obj):
                if r is None:
                    return
                return super().check(r, obj)
    '''
    text = _settles(source, standalone=True, readable=readable)
    assert "return_value = super(__class__, self).check(r, obj)" in text


@pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])
def test_a_with_block_whose_manager_is_a_variable_already_settles(standalone):
    """IPython's ``object_inspect_mime``: a ``with`` block that holds a ``raise`` gets its
    manager in a variable (``manager_3 = self.trap`` / ``with manager_3:``) so that the
    runtime can ask whether it suppresses; a second run put that variable in another
    one (``manager_4 = manager_3``). A manager held in a variable the block does not
    rebind stays where it is."""
    source = '''
        class Shell:
            def inspect(self, name):
                with self.trap:
                    info = self.find(name)
                    if info.found:
                        try:
                            doc = self.doc(name)
                        except ImportError:
                            raise ImportError("missing")
                        return doc
                    else:
                        raise KeyError(name)
    '''
    text = _settles(source, standalone=standalone, readable=True)
    assert text.count("manager_") == 2   # `manager_3 = self.trap`, `with manager_3:`


def test_a_name_given_one_of_two_arrays_does_not_make_them_one_in_standalone_output():
    """IPython's ``_merge``: ``if ...: return d2`` then ``d1[key] = ...`` becomes
    ``return_value = d2`` in one branch and ``return_value = d1`` in the other. The alias
    analysis put all three names in one group, so the second run read the write into
    ``d1`` as one ``d2`` would not see, and left the function as Python with a comment.
    ``return_value`` may hold either; ``d1`` and ``d2`` are still two objects."""
    source = '''
        def merge(d1, d2):
            if not isinstance(d2, dict) or not isinstance(d1, dict):
                return d2
            for key, value in d2.items():
                d1[key] = merge(d1.get(key), value)
            return d1
    '''
    text = _settles(source, standalone=True, readable=True)
    assert "left as Python" not in text
    namespace = {}
    exec(compile(text, "<rewritten>", "exec"), namespace)
    assert namespace["merge"]({"a": {"b": 1}}, {"a": {"c": 2}, "d": 3}) == {
        "a": {"b": 1, "c": 2}, "d": 3}


def test_a_host_callback_keeps_its_python_body_in_standalone_output():
    """jax's ``_pad_symmetric_or_reflect``: ``assert mode in (...)`` became a
    ``def check_2(ok): assert ok`` that ``jax.debug.callback`` runs; the second run
    converted that ``assert`` again, into a callback inside the callback. A function
    passed to ``jax.debug.callback`` (or ``pure_callback``/``io_callback``) runs in
    Python on concrete values, and keeps its body as written."""
    source = '''
        import jax

        def f(x):
            def check(ok):
                assert ok
            jax.debug.callback(check, x > 0)
            def raise_if(raising):
                if raising:
                    raise ValueError("bad")
            jax.debug.callback(raise_if, x > 5)
            while x > 0:
                x = x - 1
            return x
    '''
    text = _settles(source, standalone=True, readable=True)
    assert "    def check(ok):\n        assert ok\n    jax.debug.callback(check, x > 0)\n" in text
    assert "        if raising:\n            raise ValueError(\"bad\")\n" in text
    assert text.count("jax.debug.callback") == 2 and "jax.lax.while_loop" in text


def test_a_ternary_on_a_string_comparison_settles_in_standalone_output():
    """jax's ``_pad_symmetric_or_reflect``: ``1 if (mode == "reflect" and n > 1) else 0``
    stays a Python ternary (it compares strings), but its test was written
    ``jnp.logical_and(...)``, which a second run read as traced and made a
    ``lax.cond``. The test of a ternary kept as Python keeps Python's ``and``."""
    source = '''
        def f(mode, n):
            try:
                offset = 1 if (mode == "reflect" and n > 1) else 0
            except ValueError:
                raise
            return offset
    '''
    text = _settles(source, standalone=True, readable=True)
    assert 'offset = 1 if (mode == "reflect" and n > 1) else 0' in text


def test_standalone_output_imports_jax_only_where_it_calls_jax():
    """A function whose plain-jax form only moved an early ``return`` (its ``if`` tests
    a type, which plain jax keeps as Python) got ``import jax`` added all the same, an
    import nothing used."""
    source = '''
        def merge(d1, d2):
            if not isinstance(d2, dict):
                return d2
            d1.update(d2)
            return d1
    '''
    text = _settles(source, standalone=True, readable=True)
    assert "import jax" not in text and "return_value = d2" in text


# --------------------------------------------------------------------------- spellings
def test_joined_strings_and_f_string_templates_keep_their_spelling():
    """IPython and pytest: strings the parser joins (``'it''s'``, ``("a "`` / ``"b")``
    over rows) were printed as one re-quoted string in a rewritten statement, and
    ``print(f"...")`` gave a template in single quotes where the user wrote double
    ones. Joined strings keep their text (in brackets over rows), so does a
    triple-quoted string; a print template made of an f-string takes its quotes."""
    source = '''
        def g(x, foo):
            if x > 0:
                x = foo(x, ("first part "
                            "second part"), 'a''b')
                y = foo(x, """one
          two""", "")
                print(f"value {x:.3e}", "and" " more")
                print(rf"raw \\d {x}")
            return x
    '''
    text = _converted(source)
    assert '("first part "\n' in text and '"second part"), \'a\'\'b\')' in text
    assert 'y = py2lax.converted(foo)(x, """one\n  two""", "")' in text
    assert 'py2lax.print_("value {:.3e} and more", x)' in text
    assert 'py2lax.print_("raw \\\\d {}", x)' in text
    namespace = {}
    exec(compile(text, "<rewritten>", "exec"), namespace)
    assert namespace["g"](1.0, lambda x, a, b: x + len(a) + len(b)) == 25.0
