"""POST /customers, GET/PATCH /customers/{reference}, PATCH /customer-password/{reference} (Glue).

The bodies are Spryker's "Create a customer" / "Manage customers" samples; the errors are
Spryker's CustomersRestApi codes with their statuses.
"""

import pytest
from django.contrib.auth import get_user_model

from customers.models import Customer

pytestmark = pytest.mark.usefixtures("shop")

REGISTER = {"salutation": "Mrs", "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
            "gender": "Female", "password": "analytical-engine-1843", "confirmPassword": "analytical-engine-1843",
            "acceptedTerms": True}
CUSTOMER_KEYS = {"firstName", "lastName", "email", "gender", "dateOfBirth", "salutation", "createdAt", "updatedAt"}


def register(glue, **changes):
    attributes = {**REGISTER, **changes}
    return glue.post("/customers", {"data": {"type": "customers", "attributes": attributes}})


@pytest.fixture
def login(glue):
    def token_for(email: str, password: str = "change123") -> dict:
        response = glue.post("/access-tokens", {"data": {"type": "access-tokens",
                                                         "attributes": {"username": email, "password": password}}})
        assert response.status_code == 201, response.json()
        return {"Authorization": f"Bearer {response.json()['data']['attributes']['accessToken']}"}

    return token_for


def error_of(response) -> dict:
    (error,) = response.json()["errors"]
    return error


# --- registration ---------------------------------------------------------------------------


def test_registering_creates_a_user_and_a_customer_and_answers_with_the_customers_resource(glue, login):
    response = register(glue)
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    customer = Customer.objects.get(email="ada@example.com")
    assert (data["type"], data["id"]) == ("customers", customer.reference)
    assert set(data["attributes"]) == CUSTOMER_KEYS
    assert {k: data["attributes"][k] for k in ("firstName", "lastName", "email", "gender", "salutation")} == {
        "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "gender": "Female",
        "salutation": "Mrs"}
    assert data["links"]["self"].endswith(f"/customers/{customer.reference}")
    assert "analytical" not in response.content.decode()  # the password is never echoed
    user = customer.user
    assert user.username == "ada@example.com" and user.password.startswith("md5$")  # hashed (test hasher)
    assert user.check_password("analytical-engine-1843")
    # The new customer can log in at once.
    assert login("ada@example.com", "analytical-engine-1843")


def test_a_date_of_birth_is_kept(glue):
    response = register(glue, dateOfBirth="1815-12-10")
    assert response.status_code == 422 and error_of(response)["source"]["pointer"] == "/data/attributes/dateOfBirth"
    response = register(glue, dateOfBirth="1986-04-08")
    assert response.json()["data"]["attributes"]["dateOfBirth"] == "1986-04-08"


@pytest.mark.parametrize("email", ["spencor.hopkin@spryker.com", "Spencor.Hopkin@Spryker.com"])
def test_an_email_already_registered_is_400_with_status_422(glue, email):
    before = Customer.objects.count()
    response = register(glue, email=email)
    assert response.status_code == 422
    assert error_of(response) == {"status": "422", "code": "400", "detail": "Customer with this email already exists.",
                                  "source": {"pointer": "/data/attributes/email"}}
    assert Customer.objects.count() == before


@pytest.mark.parametrize(("changes", "status", "code", "pointer"), [
    ({"confirmPassword": "something-else-1843"}, 422, "406", "/data/attributes/confirmPassword"),
    ({"acceptedTerms": False}, 400, "413", "/data/attributes/acceptedTerms"),
    ({"acceptedTerms": None}, 400, "413", "/data/attributes/acceptedTerms"),
    ({"email": "not-an-email"}, 422, "416", "/data/attributes/email"),
    ({"email": "a" * 95 + "@example.com"}, 422, "417", "/data/attributes/email"),
    ({"password": "short1", "confirmPassword": "short1"}, 400, "418", "/data/attributes/password"),
    ({"password": "x" * 65, "confirmPassword": "x" * 65}, 400, "419", "/data/attributes/password"),
    ({"password": "8472910365821", "confirmPassword": "8472910365821"}, 400, "420", "/data/attributes/password"),
    ({"password": "password123", "confirmPassword": "password123"}, 400, "422", "/data/attributes/password"),
    ({"gender": "Robot"}, 400, "414", "/data/attributes/gender"),
    ({"salutation": "Sir"}, 422, "901", "/data/attributes/salutation"),
    ({"firstName": ""}, 422, "901", "/data/attributes/firstName"),
    ({"firstName": "x" * 101}, 422, "901", "/data/attributes/firstName"),
    ({"email": ["a@example.com"]}, 422, "901", "/data/attributes/email"),
    ({"password": None}, 422, "901", "/data/attributes/password"),
])
def test_registration_errors_are_glues_codes_and_nothing_is_created(glue, changes, status, code, pointer):
    users = get_user_model().objects.count()
    response = register(glue, **changes)
    assert response.status_code == status, response.json()
    error = error_of(response)
    assert (error["status"], error["code"], error["source"]["pointer"]) == (str(status), code, pointer)
    assert get_user_model().objects.count() == users
    assert not Customer.objects.filter(first_name="Ada").exists()


