"""A second ``--standalone`` run over the first's output changes nothing (jax's
``pallas`` ``is_range_out_of_bounds_for_shape``): the first run keeps ``for d, r in
zip(...)`` as Python, each iteration under its checked ``not returned`` flag, because
its body tests the type of its items. Read again, that loop and its flag's ``if`` are
records whose carried names include ``r``, and ``isinstance(r, int)`` was refused as a
type test of a value lax computes (the function left as Python: no fixed point)."""

from __future__ import annotations

import textwrap

from standalone_oracle import converted_and_original, rewritten_twice

SOURCE = textwrap.dedent('''
    def out_of_bounds(rnge, shape):
        for d, r in zip(shape, rnge, strict=True):
            if isinstance(r, int):
                assert 0 <= r
                if r >= d:
                    return True
            elif isinstance(r, slice):
                if r.step is None:
                    if r.stop > d:
                        return True
                else:
                    count = (r.stop - r.start + r.step - 1) // r.step
                    if count > 0:
                        last = r.start + (count - 1) * r.step
                        if last >= d:
                            return True
            else:
                raise ValueError(f"Unsupported range type: {type(r)}.")
        return False
''')


def test_a_second_run_changes_nothing():
    first, second = rewritten_twice(SOURCE)
    assert "left as Python" not in second
    assert second == first


def test_the_output_gives_pythons_answers():
    namespace, original = converted_and_original(SOURCE)
    for rnge, shape in [((1, slice(0, 4, None)), (2, 4)), ((3,), (2,)),
                        ((slice(0, 9, 2),), (8,)), ((slice(0, 9, None),), (8,))]:
        assert bool(namespace["out_of_bounds"](rnge, shape)) == original["out_of_bounds"](
            rnge, shape)
