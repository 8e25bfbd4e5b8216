"""`--standalone` never changes a copy of a container another name reaches.

lax passes what a statement carries as fresh copies: a write there into an item of a
list of dicts (``for layer in layers: if c: layer["w"] = ...``) would reach the copy
only, and ``layers`` would keep the old item, a silent wrong answer. Such a statement
stays Python: Python's answer wherever its condition is known when tracing, JAX's own
error where it is traced.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile
from test_standalone_builtins import standalone_agrees

V = np.array([0.5, -1.25, 2.0, 0.75, -0.3], np.float32)

ITEMS_OF_CONTAINERS = {
    "dict-items-in-a-traced-if": """
        def f(x, v):
            rows = [{"w": 0.0}, {"w": 1.0}]
            for t in v:
                for r in rows:
                    if t > x:
                        r["w"] = r["w"] + t
            return rows[0]["w"] + rows[1]["w"]
        """,
    "enumerate-dict-items": """
        def f(x, v):
            layers = [{"w": 1.0, "b": 0.0}, {"w": 2.0, "b": 0.5}]
            for i, layer in enumerate(layers):
                if x > 0:
                    layer["w"] = layer["w"] * x
                layer["b"] = layer["b"] + i
            return layers[0]["w"] + layers[1]["w"] + layers[1]["b"]
        """,
    "list-rows-in-a-traced-if": """
        def f(x, v):
            grid = [[0.0, 0.0], [1.0, 1.0]]
            for t in v:
                for row in grid:
                    if t > x:
                        row[0] = row[0] + t
            return grid[0][0] + grid[1][0]
        """,
    "item-by-index": """
        def f(x, v):
            rows = [{"w": 0.0}, {"w": 1.0}]
            for t in v:
                for i in range(2):
                    r = rows[i]
                    if t > x:
                        r["w"] = r["w"] + t
            return rows[0]["w"] + rows[1]["w"]
        """,
}


def _run(source: str):
    source = textwrap.dedent(source)
    python: dict = {}
    exec(source, python)
    text = transpile(source, "program.py", all_functions=True, standalone=True)
    plain: dict = {}
    exec(text, plain)
    return python["f"], plain["f"], text


@pytest.mark.parametrize("name", ITEMS_OF_CONTAINERS)
def test_a_write_into_an_item_of_a_list_is_never_a_wrong_answer(name):
    original, written, text = _run(ITEMS_OF_CONTAINERS[name])
    expected = original(0.3, V.copy())
    # concrete values: the statement kept as Python runs as Python
    assert np.allclose(written(0.3, V.copy()), expected)
    # traced: Python's answer, or JAX's error at the statement kept as Python
    try:
        got = jax.jit(written)(jnp.float32(0.3), jnp.asarray(V))
    except jax.errors.TracerBoolConversionError:
        return
    assert np.allclose(got, expected), text


# -- a container another name reaches travels as its contents -----------------------
# lax carries `e`'s contents (`_py2lax_contents(e)`); each branch or loop body first puts
# what lax gives it back into the object itself (`_py2lax_refill(e, e_state)`), and so
# does the statement after lax: every name that reaches the object sees the change.
X_AND_V = [(0.3, V), (-1.2, V[::-1].copy()), (2.5, V)]

REACHED_BY_TWO_NAMES = {
    "dict-second-name-in-a-branch": """
        def f(x, v):
            d = {"k": 1.0}
            e = d
            if x > 0:
                e["k"] = x
            return d["k"]
        """,
    "list-second-name-in-a-scan": """
        def f(x, v):
            buf = [0.0, 0.0]
            ref = buf
            for t in v:
                if t > x:
                    ref[0] = ref[0] + t
            return buf[0], ref[1]
        """,
    "row-of-a-nested-list": """
        def f(x, v):
            grid = [[0.0, 0.0], [0.0, 0.0]]
            row = grid[0]
            for t in v:
                if t > x:
                    row[1] = row[1] + t
            return grid[0][1]
        """,
    "dict-items-of-a-list": ITEMS_OF_CONTAINERS["dict-items-in-a-traced-if"],
    "list-rows-of-a-list": ITEMS_OF_CONTAINERS["list-rows-in-a-traced-if"],
    "stats-dict-both-branches": """
        def f(x, v):
            stats = {"pos": 0.0, "neg": 0.0}
            view = stats
            for t in v:
                if t > x:
                    view["pos"] = view["pos"] + t
                else:
                    view["neg"] = view["neg"] - t
            return stats["pos"], stats["neg"]
        """,
}


@pytest.mark.parametrize("name", REACHED_BY_TWO_NAMES)
def test_a_container_two_names_reach_sees_a_traced_write(name):
    text = standalone_agrees(REACHED_BY_TWO_NAMES[name], "f", *X_AND_V)
    assert "_py2lax_refill(" in text


# -- a helper or dict method that writes into a container -----------------------------
# `bump(d, "a", x)` under a traced if: the module's helper writes into its parameter
# only, so the container it is given travels as its contents too (a helper that writes
# anything else, or grows a list, keeps the statement Python).
HELPER_WRITES = {
    "helper-sets-a-dict-key": """
        def bump(d, k, amount):
            d[k] = d[k] + amount

        def f(x, v):
            d = {"a": 0.0}
            if x > 0:
                bump(d, "a", x)
            return d["a"]
        """,
    "helper-sets-a-list-item": """
        def put(lst, i, val):
            lst[i] = val

        def f(x, v):
            lst = [0.0, 1.0]
            if x > 0:
                put(lst, 0, x)
            return lst[0] + lst[1]
        """,
    "helper-in-a-scan": """
        def bump(d, k, amount):
            d[k] = d[k] + amount

        def f(x, v):
            d = {"a": 0.0, "b": 1.0}
            for t in v:
                if t > x:
                    bump(d, "a", t)
            return d["a"], d["b"]
        """,
    "dict-update-in-a-branch": """
        def f(x, v):
            info = {"a": 1.0, "b": 2.0}
            if x > 0:
                info.update({"a": x})
            return info["a"] + info["b"]
        """,
}


@pytest.mark.parametrize("name", HELPER_WRITES)
def test_a_container_a_helper_writes_into_under_a_traced_if(name):
    text = standalone_agrees(HELPER_WRITES[name], "f", *X_AND_V)
    assert "_py2lax_refill(" in text


def test_a_helper_that_grows_its_list_keeps_the_statement_python():
    original, written, text = _run("""
        def record(log, value):
            log.append(value)

        def f(x, v):
            log = []
            for t in v:
                if t > x:
                    record(log, t)
            return len(log)
        """)
    assert "_py2lax_refill(" not in text
    assert written(0.3, V.copy()) == original(0.3, V.copy())


def test_a_list_reversed_in_place_under_a_traced_if():
    """``items.reverse()`` keeps the list's length: the list travels as its contents."""
    text = standalone_agrees("""
        def f(x, v):
            items = [x, 0.5, v[2] * 0.5]
            if v[0] > x:
                items.reverse()
            return items[0] - items[2]
        """, "f", *X_AND_V)
    assert "_py2lax_refill(" in text
