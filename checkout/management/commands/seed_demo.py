from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from checkout.demo import data
from checkout.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo shop: stores DE and US, the seed documents' products, shipment and payment methods, "
        "customers with addresses, a business account, a rentable product with stock locations, carts, a few "
        "orders and a staff login. Safe to run again: existing rows are updated, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff-password", default=data.STAFF_PASSWORD,
                            help="Password of the demo staff user when it is created (default: %(default)s).")

    def handle(self, *args, staff_password: str, **options):
        if len(staff_password) < 4:
            raise CommandError("--staff-password must be at least 4 characters.")
        self.stdout.write("Seeding the demo shop …")
        try:
            created_staff = seed_demo(report=self.stdout.write, staff_password=staff_password)
        except DatabaseError as exc:
            raise CommandError(f"Seeding failed, nothing was written: {exc}") from exc
        login = f"{data.STAFF_USERNAME} / {staff_password}" if created_staff else (
            f"{data.STAFF_USERNAME} (existing user, password unchanged)")
        self.stdout.write(self.style.SUCCESS(
            f"Demo shop ready. Staff login: {login} "
            f"(customers: {data.CUSTOMERS[0]['email']} / {data.CUSTOMER_PASSWORD})"
        ))
        for email, key in data.API_KEYS.items():
            self.stdout.write(f"Spree API key of {email}: X-Spree-Token: {key}")
