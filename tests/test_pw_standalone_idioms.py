"""Scientific idioms that ``--standalone`` refused or left to Python's builtins, against
Python's own answer."""

import textwrap

import numpy as np
import jax.numpy as jnp

from standalone_oracle import same, standalone


def test_all_of_a_list_comprehension_of_traced_tests(tmp_path):
    # `all([x > 0 for x in xs])` stayed Python's `all`, which raised
    # TracerBoolConversionError; `any(... for ...)` already became jnp.any
    f, jf, text = standalone("""
        def f(xs):
            ok = all([x > 0 for x in xs])
            some = any([x > 2 for x in xs])
            return (1 if ok else 0) + (10 if some else 0)
    """, tmp_path)
    for xs in ([1.0, 3.0], [1.0, 0.0], [-1.0, 0.5]):
        assert int(jf(jnp.asarray(xs))) == f(np.asarray(xs))
    assert "all([" not in text


def test_a_boundary_condition_copying_a_neighbour_in_a_double_buffer(tmp_path):
    # `new[0] = new[1]` counted `new` as shared (a view of it is kept), so the
    # double-buffer stencil `new = u.copy(); ...; u = new` was left as Python
    f, jf, text = standalone("""
        def f(u, alpha):
            u = u.copy()
            n = u.shape[0]
            for _ in range(3):
                new = u.copy()
                for i in range(1, n - 1):
                    new[i] = u[i] + alpha * (u[i - 1] - 2 * u[i] + u[i + 1])
                new[0] = new[1]
                new[-1] += new[-2]
                u = new
            return u
    """, tmp_path)
    u = np.array([0.0, 1.0, 2.0, 1.0, 0.0])
    same(f(u, 0.25), jf(jnp.asarray(u), 0.25))
    assert "left as Python" not in text


CAUGHT_READS = textwrap.dedent("""
    def f(xs, k):
        try:
            v = xs[k]
        except IndexError:
            v = -1.0
        return v

    def g(xs, k, v):
        xs = xs.copy()
        try:
            xs[k] = v
        except IndexError:
            v = -1.0
        return xs, v
""")


def test_a_read_in_a_try_catching_index_error_in_a_function_without_control_flow(tmp_path):
    # the function has no statement to lower, so it was left as written: under jit a
    # position past the end was clamped (2.0 where Python runs the handler, -1.0)
    import jax
    import pytest
    from py2lax import transpile

    path = tmp_path / "prog.py"
    path.write_text(CAUGHT_READS)
    original, converted = {}, {}
    exec(compile(CAUGHT_READS, str(path), "exec"), original)
    text = transpile(CAUGHT_READS, str(path), all_functions=True, standalone=True)
    assert transpile(text, str(path), all_functions=True, standalone=True) == text
    exec(compile(text, str(path), "exec"), converted)
    xs = np.array([1.0, 2.0])
    for k in (1, 5):   # a Python position: Python's IndexError, the handler's answer
        f = jax.jit(converted["f"], static_argnums=1)
        assert float(f(jnp.asarray(xs), k)) == original["f"](xs, k)
        g = jax.jit(converted["g"], static_argnums=1)
        got, expected = g(jnp.asarray(xs), k, 7.0), original["g"](xs, k, 7.0)
        same(expected, got)
    with pytest.raises(TypeError, match="traced position inside a `try`"):
        jax.jit(converted["f"])(jnp.asarray(xs), 5)   # a traced one: refused, not clamped


def test_a_note_on_a_function_at_the_top_of_a_module_without_imports(tmp_path):
    # the note above a function left as Python, on the file's first line, was taken for
    # a licence header: the added `import jax` went below it, and a second run moved it
    # (the command reported an internal error and left the file as it was)
    from py2lax import transpile

    source = textwrap.dedent("""\
        def power(a, v, n):
            for _ in iter(range(n)):
                w = a @ v
                lam = (w * w).sum()
                v = w / lam
                if lam < 1e-6:
                    break
            return lam

        def double(u, steps):
            for _ in range(steps):
                u = u * 2
            return u
    """)
    text = transpile(source, str(tmp_path / "prog.py"), all_functions=True, standalone=True)
    assert text.startswith("import jax\n")
    assert "\n# py2lax: left as Python" in text
    assert transpile(text, str(tmp_path / "prog.py"), all_functions=True,
                     standalone=True) == text
