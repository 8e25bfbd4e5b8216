"""--standalone: an if/elif/else inside a loop where every path appends once to a list.

Each path grows the list by one item, so the loop is a scan stacking the items (the
``elif`` is an inner ``if`` in the ``else`` branch, whose branches grow it equally);
before, the outer ``if`` was kept as Python and a traced test was refused."""
import textwrap

import jax.numpy as jnp
import numpy as np

from py2lax import transpile


COLLECT = textwrap.dedent("""
    def collect(x):
        out = []
        for i in range(4):
            if x[i] > 1:
                out.append(x[i] * 2)
            elif x[i] > 0:
                out.append(x[i])
            else:
                out.append(-x[i])
        return jnp.stack(out)
""")
SOURCE = "import jax\nimport jax.numpy as jnp\n\n@jax.jit" + COLLECT


def python_collect(x):
    """The same function run by Python on NumPy values (the oracle)."""
    namespace = {"jnp": np}
    exec(compile(COLLECT, "<python>", "exec"), namespace)
    return namespace["collect"](x)


def test_every_path_appending_once_scans_with_pythons_items():
    out = transpile(SOURCE, standalone=True)
    assert "_py2lax_python_test" not in out and "lax.scan" in out
    namespace = {}
    exec(compile(out, "<standalone>", "exec"), namespace)
    for values in ([2.0, 0.5, -1.0, 3.0], [-1.0, -2.0, 0.25, 9.0]):
        x = np.array(values, np.float32)
        np.testing.assert_allclose(namespace["collect"](jnp.asarray(x)), python_collect(x))
