"""A statement a first ``--standalone`` run kept as Python stays Python on a second run.

The first run keeps the ``if`` below as Python and checks its test with
``_py2lax_python_test(...)``; the rest of the function, its branch, changes form. Read again, that output no longer shows what made the first run keep it, and
the second run lowered the ``if`` into ``lax.cond``: not a fixed point, so
``--write`` refused the file as an internal error (jax's own mpmd.py, reduced).
"""

import textwrap

from py2lax.transpiler import transpile

KEPT_BY_THE_FIRST_RUN = textwrap.dedent("""\
    def batching_rule():
        if all(d is None for d in dims):
            return out, (None,) * len(out)
            for var, dim in zip(rule.invars[: len(args)], dims):
                raise ValueError()
        squeezed_args = []
        for arg, dim in zip(args, dims):
            if dim is None:
                squeezed_args.append(arg)
            elif isinstance(aval := core.typeof(arg), state.Ref):
                arg[...] = jnp.expand_dims(core.freeze(squeezed_arg), dim)
        return [jnp.expand_dims(out, 0) for out in outs], (0,) * len(outs)
    """)


def test_a_second_run_keeps_what_the_first_kept_as_python():
    once = transpile(KEPT_BY_THE_FIRST_RUN, "rule.py", all_functions=True, standalone=True)
    assert "_py2lax_python_test(" in once
    assert transpile(once, "rule.py", all_functions=True, standalone=True) == once
