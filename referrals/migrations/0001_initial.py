"""Referral, ReferralPathway and Screening move here from casework, in Django's state only:
the tables keep their casework_* names (db_table) and no row is copied. On a new database the
tables are made by casework's migrations 0001-0004, which run first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('casework', '0004_case_review_overdue_notified_on'),
        ('partnership', '0001_initial'),
        ('people', '0003_indexes_for_the_gate'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Referral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('practitioner', 'Practitioner'), ('community_partner', 'Community partner')], max_length=30)),
                        ('kind', models.CharField(blank=True, choices=[('sexual_exploitation', 'Child sexual exploitation'), ('criminal_exploitation', 'Child criminal exploitation (county lines)'), ('missing', 'Going missing'), ('online', 'Online grooming or abuse'), ('trafficking', 'Trafficking or modern slavery'), ('other', 'Something else or not sure')], max_length=30)),
                        ('receipt', models.CharField(max_length=12, unique=True)),
                        ('received_at', models.DateTimeField()),
                        ('concern', models.TextField(help_text='What the referrer is worried about, in their words.')),
                        ('subject_description', models.TextField(blank=True, help_text='For a community partner: who they saw, as best they can describe.')),
                        ('where', models.CharField(blank=True, max_length=200)),
                        ('when_seen', models.CharField(blank=True, max_length=100)),
                        ('vehicles', models.CharField(blank=True, max_length=200)),
                        ('phones', models.CharField(blank=True, max_length=200)),
                        ('consent_status', models.CharField(blank=True, max_length=20)),
                        ('lawful_basis', models.CharField(blank=True, max_length=40)),
                        ('reason_without_consent', models.TextField(blank=True)),
                        ('status', models.CharField(choices=[('awaiting_screening', 'Awaiting screening'), ('screened', 'Screened')], default='awaiting_screening', max_length=30)),
                        ('is_synthetic', models.BooleanField(default=False)),
                        ('receiving_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency')),
                        ('referrer', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('referring_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency')),
                        ('young_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='people.youngperson')),
                    ],
                    options={
                        'db_table': 'casework_referral',
                        'ordering': ['received_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ReferralPathway',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('practitioner', 'Practitioner'), ('community_partner', 'Community partner')], max_length=30)),
                        ('kind', models.CharField(blank=True, choices=[('sexual_exploitation', 'Child sexual exploitation'), ('criminal_exploitation', 'Child criminal exploitation (county lines)'), ('missing', 'Going missing'), ('online', 'Online grooming or abuse'), ('trafficking', 'Trafficking or modern slavery'), ('other', 'Something else or not sure')], help_text='Leave blank for every kind of referral from this source.', max_length=30)),
                        ('note', models.TextField(blank=True)),
                        ('updated_at', models.DateTimeField(blank=True, null=True)),
                        ('receiving_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'casework_referralpathway',
                        'ordering': ['source', 'kind'],
                    },
                ),
                migrations.CreateModel(
                    name='Screening',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('screened_at', models.DateTimeField()),
                        ('rating', models.CharField(choices=[('red', 'Red'), ('amber', 'Amber'), ('green', 'Green')], max_length=10)),
                        ('rationale', models.TextField()),
                        ('decision', models.CharField(choices=[('no_further_action', 'No further action'), ('single_agency', 'Single-agency support'), ('strategy_discussion', 'Strategy discussion'), ('cse_case', 'Case for the CSE team')], max_length=30)),
                        ('decision_reason', models.TextField(blank=True)),
                        ('within_clock', models.BooleanField()),
                        ('referral', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='screening', to='referrals.referral')),
                        ('screener', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'casework_screening',
                    },
                ),
                migrations.AddIndex(
                    model_name='referral',
                    index=models.Index(fields=['receiving_agency', 'status', 'received_at'], name='casework_re_receivi_32cfc7_idx'),
                ),
                migrations.AddConstraint(
                    model_name='referralpathway',
                    constraint=models.UniqueConstraint(fields=('source', 'kind'), name='referral_pathway_unique'),
                ),
            ],
            database_operations=[],
        ),
    ]
