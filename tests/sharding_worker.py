"""Sharding checks for py2lax, run on 8 simulated CPU devices in a process of their own.

``tests/test_sharding.py`` starts this script with
``XLA_FLAGS=--xla_force_host_platform_device_count=8`` (the flag must be set before JAX
starts, hence the separate process). Each check compares a converted function, compiled
with shardings or run inside ``shard_map``, against the *original* function run eagerly
on unsharded values, and checks the outputs' shardings.

Usage: ``python tests/sharding_worker.py RESULTS.json [CHECK ...]``. Writes
``{check name: "ok" | traceback text}`` to RESULTS.json and exits 0 only if every
requested check passed; it exits 2 if JAX does not see exactly 8 devices.
"""

from __future__ import annotations

import json
import sys
import traceback

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

import py2lax

DEVICES = 8
CHECKS = {}


def check(function):
    CHECKS[function.__name__] = function
    return function


def shard_map(function, mesh, in_specs, out_specs):
    """``jax.shard_map`` (JAX >= 0.6), else ``jax.experimental.shard_map.shard_map``."""
    if hasattr(jax, "shard_map"):
        return jax.shard_map(function, mesh=mesh, in_specs=in_specs, out_specs=out_specs)
    from jax.experimental.shard_map import shard_map as experimental  # pragma: no cover

    return experimental(function, mesh=mesh, in_specs=in_specs, out_specs=out_specs)


# --------------------------------------------------------------------------- helpers
def mesh_1d():
    return Mesh(np.array(jax.devices()), ("x",))


def mesh_2d():
    return Mesh(np.array(jax.devices()).reshape(4, 2), ("data", "model"))


def assert_close(expected, actual, rtol=1e-5, atol=1e-5):
    expected_leaves, expected_tree = jax.tree_util.tree_flatten(expected)
    actual_leaves, actual_tree = jax.tree_util.tree_flatten(actual)
    assert expected_tree == actual_tree, f"structure {actual_tree} != {expected_tree}"
    for e, a in zip(expected_leaves, actual_leaves):
        e, a = np.asarray(e), np.asarray(a)
        assert e.shape == a.shape, f"shape {a.shape} != expected {e.shape}"
        if e.dtype.kind in "biu":
            np.testing.assert_array_equal(a, e)
        else:
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


