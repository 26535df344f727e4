"""/customers/{reference}/addresses[/{uuid}] (Glue): a customer's address book, with Spryker's
"Manage customer addresses" bodies; postal rules per country; one default of each kind."""

import pytest

from customers.models import Address

pytestmark = pytest.mark.usefixtures("shop")

SPENCOR_ADDRESSES = "/customers/DE--1/addresses"
ADDRESS_KEYS = {"salutation", "firstName", "lastName", "address1", "address2", "address3", "zipCode", "city",
                "country", "iso2Code", "company", "phone", "isDefaultShipping", "isDefaultBilling", "region"}
# Spryker's "Add an address" request sample.
NEW_ADDRESS = {"customer_reference": "DE--1", "salutation": "Mr", "firstName": "Spencor", "lastName": "Hopkin",
               "address1": "Third, 33, 11", "address2": "b", "address3": "aaa", "zipCode": "12312", "city": "Berlin",
               "country": "Germany", "iso2Code": "DE", "phone": "22111-3-4-5", "isDefaultShipping": False,
               "isDefaultBilling": False}


@pytest.fixture
def login(glue):
    def token_for(email: str) -> dict:
        response = glue.post("/access-tokens", {"data": {"type": "access-tokens",
                                                         "attributes": {"username": email, "password": "change123"}}})
        return {"Authorization": f"Bearer {response.json()['data']['attributes']['accessToken']}"}

    return token_for


@pytest.fixture
def spencor(login):
    return login("spencor.hopkin@spryker.com")


def body(**attributes) -> dict:
    return {"data": {"type": "addresses", "attributes": attributes}}


def error_of(response) -> dict:
    (error,) = response.json()["errors"]
    return error


def defaults_of(customer_reference: str) -> dict:
    rows = Address.objects.filter(customer__reference=customer_reference)
    return {"billing": [str(a.uuid) for a in rows if a.is_default_billing],
            "shipping": [str(a.uuid) for a in rows if a.is_default_shipping]}


def test_a_customer_lists_their_addresses(glue, spencor):
    response = glue.get(SPENCOR_ADDRESSES, **spencor)
    assert response.status_code == 200
    body_ = response.json()
    assert [a["id"] for a in body_["data"]] == ["22d78681-9885-5b47-8916-42f9e72b29ff",
                                                "676943eb-536a-5645-937c-0f7662ae9065"]
    first = body_["data"][0]
    assert first["type"] == "addresses" and set(first["attributes"]) == ADDRESS_KEYS
    assert first["attributes"] == {
        "salutation": "Mr", "firstName": "spencor", "lastName": "hopkin", "address1": "West road", "address2": "212",
        "address3": None, "zipCode": "61000", "city": "Berlin", "country": "Germany", "iso2Code": "DE",
        "company": "Spryker", "phone": "+380669455897", "isDefaultShipping": False, "isDefaultBilling": False,
        "region": None}
    assert first["links"]["self"].endswith("/customers/DE--1/addresses/22d78681-9885-5b47-8916-42f9e72b29ff")
    assert body_["links"]["self"].endswith(SPENCOR_ADDRESSES)


def test_adding_an_address_answers_201_with_the_address(glue, spencor):
    response = glue.post(SPENCOR_ADDRESSES, body(**NEW_ADDRESS), **spencor)
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    address = Address.objects.get(uuid=data["id"])
    assert (address.customer.reference, address.address1, address.zip_code, address.country.iso2_code) == (
        "DE--1", "Third, 33, 11", "12312", "DE")
    assert data["attributes"]["company"] is None and data["attributes"]["phone"] == "22111-3-4-5"
    assert data["links"]["self"].endswith(f"/customers/DE--1/addresses/{address.uuid}")
    assert defaults_of("DE--1")["billing"] == ["676943eb-536a-5645-937c-0f7662ae9065"]  # unchanged


def test_a_new_default_takes_over_from_the_old_one_in_one_go(glue, spencor):
    response = glue.post(SPENCOR_ADDRESSES, body(**{**NEW_ADDRESS, "isDefaultBilling": True}), **spencor)
    new = response.json()["data"]["id"]
    assert defaults_of("DE--1") == {"billing": [new], "shipping": ["676943eb-536a-5645-937c-0f7662ae9065"]}
    patch = glue.patch(f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff",
                       body(isDefaultShipping=True, isDefaultBilling=True), **spencor)
    assert patch.status_code == 200
    assert patch.json()["data"]["attributes"]["isDefaultShipping"] is True
    assert defaults_of("DE--1") == {"billing": ["22d78681-9885-5b47-8916-42f9e72b29ff"],
                                    "shipping": ["22d78681-9885-5b47-8916-42f9e72b29ff"]}


def test_not_saying_makes_a_default_as_glue_does(glue, spencor):
    attributes = {k: v for k, v in NEW_ADDRESS.items() if not k.startswith("isDefault")}
    new = glue.post(SPENCOR_ADDRESSES, body(**attributes), **spencor).json()["data"]["id"]
    assert defaults_of("DE--1") == {"billing": [new], "shipping": [new]}


def test_the_first_address_of_a_new_customer_is_both_defaults(glue):
    glue.post("/customers", {"data": {"type": "customers", "attributes": {
        "salutation": "Mr", "firstName": "New", "lastName": "Comer", "email": "new@example.com",
        "password": "first-address-42", "confirmPassword": "first-address-42", "acceptedTerms": True}}})
    token = glue.post("/access-tokens", {"data": {"type": "access-tokens", "attributes": {
        "username": "new@example.com", "password": "first-address-42"}}}).json()["data"]["attributes"]["accessToken"]
    reference = glue.get("/customers", Authorization=f"Bearer {token}").json()["data"][0]["id"]
    response = glue.post(f"/customers/{reference}/addresses", body(**NEW_ADDRESS), Authorization=f"Bearer {token}")
    assert response.status_code == 201
    attributes = response.json()["data"]["attributes"]
    assert attributes["isDefaultBilling"] is True and attributes["isDefaultShipping"] is True


