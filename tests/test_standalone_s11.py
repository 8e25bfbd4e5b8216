"""`--standalone` fixes of issue 14, helper s11: a second run changes nothing where a
first run checked a kept-Python test (``_py2lax_python_test``).

The test of a statement or ternary kept as Python runs as ``_py2lax_python_test(lambda
x=x: test, 'file.py:line', reason)``. The lambda's parameters are the function's names
the test reads; the module's names stay free. A first run counted the names it adds
itself (its ``jax`` import, a module without one) as the function's, and a second run,
which reads them as the module's, wrote the lambda again; a ternary a first run kept as
Python was made a ``lax.cond`` over the check's value by a second run. Both made the
command refuse to write the file (pytest's ``recwarn.py`` and ``argparsing.py``).
"""

from __future__ import annotations

import textwrap

from py2lax import transpile


def twice(source: str) -> tuple[str, str]:
    """The module after one ``--standalone --all`` run and after a second one."""
    once = transpile(textwrap.dedent(source), "m.py", all_functions=True, standalone=True)
    return once, transpile(once, "m.py", all_functions=True, standalone=True)


def test_a_checked_test_calling_jax_in_a_module_without_a_jax_import_is_a_fixed_point():
    """pytest's ``WarningsChecker.__exit__``: ``any(...)`` over a generator becomes
    ``jax.numpy.any``, in a module that imports no jax before the output adds it."""
    once, again = twice("""
        def f(x, ws, m):
            hint = ""
            if isinstance(m, str) and any(m == str(w) for w in ws if w > x):
                hint = "x"
            return hint
    """)
    assert "_py2lax_python_test(lambda m=m, ws=ws, x=x: " in once
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    assert namespace["f"](1.0, [0.0, 2.0], "2.0") == "x"
    assert namespace["f"](1.0, [0.0, 2.0], "3.0") == ""


def test_a_ternary_kept_as_python_with_a_checked_test_stays_python_on_a_second_run():
    """pytest's ``_get_argparse_dest``: ``long_opts[0] if long_opts else opts[0]``."""
    once, again = twice("""
        def dest(opts):
            long_opts = [o for o in opts if o.startswith("--")]
            opt = long_opts[0] if long_opts else opts[0]
            return opt.lstrip("-")
    """)
    assert "_py2lax_python_test(lambda long_opts=long_opts: long_opts" in once
    assert again == once
    namespace = {}
    exec(compile(once, "m.py", "exec"), namespace)
    assert namespace["dest"](["-v", "--verbose"]) == "verbose"
    assert namespace["dest"](["-v"]) == "v"
