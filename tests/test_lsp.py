"""The language server: its static checks on their own, then ``py2lax lsp`` end to end.

The first half needs no server: the checks, the conversions a document reports, the
preview, and the rule that a diagnostic reads like the error the runtime raises (the
same functions are run under ``autograph_jit`` and their errors compared). The second
half starts ``python -m py2lax lsp`` and drives it over stdio with pytest-lsp:
initialize, open, lenses, preview, diagnostics, hovers, edits, a broken buffer, settings
and shutdown.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap

import jax.numpy as jnp
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from py2lax import messages
from py2lax.errors import ConversionError
from py2lax.lsp.checks import message
from py2lax.lsp.document import analyse
from py2lax.lsp.features import lens_title
from py2lax.lsp.model import error_text
from py2lax.lsp.preview import preview_document, preview_function
from py2lax.transpiler import transpile

SAMPLE = '''\
import jax
import jax.numpy as jnp
from py2lax import autograph_jit


@autograph_jit(static_argnames="n")
def step(x, n):
    total = 0.0
    for i in range(n):
        total = total + x[i]
    if total > 0:
        y = total * 2
    else:
        y = -total
    if x[0] > 1:
        z = 1.0
    return y + z + x[x > 0].sum()


def untouched(x):
    return x
'''
# 0-based lines of SAMPLE
FOR_LINE, IF_LINE, ONE_SIDED_LINE, MASK_LINE = 8, 10, 14, 16


def findings(source: str, **options) -> list[tuple[int, str, str]]:
    """(1-based line, severity, code) of every finding, for a dedented module text."""
    report = analyse(textwrap.dedent(source), "t.py", **options)
    return sorted((f.span.line + 1, f.severity, f.code) for f in report.findings)


def jitted(body: str, decorator: str = "@jax.jit") -> str:
    return f"import jax\nimport jax.numpy as jnp\n\n{decorator}\n" + textwrap.dedent(body)


# --------------------------------------------------------------------------- checks
@pytest.mark.parametrize("body, expected", [
    ("def f(x):\n    return x[x > 0]\n", [(6, "error", "ValueDependentShapeError")]),
    ("def f(x):\n    m = (x > 0) & (x < 3)\n    return x.at[m].set(0)\n",
     [(7, "error", "NonConcreteBooleanIndexError")]),
    ("def f(x):\n    return jnp.nonzero(x)\n", [(6, "error", "ValueDependentShapeError")]),
    ("def f(x):\n    return jnp.nonzero(x, size=3), jnp.where(x > 0, x, 0)\n", []),
    ("def f(x):\n    return jnp.where(x > 0)\n", [(6, "error", "ValueDependentShapeError")]),
    ("def f(x):\n    return int(x) + float(x.sum())\n", [(6, "error", "TracedValueError")] * 2),
    ("def f(x):\n    return bool(x)\n", [(6, "error", "TracedValueError")]),
    ("def f(x):\n    return x.item()\n", [(6, "error", "ConcretizationTypeError")]),
    ("def f(x, n):\n    return [x * i for i in range(n)]\n", [(6, "error", "TracedValueError")]),
    ("def f(x, n):\n    for i in range(n):\n        x = x + i\n    return x\n", []),
    ("def f(x, i):\n    ws = [1.0, 2.0]\n    return ws[i] * x\n",
     [(7, "error", "TracedValueError")]),
    ("def f(x):\n    return [v for v in (x, x) if v > 0]\n",
     [(6, "error", "TracerBoolConversionError")]),
    # static values: shapes, static_argnames, module-level literals, Python numbers
    ("def f(x):\n    n = x.shape[0]\n    ws = [1, 2, 3]\n    return ws[n] + int(n) + x[:n]\n",
     []),
    ("def f(x):\n    n = 1\n    ws = [1, 2]\n    a = ws[n]\n    n = x.sum()\n    return a + n\n",
     []),
    ("def f(x, k):\n    return int(k) + x\n", [(6, "error", "TracedValueError")]),
])
def test_static_checks(body, expected):
    assert findings(jitted(body)) == sorted(expected)


def test_static_argnames_and_methods_are_static():
    source = jitted("def f(x, k):\n    return int(k) + x\n",
                    '@functools.partial(jax.jit, static_argnames="k")')
    assert findings("import functools\n" + source) == []
    method = ("import jax\nclass M:\n    @jax.jit\n    def f(self, x):\n"
              "        return int(self.n) + x\n")
    assert findings(method) == []


def test_undecorated_functions_give_warnings_with_all_functions():
    source = "def f(x):\n    return x[x > 0]\n"
    assert findings(source) == []
    assert findings(source, all_functions=True) == [(2, "warning", "ValueDependentShapeError")]


@pytest.mark.parametrize("body, expected", [
    ("def f(x):\n    if x > 0:\n        y = 1\n    return y\n",
     [(6, "error", "UndefinedVariableError")]),
    ("def f(x):\n    if x > 0:\n        y = 1\n    else:\n        y = 2\n    return y\n", []),
    ("def f(x):\n    y = 0\n    if x > 0:\n        y = 1\n    return y\n", []),
    ("def f(x):\n    if x.ndim > 0:\n        y = 1\n    return y\n", []),
    ("def f(x, n):\n    for i in range(n):\n        w = i\n    return w\n",
     [(6, "error", "UndefinedVariableError")]),
    ("def f(x):\n    while x < 9:\n        x = x * 2\n        last = x\n    return last\n",
     [(6, "error", "UndefinedVariableError")]),
])
def test_variables_defined_on_one_path(body, expected):
    assert findings(jitted(body)) == expected


def test_unsupported_syntax_is_an_error_with_the_pipeline_words():
    report = analyse(jitted("def f(x):\n    yield x\n"), "t.py")
    (finding,) = report.findings
    assert (finding.span.line, finding.code) == (5, "UnsupportedSyntaxError")
    assert finding.message.startswith("`yield` makes this a generator")
    assert "Fix: " in finding.message and report.functions[0].error is not None


def test_conversions_and_lens_title():
    (function, ) = analyse(SAMPLE, "sample.py").functions
    assert lens_title(function) == "py2lax: 2 if → cond, 1 for → fori_loop · Preview"
    first = function.conversions[1]
    assert (first.header, first.primitive, first.span.line) == ("if total > 0:", "lax.cond",
                                                                IF_LINE)
    assert first.code.startswith("y, = py2lax.cond(total > 0, if_true_11, if_false_11")


# ----------------------------------------------------------------- same words as the runtime
RUNTIME_CASES = """\
import jax.numpy as jnp
from py2lax import autograph_jit

