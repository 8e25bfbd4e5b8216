"""Output a JAX expert would sign (issue 14, item 4), in both emitters: the command's
output for a small module, read as code. Each test names the property it holds; the
answers themselves are checked against Python where the output runs.
"""

from __future__ import annotations

import re
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax.backends.plain_lax import python_form
from py2lax.frontend import syntax as S
from py2lax.runtime import loops
from py2lax.transpiler import transpile

SOURCE = textwrap.dedent('''
    import jax
    import jax.numpy as jnp


    def oscillator(t, y):
        if y > 0:
            y = y - t
        return y


    @jax.jit
    def bisect(f_lo, lo, hi, steps):
        if f_lo > 0:
            lo, hi = hi, lo
        while steps < 20:
            mid = (lo + hi) / 2
            if mid * mid > 2.0:
                hi = mid
            else:
                lo = mid
            f_lo = lo * lo - 2.0
            steps = steps + 1
        return lo


    @jax.jit
    def find(xs, target):
        for i in range(10):
            if xs[i] == target:
                return i
        return -1


    @jax.jit
    def integrate(t, y):
        for k in range(5):
            y = oscillator(t, y)
        return y


    @jax.jit
    def short(x):
        for k in range(3):
            x = x * 2.0
        return x
''')

BOTH = pytest.mark.parametrize("standalone", [False, True], ids=["runtime", "standalone"])


def _output(standalone: bool) -> str:
    return transpile(SOURCE, "m.py", readable=True, standalone=standalone)


def _module(standalone: bool) -> dict:
    scope: dict = {}
    exec(compile(_output(standalone), "m_out.py", "exec"), scope)
    return scope


def _python(name: str):
    """The function as written, run by Python (the oracle)."""
    scope: dict = {}
    exec(compile(SOURCE, "m.py", "exec"), scope)
    return getattr(scope[name], "__wrapped__", scope[name])


def _function(text: str, name: str) -> S.FunctionDef:
    return next(n for n in S.parse_module(text).body
                if isinstance(n, S.FunctionDef) and n.name == name)


def _carry_orders(function: S.FunctionDef) -> list[list[str]]:
    """The names of every tuple of two or more names the function builds or unpacks."""
    return [[e.id for e in n.elts] for n in S.walk(function) if isinstance(n, S.Tuple)
            and len(n.elts) > 1 and all(isinstance(e, S.Name) for e in n.elts)]


@BOTH
def test_one_carry_order_per_function(standalone):
    """`bisect`'s `if` and its loop carry `lo` and `hi` in one order (the loop adds
    `steps`): never `(lo, hi)` in one statement and `(hi, lo)` in another."""
    orders = _carry_orders(_function(_output(standalone), "bisect"))
    position: dict = {}
    for order in orders:
        if order == ["hi", "lo"]:
            continue  # the user's own `lo, hi = hi, lo`
        ranks = [position.setdefault(name, len(position)) for name in order]
        assert ranks == sorted(ranks), (order, orders)
    assert ["lo", "hi", "steps"] in orders
    for f_lo in (-1.0, 1.0):
        answer = _module(standalone)["bisect"](f_lo, 0.0, 2.0, 0)
        assert float(answer) == pytest.approx(_python("bisect")(f_lo, 0.0, 2.0, 0), abs=1e-6)


@BOTH
def test_return_flag_is_the_break_flag(standalone):
    """A `return` inside a loop ends the loop: one flag (`returned`), no `broke_` flag
    beside it that always agrees with it."""
    text = textwrap.dedent(S.unparse(_function(_output(standalone), "find")))
    assert "returned" in text and "broke" not in text
    find = _module(standalone)["find"]
    xs = jnp.arange(10.0) * 2
    for target in (6.0, 7.0):
        assert int(find(xs, target)) == _python("find")(np.asarray(xs), target)


def test_no_do_nothing_false_branch():
    """An `if` without `else` gets no generated false branch that only passes its inputs
    back: the runtime takes `None`."""
    text = S.unparse(_function(_output(False), "oscillator"))
    assert "if_false" not in text and re.search(r"py2lax.cond\(y > 0, if_true_\d+, None", text)


def test_named_flags_in_standalone_loops():
    """The plain-jax loop unpacks its state into the user's names and flags: no
    `carry[-1]`, `state[1]` read by position."""
    text = _output(True)
    assert not re.search(r"\b(carry|state)\[", text), text
    assert "index, (return_value, returned) = state" in text


@BOTH
def test_unroll_limit_is_the_runtimes(standalone):
    """A loop over a static range of at most UNROLL_LIMIT steps runs as Python in both
    emitters (the runtime unrolls it when tracing); a longer one is a lax loop."""
    assert python_form.UNROLL_LIMIT == loops.UNROLL_LIMIT
    output = _output(standalone)
    short = textwrap.dedent(S.unparse(_function(output, "short")))
    if standalone:   # the command decides, as the runtime would when tracing
        assert "for k in range(3):" in short and "fori_loop" not in short
    else:            # the runtime's fori_loop unrolls it when tracing
        assert "py2lax.fori_loop(0, 3" in short
    assert "fori_loop(0, 5" in textwrap.dedent(S.unparse(_function(output, "integrate")))
    assert float(_module(standalone)["short"](1.5)) == 12.0


@BOTH
def test_no_header_where_the_user_wrote_no_if(standalone):
    """The `if not returned:` py2lax writes around `return -1` gets no `# ... -> lax.cond`
    comment: headers quote lines the user wrote as `if`/`while`/`for`."""
    output = _output(standalone)
    headers = re.findall(r"# (.*?)  ->  lax\.", output)
    assert headers and all(re.match(r"(if|elif|while|for) ", h) for h in headers), headers
    assert "# return -1" not in output


@BOTH
def test_module_helpers_called_by_name(standalone):
    """A helper the module defines and the command rewrites itself is called as the user
    wrote it, not through `py2lax.converted(oscillator)`."""
    output = _output(standalone)
    assert "converted(oscillator)" not in output
    assert "y = oscillator(t, y)" in output
    scope = _module(standalone)
    y = 2.3
    for _ in range(5):   # Python's answer
        y = y - 0.5 if y > 0 else y
    assert float(scope["integrate"](0.5, 2.3)) == pytest.approx(y)
