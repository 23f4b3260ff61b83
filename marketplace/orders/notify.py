"""Notifications through a pluggable notifier: email over SMTP when MAIL_SERVER is set, the log
otherwise. Called after the transaction commits, never inside it."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("marketplace.notify")


class LogNotifier:
    def send(self, to_email: str | None, subject: str, body: str) -> None:
        log.info("notify to=%s subject=%s\n%s", to_email or "-", subject, body)


class SmtpNotifier:
    def __init__(self, config):
        self.config = config

    def send(self, to_email: str | None, subject: str, body: str) -> None:
        if not to_email:
            return LogNotifier().send(to_email, subject, body)
        message = EmailMessage()
        message["From"] = self.config.get("MAIL_FROM") or "noreply@localhost"
        message["To"] = to_email
        message["Subject"] = subject
        message.set_content(body)
        try:
            with smtplib.SMTP(self.config["MAIL_SERVER"], int(self.config.get("MAIL_PORT") or 587), timeout=10) as smtp:
                if self.config.get("MAIL_USE_TLS", True):
                    smtp.starttls()
                if self.config.get("MAIL_USERNAME"):
                    smtp.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            # A mail outage must not undo an order; the log keeps the message.
            log.exception("mail to %s failed", to_email)
            LogNotifier().send(to_email, subject, body)


def notifier():
    """The configured notifier; tests may set app.extensions['notifier'] to capture messages."""
    custom = current_app.extensions.get("notifier")
    if custom is not None:
        return custom
    if current_app.config.get("MAIL_SERVER"):
        return SmtpNotifier(current_app.config)
    return LogNotifier()
