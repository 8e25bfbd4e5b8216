"""A sampled run of the command line over installed third-party code, beyond jax, pytest
and IPython (issue 13): ``py2lax --all --write`` (and ``--standalone``) over a copy of a
few modules of other packages must report no error, write text that parses, and leave
nothing for a second run (``--check`` clean). The whole sweep, over ~800 files, is
``/tmp/scratch/tp/sweep.py`` in the session that wrote this file; these modules are a
fast sample of it, one per package, each one the command rewrites."""

from __future__ import annotations

import ast
import importlib.util
import shutil
from pathlib import Path

import pytest

from conftest import run_cli

# (package, module path inside it): modules the command rewrites, from packages this
# project's environment installs (its own dependencies and theirs)
SAMPLE = [
    ("jax", "experimental/pallas/ops/tpu/all_gather.py"),
    ("hypothesis", "control.py"),
    ("numpy", "_core/_exceptions.py"),
    ("pluggy", "_caller.py"),
    ("prompt_toolkit", "auto_suggest.py"),
    ("markdown", "extensions/admonition.py"),
    ("packaging", "_musllinux.py"),
    ("pygments", "formatters/irc.py"),
]


def _installed(package: str, path: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(list(spec.submodule_search_locations)[0]) / path
    return candidate if candidate.is_file() else None


def _copies(tmp_path: Path) -> list[Path]:
    """The sample's modules copied under ``tmp_path`` (the command rewrites the copies)."""
    found = [(package, path, _installed(package, path)) for package, path in SAMPLE]
    present = [(package, path, source) for package, path, source in found if source]
    # a package's new version may move a module; most of the sample must still be there
    assert len(present) >= len(SAMPLE) - 2, [f"{p}/{m}" for p, m, s in found if s is None]
    copies = []
    for package, path, source in present:
        copy = tmp_path / package / path.replace("/", "_")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        copies.append(copy)
    return copies


@pytest.mark.parametrize("flags", [["--all"], ["--all", "--standalone"]],
                         ids=["runtime", "standalone"])
def test_installed_modules_are_rewritten_once_and_for_all(tmp_path, capsys, flags):
    copies = _copies(tmp_path / "src")
    originals = {copy: copy.read_text(encoding="utf-8") for copy in copies}
    status, _, err = run_cli([*flags, "--write", "-q", *copies], capsys)
    assert "internal error" not in err and "Traceback" not in err, err
    assert status == 0, err
    changed = [copy for copy in copies if copy.read_text(encoding="utf-8") != originals[copy]]
    assert changed, "the sample should hold modules the command rewrites"
    for copy in copies:
        ast.parse(copy.read_text(encoding="utf-8"), str(copy))
    assert run_cli([*flags, "--check", "-q", *copies], capsys) == (0, "", "")
