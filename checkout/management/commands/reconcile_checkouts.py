"""python manage.py reconcile_checkouts [--fix] [--stuck-hours H]"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from checkout.reconciliation import checkouts_reconcile


class Command(BaseCommand):
    help = ("Report what crashed or abandoned checkouts left behind: payments authorised without an order, "
            "captures, refunds and voids asked of a provider whose outcome was never recorded (reported only), "
            "money owed to customers (reported only), "
            "orders stuck mid-checkout, stock held past its time, claims of placements that never finished, "
            "Idempotency-Keys of requests that died. With --fix: void those payments, give the stock back, close "
            "ended rentals, remove stale claims, release those keys (a retry with one is a new request). "
            "Never deletes anything holding an authorised payment. Safe to run from several machines at once; "
            "exits 1 when a repair failed.")

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair what is found (default: only report)")
        parser.add_argument("--stuck-hours", type=float, default=24.0,
                            help="an order idle in a checkout step for longer is stuck (default 24)")

    def handle(self, *args, fix: bool, stuck_hours: float, **options):
        if stuck_hours <= 0:
            raise CommandError("--stuck-hours must be more than 0.")
        self.stdout.write("Reconciling checkouts" + (" and fixing what is found…" if fix else " (report only)…"))
        try:
            findings = checkouts_reconcile(fix=fix, stuck_after=timedelta(hours=stuck_hours),
                                           progress=self.stdout.write)
        except DatabaseError as error:
            raise CommandError(f"Reconciling failed: {error}") from error
        failures = 0
        for finding in findings:
            line = f"{finding.title}: {len(finding.found)}"
            if fix:
                line += f", fixed {finding.fixed}"
            self.stdout.write(self.style.WARNING(line) if finding.found else line)
            for detail in finding.found[:50]:
                self.stdout.write(f"  - {detail}")
            if len(finding.found) > 50:
                self.stdout.write(f"  … and {len(finding.found) - 50} more")
            for failure in finding.failed:
                self.stderr.write(f"  ! could not fix {failure}")
            failures += len(finding.failed)
        if failures:
            raise CommandError(f"{failures} repairs failed; see above.")
        total = sum(len(f.found) for f in findings)
        self.stdout.write(self.style.SUCCESS("Nothing to reconcile." if not total else
                                             f"{total} findings{', repaired what could be' if fix else ''}."))
