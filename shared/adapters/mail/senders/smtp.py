"""The SMTP sender: any relay (the ACS SMTP relay ``smtp.azurecomm.net:587``, a corporate relay,
a local test server), one connection per mail, the MIME built by :meth:`OutgoingMail.to_mime`.

Failures map by SMTP reply code: 4xx is transient (the relay says "try later"), 5xx is permanent;
a refused connection, a lost connection or a timeout is transient. The relay's reply text goes
into the error message (it names the problem; it never holds the mail's body).
"""

from __future__ import annotations

import logging
import smtplib
import ssl

from shared.domain.outgoing_mail import OutgoingMail, PermanentSendError, SendError, TransientSendError

_REPLY_TEXT_LIMIT = 200

logger = logging.getLogger(__name__)


class SmtpSender:
    """Sends through ``host:port``: STARTTLS first when ``starttls`` (verifying the relay's
    certificate with ``ssl_context``, the system's trust store by default), then AUTH when a
    ``username`` is given, then the message. ``timeout`` (seconds) bounds every socket
    operation.

    Idempotency is the relay's business: SMTP has no way to tell a relay "you may have this one
    already", so a mail retried after a lost reply to DATA can arrive twice (with the same
    Message-ID, which lets a mail client fold the copies).
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 30.0,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if username is not None and password is None:
            raise ValueError("an SMTP username needs a password")
        self.host = host
        self.port = port
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout
        self._ssl_context = ssl_context

    def send(self, mail: OutgoingMail) -> None:
        """Send ``mail`` in one SMTP session; raise a :class:`SendError` subclass on failure."""
        message = mail.to_mime()
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as session:
                if self._starttls:
                    session.starttls(context=self._ssl_context or ssl.create_default_context())
                if self._username is not None and self._password is not None:
                    session.login(self._username, self._password)
                refused = session.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _recipients_refused(error.recipients, len(mail.to)) from error
        except smtplib.SMTPResponseException as error:
            raise _by_reply_code(error.smtp_code, error.smtp_error) from error
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentSendError(f"the relay does not support what the sender needs: {error}") from error
        except ssl.SSLCertVerificationError as error:
            raise PermanentSendError(f"the relay's certificate is not trusted: {error.verify_message}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(f"SMTP session with {self.host}:{self.port} failed: {error}") from error
        if refused:
            raise _recipients_refused(refused, len(mail.to))
        logger.info("mail %s relayed through %s:%s", mail.message_id, self.host, self.port)


def _by_reply_code(code: int, reply: bytes | str) -> SendError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    description = f"SMTP {code}: {text[:_REPLY_TEXT_LIMIT]}"
    if 400 <= code < 500:
        return TransientSendError(description)
    return PermanentSendError(description)


def _recipients_refused(refused: dict[str, tuple[int, bytes]], recipients: int) -> SendError:
    """All refusals temporary (4xx) and nobody accepted: transient. Otherwise permanent: retrying
    a mail some recipients already took would deliver it to them twice."""
    codes = sorted({code for code, _ in refused.values()})
    description = f"{len(refused)} of {recipients} recipients refused (SMTP {', '.join(map(str, codes))})"
    if len(refused) == recipients and all(400 <= code < 500 for code in codes):
        return TransientSendError(description)
    return PermanentSendError(description)
