"""The settings of one ``py2lax`` run: the ``[tool.py2lax]`` table of the project's
``pyproject.toml``, overridden by the command line, as black and ruff do.

The project root is the nearest directory, from the files given up, that holds
``.git``, ``.hg`` or ``pyproject.toml`` (black's rule); its ``pyproject.toml`` is the one
read, and exclusion patterns are matched against paths relative to it::

    [tool.py2lax]
    all = true                          # --all
    standalone = false                  # --standalone
    extend-exclude = ["generated/", "legacy_*.py"]
    # exclude = [...]                   # replaces the default list below
    # force-exclude = true              # exclude even files named on the command line
    # respect-gitignore = false         # default true: skip what .gitignore ignores
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Directories never searched unless ``exclude`` is set: tools, caches, virtual envs.
# (A directory holding ``pyvenv.cfg``, a virtual environment, is always skipped.)
DEFAULT_EXCLUDE = (".*/", "venv/", "env/", "__pycache__/", "site-packages/", "node_modules/")

# Keys of ``[tool.py2lax]`` and the type each must have.
_KEYS = {"all": bool, "standalone": bool, "exclude": list, "extend-exclude": list,
         "force-exclude": bool, "respect-gitignore": bool}


class SettingsError(Exception):
    """A ``[tool.py2lax]`` table that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Settings:
    """What one run does, however it was asked for."""

    all_functions: bool = False
    standalone: bool = False
    diff: bool = False
    check: bool = False
    write: bool = False
    color: bool = False
    quiet: bool = False
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE      # gitignore-style patterns
    force_exclude: bool = False                     # also for files named explicitly
    respect_gitignore: bool = True
    root: Path = field(default_factory=Path.cwd)    # exclusion patterns are relative to it
    config: Path | None = None                      # the pyproject.toml read, if any

    @property
    def prints_source(self) -> bool:
        return not (self.diff or self.check or self.write)


def project_root(arguments: list[str]) -> Path:
    """The deepest directory above every argument that holds ``.git``, ``.hg`` or
    ``pyproject.toml``; the arguments' common directory if there is none."""
    try:
        paths = [Path(a).resolve() if a != "-" else Path.cwd() for a in arguments]
        common = Path(os.path.commonpath([str(p if p.is_dir() else p.parent)
                                          for p in paths or [Path.cwd()]]))
    except (OSError, ValueError, RuntimeError):   # a link loop, paths on two drives
        return Path.cwd()
    for directory in (common, *common.parents):
        if any((directory / marker).exists() for marker in (".git", ".hg", "pyproject.toml")):
            return directory
    return common


def read_table(root: Path) -> tuple[dict, Path | None]:
    """The ``[tool.py2lax]`` table of ``root/pyproject.toml`` (empty if there is none),
    checked: unknown keys and wrong types raise :class:`SettingsError`."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}, None
    try:
        with path.open("rb") as stream:
            table = tomllib.load(stream).get("tool", {}).get("py2lax", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: cannot read: {error}") from None
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.py2lax] must be a table")
    for key, value in table.items():
        kind = _KEYS.get(key)
        if kind is None:
            known = ", ".join(sorted(_KEYS))
            raise SettingsError(f"{path}: [tool.py2lax]: unknown setting {key!r} "
                                f"(the settings are {known})")
        if not isinstance(value, kind) or (kind is list and not all(
                isinstance(item, str) for item in value)):
            expected = "a list of strings" if kind is list else "true or false"
            raise SettingsError(f"{path}: [tool.py2lax]: {key} must be {expected}")
    return table, path


def combined(table: dict, *, exclude: list[str] | None, extend_exclude: list[str],
             **flags) -> dict:
    """Keyword arguments for :class:`Settings`: the command line's flags (``None`` where
    not given) over the table's values; ``extend_exclude`` adds to both."""
    patterns = exclude if exclude is not None else table.get("exclude", list(DEFAULT_EXCLUDE))
    patterns = [*patterns, *table.get("extend-exclude", []), *extend_exclude]
    from_table = {"all_functions": table.get("all", False),
                  "standalone": table.get("standalone", False),
                  "force_exclude": table.get("force-exclude", False),
                  "respect_gitignore": table.get("respect-gitignore", True)}
    values = {key: value for key, value in flags.items() if value is not None}
    return {**from_table, **values, "exclude": tuple(patterns)}
