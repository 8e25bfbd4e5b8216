"""Rewrite the message blocks of docs/sharp-bits.md from what the examples really print.

    python scripts/sharp_bits_messages.py          # show which messages differ
    python scripts/sharp_bits_messages.py --write  # rewrite them (then review `git diff`)

``tests/test_sharp_bits.py`` fails when a message on the page is not the real one; this
script runs every example the same way the test does and puts the real message in place.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_sharp_bits as page  # noqa: E402  (the test module's parser and runner)


def real_message(entry) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "example.py"
        if "repl" in entry.options["example"]:
            outcome = page.run_in_repl(entry.blocks["example"], path)
        else:
            outcome = page.run_file(entry.blocks["example"], path)
        return page.shown(outcome)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the page")
    options = parser.parse_args(argv)
    text = page.PAGE.read_text(encoding="utf-8")
    changed = []
    for name, entry in page.ENTRIES.items():
        real = real_message(entry)
        if real != page._in_stable_order(entry.blocks["message"].rstrip("\n")):
            changed.append(name)
            block = re.compile(rf"(<!--\s*message:\s*{re.escape(name)}\b[^>]*-->\s*\n```[\w-]*\n)"
                               r"(.*?)(^```)", re.S | re.M)
            text = block.sub(lambda m: m[1] + real + "\n" + m[3], text, count=1)
    for name in changed:
        print(f"message differs: {name}")
    if options.write and changed:
        page.PAGE.write_text(text, encoding="utf-8")
        print(f"rewrote {len(changed)} message(s) in {page.PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
