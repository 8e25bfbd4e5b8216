"""``--standalone`` over installed library code, the three files whose first output a
second run still rewrote (griffe, IPython, jedi): each a class of program, checked for
the fixed point and, where it runs on Python values, for Python's answers.

* A helper that writes into its parameter ``cls`` (a keyword-only parameter, no
  method's class): the first run's guard ``isinstance(cls, jax.Array) and cls.ndim``
  reads ``cls.ndim`` as an array's, after the ``isinstance`` of the same ``and`` (the
  second run took it for the attribute of an object, and lowered the guard to a
  ``jax.debug.callback``; griffe's ``UnpackTypedDictExtension.on_class``).
* An object made after an early ``return`` and returned by a traced ``if``: the first
  run's branch functions, which ``_py2lax_python_or_lax_cond`` calls at once, are no
  closures that keep the object's variable live after the ``if`` (the second run refused
  it as carried out of a lax statement; IPython's ``timeit``).
* ``type(v) in (int, str)``: builtin classes are Python values, so the test is static
  and the ``if`` stays Python (the first run wrote ``jnp.isin`` of classes, which JAX
  refuses; jedi's ``_getitem``), and the first run's guard before ``result |= ...`` in
  a ``try`` whose handler catches a class of the user's stays a raise (the second run
  dispatched it to the handler through ``issubclass`` tests of ``TypeError``).
"""

from __future__ import annotations

import ast
import textwrap
import types

from py2lax.analysis.closures import RUNNING_HELPERS
from py2lax.analysis.static_values import is_static
from py2lax.analysis.targets import targets
from py2lax.backends.plain_lax import shared_definitions
from py2lax.frontend import syntax as S

from standalone_oracle import converted_and_original, rewritten_twice

SOURCE = textwrap.dedent('''
    def collect(cls):
        for attr in cls.members.values():
            cls.seen.append(attr)
        cls.extra["done"] = True
        return list(cls.seen)

    def count_members(*, cls):
        found = collect(cls)
        count = 0
        for attr in found:
            count += attr
        return count

    class Result:
        def __init__(self, n):
            self.n = n

    def timed(stmt, n, return_result):
        if stmt == "":
            return None
        result = Result(n)
        if return_result:
            return result

    def total_of(values, table):
        total = 0
        missed = 0
        for v in values:
            if type(v) in (int, str):
                try:
                    total += table[v]
                    continue
                except KeyError:
                    pass
            missed += 1
        return total, missed

    NotFound = type("NotFound", (LookupError,), {})
    EMPTY = frozenset()

    def lookup(table, v):
        if v not in table:
            raise NotFound(v)
        return table[v]

    def merged(values, table):
        result = EMPTY
        for v in values:
            if type(v) in (int, str):
                try:
                    result |= lookup(table, v)
                    continue
                except NotFound:
                    pass
            result |= {None}
        return result
''')


def test_a_second_run_changes_nothing():
    first, second = rewritten_twice(SOURCE)
    assert "jax.numpy.not_equal(cls.ndim" not in first and "isin(type(v)" not in first
    assert "if type(v) in (int, str):" in first
    assert second == first


def test_a_helper_writing_into_cls_keeps_pythons_answer():
    converted, original = converted_and_original(SOURCE)
    def made():
        return types.SimpleNamespace(members={"a": 2, "b": 5}, seen=[1], extra={})
    expected, got = made(), made()
    assert converted["count_members"](cls=got) == original["count_members"](cls=expected)
    assert (got.seen, got.extra) == (expected.seen, expected.extra) == ([1, 2, 5], {"done": True})


def test_an_object_returned_by_a_traced_if_after_an_early_return():
    converted, original = converted_and_original(SOURCE)
    assert converted["timed"]("", 3, True) is None
    assert converted["timed"]("pass", 3, True).n == original["timed"]("pass", 3, True).n == 3
    assert converted["timed"]("pass", 3, False) is None


def test_a_type_tested_against_builtin_classes_stays_python():
    converted, original = converted_and_original(SOURCE)
    table = {1: 10, "a": 5}
    for values in ([1, "a", 2.5, "b"], [], [2.0]):
        assert converted["total_of"](values, table) == original["total_of"](values, table)


