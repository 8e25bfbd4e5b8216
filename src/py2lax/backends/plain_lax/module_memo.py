"""What the plain-jax writers read from the whole module, computed once per module.

Each converted function has its own backend, and several of its questions (the classes
the module defines, the names it binds, the functions that change an outside object)
are about the module as written, which does not change while its functions are
converted: answering them by walking the module for every function made a module of
thousands of lines quadratic (``jax/_src/lax/lax.py`` ran for minutes).
"""

from __future__ import annotations

import weakref

_MEMO: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def memo(module, key, compute):
    """``compute()``, remembered for ``module`` (the module as written) under ``key``."""
    found = _MEMO.get(module)
    if found is None:
        found = _MEMO[module] = {}
    if key not in found:
        found[key] = compute()
    return found[key]
