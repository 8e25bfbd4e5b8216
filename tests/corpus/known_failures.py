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
    # Field programs (field_numerics.py, field_issues.py), wrong answers first.
    # Writes through a NumPy view (a row from `for p in arr`, `row = g[i]`, a slice
    # `left = u[:, 0]`) or through a second name of one array (`total = acc; acc += x`,
    # `lo = hi = np.zeros(2)`, `p = self.pos; p += v`) change the original in Python; under
    # jit they become functional updates of that one name, so the original is left unchanged.
    "field_issues.particle_rows_in_place": ("wrong", "jit: wrong (inputs 0): result: array([[ 0.5, 1. ], [ 0.9, 1. ], [ 0. , -1. ]], dtype=float32) where Python gives array([[ 0.7, 1. ], [ 1.1, -1. ], [-0"),
    "field_issues.positions_iadd_rows": ("wrong", "jit: wrong (inputs 0): result: array([[0.5, 1. ], [0.9, 1. ]], dtype=float32) where Python gives array([[1.5, 2. ], [2.9, 3. ]], dtype=float32)"),
    "field_issues.row_view_static_write": ("wrong", "jit: wrong (inputs 0): result: array([[1., 2.], [3., 4.]], dtype=float32) where Python gives array([[1., 2.], [3., 6.]], dtype=float32)"),
    "field_issues.row_view_traced_write": ("wrong", "jit: wrong (inputs 0): result: array([[1., 2.], [3., 4.]], dtype=float32) where Python gives array([[1., 2.], [3., 0.]], dtype=float32)"),
    "field_issues.ghost_cells_slice_view": ("wrong", "jit: wrong (inputs 0): result: array([[0., 1., 2., 3.], [4., 5., 6., 7.]], dtype=float32) where Python gives array([[1., 1., 2., 2.], [5., 5., 6., 6.]"),
    "field_issues.accumulator_alias_iadd": ("wrong", "jit: wrong (inputs 0): result: array([0., 0.], dtype=float32) where Python gives array([1.5, 2.5], dtype=float32)"),
    "field_issues.attribute_alias_iadd": ("wrong", "jit: wrong (inputs 0): result: array([0., 1.], dtype=float32) where Python gives array([1.5, 2.5], dtype=float32)"),
    "field_issues.list_of_arrays_loop_var": ("wrong", "jit: wrong (inputs 0): leaf 0: array([0., 0.], dtype=float32) where Python gives array([1.5, 0. ], dtype=float32)"),
    "field_issues.method_writes_through_row": ("wrong", "jit: wrong (inputs 0): result: array([[0., 0.], [0., 0.]], dtype=float32) where Python gives array([[1.5, 1.5], [0. , 0. ]], dtype=float32)"),
    "field_issues.chained_assignment_buffers": ("wrong", "jit: wrong (inputs 0): result: array([0., 0.], dtype=float32) where Python gives array([2., 0.], dtype=float32)"),
    "field_issues.previous_state_alias": ("wrong", "jit: wrong (inputs 0): result: array([3., 1.], dtype=float32) where Python gives array([2.25, 1. ], dtype=float32)"),
    # An append under a traced `if` on a list another name reaches (a helper's argument, a
    # method's local alias of self.hist) is dropped: the cond's outputs leave the list out.
    "field_issues.helper_appends_in_traced_if": ("wrong", "jit: wrong (inputs 0): leaf 0: array(0, dtype=int32) where Python gives array(3)"),
    "field_issues.method_local_alias_append": ("wrong", "jit: wrong (inputs 0): result: array(0, dtype=int32) where Python gives array(2)"),
    "field_issues.helper_append_static_count": ("raw", "jit: raw (inputs 0): raises ValueError: Need at least one array to stack."),
    # A walrus in the right operand of `and`/`or` in a `while` test binds inside the lambda
    # made for the short-circuit operand: the variable never changes (wrong in convert too),
    # or is undefined after the loop / in the body (NameError).
    "field_issues.walrus_in_or_while": ("wrong", "convert: wrong (inputs 0): result[1]: float 0.0 where Python gives float32 np.float32(6.0)"),
    "field_issues.walrus_in_and_while_last": ("wrong", "convert: wrong (inputs 0): result[1]: float 0.0 where Python gives float32 np.float32(16.0)"),
    "field_issues.walrus_loop": ("raw", "convert: raw (inputs 0): raises NameError: name 'x' is not defined"),
    # State two levels deep in an object (s.state.n, self.stats['accepted'] in a method,
    # outer.inner.n, self.p.x) updated inside a traced loop is not carried by the loop: the
    # last iteration's value alone (wrong), or a tracer escapes (UnexpectedTracerError).
    "field_issues.attribute_of_attribute_counter": ("wrong", "jit: wrong (inputs 0): result: array(1, dtype=int32) where Python gives array(3)"),
    "field_issues.attribute_of_attribute_sum": ("raw", "jit: raw (inputs 0): raises UnexpectedTracerError: Encountered an unexpected tracer. A function transformed by JAX had a side effect, allowing for a r"),
    "field_issues.sampler_acceptance_stats": ("raw", "jit: raw (inputs 0): raises UnexpectedTracerError: Encountered an unexpected tracer. A function transformed by JAX had a side effect, allowing for a r"),
    "field_issues.nested_dataclass_counter": ("raw", "jit: raw (inputs 0): raises UnexpectedTracerError: Encountered an unexpected tracer. A function transformed by JAX had a side effect, allowing for a r"),
    "field_issues.simulation_nested_particles": ("raw", "jit: raw (inputs 0): raises UnexpectedTracerError: Encountered an unexpected tracer. A function transformed by JAX had a side effect, allowing for a r"),
    # A static range loop with a traced if/break is lowered to a lax loop and its body traced
    # once: a stateful Python call in it (NumPy Generator, random.Random, next() on an
    # iterator) runs once and its value is reused by every iteration.
    "field_issues.metropolis_numpy_rng": ("wrong", "jit: wrong (inputs 0): leaf 0: array(2.0116832, dtype=float32) where Python gives array(-1.1164651, dtype=float32)"),
    "field_issues.random_walk_stdlib_random": ("wrong", "jit: wrong (inputs 0): leaf 1: array(4, dtype=int32) where Python gives array(20)"),
    "field_issues.lr_schedule_iterator": ("wrong", "jit: wrong (inputs 0): result: array(1.8191999, dtype=float32) where Python gives array(1.0768, dtype=float32)"),
    # A class attribute (Tally.total, state that outlives the call) updated under a traced `if`
    # in a loop: silently the last iteration's value, where a module-level instance or a global
    # gets a located OuterWriteError.
    "field_issues.class_attribute_counter": ("wrong", "jit: wrong (inputs 0): result: array(1, dtype=int32) where Python gives array(3)"),
    # JAX behaviour, not py2lax: Array.sort() returns a copy, plain jax.jit leaves v unsorted too.
    "field_issues.sort_in_place_method": ("wrong", "jit: wrong (inputs 0): leaf 0: array(3., dtype=float32) where Python gives array(1., dtype=float32)"),
    # A user method named like an array/str method (mean, max, count, clip...; calls.py
    # _VALUE_METHODS) called on an object is never converted: raw TracerBoolConversionError.
    "field_issues.user_method_named_mean": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "field_issues.user_method_named_count": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "field_issues.user_method_named_max": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "field_issues.user_method_named_clip": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "field_numerics.stats_object_filtered": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    # Both branches of a traced `if` raise while traced (a slice with traced bounds): the
    # BranchRaised handling in runtime/conditionals.py recurses until RecursionError.
    "field_issues.window_by_sign": ("raw", "jit: raw (inputs 0): raises RecursionError: maximum recursion depth exceeded while calling a Python object"),
    # math.isclose(...) and x.item() on traced values: raw ConcretizationTypeError, not located.
    "field_issues.isclose_newton": ("raw", "jit: raw (inputs 0): raises ConcretizationTypeError: Abstract tracer value encountered where concrete value is expected: traced array with shape float"),
    "field_issues.item_threshold": ("raw", "jit: raw (inputs 0): raises ConcretizationTypeError: Abstract tracer value encountered where concrete value is expected: traced array with shape float"),
    # max(v, key=abs) and list.index(max(scores)) on traced values: raw, not located.
    "field_issues.max_key_abs": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    "field_issues.list_index_of_max": ("raw", "jit: raw (inputs 0): raises TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[]."),
    # NumPy in-place methods with a traced value (out.fill(x), np.minimum(..., out=best)): raw.
    "field_issues.fill_in_traced_branch": ("raw", "jit: raw (inputs 0): raises ValueError: setting an array element with a sequence."),
    "field_issues.ufunc_out_running_min": ("raw", "jit: raw (inputs 0): raises NotImplementedError: out argument of <jnp.ufunc 'minimum'>"),
    # jax.grad of a helper whose static range loop has a traced break: lowered to a while_loop,
    # so reverse mode is refused even by convert() on plain values (the original runs eagerly).
    "field_issues.grad_through_solver": ("located", "convert: located (inputs 0): raises ConversionError: field_issues.py:486: jax.grad (reverse mode) cannot differentiate through this `for` loop: its nu"),
    "field_issues.grad_fixed_point": ("located", "convert: located (inputs 0): raises ConversionError: field_issues.py:500: jax.grad (reverse mode) cannot differentiate through this `for` loop: its nu"),
    # A variable set before `break` and in the for's `else:` is refused as one-branch-only.
    "field_issues.for_else_not_found": ("located", "jit: located (inputs 0): raises UndefinedVariableError: field_issues.py:47: variable 'pos' is assigned only in the true branch of this `if`, whose con"),
    # min(range(len(v)), key=...): refused, but the message blames range(len(v)) (len is static).
    "field_issues.min_key_argmin": ("located", "jit: located (inputs 0): raises TracedValueError: field_issues.py:248: `range(len(v))` needs a concrete Python value, but 'v' is traced here"),
    # Documented refusals (sharp-bits.md) of programs that could work: int() of a traced value,
    # a filtered generator consumed by sum(), a variable first assigned in a traced loop, a
    # helper assigning into its array parameter.
    "field_issues.int_truncation": ("located", "jit: located (inputs 0): raises TracedValueError: field_issues.py:290: `int(x)` needs a concrete Python value, but 'x' is traced here"),
    "field_issues.float_to_int_index": ("located", "jit: located (inputs 0): raises TracedValueError: field_issues.py:394: `int(x * (len(v) - 1))` needs a concrete Python value, but 'x', 'v' is traced h"),
    "field_issues.sum_generator_filter": ("located", "jit: located (inputs 0): raises ValueDependentShapeError: field_issues.py:269: `(x for x in v if x > 0)` keeps the items for which a traced condition "),
    "field_issues.count_filter_generator": ("located", "jit: located (inputs 0): raises ValueDependentShapeError: field_issues.py:273: `(1 for x in v if x > 0)` keeps the items for which a traced condition "),
    "field_numerics.kmeans_assign_update": ("located", "jit: located (inputs 0): raises UndefinedVariableError: field_numerics.py:800: variable 'labels' is first assigned inside this traced `for` loop and u"),
    "field_issues.heat_with_bc_helper": ("located", "jit: located (inputs 0): raises InPlaceArgumentError: field_issues.py:1135: helper '_apply_bc' assigns into its parameter 'u' in place, but it was cal"),
}
# fmt: on
