"""A method that changes its class's own data (``Meter.reads += 1``), called through an
instance inside a traced ``if`` or loop: the trace runs the call once whatever the
condition, so the count would silently be the number of traces. Refused at the statement,
as a global's rebinding is; static conditions keep Python."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class Meter:
    reads = 0

    def read(self, v):
        Meter.reads += 1
        return v * 2


class Tally:
    total = 0.0

    def add(self, v):
        type(self).total = type(self).total + 1.0
        return v


def counted_reads(xs):
    Meter.reads = 0
    m = Meter()
    acc = 0.0
    for x in xs:
        if x > 1.0:
            acc += m.read(x)
    return acc, Meter.reads


def tallied(x):
    t = Tally()
    if x > 0:
        x = t.add(x)
    return x


def static_reads(xs, n):
    Meter.reads = 0
    m = Meter()
    acc = 0.0
    for i in range(n):
        if i > 0:
            acc += m.read(xs[i])
    return acc, Meter.reads


@pytest.mark.parametrize("function,args", [
    (counted_reads, (np.array([0.0]),)), (counted_reads, (np.array([0.5, 2.0, 3.0]),)),
    (tallied, (1.0,))])
def test_class_data_changed_in_a_traced_branch_is_refused_at_the_statement(function, args):
    with pytest.raises(py2lax.OuterWriteError) as refused:
        py2lax.autograph_jit(function)(*[jnp.asarray(a, jnp.float32) for a in args])
    assert refused.value.location.filename == __file__


def test_a_static_condition_keeps_python():
    xs = np.array([1.0, 2.0, 3.0])
    want = static_reads(xs, 3)
    got = py2lax.autograph_jit(static_reads, static_argnums=(1,))(jnp.asarray(xs), 3)
    assert float(got[0]) == want[0] and int(got[1]) == want[1] == 2
    assert py2lax.convert(counted_reads)(np.array([0.5, 2.0, 3.0])) == counted_reads(
        np.array([0.5, 2.0, 3.0]))
