"""Shared helpers for the py2lax test suite.

The oracle is Python itself: a test runs the *original* function eagerly on concrete
values (plain Python, jnp ops executed one by one) and compares it with the converted
function under ``jax.jit``. Helpers here do the comparing and the jaxpr inspection.

Test modules import them with ``from conftest import ...`` (pytest puts this directory
on ``sys.path``).
"""

from __future__ import annotations

import ast
import collections
import importlib.util
import os
import signal
import textwrap

import jax
import jax.extend.core  # noqa: F401  (jax.extend is not imported by `import jax`)
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import py2lax

# One profile for every property test: each distinct input type costs a jit compile, so
# keep the example count modest, never time out on a compile, and be reproducible in CI.
settings.register_profile(
    "py2lax",
    deadline=None,
    max_examples=30,
    derandomize=True,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("py2lax")

# For tests that want to say it explicitly (and a handful that want fewer examples).
PROPERTY = settings(deadline=None, max_examples=30, derandomize=True, database=None)
FEW = settings(deadline=None, max_examples=12, derandomize=True, database=None)


# --------------------------------------------------------------------------- running the suite
# The README runs the suite on every core (`pytest -n auto`, pytest-xdist). What keeps it
# within CI's time as it grows, without dropping tests:
# - JAX's persistent compilation cache, in pytest's cache folder (.pytest_cache/, ignored
#   by git): the workers, the example scripts and the next run reuse what was compiled.
# - The cases of one test function run on one worker, in collection order: they share
#   its compiled programs and its module-scoped fixtures (the examples' runs, say).
# - Hypothesis example counts are sized for CI; PY2LAX_EXAMPLES=10 runs ten times as many
#   (generated programs and drawn inputs) for a deeper check.
EXAMPLES_ENV = "PY2LAX_EXAMPLES"


def pytest_configure(config):
    _share_compiled_programs(config)


def _share_compiled_programs(config) -> None:
    """JAX's persistent compilation cache for this process and the ones tests start."""
    cache = getattr(config, "cache", None)  # None with `-p no:cacheprovider`
    if cache is None or os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return
    options = {"jax_compilation_cache_dir": str(cache.mkdir("jax-compilation-cache")),
               "jax_persistent_cache_min_compile_time_secs": 0,  # the suite's programs are
               "jax_persistent_cache_min_entry_size_bytes": 0}   # small and quick to compile
    for name, value in options.items():
        os.environ[name.upper()] = str(value)
        try:
            jax.config.update(name, value)
        except AttributeError:  # an option this JAX does not have
            pass


def pytest_collection_modifyitems(config, items):
    scale = _examples_scale()
    if scale == 1:
        return
    scaled = set()
    for item in items:
        test = getattr(item, "obj", None)
        test = getattr(test, "__func__", test)  # a method's function
        if hasattr(test, "_hypothesis_internal_use_settings") and test not in scaled:
            scaled.add(test)
            current = test._hypothesis_internal_use_settings
            test._hypothesis_internal_use_settings = settings(
                current, max_examples=max(1, round(current.max_examples * scale)))


def _examples_scale() -> float:
    text = os.environ.get(EXAMPLES_ENV, "1")
    try:
        scale = float(text)
    except ValueError:
        scale = 0.0
    if not scale > 0:
        raise pytest.UsageError(f"{EXAMPLES_ENV}={text!r}: expected a positive number, the "
                                "factor applied to every hypothesis test's example count")
    return scale


if importlib.util.find_spec("xdist") is not None:
    from xdist.scheduler import LoadScopeScheduling

    class _ByTestFunction(LoadScopeScheduling):
        """``pytest -n``: hands out test functions (all their cases) rather than tests, and
        the test functions of a module that share a module-scoped fixture together: the
        fixture (a worker process, the examples' runs) is then made once, not once per
        worker that gets one of them (and again whenever a worker comes back to it)."""

        def _split_scope(self, nodeid: str) -> str:
            function = nodeid.split("[", 1)[0]
            path, _, name = function.partition("::")
            shared = _shared_fixture_groups(self.config.rootpath / path).get(
                name.split("::")[-1])
            return f"{path}::<{shared}>" if shared else function

    def pytest_xdist_make_scheduler(config, log):
        if config.getvalue("dist") != "load":  # another --dist was asked for
            return None
        config.option.loadscopereorder = False  # collection order: slow singletons not last
        return _ByTestFunction(config, log)


_FIXTURE_GROUPS: dict = {}


def _shared_fixture_groups(path) -> dict[str, str]:
    """Test function name -> a name for the module-scoped fixtures it shares with other
    test functions of the module at ``path`` (read from its source: the scheduler runs
    before any test module is imported). Fixtures a module fixture requests count too."""
    if path in _FIXTURE_GROUPS:
        return _FIXTURE_GROUPS[path]
    groups = _FIXTURE_GROUPS[path] = {}
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, ValueError):
        return groups
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    shared = {node.name: {a.arg for a in node.args.args} for node in functions
              if any(_module_scoped(d) for d in node.decorator_list)}
    parent = {name: name for name in shared}

    def root(name):
        while parent[name] != name:
            name = parent[name]
        return name

    users: dict[str, set] = {}
    for node in functions:
        used = {a.arg for a in node.args.args} & shared.keys()
        if node.name in shared:
            used |= {node.name}
        for name in used:
            parent[root(name)] = root(min(used))
        if node.name.startswith("test") and used:
            users[node.name] = used
    for test, used in users.items():
        groups[test] = root(min(used))
    return groups


