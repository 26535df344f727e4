"""python manage.py deliver_webhooks [--once | --loop [--interval S]] [--batch-size N] [--retry-failed]"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from events.delivery import Outcome, RunResult, deliveries_retry_failed, webhooks_deliver


class Command(BaseCommand):
    help = ("Send order events (order.placed, order.paid, order.shipped, order.canceled) to the URLs in "
            "WEBHOOK_URLS, signed with WEBHOOK_SECRET (X-Shop-Signature: sha256=<HMAC of the body>). A failed "
            "delivery is retried later with exponential backoff, up to WEBHOOK_MAX_ATTEMPTS. Safe to run from "
            "several machines at once. Exits 1 when a delivery failed in a --once run.")

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true",
                          help="send what is due now, then stop (the default; for cron)")
        mode.add_argument("--loop", action="store_true", help="keep sending until interrupted (Ctrl-C)")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="with --loop: seconds to sleep when nothing is due (default 5)")
        parser.add_argument("--batch-size", type=int, default=50,
                            help="deliveries claimed per transaction (default 50)")
        parser.add_argument("--retry-failed", action="store_true",
                            help="first re-queue the deliveries that were given up")

    def handle(self, *args, once: bool, loop: bool, interval: float, batch_size: int, retry_failed: bool,
               **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if interval <= 0:
            raise CommandError("--interval must be more than 0.")
        urls = list(settings.WEBHOOK_URLS)
        if not urls:
            self.stdout.write("No WEBHOOK_URLS configured: events stay in the outbox until some are.")
            return
        secret = settings.WEBHOOK_SECRET
        if not secret:
            raise CommandError("WEBHOOK_SECRET must be set to sign webhooks.")
        try:
            if retry_failed:
                self.stdout.write(f"Re-queued {deliveries_retry_failed()} deliveries that were given up.")
            if not loop:
                result = self._pass(urls, secret, batch_size)
                summary = f"{result.delivered} delivered, {result.failed} failed."
                if result.failed:
                    raise CommandError(f"{summary} The failed ones will be retried.")
                self.stdout.write(self.style.SUCCESS(summary))
                return
            self.stdout.write(f"Delivering webhooks to {len(urls)} endpoints; Ctrl-C stops.")
            try:
                while True:
                    if not self._pass(urls, secret, batch_size).outcomes:
                        time.sleep(interval)
            except KeyboardInterrupt:
                self.stdout.write("Stopped.")
        except DatabaseError as error:
            raise CommandError(f"Delivering webhooks failed: {error}") from error

    def _pass(self, urls, secret, batch_size) -> RunResult:
        result = webhooks_deliver(urls=urls, secret=secret, timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                                  max_attempts=settings.WEBHOOK_MAX_ATTEMPTS, batch_size=batch_size,
                                  progress=self._report)
        if result.dispatched:
            self.stdout.write(f"Queued {result.dispatched} new events for {len(urls)} endpoints.")
        return result

    def _report(self, outcome: Outcome) -> None:
        what = f"{outcome.event_type} {outcome.reference} → {outcome.url}"
        if outcome.delivered:
            self.stdout.write(f"  delivered {what} ({outcome.status})")
        elif outcome.gave_up:
            self.stderr.write(f"  gave up   {what}: {outcome.error}")
        else:
            self.stderr.write(f"  failed    {what}: {outcome.error}; next attempt at "
                              f"{outcome.next_attempt_at:%Y-%m-%d %H:%M:%S}")
