"""The documentation: generated pages up to date, strict site build, code that matches.

* docs/reference.md and docs/performance.md are generated (scripts/gen_reference.py,
  scripts/gen_performance.py); a mismatch prints the command that regenerates them.
* ``mkdocs build --strict`` succeeds (skipped only when mkdocs is not installed: it comes
  with the ``docs`` extra, which ``dev`` includes).
* Every public function has a docstring with an example, and those examples pass.
* Code shown on the hand-written pages matches what py2lax produces, and the pipeline
  they describe is the one in py2lax/pipeline.py.
"""

from __future__ import annotations

import difflib
import doctest
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import py2lax

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _assert_same_text(path: Path, expected: str, command: str) -> None:
    current = path.read_text() if path.exists() else ""
    if current == expected:
        return
    diff = "".join(list(difflib.unified_diff(
        current.splitlines(keepends=True), expected.splitlines(keepends=True),
        fromfile=f"{path.relative_to(ROOT)} (committed)", tofile="regenerated"))[:60])
    pytest.fail(f"{path.relative_to(ROOT)} is out of date. Regenerate it with:\n\n"
                f"    .venv/bin/{command}\n\nand review the diff:\n{diff}", pytrace=False)


# ----------------------------------------------------------------- generated pages
def test_conversion_reference_is_up_to_date():
    generator = _script("gen_reference")
    _assert_same_text(generator.OUTPUT, generator.generate(), generator.COMMAND)


def test_reference_covers_every_construct_family():
    generator = _script("gen_reference")
    groups = {case.group for case in generator.CASES}
    assert groups == set(generator.GROUPS)
    ids = [case.id for case in generator.CASES]
    assert len(ids) == len(set(ids)), "duplicate anchors"


def test_performance_page_is_up_to_date():
    generator = _script("gen_performance")
    _assert_same_text(generator.OUTPUT, generator.generate(), generator.COMMAND)


# ----------------------------------------------------------------- the site
def test_mkdocs_build_strict(tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]'; the dev extra "
                    "includes it)")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert (tmp_path / "site" / "reference" / "index.html").exists()
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    for name in ("autograph_jit", "while_loop", "setitem"):
        assert name in api, f"{name} missing from the API reference"


def test_nav_lists_every_page():
    config = (ROOT / "mkdocs.yml").read_text()
    nav = re.search(r"^nav:\n(.*?)^\S", config, flags=re.M | re.S).group(1)
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, flags=re.M))
    assert pages == listed, f"not in nav: {sorted(pages - listed)}; missing: {sorted(listed - pages)}"


# ----------------------------------------------------------------- docstrings
def _public_objects():
    for name in sorted(py2lax.__all__):
        obj = getattr(py2lax, name)
        if inspect.isfunction(obj) or (inspect.isclass(obj)
                                       and not issubclass(obj, (BaseException, Warning))):
            yield name, obj


@pytest.mark.parametrize("name", [name for name, _ in _public_objects()])
def test_public_function_has_a_docstring_with_a_passing_example(name):
    obj = getattr(py2lax, name)
    assert obj.__doc__ and obj.__doc__.strip(), f"py2lax.{name} has no docstring"
    tests = [t for t in doctest.DocTestFinder(recurse=False).find(obj, name,
                                                                  globs=vars(inspect.getmodule(obj)))
             if t.examples]
    assert tests, f"py2lax.{name}'s docstring has no `>>>` example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"the example in py2lax.{name}'s docstring fails"


def test_public_errors_have_docstrings():
    for name in py2lax.__all__:
        obj = getattr(py2lax, name)
        if inspect.isclass(obj) and issubclass(obj, (BaseException, Warning)):
            assert obj.__doc__ and obj.__doc__.strip(), f"py2lax.{name} has no docstring"


# ----------------------------------------------------------------- hand-written pages
def _python_blocks(text: str) -> list[str]:
    return [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", text, flags=re.S)]


def _to_source(module_text: str, function: str, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(module_text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return py2lax.to_source(getattr(module, function)).strip()


def test_home_page_shows_the_real_rewritten_source(tmp_path):
    blocks = _python_blocks((DOCS / "index.md").read_text())
    example, _, shown = blocks[0], blocks[1], blocks[2]
    example = "\n".join(line for line in example.splitlines()
                        if not line.startswith("sum_up_to(jnp.array(5))"))
    assert _to_source(example, "sum_up_to", tmp_path, "home_example") == shown.strip()


def test_how_it_works_shows_the_real_rewritten_source(tmp_path):
    text = (DOCS / "how-it-works.md").read_text()
    written = re.search(r'=== "You write"\n\n(.*?)\n=== ', text, flags=re.S).group(1)
    compiled = re.search(r'=== "py2lax compiles"\n\n(.*?)\n\n\S', text, flags=re.S).group(1)
    (source,), (expected,) = _python_blocks(written), _python_blocks(compiled)
    assert _to_source(source, "sum_up_to", tmp_path, "how_example") == expected.strip()


def test_pages_describe_the_real_pipeline():
    from py2lax.pipeline import PASSES

    names = [p.__name__ for p in PASSES]
    for page in ("how-it-works.md", "design.md"):
        text = (DOCS / page).read_text()
        positions = [text.find(f"`{name}`") for name in names]
        assert all(p >= 0 for p in positions), (
            f"docs/{page} does not mention: {[n for n, p in zip(names, positions) if p < 0]}")
        assert positions == sorted(positions), f"docs/{page} lists the passes out of order"


def test_readme_points_to_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert "mkdocs" in readme and "docs/index.md" in readme
