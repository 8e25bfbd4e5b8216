"""The language server: its static checks on their own, then ``py2lax lsp`` end to end.

The first half needs no server: the checks, the conversions a document reports, the
preview, the rule that a diagnostic reads like the error the runtime raises (the same
functions are run under ``autograph_jit`` and their errors compared), and the caching
that makes an edit cost the analysis of one function (blocks, the choice of functions,
reports kept by function text). The second half starts ``python -m py2lax lsp`` and
drives it over stdio with pytest-lsp: initialize, open, lenses, preview, diagnostics,
hovers, edits, a broken buffer, settings and shutdown. Latency is measured by
``benchmarks/lsp_latency.py``, not here.
"""

from __future__ import annotations

import asyncio
import time
import dataclasses
import importlib.util
import subprocess
import sys
import textwrap

import jax.numpy as jnp
import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from py2lax.diagnostics import messages
from py2lax.frontend import syntax as S
from py2lax.diagnostics.errors import ConversionError
from py2lax.tools.lsp.checks import message
from py2lax.tools.lsp.chosen import chosen
from py2lax.tools.lsp.features import lens_title
from py2lax.tools.lsp.index import index
from py2lax.tools.lsp.model import error_text
from py2lax.tools.lsp.preview import preview_document, preview_function
from py2lax.tools.lsp.reports import Analysis, FunctionCache, analyse
from py2lax.tools.lsp.segments import outline
from py2lax.tools.lsp.server import create_server
from py2lax.analysis.targets import targets
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
    # a traced scalar's int/float/bool/.item() is a traced value of that type
    ("def f(x):\n    return int(x) + float(x.sum())\n", []),
    ("def f(x):\n    return bool(x)\n", []),
    ("def f(x):\n    return x.item()\n", []),
    ("def f(x, n):\n    return [x * i for i in range(n)]\n", [(6, "error", "TracedValueError")]),
    ("def f(x, n):\n    for i in range(n):\n        x = x + i\n    return x\n", []),
    ("def f(x, i):\n    ws = [1.0, 2.0]\n    return ws[i] * x\n",
     [(7, "error", "TracedValueError")]),
    ("def f(x):\n    return [v for v in (x, x) if v > 0]\n",
     [(6, "error", "ValueDependentShapeError")]),
    # static values: shapes, static_argnames, module-level literals, Python numbers
    ("def f(x):\n    n = x.shape[0]\n    ws = [1, 2, 3]\n    return ws[n] + int(n) + x[:n]\n",
     []),
    ("def f(x):\n    n = 1\n    ws = [1, 2]\n    a = ws[n]\n    n = x.sum()\n    return a + n\n",
     []),
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
    ("def f(x, n):\n    for i in range(n):\n        w = w + i\n    return w\n",
     [(6, "error", "UndefinedVariableError")]),
    # assigned before it is read in every iteration: the last iteration's value
    ("def f(x, n):\n    for i in range(n):\n        w = i\n    return w\n", []),
    ("def f(x, n):\n    for i in range(n):\n        if x > 0:\n            w = i\n    return w\n",
     [(7, "warning", "UndefinedVariableError")]),
    ("def f(x):\n    while x < 9:\n        x = x * 2\n        last = x\n    return last\n",
     [(6, "error", "UndefinedVariableError")]),
])
def test_variables_defined_on_one_path(body, expected):
    assert findings(jitted(body)) == expected


def test_nested_static_loops_settle(monkeypatch):
    """The traced-value estimate of loops nested over Python lists (code like jax's own
    ``platform_dependent``) settles after a few visits of each statement. It used to
    overwrite a loop's head state with its target, so the fixpoint never settled and
    the language server hung on the file."""
    from py2lax.analysis import traced_values

    visits = []
    visit = traced_values.TracedValues._statement

    def counted(self, node, state):
        visits.append(node)
        assert len(visits) < 500, "the loop analysis does not settle"
        return visit(self, node, state)

    monkeypatch.setattr(traced_values.TracedValues, "_statement", counted)
    source = textwrap.dedent("""\
        def f(x, names):
            groups = []
            for name in names:
                for g, b in groups:
                    for h in g:
                        if h == name:
                            g.append(name)
                            break
                else:
                    groups.append(([name], x))
            return groups
        """)
    analyse(source, "nested.py", all_functions=True)
    assert 0 < len(visits) < 100


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
    (plain,) = analyse(jitted("def f(x):\n    return x + 1\n")).functions
    assert lens_title(plain) == "py2lax: nothing to rewrite · Preview"   # resolved lenses


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
        w = w + x + i
    return w


@autograph_jit
def masked(x):
    return x[x > 0]


@autograph_jit
def sized(x):
    return jnp.nonzero(x)


@autograph_jit
def comprehension_if(x):
    return [v for v in (x[0], x[1]) if v > 0]
"""
ARGUMENTS = {"one_sided": (jnp.float32(1),), "first_in_loop": (jnp.float32(1), jnp.int32(3))}


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


def test_no_diagnostic_for_lists_autograph_jit_reads_at_a_traced_position(tmp_path):
    source = RUNTIME_CASES + """

