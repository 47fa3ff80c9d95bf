"""The import rules that keep Lobby's layers apart, checked on the source itself.

- `wayfinding` is a pure library: no Flask, no kiosk, no admin.
- Only `kiosk/__init__.py` imports `admin` (the staff side depends on the kiosk, not the reverse).
- `kiosk/printing` and `kiosk/shell` import no feature package: features build on them.

The check reads every `import` statement (also those inside functions) with `ast`, so it
needs no application and sees imports that only run later.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
FEATURES = ("kiosk.devices", "kiosk.find", "kiosk.checkin", "kiosk.uploads", "kiosk.demo")


@dataclass(frozen=True)
class BrokenRule:
    """One import that breaks a layer rule."""

    module: str
    imported: str
    rule: str


def module_name(root: Path, path: Path) -> str:
    """`kiosk/shell/home.py` → `kiosk.shell.home`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[str]:
    """The absolute modules the file's `import` and `from ... import` statements name, one per
    imported name (`from kiosk.checkin import tickets` names `kiosk.checkin.tickets`)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, package: str) -> bool:
    """Whether module `name` is `package` or inside it."""
    return name == package or name.startswith(package + ".")


def broken_rules(root: Path) -> list[BrokenRule]:
    """Check every module of the three packages under `root` against the rules."""
    broken = []
    for package in ("wayfinding", "kiosk", "admin"):
        for path in sorted((root / package).rglob("*.py")):
            module = module_name(root, path)
            for imported in imported_modules(path):
                rule = rule_broken_by(module, imported)
                if rule:
                    broken.append(BrokenRule(module, imported, rule))
    return broken


def rule_broken_by(module: str, imported: str) -> str | None:
    """The rule `module` breaks by importing `imported`, if any."""
    if within(module, "wayfinding") and any(
        within(imported, forbidden) for forbidden in ("flask", "kiosk", "admin")
    ):
        return "wayfinding is a pure library"
    if within(imported, "admin") and not within(module, "admin") and module != "kiosk":
        return "only kiosk/__init__.py imports admin"
    for base in ("kiosk.printing", "kiosk.shell"):
        if within(module, base) and any(within(imported, feature) for feature in FEATURES):
            return f"{base} imports no feature"
    return None


def test_the_project_keeps_its_layers() -> None:
    assert broken_rules(PROJECT) == []


@pytest.mark.parametrize(
    ("file", "line", "rule"),
    [
        ("wayfinding/graph.py", "import flask", "wayfinding is a pure library"),
        ("kiosk/find/views.py", "import admin.cli", "only kiosk/__init__.py imports admin"),
        (
            "kiosk/printing/queue.py",
            "from kiosk.checkin import tickets",
            "kiosk.printing imports no feature",
        ),
        (
            "kiosk/shell/home.py",
            "from kiosk.checkin.flow import abandon_flow",
            "kiosk.shell imports no feature",
        ),
    ],
)
def test_a_rule_broken_on_purpose_in_a_scratch_copy_is_caught(
    tmp_path: Path, file: str, line: str, rule: str
) -> None:
    for package in ("wayfinding", "kiosk", "admin"):
        shutil.copytree(
            PROJECT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.mo")
        )
    broken_file = tmp_path / file
    broken_file.write_text(broken_file.read_text() + f"\n\ndef late():\n    {line}\n")
    assert [b.rule for b in broken_rules(tmp_path)] == [rule]