WEIGHTS = [1.0, 2.0, 3.0]


@autograph_jit
def one_sided(x):
    if x > 0:
        y = 1.0
    return y


@autograph_jit
def first_in_loop(x, n):
    for i in range(n):
        w = x + i
    return w


@autograph_jit
def masked(x):
    return x[x > 0]


@autograph_jit
def sized(x):
    return jnp.nonzero(x)


@autograph_jit
def converted(x):
    return int(x[0]) + x


@autograph_jit
def list_index(x, i):
    return WEIGHTS[i] * x


@autograph_jit
def comprehension_if(x):
    return [v for v in (x[0], x[1]) if v > 0]
"""
ARGUMENTS = {"one_sided": (jnp.float32(1),), "first_in_loop": (jnp.float32(1), jnp.int32(3)),
             "list_index": (jnp.float32(1), jnp.int32(1))}


def test_diagnostics_read_like_the_runtime_errors(tmp_path):
    path = tmp_path / "runtime_cases.py"
    path.write_text(RUNTIME_CASES)
    spec = importlib.util.spec_from_file_location("runtime_cases", path)
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    report = analyse(RUNTIME_CASES, str(path))
    shown = {f.name: {x.message for x in f.findings} for f in report.functions}
    for name, found in shown.items():
        with pytest.raises(Exception) as raised:
            getattr(cases, name)(*ARGUMENTS.get(name, (jnp.arange(3.0),)))
        error = raised.value
        if isinstance(error, ConversionError):
            assert found == {error_text(error.problem, error.rule, error.fix)}, name
        else:  # a JAX error with py2lax's note
            why, fix = messages.GENERIC_REASONS[type(error).__name__]
            assert f"because {why}.\nFix: {fix}." in "\n".join(error.__notes__), name
            assert found == {message(type(error).__name__, "A comprehension's `if` needs a "
                                     "concrete bool; py2lax does not convert it.")}, name


# --------------------------------------------------------------------------- preview
def test_document_preview_is_the_command_output():
    assert preview_document(SAMPLE, "sample.py") == transpile(SAMPLE, "sample.py", readable=True)


def test_function_preview_is_that_function_of_the_full_rewrite():
    full = transpile(SAMPLE, "sample.py", readable=True)
    shown = preview_function(SAMPLE, "sample.py", line=IF_LINE)
    assert shown.startswith("@functools.partial(jax.jit, static_argnames='n')\ndef step(x, n):")
    assert shown in full
    assert preview_function(SAMPLE, "sample.py", name="step") == shown
    assert "not decorated" in preview_function(SAMPLE, "sample.py", name="untouched")


def test_preview_keeps_a_failing_function_as_written():
    source = SAMPLE + "\n\n@jax.jit\ndef gen(x):\n    yield x\n"
    shown = preview_document(source, "sample.py")
    assert shown.startswith("# py2lax cannot convert 1 function; it is shown as written:\n"
                            "#   sample.py:26:5: `yield` makes this a generator")
    assert "@jax.jit\ndef gen(x):\n    yield x\n" in shown and "py2lax.cond(" in shown


def test_the_server_modules_do_not_import_jax():
    code = ("import sys, py2lax.lsp.server, py2lax.lsp.document, py2lax.lsp.preview\n"
            "assert 'jax' not in sys.modules, 'jax imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_file_named_lsp_is_still_rewritten(tmp_path, monkeypatch, capsys):
    from py2lax.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "lsp").write_text("x = 1\n")
    assert main(["./lsp"]) == 0 and main(["--", "lsp"]) == 0
    assert capsys.readouterr().out == "x = 1\nx = 1\n"
    with pytest.raises(SystemExit) as exited:
        main(["lsp", "--help"])
    assert exited.value.code == 0 and "language server" in capsys.readouterr().out


# --------------------------------------------------------------------------- end to end
def server_config() -> ClientServerConfig:
    return ClientServerConfig(server_command=[sys.executable, "-m", "py2lax", "lsp"])


async def start(client: LanguageClient, **initialization_options):
    return await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        initialization_options=initialization_options or None))


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):
    yield
    if lsp_client._server is not None and lsp_client._server.returncode is None:
        await lsp_client.shutdown_session()


URI = "file:///work/sample.py"


async def open_sample(client: LanguageClient, text: str = SAMPLE, uri: str = URI):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                             text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def change(client: LanguageClient, version: int, *changes, uri: str = URI):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=list(changes)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def preview(client: LanguageClient, **arguments) -> str:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="py2lax.preview", arguments=[{"uri": URI, **arguments}]))


async def lenses(client: LanguageClient) -> list[str]:
    found = await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=URI)))
    return [lens.command.title for lens in found]


def diagnostics(client: LanguageClient) -> list[tuple[int, str]]:
    return sorted((d.range.start.line, str(d.code)) for d in client.diagnostics[URI])


@pytest.mark.asyncio
async def test_session(client: LanguageClient):
    result = await start(client)
    capabilities = result.capabilities
    assert list(capabilities.execute_command_provider.commands) == ["py2lax.preview"]
    assert capabilities.code_lens_provider is not None and capabilities.hover_provider
    await open_sample(client)
    assert diagnostics(client) == sorted([
        (FOR_LINE, "conversion"), (IF_LINE, "conversion"), (ONE_SIDED_LINE, "conversion"),
        (ONE_SIDED_LINE, "UndefinedVariableError"), (MASK_LINE, "ValueDependentShapeError")])
    severities = {str(d.code): d.severity for d in client.diagnostics[URI]}
    assert severities["conversion"] == types.DiagnosticSeverity.Hint
    assert severities["UndefinedVariableError"] == types.DiagnosticSeverity.Error
    assert await lenses(client) == ["py2lax: 2 if → cond, 1 for → fori_loop · Preview"]
    assert await preview(client) == transpile(SAMPLE, "/work/sample.py", readable=True)
    assert "def step(x, n):" in await preview(client, line=IF_LINE)

    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=types.Position(line=IF_LINE, character=6)))
    assert "`lax.cond`" in hover.contents.value and "py2lax.cond(total > 0" in hover.contents.value

    # An unsaved incremental edit: `z` gets a value before the `if`.
    await change(client, 2, types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=ONE_SIDED_LINE, character=0),
                          end=types.Position(line=ONE_SIDED_LINE, character=0)),
        text="    z = 0.0\n"))
    assert "UndefinedVariableError" not in {code for _, code in diagnostics(client)}
    assert (ONE_SIDED_LINE + 1, "conversion") in diagnostics(client)   # the `if` moved down
    assert "z = 0.0" in await preview(client)

    # A broken buffer (full sync): last good results, and the server keeps going.
    broken = SAMPLE.replace("if total > 0:", "if total > 0")
    await change(client, 3, types.TextDocumentContentChangeWholeDocument(text=broken))
    assert ("SyntaxError" in {code for _, code in diagnostics(client)})
    assert await lenses(client) == ["py2lax: 2 if → cond, 1 for → fori_loop · Preview"]
    shown = await preview(client)
    assert shown.startswith("# py2lax: this file does not parse (line 11") and "z = 0.0" in shown

    # Fixed again, with another function: fresh results.
    fixed = SAMPLE.replace("def untouched(x):", "@jax.jit\ndef untouched(x):\n"
                           "    while x < 2:\n        x = x + 1\n    return x\n\ndef other(x):")
    await change(client, 4, types.TextDocumentContentChangeWholeDocument(text=fixed))
    assert "SyntaxError" not in {code for _, code in diagnostics(client)}
    assert (await lenses(client))[1] == "py2lax: 1 while → while_loop · Preview"


@pytest.mark.asyncio
async def test_hints_setting_and_shutdown(client: LanguageClient):
    await start(client, hints=False)
    await open_sample(client)
    assert "conversion" not in {code for _, code in diagnostics(client)}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"py2lax": {"hints": True}}))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "conversion" in {code for _, code in diagnostics(client)}
    await client.shutdown_session()
    assert client._server.returncode == 0


@pytest.mark.asyncio
async def test_the_server_never_runs_the_document(client: LanguageClient, tmp_path):
    marker = tmp_path / "ran"
    text = (f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)\n\n" + SAMPLE)
    await start(client)
    await open_sample(client, text)
    assert "py2lax.cond(" in await preview(client)
    assert not marker.exists()
