"""Camera.last_seen_at (the "not seen" flag's clock) and the flag kind; backfilled from the records.

Before this, a camera was last in someone's hands when it was last docked or last checked in: the
later of the two. Two set-based UPDATEs (GREATEST treats NULL differently on SQLite and PostgreSQL).
"""

from django.db import migrations, models
from django.db.models import F, Q


def backfill(apps, schema_editor):
    Camera = apps.get_model("inventory", "Camera")
    Camera.objects.filter(last_docked_at__isnull=False).update(last_seen_at=F("last_docked_at"))
    Camera.objects.filter(last_returned_at__isnull=False).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=F("last_returned_at"))
    ).update(last_seen_at=F("last_returned_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_flag_work_and_notification_preferences"),
    ]

    operations = [
        migrations.AddField(
            model_name="camera",
            name="last_seen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="flag",
            name="kind",
            field=models.CharField(
                choices=[
                    ("charging_overdue", "Charging overdue"),
                    ("not_docked", "Not docked after return"),
                    ("inspection_due", "Inspection due"),
                    ("inspection_overdue", "Inspection overdue"),
                    ("return_overdue", "Return overdue"),
                    ("damaged_not_in_maintenance", "Damaged, not in maintenance"),
                    ("repair_overdue", "Repair overdue at vendor"),
                    ("firmware_below_minimum", "Firmware below minimum"),
                    ("refresh_due", "Refresh due"),
                    ("not_seen", "Not seen in a stocktake"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
