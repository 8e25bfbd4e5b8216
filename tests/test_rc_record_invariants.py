"""What the records say about each generated call is what the call says: its options are
its keywords, and every ``converted`` record names the function it wraps. The passes and
the plain-jax emitter read these fields instead of the calls (a ``converted`` record that
named its function ``target`` made a pass raise ``KeyError``, and the command left a
function of the corpus as written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from py2lax.analysis.targets import targets
from py2lax.frontend import syntax as S
from py2lax.pipeline import convert_function_tree, new_context
from py2lax.transpiler import rewrite_module

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "tests" / "cli_golden" / "inputs").glob("*.py")) + [
    ROOT / "tests" / "corpus" / name for name in (
        "standalone.py", "helpers_mutating.py", "mutation.py", "exits_in_blocks.py")]


def _converted_functions(path: Path):
    module = S.parse_module(path.read_text())
    for target in targets(module, True):
        tree = S.deep_copy(target.function)
        tree.decorator_list = []
        context = new_context(tree, str(path), target.static_names)
        try:
            convert_function_tree(tree, context)
        except Exception:  # noqa: BLE001  (refusals: their records are not read)
            continue
        yield tree, context.records


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_records_say_what_the_calls_say(path):
    seen = 0
    for tree, records in _converted_functions(path):
        for record in records.rewritten.values():
            seen += 1
            keywords = {k.arg: k.value for k in getattr(record.node, "keywords", [])}
            assert record.options == keywords, (path.name, record.helper, record.line)
            if record.helper == "converted":
                assert "function" in record.operands, (path.name, record.line)
    assert seen


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_the_command_fails_on_no_function(path):
    for standalone in (False, True):
        result = rewrite_module(path.read_text(), str(path), all_functions=True,
                                standalone=standalone)
        assert not [f.name for f in result.failures if f.internal], standalone
