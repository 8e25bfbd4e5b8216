"""Draw the editor and notebook pictures of the docs from py2lax's real output.

No editor runs here. ``lsp-preview.png`` is drawn from the answers of a real
``python -m py2lax lsp`` (code lenses, diagnostics and the ``py2lax.preview`` command,
over stdio like any editor); ``notebook-magic.png`` from what ``%%py2lax`` displays in
an IPython shell. Each picture says so in its caption. Regenerate after a change of the
output:

    python docs/images/render_editor_previews.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pygments.lexers import PythonLexer
from pygments.styles import get_style_by_name

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIZE, LINE = 15, 21
STYLE = get_style_by_name("default")
COLORS = {1: "#e51400", 2: "#bf8803", 4: "#7a7a7a"}   # LSP severities: error, warning, hint

EXAMPLE = '''\
import jax.numpy as jnp
from py2lax import autograph_jit


@autograph_jit(static_argnames="steps")
def newton_sqrt(a, steps):
    x = a
    for _ in range(steps):
        x = 0.5 * (x + a / x)
    return x


@autograph_jit
def clipped_mean(x, limit):
    total = 0.0
    for v in x:
        if v > limit:
            total = total + limit
        else:
            total = total + v
    if total > 0:
        scale = 1.0 / x.shape[0]
    return total * scale, x[x > 0]
'''

NOTEBOOK_CELL = '''\
import jax.numpy as jnp
from py2lax import autograph_jit

@autograph_jit
def clipped_sum(x, limit):
    total = 0.0
    for v in x:
        if v > limit:
            total = total + limit
        else:
            total = total + v
    return total
'''


# --------------------------------------------------------------------------- the server
class Server:
    """A minimal LSP client over the server's stdin/stdout (Content-Length framing)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "py2lax", "lsp"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id, self.notifications = 0, []

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while (header := self.process.stdout.readline().strip()):
            if header.lower().startswith(b"content-length:"):
                length = int(header.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params) -> object:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message.get("result")
            self.notifications.append(message)

    def wait_for(self, method: str) -> dict:
        while True:
            message = self.receive()
            if message.get("method") == method:
                return message["params"]


def ask_the_server(uri: str) -> tuple[list, list, str]:
    server = Server()
    server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    server.send({"method": "initialized", "params": {}})
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": EXAMPLE}}})
    diagnostics = server.wait_for("textDocument/publishDiagnostics")["diagnostics"]
    lenses = server.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    preview = server.request("workspace/executeCommand", {
        "command": "py2lax.preview", "arguments": lenses[-1]["command"]["arguments"]})
    server.request("shutdown", None)
    server.send({"method": "exit"})
    server.process.wait(timeout=10)
    return diagnostics, lenses, preview


