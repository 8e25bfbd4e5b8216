"""``py2lax lsp``: the language server, on stdio (pygls).

It keeps each open document's latest text (full and incremental sync), analyses it with
``document.analyse`` when something asks, and offers:

* ``workspace/executeCommand`` ``py2lax.preview`` with ``[{"uri": U}]`` (the rewritten
  document) or ``[{"uri": U, "line": N}]`` (the function enclosing 0-based line ``N``;
  ``"function": "C.m"`` names it instead);
* code lenses above each function py2lax rewrites, running that command;
* diagnostics (published after each change, debounced) and hovers on ``if``/``while``/
  ``for``.

A buffer that does not parse never stops the server: lenses, hovers, diagnostics and
the preview keep showing the last version that did, with one information diagnostic
saying so. An unexpected error in the analysis (a py2lax bug) is logged and handled the
same way. The user's code is only parsed, never imported or run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import ServerTextPosition, ServerTextRange

from py2lax import __version__
from py2lax.lsp import features
from py2lax.lsp.document import analyse
from py2lax.lsp.model import DocumentReport, Span
from py2lax.lsp.preview import preview_document, preview_function

logger = logging.getLogger("py2lax.lsp")
DEBOUNCE_S = 0.15


@dataclass
class _Document:
    """What the server remembers of one document between requests."""

    text: str | None = None                   # the text ``report`` was computed from
    all_functions: bool = False
    report: DocumentReport | None = None
    good: DocumentReport | None = None        # the latest report of a text that parsed
    timer: asyncio.TimerHandle | None = None


class Py2laxServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("py2lax", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = features.Settings()
        self.documents: dict[str, _Document] = {}

    # ----------------------------------------------------------------- analysis
    def state(self, uri: str) -> _Document:
        """The document's state, analysed for its current text (cheap when unchanged)."""
        state = self.documents.setdefault(uri, _Document())
        text = self.workspace.get_text_document(uri).source
        if text == state.text and state.all_functions == self.settings.all_functions:
            return state
        state.text, state.all_functions = text, self.settings.all_functions
        try:
            state.report = analyse(text, filename_of(uri), all_functions=state.all_functions)
        except Exception:  # a py2lax bug must not take the editor's server down
            logger.exception("py2lax could not analyse %s", uri)
            state.report = DocumentReport(text, syntax_error=None)
            return state
        if state.report.syntax_error is None:
            state.good = state.report
        return state

    def shown(self, uri: str) -> DocumentReport:
        """The report to show: the current one, or the last one that parsed."""
        state = self.state(uri)
        return state.good or state.report or DocumentReport("")

    def to_range(self, report: DocumentReport):
        lines, codec = report.lines, self.workspace.position_codec

        def convert(span: Span) -> types.Range:
            server_range = ServerTextRange(ServerTextPosition(span.line, span.column),
                                           ServerTextPosition(span.end_line, span.end_column))
            return codec.range_to_client_units(lines, server_range)
        return convert

    def publish(self, uri: str) -> None:
        state = self.state(uri)
        shown = state.good or state.report
        if shown is None:
            return
        to_range = self.to_range(shown)
        found = features.diagnostics(shown, self.settings, to_range)
        if state.report is not None and state.report.syntax_error is not None:
            found.append(features.stale_diagnostic(state.report.syntax_error, to_range))
        document = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=found, version=document.version))

    def publish_later(self, uri: str) -> None:
        state = self.documents.setdefault(uri, _Document())
        if state.timer is not None:
            state.timer.cancel()
        state.timer = asyncio.get_running_loop().call_later(DEBOUNCE_S, self._publish_now, uri)

    def _publish_now(self, uri: str) -> None:
        if uri in self.documents:
            self.documents[uri].timer = None
            self.publish(uri)

    # ----------------------------------------------------------------- preview
    def preview(self, arguments: dict) -> str:
        uri = arguments["uri"]
        state = self.state(uri)
        text = state.text or ""
        header = ""
        if state.report is not None and state.report.syntax_error is not None:
            error = state.report.syntax_error
            if state.good is None:
                return (f"# py2lax: this file does not parse (line {error.lineno}: {error.msg}); "
                        "there is nothing to preview yet.\n")
            text = state.good.text
            header = (f"# py2lax: this file does not parse (line {error.lineno}: {error.msg}); "
                      "this is the preview of the last version that did.\n\n")
        options = dict(all_functions=self.settings.all_functions)
        if "line" in arguments or "function" in arguments:
            line = arguments.get("line")
            return header + preview_function(
                text, filename_of(uri), line=int(line) if line is not None else None,
                name=arguments.get("function"), **options)
        return header + preview_document(text, filename_of(uri), **options)


def filename_of(uri: str) -> str:
    """The path shown in messages: the file's path for ``file:`` URIs, else the URI."""
    return to_fs_path(uri) or uri


def create_server() -> Py2laxServer:
    """A server with every feature registered (one per process, or per test)."""
    server = Py2laxServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: Py2laxServer, params: types.InitializeParams) -> None:
        ls.settings.update(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Py2laxServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Py2laxServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Py2laxServer, params: types.DidCloseTextDocumentParams) -> None:
        state = ls.documents.pop(params.text_document.uri, None)
        if state is not None and state.timer is not None:
            state.timer.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: Py2laxServer,
                                 params: types.DidChangeConfigurationParams) -> None:
        ls.settings.update(params.settings)
        for uri in list(ls.documents):
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: Py2laxServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        uri = params.text_document.uri
        report = ls.shown(uri)
        return features.code_lenses(report, uri, ls.to_range(report))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: Py2laxServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        report = ls.shown(uri)
        document = ls.workspace.get_text_document(uri)
        position = document.position_codec.position_from_client_units(
            document.lines, params.position)
        return features.hover(report, position.line, position.character, ls.to_range(report))

    @server.command(features.PREVIEW_COMMAND)
    def preview(ls: Py2laxServer, *arguments) -> str:
        if not arguments or not isinstance(arguments[0], dict) or "uri" not in arguments[0]:
            raise ValueError('py2lax.preview takes [{"uri": URI}] or [{"uri": URI, "line": N}]')
        return ls.preview(arguments[0])

    return server


def main(argv: list[str] | None = None) -> int:
    """``py2lax lsp``: serve on stdin/stdout until the client says ``exit``."""
    parser = argparse.ArgumentParser(
        prog="py2lax lsp",
        description="Start the py2lax language server on stdin/stdout (the editor starts it).")
    parser.add_argument("--log-level", default="WARNING",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="log to stderr from this level on (default: WARNING)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=arguments.log_level,
                        format="py2lax lsp %(levelname)s: %(message)s")
    create_server().start_io()
    return 0
