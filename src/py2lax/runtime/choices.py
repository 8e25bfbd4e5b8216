"""Strings and functions that a traced condition chooses: ``label = "hi" if x > 0 else
"lo"``, ``act = jnp.tanh if x > 0 else jnp.sin``.

Python's ``label`` is one of a few strings, which one known only at run time. lax cannot
carry a string, but it can carry *which* string: the traced ``if`` gives a
:class:`StringChoice`, the strings it may be (fixed when tracing) and a traced index.
Whatever the code does with it next is done to every possible string, in Python:

- a string result (``label + "x"``, ``label.upper()``) is again a choice;
- a number or bool result (``label == "hi"``, ``label.startswith("l")``,
  ``label.count("l")``) is the traced value lax selects by the index, so ``if label ==
  "hi":`` is a traced ``if`` as usual;
- a result every candidate agrees on is that Python value (``len(label)`` when all the
  strings have one length, ``bool(label)`` when none is empty).

A use that needs one Python value the candidates disagree on (``len`` of strings of
different lengths, a dict key, ``print``, an f-string, ``for ch in label``) is refused at
the user's line, saying what to write instead. Leaving ``jax.jit`` (the index is
concrete again) the choice becomes the string Python would have.

A function works the same way (:class:`FunctionChoice`): calling it calls the chosen
one, a ``lax.switch`` among the candidates (each traced with the same arguments);
``act == jnp.tanh`` is the traced bool; anything else that needs the function itself
(its ``__name__``, a dict key) is refused.
"""

from __future__ import annotations

import functools
import os
import sys
import types
import sysconfig

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import TracedValueError
from py2lax.runtime.values import is_traced, marked_along_wrappers

_NUMBERS = (bool, int, float, np.bool_, np.integer, np.floating)


class StringChoice:
    """One of ``candidates`` (distinct strings), the one at traced position ``index``."""

    __slots__ = ("index", "candidates", "name")

    def __init__(self, index, candidates: tuple, name: str | None = None):
        self.index, self.candidates, self.name = index, tuple(candidates), name

    # -- what isinstance() sees: each candidate is a str
    @property
    def __class__(self):  # noqa: D401 - `isinstance(label, str)` is Python's answer
        return str

    def __repr__(self) -> str:
        if _called_by_user_code():  # `repr(label)`, `f"{label!r}"`: Python's repr is a str
            raise _needs_one_value(self, "`repr()`", "build the string in each branch of "
                                   "the `if`, or outside the compiled function.")
        return self.describe()

    def describe(self) -> str:
        options = " or ".join(repr(c) for c in self.candidates)
        return f"<one of {options}, chosen by a traced condition>"

    # -- applying an operation to every candidate
    def _each(self, operation, what: str):
        return _combined(self, [operation(c) for c in self.candidates], what)

    def __getattr__(self, attribute):
        if attribute.startswith("__") or not hasattr(str, attribute):
            raise AttributeError(attribute)
        method = getattr(str, attribute)
        if not callable(method):
            return self._each(lambda c: getattr(c, attribute), f"`.{attribute}`")

        def call(*arguments, **options):
            if any(type(a) is StringChoice for a in arguments):
                raise _needs_one_value(self, f"`.{attribute}()` of another string chosen "
                                       "by a traced condition", "call it inside the `if`.")
            return self._each(lambda c: getattr(c, attribute)(*arguments, **options),
                              f"`.{attribute}()`")
        return call

    def _binary(self, other, operation, what: str):
        if type(other) is StringChoice:
            if other is not self and not (other.index is self.index
                                          and other.candidates == self.candidates):
                raise _needs_one_value(self, f"{what} on two strings chosen by traced "
                                       "conditions", "compare or join them inside one `if`.")
            return self._each(lambda c: operation(c, c), what)
        return self._each(lambda c: operation(c, other), what)

    def __eq__(self, other):
        return self._binary(other, lambda a, b: a == b, "`==`")

    def __ne__(self, other):
        return self._binary(other, lambda a, b: a != b, "`!=`")

    def __lt__(self, other):
        return self._binary(other, lambda a, b: a < b, "`<`")

    def __le__(self, other):
        return self._binary(other, lambda a, b: a <= b, "`<=`")

    def __gt__(self, other):
        return self._binary(other, lambda a, b: a > b, "`>`")

    def __ge__(self, other):
        return self._binary(other, lambda a, b: a >= b, "`>=`")

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, "`+`")

    def __radd__(self, other):
        return self._each(lambda c: other + c, "`+`")

    def __mul__(self, count):
        return self._each(lambda c: c * count, "`*`")

    __rmul__ = __mul__

    def __mod__(self, values):
        return self._each(lambda c: c % values, "`%`")

    def __getitem__(self, key):
        return self._each(lambda c: c[key], "indexing")

    # -- uses that need one Python value
    def _agreed(self, values, what: str, fix: str):
        first = values[0]
        if all(type(v) is type(first) and v == first for v in values[1:]):
            return first
        raise _needs_one_value(self, what, fix)

    def length(self):
        """``len()`` through ``py2lax.converted(len)``: the traced length."""
        return self._each(len, "`len()`")

    def __len__(self):
        return self._agreed([len(c) for c in self.candidates], "`len()`",
                            "compute the length as a number in each branch (`size = 3` next to "
                            "`label = \"big\"`), or make the condition static.")

    def __bool__(self):
        return self._agreed([bool(c) for c in self.candidates], "its truth value",
                            "test `label == \"\"` (a traced bool) instead.")

    def __contains__(self, part):
        if type(part) is StringChoice:
            raise _needs_one_value(self, "`in`", "test inside the `if`.")
        return self._agreed([part in c for c in self.candidates], "`in`",
                            "use `label.find(part) >= 0` or `label.count(part) > 0` (traced).")

    def __hash__(self):
        raise _needs_one_value(self, "a dict key or set item",
                               "keep one entry per possible string and select its value "
                               "with the condition.")

    def __str__(self):
        raise _needs_one_value(self, "`str()`/`print()`",
                               "return the choice as a number and turn it into a string "
                               "outside the compiled function.")

    def __format__(self, spec):
        raise _needs_one_value(self, "an f-string or `format()`",
                               "build the string in each branch of the `if`, or outside the "
                               "compiled function.")

    def __iter__(self):
        lengths = {len(c) for c in self.candidates}
        if len(lengths) != 1:
            raise _needs_one_value(self, "iterating over it", "iterate over a string chosen "
                                   "outside the compiled function.")
        return iter([self[i] for i in range(lengths.pop())])


