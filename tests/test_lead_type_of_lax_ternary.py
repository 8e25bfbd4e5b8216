"""``index = x if k > 0 else 2`` that ``--standalone`` writes as ``lax.cond``, then
``type(index)`` or ``isinstance(index, float)``: the type of an array, where Python's is
``float`` or ``int``, so plain jax answered False where Python answers True (a silent
wrong answer, on Python values too: ``lax.cond`` gives an array). Refused at the user's
line, as for a variable a lax statement carries; a ternary kept as Python (a branch
gives a string) keeps its type test."""

from __future__ import annotations

import textwrap

from py2lax import transpile

SOURCE = textwrap.dedent('''
    def bumped(x, k):
        index = x if k > 0 else 2
        if type(index) == float:
            x = x + 1
        return x

    def counted(x, k):
        index = x if k > 0 else 2
        return isinstance(index, (int, float))

    def labelled(x):
        label = "big" if x > 0 else 0
        if type(label) == str:
            return 1.0
        return 0.0
''')


def _rewritten():
    """The output, and the comments it gives the functions it left as Python."""
    text = transpile(SOURCE, "m.py", all_functions=True, standalone=True)
    return text, [line for line in text.splitlines() if "py2lax: left as Python" in line]


def test_a_type_test_of_a_lax_ternary_is_refused_at_the_users_line():
    text, messages = _rewritten()
    assert any("`type(index)` is the type of a value lax computes" in m
               and "if type(index) == float:" in m for m in messages), messages
    assert any("`isinstance(index, (int, float))` asks for the Python type" in m
               for m in messages), messages
    namespace: dict = {}
    exec(compile(text, "m.py", "exec"), namespace)
    assert namespace["bumped"](1.5, 1) == 2.5 and namespace["bumped"](1.5, -1) == 1.5
    assert namespace["counted"](1.5, 1) is True


def test_a_ternary_kept_as_python_keeps_its_type_test():
    text, messages = _rewritten()
    assert not any("type(label)" in m for m in messages)
    namespace: dict = {}
    exec(compile(text, "m.py", "exec"), namespace)
    assert namespace["labelled"](2.0) == 1.0 and namespace["labelled"](-2.0) == 0.0
