"""Record types the social care status feed adds: child in need and child protection plan.

Looked after uses the catalogue's existing "In care" type. Held as data, like the rest of the
catalogue, so an administrator can rename them.
"""

from typing import Any

from django.db import migrations

TYPES = (
    (
        "child-in-need",
        "Child in need",
        "A child in need plan (Children Act 1989 s.17), from children's social care.",
    ),
    (
        "child-protection-plan",
        "Child protection plan",
        "A child protection plan (Children Act 1989 s.47), from children's social care.",
    ),
)


def add_types(apps: Any, schema_editor: Any) -> None:
    record_type = apps.get_model("records", "RecordType")
    for code, name, description in TYPES:
        record_type.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": "episode",
                "indicator_kind": "",
                "has_end": True,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("records", "0002_default_catalogue"),
    ]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