def test_a_guard_in_a_try_whose_handler_catches_a_class_of_the_users():
    """The first run's guard before ``result |= ...`` raises ``TypeError`` in a ``try``
    whose handler catches a class the code does not show: the second run keeps the
    raise (it dispatched it through ``issubclass`` tests of ``TypeError``). Only the
    text is checked: ``--all`` carries the set ``result`` through the ``lax.cond`` of
    ``result |= {None}``, which JAX refuses."""
    first, second = rewritten_twice(SOURCE)
    for text in (first, second):
        guarded = text[text.index("def merged"):]
        assert "issubclass(TypeError" not in guarded and "caught_" not in guarded
        assert "raise TypeError('m.py:" in guarded


def test_a_test_checked_by_python_test_reads_the_loop_variable_at_once():
    """``_py2lax_python_test(lambda d=d, core=core: isinstance(i, ...) and ...)``, a first
    run's check of a test whose ``and`` may skip a call: the helper calls the lambda at
    once, so its ``i`` is no cell variable that the loop carries (a second run took it
    for one and refused the type test of a value lax computes; jax's
    ``_dynamic_slice_indices``, where a module-level lambda also names ``i``)."""
    source = textwrap.dedent('''
        import numpy as np

        combine = lambda g, i: g + i

        def offsets(starts, dims):
            for i, d in zip(starts, dims):
                if isinstance(i, (int, np.integer)) and core.is_constant_dim(d):
                    pass
    ''')
    first, second = rewritten_twice(source)
    assert "_py2lax_python_test(lambda" in first and "left as Python" not in second
    assert second == first


def test_isinstance_of_an_array_makes_the_rest_of_the_and_read_an_array():
    def static(text):
        return is_static(S.parse_module(text).body[0].value, set())
    assert static("isinstance(cls, jax.Array) and cls.ndim")
    assert static("isinstance(self, np.ndarray) and self.shape[0] == 2")
    assert not static("self.size > 2")  # the user's own attribute, a count it updates
    assert not static("isinstance(cls, jax.Array) or cls.ndim")


def test_a_builtin_class_the_function_binds_is_not_static():
    module = S.parse_module(textwrap.dedent('''
        def f(x, float):
            return type(x) in (float, int)

        def g(x):
            int = x
            return type(x) in (str, int)

        def h(x):
            return type(x) in (str, int)
    '''))
    names = {t.function.name: t.static_names for t in targets(module, all_functions=True)}
    assert "float" not in names["f"] and "int" in names["f"]
    assert "int" not in names["g"] and "str" in names["g"]
    assert {"int", "str"} <= names["h"]


def test_the_running_helpers_are_helpers_that_call_a_function_given():
    """Each name ``lax_callbacks`` reads as running its functions at once is a helper
    ``--standalone`` defines, and calls one of its parameters."""
    texts = {}
    for text, _needs in shared_definitions._TEXTS.values():
        for node in ast.parse(textwrap.dedent(text)).body:
            if isinstance(node, ast.FunctionDef):
                texts[node.name] = node
    for name in RUNNING_HELPERS:
        assert name in texts, name
        definition = texts[name]
        parameters = {a.arg for a in definition.args.args}
        assert parameters & _called_or_passed_on(definition), name


def _called_or_passed_on(definition) -> set[str]:
    """The names ``definition`` calls (``branch(*operands)``, ``branches[k](...)``) or
    gives to a call that runs them (another running helper, ``jax.lax``, ``eval_shape``)."""
    found = set()
    for node in ast.walk(definition):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        while isinstance(function, ast.Subscript):
            function = function.value
        choices = function.elts if isinstance(function, ast.Tuple) else [function]
        found |= {f.id for f in choices if isinstance(f, ast.Name)}  # `(f, g)[k](...)`
        spelled = ast.unparse(node.func)
        if spelled in RUNNING_HELPERS or spelled.startswith(("jax.lax.", "jax.eval_shape")):
            found |= {a.id for a in node.args if isinstance(a, ast.Name)}
    return found