_LIBRARY_ROOTS = tuple(
    os.path.realpath(path) + os.sep
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (path := sysconfig.get_paths().get(key))
) + (os.path.realpath(os.path.dirname(os.path.dirname(__file__))) + os.sep,)


def _called_by_user_code() -> bool:
    caller = sys._getframe(2).f_code.co_filename
    return not os.path.realpath(caller).startswith(_LIBRARY_ROOTS) and not caller.startswith("<")


class FunctionChoice:
    """One of ``candidates`` (distinct functions), the one at traced position ``index``."""

    __slots__ = ("index", "candidates", "name")

    def __init__(self, index, candidates: tuple, name: str | None = None):
        self.index, self.candidates, self.name = index, tuple(candidates), name

    def __repr__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        options = " or ".join(_function_name(c) for c in self.candidates)
        return f"<one of {options}, chosen by a traced condition>"

    def __call__(self, *arguments, **options):
        """The chosen function's result: each candidate traced with the arguments, and
        lax choosing among the results (promoted to one type) by the index."""
        from py2lax.runtime.calls import converted  # (the user's functions, converted)
        from py2lax.runtime.conditionals import if_exp

        def call(position: int):
            chosen = functools.partial(converted(self.candidates[position]), *arguments,
                                       **options)
            if position == len(self.candidates) - 1:
                return chosen()
            return if_exp(self.index == position, chosen, lambda: call(position + 1))

        return call(0)

    def _each(self, operation, what: str):
        return _combined(self, [operation(c) for c in self.candidates], what)

    def __eq__(self, other):
        return self._each(lambda c: c is other or c == other, "`==`")

    def __ne__(self, other):
        return self._each(lambda c: not (c is other or c == other), "`!=`")

    def __hash__(self):
        raise _needs_one_value(self, "a dict key or set item",
                               "keep one entry per possible function and select its value "
                               "with the condition.")

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return self._each(lambda c: getattr(c, attribute), f"`.{attribute}`")

    def __bool__(self):
        return True  # every candidate is a function


def _function_name(function) -> str:
    return getattr(function, "__qualname__", None) or getattr(function, "__name__", None) or repr(
        function)


_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                   functools.partial, np.ufunc)


