"""--standalone: a loop with a traced `break` that grows a list (early stopping) carries
the list as rows and a count; reads of static shape work, jitted and on Python values,
and a read that needs the list's traced length is a TypeError naming the loop."""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone

LOOP = """
import jax.numpy as jnp

def f(x, tol):
    losses = []
    for step in range(50):
        x = x - 0.1 * (2 * x)
        loss = x * x
        losses.append(loss)
        if loss < tol:
            break
    return {read}
"""

READS = ["x, len(losses)", "sum(losses)", "losses[-1]", "max(losses), min(losses)",
         "sum(losses) / len(losses)", "losses[0], losses[-2]"]


@pytest.mark.parametrize("read", READS)
def test_static_reads_match_python(read, tmp_path):
    original, jitted, text = standalone(LOOP.format(read=read), tmp_path)
    assert "_py2lax_GrowingList" in text
    for tol in (1e-3, 0.5, -1.0):  # stops early, at once, never
        x = jnp.float32(2.0)
        same(original(x, tol), jitted(x, tol))


def test_plain_values_give_pythons_list(tmp_path):
    source = LOOP.format(read="x, losses")
    original, _, text = standalone(source, tmp_path)
    converted = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    expected = original(2.0, 1e-2)
    got = converted["f"](2.0, 1e-2)
    assert isinstance(got[1], list) and len(got[1]) == len(expected[1])
    same(expected, got)


def test_list_before_the_loop_and_items_of_an_array(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(xs, tol):
        seen = [jnp.float32(0.0)]
        ys = xs * 1.0
        for v in ys:
            seen.append(v * 2)
            if v > tol:
                break
        return len(seen), seen[-1], sum(seen)
    """
    original, jitted, _ = standalone(source, tmp_path)
    xs = jnp.arange(6.0)
    for tol in (2.5, 10.0):
        same(original(xs, tol), jitted(xs, tol))


def test_stacking_the_list_is_refused_naming_the_loop(tmp_path):
    original, jitted, text = standalone(LOOP.format(read="jnp.stack(losses)"), tmp_path)
    with pytest.raises(TypeError, match=r"prog.py:12: the list `losses` grows"):
        jitted(jnp.float32(2.0), 1e-3)
    # on Python values the count is known: the list is Python's, and stacks
    converted = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    same(original(2.0, 1e-3), converted["f"](2.0, 1e-3))


@pytest.mark.parametrize("read", ["x, losses", "jnp.array(losses)", "list(losses)",
                                  "jnp.mean(jnp.stack(losses))"])
def test_the_list_itself_is_refused_naming_the_loop(read, tmp_path):
    original, jitted, text = standalone(LOOP.format(read=read), tmp_path)
    with pytest.raises(TypeError, match=r"prog.py:12: the list `losses` grows in the loop "
                                        r"at .*prog.py:6, .*preallocate"):
        jitted(jnp.float32(2.0), 1e-3)
    converted = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    same(original(2.0, 1e-3), converted["f"](2.0, 1e-3))


def test_reads_inside_the_loop(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(x, tol):
        hist = []
        for step in range(30):
            x = x * 0.7
            hist.append(x)
            if len(hist) > 2 and hist[-2] - hist[-1] < tol:
                break
        return len(hist), sum(hist)
    """
    original, jitted, _ = standalone(source, tmp_path)
    for tol in (0.05, 1e-9):
        same(original(jnp.float32(3.0), tol), jitted(jnp.float32(3.0), tol))


def test_a_python_if_on_the_traced_length_names_the_users_line(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(x, tol):
        hist = []
        for i in range(20):
            x = x * 0.5
            hist.append(x)
            if x < tol:
                break
        if len(hist) > 3:
            x = x + 1
        return x
    """
    original, jitted, text = standalone(source, tmp_path)
    with pytest.raises(Exception, match=r"prog.py:11: .*the length of `hist`"):
        jitted(jnp.float32(4.0), 0.3)
    converted = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    same(original(4.0, 0.3), converted["f"](4.0, 0.3))


def test_tuples_and_two_lists(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(x, tol):
        a, b = [], []
        for i in range(20):
            x = x * 0.5
            a.append(x)
            b.append((x, i))
            if x < tol:
                break
        return len(a), sum(a), b[-1][0], b[-1][1], max(a), min(a)
    """
    original, jitted, _ = standalone(source, tmp_path)
    for tol in (0.3, 1e-4):
        same(original(jnp.float32(4.0), tol), jitted(jnp.float32(4.0), tol))


def test_strings_appended_keep_the_loop_python(tmp_path):
    source = """
    def f(x, names):
        out = []
        for i in range(3):
            if i > x:
                break
            out.append(f"{names}{i}")
        return out
    """
    original, _, text = standalone(source, tmp_path, static=(0,))
    converted = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), converted)
    assert converted["f"](1, "n") == original(1, "n")


@pytest.mark.parametrize("body", [
    # appended after the `break` test
    """
        x = x * 0.5
        if x < tol:
            break
        hist.append(x)""",
    # appended under a traced `if`
    """
        x = x * 0.8
        if x > 1.0:
            hist.append(x)
        if x < tol:
            break""",
])
def test_appends_under_a_traced_test(body, tmp_path):
    source = ("import jax.numpy as jnp\n\ndef f(x, tol):\n    hist = []\n"
              "    for i in range(20):" + body + "\n    return len(hist), sum(hist)\n")
    original, jitted, _ = standalone(source, tmp_path)
    for tol in (0.3, 1e-4):
        same(original(jnp.float32(4.0), tol), jitted(jnp.float32(4.0), tol))


def test_a_display_of_numbers_and_enumerate(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(x, tol):
        hist, seen = [], []
        for rate in [0.9, 0.5, 0.1, 0.01]:
            x = x * rate
            hist.append(x)
            if x < tol:
                break
        ws = jnp.linspace(0.1, 0.9, 8)
        for i, w in enumerate(ws):
            x = x * w + 1.0
            seen.append(x + i)
            if x < tol + 1.0:
                break
        return len(hist), sum(hist), len(seen), seen[-1], max(seen)
    """
    original, jitted, _ = standalone(source, tmp_path)
    for tol in (0.3, 1e-4):
        same(original(jnp.float32(4.0), tol), jitted(jnp.float32(4.0), tol))


def test_read_before_the_first_append(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(x, tol):
        hist = []
        for i in range(40):
            x = x * 0.8 + 0.1
            if len(hist) > 0 and jnp.max(jnp.abs(hist[-1] - x)) < tol:
                break
            hist.append(x)
        return len(hist), hist[-1]
    """
    original, jitted, _ = standalone(source, tmp_path)
    for tol in (0.05, 1e-6):
        same(original(jnp.ones(2) * 3.0, tol), jitted(jnp.ones(2) * 3.0, tol))


def test_inside_an_outer_loop(tmp_path):
    source = """
    import jax.numpy as jnp

    def f(x, tol):
        total = 0.0
        for epoch in range(3):
            hist = []
            for i in range(20):
                x = x * 0.5
                hist.append(x)
                if x < tol:
                    break
            total = total + len(hist) + hist[-1]
            x = x + 4.0
        return total
    """
    original, jitted, _ = standalone(source, tmp_path)
    for tol in (0.3, 1e-4):
        same(original(jnp.float32(4.0), tol), jitted(jnp.float32(4.0), tol))
