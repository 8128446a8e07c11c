"""The links of the moved case models, in Django's state only (the columns and constraints are
those casework made)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0001_initial'),
        ('governance', '0006_sharing_category_type_names'),
        ('partnership', '0001_initial'),
        ('people', '0003_indexes_for_the_gate'),
        ('referrals', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='action',
                    name='referral',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='referrals.referral'),
                ),
                migrations.AddField(
                    model_name='action',
                    name='young_person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='people.youngperson'),
                ),
                migrations.AddField(
                    model_name='case',
                    name='lead',
                    field=models.ForeignKey(help_text='The lead professional, from any agency (voluntary sector included).', on_delete=django.db.models.deletion.PROTECT, related_name='cases_led', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='case',
                    name='lead_agency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency'),
                ),
                migrations.AddField(
                    model_name='case',
                    name='referral',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='referrals.referral'),
                ),
                migrations.AddField(
                    model_name='case',
                    name='young_person',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='people.youngperson'),
                ),
                migrations.AddField(
                    model_name='action',
                    name='case',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='casemember',
                    name='agency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency'),
                ),
                migrations.AddField(
                    model_name='casemember',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='casemember',
                    name='relationship',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='governance.legitimaterelationship'),
                ),
                migrations.AddField(
                    model_name='casemember',
                    name='user',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='casereview',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='casereview',
                    name='recorded_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='decisionnottoact',
                    name='decided_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='decisionnottoact',
                    name='referral',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='decision_not_to_act', to='referrals.referral'),
                ),
                migrations.AddField(
                    model_name='strategydiscussion',
                    name='agencies_present',
                    field=models.ManyToManyField(related_name='+', to='partnership.agency'),
                ),
                migrations.AddField(
                    model_name='strategydiscussion',
                    name='case',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='strategy_discussions', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='strategydiscussion',
                    name='chair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='strategydiscussion',
                    name='recorded_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='strategydiscussion',
                    name='referral',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='strategy_discussions', to='referrals.referral'),
                ),
                migrations.AddField(
                    model_name='strategydiscussion',
                    name='young_person',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='strategy_discussions', to='people.youngperson'),
                ),
                migrations.AddField(
                    model_name='transitionplan',
                    name='adult_services_agency',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency'),
                ),
                migrations.AddField(
                    model_name='transitionplan',
                    name='case',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='transition_plan', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='transitionplan',
                    name='updated_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='transitionplan',
                    name='vawg_agency',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnership.agency'),
                ),
                migrations.AddIndex(
                    model_name='case',
                    index=models.Index(fields=['status', 'next_review_due'], name='casework_ca_status_3dbd37_idx'),
                ),
                migrations.AddIndex(
                    model_name='case',
                    index=models.Index(fields=['young_person', 'status'], name='casework_ca_young_p_10de6e_idx'),
                ),
                migrations.AddIndex(
                    model_name='action',
                    index=models.Index(fields=['status', 'due_on'], name='casework_ac_status_3220b8_idx'),
                ),
                migrations.AddIndex(
                    model_name='action',
                    index=models.Index(fields=['owner_agency', 'status'], name='casework_ac_owner_a_169164_idx'),
                ),
                migrations.AddIndex(
                    model_name='casemember',
                    index=models.Index(fields=['user', 'removed_at'], name='casework_ca_user_id_469711_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
