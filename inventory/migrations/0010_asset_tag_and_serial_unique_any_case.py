"""An asset tag and a serial number are unique whatever their case (HPD-BWC-0001 and hpd-bwc-0001 are one label).

Before the indexes are built, cameras whose tags or serials differ only in case stop the migration with
a message naming them (hartford_bwc.anycase.refuse_case_duplicates): a person decides which keeps it.
"""

from django.db import migrations, models
from django.db.models.functions import Upper

from hartford_bwc.anycase import refuse_case_duplicates


def refuse_duplicates(apps, schema_editor):
    camera = apps.get_model("inventory", "Camera")
    refuse_case_duplicates(camera, ["asset_tag", "serial_number"], "asset tags and serial numbers", "asset_tag")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0009_maintenance_attachments")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="camera",
            constraint=models.UniqueConstraint(
                Upper("asset_tag"),
                name="camera_asset_tag_unique_any_case",
                violation_error_message="Another camera has this asset tag (in another case).",
            ),
        ),
        migrations.AddConstraint(
            model_name="camera",
            constraint=models.UniqueConstraint(
                Upper("serial_number"),
                name="camera_serial_number_unique_any_case",
                violation_error_message="Another camera has this serial number (in another case).",
            ),
        ),
    ]