def assert_sharded_as(array, sharding, *, spread_over=None):
    """``array`` has ``sharding`` (up to equivalence) and, if given, lives on that many
    devices with shards of ``1 / spread_over`` of the data each."""
    assert isinstance(array, jax.Array), type(array)
    assert array.sharding.is_equivalent_to(sharding, array.ndim), (
        f"sharding {array.sharding} is not equivalent to expected {sharding}")
    if spread_over is not None:
        assert len(array.sharding.device_set) == spread_over, array.sharding.device_set
        shard_sizes = {shard.data.size for shard in array.addressable_shards}
        assert shard_sizes == {array.size // spread_over}, shard_sizes


def unsharded(value):
    """A host copy: the eager oracle runs on plain, unsharded values."""
    return jnp.asarray(np.asarray(value))


# ------------------------------------------------------------- functions under test
def normalise_and_shift(x, n):
    steps = 0
    while jnp.max(jnp.abs(x)) > 1.0:       # traced condition on a sharded array
        x = x / 2.0
        steps = steps + 1
    for i in range(n):                      # traced trip count
        x = x + 0.01 * i
    if jnp.sum(x) > 0:                      # traced predicate
        x = x * 2.0
    else:
        x = -x
    return x, steps


def rows_until(m, limit):
    # for over the (sharded) leading axis, with a traced break.
    total = jnp.zeros(m.shape[1:], m.dtype)
    count = 0
    for row in m:
        if jnp.sum(total) > limit:
            break
        total = total + row * row
        count = count + 1
    return total, count


def per_example(x, t):
    # vmapped: a batched while condition, batched if, batched range trip count.
    n = 0
    while x > t:
        x = x * 0.5
        n = n + 1
    if n % 2 == 0:
        y = x + n
    else:
        y = x - n
    for i in range(n):
        y = y + i * 0.1
    return y, n


def local_halving(x):
    # Inside shard_map: each shard has its own trip count.
    n = 0
    while jnp.max(x) > 1.0:
        x = x / 2.0
        n = n + 1
    return x, jnp.reshape(n, (1,))


def global_halving(x):
    # Inside shard_map: a condition on a collective, the same on every shard.
    n = 0
    while lax.psum(jnp.sum(x * x), "x") > 1.0:
        x = x / 2.0
        n = n + 1
    if lax.pmax(jnp.max(x), "x") > 0.1:
        x = x - lax.pmean(jnp.mean(x), "x")
    return x, n


def global_halving_eager(x):
    n = 0
    while jnp.sum(x * x) > 1.0:
        x = x / 2.0
        n = n + 1
    if jnp.max(x) > 0.1:
        x = x - jnp.mean(x)
    return x, n


def smooth(x, w):
    # range(50) > UNROLL_LIMIT: a scan; reverse-differentiable.
    for i in range(50):
        if jnp.sum(x) > 0:
            x = x + 0.01 * jnp.tanh(w * x)
        else:
            x = x - 0.01 * jnp.sin(w * x)
    return jnp.sum(x * x)


def bounded_power(x, n):
    y = jnp.ones_like(x)
    for _ in range(n):
        py2lax.loop_options(max_iterations=10)
        y = y * x
    return y


def constrained_loop(x, n):
    for i in range(n):
        x = jnp.sin(x) + i
        x = lax.with_sharding_constraint(x, NamedSharding(CONSTRAINT_MESH[0], P("x")))
    return x


CONSTRAINT_MESH = []


# ------------------------------------------------------------------------- checks
@check
def autograph_jit_in_and_out_shardings():
    mesh = mesh_1d()
    rows, replicated = NamedSharding(mesh, P("x")), NamedSharding(mesh, P())
    x = jnp.reshape(jnp.arange(32.0, dtype=jnp.float32), (16, 2)) - 5.0
    x_sharded = jax.device_put(x, rows)
    compiled = py2lax.autograph_jit(normalise_and_shift, in_shardings=(rows, replicated),
                                    out_shardings=(rows, replicated))
    for n in (0, 3):
        out = compiled(x_sharded, jnp.int32(n))
        assert_close(normalise_and_shift(x, jnp.int32(n)), out)
        assert_sharded_as(out[0], rows, spread_over=DEVICES)
        assert_sharded_as(out[1], replicated)
    for negative in (-x - 20.0,):
        out = compiled(jax.device_put(negative, rows), jnp.int32(2))
        assert_close(normalise_and_shift(negative, jnp.int32(2)), out)


@check
def jax_jit_of_convert_with_shardings():
    mesh = mesh_1d()
    columns = NamedSharding(mesh, P(None, "x"))
    rows = NamedSharding(mesh, P("x", None))
    x = jnp.reshape(jnp.linspace(-3.0, 3.0, 64, dtype=jnp.float32), (8, 8))
    compiled = jax.jit(py2lax.convert(normalise_and_shift), in_shardings=(columns, None),
                       out_shardings=(rows, None))
    out = compiled(x, jnp.int32(4))   # an unsharded input: jit moves it to `columns`
    assert_close(normalise_and_shift(x, jnp.int32(4)), out)
    assert_sharded_as(out[0], rows, spread_over=DEVICES)


@check
def two_dimensional_mesh_scan_with_break():
    mesh = mesh_2d()
    both = NamedSharding(mesh, P("data", "model"))
    transposed = NamedSharding(mesh, P("model"))
    m = jnp.reshape(jnp.sin(jnp.arange(96.0, dtype=jnp.float32)), (16, 6))
    compiled = py2lax.autograph_jit(rows_until, in_shardings=(both, None),
                                    out_shardings=(transposed, None))
    for limit in (-1.0, 2.0, 1e9):
        out = compiled(jax.device_put(m, both), jnp.float32(limit))
        assert_close(rows_until(m, jnp.float32(limit)), out)
        assert_sharded_as(out[0], transposed)


@check
def jit_vmap_over_sharded_batch():
    mesh = mesh_1d()
    batch = NamedSharding(mesh, P("x"))
    xs = jnp.linspace(0.5, 300.0, 16, dtype=jnp.float32)
    ts = jnp.linspace(2.0, 0.5, 16, dtype=jnp.float32)
    compiled = jax.jit(jax.vmap(py2lax.convert(per_example)), in_shardings=(batch, batch),
                       out_shardings=(batch, batch))
    out = compiled(jax.device_put(xs, batch), jax.device_put(ts, batch))
    expected = [per_example(x, t) for x, t in zip(xs, ts)]
    assert_close((np.stack([e[0] for e in expected]), np.stack([e[1] for e in expected])), out)
    assert_sharded_as(out[0], batch, spread_over=DEVICES)
    assert_sharded_as(out[1], batch, spread_over=DEVICES)
    # The same through vmap of the autograph_jit object.
    again = jax.vmap(py2lax.autograph_jit(per_example))(jax.device_put(xs, batch), ts)
    assert_close(out, again)


@check
def shard_map_per_shard_trip_counts():
    mesh = mesh_1d()
    x = jnp.arange(32.0, dtype=jnp.float32) * jnp.repeat(jnp.arange(8.0), 4)
    mapped = shard_map(py2lax.convert(local_halving), mesh, P("x"), (P("x"), P("x")))
    shards = [local_halving(part) for part in jnp.split(x, DEVICES)]
    expected = (jnp.concatenate([s[0] for s in shards]), jnp.concatenate([s[1] for s in shards]))
    counts = np.asarray(expected[1])
    assert len(set(counts.tolist())) > 3, counts      # the shards really differ
    for run in (jax.jit(mapped), mapped):
        out = run(x)
        assert_close(expected, out)
        assert_sharded_as(out[0], NamedSharding(mesh, P("x")), spread_over=DEVICES)


@check
def shard_map_collective_conditions():
    mesh = mesh_1d()
    mapped = jax.jit(shard_map(py2lax.convert(global_halving), mesh, P("x"), (P("x"), P())))
    for scale in (0.01, 1.0, 50.0):
        x = scale * jnp.sin(jnp.arange(64.0, dtype=jnp.float32))
        out = mapped(x)
        assert_close(global_halving_eager(x), out)
        assert_sharded_as(out[0], NamedSharding(mesh, P("x")), spread_over=DEVICES)


@check
def shard_map_inside_autograph_jit():
    mesh = mesh_1d()

    # Functions passed to jax transformations are not converted by py2lax (only the
    # functions converted code calls directly are): convert the shard_map body here.
    inner = shard_map(py2lax.convert(global_halving), mesh, P("x"), (P("x"), P()))

    def outer(x):
        y, n = inner(x)
        if n > 3:               # converted control flow around the shard_map
            y = y * 10.0
        return y, n

    def outer_eager(x):
        y, n = global_halving_eager(x)
        if n > 3:
            y = y * 10.0
        return y, n

    compiled = py2lax.autograph_jit(outer)
    for scale in (0.5, 100.0):
        x = scale * jnp.cos(jnp.arange(16.0, dtype=jnp.float32))
        assert_close(outer_eager(x), compiled(x))


@check
def grad_with_shardings():
    mesh = mesh_1d()
    rows = NamedSharding(mesh, P("x"))
    x = jnp.linspace(-1.0, 1.5, 32, dtype=jnp.float32)
    gradient = py2lax.autograph_jit(jax.grad(py2lax.convert(smooth), argnums=(0, 1)),
                                    in_shardings=(rows, None), out_shardings=(rows, None))
    for w in (0.5, 2.0):
        out = gradient(jax.device_put(x, rows), jnp.float32(w))
        assert_close(jax.grad(smooth, argnums=(0, 1))(x, jnp.float32(w)), out, rtol=1e-4)
        assert_sharded_as(out[0], rows, spread_over=DEVICES)


@check
def grad_of_shard_map_with_bounded_loop():
    mesh = mesh_1d()
    mapped = shard_map(py2lax.convert(bounded_power), mesh, (P("x"), P()), P("x"))

    def loss(x, n):
        return jnp.sum(mapped(x, n))

    def loss_eager(x, n):
        return jnp.sum(bounded_power(x, n))

    x = jnp.linspace(0.5, 1.5, 16, dtype=jnp.float32)
    gradient = jax.jit(jax.grad(loss))
    for n in (0, 4, 10):
        assert_close(jax.grad(loss_eager)(x, jnp.int32(n)), gradient(x, jnp.int32(n)), rtol=1e-4)


@check
def donate_argnums_and_static_argnames_pass_through():
    mesh = mesh_1d()
    rows = NamedSharding(mesh, P("x"))

    def scale(x, n, mode):
        if mode == "double":        # static: stays Python
            x = x * 2.0
        for i in range(n):
            if jnp.mean(x) > 0:
                x = x - 0.5
        return x

    # (jax.jit refuses keyword arguments when in_shardings is given: static by number.)
    compiled = py2lax.autograph_jit(scale, static_argnums=2, donate_argnums=0,
                                    in_shardings=(rows, None), out_shardings=rows)
    x = jnp.arange(16.0, dtype=jnp.float32)
    for mode in ("double", "single"):
        expected = scale(x, jnp.int32(3), mode)
        donated = jax.device_put(x, rows)
        out = compiled(donated, jnp.int32(3), mode)
        assert_close(expected, out)
        assert_sharded_as(out, rows, spread_over=DEVICES)
        assert donated.is_deleted(), "donate_argnums was not passed on to jax.jit"
    lowered = compiled.lower(jax.device_put(x, rows), jnp.int32(3), "double")
    shardings = lowered.compile().output_shardings
    assert shardings.is_equivalent_to(rows, 1), shardings
    # static_argnames with shardings given per keyword works too.
    by_name = py2lax.autograph_jit(scale, static_argnames="mode", out_shardings=rows)
    out = by_name(jax.device_put(x, rows), jnp.int32(3), mode="double")
    assert_close(scale(x, jnp.int32(3), "double"), out)
    assert_sharded_as(out, rows, spread_over=DEVICES)


@check
def sharding_constraint_inside_converted_loop():
    mesh = mesh_1d()
    CONSTRAINT_MESH[:] = [mesh]
    rows = NamedSharding(mesh, P("x"))
    x = jnp.linspace(-2.0, 2.0, 16, dtype=jnp.float32)
    compiled = py2lax.autograph_jit(constrained_loop, out_shardings=rows)
    out = compiled(x, jnp.int32(5))
    assert_close(constrained_loop(x, jnp.int32(5)), out)
    assert_sharded_as(out, rows, spread_over=DEVICES)


def bounded_local_halving(x):
    # Inside shard_map with a bound: a masked scan whose trip count differs per shard.
    n = 0
    while jnp.max(x) > 1.0:
        py2lax.loop_options(max_iterations=12)
        x = x / 2.0
        n = n + 1
    return x, jnp.reshape(n, (1,))


def clip_first(x):
    # Inside shard_map: a per-shard predicate; one branch assigns a constant (the same on
    # every shard), the other a value that differs per shard.
    if x[0] > 2.0:
        y = 1.0
    else:
        y = x[1]
    return x * y, jnp.reshape(y, (1,))


def per_shard_eager(function, *arrays):
    """``function`` on each of the 8 blocks of ``arrays`` (split along axis 0), eagerly;
    outputs concatenated along axis 0, as shard_map with P("x") specs assembles them."""
    blocks = [function(*parts) for parts in zip(*(jnp.split(a, DEVICES) for a in arrays))]
    return jax.tree_util.tree_map(lambda *leaves: jnp.concatenate(leaves), *blocks)


@check
def shard_map_bounded_loop_per_shard_trip_counts():
    mesh = mesh_1d()
    x = jnp.arange(32.0, dtype=jnp.float32) * jnp.repeat(jnp.arange(8.0), 4)
    mapped = jax.jit(shard_map(py2lax.convert(bounded_local_halving), mesh, P("x"),
                               (P("x"), P("x"))))
    out = mapped(x)
    assert_close(per_shard_eager(bounded_local_halving, x), out)
    assert_sharded_as(out[0], NamedSharding(mesh, P("x")), spread_over=DEVICES)

    # ... and reverse-mode through it, which is what the bound is for.
    def loss(v):
        return jnp.sum(mapped(v)[0] ** 2)

    def loss_eager(v):
        return jnp.sum(per_shard_eager(bounded_local_halving, v)[0] ** 2)

    assert_close(jax.grad(loss_eager)(x), jax.jit(jax.grad(loss))(x), rtol=1e-5)


@check
def shard_map_if_with_constant_branch():
    mesh = mesh_1d()
    x = jnp.arange(16.0, dtype=jnp.float32) - 4.0     # shard k starts at 2k - 4
    mapped = jax.jit(shard_map(py2lax.convert(clip_first), mesh, P("x"), (P("x"), P("x"))))
    out = mapped(x)
    assert_close(per_shard_eager(clip_first, x), out)
    assert_sharded_as(out[0], NamedSharding(mesh, P("x")), spread_over=DEVICES)


def main(argv) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 64
    results_path, names = argv[1], argv[2:] or list(CHECKS)
    if jax.device_count() != DEVICES:
        print(f"expected {DEVICES} devices, JAX sees {jax.device_count()}: is XLA_FLAGS="
              "--xla_force_host_platform_device_count=8 set?", file=sys.stderr)
        return 2
    results = {}
    for name in names:
        try:
            CHECKS[name]()
            results[name] = "ok"
        except Exception:  # noqa: BLE001 - every failure is reported, then the next check runs
            results[name] = traceback.format_exc()
        print(f"{name}: {'ok' if results[name] == 'ok' else 'FAILED'}", flush=True)
    with open(results_path, "w") as file:
        json.dump(results, file, indent=1)
    return 0 if all(r == "ok" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
