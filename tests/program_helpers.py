"""Helpers and classes that generated programs call (``program_constructs.py``).

Each program's file imports them, so py2lax converts them as user code: functions that
assign into their array and list arguments, a do-nothing context manager, a class whose
methods are named like container methods (``add``, ``update``, ``get``, ``copy``,
``count``, ``pop``) with a static and a class method, a class with a module-level
instance (``SCALER``), and a plain ``@dataclass``. Their control flow on traced values
(``if arr[k] > 0.0``, ``if value > 0.0``) is converted along with the program.
"""

import dataclasses

import jax.numpy as jnp


def put(arr, i, val):
    arr[i] = val


def bump_at(arr, i, val):
    arr[i] += val


def swap_items(arr, i, j):
    arr[i], arr[j] = arr[j], arr[i]


def scale_all(arr, s):
    for k in range(arr.shape[0]):
        if arr[k] > 0.0:
            arr[k] = arr[k] * s


def put_and_get(arr, i, val):
    arr[i] = jnp.tanh(arr[i] + val)
    return arr[i] * 0.5


def ticks(k):
    return range(k)


def odds(k):
    return range(1, k, 2)


def push(items, val):
    items.append(val)


class Box:
    def __init__(self, value):
        self.value = value


class Guard:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Acc:
    def __init__(self, scale):
        self.scale = scale
        self.total = 0.0

    @classmethod
    def make(cls, scale):
        return cls(scale)

    @staticmethod
    def squash(t):
        if t > 0.5:
            return jnp.tanh(t)
        return t * 0.5

    def add(self, value):
        if value > 0.0:
            self.total = self.total + value * self.scale
        else:
            self.total = self.total - value * 0.25
        return self

    def update(self, value):
        self.total = jnp.tanh(self.total + value * self.scale)

    def get(self):
        if self.total > 1.0:
            return self.total * 0.5
        return self.total

    def count(self):
        return jnp.tanh(self.total) * 0.5

    def pop(self):
        out = self.total
        self.total = self.total * 0.5
        return out

    def copy(self):
        twin = Acc(self.scale)
        twin.total = self.total
        return twin


class Scaler:
    def __init__(self, k):
        self.k = k

    def apply(self, t):
        if t > 0.0:
            return t * self.k
        return -t * self.k * 0.5


SCALER = Scaler(0.5)


class Ops:
    factor = 0.25

    @staticmethod
    def leaky(t):
        if t > 0.0:
            return t
        return t * 0.1

    @classmethod
    def scaled(cls, t):
        return jnp.tanh(t) * cls.factor


@dataclasses.dataclass
class State:
    p: object
    q: object


class Pair:
    """Two values; ``shift`` rebinds one of them under its own ``if`` (generated programs
    hold the same values in a list or dict too: Python leaves those as they were)."""

    def __init__(self, p, q):
        self.p = p
        self.q = q

    def shift(self, t):
        if t > 0.0:
            self.q = self.q + t
        return self
