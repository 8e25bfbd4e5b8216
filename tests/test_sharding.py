"""Converted functions over many devices: ``jit`` with ``in_shardings``/``out_shardings``
on a ``Mesh``, ``vmap`` over a sharded batch, ``shard_map`` (per-shard trip counts and
conditions on collectives), gradients, and jit keywords (``donate_argnums``,
``static_argnums``) passed through ``autograph_jit``.

JAX fixes its device count when it starts, so the checks run in a separate process,
``tests/sharding_worker.py``, on 8 simulated CPU devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=8``). The worker runs every check,
compares with the original function run eagerly, and reports per check. This module
starts it once and turns each check into a test; a worker that cannot start, does not
see 8 devices or skips a check is a failure here, never a skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("sharding_worker.py")
DEVICE_FLAG = "--xla_force_host_platform_device_count=8"
TIMEOUT_S = 300

# Listed here, not imported from the worker: a check dropped from the worker fails.
EXPECTED_CHECKS = [
    "autograph_jit_in_and_out_shardings",
    "jax_jit_of_convert_with_shardings",
    "two_dimensional_mesh_scan_with_break",
    "jit_vmap_over_sharded_batch",
    "shard_map_per_shard_trip_counts",
    "shard_map_collective_conditions",
    "shard_map_inside_autograph_jit",
    "grad_with_shardings",
    "grad_of_shard_map_with_bounded_loop",
    "donate_argnums_and_static_argnames_pass_through",
    "sharding_constraint_inside_converted_loop",
    "shard_map_bounded_loop_per_shard_trip_counts",
    "shard_map_if_with_constant_branch",
]


def worker_environment() -> dict:
    env = dict(os.environ)
    flags = env.get("XLA_FLAGS", "")
    flags = " ".join(f for f in flags.split() if not f.startswith(DEVICE_FLAG.split("=")[0]))
    env["XLA_FLAGS"] = f"{flags} {DEVICE_FLAG}".strip()
    env["JAX_PLATFORMS"] = "cpu"
    # The package under test, however this pytest process found it.
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


@pytest.fixture(scope="module")
def worker_run(tmp_path_factory):
    results_path = tmp_path_factory.mktemp("sharding") / "results.json"
    completed = subprocess.run(
        [sys.executable, str(WORKER), str(results_path)],
        env=worker_environment(), capture_output=True, text=True, timeout=TIMEOUT_S,
    )
    results = json.loads(results_path.read_text()) if results_path.exists() else None
    return completed, results


def describe(completed) -> str:
    return (f"worker exit status {completed.returncode}\n--- stdout ---\n{completed.stdout[-4000:]}"
            f"\n--- stderr ---\n{completed.stderr[-8000:]}")


def test_worker_runs_on_eight_devices_and_passes(worker_run):
    completed, results = worker_run
    assert completed.returncode != 2, "the worker did not see 8 devices\n" + describe(completed)
    assert results is not None, "the worker wrote no results\n" + describe(completed)
    missing = sorted(set(EXPECTED_CHECKS) - set(results))
    assert not missing, f"checks not run: {missing}\n" + describe(completed)
    assert completed.returncode == 0, describe(completed)


@pytest.mark.parametrize("name", EXPECTED_CHECKS)
def test_sharding_check(worker_run, name):
    completed, results = worker_run
    assert results is not None, "the worker wrote no results\n" + describe(completed)
    assert name in results, f"check {name!r} was not run\n" + describe(completed)
    assert results[name] == "ok", f"check {name!r} failed in the worker:\n{results[name]}"
