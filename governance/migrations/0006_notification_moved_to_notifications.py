"""The Notification model moved to the notifications app; its table and rows stay.

State only: governance forgets the model here, and ``notifications.0001`` takes it over with
``db_table = "governance_notification"``, so no row is copied, dropped or renamed.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_notification_url_and_email"),
        ("notifications", "0001_notification_from_governance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
