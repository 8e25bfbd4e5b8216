"""Corpus programs that fail today: case id -> (outcome, the first finding).

Outcomes: "wrong" (a silent wrong answer: value, structure, side effect, or no exception
where Python raises), "raw" (an internal error or an unlocated JAX error), "located" (a
located ConversionError where the program can work, e.g. refused at decoration time).
Each entry makes its test in tests/test_corpus.py an xfail(strict=True): when a fix makes
the program pass, the test reports XPASS and the entry is removed.
``python tests/corpus/harness.py`` lists the entries that now pass and failures missing here;
``--known`` prints a fresh table. Findings are "<run>: <outcome> (inputs N): <message>",
run being "convert" (the converted function on plain Python values) or "jit".
"""

# fmt: off
KNOWN_FAILURES = {
    # Plain jax.jit cannot return 10**12 either: JAX converts the Python int to int32 when
    # the compiled function returns, after py2lax has given the result back.
    "carries.python_int_overflowing_int32": ("raw", "jit: raw (inputs 1): raises OverflowError: Python int 1000000000000 too large to convert to int32"),
    # JAX clamps an index past the end where NumPy raises IndexError; eager jax.numpy and
    # plain jax.jit give 7.0 too, without py2lax.
    "exits_in_blocks.suppress_in_loop": ("wrong", "jit: wrong (inputs 0): result: array(7., dtype=float32) where Python gives array(3., dtype=float32)"),
    # NumPy arrays read with a traced index: refused at the user's line (issue 13.9 allows
    # a located error naming the array); they would have to become jax arrays everywhere.
    "graphs_grids.dfs_reachable_count": ("located", "jit: located (inputs 0): raises TracedValueError: graphs_grids.py:53: `seen[u]` indexes 'seen' with a traced index, but 'seen' is a NumPy array, which"),
    "numpy_arrays.arange_indexed_by_traced": ("located", "jit: located (inputs 0): raises TracedValueError: numpy_arrays.py:36: `table[k]` indexes 'table' with a traced index, but 'table' is a NumPy array, wh"),
    # A `finally` that changes the object a `return` under a traced condition gave back:
    # jit returns the object as it was at the `return`.
    "ported_autograph.return_in_try_finally_mutating": ("wrong", "jit: wrong (inputs 0): result: array(2, dtype=int32) where Python gives array(12)"),
    "ported_autograph.return_in_loop_finally_counts": ("wrong", "jit: wrong (inputs 1): result: array(0, dtype=int32) where Python gives array(1)"),
    # A user generator over range(traced n): JAX's TracerIntegerConversionError, unlocated.
    "ported_autograph.generator_consumed_in_loop": ("raw", "jit: raw (inputs 0): raises TracerIntegerConversionError: The __index__() method was called on traced array with shape int32[]"),
    # An unconditional `raise` in a loop body with a traced trip count is raised while tracing,
    # unlocated, even when the loop runs zero times (Python returns normally).
    "ported_catalyst.whileloop_raises[not entered]": ("raw", "jit: raw (inputs 0): raises RuntimeError: test failure"),
    # `a and f()`, `a or f()`, `f() if a else b` with a traced `a`: the operand Python skips is
    # evaluated anyway, with its Python side effects (a counter, list.pop, a KeyError).
    "ported_catalyst.logical_short_circuit_side_effect": ("wrong", "jit: wrong (inputs 2): leaf 2: array(2, dtype=int32) where Python gives array(0)"),
    "ported_catalyst.ifexp_side_effect_in_operand": ("wrong", "jit: wrong (inputs 0): leaf 1: array(1, dtype=int32) where Python gives array(0)"),
    "ported_catalyst.if_and_side_effect": ("wrong", "jit: wrong (inputs 0): leaf 1: array(1, dtype=int32) where Python gives array(0)"),
    "ported_catalyst.and_pops_argument_list": ("wrong", "jit: wrong (inputs 0): leaf 1: array(1, dtype=int32) where Python gives array(2)"),
    "ported_catalyst.and_guards_missing_key": ("raw", "jit: raw (inputs 0): raises KeyError: 'b'"),
}
# fmt: on
