"""The VS Code extension in editors/vscode: its manifest, and its TypeScript compiled.

The manifest checks need nothing. The build runs ``npm ci && npm run compile`` in a
copy of the extension (the repository stays clean) and then drives the language server
with ``vscode-jsonrpc``, the library the extension's client is built on
(``scripts/smoke.js``). It needs Node.js and the npm registry: without ``npm`` on PATH
the test is skipped with a message saying so; without the registry it is skipped too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from py2lax.lsp.features import PREVIEW_COMMAND

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
    assert package["scripts"]["compile"] == "tsc -p ./"
    assert "vscode-languageclient" in package["dependencies"]


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

    smoke = subprocess.run([node, "scripts/smoke.js", sys.executable], cwd=work,
                           capture_output=True, text=True, timeout=120)
    assert smoke.returncode == 0, smoke.stderr
    result = json.loads(smoke.stdout.strip().splitlines()[-1])
    assert result["commands"] == [PREVIEW_COMMAND] and result["exitCode"] == 0
    assert result["lens"] == "py2lax: 1 if → cond · Preview"
    assert "py2lax.cond(x > 1, if_true_5, if_false_5, (x,))" in result["preview"]
