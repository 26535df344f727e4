"""Start-up checks (``manage.py check``, ``migrate``, ``runserver``) for the order confirmation e-mail.

It holds the customer's name and addresses: with DEBUG off it must not be printed to the
server log, and it cannot go anywhere without a mail server to send it to.
"""

from django.conf import settings
from django.core.checks import Warning, register

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
WHAT_TO_SET = ("set EMAIL_HOST to your mail server (with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and "
               "EMAIL_USE_TLS as it needs), or EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend "
               "to send no e-mail")


@register()
def email_settings_check(app_configs=None, **kwargs) -> list[Warning]:
    if settings.EMAIL_BACKEND == CONSOLE and not settings.DEBUG:
        return [Warning(
            "EMAIL_BACKEND is the console backend with DEBUG off: every order confirmation, with the customer's "
            "name and addresses, is printed to the server log.",
            hint=f"Unset EMAIL_BACKEND and {WHAT_TO_SET}.", id="events.W001",
        )]
    if settings.EMAIL_BACKEND == SMTP and not settings.EMAIL_HOST:
        return [Warning("EMAIL_HOST is not set: order confirmation e-mails cannot be sent.",
                        hint=WHAT_TO_SET[0].upper() + WHAT_TO_SET[1:] + ".", id="events.W002")]
    return []
