"""``--standalone`` over installed library code (hypothesis, IPython, jedi, cattrs,
markdown, mkdocs, jax's roofline): functions whose first output a second run rewrote
again (an internal error for the file) and whose output must still behave as Python
on Python values.

* ``name += f" #{n}"`` binds a string: the ``if`` around it stays Python, as for ``s =
  ""`` (mkdocs' ``load_plugin``: the ``if`` was a ``lax.cond`` carrying strings).
* ``res.append(dispatch(a.type or v.__class__)(v))``: the thunks of the runtime's
  ``or_`` are no functions put in the list (cattrs' ``unstructure_attrs_astuple``; only
  its fixed point is checked: ``--all`` takes a parameter it iterates for an array).
* ``lines = block.split("\\n")`` is a list: the loop stays Python (markdown's
  ``detab`` wrote ``lines.at[i].set(...)``; only its fixed point is checked: its ``if
  line.startswith(...)`` is still a ``lax.cond``, which refuses the strings).
* ``typevars |= dict(...)``: a dict's items are no NumPy views (hypothesis'
  ``_evaluate_type_alias_type`` got a guard on its second run only).
* ``lo = kw["min_value"]``: a dict's item by a string key is no NumPy view of ``kw``
  (hypothesis' ``get_float_predicate_bounds`` got a "row of" guard on its second run;
  only its fixed point is checked: its ``if`` joins an int and a float item of the
  dict in ``lax.cond`` without promoting them, JAX's own error).
* ``peak = cur`` then ``cur += x`` on numbers, and ``peak = max(peak, cur)``: the
  first run's ``jnp.where`` is no sign that ``cur`` is a NumPy array (jax's
  ``roofline``).
"""

from __future__ import annotations

import textwrap

import pytest

from standalone_oracle import converted_and_original, rewritten_twice

SOURCE = textwrap.dedent('''
    def plugin_name(name, count):
        inst_name = name
        if count > 1:
            inst_name += f" #{count}"
        return f"Plugin '{inst_name}' loaded"

    def as_tuple(obj, names, dispatch):
        res = []
        for a in names:
            v = getattr(obj, a)
            res.append(dispatch(a or v.__class__)(v))
        return tuple(res)

    def detab(block):
        lines = block.split("\\n")
        for i, line in enumerate(lines):
            if line.startswith(" " * 4):
                lines[i] = line[4:]
        return "\\n".join(lines)

    def bind(thing, typevars, params, args):
        if isinstance(thing, str):
            found = typevars[thing]
        else:
            typevars |= dict(zip(params, args))
            found = typevars.get(thing)
        return found

    def float_bounds(constraints):
        if "min_value" in constraints:
            min_value = constraints["min_value"]
            constraints["min_value"] = float(constraints["min_value"])
            if min_value < constraints["min_value"] or constraints.get("exclude", False):
                constraints["min_value"] = constraints["min_value"] + 1.0
        return constraints

    def peak_of(sizes, start):
        current = start
        peak = current
        for size in sizes:
            current += size
            current -= 1
            peak = max(peak, current)
        return peak
''')


CASES = [
    ("plugin_name", [("search", 1), ("search", 3)]),
    ("bind", [("T", {"T": int}, ["U"], [str]), (1, {"T": int}, [1], [str])]),
    ("peak_of", [([3, 1, 4, 1, 5], 2), ([], 7)]),
]


def test_a_second_run_changes_nothing():
    first, second = rewritten_twice(SOURCE)
    assert "lines.at[" not in first and "jax.lax.cond(count > 1" not in first
    assert second == first


@pytest.mark.parametrize("name, calls", CASES)
def test_the_output_gives_pythons_answers(name, calls):
    converted, original = converted_and_original(SOURCE)
    for arguments in calls:
        copied = [dict(a) if isinstance(a, dict) else a for a in arguments]
        assert converted[name](*copied) == original[name](*arguments)
