"""Email: the confirmation links, invitations and notices cartotech sends, through SMTP.

Standard library only: :mod:`email.message` builds the message (UTF-8 plain
text, headers encoded by the library, a non-ASCII Subject by
:class:`email.header.Header`) and :mod:`smtplib` sends it, switching to TLS
with STARTTLS and logging in when configured.

Without an SMTP server (``CARTOTECH_SMTP_HOST`` unset):

- in **development** :meth:`Mailer.send` writes the whole message, links
  included, to the ``cartotech.mail`` logger (the terminal of ``make demo``),
  and answers ``"logged"``: a developer follows the link from there;
- in **production** it raises :class:`MailUnavailable` (503): a confirmation
  link must not end up in a log file, and the person is told the site cannot
  send email rather than waiting for one.

Sending is done after the write it announces is committed; a failure raises
:class:`MailFailed` (the pending row is harmless: never counted, it expires).
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import UnstructuredHeader
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Literal

from cartotech.errors import CartotechError

if TYPE_CHECKING:
    from cartotech.settings import Settings

__all__ = ["Letter", "MailConfig", "MailFailed", "MailUnavailable", "Mailer", "compose"]

logger = logging.getLogger("cartotech.mail")


class MailUnavailable(CartotechError):
    """The site has no SMTP server configured, and may not fall back to its log."""

    status_code = 503
    code = "mail_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "this site cannot send email yet (no SMTP server configured): ask its "
            "administrator to set CARTOTECH_SMTP_HOST",
            field=None,
        )


class MailFailed(CartotechError):
    """The SMTP server refused the message or could not be reached."""

    status_code = 503
    code = "mail_failed"


@dataclass(frozen=True)
class MailConfig:
    """Where and how to send (see the ``CARTOTECH_SMTP_*`` settings)."""

    host: str | None
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    sender: str = "cartotech <no-reply@localhost>"
    timeout: float = 10.0
    #: Without a host, log the message instead of refusing (development).
    log_without_host: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> MailConfig:
        from cartotech.settings import Environment

        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host=settings.smtp_host or None,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            user=settings.smtp_user or None,
            password=password,
            sender=settings.smtp_sender,
            timeout=settings.smtp_timeout,
            log_without_host=settings.environment is Environment.DEVELOPMENT,
        )


@dataclass(frozen=True)
class Letter:
    """One message: plain text, one recipient."""

    to: str
    subject: str
    body: str
    language: str = "fr"


# A line of encoded words: each RFC 2047 word is at most 75 characters, after a space.
_ENCODED_LINE = 76


class _HeaderPolicy(email.policy.EmailPolicy):
    """The default policy, except that a non-ASCII unstructured header (the Subject) is
    encoded by :class:`email.header.Header`: words of at most 75 characters, each
    carrying its own spaces. Python 3.11's folder splits such a header between two
    encoded words with the space outside them, where readers drop it ("n'a pas été"
    arrived as "n'a pasété"; CPython gh-92081); unfolded, it made one word of any length.
    """

    def fold(self, name: str, value: str) -> str:
        if not _encoded_by_header(value):
            return super().fold(name, value)
        words = Header(str(value), "utf-8", _ENCODED_LINE, name).encode(linesep=self.linesep)
        return f"{name}: {words}{self.linesep}"

    def fold_binary(self, name: str, value: str) -> bytes:
        if not _encoded_by_header(value):
            return super().fold_binary(name, value)
        return self.fold(name, value).encode("ascii")


def _encoded_by_header(value: str) -> bool:
    # Address headers keep the library's folding: an address must not be encoded.
    return isinstance(value, UnstructuredHeader) and not str(value).isascii()


_POLICY = _HeaderPolicy()


def compose(letter: Letter, sender: str) -> EmailMessage:
    """The MIME message of ``letter`` (UTF-8 text; header values checked by the library,
    which refuses line breaks in them)."""
    message = EmailMessage(policy=_POLICY)  # the body in 76-character lines
    message["From"] = sender
    message["To"] = letter.to
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(letter.body)
    message["Content-Language"] = letter.language  # after set_content, which resets Content-*
    return message


class Mailer:
    """Sends letters with one configuration (one SMTP connection per message)."""

    def __init__(self, config: MailConfig) -> None:
        self.config = config

    def send(self, letter: Letter) -> Literal["sent", "logged"]:
        """Send ``letter``: ``"sent"`` through SMTP, or ``"logged"`` (development without
        a server); :class:`MailUnavailable` or :class:`MailFailed` otherwise."""
        config = self.config
        message = compose(letter, config.sender)
        if not config.host:
            if not config.log_without_host:
                raise MailUnavailable()
            # The text as written (not its MIME encoding): links can be copied from it.
            logger.warning(
                "no SMTP server configured (CARTOTECH_SMTP_HOST): this email was not sent, "
                "here it is:\nTo: %s\nSubject: %s\n\n%s",
                letter.to,
                letter.subject,
                letter.body,
            )
            return "logged"
        try:
            with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
                if config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.user:
                    smtp.login(config.user, config.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            logger.error("sending an email through %s:%s failed: %s", config.host, config.port, exc)
            raise MailFailed(
                f"the email could not be sent (SMTP server {config.host}:{config.port}: "
                f"{exc.__class__.__name__}); try again in a few minutes"
            ) from None
        return "sent"
