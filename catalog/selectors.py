from catalog.exceptions import ProductNotFound
from catalog.models import Store, Variant


def variant_for_sale(*, sku: str) -> Variant:
    """An active variant with its product and prices, by sku; ProductNotFound otherwise."""
    variant = (Variant.objects.select_related("product").prefetch_related("prices")
               .filter(sku=sku, is_active=True, product__is_active=True).first())
    if variant is None:
        raise ProductNotFound(meta={"sku": sku})
    return variant


def store_by_code(*, code: str) -> Store:
    return Store.objects.select_related("country").get(code=code)
