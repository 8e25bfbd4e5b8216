"""What a converted statement had done when an exception left it part-way.

A converted ``if``/``while``/``for`` runs as generated functions that *return* the
variables they assign, so when an exception leaves one, the assignments made before the
raise live only in the generated function's frame::

    s = 0.0
    try:
        for x in xs:
            s += 1.0 / x          # xs = [1.0, 2.0, 0.0]: Python's s is 1.5 at the raise
    except ZeroDivisionError:
        pass

Where a ``try``, ``with`` or ``finally`` of the same function can see the variables
after the exception, the generated call is wrapped so they take Python's values::

    try:
        s, = py2lax.for_each(xs, loop_body_5, (s,))
    except BaseException as raised_5:
        s, = py2lax.partial_carry(raised_5, loop_body_5, s=s)
        raise

The runtime notes on the exception, as it runs a statement as Python, the values the
statement carried when the exception left it (:func:`note_partial_carry`); the frame of
the branch or body function that raised, kept in the exception's traceback, adds the
assignments of the iteration that did not finish. A statement compiled to ``lax`` notes
nothing (its values exist only inside the compiled program), so the variables keep the
values they had before it, as they did before this module.
"""

from __future__ import annotations

_NOTES = "__py2lax_partial_carry__"  # the exception's attribute: statement -> values


def note_partial_carry(error: BaseException, function, carry=(), skip: int = 0,
                       ran=None) -> None:
    """Note on ``error`` that the statement of the generated ``function`` was running as
    Python and carried ``carry`` when ``error`` left it.

    ``carry`` matches ``function``'s parameters after the first ``skip`` (a ``for``
    body's item); ``ran`` is the function that was running if another (an ``if``'s false
    branch): its frame holds the assignments made before the raise.
    """
    function, ran = _unwrapped(function), _unwrapped(ran or function)
    code = getattr(function, "__code__", None)
    if code is None:
        return
    names = code.co_varnames[skip:code.co_argcount]
    notes = _notes_of(error)
    if notes is not None:
        notes[function] = (getattr(ran, "__code__", None), dict(zip(names, carry)))


def partial_carry(error: BaseException, function, /, **current):
    """The values of the carried variables when ``error`` left the statement of the
    generated ``function``, in the order given; ``current`` holds the values they had
    before it (those stay where the statement never ran as Python).

    >>> def loop_body(x, s):
    ...     s = s + x
    ...     s = s + 1 / x
    ...     return (s,)
    >>> from py2lax.runtime.loops import for_each
    >>> try:
    ...     for_each([1.0, 0.0], loop_body, (0.0,))
    ... except ZeroDivisionError as error:
    ...     partial_carry(error, loop_body, s=0.0)
    (2.0,)
    """
    notes = getattr(error, _NOTES, None) or {}
    noted = notes.get(_unwrapped(function))
    if noted is None:
        return tuple(current.values())
    code, carry = noted
    values = dict(current)
    values.update((name, value) for name, value in carry.items() if name in values)
    frame = _frame_running(code, error.__traceback__)
    if frame is not None:
        assigned = frame.f_locals
        values.update((name, assigned[name]) for name in values if name in assigned)
    return tuple(values.values())


def _notes_of(error: BaseException) -> dict | None:
    notes = getattr(error, _NOTES, None)
    if notes is None:
        try:
            setattr(error, _NOTES, notes := {})
        except (AttributeError, TypeError):  # an exception class with __slots__
            return None
    return notes


def _unwrapped(function):
    """The generated function itself, under the runtime's wrappers (``__wrapped__``)."""
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    return function


def _frame_running(code, traceback):
    """The outermost frame in ``traceback`` running ``code``: the call the statement
    made (deeper ones belong to recursive calls of the user's function)."""
    while traceback is not None:
        if traceback.tb_frame.f_code is code:
            return traceback.tb_frame
        traceback = traceback.tb_next
    return None
