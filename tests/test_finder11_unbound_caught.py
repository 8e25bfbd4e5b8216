"""A read of a variable the path taken never assigned, inside the user's ``try`` that
catches ``NameError``: Python's own ``UnboundLocalError``, which the handler catches.

``except ValueError as e:`` deletes ``e`` when the handler ends; ``return e * 2`` inside
``try: ... except NameError:`` then runs the handler in Python. py2lax's unbound-read
error (an ``UndefinedVariableError``, a ``NameError``) was caught by that handler too,
but then raised again when the function returned, as a py2lax refusal the user's broad
``except`` swallowed would be: the function raised where Python returns -1.0.

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def handler_name_read_in_a_try(scale, v):
    for x in v:
        try:
            if x < 0:
                raise ValueError("negative")
        except ValueError as scale:  # noqa: F841 - deletes the parameter's name
            pass
    try:
        return scale * 2
    except NameError:
        return -1.0


@pytest.mark.parametrize("v", [[1.0, -2.0], [1.0, 2.0]])
def test_on_python_values_the_users_handler_catches_the_unbound_read(v):
    expected = handler_name_read_in_a_try(3.0, np.array(v))
    assert py2lax.convert(handler_name_read_in_a_try)(3.0, np.array(v)) == expected
