"""Reads at a traced boolean mask inside the value written at that mask.

``a[m] = b[m] * 2.0`` and ``v[m] -= lr * g[m]`` read ``b[m]`` and ``g[m]``: under jit,
with ``m`` a traced mask, those reads have a traced length, which lax cannot make. Yet
the statement has one element-wise meaning: where ``m`` holds, ``a`` gets ``b * 2.0``
(NumPy writes the k-th selected value into the k-th selected place, and the k-th value
of ``b[m] * 2.0`` comes from that very place). So the rewrite of such a statement
(``transforms/item_assignment``) reads each ``X[m]`` of its value through
:func:`masked_read`, which keeps the whole array, masked, while the value is computed
element-wise, and ``setitem`` writes ``jnp.where(m, a op value, a)``.

A masked read combines only element-wise, by operators, with numbers and other reads at
the same mask; the rewrite uses it only in values made of operators (no call, no
attribute of a read). An operand of another shape (``b[m] * c``) needs the selected
elements themselves and asks JAX for them: the error (and py2lax's note on it) is what
``b[m]`` alone gives.
"""

from __future__ import annotations

import operator

import jax.numpy as jnp
import numpy as np

from py2lax.runtime.values import is_jax_array, is_traced


def leading_mask(target, index):
    """A boolean array over the target's leading axes, shaped to broadcast over it, or
    None for any other index."""
    if getattr(index, "dtype", None) != jnp.bool_:
        return None
    shape, target_shape = jnp.shape(index), jnp.shape(target)
    if shape != target_shape[:len(shape)]:
        return None
    return jnp.reshape(index, shape + (1,) * (len(target_shape) - len(shape)))


def masked_read(array, index):
    """``array[index]`` in the value of ``a[index] = ...``: Python's read, or, for a
    traced boolean mask over ``array``'s leading axes, a :class:`MaskedRead`.

    >>> import numpy as np
    >>> masked_read(np.array([1.0, 2.0, 3.0]), np.array([True, False, True])).tolist()
    [1.0, 3.0]
    """
    if is_traced(index) and (is_jax_array(array) or isinstance(array, np.ndarray)) and (
            leading_mask(array, index) is not None):
        return MaskedRead(jnp.asarray(array), index)
    return array[index]


def _is_number(value) -> bool:
    return isinstance(value, (bool, int, float, complex, np.generic)) or (
        (is_jax_array(value) or isinstance(value, np.ndarray)) and jnp.ndim(value) == 0)


class MaskedRead:
    """``full[mask]`` kept as ``full``, for element-wise arithmetic (module docstring)."""

    __slots__ = ("full", "mask")

    def __init__(self, full, mask):
        self.full, self.mask = full, mask

    def _operand(self, other):
        if isinstance(other, MaskedRead) and jnp.shape(other.full) == jnp.shape(self.full):
            return other.full
        if _is_number(other) or (
                (is_jax_array(other) or isinstance(other, np.ndarray))
                and jnp.ndim(other) <= jnp.ndim(self.full) - jnp.ndim(self.mask)):
            return other  # (a row `w` broadcasts over `full` as over `full[mask]`)
        return self.selected()  # (JAX's error for a traced mask: as `b[m]` alone)

    def selected(self):
        """The selected elements themselves (which jit cannot make for a traced mask)."""
        return self.full[self.mask]

    # JAX's and NumPy's operators give way to the reflected ones below (`lr * g[m]`)
    __array_ufunc__ = None


def _binary(function, reflected=False):
    def apply(self, other):
        operand = self._operand(other)
        result = function(operand, self.full) if reflected else function(self.full, operand)
        return MaskedRead(result, self.mask)
    return apply


for _name, _function in (("add", operator.add), ("sub", operator.sub),
                         ("mul", operator.mul), ("truediv", operator.truediv),
                         ("floordiv", operator.floordiv), ("mod", operator.mod),
                         ("pow", operator.pow)):
    setattr(MaskedRead, f"__{_name}__", _binary(_function))
    setattr(MaskedRead, f"__r{_name}__", _binary(_function, reflected=True))
for _name, _function in (("lt", operator.lt), ("le", operator.le), ("gt", operator.gt),
                         ("ge", operator.ge), ("eq", operator.eq), ("ne", operator.ne)):
    setattr(MaskedRead, f"__{_name}__", _binary(_function))
MaskedRead.__hash__ = None
MaskedRead.__neg__ = lambda self: MaskedRead(-self.full, self.mask)
MaskedRead.__pos__ = lambda self: self
MaskedRead.__abs__ = lambda self: MaskedRead(abs(self.full), self.mask)
