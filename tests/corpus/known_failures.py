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
}
# fmt: on
