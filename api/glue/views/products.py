"""GET /concrete-products/{sku} and its availabilities: what a storefront shows before the cart."""

from django.conf import settings
from rest_framework.response import Response

from api.glue.documents import resource
from api.glue.views.auth import GlueView
from catalog.selectors import store_by_code, variant_for_sale, variant_text_for
from core.money import CURRENCIES
from shipping.selectors import stock_location_ids_for, variant_availability

CURRENCY_NAMES = {"EUR": "Euro", "USD": "US Dollar", "GBP": "Pound Sterling", "CHF": "Swiss Franc"}


def price_attributes(price) -> dict:
    symbol = CURRENCIES.get(price.currency, (2, price.currency))[1].strip()
    return {"priceTypeName": "DEFAULT", "netAmount": price.net_amount, "grossAmount": price.gross_amount,
            "currency": {"code": price.currency, "name": CURRENCY_NAMES.get(price.currency, price.currency),
                         "symbol": symbol}}


class ConcreteProductView(GlueView):
    def get(self, request, sku):
        variant = variant_for_sale(sku=sku, with_translations=True)
        product = variant.product
        # Accept-Language picks a translated name and description where the catalog has one.
        title, description = variant_text_for(variant=variant, accept_language=request.headers.get("Accept-Language"))
        attributes = {
            "sku": variant.sku, "isDiscontinued": False, "discontinuedNote": None, "averageRating": None,
            "reviewCount": 0, "productAbstractSku": product.abstract_sku, "name": title,
            "description": description, "attributes": {**product.attributes, **variant.attributes},
            "superAttributesDefinition": sorted(variant.attributes), "metaTitle": title,
            "metaKeywords": product.product_type, "metaDescription": description,
            "attributeNames": {name: name.replace("_", " ").title() for name in variant.attributes},
            "isRentable": product.is_rentable, "isGiftCard": product.is_gift_card,
            "prices": [price_attributes(p) for p in variant.prices.all()],
        }
        return Response({"data": resource(request, "concrete-products", variant.sku, attributes)})


class ConcreteProductAvailabilitiesView(GlueView):
    def get(self, request, sku):
        variant = variant_for_sale(sku=sku)
        store = store_by_code(code=settings.GLUE_STORE)
        stock = variant_availability(variant_ids=[variant.pk], location_ids=stock_location_ids_for(store=store))
        available = stock[variant.pk]
        attributes = {"isNeverOutOfStock": available.is_never_out_of_stock, "availability": available.is_available,
                      "quantity": f"{available.quantity:.10f}"}
        path = f"/concrete-products/{variant.sku}/concrete-product-availabilities"
        return Response({"data": [resource(request, "concrete-product-availabilities", variant.sku, attributes,
                                           self_path=path)],
                         "links": {"self": request.build_absolute_uri(path)}})
