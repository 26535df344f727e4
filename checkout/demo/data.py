"""The demo shop, as tables: what appears in the seed documents, plus enough around it to browse.

Ids that the seed documents send literally (shipment method 1-5, payment method 1,
address 22d78681-…, business unit address 19a55c0d-…, variant 1 the rentable tote)
are kept, so the documents' sample requests work against a fresh demo database.
"""

POSTAL_RULES = {
    # iso2: (regex, mandatory, states required)
    "DE": (r"\d{5}", True, False),
    "US": (r"\d{5}(-\d{4})?", True, True),
    "AT": (r"\d{4}", True, False),
    "CH": (r"\d{4}", True, False),
    "FR": (r"\d{5}", True, False),
    "NL": (r"\d{4} ?[A-Z]{2}", True, False),
    "BE": (r"\d{4}", True, False),
    "PL": (r"\d{2}-\d{3}", True, False),
    "IT": (r"\d{5}", True, False),
    "ES": (r"\d{5}", True, False),
    "DK": (r"\d{4}", True, False),
    "SE": (r"\d{3} ?\d{2}", True, False),
    "CZ": (r"\d{3} ?\d{2}", True, False),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", True, False),
    "CA": (r"[A-Z]\d[A-Z] ?\d[A-Z]\d", True, False),
}

REGIONS = {
    "DE": [
        ("BW", "Baden-Württemberg"), ("BY", "Bayern"), ("BE", "Berlin"), ("BB", "Brandenburg"),
        ("HB", "Bremen"), ("HH", "Hamburg"), ("HE", "Hessen"), ("MV", "Mecklenburg-Vorpommern"),
        ("NI", "Niedersachsen"), ("NW", "Nordrhein-Westfalen"), ("RP", "Rheinland-Pfalz"),
        ("SL", "Saarland"), ("SN", "Sachsen"), ("ST", "Sachsen-Anhalt"), ("SH", "Schleswig-Holstein"),
        ("TH", "Thüringen"),
    ],
    "US": [
        ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
        ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"),
        ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
        ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"),
        ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"),
        ("MN", "Minnesota"), ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"),
        ("NE", "Nebraska"), ("NV", "Nevada"), ("NH", "New Hampshire"), ("NJ", "New Jersey"),
        ("NM", "New Mexico"), ("NY", "New York"), ("NC", "North Carolina"), ("ND", "North Dakota"),
        ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"), ("PA", "Pennsylvania"),
        ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"),
        ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"),
        ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
    ],
}

ZONES = [
    ("EU", "European Union", ["AT", "BE", "CZ", "DE", "DK", "ES", "FR", "IT", "NL", "PL", "SE"]),
    ("North America", "USA + Canada", ["US", "CA"]),
]

STORES = [
    # code, name, currency, price mode, country
    ("DE", "Germany", "EUR", "GROSS_MODE", "DE"),
    ("US", "United States", "USD", "NET_MODE", "US"),
]

TAX_SETS = {
    # name: [(country iso2 or None, rate name, rate)]
    "Standard Taxes": [("DE", "Germany Standard", "19.00"), ("AT", "Austria Standard", "20.00"),
                       ("FR", "France Standard", "20.00"), ("NL", "Netherlands Standard", "21.00"),
                       ("US", "US Sales Tax", "7.25"), (None, "Fallback", "19.00")],
    "Shipment Taxes": [("DE", "Germany Shipment", "19.00"), ("US", "US Shipment", "0.00"),
                       (None, "Fallback", "19.00")],
    "Tax Exempt": [(None, "Tax Exempt", "0.00")],
}

PRODUCT_OPTIONS = [
    # sku, name, tax set, {currency: gross}
    ("OP_insurance", "Two (2) year insurance coverage", "Standard Taxes", {"EUR": 1000, "USD": 1100}),
    ("OP_gift_wrapping", "Gift wrapping", "Standard Taxes", {"EUR": 500, "USD": 500}),
]