def _module_scoped(decorator) -> bool:
    """``@pytest.fixture(scope="module")`` (or "session", "package")."""
    return isinstance(decorator, ast.Call) and any(
        keyword.arg == "scope" and isinstance(keyword.value, ast.Constant)
        and keyword.value.value in ("module", "package", "session")
        for keyword in decorator.keywords)


# A bug in loop lowering tends to show up as a loop that never ends; fail the test
# instead of hanging CI. (Interrupts Python code; a compiled XLA loop cannot be stopped.)
# Opt-in per module: ``pytestmark = pytest.mark.usefixtures("time_limit")``.
TEST_TIME_LIMIT_S = 120


@pytest.fixture
def time_limit():
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"test ran longer than {TEST_TIME_LIMIT_S} s (a loop that never ends?)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_TIME_LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- jaxprs
def _sub_jaxprs(value):
    """Every Jaxpr held (directly or in tuples/lists/dicts) by an equation parameter."""
    if isinstance(value, jax.extend.core.ClosedJaxpr):
        yield value.jaxpr
    elif isinstance(value, jax.extend.core.Jaxpr):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _sub_jaxprs(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _sub_jaxprs(item)


def primitives(jaxpr) -> collections.Counter:
    """Multiset of primitive names in ``jaxpr`` and every sub-jaxpr (cond branches,
    while cond/body, scan body, nested jit/pjit, custom_jvp ...)."""
    if isinstance(jaxpr, jax.extend.core.ClosedJaxpr):
        jaxpr = jaxpr.jaxpr
    counts: collections.Counter = collections.Counter()
    todo = [jaxpr]
    while todo:
        current = todo.pop()
        for equation in current.eqns:
            counts[equation.primitive.name] += 1
            for parameter in equation.params.values():
                todo.extend(_sub_jaxprs(parameter))
    return counts


def equations(jaxpr, name: str) -> list:
    """Every equation of primitive ``name`` in ``jaxpr`` and its sub-jaxprs."""
    if isinstance(jaxpr, jax.extend.core.ClosedJaxpr):
        jaxpr = jaxpr.jaxpr
    found, todo = [], [jaxpr]
    while todo:
        current = todo.pop()
        for equation in current.eqns:
            if equation.primitive.name == name:
                found.append(equation)
            for parameter in equation.params.values():
                todo.extend(_sub_jaxprs(parameter))
    return found


def jaxpr_of(function, *args, static_argnums=(), **kwargs):
    return jax.make_jaxpr(function, static_argnums=static_argnums)(*args, **kwargs)


def converted_primitives(function, *args, static_argnums=(), **kwargs) -> collections.Counter:
    """Primitives of the jaxpr of ``py2lax.convert(function)`` traced on ``args``."""
    static_names = _static_names(function, static_argnums)
    converted = py2lax.convert(function, static_argnames=static_names)
    return primitives(jaxpr_of(converted, *args, static_argnums=static_argnums, **kwargs))


LOOP_PRIMITIVES = ("while", "scan")
CONTROL_FLOW_PRIMITIVES = ("cond", "while", "scan")


def has_loop(counts) -> bool:
    return any(counts[p] for p in LOOP_PRIMITIVES)


def has_control_flow(counts) -> bool:
    return any(counts[p] for p in CONTROL_FLOW_PRIMITIVES)


def _static_names(function, static_argnums):
    import inspect

    numbers = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    names = list(inspect.signature(function).parameters)
    return tuple(names[n] for n in numbers)


# --------------------------------------------------------------------------- values
def assert_tree_close(expected, actual, *, dtype: str = "kind", rtol=1e-5, atol=1e-5):
    """Same pytree structure, values close, and dtypes equal (``"kind"``: same kind
    letter, e.g. both float; ``"exact"``: same dtype; ``None``: not checked)."""
    expected_leaves, expected_tree = jax.tree_util.tree_flatten(expected)
    actual_leaves, actual_tree = jax.tree_util.tree_flatten(actual)
    assert expected_tree == actual_tree, f"structure {actual_tree} != expected {expected_tree}"
    for e, a in zip(expected_leaves, actual_leaves):
        e_arr, a_arr = np.asarray(e), np.asarray(a)
        assert e_arr.shape == a_arr.shape, f"shape {a_arr.shape} != expected {e_arr.shape}"
        if dtype == "kind":
            assert e_arr.dtype.kind == a_arr.dtype.kind, (
                f"dtype {a_arr.dtype} (kind {a_arr.dtype.kind}) != expected {e_arr.dtype} "
                f"(kind {e_arr.dtype.kind})")
        elif dtype == "exact":
            assert jnp.result_type(e) == jnp.result_type(a), (
                f"dtype {jnp.result_type(a)} != expected {jnp.result_type(e)}")
        if e_arr.dtype.kind in "biu" and a_arr.dtype.kind in "biu":
            np.testing.assert_array_equal(a_arr, e_arr)
        else:
            np.testing.assert_allclose(a_arr, e_arr, rtol=rtol, atol=atol, equal_nan=True)


def assert_same(function, *args, jit_kwargs=None, dtype: str = "kind", jitted=None, **kwargs):
    """Run ``function`` eagerly (the oracle) and through ``autograph_jit``; compare.

    ``jitted`` may be a ready ``autograph_jit`` object, so property tests compile once.
    Returns the converted result.
    """
    expected = function(*args, **kwargs)
    if jitted is None:
        jitted = py2lax.autograph_jit(function, **(jit_kwargs or {}))
    actual = jitted(*args, **kwargs)
    assert_tree_close(expected, actual, dtype=dtype)
    return actual


def f32(value):
    return jnp.asarray(value, dtype=jnp.float32)


def i32(value):
    return jnp.asarray(value, dtype=jnp.int32)


# --------------------------------------------------------------------------- source
def normalized(text: str) -> str:
    """Source text without blank lines, trailing spaces or common indentation."""
    text = textwrap.dedent(text)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


@pytest.fixture
def conversion_calls(monkeypatch):
    """Counts calls of ``py2lax.api._convert_now`` (parsing + rewriting)."""
    import py2lax.api as api

    calls = []
    real = api._convert_now

    def counting(function, static_names, *options):
        calls.append(function.__qualname__)
        return real(function, static_names, *options)

    monkeypatch.setattr(api, "_convert_now", counting)
    return calls


# --------------------------------------------------------------------------- golden files
def load_module(path, name: str):
    """Import the file at ``path`` as a module called ``name`` (goldens are plain files)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def golden_cases(inputs: list, prefix: str):
    """``(path, function name, case index)`` for every entry of each input's ``CASES``."""
    for path in inputs:
        module = load_module(path, f"{prefix}_{path.stem}")
        for name, argument_lists in module.CASES.items():
            for index in range(len(argument_lists)):
                yield pytest.param(path, name, index, id=f"{path.stem}.{name}[{index}]")


def function_lengths(text: str) -> dict[str, int]:
    """Lines of each function of a module's text, decorators included (first one wins)."""
    lengths = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef):
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            lengths.setdefault(node.name, node.end_lineno - first + 1)
    return lengths


def run_cli(argv, capsys) -> tuple[int, str, str]:
    """``py2lax ARGV`` in this process: ``(exit status, stdout, stderr)``."""
    from py2lax.tools.cli.main import main

    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err
