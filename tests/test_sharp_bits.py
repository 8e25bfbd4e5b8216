"""docs/sharp-bits.md says exactly what py2lax says.

The page has one section per error. Each section holds three fenced blocks, each preceded
by a marker comment naming the section's entry::

    <!-- example: one-branch -->      a complete file: imports, the function, the call
    <!-- message: one-branch -->      what Python prints on the last line(s): Type: message
    <!-- fix: one-branch -->          the corrected file

For every entry this test writes the example to a real file named ``example.py`` (so
``inspect`` can read its source), runs it as a script, and checks that the error it
raises (or the ConversionWarning it emits) reads exactly as the page says: the type, the
message, and py2lax's notes, with the file's directory removed. The line numbers on the
page are the example block's own. Then it runs the fix and checks that it neither raises
nor warns, and, when its last statement is a call, that the jitted result equals what
the original Python function returns eagerly.

After changing a message on purpose, ``python scripts/sharp_bits_messages.py --write``
puts the real messages on the page (review the diff).

Marker options, after the name: ``repl`` (example: typed into a plain Python REPL,
where no source can be read), ``no-eager`` (fix: do not compare with eager Python).
"""

from __future__ import annotations

import ast
import code
import inspect
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import jax
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")

PAGE = Path(__file__).resolve().parents[1] / "docs" / "sharp-bits.md"

_BLOCK = re.compile(
    r"<!--\s*(?P<kind>example|message|fix):\s*(?P<name>[\w-]+)(?P<options>(?:[ \t]+[\w-]+)*)\s*-->"
    r"\s*\n```[\w-]*\n(?P<body>.*?)^```",
    re.S | re.M,
)


@dataclass
class Entry:
    name: str
    heading: str = ""
    blocks: dict[str, str] = field(default_factory=dict)
    options: dict[str, set[str]] = field(default_factory=dict)


def parse_page(text: str) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^#{2,3} (.+)$", text, re.M)]
    for match in _BLOCK.finditer(text):
        name, kind = match["name"], match["kind"]
        entry = entries.setdefault(name, Entry(name))
        assert kind not in entry.blocks, f"two {kind} blocks for {name!r}"
        entry.blocks[kind] = match["body"]
        entry.options[kind] = set(match["options"].split())
        above = [h for start, h in headings if start < match.start()]
        entry.heading = entry.heading or (above[-1] if above else "")
    return entries


