"""Every setting and every CLI command is documented in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from cartotech.cli import app
from cartotech.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    for name, field in Settings.model_fields.items():
        assert f"`CARTOTECH_{name.upper()}`" in README, name
        assert field.description, f"setting {name} has no description"


def _command_paths(group: typer.main.TyperGroup | object, prefix: str = "cartotech") -> list[str]:
    paths = []
    for name, command in getattr(group, "commands", {}).items():
        if hasattr(command, "commands"):
            paths += _command_paths(command, f"{prefix} {name}")
        else:
            paths.append(f"{prefix} {name}")
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    commands = _command_paths(typer.main.get_command(app))
    assert len(commands) >= 7
    for path in commands:
        assert f"`{path}" in README, path