def test_patch_changes_only_what_is_sent(glue, spencor):
    url = f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff"
    response = glue.patch(url, body(city="Hamburg", zipCode="20095"), **spencor)
    assert response.status_code == 200, response.json()
    address = Address.objects.get(uuid="22d78681-9885-5b47-8916-42f9e72b29ff")
    assert (address.city, address.zip_code, address.address1) == ("Hamburg", "20095", "West road")
    assert glue.get(url, **spencor).json()["data"]["attributes"]["city"] == "Hamburg"


@pytest.mark.parametrize(("attributes", "pointer"), [
    ({"zipCode": "123"}, "/data/attributes/zipCode"),                 # DE is \d{5}
    ({"zipCode": ""}, "/data/attributes/zipCode"),                    # and mandatory
    ({"iso2Code": "XX"}, "/data/attributes/iso2Code"),
    ({"iso2Code": "US", "zipCode": "20814"}, "/data/attributes/region"),  # the US needs a state
    ({"iso2Code": "US", "zipCode": "20814", "region": "ZZ"}, "/data/attributes/region"),
    ({"firstName": ""}, "/data/attributes/firstName"),
    ({"address2": None}, "/data/attributes/address2"),
    ({"salutation": "Sir"}, "/data/attributes/salutation"),
    ({"city": "x" * 101}, "/data/attributes/city"),
    ({"phone": {"no": 1}}, "/data/attributes/phone"),
    ({"isDefaultBilling": "yes"}, "/data/attributes/isDefaultBilling"),
])
def test_an_invalid_address_is_422_901_with_the_fields_pointer_and_nothing_is_saved(glue, spencor, attributes,
                                                                                       pointer):
    before = Address.objects.count()
    response = glue.post(SPENCOR_ADDRESSES, body(**{**NEW_ADDRESS, **attributes}), **spencor)
    assert response.status_code == 422, response.json()
    error = error_of(response)
    assert (error["status"], error["code"], error["source"]["pointer"]) == ("422", "901", pointer)
    assert Address.objects.count() == before


def test_a_us_address_with_its_state(glue, spencor):
    response = glue.post(SPENCOR_ADDRESSES, body(**{**NEW_ADDRESS, "iso2Code": "US", "zipCode": "20814-1234",
                                                     "region": "MD"}), **spencor)
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["attributes"]["region"] == "MD"


def test_moving_an_address_to_another_country_is_checked_against_the_new_rules(glue, spencor):
    url = f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff"
    response = glue.patch(url, body(iso2Code="AT"), **spencor)  # 61000 is not an Austrian postal code
    assert response.status_code == 422 and error_of(response)["source"]["pointer"] == "/data/attributes/zipCode"
    assert Address.objects.get(uuid="22d78681-9885-5b47-8916-42f9e72b29ff").country.iso2_code == "DE"
    assert glue.patch(url, body(iso2Code="AT", zipCode="1010"), **spencor).status_code == 200


def test_deleting_an_address_is_204(glue, spencor):
    url = f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff"
    response = glue.delete(url, **spencor)
    assert response.status_code == 204 and response.content == b""
    assert not Address.objects.filter(uuid="22d78681-9885-5b47-8916-42f9e72b29ff").exists()
    assert glue.get(url, **spencor).status_code == 404


@pytest.mark.parametrize("uuid", ["f4cfa794-3c5d-58b9-8485-20d52c541d1d",  # Sonia's
                                  "00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_an_address_not_in_ones_own_book_is_404_for_every_verb(glue, spencor, uuid):
    url = f"{SPENCOR_ADDRESSES}/{uuid}"
    for response in (glue.get(url, **spencor), glue.patch(url, body(city="Hacked"), **spencor),
                     glue.delete(url, **spencor)):
        assert response.status_code == 404
        assert error_of(response) == {"status": "404", "code": "404", "detail": "Address was not found.",
                                      "source": {"pointer": "/data"}}
    assert Address.objects.get(uuid="f4cfa794-3c5d-58b9-8485-20d52c541d1d").city == "Berlin"


def test_a_second_customer_cannot_see_or_change_the_first_ones_book(glue, login):
    sonia = login("sonia@spryker.com")
    before = Address.objects.filter(customer__reference="DE--1").count()
    responses = [
        glue.get(SPENCOR_ADDRESSES, **sonia),
        glue.post(SPENCOR_ADDRESSES, body(**NEW_ADDRESS), **sonia),
        glue.get(f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff", **sonia),
        glue.patch(f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff", body(city="Hacked"), **sonia),
        glue.delete(f"{SPENCOR_ADDRESSES}/22d78681-9885-5b47-8916-42f9e72b29ff", **sonia),
    ]
    for response in responses:
        assert response.status_code == 404
        assert error_of(response)["code"] == "402"
        assert "West road" not in response.content.decode()
    assert Address.objects.filter(customer__reference="DE--1").count() == before
    assert Address.objects.get(uuid="22d78681-9885-5b47-8916-42f9e72b29ff").city == "Berlin"


def test_without_a_token_the_book_is_closed(glue):
    response = glue.get(SPENCOR_ADDRESSES)
    assert response.status_code == 403 and error_of(response)["code"] == "002"