# variant id, sku, abstract sku, name, product type, tax set, attributes, image, flags, prices, options
PRODUCTS = [
    dict(id=1, sku="ROR-00011", abstract_sku="ROR-0001", name="Ruby on Rails Tote", product_type="Luggage",
         tax_set="Standard Taxes", attributes={"color": "Black"},
         image="/static/demo/ror_tote.jpeg", is_rentable=True,
         description="A sturdy canvas tote, rented by the day.",
         prices={"USD": (1719, 1599), "EUR": (1599, 1344)}),
    dict(id=2, sku="066_23294028", abstract_sku="066", name="Samsung Galaxy S5 mini", product_type="Smartphone",
         tax_set="Standard Taxes", attributes={"color": "Blue"},
         image="https://images.icecat.biz/img/gallery_mediums/23294028_3275.jpg",
         prices={"EUR": (39353, 33070), "USD": (42900, 39999)}),
    dict(id=3, sku="136_24425591", abstract_sku="136", name="Acer Chromebook C730-C8T7", product_type="Laptop",
         tax_set="Standard Taxes", attributes={},
         image="//images.icecat.biz/img/gallery_mediums/img_24425591_medium_1483525296_3275_9985.jpg",
         options=["OP_insurance"], prices={"EUR": (33265, 27954), "USD": (35900, 32900)}),
    dict(id=4, sku="078_24602396", abstract_sku="078", name="Sony Xperia Z3 Compact", product_type="Smartphone",
         tax_set="Standard Taxes", attributes={"color": "White"},
         image="https://images.icecat.biz/img/norm/medium/24602396-8292.jpg",
         prices={"EUR": (25584, 21499)}),
    dict(id=5, sku="112_312526171", abstract_sku="112", name="Acer Extensa M2610", product_type="Desktop",
         tax_set="Tax Exempt", attributes={"color": "Black", "processor_cache": "3 MB"},
         image="https://images.icecat.biz/img/gallery_mediums/31252617_9321.jpg",
         prices={"EUR": (43723, 43723)}),
    dict(id=6, sku="047_26408568", abstract_sku="047", name="Samsung Galaxy S6", product_type="Smartphone",
         tax_set="Standard Taxes", attributes={"color": "Gold"},
         image="https://images.icecat.biz/img/norm/medium/26408568-7449.jpg",
         prices={"EUR": (5724, 4810), "USD": (6200, 5780)}),
    dict(id=7, sku="GC_050", abstract_sku="GC", name="Gift Card 50", product_type="Gift card",
         tax_set="Tax Exempt", attributes={"value": "50"}, image="", is_gift_card=True,
         prices={"EUR": (5000, 5000), "USD": (5000, 5000)}),
]

# Names and descriptions per locale, picked by Glue's Accept-Language (abstract sku: {locale: (name, description)}).
PRODUCT_TRANSLATIONS = {
    "ROR-0001": {"de_DE": ("Ruby-on-Rails-Tasche", "Eine robuste Canvas-Tasche, tageweise gemietet."),
                 "en_US": ("Ruby on Rails Tote", "A sturdy canvas tote, rented by the day.")},
    "066": {"de_DE": ("Samsung Galaxy S5 mini, Blau", "Kompaktes Smartphone mit 4,5-Zoll-Display."),
            "en_US": ("Samsung Galaxy S5 mini", "A compact smartphone with a 4.5-inch display.")},
    "136": {"de_DE": ("Acer Chromebook C730-C8T7 (11,6 Zoll)", "Robustes Chromebook für Schule und Büro."),
            "en_US": ("Acer Chromebook C730-C8T7", "A rugged Chromebook for school and office.")},
    "GC": {"de_DE": ("Geschenkgutschein 50", "Ein Gutschein über 50."),
           "en_US": ("Gift Card 50", "A gift card worth 50.")},
}

STOCK_LOCATIONS = [
    # name, country, city, default, zipcodes, {sku: count}; stores: see LOCATION_STORES
    ("Warehouse Berlin", "DE", "Berlin", True, [],
     {"066_23294028": 100, "136_24425591": 60, "078_24602396": 40, "112_312526171": 25, "047_26408568": 200}),
    ("Los Angeles", "US", "Los Angeles", False, ["90024", "90025", "90049", "90064"],
     {"ROR-00011": 10, "066_23294028": 20, "136_24425591": 15, "047_26408568": 30}),
    ("New York", "US", "New York", False, ["10001", "10011", "10014"], {"ROR-00011": 5}),
]
NEVER_OUT_OF_STOCK = ["GC_050"]
LOCATION_STORES = {"Warehouse Berlin": ["DE"], "Los Angeles": ["US"], "New York": ["US"]}

