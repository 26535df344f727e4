"""python manage.py cancel_stale_orders [--older-than 24h] [--dry-run]"""

import re
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from checkout.stale_orders import order_cancel_stale, orders_stale

UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhd])\s*", text or "")
    if not match or float(match[1]) <= 0:
        raise CommandError(f"--older-than takes an age such as 30m, 24h or 7d, not {text!r}.")
    return timedelta(**{UNITS[match[2]]: float(match[1])})


class Command(BaseCommand):
    help = ("Cancel orders stuck at the confirm step, and placed orders still waiting for an external payment, "
            "older than --older-than: their stock is given back and payments not captured are voided. "
            "Safe to run from several machines at once; exits 1 when an order could not be canceled.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", default="24h",
                            help="how long an order may wait before it is stale: 30m, 24h, 7d (default 24h)")
        parser.add_argument("--dry-run", action="store_true", help="list the stale orders; cancel none")

    def handle(self, *args, older_than: str, dry_run: bool, **options):
        age = parse_age(older_than)
        cutoff = timezone.now() - age
        try:
            candidates = list(orders_stale(cutoff=cutoff).values_list("pk", "number", "reference", "state"))
        except DatabaseError as error:
            raise CommandError(f"Finding stale orders failed: {error}") from error
        self.stdout.write(f"{len(candidates)} orders waiting for more than {age}"
                          f"{' (dry run: none is canceled)' if dry_run else ''}.")
        canceled, failed = 0, []
        for n, (pk, number, reference, state) in enumerate(candidates, 1):
            name = reference or number
            if dry_run:
                self.stdout.write(f"  would cancel {name} ({state})")
                continue
            try:
                done = order_cancel_stale(order_id=pk, cutoff=cutoff)
            except Exception as error:  # noqa: BLE001 - reported; the others are still canceled
                failed.append(f"{name}: {error}")
                self.stderr.write(f"  could not cancel {name}: {error}")
                continue
            if done is None:
                self.stdout.write(f"  [{n}/{len(candidates)}] {name}: no longer stale or busy, left alone")
            else:
                canceled += 1
                self.stdout.write(f"  [{n}/{len(candidates)}] canceled {name}")
        if failed:
            raise CommandError(f"{len(failed)} orders could not be canceled: {'; '.join(failed)}")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"{canceled} orders canceled."))
