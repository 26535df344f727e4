"""What a Spree storefront reads to build its requests: products and variants (with Spree's
``q[...]`` search), countries and their states."""

from django.db.models import Prefetch, Q
from rest_framework.response import Response

from api.spree.documents import country_json, product_json, state_json, stock_for, variant_json
from api.spree.requests import SpreeParamsInvalid
from api.spree.views.base import SpreeView, spree_store
from catalog.models import Price, Product, Variant
from core.errors import NotFound
from customers.models import Country

PER_PAGE, MAX_PER_PAGE = 25, 100

# Spree's ransack predicates we answer; unknown ones are ignored, as Spree ignores unlisted attributes.
PRODUCT_SEARCH = {"name_cont": "name__icontains", "name_eq": "name__iexact", "slug_eq": "slug",
                  "sku_eq": "variants__sku", "sku_cont": "variants__sku__icontains", "id_eq": "pk"}
VARIANT_SEARCH = {"sku_eq": "sku", "sku_cont": "sku__icontains", "name_cont": "product__name__icontains",
                  "product_id_eq": "product_id", "id_eq": "pk", "is_master_eq": "is_master"}


def _search(request, allowed: dict[str, str]) -> Q:
    condition = Q()
    for name, value in request.query_params.items():
        if not (name.startswith("q[") and name.endswith("]")):
            continue
        lookup = allowed.get(name[2:-1])
        if lookup is None or value == "":
            continue
        if lookup in ("pk", "product_id") and not value.isdigit():
            return Q(pk__in=[])
        if lookup == "is_master":
            value = value in ("1", "true", "True")
        condition &= Q(**{lookup: value[:255] if isinstance(value, str) else value})
    return condition


def _page(request, total: int) -> tuple[int, int, int]:
    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name, "")
        if raw == "":
            return default
        if not raw.isdigit() or not 1 <= int(raw) <= 10**6:
            raise SpreeParamsInvalid(f"{name} must be a whole number from 1.", pointer=f"/{name}")
        return int(raw)

    per_page = min(number("per_page", PER_PAGE), MAX_PER_PAGE)
    page = number("page", 1)
    pages = max((total + per_page - 1) // per_page, 1)
    return page, per_page, pages


def _variants_with_prices(store):
    return Variant.objects.select_related("product").prefetch_related(
        Prefetch("prices", queryset=Price.objects.filter(currency=store.default_currency)))


class ProductsView(SpreeView):
    def get(self, request):
        store = spree_store()
        products = (Product.objects.filter(is_active=True, variants__prices__currency=store.default_currency)
                    .filter(_search(request, PRODUCT_SEARCH)).distinct().order_by("pk"))
        total = products.count()
        page, per_page, pages = _page(request, total)
        shown = list(products.prefetch_related(
            Prefetch("variants", queryset=_variants_with_prices(store).filter(is_active=True)))
            [(page - 1) * per_page: page * per_page])
        in_stock = stock_for([v for p in shown for v in p.variants.all()], store)
        return Response({"products": [product_json(p, store=store, in_stock=in_stock) for p in shown],
                         "count": len(shown), "total_count": total, "current_page": page, "per_page": per_page,
                         "pages": pages})


class ProductView(SpreeView):
    def get(self, request, product_id: str):
        store = spree_store()
        lookup = {"pk": int(product_id)} if product_id.isdigit() and len(product_id) < 18 else {"slug": product_id}
        product = (Product.objects.filter(is_active=True, **lookup)
                   .prefetch_related(Prefetch("variants", queryset=_variants_with_prices(store).filter(is_active=True)))
                   .first())
        if product is None:
            raise NotFound()
        return Response(product_json(product, store=store, in_stock=stock_for(list(product.variants.all()), store)))


class VariantsView(SpreeView):
    def get(self, request):
        store = spree_store()
        variants = (_variants_with_prices(store)
                    .filter(is_active=True, product__is_active=True, prices__currency=store.default_currency)
                    .filter(_search(request, VARIANT_SEARCH)).distinct().order_by("pk"))
        total = variants.count()
        page, per_page, pages = _page(request, total)
        shown = list(variants[(page - 1) * per_page: page * per_page])
        in_stock = stock_for(shown, store)
        return Response({"variants": [variant_json(v, store=store, in_stock=in_stock.get(v.pk, False)) for v in shown],
                         "count": len(shown), "total_count": total, "current_page": page, "pages": pages})


class CountriesView(SpreeView):
    def get(self, request):
        countries = Country.objects.order_by("name")
        total = countries.count()
        page, per_page, pages = _page(request, total) if "per_page" in request.query_params else (1, total, 1)
        shown = countries[(page - 1) * per_page: page * per_page] if total else []
        return Response({"countries": [country_json(c) for c in shown], "count": len(shown),
                         "current_page": page, "pages": pages})


def _country(country_id: str) -> Country:
    country = Country.objects.filter(pk=int(country_id)).first() if country_id.isdigit() and len(country_id) < 18 \
        else Country.objects.filter(iso2_code=country_id.upper()).first() if len(country_id) == 2 else None
    if country is None:
        raise NotFound()
    return country


class CountryView(SpreeView):
    def get(self, request, country_id: str):
        country = _country(country_id)
        return Response({**country_json(country), "states": [state_json(r) for r in country.regions.order_by("name")]})


class StatesView(SpreeView):
    def get(self, request, country_id: str):
        country = _country(country_id)
        states = [state_json(r) for r in country.regions.order_by("name")]
        return Response({"states": states, "count": len(states), "current_page": 1, "pages": 1,
                         "states_required": country.states_required})
