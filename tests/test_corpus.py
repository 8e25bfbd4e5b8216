"""The differential corpus: programs written by others, each checked against Python.

``tests/corpus/<theme>.py`` hold several hundred small programs re-expressed from other
control-flow converters' reference tests (TensorFlow AutoGraph, PennyLane Catalyst),
JAX bug reports and questions, numerical libraries and classic scientific code. Each runs
three ways (``tests/corpus/harness.py``): the original in Python (the oracle), the
converted function on the same plain values (it must behave exactly alike), and
``autograph_jit`` on jnp values (a match within tolerance, or a located ``ConversionError``
where the case says the program cannot work under jit).

Programs that fail today are listed in ``tests/corpus/known_failures.py`` and run as
``xfail(strict=True)``: a fix makes the test pass, pytest reports it, and the entry goes.

By default a fixed sample (about a third, chosen by a hash of the case id) runs, to keep
the suite fast; ``PY2LAX_CORPUS=all`` runs every program. ``python tests/corpus/harness.py``
prints the same results as a table.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import harness  # noqa: E402
from known_failures import KNOWN_FAILURES  # noqa: E402

CASES = harness.load_cases()
SAMPLE_ONE_IN = 3


def _selected(cases):
    if os.environ.get("PY2LAX_CORPUS", "").lower() == "all":
        return cases
    return [c for c in cases if zlib.crc32(c.id.encode()) % SAMPLE_ONE_IN == 0]


def _param(case):
    known = KNOWN_FAILURES.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=f"{known[0]}: {known[1]}")] if known else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in _selected(CASES)])
def test_program_agrees_with_python(case):
    result = harness.run_case(case)
    assert result.passed, result.summary()


def test_corpus_is_large_and_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 300


def test_known_failures_name_real_cases_and_outcomes():
    ids = {c.id for c in CASES}
    assert sorted(set(KNOWN_FAILURES) - ids) == []
    assert {outcome for outcome, _ in KNOWN_FAILURES.values()} <= set(harness.OUTCOMES[1:])


def test_every_expected_jit_error_says_why():
    for case in CASES:
        assert case.note, case.id
        assert case.jit_error == "" or len(case.jit_error) > 10, case.id


def test_harness_classifies_a_silent_wrong_answer():
    from case import Case

    def wrong_on_purpose(x):  # the harness must see that jit differs from Python here
        return x

    case = Case(wrong_on_purpose, [(1.0,)], to_jit=lambda x: (x + 1.0,), note="harness check")
    case.id = "harness.wrong_on_purpose"
    result = harness.run_case(case)
    assert result.outcome == "wrong" and result.outcome_of("jit") == "wrong"
    assert not result.passed


def test_harness_accepts_only_located_errors_it_was_told_to_expect():
    from case import Case

    def one_branch(x):
        if x > 0:
            y = 1.0
        return y

    for jit_error, passed in (("", False), ("y is defined on one path only", True)):
        case = Case(one_branch, [(1.0,)], note="harness check", jit_error=jit_error)
        case.id = "harness.one_branch"
        result = harness.run_case(case)
        assert result.outcome_of("jit") == "located", result.summary()
        assert result.passed is passed
