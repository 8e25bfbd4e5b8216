"""The records say whether a function changed: the command rewrites a function exactly
when ``Records.changes()`` is not empty (``transpiler._rewrite``), in both emitters. It
used to compare the converted tree's dump with the function's, which the plain-jax
emitter needed because what it writes back as the user wrote it (``f(x)`` for the
pipeline's ``py2lax.converted(f)(x)``, Python's ``and`` for ``py2lax.and_``) left no
trace. Here the tree comparison is the oracle: on the golden inputs, the corpus files
and programs shaped like the installed code that showed each class, the records agree
with it for every function the command converts.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import py2lax.transpiler as transpiler
from py2lax.frontend import syntax as S
from py2lax.transpiler import rewrite_module

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "tests" / "cli_golden" / "inputs").glob("*.py")) + [
    ROOT / "tests" / "corpus" / name for name in (
        "standalone.py", "helpers_mutating.py", "mutation.py", "exits_in_blocks.py")]

# Classes of the installed code (IPython, _pytest, jax/_src) where the records and the
# tree once disagreed: an attribute chain `a.x = b = v` split into one target at a time
# (the split was unrecorded), an f-string written as `str.format` to format a chosen
# string (recorded as the user's `converted` call), `and`/`or`/`zip`/`enumerate`/
# attribute writes written back as the user wrote them.
INSTALLED_LIKE = textwrap.dedent('''
    import jax


    class Recorder:
        def make(self, manager, factory):
            manager.rec = rec = factory(manager)
            return rec

        def set_prog(self, value):
            self.parser.prog = value

        def __eq__(self, other):
            return self.shape == other.shape and self.dtype == other.dtype

        def pairs(self, shape, spec):
            out = []
            for s1, s2 in zip(shape, spec):
                if s2 is None:
                    out.append(f"{s1}")
                else:
                    out.append(f"{s1}@{s2}")
            return out

        def indexed(self, items):
            found = {}
            for i, item in enumerate(items):
                found[item] = i
            return found


    def mode_text(x, fast):
        tag = "f" if fast else "s"
        if x > 0:
            tag = "p"
        return f"{tag}{x}"
''')


def _spied(monkeypatch):
    """(function, converted tree, records) for each function the command converts."""
    seen, state = [], {}
    convert, plain, rewrite = (transpiler.convert_function_tree, transpiler.to_plain_jax,
                               transpiler._rewrite)

    def spy_convert(tree, context):
        state["tree"], state["records"] = tree, context.records
        return convert(tree, context)

    def spy_plain(tree, context, *args, **keywords):
        state["plain"] = True
        return plain(tree, context, *args, **keywords)

    def spy_rewrite(target, job):
        state.clear()
        edits = rewrite(target, job)
        if "tree" in state:
            seen.append((target.function, state["tree"], state["records"], edits))
        return edits

    monkeypatch.setattr(transpiler, "convert_function_tree", spy_convert)
    monkeypatch.setattr(transpiler, "to_plain_jax", spy_plain)
    monkeypatch.setattr(transpiler, "_rewrite", spy_rewrite)
    return seen


def _differs(tree, original) -> bool:
    return S.dump(tree.args) != S.dump(original.args) or len(tree.body) != len(
        original.body) or any(S.dump(a) != S.dump(b) for a, b in zip(tree.body, original.body))


def _check(source: str, name: str, standalone: bool, monkeypatch) -> int:
    seen = _spied(monkeypatch)
    rewrite_module(source, name, all_functions=True, readable=True, standalone=standalone)
    for function, tree, records, edits in seen:
        changes = records.changes()
        assert bool(changes) == _differs(tree, function), (function.name, function.lineno,
                                                           changes)
    return len(seen)


@pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])
@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_records_say_whether_a_function_changed(path, standalone, monkeypatch):
    assert _check(path.read_text(), str(path), standalone, monkeypatch)


@pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])
def test_installed_code_classes(standalone, monkeypatch):
    assert _check(INSTALLED_LIKE, "m.py", standalone, monkeypatch) >= 6


def test_a_function_given_back_as_written_is_not_rewritten():
    """`t is not None and t.start < len(text)` (IPython's completer): the pipeline writes
    `py2lax.and_(...)`, which `--standalone` writes back as Python's `and` (the test reads
    None); the function is not rewritten, and the module is left as it was."""
    source = textwrap.dedent('''
        def caller(t, text):
            return t is not None and t.start < len(text)
    ''')
    assert "py2lax.and_" in rewrite_module(source, "m.py", all_functions=True).text
    result = rewrite_module(source, "m.py", all_functions=True, readable=True,
                            standalone=True)
    assert result.text == source and "caller" not in result.rewritten


def test_the_split_of_an_attribute_chain_is_recorded():
    """`manager.rec = rec = factory(manager)`: the pipeline assigns one target at a time;
    its records say so, so the command writes what it converted (it used to find it by
    comparing trees), and the output means what Python does."""
    result = rewrite_module(INSTALLED_LIKE, "m.py", all_functions=True, readable=True,
                            standalone=True)
    scope: dict = {}
    exec(compile(result.text, "out.py", "exec"), scope)

    class Manager:
        pass

    manager = Manager()
    made = scope["Recorder"]().make(manager, lambda m: [m])
    assert manager.rec is made and made == [manager]


def test_a_host_callback_read_again_gives_its_records_up():
    """A first `--standalone` run's `raise_if_N`, read again: the command converts its
    `if raising:` and then gives the callback its body back (it runs as Python), so
    nothing changed. Its records said a statement was lowered, and the command rewrote
    IPython's `parse_options` with a `# raise UsageError(...) -> lax.cond` header above
    an unrelated `if` (a second run changed the file again)."""
    source = textwrap.dedent('''
        import jax


        class Magics:
            def parse_options(self, arg_str, **kw):
                mode = kw.get("mode", "string")
                # if mode not in ["string", "list"]:  ->  lax.cond, jnp.logical_not
                def raise_if_951(raising, mode):
                    if raising:
                        raise ValueError("incorrect mode given: %s" % mode)
                jax.debug.callback(raise_if_951, jax.numpy.logical_not(
                    mode in ["string", "list"]), mode)
                return mode
    ''')
    result = rewrite_module(source, "m.py", all_functions=True, readable=True,
                            standalone=True)
    assert result.rewritten == [] and result.text == source


def test_a_call_given_back_names_no_primitive():
    """`return " ".join(parts) or "(<subtest>)"` (_pytest's subtests): Python's `or` of
    strings, given back as written, gets no `-> jnp.logical_or` header in a function
    rewritten for another statement; a second run wrote that header twice."""
    source = textwrap.dedent('''
        def describe(parts, x):
            if x > 0:
                x = x - 1
            return " ".join(parts) or "(<subtest>)", x
    ''')
    text = rewrite_module(source, "m.py", all_functions=True, readable=True,
                          standalone=True).text
    assert "jax.lax.cond" in text and "logical_or" not in text
    assert rewrite_module(text, "m.py", all_functions=True, readable=True,
                          standalone=True).text == text
