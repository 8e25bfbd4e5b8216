"""A string that a traced condition chooses (``tag = "hi" if x > 0 else "lo"``) is
carried as which string it is: comparisons and string methods on it give traced values,
and a use that needs one Python string is refused at its own line (randgen class)."""

import jax
import jax.numpy as jnp
import pytest

import py2lax


def _both(f, *inputs):
    converted = jax.jit(py2lax.convert(f))
    for args in inputs:
        expected = f(*args)
        got = converted(*(jnp.float32(a) for a in args))
        assert type(got) is type(expected)
        for e, g in zip(expected, got):
            assert float(g) == pytest.approx(float(e))


def branch_labels(x, y):
    tag = "lo"
    c = 0.0
    if x > 0.0:
        tag = "hi"
        c = c + 0.5
    else:
        tag = "mid"
    if tag == "hi":
        c = c + 1.0
    elif tag.endswith("d"):
        c = c - 0.5
    return c, tag.startswith("m"), tag.count("i") * 1.0


def ternary_label(x, y):
    mode = "fast" if x > y else "slow"
    c = y
    if mode != "fast":
        c = c * 2.0
    return c, mode == "slow"


def concatenated_label(x, y):
    tag = "lo"
    if x > 0.0:
        tag = tag + "x"
    tag = tag.upper()
    c = 0.0
    if tag.endswith("X"):
        c = c + 1.0
    return c, tag == "LOX", tag.find("X") * 1.0


def nested_labels(x, y):
    tag = "a"
    if x > 0.0:
        if y > 0.0:
            tag = "b"
        else:
            tag = "c"
    c = 0.0
    for k in range(3):
        if tag == "c":
            c = c + k
    return c, tag == "a", tag == "b"


def returned_label(x, y):
    tag = "neg"
    if x > 0.0:
        tag = "pos"
    return tag, y


def loop_keeps_label(x, n):
    tag = "up" if x > 0.0 else "down"
    c = 0.0
    k = 0
    while k < n:
        k += 1
        if tag == "up":
            c = c + 1.0
    return c, tag == "down"


@pytest.mark.parametrize("f", [branch_labels, ternary_label, concatenated_label, nested_labels])
def test_choice_of_strings_matches_python(f):
    _both(f, (0.3, -0.7), (-1.5, 0.2), (1.0, 1.0), (-0.2, -0.4))


def test_chosen_string_leaves_jit_as_the_string():
    converted = jax.jit(py2lax.convert(returned_label))
    for x in (0.5, -0.5):
        tag, y = converted(jnp.float32(x), jnp.float32(1.0))
        assert tag == returned_label(x, 1.0)[0] and type(tag) is str


def test_chosen_string_carried_by_a_traced_loop():
    converted = jax.jit(py2lax.convert(loop_keeps_label))
    for x, n in ((0.5, 3), (-0.5, 2), (0.5, 0)):
        got = converted(jnp.float32(x), jnp.int32(n))
        assert [float(v) for v in got] == [float(v) for v in loop_keeps_label(x, n)]


def length_of_label(x):
    tag = "hi" if x > 0.0 else "mid"
    return len(tag)


class Box:
    pass


def length_of_held_label(x):
    box = Box()
    box.tag = "hi" if x > 0.0 else "mid"
    return len(box.tag)


def test_length_of_chosen_string_is_traced():
    converted = jax.jit(py2lax.convert(length_of_label))
    assert [int(converted(jnp.float32(x))) for x in (0.5, -0.5)] == [2, 3]


def key_of_label(x):
    tag = "lo"
    if x > 0.0:
        tag = "hi"
    d = {}
    d[tag] = x
    return d


def printed_label(x):
    tag = "lo"
    if x > 0.0:
        tag = "hi"
    return str(tag)


@pytest.mark.parametrize("f, line, what", [
    (length_of_held_label, "return len(box.tag)", "`len()`"),
    (key_of_label, "d[tag] = x", "dict key"),
    (printed_label, 'return str(tag)', "str()"),
])
def test_use_needing_one_string_is_located(f, line, what):
    with pytest.raises(py2lax.ConversionError) as caught:
        jax.jit(py2lax.convert(f))(jnp.float32(0.5))
    message = str(caught.value)
    assert message.startswith(__file__ + ":") and line in message and what in message
    assert "'tag'" in message or f is length_of_held_label  # a ternary's value has no name


def same_length_labels(x):
    tag = "hi" if x > 0.0 else "lo"
    return len(tag), isinstance(tag, str)


def test_what_every_candidate_agrees_on_is_python():
    assert jax.jit(py2lax.convert(same_length_labels))(jnp.float32(0.5)) == (2, True)


def type_of_label(x):
    tag = "a" if x > 0.0 else "b"
    return type(tag) is str, isinstance(tag, str), isinstance(tag, int)


def test_type_tests_see_a_string():
    assert jax.jit(py2lax.convert(type_of_label))(jnp.float32(0.5)) == (True, True, False)


def chosen_in_a_loop(x, n):
    tag = "a" if x > 0.0 else "b"
    k = 0
    while k < n:
        k += 1
        tag = "c"
    return tag == "c"


def test_string_a_traced_loop_sets():
    converted = jax.jit(py2lax.convert(chosen_in_a_loop))
    for x, n in ((0.5, 2), (0.5, 0), (-0.5, 0), (-0.5, 1)):
        assert bool(converted(jnp.float32(x), jnp.int32(n))) == chosen_in_a_loop(x, n)


