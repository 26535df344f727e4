"""python manage.py expire_carts [--dry-run] [--days N] [--batch-size N]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from carts.expiry import carts_expire


class Command(BaseCommand):
    help = (f"Delete carts not updated for CART_EXPIRY_DAYS days (now {settings.CART_EXPIRY_DAYS}). Carts being "
            "checked out are kept. Safe to run on a schedule from several machines at once.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count the carts that would expire; delete none")
        parser.add_argument("--days", type=int, default=None,
                            help="idle days after which a cart expires (default: CART_EXPIRY_DAYS)")
        parser.add_argument("--batch-size", type=int, default=500, help="carts deleted per transaction (default 500)")

    def handle(self, *args, dry_run: bool, days: int | None, batch_size: int, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verb = "would expire" if dry_run else "expired"
        idle_days = settings.CART_EXPIRY_DAYS if days is None else days
        self.stdout.write(f"Carts idle for more than {idle_days} days{' (dry run)' if dry_run else ''}…")

        def progress(batches: int, total: int) -> None:
            self.stdout.write(f"  batch {batches}: {total} carts {verb} so far")

        try:
            result = carts_expire(days=days, batch_size=batch_size, dry_run=dry_run, progress=progress)
        except DatabaseError as error:
            raise CommandError(f"Expiring carts failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{result.expired} carts {verb}."))