def test_registration_needs_a_customers_document(glue):
    response = glue.post("/customers", {"data": {"type": "carts", "attributes": REGISTER}})
    assert response.status_code == 409 and error_of(response)["code"] == "wrong_resource_type"


# --- reading and changing one's own profile -------------------------------------------------


def test_a_customer_reads_their_own_profile(glue, login):
    response = glue.get("/customers/DE--1", **login("spencor.hopkin@spryker.com"))
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["type"], data["id"]) == ("customers", "DE--1")
    assert data["attributes"]["email"] == "spencor.hopkin@spryker.com"
    assert data["attributes"]["firstName"] == "Spencor" and set(data["attributes"]) == CUSTOMER_KEYS


def test_get_customers_lists_only_the_caller(glue, login):
    response = glue.get("/customers", **login("sonia@spryker.com"))
    assert [c["id"] for c in response.json()["data"]] == ["DE--2"]


def test_a_profile_can_include_its_addresses(glue, login):
    response = glue.get("/customers/DE--1?include=addresses", **login("spencor.hopkin@spryker.com"))
    body = response.json()
    ids = [r["id"] for r in body["data"]["relationships"]["addresses"]["data"]]
    assert ids == ["22d78681-9885-5b47-8916-42f9e72b29ff", "676943eb-536a-5645-937c-0f7662ae9065"]
    assert [r["id"] for r in body["included"]] == ids and body["included"][0]["type"] == "addresses"
    assert glue.get("/customers/DE--1?include=carts", **login("spencor.hopkin@spryker.com")).status_code == 400


def test_someone_elses_profile_is_not_found_whether_it_exists_or_not(glue, login):
    sonia = login("sonia@spryker.com")
    for reference in ("DE--1", "DE--999"):
        response = glue.get(f"/customers/{reference}", **sonia)
        assert response.status_code == 404
        error = error_of(response)
        assert (error["code"], error["detail"]) == ("402", "Customer not found.")
        assert "spencor" not in response.content.decode().lower()
    patch = glue.patch("/customers/DE--1", {"data": {"type": "customers", "attributes": {"lastName": "X"}}}, **sonia)
    assert patch.status_code == 404
    assert Customer.objects.get(reference="DE--1").last_name == "Hopkin"


def test_no_token_is_403_002_and_a_bad_token_401_001(glue):
    response = glue.get("/customers/DE--1")
    assert response.status_code == 403
    assert error_of(response) == {"status": "403", "code": "002", "detail": "Missing access token.",
                                  "source": {"pointer": "/headers/Authorization"}}
    response = glue.get("/customers/DE--1", Authorization="Bearer not-a-token")
    assert response.status_code == 401 and error_of(response)["code"] == "001"


def test_a_guest_id_is_not_a_customer(glue):
    response = glue.get("/customers/DE--1", **{"X-Anonymous-Customer-Unique-Id": "demo-guest-0001"})
    assert response.status_code == 403 and error_of(response)["code"] == "002"


