"""``--standalone`` loops over values known when tracing, and lists a loop both grows
and reads.

* ``for d in a.shape:`` runs as Python, as the runtime's loop does: ``d`` is a Python
  int, so ``if d > 2:`` is Python's ``if`` and a list the body indexes with it works.
  It was a ``lax.scan`` over ``jnp.asarray(a.shape)``.
* A loop that appends to a list and also reads it (``n = len(rows)``, ``rows[-1]``,
  ``rows[-1].append(v)``, in a branch too) stays Python: lax's growing scan extends the
  list only after the loop, and inside the body the list started empty each iteration
  (``n = len(rows)`` gave 0 where Python counts: a silent wrong answer).
* jax's pallas ``UntilingTransform.commute_reshape`` (both at once) is a fixed point of
  ``--standalone``: a second run wrote ``not components[-1]`` as ``jnp.logical_not``.
"""

from __future__ import annotations

import textwrap

import numpy as np

from standalone_oracle import converted_and_original, rewritten_twice, same, standalone


def test_a_loop_over_a_shape_gives_python_ints(tmp_path):
    original, converted, text = standalone('''
        import jax.numpy as jnp

        def f(a):
            total = 0
            sizes = [10, 20, 30, 40]
            for d in a.shape:
                if d > 2:
                    total = total + d * a.sum()
                total = total + sizes[d]
            return jnp.zeros(a.shape[0]) + total
    ''', tmp_path)
    assert "for d in a.shape:" in text and "scan" not in text
    for shape in [(1, 3), (3, 2, 1), (2,)]:
        a = np.arange(float(np.prod(shape))).reshape(shape)
        same(original(a), converted(a))


def test_an_item_bound_elsewhere_is_not_taken_for_a_python_value(tmp_path):
    original, converted, text = standalone('''
        def f(a, xs):
            total = 0.0
            for d in a.shape:
                if d > 2:
                    total = total + d
            for d in xs:
                if d > 2:
                    total = total + d
            return total
    ''', tmp_path)
    a, xs = np.zeros((4, 1)), np.array([1.0, 5.0, 3.0])
    same(original(a, xs), converted(a, xs))


def test_a_loop_that_reads_the_list_it_grows_counts_as_python(tmp_path):
    original, converted, text = standalone('''
        def f(xs):
            rows = [[]]
            for x in xs:
                n = len(rows)
                rows.append([x * n])
            return rows
    ''', tmp_path)
    assert "scan" not in text
    xs = np.array([1.0, 2.0, 3.0])
    same(original(xs), converted(xs))


def test_a_loop_that_writes_into_the_last_item_of_the_list_it_grows(tmp_path):
    original, converted, text = standalone('''
        def f(xs):
            groups = [[]]
            for x in xs:
                groups[-1].append(x)
                if len(groups[-1]) == 2:
                    groups.append([])
            return [sum(g) for g in groups if g]
    ''', tmp_path)
    xs = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    same(original(xs), converted(xs))


def test_a_loop_that_only_appends_still_scans(tmp_path):
    original, converted, text = standalone('''
        def f(xs):
            rows = [[]]
            for x in xs:
                rows.append([x * 2.0])
            return rows
    ''', tmp_path)
    assert "jax.lax.scan" in text
    xs = np.array([1.0, 2.0, 3.0])
    same(original(xs), converted(xs))


COMMUTE_RESHAPE = textwrap.dedent('''
    import math

    def commute_reshape(untiled_shape, target_shape):
        components = [[]]
        for d in untiled_shape.shape:
            reshaped_dim_size = target_shape[len(components) - 1]
            components[-1].append(d)
            component_size = math.prod(components[-1])
            if component_size == reshaped_dim_size:
                components.append([])
            elif component_size > reshaped_dim_size:
                raise NotImplementedError("Unfolding dimensions is not supported")
        assert not components[-1]
        components.pop()
        assert len(components) == len(target_shape)
        return components
''')


def test_pallas_commute_reshape_is_a_fixed_point():
    first, second = rewritten_twice(COMMUTE_RESHAPE)
    assert "scan" not in first and "left as Python" not in first
    assert second == first


def test_pallas_commute_reshape_gives_pythons_answer():
    namespace, original = converted_and_original(COMMUTE_RESHAPE)
    a = np.zeros((2, 3, 4))
    assert namespace["commute_reshape"](a, (6, 4)) == original["commute_reshape"](a, (6, 4))


BREAKS = textwrap.dedent('''
    def first_unit_axis(a, x):
        axis = -1
        for i, d in enumerate(a.shape):
            if d == 1:
                axis = i
                break
        return x.sum(axis=axis)

    def scaled_until_large(a, x):
        total = x
        for d in a.shape:
            total = total * d
            if total.sum() > 10:
                break
        return total
''')


def test_a_loop_over_a_shape_with_break_gives_pythons_answers():
    import jax

    namespace, original = converted_and_original(BREAKS)
    for shape in [(3, 1, 2), (2, 3), (1,)]:
        a = np.zeros(shape)
        x = np.arange(float(np.prod(shape))).reshape(shape)
        same(original["first_unit_axis"](a, x),
             jax.jit(namespace["first_unit_axis"])(a, x))
    for value in (0.5, 0.05):
        a, x = np.zeros((3, 2, 4)), np.full((3, 2, 4), value)
        same(original["scaled_until_large"](a, x),
             jax.jit(namespace["scaled_until_large"])(a, x))


def test_a_loop_over_a_shape_with_break_is_a_fixed_point():
    first, second = rewritten_twice(BREAKS)
    assert "if d == 1:" in first and "jax.lax.while_loop" not in first
    assert second == first


STRINGS = textwrap.dedent('''
    def common_bits(em_e, rm_e, m):
        em_b = bin(em_e)[2:] if em_e else ''
        rm_b = bin(rm_e)[2:] if rm_e else ''
        em_b = '0' * (m - len(em_b)) + em_b
        rm_b = '0' * (m - len(rm_b)) + rm_b
        c1 = 0
        for b0, b1 in zip(em_b, rm_b):
            if b0 != b1:
                break
            c1 += 1
        return c1

    def vowels(word, x):
        n = x * 0
        for ch in word.lower():
            if ch in "aeiou":
                n = n + x
        return n
''')


def test_a_loop_over_a_string_runs_as_python():
    """jax's ``test_util`` (``common_bits``, from its mpmath comparison): the loop over
    ``zip`` of two strings was a ``lax.while_loop`` over ``jnp.asarray(em_b)``, which
    JAX refuses, and a second run was no fixed point."""
    import jax

    first, second = rewritten_twice(STRINGS)
    assert "jnp.asarray(em_b" not in first and "asarray(word" not in first
    assert second == first
    namespace, original = converted_and_original(STRINGS)
    for em_e, rm_e in [(5, 7), (0, 12), (9, 9)]:
        assert namespace["common_bits"](em_e, rm_e, 6) == original["common_bits"](em_e, rm_e, 6)
    same(original["vowels"]("JAXopt", 2.0), jax.jit(namespace["vowels"], static_argnums=0)(
        "JAXopt", 2.0))
