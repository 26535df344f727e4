"""Saving an address a customer checked out with into their address book (Spree's ``save_user_address``).

Glue's address book endpoints (``customers.services.address_create``) follow Glue's rules
(salutation and address2 required); an address copied from a checkout was already checked
against its country's rules there and is saved as it is. An equal address already in the
book is reused; a new default takes over from the old one.
"""

from __future__ import annotations

from django.db import transaction

from customers.models import Address, Customer, PostalAddress

COPIED = ("salutation", "first_name", "last_name", "company", "address1", "address2", "address3", "zip_code", "city",
          "phone", "country_id", "region_id")


def address_book_save(*, customer: Customer, address: PostalAddress, default_billing: bool = False,
                      default_shipping: bool = False) -> Address:
    fields = {name: getattr(address, name) for name in COPIED}
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one writer per book
        book = Address.objects.filter(customer=customer)
        saved = book.filter(**fields).first() or Address(customer=customer, **fields)
        if default_billing:
            book.exclude(pk=saved.pk).filter(is_default_billing=True).update(is_default_billing=False)
            saved.is_default_billing = True
        if default_shipping:
            book.exclude(pk=saved.pk).filter(is_default_shipping=True).update(is_default_shipping=False)
            saved.is_default_shipping = True
        saved.save()
    return saved
