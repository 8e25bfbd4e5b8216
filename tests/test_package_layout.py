"""The package is laid out by role, and the rules between its parts hold.

* folders by role: ``frontend`` (source, syntax, gast bridge, fence), ``analysis``,
  ``transforms`` (the passes and the records they make), ``backends`` (the runtime
  calls' loader, plain lax, printing), ``runtime``, ``tools`` (cli, lsp, notebook),
  ``diagnostics`` (errors, messages, guard, JAX error notes, tracebacks); at the top only
  the two entry points (``api``, ``transpiler``) and the pass list (``pipeline``);
* only the runtime and the API import jax (and ``diagnostics.tracebacks``, which hooks
  py2lax into JAX's traceback filtering when called), so the command line and the
  language server start without it;
* only ``frontend.syntax`` imports gast;
* no module imports, at import time, a module that imports it back.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "py2lax"
FOLDERS = {"frontend", "analysis", "transforms", "backends", "runtime", "tools", "diagnostics"}
TOP_LEVEL = {"__init__.py", "__main__.py", "api.py", "pipeline.py", "transpiler.py"}
JAX_ALLOWED = ("runtime/", "api.py", "diagnostics/tracebacks.py")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(("py2lax",) + (parts[:-1] if parts[-1] == "__init__" else parts))
        found[name] = path
    return found


MODULES = _modules()


def _imported(path: Path, top_level_only: bool) -> list[tuple[str, int]]:
    """``(module, line)`` for each import in the file (at module level only, if asked)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names
                      if f"{node.module}.{alias.name}" in MODULES]
        elif top_level_only and isinstance(node, (ast.If, ast.Try)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and not inner.level:
                    found.append((inner.module, inner.lineno))
    return found


def test_the_package_is_laid_out_by_role():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    files = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py"}
    assert folders == FOLDERS, folders
    assert files == TOP_LEVEL, files


def test_only_the_runtime_and_the_api_import_jax():
    offenders = []
    for name, path in MODULES.items():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(JAX_ALLOWED):
            continue
        offenders += [f"{relative}:{line} imports {module}" for module, line in
                      _imported(path, top_level_only=False)
                      if module == "jax" or module.startswith("jax.")]
    assert not offenders, offenders


def test_only_the_syntax_module_imports_gast():
    offenders = [f"{path.relative_to(PACKAGE)}:{line}" for name, path in MODULES.items()
                 for module, line in _imported(path, top_level_only=False)
                 if module.split(".")[0] == "gast" and name != "py2lax.frontend.syntax"]
    assert not offenders, offenders


def test_no_import_cycles():
    graph = {name: {module for module, _ in _imported(path, top_level_only=True)
                    if module in MODULES and module != name}
             for name, path in MODULES.items()}
    cycles = [cycle for cycle in _cycles(graph) if len(cycle) > 1]
    assert not cycles, cycles


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in graph.get(node, ()):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_command_line_and_the_language_server_start_without_jax():
    code = ("import sys; import py2lax.tools.cli.main, py2lax.tools.lsp.server, "
            "py2lax.transpiler; print('jax' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
