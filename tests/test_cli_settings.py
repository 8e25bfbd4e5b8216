"""The ``py2lax`` command in a repository: ``[tool.py2lax]`` in ``pyproject.toml``,
``--exclude`` / ``--extend-exclude`` / ``--force-exclude``, and ``.gitignore``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import run_cli

TRACED_IF = """
    import jax

    @jax.jit
    def f(x):
        if x > 0:
            x = x * 2
        return x
"""
UNDECORATED = """
    def g(x):
        while x < 10:
            x = x * 2
        return x
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def project(tmp_path: Path, table: str = "", files=("a.py",)) -> Path:
    """A repository: ``.git``, a ``pyproject.toml`` with ``[tool.py2lax]`` holding
    ``table``, and ``files`` with a traced ``if`` in a ``jax.jit`` function."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pyproject.toml", f"[project]\nname = 'demo'\n\n[tool.py2lax]\n{table}")
    for name in files:
        write(tmp_path / name, TRACED_IF)
    return tmp_path


def would_rewrite(err: str, root: Path) -> list[str]:
    return sorted(Path(line.split(" ", 2)[2]).resolve().relative_to(root.resolve()).as_posix()
                  for line in err.splitlines() if line.startswith("would rewrite"))


def test_settings_come_from_pyproject(tmp_path, capsys):
    root = project(tmp_path, "all = true\nstandalone = true\n", files=())
    path = write(root / "src" / "g.py", UNDECORATED)
    status, out, err = run_cli([path], capsys)
    assert (status, err) == (0, "")
    assert "jax.lax.while_loop(" in out and "py2lax" not in out   # --all --standalone


def test_the_root_is_found_above_the_files(tmp_path, capsys, monkeypatch):
    root = project(tmp_path, "all = true\n", files=())
    write(root / "pkg" / "deep" / "g.py", UNDECORATED)
    monkeypatch.chdir(root / "pkg")
    status, out, _ = run_cli(["deep/g.py"], capsys)
    assert status == 0 and "py2lax.while_loop(" in out


@pytest.mark.parametrize("table, message", [
    ("al = true\n", "unknown setting 'al'"),
    ("all = 'yes'\n", "all must be true or false"),
    ("exclude = 'build'\n", "exclude must be a list of strings"),
])
def test_a_wrong_setting_is_one_line_and_exit_2(tmp_path, capsys, table, message):
    root = project(tmp_path, table)
    status, out, err = run_cli([root / "a.py"], capsys)
    assert (status, out) == (2, "")
    assert err == f"py2lax: {root / 'pyproject.toml'}: [tool.py2lax]: {message}" + (
        " (the settings are all, exclude, extend-exclude, force-exclude, respect-gitignore, "
        "standalone)\n" if "unknown" in message else "\n")


def test_extend_exclude_adds_to_the_default_list(tmp_path, capsys):
    root = project(tmp_path, 'extend-exclude = ["generated/"]\n',
                   files=("a.py", "generated/b.py", "pkg/generated/c.py", ".hidden/d.py",
                          "legacy_e.py"))
    status, _, err = run_cli(["--check", "--extend-exclude", "legacy_*.py", root], capsys)
    assert status == 1 and would_rewrite(err, root) == ["a.py"]


def test_exclude_replaces_the_default_list(tmp_path, capsys):
    root = project(tmp_path, files=("a.py", ".hidden/d.py", "build/b.py", "gen/c.py"))
    status, _, err = run_cli(["--check", "--exclude", "build/,gen", root], capsys)
    assert status == 1 and would_rewrite(err, root) == [".hidden/d.py", "a.py"]


def test_a_file_named_explicitly_is_excluded_only_with_force_exclude(tmp_path, capsys):
    root = project(tmp_path, 'extend-exclude = ["generated/"]\n', files=("generated/b.py",))
    path = root / "generated" / "b.py"
    assert run_cli(["--check", path], capsys)[0] == 1
    assert run_cli(["--check", "--force-exclude", path], capsys)[:2] == (0, "")
    write(root / "pyproject.toml", '[tool.py2lax]\nextend-exclude = ["generated/"]\n'
                                   "force-exclude = true\n")
    assert run_cli(["--check", path], capsys)[0] == 0


def test_gitignore_is_respected(tmp_path, capsys):
    root = project(tmp_path, files=("a.py", "out/b.py", "pkg/c.py", "pkg/tmp_d.py", "e_local.py"))
    write(root / ".gitignore", "out/\n*_local.py\n")
    write(root / "pkg" / ".gitignore", "tmp_*.py\n")
    status, _, err = run_cli(["--check", root], capsys)
    assert status == 1 and would_rewrite(err, root) == ["a.py", "pkg/c.py"]
    write(root / "pyproject.toml", "[tool.py2lax]\nrespect-gitignore = false\n")
    _, _, err = run_cli(["--check", root], capsys)
    assert would_rewrite(err, root) == ["a.py", "e_local.py", "out/b.py", "pkg/c.py",
                                        "pkg/tmp_d.py"]


def test_without_a_project_the_defaults_apply(tmp_path, capsys):
    write(tmp_path / "a.py", TRACED_IF)
    write(tmp_path / "venv" / "b.py", TRACED_IF)
    status, _, err = run_cli(["--check", tmp_path], capsys)
    assert status == 1 and would_rewrite(err, tmp_path) == ["a.py"]
