"""The interface language: French (default) or English.

Messages live in ``locales/{fr,en}.yaml`` (data, not code). The language of a
request is, in order: ``?lang=``, the ``lang`` cookie set by the switch, the
browser's Accept-Language, then French.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from starlette.requests import Request

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "request_language", "Translator", "translator"]

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
COOKIE = "lang"


@cache
def _catalog(lang: str) -> dict[str, str]:
    text = (resources.files("cartotech.web") / "locales" / f"{lang}.yaml").read_text("utf-8")
    data: dict[str, str] = yaml.safe_load(text)
    return data


def request_language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


class Translator:
    """``t("key", n=3)``: the message in the language, formatted; the key if missing."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = _catalog(lang)
        self.fallback = _catalog(DEFAULT_LANGUAGE)

    def __call__(self, key: str, **values: Any) -> str:
        message = self.messages.get(key) or self.fallback.get(key) or key
        return message.format(**values) if values else message


@cache
def translator(lang: str) -> Translator:
    return Translator(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
