"""``py2lax.loop_options``: per-loop hints, written as the loop body's first statement."""

from __future__ import annotations


def loop_options(*, max_iterations: int | None = None) -> None:
    """Hints for the loop whose body this call opens; a no-op when run as plain Python.

    ``max_iterations``: an upper bound on the loop's trip count. A loop whose trip count
    is traced is then compiled as a masked ``lax.scan`` of that many steps instead of a
    ``lax.while_loop``, so ``jax.grad`` can differentiate through it (reverse mode cannot
    go through ``while_loop``). If the loop would need more iterations, the compiled
    program raises at run time.

    >>> import jax, py2lax
    >>> @py2lax.autograph_jit
    ... def power(x, n):
    ...     y = 1.0
    ...     for _ in range(n):
    ...         py2lax.loop_options(max_iterations=10)
    ...         y = y * x
    ...     return y
    >>> float(jax.grad(power)(2.0, 3))
    12.0
    """
    del max_iterations