# --------------------------------------------------------------------------- drawing
def highlighted(text: str) -> list[list[tuple[str, str]]]:
    """Per line, ``(text, colour)`` runs, coloured by pygments' default style."""
    lines: list[list[tuple[str, str]]] = [[]]
    for token, value in PythonLexer().get_tokens(text):
        style = STYLE.style_for_token(token)
        color = "#" + (style["color"] or "000000")
        for index, part in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if part:
                lines[-1].append((part, color))
    return lines[:-1] if lines and not lines[-1] else lines


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.mono = ImageFont.truetype(FONT, SIZE)
        self.small = ImageFont.truetype(FONT, SIZE - 3)
        self.sans = ImageFont.truetype(SANS, SIZE - 1)
        self.char = self.mono.getlength("M")

    def tab(self, x: int, y: int, width: int, title: str) -> None:
        self.draw.rectangle([x, y, x + width, y + 34], fill="#f3f3f3")
        self.draw.rectangle([x, y + 33, x + width, y + 35], fill="#e0e0e0")
        self.draw.text((x + 14, y + 9), title, font=self.sans, fill="#333333")

    def code(self, x: int, y: int, text: str, lenses: dict[int, str] | None = None,
             marks: list[dict] | None = None) -> int:
        """Draw numbered, highlighted lines (lens lines above their rows); return the bottom."""
        rows: dict[int, int] = {}
        for number, runs in enumerate(highlighted(text)):
            if lenses and number in lenses:
                self.draw.text((x + 52, y + 3), lenses[number], font=self.small, fill="#6f6f6f")
                y += LINE - 2
            rows[number] = y
            self.draw.text((x + 4, y), f"{number + 1:>3}", font=self.mono, fill="#a0a0a0")
            column = 0
            for part, color in runs:
                self.draw.text((x + 52 + column * self.char, y), part, font=self.mono, fill=color)
                column += len(part)
            y += LINE
        for mark in marks or []:
            self._squiggle(x + 52, rows, mark)
        return y

    def _squiggle(self, left: int, rows: dict[int, int], mark: dict) -> None:
        start, end = mark["range"]["start"], mark["range"]["end"]
        if start["line"] not in rows:
            return
        y = rows[start["line"]] + LINE - 3
        x0 = left + start["character"] * self.char
        x1 = left + max(end["character"], start["character"] + 1) * self.char
        color = COLORS.get(mark.get("severity", 1), "#e51400")
        if mark.get("severity") == 4:   # hints: dots under the start, as VS Code draws them
            for dot in range(3):
                self.draw.ellipse([x0 + dot * 4, y, x0 + dot * 4 + 2, y + 2], fill=color)
            return
        points = [(px, y + (2 if (px - int(x0)) // 3 % 2 else 0)) for px in range(int(x0),
                                                                                 int(x1), 3)]
        self.draw.line(points, fill=color, width=1)

    def caption(self, text: str) -> None:
        width, height = self.image.size
        self.draw.rectangle([0, height - 34, width, height], fill="#f3f3f3")
        self.draw.text((14, height - 26), text, font=self.sans, fill="#555555")


def lsp_picture(path: Path) -> None:
    diagnostics, lenses, preview = ask_the_server("file:///home/me/project/stats.py")
    lens_rows = {lens["range"]["start"]["line"]: lens["command"]["title"] for lens in lenses}
    problems = [d for d in diagnostics if d.get("severity") in (1, 2)]
    left_rows = EXAMPLE.count("\n") + len(lens_rows)
    panels = 60 + max(left_rows, preview.count("\n")) * LINE
    height = panels + 50 + (2 * LINE + 6) * len(problems) + 50
    canvas = Canvas(1640, height)
    canvas.tab(0, 0, 760, "stats.py")
    canvas.tab(764, 0, 876, "stats.clipped_mean.lax.py   (read-only preview)")
    canvas.draw.rectangle([760, 0, 763, panels], fill="#e0e0e0")
    canvas.code(8, 50, EXAMPLE, lens_rows, diagnostics)
    canvas.code(772, 50, preview)
    y = panels + 6
    canvas.draw.rectangle([0, y, 1640, y + 1], fill="#e0e0e0")
    canvas.draw.text((16, y + 10), "PROBLEMS", font=canvas.sans, fill="#333333")
    y += LINE + 16
    for problem in problems:
        first, *rest = problem["message"].split("\n")
        line = problem["range"]["start"]["line"] + 1
        canvas.draw.ellipse([18, y + 5, 26, y + 13], fill=COLORS[problem["severity"]])
        canvas.draw.text((34, y), f"{first}  ({problem['code']}, Ln {line})",
                         font=canvas.small, fill="#222222")
        fix = next((part for part in rest if part.startswith("Fix:")), "")
        canvas.draw.text((34, y + LINE - 3), fix, font=canvas.small, fill="#6f6f6f")
        y += 2 * LINE + 6
    canvas.caption("Drawn from the answers of `py2lax lsp` (code lenses, diagnostics, "
                   "py2lax.preview) to this file; not a VS Code screenshot. "
                   "docs/images/render_editor_previews.py")
    canvas.image.save(path)


def notebook_picture(path: Path) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    import py2lax.tools.notebook

    shown = []
    py2lax.tools.notebook.display = shown.append
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "py2lax")
    cell_text = "%%py2lax\n" + NOTEBOOK_CELL
    shell.run_cell(cell_text)
    output = shown[0].data
    height = (cell_text.count("\n") + output.count("\n")) * LINE + 100
    canvas = Canvas(900, height)
    canvas.draw.text((10, 14), "In [2]:", font=canvas.mono, fill="#303f9f")
    canvas.draw.rectangle([90, 8, 880, 16 + cell_text.count("\n") * LINE], fill="#f7f7f7",
                          outline="#e0e0e0")
    y = canvas.code(92, 12, cell_text)
    canvas.code(92, y + 24, output)
    canvas.caption("Drawn from what `%%py2lax` displays in IPython (rendered with pygments, as "
                   "Jupyter does); not a Jupyter screenshot.")
    canvas.image.save(path)


if __name__ == "__main__":
    lsp_picture(HERE / "lsp-preview.png")
    notebook_picture(HERE / "notebook-magic.png")
    print("wrote", HERE / "lsp-preview.png", HERE / "notebook-magic.png")
