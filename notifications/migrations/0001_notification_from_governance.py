"""Take over governance's Notification model, keeping its table (``governance_notification``).

State only: the table, its rows and its indexes already exist (governance 0003 and 0005), so
nothing is run against the database. ``governance.0006`` then removes the model from
governance's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("governance", "0005_notification_url_and_email"),
        ("partnership", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("action_assigned", "Action given to you"),
                                    ("action_overdue", "Action overdue"),
                                    ("case_changed", "Case changed"),
                                    ("case_lead", "Lead professional"),
                                    ("case_member", "Added to a case team"),
                                    ("case_review_overdue", "Case review overdue"),
                                    ("referral_overdue", "Referral past its screening clock"),
                                    ("break_glass", "Break-glass access"),
                                    ("second_factor_changed", "Authenticator app changed"),
                                    ("disclosure_request", "Disclosure requested"),
                                    ("disclosure_decision", "Disclosure decided"),
                                ],
                                max_length=40,
                            ),
                        ),
                        ("message", models.TextField()),
                        (
                            "url",
                            models.CharField(
                                blank=True,
                                help_text="Where in Tessera to go: a path, such as /cases/4/.",
                                max_length=300,
                            ),
                        ),
                        ("object_type", models.CharField(blank=True, max_length=60)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField()),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "email_status",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("", "Not emailed"),
                                    ("pending", "Waiting to be sent"),
                                    ("sending", "Being sent"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                ],
                                default="",
                                max_length=10,
                            ),
                        ),
                        ("email_attempts", models.PositiveSmallIntegerField(default=0)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "email_error",
                            models.CharField(
                                blank=True,
                                help_text="The kind of failure only: never an address.",
                                max_length=100,
                            ),
                        ),
                        (
                            "agency",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="partnership.agency",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_notification",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["agency", "read_at"], name="notification_unread_idx"
                            ),
                            models.Index(
                                fields=["kind", "object_type", "object_id"],
                                name="notification_about_idx",
                            ),
                            models.Index(fields=["email_status"], name="notification_email_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