@autograph_jit
def list_index(x, i):
    made = [x, x * 2.0]
    return WEIGHTS[i] * made[i]
"""
    path = tmp_path / "list_cases.py"
    path.write_text(source)
    report = analyse(source, str(path))
    assert not [f for f in report.functions if f.name == "list_index" and f.findings]
    spec = importlib.util.spec_from_file_location("list_cases", path)
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    assert float(cases.list_index(jnp.float32(1), jnp.int32(1))) == 4.0


# --------------------------------------------------------------------------- preview
def test_document_preview_is_the_command_output():
    assert preview_document(SAMPLE, "sample.py") == transpile(SAMPLE, "sample.py", readable=True)


def test_function_preview_is_that_function_of_the_full_rewrite():
    full = transpile(SAMPLE, "sample.py", readable=True)
    shown = preview_function(SAMPLE, "sample.py", line=IF_LINE)
    assert shown.startswith("@functools.partial(jax.jit, static_argnames=")
    assert shown.splitlines()[1] == "def step(x, n):"
    assert shown in full
    assert preview_function(SAMPLE, "sample.py", name="step") == shown
    assert "not decorated" in preview_function(SAMPLE, "sample.py", name="untouched")


def test_each_function_previews_as_in_the_full_rewrite():
    text = TRICKY + "\n\ndef f_twice(x):\n    return x\n\n\ndef f_twice(x):\n    return x\n"
    full = transpile(text, "tricky.py", readable=True)
    for name in ("f", "h"):
        shown = preview_function(text, "tricky.py", name=name)
        assert "py2lax." in shown and shown in full, name


def test_preview_keeps_a_failing_function_as_written():
    source = SAMPLE + "\n\n@jax.jit\ndef gen(x):\n    yield x\n"
    shown = preview_document(source, "sample.py")
    assert shown.startswith("# py2lax cannot convert 1 function; it is shown as written:\n"
                            "#   sample.py:26:5: `yield` makes this a generator")
    assert "@jax.jit\ndef gen(x):\n    yield x\n" in shown and "py2lax.cond(" in shown


# --------------------------------------------------------------------------- caching
TRICKY = '''\
"""A module docstring that looks like code at column 0:
def not_a_function(x):
@not_a_decorator
"""
import functools
import jax

LIMIT = 3


class Model:
    @jax.jit
    def apply(self, x):
        if x > 0:
            y = 1
        return y


@functools.partial(
    jax.jit,
    static_argnames="n")
def f(x, n):
    for i in range(n):
        x = x + LIMIT
    return x
total = (1 +
2)
def h(x):
    while x < LIMIT:
        x = x + 1
    return x
h_jit = jax.jit(h)
'''


def long_module(functions: int, first: int = 0) -> str:
    kernel = ("@jax.jit\ndef k{k}(x, n):\n    total = 0.0\n    for i in range(n):\n"
              "        if x[i] > {k}:\n            total = total + x[i]\n    return total\n\n\n")
    return "import jax\n\n\n" + "".join(kernel.format(k=k)
                                       for k in range(first, first + functions))


def test_blocks_are_the_statements_of_the_whole_parse():
    for text in (TRICKY, "\n\n" + TRICKY, TRICKY.replace("\n\n\nclass", "\nclass")):
        shape = outline(text)
        whole = S.parse_module(text).body
        assert [(offset + node.lineno, S.dump(node)) for offset, node in shape.statements] == [
            (node.lineno, S.dump(node)) for node in whole]
    # The docstring's `def` and `@` lines are joined to the blocks around them, which
    # then run to the next `@`/`def` that starts a statement (`@functools`, `def h`).
    assert [block.start for block in outline(TRICKY).blocks] == [0, 18, 27]


def test_a_document_that_does_not_parse_has_its_syntax_error():
    broken = TRICKY.replace("def h(x):", "def h(x)")
    assert outline(broken).syntax_error.lineno == 28      # the document's line, 1-based
    assert analyse(broken).syntax_error.lineno == 28
    assert outline(TRICKY.replace("total = (1 +", "total = (1 +\n(")).syntax_error is not None


@pytest.mark.parametrize("old, new", [
    ("        x = x + LIMIT\n", "        global LIMIT\n        x = x + LIMIT\n"),
    ("LIMIT = 3", "LIMIT = [3]"),
    ("h_jit = jax.jit(h)", "h_jit = jax.jit(h, static_argnames='x')"),
    ("def h(x):", "def LIMIT(x):"),
    ("        x = x + 1", "        x = x + 2"),
])
def test_functions_are_chosen_as_the_whole_module_chooses_them(old, new):
    def choice(text, all_functions):
        found = chosen(outline(text), all_functions)
        return [(t.function.name, sorted(t.static_names)) for t in found]
    for all_functions in (False, True):
        for text in (TRICKY, TRICKY.replace(old, new)):   # the second reuses the first's
            expected = targets(S.parse_module(text), all_functions)
            assert choice(text, all_functions) == [
                (t.function.name, sorted(t.static_names)) for t in expected]


def test_an_edit_analyses_only_the_function_it_changes():
    cache = FunctionCache()
    text = long_module(6)
    first = analyse(text, "m.py", cache=cache)
    assert cache.analysed == 6 and len(first.functions) == 6
    edited = text.replace("x[i] > 3", "x[i] >= 3")
    analyse(edited, "m.py", cache=cache)
    assert cache.analysed == 7
    moved = "# a new first line\n" + edited
    report = analyse(moved, "m.py", cache=cache)
    assert cache.analysed == 7        # every function moved down a line: none analysed
    fresh = analyse(moved, "m.py", cache=FunctionCache())
    assert [(f.name, f.span, f.findings) for f in report.functions] == [
        (f.name, f.span, f.findings) for f in fresh.functions]
    assert [[dataclasses.replace(c, code="", carried=()) for c in f.conversions]
            for f in report.functions] == [
        [dataclasses.replace(c, code="", carried=()) for c in f.conversions]
        for f in fresh.functions]
    analyse(moved, "other.py", cache=cache)
    assert cache.analysed == 13       # the file name is part of every message


def test_an_exact_report_has_the_helper_names_of_its_lines():
    cache = FunctionCache()
    text = long_module(2)
    analyse(text, "m.py", cache=cache)
    document = index("\n\n" + text, "m.py")
    analysis = Analysis(document, "m.py", cache)
    entry = document.functions[1]
    moved = analysis.report(entry)
    exact = analysis.report(entry, exact=True)
    assert moved.span == exact.span and cache.analysed == 3
    assert "if_true_17" in moved.conversions[1].code     # as analysed, two lines up
    assert "if_true_19" in exact.conversions[1].code


def test_the_server_modules_do_not_import_jax():
    code = ("import sys, py2lax.tools.lsp.server, py2lax.tools.lsp.reports, py2lax.tools.lsp.preview\n"
            "assert 'jax' not in sys.modules, 'jax imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_file_named_lsp_is_still_rewritten(tmp_path, monkeypatch, capsys):
    from py2lax.tools.cli.main import main

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


@pytest.mark.asyncio
async def test_a_preview_of_an_unknown_file_is_a_clear_error(client: LanguageClient, tmp_path,
                                                             capsys):
    await start(client)
    missing = (tmp_path / "missing.py").as_uri()
    with pytest.raises(JsonRpcException, match="is not open in the editor and cannot be read "
                       "from disk"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="py2lax.preview", arguments=[{"uri": missing, "line": 3}]))
    on_disk = tmp_path / "on_disk.py"
    on_disk.write_text(SAMPLE)
    shown = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="py2lax.preview", arguments=[{"uri": on_disk.as_uri()}]))
    assert shown == transpile(SAMPLE, str(on_disk), readable=True)
    await asyncio.sleep(0.2)    # the server's stderr reaches this process through a pipe
    assert "Traceback" not in capsys.readouterr().err


def test_lenses_do_not_wait_for_the_analysis_of_the_document():
    # The server itself, without a client: no timing decides what this test sees.
    server = create_server()
    for _ in server.protocol.lsp_initialize(
            types.InitializeParams(capabilities=types.ClientCapabilities())):
        pass
    # Functions no other test analyses (the server process keeps reports by text).
    first = 1000 + int(time.time() * 1000) % 1_000_000 * 300
    server.workspace.put_text_document(types.TextDocumentItem(
        uri=URI, language_id="python", version=1, text=long_module(80, first)))
    early = server.lenses(URI)
    assert len(early) == 80 and all(lens.command is None for lens in early)
    waiting = early[5]
    resolved = server.resolve_lens(waiting)
    line = waiting.range.start.line
    assert resolved.command.title == "py2lax: 1 if → cond, 1 for → fori_loop · Preview"
    assert list(resolved.command.arguments) == [
        {"uri": URI, "line": line + 1, "function": f"k{first + (line - 3) // 9}"}]
    later = server.lenses(URI)   # only the function resolved was analysed
    assert [lens.command is not None for lens in later].count(True) == 1


@pytest.mark.asyncio
async def test_columns_are_in_the_clients_units(client: LanguageClient):
    await start(client)   # no position encoding asked for: UTF-16, the protocol's default
    text = jitted('def f(x):\n    s = "é𝔘"; return x[x > 0]\n    return x[x < 0]\n')
    await open_sample(client, text)
    masks = sorted((d.range.start.line, d.range.start.character, d.range.end.character)
                   for d in client.diagnostics[URI] if d.code == "ValueDependentShapeError")
    wide, plain = text.splitlines()[5], text.splitlines()[6]
    assert masks == [(5, wide.index("x[x") + 1, len(wide) + 1),   # 𝔘 is two UTF-16 units
                     (6, plain.index("x[x"), len(plain))]