def is_function_like(value) -> bool:
    """A function a traced condition may choose: a Python, built-in or NumPy function, a
    bound method, a partial, or one of JAX's (``jnp.tanh`` is a jitted function,
    ``jax.nn.relu`` a ``custom_jvp``)."""
    if isinstance(value, _FUNCTION_TYPES):
        return True
    kind = type(value)
    return (callable(value) and not isinstance(value, (type, jax.Array))
            and kind.__module__.split(".")[0] in ("jax", "jaxlib"))


def is_choosable(value) -> bool:
    """A value a traced condition's choice can stand for: a string or a function."""
    return (is_string_like(value) or type(value) is FunctionChoice
            or is_function_like(value))


class _Label:
    """The variable name a choice carries for messages, in its pytree structure: equal to
    any other label, so that two choices of one table compare as one structure whatever
    names they went by (`mode` in a loop's carry, unnamed in a branch's result)."""

    __slots__ = ("name",)

    def __init__(self, name: str | None):
        self.name = name

    def __eq__(self, other) -> bool:
        return type(other) is _Label

    def __hash__(self) -> int:
        return hash(_Label)

    def __repr__(self) -> str:
        return repr(self.name)


def _flatten(choice: StringChoice):
    return (choice.index,), (choice.candidates, _Label(choice.name))


def _unflattening(kind):
    """How a choice of ``kind`` is rebuilt from its index: once the program has run (the
    index is concrete again), the string or function Python chose."""
    def unflatten(aux, leaves):
        (index,) = leaves
        candidates, label = aux
        name = label.name if type(label) is _Label else label
        if isinstance(index, (jax.Array, np.ndarray, np.generic, int)) and not is_traced(index):
            try:
                return candidates[int(index)]
            except (TypeError, IndexError, ValueError):
                pass
        return kind(index, candidates, name)

    return unflatten


for _kind in (StringChoice, FunctionChoice):
    jax.tree_util.register_pytree_node(_kind, _flatten, _unflattening(_kind))


def _combined(choice: StringChoice, results: list, what: str):
    """One result per candidate: the Python value they agree on, a new choice of
    strings, or the traced number lax selects."""
    first = results[0]
    if all(type(r) is type(first) and _same(r, first) for r in results[1:]):
        return first
    if all(isinstance(r, str) for r in results):
        return choice_of(choice.index, results, choice.name)
    if all(isinstance(r, (*_NUMBERS, jax.Array, np.ndarray)) for r in results):
        table = jnp.stack([jnp.asarray(r) for r in jnp.broadcast_arrays(*results)])
        if not all(isinstance(r, (bool, np.bool_)) for r in results) and any(
                isinstance(r, (float, np.floating)) for r in results):
            table = table.astype(jnp.result_type(float))
        return table[choice.index]
    raise _needs_one_value(choice, what, "make the condition static, or compute the "
                           "result in each branch of the `if`.")


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays, values that cannot be compared
        return False


def item_of_choice(items, choice: StringChoice):
    """``items[choice]`` (a dict or list indexed by a string a traced condition chose):
    the item for each possible string, chosen as ``_combined`` chooses results."""
    try:
        values = [items[c] for c in choice.candidates]
    except (KeyError, IndexError, TypeError):
        raise _needs_one_value(choice, "indexing with it (a possible key is missing)",
                               "give every possible string an entry, or index inside the "
                               "`if`.") from None
    return _combined(choice, values, "indexing with it")


def attribute_of_choice(value, choice: StringChoice, *default):
    """``getattr(value, choice)``: the attribute for each possible name."""
    try:
        values = [getattr(value, c, *default) for c in choice.candidates]
    except AttributeError:
        raise _needs_one_value(choice, "`getattr()` (a possible attribute is missing)",
                               "give the object every possible attribute, or read it "
                               "inside the `if`.") from None
    return _combined(choice, values, "`getattr()`")


def choice_of(index, strings, name: str | None = None):
    """``strings[index]`` for a traced ``index``: a choice among the distinct strings."""
    distinct = tuple(dict.fromkeys(strings))
    if len(distinct) == 1:
        return distinct[0]
    positions = jnp.asarray([distinct.index(s) for s in strings], jnp.int32)
    return StringChoice(positions[index], distinct, name)


def is_string_like(value) -> bool:
    return isinstance(value, str) or type(value) is StringChoice


def candidates_of(value) -> tuple:
    return value.candidates if type(value) in (StringChoice, FunctionChoice) else (value,)


def is_choice(value) -> bool:
    return type(value) in (StringChoice, FunctionChoice)


