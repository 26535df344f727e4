"""Order events in the admin: read-only, with where each was delivered.

``OrderEventInline`` is for the order page (``checkout/admin``'s owner adds it to the
order admin's ``inlines``): each event of the order, when, and how its webhooks fared.
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin_display import ViewOnlyAdminMixin
from events.models import DeliveryState, OrderEvent, WebhookDelivery


def deliveries_summary(event: OrderEvent) -> str:
    deliveries = list(event.deliveries.all())
    if not deliveries:
        return "queued" if event.dispatched_at is None else "no endpoints"
    return format_html_join(", ", "{} ({})", ((d.url, _state(d)) for d in deliveries))


def _state(delivery: WebhookDelivery) -> str:
    if delivery.state == DeliveryState.DELIVERED:
        return f"delivered after {delivery.attempts} attempt{'s' if delivery.attempts != 1 else ''}"
    if delivery.state == DeliveryState.FAILED:
        return f"gave up after {delivery.attempts} attempts: {delivery.last_error}"
    if delivery.attempts:
        return f"retrying, {delivery.attempts} failed: {delivery.last_error}"
    return "pending"


class WebhookDeliveryInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    fields = ["url", "state", "attempts", "last_status", "last_error", "next_attempt_at", "delivered_at"]
    readonly_fields = fields


@admin.register(OrderEvent)
class OrderEventAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "type", "order_link", "deliveries"]
    list_filter = ["type", "deliveries__state", "created_at"]
    search_fields = ["order__reference", "order__number", "uuid"]
    date_hierarchy = "created_at"
    list_select_related = ["order"]
    fields = ["uuid", "type", "order_link", "created_at", "dispatched_at", "payload"]
    readonly_fields = fields
    inlines = [WebhookDeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("deliveries", queryset=WebhookDelivery.objects.order_by("pk")))

    @admin.display(description="order", ordering="order__reference")
    def order_link(self, event: OrderEvent):
        url = reverse("admin:checkout_order_change", args=[event.order_id])
        return format_html('<a href="{}">{}</a>', url, event.order)

    @admin.display(description="webhooks")
    def deliveries(self, event: OrderEvent):
        return deliveries_summary(event)


class OrderEventInline(ViewOnlyAdminMixin, admin.TabularInline):
    """The order's events, oldest first, and where each was delivered."""

    model = OrderEvent
    extra = 0
    ordering = ["created_at", "id"]
    fields = ["created_at", "type", "event_link", "deliveries"]
    readonly_fields = fields
    verbose_name = "event"
    verbose_name_plural = "events (webhooks)"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("deliveries", queryset=WebhookDelivery.objects.order_by("pk")))

    @admin.display(description="event id")
    def event_link(self, event: OrderEvent):
        return format_html('<a href="{}">{}</a>', reverse("admin:events_orderevent_change", args=[event.pk]),
                           event.uuid)

    @admin.display(description="webhooks")
    def deliveries(self, event: OrderEvent):
        return deliveries_summary(event)