def repr_of_label(x):
    tag = "a" if x > 0.0 else "b"
    return repr(tag)


def repr_in_f_string(x):
    tag = "a" if x > 0.0 else "b"
    return f"{tag!r}"


def test_repr_in_f_string_is_pythons():
    assert jax.jit(py2lax.convert(repr_in_f_string))(jnp.float32(-0.5)) == "'b'"


def test_repr_in_user_code_is_located():
    with pytest.raises(py2lax.TracedValueError, match="repr"):
        jax.jit(py2lax.convert(repr_of_label))(jnp.float32(0.5))


def choice_grows_in_loop(x, n):
    tag = "a" if x > 0.0 else "b"
    for i in range(n):
        tag = tag + "x"
    return tag == "axx"


def test_loop_refusal_names_the_possible_strings():
    with pytest.raises(py2lax.CarryTypeError, match="for i in range"):
        jax.jit(py2lax.convert(choice_grows_in_loop))(jnp.float32(0.5), jnp.int32(2))


def chosen_in_traced_range(x, n):
    tag = "lo"
    for i in range(n):
        tag = "hi" if i % 2 == 0 else "mid"
    return len(tag), tag == "hi"


def chosen_under_if_in_while(x, n):
    tag = "a"
    k = 0
    c = 0.0
    while k < n:
        k += 1
        if x > k:
            tag = "b"
        elif tag == "b":
            tag = "c"
        if tag == "c":
            c = c + 1.0
    return c, tag == "c", len(tag)


def chosen_over_array(x, v):
    tag = "none"
    for e in v:
        if e > x:
            tag = "big"
    return tag == "big", len(tag)


@pytest.mark.parametrize("f, inputs", [
    (chosen_in_traced_range, [(0.0, 0), (0.0, 1), (0.0, 2), (0.0, 5)]),
    (chosen_under_if_in_while, [(0.5, 3), (2.5, 4), (1.5, 3), (0.5, 0)]),
    (chosen_over_array, [(0.5, (0.1, 0.2)), (0.5, (0.1, 0.9)), (2.0, (3.0,))]),
])
def test_string_a_traced_loop_chooses(f, inputs):
    converted = jax.jit(py2lax.convert(f))
    for x, second in inputs:
        expected = f(x, second)
        second = jnp.int32(second) if isinstance(second, int) else jnp.asarray(second)
        got = converted(jnp.float32(x), second)
        assert [float(g) for g in got] == [float(e) for e in expected], (x, second)


def grows_in_loop(x, n):
    tag = "a"
    for i in range(n):
        tag = tag + "x"
    return tag == "axx"


def test_string_growing_in_a_traced_loop_is_located():
    with pytest.raises(py2lax.CarryTypeError, match="for i in range"):
        jax.jit(py2lax.convert(grows_in_loop))(jnp.float32(0.5), jnp.int32(2))


def formatted_after_loop(x, n):
    tag = "lo"
    for i in range(n):
        tag = "hi" if x > i else "mid"
    return f"{tag}!"


def keyed_after_loop(x, n):
    tag = "lo"
    for i in range(n):
        tag = "hi" if x > i else "mid"
    return {tag: x}


def test_refusal_after_a_loop_names_the_variable():
    with pytest.raises(py2lax.TracedValueError, match="'tag'"):
        jax.jit(py2lax.convert(keyed_after_loop))(jnp.float32(0.5), jnp.int32(2))


def formatted_labels(x, m):
    tag = "lo"
    if x > 0.0:
        tag = "hi"
    tag = f"{tag}{m}"
    label = f"<{tag!r:>7}|{m:03d}>"
    return tag == "hi2", len(label), label.startswith("<  'lo")


def test_f_string_of_a_chosen_string_is_formatted_for_each():
    converted = jax.jit(py2lax.convert(formatted_labels), static_argnums=1)
    for x in (0.5, -0.5):
        assert [bool(g) if i != 1 else int(g) for i, g in enumerate(converted(jnp.float32(x), 2))] \
            == list(formatted_labels(x, 2))


def test_formatted_chosen_string_leaves_jit_as_the_string():
    converted = jax.jit(py2lax.convert(formatted_after_loop))
    for x, n in ((0.5, 1), (0.5, 0), (-0.5, 2)):
        assert converted(jnp.float32(x), jnp.int32(n)) == formatted_after_loop(x, n)


def joined_label(x):
    tag = "hi" if x > 0.0 else "lo"
    tag = "-".join([tag, "y"])
    return tag == "hi-y", "hi-y-lo".find(tag) * 1.0, tag


def test_str_method_of_a_literal_with_a_chosen_string():
    converted = jax.jit(py2lax.convert(joined_label))
    for x in (0.5, -0.5):
        a, b, c = converted(jnp.float32(x))
        assert (bool(a), float(b), c) == joined_label(x)


def formatted_in_loop(x, n):
    tag = "lo"
    if x > 0.0:
        tag = "hi"
    k = 0
    while k < n:
        k += 1
        tag = f"{tag}{k}"
    return tag == "hi1"


def test_string_growing_from_a_choice_in_a_loop_is_located_at_the_loop():
    with pytest.raises(py2lax.CarryTypeError) as caught:
        jax.jit(py2lax.convert(formatted_in_loop))(jnp.float32(0.5), jnp.int32(2))
    message = str(caught.value)
    assert message.startswith(__file__ + ":") and "while k < n:" in message and "'tag'" in message
