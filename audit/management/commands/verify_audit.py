"""`manage.py verify_audit`: exit 0 when the audit trail's hash chain is intact."""

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.services import verify_chain


class Command(BaseCommand):
    help = "Checks the audit trail's hash chain; exit 0 when intact, else names the first bad event."

    def handle(self, *args, **options):
        bad = verify_chain()
        if bad is not None:
            raise CommandError(
                f"Audit chain broken at event #{bad.pk} ({bad.occurred_at:%Y-%m-%d %H:%M:%S} "
                f"{bad.action} {bad.object_repr}): its hash or its link to the previous event does not match."
            )
        self.stdout.write(f"Audit trail intact: {AuditEvent.objects.count()} events.")
