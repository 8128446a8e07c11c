from django.db import migrations


def forward(apps, schema_editor):
    from assessment.defaults import load_default_tool

    ToolVersion = apps.get_model("assessment", "ToolVersion")
    if not ToolVersion.objects.exists():
        load_default_tool(ToolVersion, apps.get_model("assessment", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
