"""The cart's business errors.

``CartNotFound`` (Glue's 1103) and ``PriceMissing`` (``currency_mismatch``) carry the same
codes as ``checkout.exceptions.CartNotFound`` and ``CurrencyMismatch``: carts may not import
checkout, so they are declared here as well.
"""

from core.errors import DomainError, NotFound

MAX_QUANTITY = 10_000


class CartNotFound(NotFound):
    """No such cart, or not the caller's (never say which)."""

    code = "1103"
    default_detail = "Cart not found."


class CartOwnerInvalid(DomainError):
    """A cart belongs to a registered customer or to a guest: exactly one must be given."""

    code = "cart_owner_invalid"
    status = 400
    default_detail = "A cart belongs to a customer or to a guest: give exactly one of them."


class CartAttributeInvalid(DomainError):
    """A cart attribute (currency, price mode, name) cannot be used; ``field`` names it."""

    code = "cart_attribute_invalid"
    default_detail = "This cart attribute is invalid."


class QuantityInvalid(DomainError):
    code = "quantity_invalid"
    field = ("quantity",)
    default_detail = f"The quantity must be a whole number from 1 to {MAX_QUANTITY}."


class ItemNotAvailable(DomainError):
    """The sku does not exist or is not sold (Spryker answers 422 "Product not found")."""

    code = "item_not_available"
    field = ("sku",)
    default_detail = "This product is not available."


class PriceMissing(DomainError):
    """The item has no price in the cart's currency and price mode."""

    code = "currency_mismatch"
    field = ("sku",)
    default_detail = "This item has no price in the cart's currency."


class ItemNotInCart(NotFound):
    code = "item_not_in_cart"
    field = ("sku",)
    default_detail = "This item is not in the cart."


class VoucherNotInCart(NotFound):
    code = "voucher_not_in_cart"
    field = ("code",)
    default_detail = "This voucher code is not applied to the cart."


class ShippingGroupNotFound(NotFound):
    code = "shipping_group_not_found"
    default_detail = "Cart shipping group not found."


class ShippingTypeUnknown(DomainError):
    """A shipping group names a shipment method the cart's store does not offer."""

    code = "shipping_type_unknown"
    status = 400
    field = ("method_id",)
    default_detail = "There is no such shipment method in this store."


class ShippingGroupInUse(DomainError):
    code = "shipping_group_in_use"
    status = 400
    default_detail = ("Cannot delete shipping groups attached to cart items. Please remove the shipping group "
                      "from its cart items and try again.")
