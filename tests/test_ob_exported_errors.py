"""Every error class py2lax raises is public as ``py2lax.<Name>``: ``ShapeMismatchError``
(a value that does not fit the selected part of an array) lived in a runtime module and
was not exported, so a user could not catch it by the name its traceback shows."""

import inspect

import numpy as np
import pytest

import py2lax
import py2lax.diagnostics.errors as errors


def test_every_error_class_is_exported_under_its_name():
    defined = {name for name, obj in vars(errors).items() if not name.startswith("_")
               and inspect.isclass(obj) and issubclass(obj, errors.Py2laxError)}
    assert defined <= set(py2lax.__all__), sorted(defined - set(py2lax.__all__))
    for name in defined:
        assert getattr(py2lax, name).__module__ == "py2lax", name


def fill(a, b):
    a = a.copy()
    a[1:3] = b
    return a


def test_shape_mismatch_caught_as_public_name_and_as_value_error():
    with pytest.raises(ValueError):
        fill(np.zeros(5), np.ones(3))  # NumPy raises
    with pytest.raises(py2lax.ShapeMismatchError, match="test_ob_exported_errors.py"):
        py2lax.autograph_jit(fill)(np.zeros(5), np.ones(3))
