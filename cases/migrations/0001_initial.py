"""Case, its team, strategy discussions, actions, reviews, transition plans and decisions not to
act move here from casework, in Django's state only (tables keep their casework_* names)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('casework', '0004_case_review_overdue_notified_on'),
        ('partnership', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Case',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('strategy_discussion', 'Strategy discussion'), ('open', 'Open'), ('closed', 'Closed')], default='strategy_discussion', max_length=30)),
                        ('opened_at', models.DateTimeField()),
                        ('review_every_days', models.PositiveIntegerField(default=42)),
                        ('next_review_due', models.DateField()),
                        ('review_overdue_notified_on', models.DateField(blank=True, help_text='Written only by the overdue job.', null=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome_code', models.CharField(blank=True, choices=[('no_case_needed', 'No case needed after the strategy discussion'), ('risk_reduced', 'Risk reduced: no longer at risk of exploitation'), ('risk_managed', 'Risk managed by a single agency'), ('moved_out_of_area', 'Moved out of area (case transferred)'), ('adult_services', 'Transferred to adult services at 18'), ('disengaged', 'Young person disengaged despite efforts'), ('custody', 'In custody'), ('other', 'Other (explained in the closing note)')], max_length=30)),
                        ('closure_note', models.TextField(blank=True)),
                        ('young_persons_views', models.TextField(blank=True, help_text='What the young person says, in their own words where possible.')),
                        ('is_synthetic', models.BooleanField(default=False)),
                    ],
                    options={
                        'db_table': 'casework_case',
                        'ordering': ['next_review_due', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CaseMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(blank=True, max_length=200)),
                        ('added_at', models.DateTimeField()),
                        ('removed_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'casework_casemember',
                        'ordering': ['added_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CaseReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('held_on', models.DateField()),
                        ('summary', models.TextField()),
                        ('risk_rating', models.CharField(choices=[('red', 'Red'), ('amber', 'Amber'), ('green', 'Green')], max_length=10)),
                        ('risk_notes', models.TextField(blank=True)),
                        ('next_review_due', models.DateField()),
                        ('recorded_at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'casework_casereview',
                        'ordering': ['-held_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DecisionNotToAct',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField()),
                        ('decided_at', models.DateTimeField()),
                        ('is_synthetic', models.BooleanField(default=False)),
                    ],
                    options={
                        'db_table': 'casework_decisionnottoact',
                    },
                ),
                migrations.CreateModel(
                    name='StrategyDiscussion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('held_on', models.DateField()),
                        ('attendees', models.TextField(blank=True, help_text='Names and roles of who took part.')),
                        ('summary', models.TextField()),
                        ('decision', models.CharField(choices=[('open_case', 'Open a multi-agency case'), ('single_agency', 'Single-agency support'), ('no_case', 'No case needed')], max_length=20)),
                        ('decision_reason', models.TextField(blank=True)),
                        ('recorded_at', models.DateTimeField()),
                        ('is_synthetic', models.BooleanField(default=False)),
                    ],
                    options={
                        'db_table': 'casework_strategydiscussion',
                        'ordering': ['-held_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TransitionPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('adult_services_contact', models.CharField(blank=True, max_length=200)),
                        ('vawg_contact', models.CharField(blank=True, max_length=200)),
                        ('handover_on', models.DateField()),
                        ('notes', models.TextField(blank=True)),
                        ('updated_at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'casework_transitionplan',
                    },
                ),
                migrations.CreateModel(
                    name='Action',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('detail', models.TextField(blank=True)),
                        ('due_on', models.DateField()),
                        ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=20)),
                        ('created_at', models.DateTimeField()),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('completion_note', models.TextField(blank=True)),
                        ('source', models.CharField(choices=[('plan', 'Case plan'), ('mase', 'MASE meeting'), ('disruption', 'Disruption plan'), ('referral', 'Referral')], default='plan', max_length=20)),
                        ('overdue_notified_on', models.DateField(blank=True, help_text='Written only by the overdue-actions job.', null=True)),
                        ('is_synthetic', models.BooleanField(default=False)),
                        ('completed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions_owned', to=settings.AUTH_USER_MODEL)),
                        ('owner_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='partnership.agency')),
                    ],
                    options={
                        'db_table': 'casework_action',
                        'ordering': ['due_on', 'pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
