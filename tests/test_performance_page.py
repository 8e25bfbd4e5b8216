"""The performance page's tables fit the page: no scrolling sideways to read them.

A table cell wraps at spaces, so a table can be no narrower than its columns' longest
words (code spans included) plus the cells' padding. The documentation theme shows
about 100 characters of table text across its content column; the check keeps every
table of ``docs/performance.md`` (written by ``scripts/gen_performance.py``) under 90.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
MAX_WIDTH = 90  # characters of unbreakable text across a table, padding counted
PADDING = 3     # per column


def tables(text: str) -> list[list[list[str]]]:
    """Each Markdown table of ``text`` as rows of cells (the ``|---|`` line left out)."""
    found, rows = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):
                rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            found.append(rows)
            rows = []
    return found


def narrowest_width(rows: list[list[str]]) -> int:
    widest: dict[int, int] = {}
    for row in rows:
        for column, cell in enumerate(row):
            words = cell.replace("`", "").replace("*", "").split()
            widest[column] = max(widest.get(column, 0), max(map(len, words), default=0))
    return sum(width + PADDING for width in widest.values())


def test_a_table_of_every_column_is_too_wide():
    columns = "| Program | Construct | Eager Python | py2lax, cached | Speed-up over eager " \
              "| Hand-written lax, cached | Cached ratio | py2lax 1st call | lax 1st call " \
              "| 1st-call ratio | HLO ops p/l | Plain `jax.jit` |"
    row = "| `static_recurrence` | `for i in range(1000), static` | 29.6 ms | 675 µs | 44x " \
          "| 655 µs | 1.03 | 48.7 ms | 53.2 ms | 0.91 | 40/40 | 2.53 s 1st, 1.4 ms cached |"
    assert narrowest_width(tables(f"{columns}\n|---|\n{row}\n")[0]) > MAX_WIDTH


@pytest.mark.parametrize("index", range(len(tables(PAGE.read_text(encoding="utf-8")))))
def test_performance_table_fits_the_page(index):
    rows = tables(PAGE.read_text(encoding="utf-8"))[index]
    width = narrowest_width(rows)
    assert width <= MAX_WIDTH, (
        f"table {index + 1} of {PAGE.name} (header {rows[0]}) is {width} characters wide at "
        f"its narrowest; split it (scripts/gen_performance.py) so it fits in {MAX_WIDTH}")
