"""MASE's links to actions now point at cases.Action: the same table (casework_action), so this
changes Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("mase", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.AlterField(
                        model_name="agendaitem",
                        name="carried_action",
                        field=models.ForeignKey(
                            blank=True,
                            null=True,
                            on_delete=django.db.models.deletion.PROTECT,
                            related_name="+",
                            to="cases.action",
                        ),
                    ),
                    migrations.AlterField(
                        model_name="disruptionaction",
                        name="action",
                        field=models.OneToOneField(
                            on_delete=django.db.models.deletion.PROTECT,
                            related_name="mase_disruption_link",
                            to="cases.action",
                        ),
                    ),
                    migrations.AlterField(
                        model_name="meetingaction",
                        name="action",
                        field=models.OneToOneField(
                            on_delete=django.db.models.deletion.PROTECT,
                            related_name="mase_meeting_link",
                            to="cases.action",
                        ),
                    ),
            ],
            database_operations=[],
        ),
    ]
