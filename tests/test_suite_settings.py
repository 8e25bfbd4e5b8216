"""How the suite runs: PY2LAX_EXAMPLES scales every hypothesis test (see conftest.py).

Each test runs a child pytest with this directory's conftest on a hypothesis test that
counts its examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")

COUNTING = """
from hypothesis import given, settings, strategies as st

SEEN = []

@settings(max_examples=20, database=None)
@given(st.integers())
def test_counts(n):
    SEEN.append(n)

def test_count_was():
    print("EXAMPLES", len(SEEN))
"""


def test_py2lax_examples_scales_every_hypothesis_test(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(test_counting=COUNTING)
    monkeypatch.setenv("PY2LAX_EXAMPLES", "2.5")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*EXAMPLES 50*"])  # 20 written, 2.5 times as many run


def test_py2lax_examples_must_be_a_positive_number(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(test_counting=COUNTING)
    monkeypatch.setenv("PY2LAX_EXAMPLES", "many")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*PY2LAX_EXAMPLES='many': expected a positive number*"])
