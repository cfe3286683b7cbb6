"""The one exception hierarchy of cartotech.

Every error a user can cause is a :class:`CartotechError` with an HTTP status,
a stable ``code`` and, where it applies, the ``field`` (or file and line) at
fault. The API turns them into one JSON shape; the CLI prints the message and
exits 1. Library errors are translated into these at the package boundary.
"""

from __future__ import annotations


class CartotechError(Exception):
    """Base of every error cartotech raises on purpose."""

    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class InputError(CartotechError):
    """The input (a file, a parameter, a form) is not what was expected."""

    status_code = 422
    code = "invalid_input"


class MalformedFile(InputError):
    """A file could not be parsed; the message names the file and line."""

    code = "malformed_file"


class UnsupportedEncoding(InputError):
    """A file's bytes are not in an encoding cartotech reads (UTF-8)."""

    code = "unsupported_encoding"


class InputTooLarge(InputError):
    """An input is over the size cartotech accepts."""

    status_code = 413
    code = "input_too_large"


class UnsupportedFileType(InputError):
    """An uploaded file is not of a kind cartotech accepts (judged by its bytes)."""

    status_code = 415
    code = "unsupported_file_type"


class InvalidTerritoryId(InputError):
    """A territory id does not have the form ``fr:commune:13055`` or ``group:slug``."""

    code = "invalid_territory_id"


class NotFound(CartotechError):
    """The thing asked for does not exist."""

    status_code = 404
    code = "not_found"


class ConflictError(CartotechError):
    """The write would contradict what the store holds (duplicate key, ...)."""

    status_code = 409
    code = "conflict"


class ProvenanceMissing(InputError):
    """A fact or relation came without its source: the store refuses it."""

    code = "provenance_missing"


class ConfigurationError(CartotechError):
    """A setting is missing or unsafe."""

    code = "configuration_error"
