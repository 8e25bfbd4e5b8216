"""``py2lax lsp``: the language server, on stdio (pygls).

It keeps each open document's latest text (full and incremental sync) and offers:

* ``workspace/executeCommand`` ``py2lax.preview`` with ``[{"uri": U}]`` (the rewritten
  document) or ``[{"uri": U, "line": N}]`` (the function enclosing 0-based line ``N``;
  ``"function": "C.m"`` names it instead);
* code lenses above each function py2lax rewrites, running that command;
* diagnostics (published after each change, debounced) and hovers on ``if``/``while``/
  ``for``.

Nothing waits for an analysis of the whole document. A document version is first
*indexed* (``index``: its functions and their keys, from cached block parses, a few
milliseconds); each function's report is then kept under its key (``reports``), so an
edit re-analyses only the function it changes. Diagnostics are computed by a task that
analyses the missing functions one at a time, letting requests in between; a code lens
asks only for reports already kept (a function not analysed yet gets its lens through
``codeLens/resolve``), a hover analyses the one function under the cursor, and the
preview rewrites one function in a copy of the document where everything else is
blanked out.

A buffer that does not parse never stops the server: lenses, hovers, diagnostics and
the preview keep showing the last version that did, with one information diagnostic
saying so. An unexpected error in the analysis of a function (a py2lax bug) is logged
and that function shows nothing. The user's code is only parsed, never imported or run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import ServerTextPosition

from py2lax import __version__
from py2lax.tools.lsp import features
from py2lax.tools.lsp.index import DocumentIndex, index
from py2lax.tools.lsp.model import DocumentReport, Span
from py2lax.tools.lsp.segments import Outline
from py2lax.tools.lsp.preview import function_preview, preview_document
from py2lax.tools.lsp.reports import Analysis

logger = logging.getLogger("py2lax.tools.lsp")
DEBOUNCE_S = 0.1


class RequestError(JsonRpcInvalidParams):
    """A request that cannot be answered as asked, e.g. a preview of an unknown file: the
    client gets the message; it is no server failure, so no traceback is logged."""


class _QuietRequestErrors(logging.Filter):
    """Drop pygls' log record (with traceback) of a request answered with a RequestError."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], RequestError))


@dataclass
class _Document:
    """What the server remembers of one document between requests."""

    index: DocumentIndex | None = None       # of the latest text seen
    all_functions: bool = False
    good: DocumentIndex | None = None        # of the latest text that parsed
    report: DocumentReport | None = None     # every function of ``good``, once analysed
    timer: asyncio.TimerHandle | None = None
    task: asyncio.Task | None = None

    def cancel(self) -> None:
        for pending in (self.timer, self.task):
            if pending is not None:
                pending.cancel()
        self.timer = self.task = None


