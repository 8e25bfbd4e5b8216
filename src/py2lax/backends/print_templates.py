"""Format templates for ``jax.debug.print``, shared by the runtime and ``--standalone``.

``jax.debug.print`` decides whether its template has placeholders from the template's
first part only, so text with escaped braces before the first placeholder
(``print("{} items:", n)`` gives the template ``"{{}} items: {}"``) would be printed
unformatted, braces doubled. Starting such a template with an empty placeholder avoids
it. This module imports nothing, so the command line can use it without loading JAX.

>>> debug_print_arguments("{{}} items: {}", (3,))
('{}{{}} items: {}', ('', 3))
>>> debug_print_arguments("x = {}", (3,))
('x = {}', (3,))
"""

from __future__ import annotations

import string


def debug_print_arguments(template: str, values: tuple) -> tuple[str, tuple]:
    """``(template, values)`` that ``jax.debug.print`` formats as ``str.format`` would."""
    if needs_leading_placeholder(template, len(values)):
        return "{}" + template, ("",) + tuple(values)
    return template, tuple(values)


def needs_leading_placeholder(template: str, count: int) -> bool:
    if not count:
        return False
    parts = list(string.Formatter().parse(template))
    return bool(parts) and parts[0][1] is None and any(part[1] is not None for part in parts)
