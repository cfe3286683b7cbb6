"""The interface messages: French and English say the same things."""

from __future__ import annotations

import string

from cartotech.web.i18n import LANGUAGES, translator


def placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field}


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    catalogs = {lang: translator(lang).messages for lang in LANGUAGES}
    french = catalogs["fr"]
    for lang, messages in catalogs.items():
        differing = set(messages) ^ set(french)
        assert differing == set(), f"{lang} and fr differ in {sorted(differing)}"
        for key, message in messages.items():
            assert placeholders(message) == placeholders(french[key]), f"{lang}: {key}"