def test_patch_changes_the_names_and_the_email_and_the_login_follows(glue, login):
    spencor = login("spencor.hopkin@spryker.com")
    body = {"data": {"type": "customers", "attributes": {"lastName": "Johnson", "email": "spencor@example.com",
                                                         "salutation": "Dr", "gender": "Male"}}}
    response = glue.patch("/customers/DE--1", body, **spencor)
    assert response.status_code == 200, response.json()
    attributes = response.json()["data"]["attributes"]
    assert (attributes["lastName"], attributes["email"], attributes["salutation"], attributes["gender"]) == (
        "Johnson", "spencor@example.com", "Dr", "Male")
    assert attributes["firstName"] == "Spencor"  # not sent, not changed
    customer = Customer.objects.select_related("user").get(reference="DE--1")
    assert (customer.last_name, customer.user.username, customer.user.last_name) == (
        "Johnson", "spencor@example.com", "Johnson")
    assert login("spencor@example.com")


def test_patch_to_an_email_someone_else_has_is_refused(glue, login):
    body = {"data": {"type": "customers", "attributes": {"email": "sonia@spryker.com", "lastName": "Johnson"}}}
    response = glue.patch("/customers/DE--1", body, **login("spencor.hopkin@spryker.com"))
    assert response.status_code == 422 and error_of(response)["code"] == "400"
    assert Customer.objects.get(reference="DE--1").last_name == "Hopkin"


def test_patch_changes_the_password_with_the_old_one(glue, login):
    spencor = login("spencor.hopkin@spryker.com")
    change = {"password": "change123", "newPassword": "a-much-better-one-42", "confirmPassword": "a-much-better-one-42"}
    wrong = glue.patch("/customers/DE--1", {"data": {"type": "customers", "attributes": {
        **change, "password": "guess", "firstName": "Changed"}}}, **spencor)
    assert wrong.status_code == 400 and error_of(wrong)["code"] == "408"
    assert Customer.objects.get(reference="DE--1").first_name == "Spencor"  # all or nothing
    mismatch = glue.patch("/customers/DE--1", {"data": {"type": "customers", "attributes": {
        **change, "confirmPassword": "other-one-42"}}}, **spencor)
    assert mismatch.status_code == 422 and error_of(mismatch)["code"] == "406"
    weak = glue.patch("/customers/DE--1", {"data": {"type": "customers", "attributes": {
        **change, "newPassword": "short", "confirmPassword": "short"}}}, **spencor)
    assert (weak.status_code, error_of(weak)["code"], error_of(weak)["source"]["pointer"]) == (
        400, "418", "/data/attributes/newPassword")
    response = glue.patch("/customers/DE--1", {"data": {"type": "customers", "attributes": change}}, **spencor)
    assert response.status_code == 200
    assert "a-much-better" not in response.content.decode()
    assert login("spencor.hopkin@spryker.com", "a-much-better-one-42")
    refused = glue.post("/access-tokens", {"data": {"type": "access-tokens", "attributes": {
        "username": "spencor.hopkin@spryker.com", "password": "change123"}}})
    assert refused.status_code == 401


def test_customer_password_resource_changes_the_password_with_204(glue, login):
    body = {"data": {"type": "customer-password", "id": "DE--2", "attributes": {
        "password": "change123", "newPassword": "321egnahc-sonia", "confirmPassword": "321egnahc-sonia"}}}
    response = glue.patch("/customer-password/DE--2", body, **login("sonia@spryker.com"))
    assert response.status_code == 204
    assert login("sonia@spryker.com", "321egnahc-sonia")
    missing = glue.patch("/customer-password/DE--2", {"data": {"type": "customer-password", "attributes": {}}},
                         **login("sonia@spryker.com", "321egnahc-sonia"))
    assert missing.status_code == 422 and error_of(missing)["source"]["pointer"] == "/data/attributes/password"


def test_patch_errors_change_nothing(glue, login):
    spencor = login("spencor.hopkin@spryker.com")
    for attributes, code in [({"email": "nope"}, "416"), ({"gender": "x"}, "414"), ({"firstName": ""}, "901"),
                             ({"dateOfBirth": "yesterday"}, "901")]:
        response = glue.patch("/customers/DE--1", {"data": {"type": "customers", "attributes": attributes}}, **spencor)
        assert error_of(response)["code"] == code, attributes
    customer = Customer.objects.get(reference="DE--1")
    assert (customer.email, customer.gender, customer.first_name) == ("spencor.hopkin@spryker.com", "", "Spencor")
