from django.db import migrations


def forward(apps, schema_editor):
    from assessment import defaults

    ToolVersion = apps.get_model("assessment", "ToolVersion")
    Indicator = apps.get_model("assessment", "Indicator")
    if ToolVersion.objects.exists():
        return
    version = ToolVersion.objects.create(
        number=1,
        low_from=defaults.DEFAULT_LOW_FROM,
        medium_from=defaults.DEFAULT_MEDIUM_FROM,
        high_from=defaults.DEFAULT_HIGH_FROM,
        young_age=defaults.DEFAULT_YOUNG_AGE,
        reason=defaults.DEFAULT_REASON,
    )
    Indicator.objects.bulk_create(
        Indicator(
            version=version,
            code=spec.code,
            wording=spec.wording,
            kind=spec.kind,
            weight=spec.weight,
            high_if_young=spec.high_if_young,
            is_active=True,
            order=(index + 1) * 10,
        )
        for index, spec in enumerate(defaults.DEFAULT_INDICATORS)
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
