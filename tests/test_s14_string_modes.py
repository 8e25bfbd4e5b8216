"""`--standalone`: a string a traced statement chooses, used only in comparisons with
string literals (issue 14, helper s14, second round).

The runtime carries such a string as its position among the strings the code binds;
plain lax cannot carry a string, and the statement stayed Python (refused at run time:
"`status` is assigned str values"). The strings are an enumeration, so the output
binds their positions and compares positions (``plain_lax.string_modes``).

Python is the oracle: the standalone output, jitted, gives Python's answer.
"""

from __future__ import annotations


import pytest

from py2lax import transpile
from standalone_oracle import same, standalone


def test_a_status_string_set_on_convergence_in_a_traced_loop(tmp_path):
    f, jf, text = standalone("""
        def f(x, tol):
            status = "running"
            it = 0
            while it < 100:
                x = 0.5 * (x + 2.0 / x)
                if abs(x * x - 2.0) < tol:
                    status = "converged"
                    break
                it += 1
            return x, status == "converged"
    """, tmp_path)
    for args in ((1.0, 1e-6), (1.0, -1.0)):
        same(f(*args), jf(*args))
    path = str(tmp_path / "prog.py")
    assert transpile(text, path, all_functions=True, standalone=True) == text


@pytest.mark.parametrize("x", [2.0, -3.0])
def test_a_mode_chosen_by_a_traced_if_then_tested(x, tmp_path):
    f, jf, _ = standalone("""
        def f(x):
            if x > 0:
                mode = "pos"
            else:
                mode = "neg"
            if mode != "pos" and mode in ("neg", "other"):
                return -x
            return x
    """, tmp_path)
    same(f(x), jf(x))