CARRIERS = ["Spryker Dummy Shipment", "Spryker Drone Shipment", "UPS"]

SHIPMENT_METHODS = [
    # id, key, carrier, name, {currency: (gross, net)}, tax set, zone, store, delivery days
    (1, "spryker_dummy_shipment-standard", "Spryker Dummy Shipment", "Standard", {"EUR": (490, 412)},
     "Shipment Taxes", "EU", "DE", None),
    (2, "spryker_dummy_shipment-express", "Spryker Dummy Shipment", "Express", {"EUR": (590, 496)},
     "Shipment Taxes", "EU", "DE", None),
    (3, "spryker_drone_shipment-air_standard", "Spryker Drone Shipment", "Air Standard", {"EUR": (500, 420)},
     "Shipment Taxes", "EU", "DE", None),
    (4, "spryker_drone_shipment-air_sonic", "Spryker Drone Shipment", "Air Sonic", {"EUR": (1000, 840)},
     "Shipment Taxes", "EU", "DE", None),
    (5, "spryker_drone_shipment-air_light", "Spryker Drone Shipment", "Air Light", {"EUR": (1500, 1261)},
     "Shipment Taxes", "EU", "DE", None),
    # The rental store has one method, so Spree's delivery step is skipped (seed 004).
    (6, "ups-ground", "UPS", "UPS Ground (USD)", {"USD": (500, 500)}, "Shipment Taxes", "North America", "US", 5),
]

CARD_FIELDS = [
    "paymentMethod", "paymentProvider", "dummyPaymentCreditCard.cardType", "dummyPaymentCreditCard.cardNumber",
    "dummyPaymentCreditCard.nameOnCard", "dummyPaymentCreditCard.cardExpiresMonth",
    "dummyPaymentCreditCard.cardExpiresYear", "dummyPaymentCreditCard.cardSecurityCode",
]
PAYMENT_METHODS = [
    # id, provider, name, plugin, required request data
    (1, "DummyPayment", "credit card", "dummy_credit_card", CARD_FIELDS),
    (2, "DummyPayment", "invoice", "dummy_invoice",
     ["paymentMethod", "paymentProvider", "dummyPaymentInvoice.dateOfBirth"]),
    (3, "DummyExternalPayment", "redirect", "external_redirect", ["paymentMethod", "paymentProvider"]),
    (4, "Manual", "manual", "manual", ["paymentMethod", "paymentProvider"]),
]

CUSTOMERS = [
    dict(reference="DE--1", email="spencor.hopkin@spryker.com", salutation="Mr", first_name="Spencor",
         last_name="Hopkin", addresses=[
             dict(uuid="22d78681-9885-5b47-8916-42f9e72b29ff", salutation="Mr", first_name="spencor",
                  last_name="hopkin", address1="West road", address2="212", zip_code="61000", city="Berlin",
                  country="DE", company="Spryker", phone="+380669455897"),
             dict(uuid="676943eb-536a-5645-937c-0f7662ae9065", salutation="Mr", first_name="spencor",
                  last_name="hopkin", address1="Julie-Wolfthorn-Straße", address2="1", zip_code="10115",
                  city="Berlin", country="DE", company="Spryker", phone="+49 (30) 2084 98350",
                  is_default_billing=True, is_default_shipping=True),
         ]),
    dict(reference="DE--2", email="sonia@spryker.com", salutation="Mrs", first_name="Sonia", last_name="Wagner",
         addresses=[
             dict(uuid="f4cfa794-3c5d-58b9-8485-20d52c541d1d", salutation="Mrs", first_name="Sonia",
                  last_name="Wagner", address1="Julie-Wolfthorn-Straße", address2="1", address3="Sonia's address",
                  zip_code="10115", city="Berlin", country="DE", company="spryker", phone="+49 (30) 2084 98350",
                  is_default_billing=True, is_default_shipping=True),
         ]),
    dict(reference="US--1", email="john.doe@example.com", salutation="Mr", first_name="John", last_name="Doe",
         addresses=[
             dict(uuid="a8c3d2f0-6f3e-4d5b-9a0c-2b7e1f4d9c11", first_name="John", last_name="Doe",
                  address1="7735 Old Georgetown Road", zip_code="20814", city="Bethesda", country="US",
                  region="MD", phone="3014445002", is_default_billing=True, is_default_shipping=True),
         ]),
]
CUSTOMER_PASSWORD = "change123"
# API keys (Spree's X-Spree-Token), printed by seed_demo: the US customer who rents the tote.
API_KEYS = {"john.doe@example.com": "demo0api0key0john0doe000000000000000001"}

