"""The corpus through ``py2lax --standalone``: plain jax output, jitted, against Python.

Each corpus file is transpiled as the command does (``transpile(source, standalone=True,
all_functions=True)``), the output is imported with py2lax blocked (it must need only
jax), and each case's function from it runs under ``jax.jit`` (with the case's
``static_argnums``) on the same ``jnp`` values as the runtime's jitted run. Outcomes are
the harness's, judged as a hidden set judges plain jax: ``match`` (within the case's
tolerance, or an error where Python raises one or where the case says jit cannot work),
``raw`` (an error Python does not raise: a function the command left as Python, a JAX
error), ``wrong`` (a silent wrong answer, the worst).

Run ``python tests/corpus/standalone.py`` (``-k TEXT`` selects case ids, ``--failures``
lists each failure). It prints how many of the programs the runtime passes (those not in
``known_failures.py``) the standalone output passes too, every wrong answer, and the
files whose output a second run would change.
"""

from __future__ import annotations

import argparse
import functools
import importlib.abc
import sys
import types
import warnings
from pathlib import Path

import jax

CORPUS_DIR = Path(__file__).resolve().parent
if str(CORPUS_DIR) not in sys.path:
    sys.path.insert(0, str(CORPUS_DIR))

import harness  # noqa: E402
from known_failures import KNOWN_FAILURES  # noqa: E402
from py2lax.transpiler import transpile  # noqa: E402


class _NoPy2lax(importlib.abc.MetaPathFinder):
    """Refuses ``import py2lax`` while the standalone output is imported."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "py2lax":
            raise ImportError("--standalone output must not import py2lax")
        return None


def standalone_module(path: Path) -> types.ModuleType:
    """The corpus file ``path`` through ``--standalone``, imported (without py2lax)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = transpile(path.read_text(encoding="utf-8"), str(path), all_functions=True,
                         standalone=True)
    name = f"standalone_{path.stem}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    blocker = _NoPy2lax()
    sys.meta_path.insert(0, blocker)
    try:
        exec(compile(text, str(path), "exec"), module.__dict__)
    finally:
        sys.meta_path.remove(blocker)
    module.__standalone_text__ = text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = transpile(text, str(path), all_functions=True, standalone=True)
    module.__fixed_point__ = again == text
    return module


def run_standalone(case, twin) -> harness.Result:
    """``twin`` (the case as the standalone module lists it) jitted, against ``case.fn``
    (or its oracle) run eagerly in Python."""
    findings, notes = [], []
    with warnings.catch_warnings(), harness._TimeLimit(harness.CASE_TIME_LIMIT_S):
        warnings.simplefilter("ignore")
        jitted = None
        for index, args in enumerate(case.inputs):
            if jitted is None or case.observe is not None:  # effects happen when traced:
                fresh = functools.wraps(twin.fn)(lambda *a, _f=twin.fn: _f(*a))  # no cache
                jitted = jax.jit(fresh, static_argnums=case.static_argnums)
            expected = harness._call(case, case.oracle or case.fn, args)
            got = harness._call(twin, jitted, harness.jit_args(case, args))
            finding, note = _judge(case, expected, got)
            if finding:
                finding.inputs = index
                findings.append(finding)
            if note:
                notes.append(f"inputs {index}: {note}")
    return harness.Result(case, findings, notes, 0.0)


def _judge(case, expected, got):
    if got.error is not None and case.jit_error:
        return None, None   # the program cannot work under jit: an error is its answer
    if got.error is None:
        got.value = _with_corpus_classes(got.value, sys.modules[case.fn.__module__])
    finding, note = harness._compare_jit(case, expected, got)
    if finding is not None and finding.outcome == "located":
        finding.outcome = "raw"  # plain jax raises no py2lax error: any error is a failure
    return finding, note


def _with_corpus_classes(value, corpus):
    """``value`` with each NamedTuple of the standalone module's own classes rebuilt as
    the corpus module's class of the same name: the output defines its own copy of
    ``class Point(NamedTuple)``, which the pytree comparison would tell apart by
    identity alone."""
    kind = type(value)
    if kind in (list, tuple) or (isinstance(value, tuple) and hasattr(kind, "_fields")):
        items = [_with_corpus_classes(v, corpus) for v in value]
        if kind in (list, tuple):
            return kind(items)
        original = getattr(corpus, kind.__qualname__, None)
        return (original or kind)(*items)
    if isinstance(value, dict):
        return {k: _with_corpus_classes(v, corpus) for k, v in value.items()}
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", default="", help="run only case ids containing this text")
    parser.add_argument("--failures", action="store_true", help="print every failure")
    options = parser.parse_args(argv)
    results, refused, unstable = [], [], []
    for path in harness.corpus_files():
        cases = [c for c in harness.load_cases([path]) if options.k in c.id]
        if not cases:
            continue
        try:
            module = standalone_module(path)
        except Exception as error:  # noqa: BLE001 - the whole file is a failure
            refused.append(path.name)
            print(f"{path.name}: --standalone output fails: {harness._describe(error)}")
            continue
        if not module.__fixed_point__:
            unstable.append(path.name)
        twins = {case.fn.__name__ + case.label: case for case in module.CASES}
        for case in cases:
            twin = twins[case.fn.__name__ + case.label]
            result = run_standalone(case, twin)
            results.append(result)
            if (options.failures or result.outcome == "wrong") and not result.passed:
                print(f"{case.id}: {result.summary()}", flush=True)
    runtime = [r for r in results if r.case.id not in KNOWN_FAILURES]
    passed = [r for r in runtime if r.passed]
    wrong = [r for r in results if r.outcome == "wrong"]
    share = 100.0 * len(passed) / max(len(runtime), 1)
    print(f"programs: {len(results)}, runtime passes: {len(runtime)}, standalone passes "
          f"among them: {len(passed)} ({share:.1f}%), wrong answers: {len(wrong)}, "
          f"raw: {sum(r.outcome == 'raw' for r in results)}"
          + (f", files refused: {', '.join(refused)}" if refused else "")
          + (f", output not a fixed point: {', '.join(unstable)}" if unstable else ""))
    return 0 if not wrong and not unstable else 1


if __name__ == "__main__":
    sys.exit(main())
