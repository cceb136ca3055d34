"""Queue alert work for the task worker. Run it from a scheduler (see README, "Alerts"):
every few minutes with no options (new events, reminders, 'as it happens' emails), daily with
--digest daily, and on Mondays with --digest weekly."""

from django.core.management.base import BaseCommand

from assets_register.alerts.tasks import deliver_alerts, send_digests
from assets_register.models import Frequency


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--digest",
            choices=[Frequency.DAILY, Frequency.WEEKLY],
            help="send this digest instead of matching new events",
        )

    def handle(self, *args, digest=None, **options):
        result = send_digests.enqueue(digest) if digest else deliver_alerts.enqueue()
        self.stdout.write(f"Queued {result.task.name} ({result.id}).")
