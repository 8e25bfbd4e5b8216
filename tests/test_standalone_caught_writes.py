"""``--standalone``: a write inside a ``try`` whose handler catches ``IndexError``
(``except Exception:`` too) has its position checked first.

The check read the item (``_py2lax_checked_item(out, 'k')``): a dict given a new key
raised KeyError there, the handler swallowed it and the write never happened (Python
adds the key). A second run added the check again (IPython's oinspect.py, JAX's
shared_memory.py were no fixed points). The check reads nothing of a list or dict now,
and a first run's check is not repeated.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile
from standalone_oracle import same, standalone

NEW_KEY = """
def f(x, n):
    out = {}
    try:
        out["a"] = x * 2.0
    except Exception:
        pass
    for i in range(n):
        x = x + 1.0
    return out["a"] + x
"""

PAST_THE_END = """
import jax.numpy as jnp

def f(x, n):
    v = jnp.zeros(3)
    for i in range(n):
        x = x + 1.0
    try:
        v = v.at[3].set(x)
    except IndexError:
        v = v + 1.0
    return v
"""

WRITE_PAST_THE_END = """
import jax.numpy as jnp

def f(x, n):
    v = jnp.zeros(3)
    for i in range(n):
        x = x + 1.0
    try:
        v[3] = x
    except IndexError:
        v = v + x
    return v
"""


def test_a_new_key_written_inside_a_caught_try_is_added(tmp_path):
    f, compiled, text = standalone(NEW_KEY, tmp_path, static=(1,))
    assert "_py2lax_checked_item(out" not in text
    same(f(np.float32(0.5), 3), compiled(jnp.float32(0.5), 3))


def test_a_write_past_the_end_of_a_jax_array_still_raises_into_the_handler(tmp_path):
    f, compiled, _ = standalone(WRITE_PAST_THE_END, tmp_path, static=(1,))
    expected = np.zeros(3, np.float32) + 2.5  # Python: IndexError, the handler adds x
    same(expected, compiled(jnp.float32(0.5), 2))


@pytest.mark.parametrize("source", [NEW_KEY, PAST_THE_END, WRITE_PAST_THE_END])
def test_the_output_is_a_fixed_point(source):
    first = transpile(source, "m.py", all_functions=True, standalone=True)
    assert transpile(first, "m.py", all_functions=True, standalone=True) == first
