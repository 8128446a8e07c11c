"""Referrals in the synthetic Eastbrook demo, made through the real casework actions.

What the MASH screener (``csc.mash``) and the coordinator see: referrals from a school and the
police about young people already in case teams, two concerns from community partners (the
hotel and the taxi firm) about young people not yet identified, one referral past the 24-hour
clock, and two already screened. Times are relative to the moment of loading, so the clock is
live whenever the demo starts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from governance.models import LegitimateRelationship
from referrals.actions import do_refer, do_screen, do_submit_partner_concern

if TYPE_CHECKING:
    from demo.eastbrook import Generator

CONCERNS = (
    "Seen getting into a car with older males outside school on three afternoons this month.",
    "Has a new phone and money she cannot explain; says an older 'boyfriend' gave them to her.",
    "Found by patrol in the early hours at the Riverside retail park with adults not known to us.",
    "Missing twice this week; returned each time with alcohol on his breath and would not say "
    "where he had been.",
)
PARTNER_CONCERNS = (
    (
        "hotel.partner",
        "A girl who looked about 14 arrived late with a man in his 40s who paid in cash.",
        "Girl about 14, dark hoodie; man 40s, grey coat",
        "Riverside Lodge Hotel reception",
    ),
    (
        "taxi.partner",
        "Two young teenagers were picked up from the Canal Side flats at 1am by a driver's "
        "account holder who asked for no receipt.",
        "Two young teenagers, one boy one girl",
        "Canal Side flats",
    ),
)


def make_referrals(generator: Generator) -> int:
    rng = generator.stream("referrals")
    now = timezone.now()
    users = generator.user_by_username
    made = 0
    referrers = [name for name in ("school.dsl", "police.practitioner") if name in users]
    waiting = []
    for index, username in enumerate(referrers * 2):
        user = users[username]
        people = list(
            LegitimateRelationship.objects.filter(user=user)
            .order_by("young_person_id")
            .values_list("young_person", flat=True)
        )
        if not people:
            continue
        chosen = rng.choice(people)
        young_person = next(p for p in generator.registered if p.pk == chosen)
        hours_ago = (30, 3, 20, 1)[index % 4]  # the first one is past the clock
        referral = do_refer(
            actor=user,
            young_person=young_person,
            concern=CONCERNS[index % len(CONCERNS)],
            consent_status="not_sought",
            lawful_basis="public_task_safeguarding",
            reason_without_consent="Asking first could alert the adults involved.",
            next_steps_discussed=False,
            received_at=now - timedelta(hours=hours_ago),
            is_synthetic=True,
        )
        waiting.append(referral)
        made += 1
    for username, concern, who, where in PARTNER_CONCERNS:
        if username in users:
            do_submit_partner_concern(
                actor=users[username],
                concern=concern,
                subject_description=who,
                where=where,
                when_seen="Last Friday night",
                received_at=now - timedelta(hours=rng.randint(2, 12)),
                is_synthetic=True,
            )
            made += 1
    screener = users.get("csc.mash")
    if screener is not None:
        for referral in waiting[2:4]:
            do_screen(
                actor=screener,
                referral=referral,
                rating="amber",
                rationale="Several agencies hold low-level concerns in the last month.",
                decision="strategy_discussion",
            )
    return made
