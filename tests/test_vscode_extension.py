"""The VS Code extension in editors/vscode: its manifest, and its TypeScript bundled.

The manifest checks need nothing. The build runs ``npm ci && npm run compile`` (type
check, then one esbuild bundle) in a copy of the extension (the repository stays clean),
loads the bundle alone, without ``node_modules``, as VS Code loads a packaged extension,
and then drives the language server with ``vscode-jsonrpc``, the library the extension's
client is built on (``scripts/smoke.js``). It needs Node.js and the npm registry: without
``npm`` on PATH the test is skipped with a message saying so; without the registry it is
skipped too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from py2lax.tools.lsp.features import PREVIEW_COMMAND

EXTENSION = Path(__file__).resolve().parent.parent / "editors" / "vscode"
SOURCES = ("package.json", "package-lock.json", "tsconfig.json", "src", "scripts")
OFFLINE = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network")


def manifest() -> dict:
    return json.loads((EXTENSION / "package.json").read_text())


def test_manifest_contributes_the_command_and_settings():
    package = manifest()
    assert package["activationEvents"] == ["onLanguage:python"]
    commands = {c["command"]: f"{c['category']}: {c['title']}"
                for c in package["contributes"]["commands"]}
    assert commands["py2lax.showPreview"] == "py2lax: Preview lax conversion"
    settings = package["contributes"]["configuration"]["properties"]
    assert {"py2lax.pythonPath", "py2lax.hints", "py2lax.allFunctions"} <= set(settings)
    assert "vscode-languageclient" in package["dependencies"]


def test_manifest_bundles_with_esbuild_and_names_the_repository():
    package = manifest()
    scripts = package["scripts"]
    assert scripts["compile"].startswith("tsc -p ./ && npm run bundle")
    assert scripts["bundle"].startswith("esbuild src/extension.ts --bundle ")
    assert "--external:vscode" in scripts["bundle"] and "esbuild" in package["devDependencies"]
    assert package["main"] == "./out/extension.js"
    assert "--no-dependencies" in scripts["package"] and "--allow-missing" not in scripts["package"]
    assert package["repository"]["directory"] == "editors/vscode"
    tsconfig = json.loads((EXTENSION / "tsconfig.json").read_text())
    assert tsconfig["compilerOptions"]["noEmit"] is True  # tsc only checks: esbuild writes out/


def test_extension_uses_the_servers_command_and_starts_py2lax_lsp():
    source = (EXTENSION / "src" / "extension.ts").read_text()
    assert f'const SERVER_PREVIEW = "{PREVIEW_COMMAND}"' in source
    assert 'args: ["-m", "py2lax", "lsp"]' in source
    lock = json.loads((EXTENSION / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == manifest()["dependencies"]


def test_node_modules_and_builds_are_not_tracked():
    assert "node_modules/" in (EXTENSION / ".gitignore").read_text()
    if shutil.which("git") is None:
        pytest.skip("git not on PATH: tracked files not checked")
    tracked = subprocess.run(["git", "ls-files", str(EXTENSION)], capture_output=True,
                             text=True, cwd=EXTENSION).stdout.split()
    if not tracked:
        pytest.skip("editors/vscode is not tracked by git (yet)")
    assert not [p for p in tracked if "node_modules/" in p or p.endswith((".vsix", ".js.map"))]


def test_typescript_compiles_and_talks_to_the_server(tmp_path):
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("npm/node not on PATH: the VS Code extension's TypeScript was not compiled")
    work = tmp_path / "vscode"
    work.mkdir()
    for name in SOURCES:
        source = EXTENSION / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, work / name)
    installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=work,
                               capture_output=True, text=True, timeout=300)
    if installed.returncode != 0 and OFFLINE.search(installed.stderr):
        pytest.skip(f"the npm registry is unreachable, extension not built: "
                    f"{installed.stderr.strip().splitlines()[-1]}")
    assert installed.returncode == 0, installed.stderr
    compiled = subprocess.run([npm, "run", "compile"], cwd=work, capture_output=True,
                              text=True, timeout=300)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    assert (work / "out" / "extension.js").is_file()
    assert _bundle_exports(work / "out" / "extension.js", tmp_path / "alone", node) == [
        "activate", "deactivate"]

    smoke = subprocess.run([node, "scripts/smoke.js", sys.executable], cwd=work,
                           capture_output=True, text=True, timeout=120)
    assert smoke.returncode == 0, smoke.stderr
    result = json.loads(smoke.stdout.strip().splitlines()[-1])
    assert result["commands"] == [PREVIEW_COMMAND] and result["exitCode"] == 0
    assert result["lens"] == "py2lax: 1 if → cond · Preview"
    assert "py2lax.cond(x > 1, if_true_5, None, (x,))" in result["preview"]


# What `vscode` is while the bundle loads: any name is a class (vscode-languageclient
# subclasses some at load time). Nothing else is installed next to the bundle.
_VSCODE_STUB = ("module.exports = new Proxy({}, "
                "{ get: (_, name) => (name === '__esModule' ? undefined : class {}) });\n")


def _bundle_exports(bundle: Path, directory: Path, node: str) -> list[str]:
    """The names ``require(bundle)`` exports, loaded with no ``node_modules`` but ``vscode``."""
    stub = directory / "node_modules" / "vscode"
    stub.mkdir(parents=True)
    (stub / "index.js").write_text(_VSCODE_STUB)
    shutil.copy2(bundle, directory / "extension.js")
    loaded = subprocess.run(
        [node, "-e", "console.log(JSON.stringify(Object.keys(require('./extension.js')).sort()))"],
        cwd=directory, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    return json.loads(loaded.stdout)
