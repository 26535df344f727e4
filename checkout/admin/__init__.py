"""The order backoffice: the order page with its staff actions and the order list with its CSV
export (orders), and the records around orders (records)."""

from checkout.admin import records  # noqa: F401 - registers the record admins
from checkout.admin.orders import OrderAdmin

__all__ = ["OrderAdmin"]
