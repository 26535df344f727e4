"""Reading admin pages the way a browser does: URLs, the form a page would post, its messages."""

import re
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from checkout.models import Order


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def demo_order(number: int) -> Order:
    """The seed's orders: 1 complete and authorized (DE), 2 shipped (DE), 3 canceled (US)."""
    return Order.objects.get(external_ref=f"demo-order-{number}")


def staff_with(*perms: str):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "clerk-password-123", is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


class FormFields(HTMLParser):
    """What a browser posts from the form with the given id: inputs, selects, textareas."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.in_form, self.data = form_id, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or not (name := attrs.get("name", self.select)):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.data.setdefault(name, []).append(attrs.get("value", ""))
            elif "checked" in attrs:
                self.data.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "select":
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and "selected" in attrs:
            self.data[name].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.data[self.textarea][-1] = self.data[self.textarea][-1].removeprefix("\n")
            self.textarea = None


def form_data(client, url: str, model) -> dict[str, list[str]]:
    """The admin form of ``url`` as it would be posted unchanged, inline management forms included."""
    response = client.get(url)
    assert response.status_code == 200
    parser = FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    return parser.data


def transition_buttons(response) -> set[str]:
    """The staff action buttons of an order page, by action name ("cancel", "ship", "capture" …)."""
    return set(re.findall(r'data-action="([^"]+)"', response.content.decode()))


def action_url(order: Order, action: str, target=None) -> str:
    if target is None:
        return reverse("admin:checkout_order_action", args=[order.pk, action])
    return reverse("admin:checkout_order_target_action", args=[order.pk, action, target.pk])


def act(client, order: Order, action: str, target=None, **data):
    """Confirm an order page's action as staff do: the confirmation page, then its form posted."""
    return client.post(action_url(order, action, target), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def form_errors(response) -> dict:
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def found(client, model, query: str) -> list:
    """The rows the changelist's search box finds for ``query``."""
    response = client.get(admin_url(model, "changelist"), {"q": query})
    assert response.status_code == 200
    return sorted(response.context["cl"].result_list, key=lambda obj: obj.pk)