ENTRIES = parse_page(PAGE.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- running
@dataclass
class Outcome:
    error: BaseException | None
    warnings: list
    namespace: dict
    path: Path


def _qualified(kind: type) -> str:
    """The type name as Python prints it at the end of a traceback."""
    if kind.__module__ in ("builtins", "__main__"):
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def shown(outcome: Outcome) -> str:
    """What the user reads: the error (or py2lax's warning), with the directory removed."""
    if outcome.error is not None:
        error = outcome.error
        notes = [n for n in getattr(error, "__notes__", []) if n.startswith("py2lax")]
        text = "\n".join([f"{_qualified(type(error))}: {error}", *notes])
    else:
        ours = [w for w in outcome.warnings if issubclass(w.category, py2lax.ConversionWarning)]
        assert ours, "the example neither raised nor emitted a ConversionWarning"
        text = "\n".join(f"{_qualified(w.category)}: {w.message}" for w in ours)
    return _in_stable_order(text.replace(str(outcome.path.parent) + "/", ""))


def _in_stable_order(text: str) -> str:
    """JAX lists the dtypes of a TypePromotionError in set order, which varies between runs."""
    def ordered(match):
        names = sorted(n.strip() for n in match[1].split(",") if n.strip())
        return "Input dtypes (" + ", ".join(names) + ")"

    return re.sub(r"Input dtypes \(([^)]*)\)", ordered, text)


def _module(source: str, path: Path) -> ast.Module:
    return ast.parse(source, filename=str(path))


def run_file(source: str, path: Path, *, stop_before_last: bool = False) -> Outcome:
    """Run ``source`` as the script ``path``; with ``stop_before_last``, all but its last statement."""
    path.write_text(source, encoding="utf-8")
    tree = _module(source, path)
    if stop_before_last:
        tree.body = tree.body[:-1]
    namespace = {"__name__": "__main__", "__file__": str(path)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(tree, str(path), "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - that is what the page documents
            return Outcome(error, list(caught), namespace, path)
    return Outcome(None, list(caught), namespace, path)


class _Console(code.InteractiveConsole):
    def __init__(self):
        super().__init__({"__name__": "__main__"}, filename="<stdin>")
        self.error = None

    def showtraceback(self):
        self.error = sys.exc_info()[1]

    def showsyntaxerror(self, filename=None, **kwargs):
        self.error = sys.exc_info()[1]


def run_in_repl(source: str, path: Path) -> Outcome:
    """Type ``source`` into a plain Python REPL (``code.InteractiveConsole``), line by line."""
    console = _Console()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for line in source.splitlines() + [""]:
            console.push(line)
            if console.error is not None:
                break
    return Outcome(console.error, list(caught), console.locals, path)


# --------------------------------------------------------------------------- the tests
def test_page_has_entries_with_example_message_and_fix():
    assert len(ENTRIES) >= 20, sorted(ENTRIES)
    for entry in ENTRIES.values():
        assert set(entry.blocks) == {"example", "message", "fix"}, (entry.name, set(entry.blocks))
        assert entry.heading, entry.name


def test_page_covers_every_py2lax_error_class():
    messages = "\n".join(e.blocks["message"] for e in ENTRIES.values())
    for name in ("UndefinedVariableError", "CarryTypeError", "TracedTruthValueError",
                 "TracedValueError", "ValueDependentShapeError", "UnsupportedSyntaxError",
                 "ConversionError", "ConversionWarning", "OuterWriteError",
                 "InPlaceArgumentError", "InconsistentReturnError", "ShapeMismatchError"):
        assert re.search(rf"\b{name}: ", messages), name


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_message_on_the_page_is_the_real_one(name, tmp_path):
    entry = ENTRIES[name]
    path = tmp_path / "example.py"
    if "repl" in entry.options["example"]:
        outcome = run_in_repl(entry.blocks["example"], path)
    else:
        outcome = run_file(entry.blocks["example"], path)
    assert shown(outcome) == _in_stable_order(entry.blocks["message"].rstrip("\n"))


def _eager_namespace(namespace: dict) -> dict:
    """``namespace`` with every ``autograph_jit`` function replaced by the user's original."""
    eager = dict(namespace)
    for key, value in namespace.items():
        converted = getattr(value, "converted", None)
        if callable(converted):
            eager[key] = inspect.unwrap(converted)
    return eager


def _assert_close(expected, actual):
    expected_leaves = jax.tree_util.tree_leaves(expected)
    actual_leaves = jax.tree_util.tree_leaves(actual)
    assert len(expected_leaves) == len(actual_leaves), (expected, actual)
    for e, a in zip(expected_leaves, actual_leaves):
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_fix_on_the_page_runs_and_matches_eager_python(name, tmp_path):
    entry = ENTRIES[name]
    source = entry.blocks["fix"]
    path = tmp_path / "example.py"
    outcome = run_file(source, path)
    assert outcome.error is None, shown(outcome)
    ours = [str(w.message) for w in outcome.warnings
            if issubclass(w.category, py2lax.ConversionWarning)]
    assert not ours, ours
    last = _module(source, path).body[-1]
    if "no-eager" in entry.options["fix"] or not isinstance(last, ast.Expr):
        return
    # run it again, stopping before the call, then make the call jitted and eagerly
    ready = run_file(source, tmp_path / "fix.py", stop_before_last=True)
    assert ready.error is None, shown(ready)
    call = compile(ast.Expression(last.value), str(path), "eval")
    jitted = eval(call, ready.namespace)  # noqa: S307 - the page's own code
    eager = eval(call, _eager_namespace(ready.namespace))  # noqa: S307
    _assert_close(eager, jitted)
