"""Every call form: methods of module-level and local instances, static and class methods,
callable objects, methods named like container methods, jitted inner functions.

Issue 13, item 7: methods are recognised by the object they are called on at run time,
not by their name; a user class's ``add``, ``update``, ``get``, ``copy``, ``count`` or
``pop`` is user code and is converted.
"""

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

ISSUE = "source: py2lax issue 13 (every call form converts)"


class Scaler:
    def __init__(self, low, high):
        self.low = low
        self.high = high

    def apply(self, x):
        if x < self.low:
            return self.low
        if x > self.high:
            return self.high
        return x


SCALER = Scaler(-1.0, 1.0)


def module_instance_method(x):
    return SCALER.apply(x) * 2.0


def local_instance_method(x):
    s = Scaler(0.0, 5.0)
    return s.apply(x)


class Activations:
    @staticmethod
    def leaky(x):
        if x > 0:
            return x
        return 0.01 * x

    @classmethod
    def twice_leaky(cls, x):
        return cls.leaky(cls.leaky(x))


def static_method_call(x):
    return Activations.leaky(x)


def class_method_call(x):
    return Activations.twice_leaky(x)


class Bag:
    def __init__(self):
        self.total = 0.0
        self.n = 0

    def add(self, v):
        if v > 0:
            self.total = self.total + v
        self.n = self.n + 1
        return self

    def count(self):
        return self.n

    def get(self, default):
        if self.n == 0:
            return default
        return self.total / self.n


def methods_named_like_containers(v):
    bag = Bag()
    for e in v:
        bag.add(e)
    return bag.get(0.0), bag.count()


class Stats:
    def update(self, x):
        if x > 0:
            return x * 2.0
        return -x

    def pop(self, x):
        while x > 1.0:
            x = x / 2.0
        return x

    def copy(self, x):
        if x > 0:
            return x
        return 0.0


def update_pop_copy_methods(x):
    s = Stats()
    return s.update(x) + s.pop(x * 8.0) + s.copy(x)


class Counter:
    def __init__(self):
        self.count = 0

    def tick(self, x):
        if x > 0:
            self.count += 1


def method_mutates_self_in_loop(v):
    c = Counter()
    for e in v:
        c.tick(e)
    return c.count


class Running:
    def __init__(self, x):
        self.total = x * 0.0

    def add(self, a):
        self.total = self.total + a


def method_mutates_self_in_branch(x):
    r = Running(x)
    if x > 0:
        r.add(x)
    else:
        r.add(-2.0 * x)
    return r.total


class Poly:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, x):
        acc = 0.0
        for c in self.coeffs:
            acc = acc * x + c
        return acc


POLY = Poly([1.0, -2.0, 3.0])


def callable_object_module_level(x):
    if x > 0:
        return POLY(x)
    return POLY(-x)


def jitted_inner_function(x, n):
    @jax.jit
    def step(v):
        return v * 0.5 + 1.0

    for _ in range(n):
        x = step(x)
    return x


def partial_jit_inner(x):
    @functools.partial(jax.jit, static_argnums=(1,))
    def power(v, k):
        out = v
        for _ in range(k - 1):
            out = out * v
        return out

    if x > 1.0:
        return power(x, 2)
    return power(x, 3)


def fn_from_static_argument(x, n, fn):
    total = 0.0
    for i in fn(n):
        total = total + x * i
    return total


class Model:
    def __init__(self, depth):
        self.depth = depth

    def layer(self, h, k):
        if h > 0:
            return h * 0.5 + k
        return h + 1.0

    def forward(self, x):
        h = x
        for k in range(self.depth):
            h = self.layer(h, k)
        return h


def method_calls_method(x):
    return Model(5).forward(x)


@dataclass
class Config:
    steps: int
    rate: float


CONFIG = Config(steps=4, rate=0.5)


def module_config_fields(x):
    for _ in range(CONFIG.steps):
        if x > 1.0:
            x = x * CONFIG.rate
    return x