def choice_table(left, right) -> tuple | None:
    """All the strings (or all the functions) two paths may give one variable, when they
    differ; None when they agree, or mix strings, functions and other values."""
    table = []
    for candidate in candidates_of(left) + candidates_of(right):
        if not any(same_candidate(candidate, t) for t in table):
            table.append(candidate)
    table = tuple(table)
    ours, theirs = candidates_of(left), candidates_of(right)
    if type(left) is type(right) and len(ours) == len(theirs) and all(
            same_candidate(a, b) for a, b in zip(ours, theirs)):
        return None  # the same string or function, or the same choice
    if all(isinstance(c, str) for c in table) or all(is_function_like(c) for c in table):
        return table
    return None


def _position(table: tuple, candidate) -> int:
    for position, known in enumerate(table):
        if same_candidate(known, candidate):
            return position
    from py2lax.runtime.conversions import user_location
    raise TracedValueError(  # (a branch traced again gave a value no candidate matches)
        location=user_location(), problem=f"{_function_name(candidate) if not isinstance(candidate, str) else repr(candidate)} "
        "is chosen by a traced condition but differs each time the branch is traced",
        rule="a traced `if` carries which of the strings or functions its branches leave; "
             "each must be the same object whenever the branch runs.",
        fix="define the function once, before the `if`, and choose it by name in the "
            "branches.")


def same_candidate(a, b) -> bool:
    """Whether two strings, or two functions, are the same candidate. A branch traced
    again makes its ``lambda`` again: the same code over the same cells is the same one."""
    if a is b or (isinstance(a, str) and isinstance(b, str) and a == b):
        return True
    if isinstance(a, functools.partial) and isinstance(b, functools.partial):
        return (same_candidate(a.func, b.func) and _same_items(a.args, b.args)
                and a.keywords.keys() == b.keywords.keys()
                and _same_items(list(a.keywords.values()), list(b.keywords.values())))
    if isinstance(a, types.MethodType) and isinstance(b, types.MethodType):
        return a.__self__ is b.__self__ and same_candidate(a.__func__, b.__func__)
    if not (isinstance(a, types.FunctionType) and isinstance(b, types.FunctionType)):
        return False
    return (a.__code__ is b.__code__ and a.__defaults__ == b.__defaults__
            and _cells(a) == _cells(b))


def _same_items(first, second) -> bool:
    """Arguments a partial binds: the same objects (numbers equal to each other)."""
    return len(first) == len(second) and all(
        x is y or (type(x) is type(y) and isinstance(x, (int, float, complex, str, bool))
                   and x == y) for x, y in zip(first, second))


def _cells(function) -> list:
    found = []
    for cell in function.__closure__ or ():
        try:
            found.append(id(cell.cell_contents))
        except ValueError:  # an empty cell
            found.append(None)
    return found


def encoded(value, table: tuple):
    """``value`` (a string or function, or a choice among those in ``table``) as a choice
    whose candidates are ``table``: what both branches of a traced ``if`` give lax
    (unnamed, so both give one structure; the ``if`` names the result)."""
    kind = StringChoice if isinstance(table[0], str) else FunctionChoice
    if is_choice(value):
        positions = jnp.asarray([_position(table, c) for c in value.candidates], jnp.int32)
        return kind(positions[value.index], table)
    return kind(jnp.asarray(_position(table, value), jnp.int32), table)


def _needs_one_value(choice, what: str, fix: str) -> TracedValueError:
    from py2lax.runtime.conversions import user_location
    strings = type(choice) is StringChoice
    name = f"{choice.name!r}" if choice.name else ("this string" if strings else "this function")
    options = " or ".join(repr(c) if strings else _function_name(c) for c in choice.candidates)
    return TracedValueError(
        f"{what} needs the Python value of {name}, which is {options} depending on a "
        "traced condition",
        location=user_location(), names=(choice.name,) if choice.name else (),
        rule=("a traced `if` compiles both branches; which string it leaves is known only "
              "when the program runs, so only comparisons and string methods whose results "
              "are numbers or strings can use it." if strings else
              "a traced `if` compiles both branches; which function it leaves is known only "
              "when the program runs, so it can only be called or compared."),
        fix=fix,
    )


