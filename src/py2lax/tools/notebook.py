"""``%load_ext py2lax``: the ``%%py2lax`` cell magic for IPython and Jupyter.

``%%py2lax`` shows what the cell becomes, with syntax highlighting, and runs nothing:
the cell is only parsed, exactly as ``py2lax FILE`` reads a file (jit-decorated
functions are rewritten; ``--all`` rewrites every function). A function that cannot be
converted is listed with its error and shown as written, as in the editors' preview
(``py2lax.tools.lsp.preview``, which imports neither JAX nor a language server).

``%%py2lax --run`` runs the converted cell in the notebook's namespace instead; like a
plain cell, the value of a last expression is the output, and an exception fails the
cell. A conversion error fails it before anything runs.

A cell that does not parse, or (with ``--run``) cannot be converted, fails with the
located message alone, as the command line prints it: IPython's own syntax error
display (``Cell In[3], line 2``), or the ``ConversionError`` with its file, line, rule
and fix, never a traceback through py2lax's modules (IPython's ``_render_traceback_``).

Neither is needed to use py2lax in a notebook: ``@autograph_jit`` reads a function's
source from IPython's cell cache, so functions defined in cells convert directly. The
magic is for seeing the conversion, or for running the code exactly as the command line
would write it out.
"""

from __future__ import annotations

import ast

from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import Code, display

from py2lax.diagnostics.errors import Py2laxError
from py2lax.tools.lsp.preview import preview_document
from py2lax.transpiler import rewrite_module


class CellSyntaxError(Py2laxError):
    """A ``%%py2lax`` cell that does not parse; the ``SyntaxError`` is its ``__cause__``.

    Not a ``SyntaxError`` itself: IPython would show one with the frames that raised it.
    """


@magics_class
class Py2laxMagics(Magics):
    """The ``%%py2lax`` cell magic (registered by :func:`load_ipython_extension`)."""

    @magic_arguments()
    @argument("--run", action="store_true",
              help="run the converted cell (default: only show it, running nothing)")
    @argument("--all", dest="all_functions", action="store_true",
              help="rewrite every function, not only jax.jit/autograph_jit ones")
    @cell_magic
    def py2lax(self, line: str, cell: str):
        """Show the cell as py2lax rewrites it, or run it converted (``--run``)."""
        options = parse_argstring(self.py2lax, line)
        source = self._python(cell)
        filename = self.shell.compile.cache(source, self.shell.execution_count, raw_code=cell)
        try:
            if not options.run:
                display(Code(preview_document(source, filename,
                                              all_functions=options.all_functions),
                             language="python"))
                return None
            result = rewrite_module(source, filename, all_functions=options.all_functions,
                                    readable=True)
        except SyntaxError as error:
            raise self._syntax_error(error, filename) from error
        if result.errors:
            error = result.errors[0]
            raise _without_frames(error, self.shell.InteractiveTB.get_exception_only(
                type(error), error))
        return self._run(result.text)

    def _syntax_error(self, error: SyntaxError, filename: str) -> CellSyntaxError:
        """The cell's syntax error, shown as IPython shows one in a plain cell."""
        error.filename = filename   # displayed as "Cell In[N], line L"
        shown = self.shell.SyntaxTB.structured_traceback(SyntaxError, error, [])
        located = CellSyntaxError(f"{filename}:{error.lineno or 1}:{error.offset or 1}: "
                                  f"syntax error: {error.msg}")
        return _without_frames(located, shown)

    def _python(self, cell: str) -> str:
        """The cell as Python: IPython syntax (``%time``, ``!ls``) is translated, not run."""
        try:
            ast.parse(cell)
            return cell
        except SyntaxError:
            return self.shell.transform_cell(cell)

    def _run(self, text: str):
        """Execute ``text`` in the user's namespace; return its last expression's value."""
        filename = self.shell.compile.cache(text, self.shell.execution_count)
        module = ast.parse(text, filename)
        last = None
        if module.body and isinstance(module.body[-1], ast.Expr):
            last = ast.Expression(module.body.pop().value)
        namespace = self.shell.user_ns
        exec(self.shell.compile(module, filename, "exec"), namespace)
        if last is None:
            return None
        return eval(self.shell.compile(last, filename, "eval"), namespace)


def _without_frames(error: Exception, shown: list[str]) -> Exception:
    """``error``, which IPython will show as ``shown`` instead of a traceback."""
    error._render_traceback_ = lambda: shown
    return error


def load_ipython_extension(ipython) -> None:
    """Register ``%%py2lax`` (``%load_ext py2lax`` calls this through the package)."""
    ipython.register_magics(Py2laxMagics)
