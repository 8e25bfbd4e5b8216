"""A document's report, function by function, each kept under what it depends on.

``index`` lists the functions of a document version and gives each a key: its text as
written, its class, its static names and the module context, but not its position. A
report found under the key is moved to the function's current line
(``FunctionReport.moved``); only a function whose key is new is analysed
(``document.function_report``). A keystroke thus costs the analysis of the function it
changes, and a new line that moves every function down costs none.

This layer only keeps reports; how one is computed is ``document``'s business. A moved
report is exact except for the helper names derived from line numbers that a converted
statement's generated call shows (``if_true_12``): the hover asks for an ``exact``
report, which analyses that one function again where it now is.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from py2lax.tools.lsp.document import function_report
from py2lax.tools.lsp.index import DocumentIndex, FunctionEntry, index
from py2lax.tools.lsp.model import DocumentReport, FunctionReport, function_span

logger = logging.getLogger("py2lax.tools.lsp")


class _Kept:
    """A cached report, where it now is, and the line it was analysed at."""

    __slots__ = ("report", "analysed_at")

    def __init__(self, report: FunctionReport):
        self.report, self.analysed_at = report, report.span.line


class FunctionCache:
    """Reports by key, least recently used first out."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._kept: OrderedDict[tuple, _Kept] = OrderedDict()
        self.analysed = 0   # how many reports were computed (tests and benchmarks read it)

    def get(self, key: tuple, line: int, exact: bool = False) -> FunctionReport | None:
        """The report under ``key`` moved to 0-based ``line`` (only if analysed there,
        when ``exact``)."""
        kept = self._kept.get(key)
        if kept is None or (exact and kept.analysed_at != line):
            return None
        self._kept.move_to_end(key)
        if kept.report.span.line != line:
            kept.report = kept.report.moved(line - kept.report.span.line)
        return kept.report

    def put(self, key: tuple, report: FunctionReport) -> None:
        self.analysed += 1
        self._kept[key] = _Kept(report)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()


CACHE = FunctionCache()


class Analysis:
    """The reports of one document version: cached ones at once, the others on demand."""

    def __init__(self, document: DocumentIndex, filename: str, cache: FunctionCache = CACHE):
        self.index, self.filename, self.cache = document, filename, cache

    def cached(self, entry: FunctionEntry) -> FunctionReport | None:
        return self.cache.get(entry.key, entry.first)

    def missing(self) -> list[FunctionEntry]:
        """The functions no report is kept for yet."""
        return [entry for entry in self.index.functions if self.cached(entry) is None]

    def report(self, entry: FunctionEntry, exact: bool = False) -> FunctionReport:
        """The function's report, analysing it if none is kept (or none made at its
        line, when ``exact``)."""
        found = self.cache.get(entry.key, entry.first, exact)
        if found is not None:
            return found
        target, lines = entry.placed_target(), self.index.lines
        try:
            found = function_report(target, entry.owner, self.index.imports,
                                    self.index.sequences, self.filename, lines)
        except Exception:  # a py2lax bug: the other functions are still shown
            logger.exception("py2lax could not analyse %s in %s", entry.name, self.filename)
            found = FunctionReport(entry.name, function_span(target.function, lines),
                                   target.function.lineno - 1)
        self.cache.put(entry.key, found)
        return found

    def document(self) -> DocumentReport:
        """Every function's report (the missing ones are analysed now)."""
        report = DocumentReport(self.index.text, syntax_error=self.index.syntax_error)
        report.functions = [self.report(entry) for entry in self.index.functions]
        return report


def analyse(text: str, filename: str = "<string>", *, all_functions: bool = False,
            cache: FunctionCache = CACHE) -> DocumentReport:
    """The report for one version of a document (``syntax_error`` set if it does not parse)."""
    return Analysis(index(text, filename, all_functions), filename, cache).document()
