"""The py2lax language server (``py2lax lsp``): the conversion preview inside any editor.

``segments`` splits a buffer into top-level blocks parsed once per text, ``index``
(with ``chosen``) lists the functions py2lax rewrites and what each depends on,
``document`` analyses one function through the same pipeline as the command line,
``checks``/``paths``/``traced`` find the lines that would fail under jit, ``reports``
keeps each function's report under its text so an edit re-analyses one function,
``preview`` prints what a document or one function becomes, ``features`` turns all of
it into LSP messages and ``server`` speaks the protocol (pygls). Only ``features`` and
``server`` import pygls/lsprotocol, and nothing here imports JAX or the user's code.
"""

from __future__ import annotations

import importlib.util
import os
import sys


def run(argv: list[str]) -> int:
    """``py2lax lsp ARGS``: start the server, or explain what is missing (exit status 2)."""
    missing = [name for name in ("pygls", "lsprotocol") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"py2lax lsp: {' and '.join(missing)} not installed; install py2lax's `lsp` "
              "extra: pip install 'pygls>=2.0' 'lsprotocol>=2024.0.0'", file=sys.stderr)
        return 2
    if os.path.isfile("lsp") and not argv:
        print("py2lax lsp: starting the language server; to rewrite the file named 'lsp', "
              "run: py2lax ./lsp", file=sys.stderr)
    from py2lax.tools.lsp.server import main

    return main(argv)
