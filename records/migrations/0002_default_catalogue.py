from django.db import migrations


def forward(apps, schema_editor):
    from records.catalogue import ensure_catalogue

    ensure_catalogue(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