def format_choice(template: str, values, named):
    """``template.format(...)`` where some values are one choice of strings."""
    choices = {id(v): v for v in (*values, *named.values()) if type(v) is StringChoice}
    choice = next(iter(choices.values()))
    if len(choices) > 1 and not all(c.index is choice.index and c.candidates ==
                                    choice.candidates for c in choices.values()):
        raise _needs_one_value(choice, "an f-string of two strings chosen by traced "
                               "conditions", "build the string inside one `if`.")

    def pick(value, candidate):
        return candidate if type(value) is StringChoice else value

    return choice._each(lambda c: template.format(
        *[pick(v, c) for v in values], **{k: pick(v, c) for k, v in named.items()}),
        "an f-string")


def method_of_choice(method, text, arguments):
    """``method(text, *arguments)`` (a ``str`` method) where an argument, or an item of a
    list or tuple argument, is a choice of strings: the result for each possible one."""
    def parts(a):
        return a if isinstance(a, (list, tuple)) else (a,)

    choices = {id(p): p for a in arguments for p in parts(a) if type(p) is StringChoice}
    if not choices:
        return method(text, *arguments)
    choice = next(iter(choices.values()))
    if len(choices) > 1 and not all(c.index is choice.index and c.candidates ==
                                    choice.candidates for c in choices.values()):
        raise _needs_one_value(choice, f"`str.{method.__name__}` of two strings chosen by "
                               "traced conditions", "build the string inside one `if`.")

    def pick(a, c):
        if type(a) is StringChoice:
            return c
        if isinstance(a, (list, tuple)):
            return type(a)(c if type(p) is StringChoice else p for p in a)
        return a

    return choice._each(lambda c: method(text, *[pick(a, c) for a in arguments]),
                        f"`str.{method.__name__}`")


# -- loops: a string a traced loop may change, among strings known when tracing -------
class _NewStrings(Exception):
    """An iteration gave a carried string one that is not yet in its table."""


def watched(body_fn) -> bool:
    return marked_along_wrappers(body_fn, "strings_watched")


def has_strings(carry) -> bool:
    """Whether the carry holds a string or function a loop may change (see below)."""
    return any(is_string_like(v) or is_choice(v) or is_function_like(v) for v in carry)


_MAX_ROUNDS = 6


def through_loop(run, body_fn, carry, info=None):
    """``run(body_fn, carry)`` for a lax loop whose carry holds strings.

    A string every iteration leaves as it is stays Python. One that an iteration may
    change (``tag = "hi" if c else "lo"`` in the body) to strings known when tracing is
    carried as a choice among all of them: the body is traced with the choice, the
    strings it gives are added, and tracing repeats until no new string appears (a
    string that keeps growing, ``tag = tag + "x"``, is left to the usual refusal).
    """
    positions = [i for i, v in enumerate(carry) if is_choosable(v)]
    tables = {i: candidates_of(carry[i]) for i in positions}
    for _round in range(_MAX_ROUNDS):
        found: dict = {}
        body = _encoding(body_fn, positions, tables, found)
        state = tuple(encoded(v, tables[i]) if i in tables and len(tables[i]) > 1 else v
                      for i, v in enumerate(carry))
        try:
            results = run(body, state)
        except _NewStrings:
            for index, extra in found.items():
                tables[index] = tuple(dict.fromkeys(tables[index] + tuple(extra)))
            continue
        for index in positions if info is not None else ():
            if index < len(results) and is_choice(results[index]):
                results[index].name = info.name_of(index)  # the loop's variable
        return results
    if info is None:
        return run(_encoding(body_fn, positions, tables, None), carry)  # the usual refusal
    from py2lax.runtime.python_values import python_value_error
    index, extra = next(iter(found.items()))
    raise python_value_error(info.name_of(index), carry[index], extra[-1], info,
                             ("value before the loop", "value after one iteration"))


def _encoding(body_fn, positions, tables, found):
    def body(*arguments):
        result = tuple(body_fn(*arguments))
        if found is None:
            return result
        out = list(result)
        new = False
        for index in positions:
            value = result[index]
            if not is_choosable(value) or is_string_like(value) != isinstance(
                    tables[index][0], str):
                return result  # an array or other value: the usual error names it
            extra = [c for c in candidates_of(value)
                     if not any(same_candidate(c, t) for t in tables[index])]
            if extra:
                found.setdefault(index, []).extend(extra)
                new = True
            elif len(tables[index]) > 1:
                out[index] = encoded(value, tables[index])
        if new:
            raise _NewStrings()
        return tuple(out)

    body.__wrapped__ = body_fn
    body.strings_watched = True
    return body
