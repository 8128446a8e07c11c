"""MASE meetings in the synthetic Eastbrook demo, made through the real MASE actions.

What the coordinators see:

- **A past meeting**, four weeks ago, chaired by the police CSE coordinator (``police.coordinator``,
  who sees the police records behind the linked phones, vehicles and places in full). Statutory
  agencies and both voluntary sector agencies are on the attendance list; education and the
  youth offending service sent apologies. Its VOLT agenda was prepared from the data, the first
  items are minuted with decisions, and actions were agreed with five agencies: some are done,
  some still open (one of them overdue), so they are carried forward.
- **Disruption plans** agreed at that meeting: one against the adult at the centre of the first
  hidden cluster (child abduction warning notice served and achieved; taxi firm engagement
  partly achieved; arrest enquiries open) and one against the cluster's place (a licensing or
  hotel engagement visit, open).
- **An upcoming meeting**, in a week, with the same agencies invited and its agenda prepared:
  the open actions carried forward, high-risk young people from the screening tool, cases due
  review (when the cases step has run), the shared phones, vehicles and places, the businesses
  that reported concerns, the disruption plans, and the rising kinds of record.
- **Partnership activity**: training and community-awareness sessions over the past year,
  with the businesses and schools that came.

Dates are counted from the real today (like the referral clock), so "overdue" and "upcoming"
are true whenever the demo loads. Everything is marked synthetic. Run this step after the
assessments and cases steps: the agenda reads their results.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from cases.actions import do_complete_action
from mase.actions import (
    do_add_disruption_action,
    do_assign_meeting_action,
    do_create_disruption_plan,
    do_prepare_agenda,
    do_record_activity,
    do_record_attendance,
    do_record_disruption_outcome,
    do_record_minutes,
    do_schedule_meeting,
    do_set_meeting_status,
)
from mase.models import (
    ActivityKind,
    AgendaItem,
    DisruptionKind,
    DisruptionOutcome,
    Meeting,
    Presence,
    Section,
    TargetKind,
)

if TYPE_CHECKING:
    from demo.eastbrook import Generator

PLACE = "Conference room 2, Eastbrook Police station (synthetic)"

# (agency key, coordinator username or "" for a named guest, presence at the past meeting)
ATTENDEES = (
    ("police", "police.coordinator", Presence.PRESENT),
    ("csc", "csc.coordinator", Presence.PRESENT),
    ("health", "health.coordinator", Presence.PRESENT),
    ("education", "education.coordinator", Presence.APOLOGIES),
    ("yos", "yos.coordinator", Presence.APOLOGIES),
    ("housing", "housing.coordinator", Presence.PRESENT),
    ("safesteps", "safesteps.coordinator", Presence.PRESENT),
    ("youthproject", "", Presence.PRESENT),
)

MINUTES = {
    Section.CARRIED_FORWARD: (
        "Progress reported by the owning agency.",
        "Keep open; report back at the next meeting.",
    ),
    Section.VICTIMS: (
        "Agencies shared what they hold. Missing episodes are longer and closer together; she "
        "has told her Safe Steps worker about an older male who buys her phone credit "
        "(allegation, recorded by Safe Steps).",
        "Strategy discussion to be reconvened; return home interviews to be done by Safe Steps "
        "within 72 hours of each return.",
    ),
    Section.OFFENDERS: (
        "The same number appears in police, voluntary sector and partner records for several "
        "young people. Police intelligence unit to research the subscriber.",
        "Open a disruption plan against the adult using the number.",
    ),
    Section.LOCATIONS: (
        "Several young people found at the same address late at night. Housing to check the "
        "tenancy; police to speak to the licensee of the business below.",
        "Add the location to the disruption plan; community awareness session for local "
        "businesses.",
    ),
    Section.THEMES: (
        "Missing episodes and school absences rising together in the last month.",
        "Education to cross-check absences against missing reports weekly.",
    ),
}

# (agency key, title, days from the meeting to the due date, done?)
ACTIONS = (
    (
        "safesteps",
        "Offer return home interviews within 72 hours after each missing episode",
        14,
        True,
    ),
    ("police", "Research the subscriber of the shared phone number", 21, False),
    ("housing", "Check the tenancy of the flat where young people were found", 10, True),
    ("education", "Weekly cross-check of absences against police missing reports", 35, False),
    ("csc", "Reconvene the strategy discussion", 7, False),
    ("health", "School nurse to offer drop-in sessions at Eastbrook Academy", 21, True),
)

ACTIVITIES = (
    # (days ago, title, kind, agency key, delivered by, attendees, businesses, schools)
    (
        300,
        "Multi-agency CSE training: recognising and responding",
        ActivityKind.TRAINING,
        "csc",
        "Partnership training team",
        28,
        (),
        (),
    ),
    (
        240,
        "Designated safeguarding leads: exploitation and missing from education",
        ActivityKind.TRAINING,
        "education",
        "Education safeguarding team",
        17,
        (),
        (
            "Eastbrook Academy",
            "Northfield High School",
            "Riverside Community School",
            "Coldharbour School",
        ),
    ),
    (
        180,
        "Hotel and B&B staff: spotting exploitation",
        ActivityKind.COMMUNITY_AWARENESS,
        "police",
        "Child exploitation team",
        12,
        (
            "Riverside Lodge Hotel (synthetic)",
            "Station Road B&B (synthetic)",
            "Canal Side Guest House (synthetic)",
        ),
        (),
    ),
    (
        120,
        "Taxi drivers' awareness evening",
        ActivityKind.COMMUNITY_AWARENESS,
        "safesteps",
        "Safe Steps outreach team",
        21,
        ("Brook Cars Eastbrook (synthetic)", "Eastbrook Private Hire (synthetic)"),
        (),
    ),
    (
        75,
        "Healthy relationships assemblies, Years 8 and 9",
        ActivityKind.COMMUNITY_AWARENESS,
        "safesteps",
        "Safe Steps education worker",
        340,
        (),
        ("Eastbrook Academy", "St Bede's Catholic High School"),
    ),
    (
        40,
        "Takeaway and late-night business owners' session",
        ActivityKind.COMMUNITY_AWARENESS,
        "youthproject",
        "Detached youth work team",
        9,
        (
            "Canal Side Takeaway (synthetic)",
            "Riverside Kebab House (synthetic)",
            "Eastbrook Security Services (synthetic)",
        ),
        (),
    ),
    (
        20,
        "Contextual safeguarding for practitioners",
        ActivityKind.TRAINING,
        "csc",
        "Partnership training team",
        24,
        (),
        (),
    ),
)


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _invite(gen: Generator, meeting: Meeting, *, past: bool) -> None:
    chair = gen.user_by_username["police.coordinator"]
    for agency_key, username, presence in ATTENDEES:
        agency = gen.agency_by_key.get(agency_key)
        if agency is None:
            continue
        person = gen.user_by_username.get(username) if username else None
        do_record_attendance(
            actor=chair,
            meeting=meeting,
            agency=agency,
            person=person,
            name="" if person else "Detached youth worker (synthetic)",
            presence=presence if past else Presence.INVITED,
        )


def _past_meeting(gen: Generator) -> Meeting:
    chair = gen.user_by_username["police.coordinator"]
    meeting = do_schedule_meeting(
        actor=chair, starts_at=_at(-28, 10), chair=chair, place=PLACE, is_synthetic=True
    )
    _invite(gen, meeting, past=True)
    do_prepare_agenda(actor=chair, meeting=meeting)
    firsts: dict[str, AgendaItem] = {}
    for item in meeting.items.order_by("position"):
        firsts.setdefault(item.section, item)
    for section, item in firsts.items():
        if section in MINUTES:
            minutes, decisions = MINUTES[Section(section)]
            do_record_minutes(actor=chair, item=item, minutes=minutes, decisions=decisions)
    targets = [
        firsts[s]
        for s in (Section.VICTIMS, Section.OFFENDERS, Section.LOCATIONS, Section.THEMES)
        if s in firsts
    ]
    if not targets:
        return meeting
    meeting_day = meeting.starts_at.date()
    for number, (agency_key, title, days, done) in enumerate(ACTIONS):
        item = targets[number % len(targets)]
        action = do_assign_meeting_action(
            actor=chair,
            item=item,
            title=title,
            owner_agency=gen.agency_by_key[agency_key],
            due_on=meeting_day + timedelta(days=days),
            is_synthetic=True,
            allow_past_due=True,
        )
        if done:
            do_complete_action(actor=chair, action=action, note="Done and reported to the chair.")
    do_set_meeting_status(actor=chair, meeting=meeting, status="held")
    return meeting


def _disruption(gen: Generator, meeting: Meeting) -> int:
    chair = gen.user_by_username["police.coordinator"]
    police = gen.agency_by_key["police"]
    clusters = gen.record_plan.clusters if gen.record_plan else []
    if not clusters:
        return 0
    cluster = clusters[0]
    adult = cluster.spec.adult
    person = do_create_disruption_plan(
        actor=chair,
        target_kind=TargetKind.PERSON,
        target=f"{adult[0].upper()}{adult[1:]} ({cluster.spec.vehicle.lower()})"[:200],
        lead_agency=police,
        aim="Stop his contact with the young people discussed at MASE and gather evidence.",
        link_kind=cluster.phone.kind,
        link_value=cluster.phone.value,
        meeting=meeting,
        is_synthetic=True,
    )
    today = timezone.localdate()
    made = []
    for kind, title, owner, due, outcome, note in (
        (
            DisruptionKind.ABDUCTION_WARNING,
            "Serve child abduction warning notices for the young people seen with him",
            "police",
            -10,
            DisruptionOutcome.ACHIEVED,
            "Served in person; no further sightings with the named young people since.",
        ),
        (
            DisruptionKind.TAXI_ENGAGEMENT,
            "Ask Brook Cars to flag late bookings on his account",
            "police",
            -5,
            DisruptionOutcome.PARTLY,
            "The firm flags bookings; two other firms have not yet agreed.",
        ),
        (
            DisruptionKind.ARREST,
            "Arrest enquiries: evidence from the phone",
            "police",
            14,
            None,
            "",
        ),
    ):
        row = do_add_disruption_action(
            actor=chair,
            plan=person,
            kind=kind,
            title=title,
            owner_agency=gen.agency_by_key[owner],
            due_on=today + timedelta(days=due),
            is_synthetic=True,
            allow_past_due=True,
        )
        if outcome is not None:
            do_record_disruption_outcome(actor=chair, disruption=row, outcome=outcome, note=note)
        made.append(row)
    where = cluster.spec.place
    is_hotel = cluster.spec.partner == "hotel"
    place = do_create_disruption_plan(
        actor=chair,
        target_kind=TargetKind.BUSINESS if is_hotel else TargetKind.LOCATION,
        target=where,
        lead_agency=gen.agency_by_key["housing"] if not is_hotel else police,
        aim="Make the place hostile to exploitation: staff who notice, owners who act.",
        link_kind=cluster.place.kind,
        link_value=cluster.place.value,
        meeting=meeting,
        is_synthetic=True,
    )
    made.append(
        do_add_disruption_action(
            actor=chair,
            plan=place,
            kind=DisruptionKind.HOTEL_ENGAGEMENT if is_hotel else DisruptionKind.LICENSING_VISIT,
            title=(
                "Visit with licensing: staff briefing, and a log of late arrivals with young people"
                if is_hotel
                else "Joint licensing visit to the business below the flat"
            ),
            owner_agency=police if is_hotel else gen.agency_by_key["housing"],
            due_on=today + timedelta(days=10),
            is_synthetic=True,
        )
    )
    return len(made)


def _activities(gen: Generator) -> int:
    chair = gen.user_by_username["police.coordinator"]
    today = timezone.localdate()
    for days, title, kind, agency, by, attendees, businesses, schools in ACTIVITIES:
        do_record_activity(
            actor=chair,
            held_on=today - timedelta(days=days),
            title=title,
            kind=kind,
            delivered_by_agency=gen.agency_by_key[agency],
            delivered_by_name=by,
            attendees=attendees,
            businesses=list(businesses),
            schools=list(schools),
            is_synthetic=True,
        )
    return len(ACTIVITIES)


def generate(gen: Generator) -> int:
    """A held meeting, disruption plans, an upcoming meeting with its agenda, and partnership
    activity. Returns the number of agenda items on the upcoming meeting."""
    if "police.coordinator" not in gen.user_by_username:
        return 0
    chair = gen.user_by_username["police.coordinator"]
    past = _past_meeting(gen)
    disruption = _disruption(gen, past)
    upcoming = do_schedule_meeting(
        actor=chair, starts_at=_at(7, 10), chair=chair, place=PLACE, is_synthetic=True
    )
    _invite(gen, upcoming, past=False)
    do_prepare_agenda(actor=chair, meeting=upcoming)
    sessions = _activities(gen)
    items = upcoming.items.count()
    gen._progress(
        f"2 MASE meetings ({items} items on the next agenda), {disruption} disruption actions, "
        f"{sessions} partnership sessions"
    )
    return items
