"""``locals()`` of converted code: the user's variables, as the original function has them.

Python meaning: ``user_locals({'x': lambda: x, ...})`` is ``locals()`` of the user's
function (see ``transforms/user_locals``): each reader reads one name the function
mentions; a name is listed when it is a variable of the function or of its closure (the
reader reads it from a cell, not from the module's globals) and holds a value.
"""

from __future__ import annotations

from py2lax.runtime.undefined import Undefined


def user_locals(readers: dict) -> dict:
    """Python's ``locals()``: the names of ``readers`` that are the function's variables
    (not globals or builtins) and hold a value.

    >>> def f(x):
    ...     y = 2 * x
    ...     return user_locals({"x": lambda: x, "y": lambda: y, "z": lambda: z,
    ...                         "len": lambda: len})
    >>> f(1)
    {'x': 1, 'y': 2}
    """
    found = {}
    for name, read in readers.items():
        if name not in read.__code__.co_freevars:
            continue  # a global or a builtin: not in locals()
        try:
            value = read()
        except NameError:  # not assigned (yet), or deleted
            continue
        if isinstance(value, Undefined):
            continue  # py2lax's marker for a variable that has no value on this path
        found[name] = value
    return found