class Shape:
    def area(self, r):
        raise NotImplementedError


class Circle(Shape):
    def area(self, r):
        if r < 0:
            return 0.0
        return 3.14159 * r * r


class Square(Shape):
    def area(self, r):
        if r < 0:
            return 0.0
        return r * r


def polymorphic_methods(r):
    total = 0.0
    for shape in (Circle(), Square()):
        total = total + shape.area(r)
    return total


class Builder:
    def __init__(self):
        self.value = 0.0

    def plus(self, v):
        self.value = self.value + v
        return self

    def times(self, v):
        self.value = self.value * v
        return self


def chained_methods(x):
    b = Builder().plus(x).times(2.0)
    if b.value > 1.0:
        b.plus(-1.0)
    return b.value


class Gauge:
    unit = 1.0

    @property
    def scale(self):
        return self.unit * 2.0

    def read(self, x):
        if x > self.scale:
            return self.scale
        return x


def property_in_method(x):
    return Gauge().read(x)


def bound_method_as_value(x):
    f = SCALER.apply
    out = 0.0
    for k in range(3):
        out = out + f(x * k)
    return out


def method_via_getattr(x, name):
    op = getattr(Activations, name)
    return op(x)


class Accum:
    def __init__(self):
        self.history = []

    def record(self, v):
        self.history.append(v)


def method_appends_to_self_list(x):
    a = Accum()
    for k in range(4):
        a.record(x * k)
    return jnp.stack(a.history)


F = np.float32
CASES = [
    Case(module_instance_method, [(0.5,), (3.0,), (-2.0,)], note=ISSUE + " (SCALER.apply)"),
    Case(local_instance_method, [(2.0,), (7.0,), (-1.0,)], note=ISSUE),
    Case(static_method_call, [(2.0,), (-2.0,)], note=ISSUE + " (@staticmethod)"),
    Case(class_method_call, [(2.0,), (-2.0,)], note=ISSUE + " (@classmethod)"),
    Case(methods_named_like_containers, [(np.array([1.0, -1.0, 3.0], F),)],
         note=ISSUE + " (add/get/count)"),
    Case(update_pop_copy_methods, [(1.5,), (-0.5,)], note=ISSUE + " (update/pop/copy)"),
    Case(method_mutates_self_in_loop, [(np.array([1.0, -1.0, 3.0], F),)],
         note="issue 12 (a method mutating self in a loop)"),
    Case(method_mutates_self_in_branch, [(2.0,), (-2.0,)],
         note="issue 12 (self.total = self.total + a in a traced branch)"),
    Case(callable_object_module_level, [(2.0,), (-3.0,)], note=ISSUE + " (__call__)"),
    Case(jitted_inner_function, [(F(1.0), 0), (F(1.0), 4)], note=ISSUE + " (@jax.jit inside)"),
    Case(partial_jit_inner, [(2.0,), (0.5,)], note=ISSUE + " (partial(jax.jit, ...) inside)"),
    Case(fn_from_static_argument, [(F(1.0), 0, range), (F(1.0), 4, range)], static_argnums=(2,),
         note=ISSUE + " (for i in fn(n), fn=range static)"),
    Case(method_calls_method, [(3.0,), (-3.0,)], note="a method calling a method in a loop"),
    Case(module_config_fields, [(8.0,), (0.5,)], note="fields of a module-level dataclass"),
    Case(polymorphic_methods, [(1.0,), (-1.0,)], note="methods chosen by the object's class"),
    Case(chained_methods, [(1.0,), (0.25,)], note="builder methods returning self"),
    Case(property_in_method, [(1.0,), (5.0,)], note="a property read in a method"),
    Case(bound_method_as_value, [(0.5,), (2.0,)], note="a bound method stored in a variable"),
    Case(method_via_getattr, [(2.0, "leaky"), (-2.0, "twice_leaky")], static_argnums=(1,),
         note="a method looked up with getattr"),
    Case(method_appends_to_self_list, [(1.0,), (2.0,)], note="self.history.append in a loop"),
]
