"""cartotech.mail against a real SMTP server on loopback (aiosmtpd): the message as it
arrives (a long accented Subject in RFC 2047 words of at most 75 characters), the
login, development's log instead of a server, production's refusal, a server that
cannot be reached; and the mail settings production refuses."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from cartotech.errors import ConfigurationError
from cartotech.mail import Letter, MailConfig, Mailer, MailFailed, MailUnavailable
from cartotech.settings import get_settings
from tests.pgcluster import free_port
from tests.web.participation_support import Inbox, SmtpServer, smtp_server

LETTER = Letter(
    to="camille@example.org",
    subject="Confirmez votre signature",
    body="Bonjour,\n\nOuvrez ce lien : https://cartotech.example/signatures/confirm?token=abc\n",
    language="fr",
)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def mailer(server: SmtpServer, **options: object) -> Mailer:
    config = MailConfig(
        host=server.host, port=server.port, starttls=False,
        sender="cartotech <no-reply@cartotech.example>", **options,  # type: ignore[arg-type]
    )  # fmt: skip
    return Mailer(config)


def test_a_letter_arrives_as_utf8_text_with_its_headers(server: SmtpServer) -> None:
    assert mailer(server).send(LETTER) == "sent"
    message = server.inbox.last("camille@example.org")
    assert message["Subject"] == "Confirmez votre signature"
    assert message["From"] == "cartotech <no-reply@cartotech.example>"
    assert message["Content-Language"] == "fr"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@cartotech.example>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n") == LETTER.body


def test_a_long_accented_subject_arrives_with_its_spaces(server: SmtpServer) -> None:
    # Longer than a 78-character line once encoded: Python 3.11 folded it between two
    # encoded words, and the space there was lost ("pasété").
    subject = "Votre présentation de Quillbrook Robotique n'a pas été acceptée, « Été » compris"
    body = "Une ligne très longue, " * 10 + "\n"
    letter = Letter(to="long@example.org", subject=subject, body=body)
    assert mailer(server).send(letter) == "sent"
    message = server.inbox.last("long@example.org")
    assert message["Subject"] == subject
    assert message.get_content().replace("\r\n", "\n") == body
    assert message["Content-Transfer-Encoding"] == "quoted-printable"


# ENCODED_WORD: an RFC 2047 encoded word, "=?charset?B|Q?text?=".
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")


def test_every_encoded_word_of_a_long_accented_subject_fits_rfc_2047(server: SmtpServer) -> None:
    # RFC 2047: an encoded word is at most 75 characters; a Subject on one line made one
    # word of over 300. Spaces near every place a word may end: none may be lost.
    subject = " ".join(["Votre demande sur la fiche de « Société d'études » n'a pas été"] * 3)
    letter = Letter(to="words@example.org", subject=subject, body="x\n")
    assert mailer(server).send(letter) == "sent"
    message = server.inbox.last("words@example.org")
    raw = "\n".join(f"{name}: {value}" for name, value in message.raw_items())
    words = ENCODED_WORD.findall(raw)
    assert max(len(word) for word in words) <= 75, raw
    assert len(words) > 1, raw
    assert message["Subject"] == subject


def test_a_subject_with_a_line_break_is_refused() -> None:
    config = MailConfig(host=None)
    hostile = Letter(to="a@example.org", subject="Hi\r\nBcc: victim@example.org", body="x")
    with pytest.raises(ValueError, match="linefeed|newline|CR|LF"):
        Mailer(config).send(hostile)


class _Accounts:
    """An authenticator accepting one login."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, server: object, session: object, envelope: object, mechanism: str,
                 data: object) -> AuthResult:  # fmt: skip
        assert isinstance(data, LoginPassword)
        self.seen.append(data.login.decode())
        return AuthResult(success=data.password == b"s3cret")


def test_the_mailer_logs_in_when_a_user_is_set() -> None:
    inbox, accounts, port = Inbox(), _Accounts(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=accounts,
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        server = SmtpServer("127.0.0.1", port, inbox)
        assert mailer(server, user="cartotech", password="s3cret").send(LETTER) == "sent"
        assert accounts.seen == ["cartotech"]
        with pytest.raises(MailFailed, match="could not be sent"):
            mailer(server, user="cartotech", password="wrong", timeout=1).send(LETTER)
    finally:
        controller.stop()
    assert len(inbox.to("camille@example.org")) == 1


def test_development_without_a_server_logs_the_message_and_its_link(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="cartotech.mail"):
        assert Mailer(MailConfig(host=None)).send(LETTER) == "logged"
    assert "CARTOTECH_SMTP_HOST" in caplog.text
    assert "https://cartotech.example/signatures/confirm?token=abc" in caplog.text


def test_production_without_a_server_refuses_to_send() -> None:
    config = MailConfig.from_settings(
        get_settings(environment="production", secret_key="k" * 40, smtp_host=None)
    )
    with pytest.raises(MailUnavailable) as caught:
        Mailer(config).send(LETTER)
    assert caught.value.status_code == 503


def test_an_unreachable_server_is_a_clear_error() -> None:
    config = MailConfig(host="127.0.0.1", port=free_port(), starttls=False, timeout=2)
    with pytest.raises(MailFailed, match=r"SMTP server 127\.0\.0\.1:\d+"):
        Mailer(config).send(LETTER)


def test_settings_build_the_config() -> None:
    settings = get_settings(
        smtp_host="mail.example.org", smtp_port=2525, smtp_user="u", smtp_password="p",
        smtp_sender="X <x@example.org>",
    )  # fmt: skip
    config = MailConfig.from_settings(settings)
    assert (config.host, config.port, config.starttls) == ("mail.example.org", 2525, True)
    assert (config.user, config.password, config.sender) == ("u", "p", "X <x@example.org>")
    assert "p" not in repr(settings.smtp_password)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"smtp_host": "mail.example.org"}, "public_url"),
        ({"smtp_host": "mail.example.org", "public_url": "https://c.example",
          "smtp_user": "u", "smtp_starttls": False}, "smtp_starttls"),
        ({"public_url": "cartotech.example"}, "public_url"),
    ],
)  # fmt: skip
def test_production_refuses_unsafe_mail_settings(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        get_settings(environment="production", secret_key="k" * 40, **overrides)
    assert caught.value.field == field
