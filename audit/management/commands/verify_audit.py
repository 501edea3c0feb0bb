"""`manage.py verify_audit`: exit 0 when the audit trail's chain and its latest checkpoint agree."""

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import CheckpointUnreadable, checkpoint_path, latest_checkpoint, write_checkpoint
from audit.services import verify_trail

LISTED = 50  # breaks named one per line; the count and the id list cover the rest


class Command(BaseCommand):
    help = (
        "Checks the audit trail's hash chain and its latest signed checkpoint; exit 0 when intact, "
        "else 1, naming every bad event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="After a successful check, append a new signed checkpoint (AUDIT_CHECKPOINT_DIR).",
        )

    def handle(self, *args, checkpoint, **options):
        try:
            anchor = latest_checkpoint()
        except CheckpointUnreadable as error:
            raise CommandError(str(error)) from error
        result = verify_trail(checkpoint=anchor)
        if not result.intact:
            raise CommandError(self._describe(result))
        self.stdout.write(f"Audit trail intact: {result.count} events.")
        if anchor is None:
            self.stdout.write(
                f"No checkpoint yet in {checkpoint_path()}: deleting the newest events would not show "
                "(the flag sweep and `verify_audit --checkpoint` write one)."
            )
        else:
            self.stdout.write(f"Matches the checkpoint of {anchor.at} ({anchor.count} events).")
        if checkpoint:
            written = write_checkpoint()
            self.stdout.write(f"Checkpoint written: {written.count} events, last #{written.last_id}.")

    def _describe(self, result) -> str:
        first = result.breaks[0]
        ids = sorted({b.event_id for b in result.breaks if not b.checkpoint})
        lines = [
            f"Audit trail broken: {len(result.breaks)} problem(s) in {result.count} events; "
            f"first at event #{first.event_id}.",
        ]
        for found in result.breaks[:LISTED]:
            if found.checkpoint:
                lines.append(f"Checkpoint mismatch: {found.problem}.")
                continue
            event = found.event
            what = f" ({event.occurred_at:%Y-%m-%d %H:%M:%S} {event.action} {event.object_repr})" if event else ""
            lines.append(f"Audit chain broken at event #{found.event_id}{what}: {found.problem}.")
        if len(result.breaks) > LISTED:
            lines.append(f"... and {len(result.breaks) - LISTED} more.")
        if ids:
            lines.append("Bad event ids: " + ", ".join(_ranges(ids)))
        return "\n".join(lines)


def _ranges(ids: list[int]) -> list[str]:
    """#3, #7-#12: a recomputed tail of a million events stays one line."""
    spans: list[list[int]] = []
    for pk in ids:
        if spans and pk == spans[-1][1] + 1:
            spans[-1][1] = pk
        else:
            spans.append([pk, pk])
    return [f"#{a}" if a == b else f"#{a}-#{b}" for a, b in spans]
