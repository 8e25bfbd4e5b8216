"""One corpus program: a function, the inputs to run it on, and what jit may do with it.

Each ``tests/corpus/<theme>.py`` module lists its programs in a module-level ``CASES``
list of :class:`Case`. The harness (``harness.py``) runs every case three ways and
compares with the original run eagerly in Python (the oracle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Case:
    """A corpus program.

    ``inputs`` is a list of argument tuples in Python/NumPy form (what the oracle and the
    un-jitted converted function receive); the harness turns them into ``jnp`` values for
    the jitted run (``to_jit`` overrides that). ``static_argnums`` are passed to
    ``autograph_jit`` and left as they are. ``jit_error`` is set, with the reason, only
    when the program genuinely cannot work under jit: a located ``ConversionError`` then
    counts as a pass. ``setup`` runs before every run (resetting module state) and
    ``observe`` returns module state to compare after every run (side effects).
    ``oracle`` replaces ``fn`` as the oracle for programs that the original cannot run
    eagerly (a Python ``if`` in a function given to ``jax.vmap`` or ``lax.scan``): a plain
    Python twin; both runs are then compared with it within the tolerance.
    """

    fn: Callable
    inputs: list = field(default_factory=lambda: [()])
    static_argnums: tuple = ()
    note: str = ""
    jit_error: str = ""
    rtol: float = 1e-4
    atol: float = 1e-5
    to_jit: Callable | None = None
    setup: Callable | None = None
    observe: Callable | None = None
    oracle: Callable | None = None
    label: str = ""  # tells apart two cases of one function: id "<module>.<fn>[<label>]"
    id: str = ""  # "<module>.<function>", filled in by the harness

    def __post_init__(self):
        if isinstance(self.static_argnums, int):
            self.static_argnums = (self.static_argnums,)
        self.inputs = [args if isinstance(args, tuple) else (args,) for args in self.inputs]


def cases_of(fns: list[Callable], inputs: list, **options: Any) -> list[Case]:
    """The same inputs and options for several programs."""
    return [Case(fn, inputs=list(inputs), **options) for fn in fns]
