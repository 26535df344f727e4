from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Order events and webhooks"

    def ready(self):
        from events import checks, recording  # noqa: F401  (registers the e-mail check; connects the outbox receivers)