COMPANY = dict(
    name="Spryker Systems GmbH", unit="Spryker Systems HR department", member="sonia@spryker.com",
    address=dict(uuid="19a55c0d-7bf0-580c-a9e8-6edacdc1ecde", first_name="Sonia", last_name="Wagner",
                 company="Spryker Systems GmbH", address1="Julie-Wolfthorn-Straße", address2="1",
                 zip_code="10115", city="Berlin", country="DE", phone="+49 (30) 2084 98350"),
)

CARTS = [
    dict(uuid="fe6969e9-09aa-5183-b911-0a9218ed21bb", store="DE", customer="spencor.hopkin@spryker.com",
         name="My Cart", items={"136_24425591": 2}),
    dict(uuid="033ee1ad-c3e9-5d2e-816f-23ff38a58d6d", store="DE", anonymous_id="demo-guest-0001",
         name="Guest cart", items={"066_23294028": 1, "078_24602396": 1}),
]

# Placed orders, so that the backoffice has something to run. `after` is what happened next.
ORDERS = [
    dict(store="DE", customer="spencor.hopkin@spryker.com", items={"066_23294028": 1}, method=1,
         payment=("DummyPayment", "invoice"), after="authorized"),
    dict(store="DE", customer="sonia@spryker.com", items={"136_24425591": 1, "047_26408568": 2}, method=2,
         payment=("DummyPayment", "credit card"), after="shipped"),
    dict(store="US", customer="john.doe@example.com", items={"ROR-00011": 1}, method=6,
         payment=("DummyPayment", "credit card"), after="canceled",
         rental=(10, 13, "90025")),  # days from today
]

CART_RULES = [
    dict(name="Free standard delivery", kind="free_shipping", percentage=None,
         description="Free standard delivery for all orders above certain value depending on the currency and "
                     "net/gross price. This discount is not exclusive and can be combined with other discounts.",
         minimums={"EUR": 5000}, amounts={}, methods=["spryker_dummy_shipment-standard"], priority=10,
         requires_voucher=False),
    dict(name="10% Discount for all orders above", kind="percentage", percentage="10.00",
         description="Get a 10% discount on all orders above certain value depending on the currency and "
                     "net/gross price. This discount is not exclusive and can be combined with other discounts.",
         minimums={"EUR": 10000, "USD": 10000}, amounts={}, methods=[], priority=20, requires_voucher=False),
    dict(name="€5 off with a voucher", kind="fixed", percentage=None,
         description="€5 off your order with a voucher code. Can be combined with other discounts.",
         minimums={"EUR": 0}, amounts={"EUR": 500}, methods=[], priority=30, requires_voucher=True),
]
VOUCHERS = [dict(code="SAVE5", rule="€5 off with a voucher", max_uses=None)]
# The guest cart carries the voucher; "My Cart" keeps the contents of the seed's order DE--3.
CART_VOUCHERS = {"033ee1ad-c3e9-5d2e-816f-23ff38a58d6d": ["SAVE5"]}
CARD = {"cardType": "visa", "cardNumber": "4111111111111111", "cardExpiresMonth": "12", "cardSecurityCode": "123"}

STAFF_USERNAME = "admin"
STAFF_PASSWORD = "admin"
