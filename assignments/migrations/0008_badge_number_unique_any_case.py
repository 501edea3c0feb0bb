"""A badge number is unique whatever its case: the kiosk reads B-12 and b-12 as one badge.

Officers whose badges differ only in case stop the migration with a message naming them
(hartford_bwc.anycase.refuse_case_duplicates): a person decides which keeps the number.
"""

from django.db import migrations, models
from django.db.models.functions import Upper

from hartford_bwc.anycase import refuse_case_duplicates


def refuse_duplicates(apps, schema_editor):
    officer = apps.get_model("assignments", "Officer")
    refuse_case_duplicates(officer, ["badge_number"], "badge numbers", "last_name")


class Migration(migrations.Migration):
    dependencies = [("assignments", "0007_exemptions_never_overlap")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(
                Upper("badge_number"),
                name="officer_badge_number_unique_any_case",
                violation_error_message="Another officer has this badge number (in another case).",
            ),
        ),
    ]
