"""The web layer imports cartotech's modules at the top of its modules only: an import
inside a function hides a dependency (and would hide an import cycle) until it runs.

web/errors.py used to import LoginRequired from web/auth.py inside its exception
handler; the error now lives with its siblings in domain/participation_errors.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cartotech.web

WEB = Path(cartotech.web.__file__).parent


def _late_imports(path: Path) -> list[str]:
    """``file:line module`` for each import of a cartotech module below the top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if id(node) in top:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [
            f"{path.name}:{node.lineno} {name}" for name in names if name.startswith("cartotech")
        ]
    return found


def _web_late_imports(root: Path) -> list[str]:
    return [found for path in sorted(root.rglob("*.py")) for found in _late_imports(path)]


def test_the_web_layer_has_no_late_imports() -> None:
    assert _web_late_imports(WEB) == []


def test_the_check_sees_a_late_import(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(
        "import json\n\n\ndef handle():\n    import base64\n"
        "    from cartotech.web.auth import current_user\n"
    )
    assert _web_late_imports(tmp_path) == ["handler.py:6 cartotech.web.auth"]
