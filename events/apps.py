from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Order events and webhooks"

    def ready(self):
        from events import recording  # noqa: F401  (connects the receivers that write the outbox)
