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
    "assignment_forms.walrus_in_comprehension": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "autograph_conds.deleted_in_if": ("raw", "jit: raw (inputs 1): raises UnboundLocalError: cannot access local variable 'i' where it is not associated with a value"),
    "autograph_conds.deleted_in_else": ("raw", "jit: raw (inputs 0): raises UnboundLocalError: cannot access local variable 'i' where it is not associated with a value"),
    "autograph_loops.for_else_membership": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "autograph_scoping.counter_reset_on_first": ("raw", "jit: raw (inputs 1): raises NameError: variable 't' is used but is not defined on the path the program took (Python would raise UnboundLocalError here"),
    "carries.python_int_overflowing_int32": ("raw", "jit: raw (inputs 1): raises OverflowError: Python int 1000000000000 too large to convert to int32"),
    "closures.sort_key_lambda": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "exits_in_blocks.suppress_in_loop": ("wrong", "jit: wrong (inputs 0): result: array(7., dtype=float32) where Python gives array(3., dtype=float32)"),
    "exits_in_blocks.checking_leaks_context": ("raw", "jit: raw (inputs 0): raises IndexError: list index out of range"),
    "graphs_grids.dfs_reachable_count": ("located", "jit: located (inputs 0): raises TracedValueError: graphs_grids.py:53: `seen[u]` indexes 'seen' with a traced index, but 'seen' is a NumPy array, which"),
    "graphs_grids.coin_change_ways[traced amount]": ("raw", "jit: raw (inputs 0): raises TypeError: Shapes must be 1D sequences of concrete values of integer type, got (JitTracer(int32[]),)."),
    "helpers_mutating.caller_set_first": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: helpers_mutating.py:17: helper '_set_first' assigns into its parameter 'parent' in place, but it"),
    "helpers_mutating.bubble_sort_with_swap_helper": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: helpers_mutating.py:27: helper '_swap' assigns into its parameter 'a' in place, but it was calle"),
    "helpers_mutating.union_find_components": ("located", "jit: located (inputs 0): raises TracedValueError: helpers_mutating.py:41: `parent[x]` indexes 'parent' with a traced index, but 'parent' is a NumPy ar"),
    "helpers_mutating.fill_rows_via_helper": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: helpers_mutating.py:67: helper '_fill_row' assigns into its parameter 'm' in place, but it was c"),
    "helpers_mutating.clip_in_place": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: helpers_mutating.py:80: helper '_clip_negative' assigns into its parameter 'v' in place, but it "),
    "helpers_mutating.normalise_via_helper": ("wrong", "jit: wrong (inputs 0): result: array([1., 3.], dtype=float32) where Python gives array([0.25, 0.75], dtype=float32)"),
    "helpers_mutating.helper_mutates_and_returns": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: helpers_mutating.py:127: helper '_set_and_return' assigns into its parameter 'buf' in place, but"),
    "helpers_mutating.reverse_via_helper": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: helpers_mutating.py:163: helper '_reverse_in_place' assigns into its parameter 'a' in place, but"),
    "linalg.determinant_with_pivoting": ("raw", "jit: raw (inputs 0): raises TypeError: Using a non-tuple sequence for multidimensional indexing is not allowed"),
    "mutation.append_then_index_last": ("wrong", "jit: wrong (inputs 0): leaf 0: array(4.5, dtype=float32) where Python gives array(6.15625)"),
    "numpy_arrays.arange_indexed_by_traced": ("located", "jit: located (inputs 0): raises TracedValueError: numpy_arrays.py:36: `table[k]` indexes 'table' with a traced index, but 'table' is a NumPy array, wh"),
    "static_conditions.raise_on_traced_value": ("raw", "jit: raw (inputs 1): raises JaxRuntimeError: INTERNAL: CpuCallback error calling callback: Traceback (most recent call last): where Python raises Valu"),
}
# fmt: on