class Py2laxServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("py2lax", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = features.Settings()
        self.documents: dict[str, _Document] = {}

    # ----------------------------------------------------------------- indexing
    def state(self, uri: str) -> _Document:
        """The document's state, indexed for its current text (cheap when unchanged); a
        file that is not open gets a state of its own, not kept."""
        text = self.text_of(uri)
        state = self.documents.get(uri) or _Document()
        if self.is_open(uri):
            self.documents[uri] = state
        if (state.index is not None and text == state.index.text
                and state.all_functions == self.settings.all_functions):
            return state
        state.all_functions = self.settings.all_functions
        try:
            state.index = index(text, filename_of(uri), state.all_functions)
        except Exception:  # a py2lax bug must not take the editor's server down
            logger.exception("py2lax could not index %s", uri)
            state.index = DocumentIndex(text, Outline())
        if state.index.syntax_error is None:
            state.good, state.report = state.index, None
        return state

    def is_open(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.text_documents

    def text_of(self, uri: str) -> str:
        """The open document's text, or the file's on disk; a clear error for neither."""
        if self.is_open(uri):
            return self.workspace.get_text_document(uri).source
        path = to_fs_path(uri)
        try:
            if path is None:
                raise FileNotFoundError(uri)
            with open(path, encoding="utf-8") as file:
                return file.read()
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else (
                str(error))
            raise RequestError(f"py2lax: {uri} is not open in the editor and cannot be read "
                               f"from disk ({reason})") from None

    def shown(self, uri: str) -> DocumentIndex | None:
        """The version to show: the current one, or the last one that parsed."""
        return self.state(uri).good

    def analysis(self, uri: str) -> Analysis | None:
        document = self.shown(uri)
        return Analysis(document, filename_of(uri)) if document is not None else None

    def to_range(self, lines: list[str]):
        """Spans to ranges in the client's encoding; on an ASCII line every encoding
        counts one unit per character, so only other lines go through the codec."""
        codec = self.workspace.position_codec

        def position(line: int, column: int) -> types.Position:
            if 0 <= line < len(lines) and lines[line].isascii():
                return types.Position(line=line, character=min(column, len(lines[line])))
            return codec.position_to_client_units(lines, ServerTextPosition(line, column))

        def convert(span: Span) -> types.Range:
            return types.Range(start=position(span.line, span.column),
                               end=position(span.end_line, span.end_column))
        return convert

    # ----------------------------------------------------------------- diagnostics
    def publish_later(self, uri: str, delay: float = DEBOUNCE_S) -> None:
        """Publish the diagnostics once the user pauses (each change restarts the wait)."""
        state = self.documents.setdefault(uri, _Document())
        state.cancel()
        state.timer = asyncio.get_running_loop().call_later(delay, self._start_publish, uri)

    def _start_publish(self, uri: str) -> None:
        state = self.documents.get(uri)
        if state is not None:
            state.timer = None
            state.task = asyncio.ensure_future(self.publish(uri))

    async def publish(self, uri: str) -> None:
        """Analyse what is missing, one function at a time, then publish."""
        if not self.is_open(uri):
            return
        state = self.state(uri)
        analysis = self.analysis(uri)
        if analysis is not None and state.report is None:
            for entry in analysis.missing():
                analysis.report(entry)
                await asyncio.sleep(0)   # let requests in between two functions
            state.report = analysis.document()
        self.send_diagnostics(uri, state)

    def send_diagnostics(self, uri: str, state: _Document) -> None:
        found: list[types.Diagnostic] = []
        if state.report is not None:
            found = features.diagnostics(state.report, self.settings,
                                         self.to_range(state.report.lines))
        current = state.index
        if current is not None and current.syntax_error is not None:
            found.append(features.stale_diagnostic(current.syntax_error,
                                                   self.to_range(current.lines)))
        document = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=found, version=document.version))

    # ----------------------------------------------------------------- requests
    def lenses(self, uri: str) -> list[types.CodeLens]:
        """A lens per function, from the reports kept; one not analysed yet is resolved
        later (``codeLens/resolve``), so this never waits for an analysis."""
        analysis = self.analysis(uri)
        if analysis is None:
            return []
        lenses, to_range = [], self.to_range(analysis.index.lines)
        for entry in analysis.index.functions:
            report = analysis.cached(entry)
            if report is None:
                lenses.append(types.CodeLens(range=to_range(Span(entry.first, 0, entry.first, 0)),
                                             data={"uri": uri, "line": entry.first,
                                                   "function": entry.name}))
            else:
                lenses.extend(features.code_lenses(DocumentReport("", [report]), uri, to_range))
        return lenses

    def resolve_lens(self, lens: types.CodeLens) -> types.CodeLens:
        data = lens.data if isinstance(lens.data, dict) else {}
        uri, line = data.get("uri"), data.get("line")
        analysis = self.analysis(uri) if isinstance(uri, str) else None
        entry = None
        if analysis is not None:
            entry = analysis.index.function_named(str(data.get("function"))) or (
                analysis.index.function_at(line) if isinstance(line, int) else None)
        if entry is None:
            lens.command = types.Command(title="py2lax · Preview",
                                         command=features.PREVIEW_COMMAND,
                                         arguments=[{"uri": uri, "line": line}])
            return lens
        report = analysis.report(entry)
        lens.command = types.Command(title=features.lens_title(report),
                                     command=features.PREVIEW_COMMAND,
                                     arguments=features.preview_arguments(uri, report))
        return lens

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        analysis = self.analysis(uri)
        if analysis is None:
            return None
        lines = analysis.index.lines
        where = self.workspace.position_codec.position_from_client_units(lines, position)
        entry = analysis.index.function_at(where.line)
        if entry is None:
            return None
        report = analysis.report(entry, exact=True)   # the generated call names its lines
        return features.hover(DocumentReport("", [report]), where.line, where.character,
                              self.to_range(lines))

    def preview(self, arguments: dict) -> str:
        uri = arguments["uri"]
        if not isinstance(uri, str):
            raise RequestError('py2lax.preview: "uri" must be a string')
        state = self.state(uri)
        document, header = state.index, ""
        if document.syntax_error is not None:
            error = document.syntax_error
            if state.good is None:
                return (f"# py2lax: this file does not parse (line {error.lineno}: {error.msg}); "
                        "there is nothing to preview yet.\n")
            document = state.good
            header = (f"# py2lax: this file does not parse (line {error.lineno}: {error.msg}); "
                      "this is the preview of the last version that did.\n\n")
        options = dict(all_functions=self.settings.all_functions)
        if "line" in arguments or "function" in arguments:
            line = arguments.get("line")
            return header + function_preview(
                document.text, document.outline, filename_of(uri),
                line=int(line) if line is not None else None, name=arguments.get("function"),
                **options)
        return header + preview_document(document.text, filename_of(uri), **options)


def filename_of(uri: str) -> str:
    """The path shown in messages: the file's path for ``file:`` URIs, else the URI."""
    return to_fs_path(uri) or uri


def create_server() -> Py2laxServer:
    """A server with every feature registered (one per process, or per test)."""
    server = Py2laxServer()
    quiet = _QuietRequestErrors()
    for name in ("pygls.protocol.json_rpc", "pygls.protocol"):
        logging.getLogger(name).addFilter(quiet)

    @server.feature(types.INITIALIZE)
    def initialize(ls: Py2laxServer, params: types.InitializeParams) -> None:
        ls.settings.update(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Py2laxServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Py2laxServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Py2laxServer, params: types.DidCloseTextDocumentParams) -> None:
        state = ls.documents.pop(params.text_document.uri, None)
        if state is not None:
            state.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: Py2laxServer,
                                 params: types.DidChangeConfigurationParams) -> None:
        ls.settings.update(params.settings)
        for uri in list(ls.documents):
            ls.publish_later(uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
    def code_lens(ls: Py2laxServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        return ls.lenses(params.text_document.uri)

    @server.feature(types.CODE_LENS_RESOLVE)
    def code_lens_resolve(ls: Py2laxServer, lens: types.CodeLens) -> types.CodeLens:
        return ls.resolve_lens(lens)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: Py2laxServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params.text_document.uri, params.position)

    @server.command(features.PREVIEW_COMMAND)
    def preview(ls: Py2laxServer, *arguments) -> str:
        if not arguments or not isinstance(arguments[0], dict) or "uri" not in arguments[0]:
            raise RequestError('py2lax.preview takes [{"uri": URI}] or '
                               '[{"uri": URI, "line": N}]')
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
