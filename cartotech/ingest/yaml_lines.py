"""Load YAML while remembering the line of every value, so that validation
errors can say "directory.yaml, line 120, actors[3].facts[0].unit"."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["load_yaml_with_lines", "Path_"]

Path_ = tuple[str | int, ...]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys instead of keeping the last."""


def _to_python(
    node: yaml.Node, loader: _UniqueKeyLoader, path: Path_, lines: dict[Path_, int]
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            result[key] = _to_python(value_node, loader, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, loader, (*path, i), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and a map from value path to line."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = _to_python(node, loader, (), lines) if node is not None else None
    finally:
        loader.dispose()
    return data, lines
