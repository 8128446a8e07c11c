"""Reading records, always through the access gate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import policy
from governance.models import AuditEvent, Level
from partnership.models import Agency, User
from people.models import YoungPerson
from records.models import AgencyRecord, RecordType


@dataclass(frozen=True)
class Entry:
    record: AgencyRecord
    level: Level

    @property
    def is_full(self) -> bool:
        return self.level == Level.FULL


@dataclass(frozen=True)
class ExistenceFlag:
    """ "Health holds information — contact …": the agency and whom to ask, nothing else."""

    agency: Agency
    count: int
    own_agency: bool = False

    @property
    def contact(self) -> str:
        return self.agency.cse_contact or "the partnership's CSE coordinator"


@dataclass(frozen=True)
class Filters:
    agency_id: int | None = None
    type_code: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.agency_id or self.type_code or self.since or self.until)

    def as_audit(self) -> dict[str, Any]:
        return {
            "agency": self.agency_id,
            "type": self.type_code,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    def apply(self, records: QuerySet[AgencyRecord]) -> QuerySet[AgencyRecord]:
        if self.agency_id:
            records = records.filter(owning_agency_id=self.agency_id)
        if self.type_code:
            # By id, so that the ordered index on (record type, occurred) can be used.
            type_id = RecordType.objects.filter(code=self.type_code).values_list("pk", flat=True)
            records = records.filter(record_type_id__in=list(type_id))
        if self.since:
            records = records.filter(occurred_at__gte=_start_of(self.since))
        if self.until:
            records = records.filter(occurred_at__lt=_start_of(self.until) + timedelta(days=1))
        return records


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Chronology:
    young_person: YoungPerson
    viewer: policy.Viewer
    filters: Filters
    entries: list[Entry] = field(default_factory=list)
    flags: list[ExistenceFlag] = field(default_factory=list)
    break_glass_would_help: bool = False

    @property
    def full_count(self) -> int:
        return sum(1 for entry in self.entries if entry.is_full)


def chronology_for(user: User, young_person: YoungPerson, filters: Filters) -> Chronology:
    """One timeline across agencies, each entry at the level this user may see.

    A fixed number of queries whatever the number of records: the viewer's context (three),
    the sharing agreement (one or two) and the records themselves (one).
    """
    viewer = policy.viewer_for(user, young_person)
    chronology = Chronology(young_person=young_person, viewer=viewer, filters=filters)
    if not viewer.reads:
        return chronology
    records = (
        filters.apply(
            AgencyRecord.objects.filter(young_person=young_person, disposed_at__isnull=True)
        )
        .select_related("record_type", "owning_agency", "owning_service")
        .defer("details", "facts", "location")  # the chronology shows one line per entry
    )
    hidden: dict[int, int] = defaultdict(int)
    agencies: dict[int, Agency] = {}
    # Break-glass is offered only when it would show something the viewer cannot see now.
    with_break_glass = replace(viewer, break_glass=True)
    for record in records.order_by("-occurred_at", "-pk"):
        level = policy.level_of(viewer, record)
        if level >= Level.SUMMARY:
            chronology.entries.append(Entry(record, level))
        elif level == Level.EXISTENCE:
            hidden[record.owning_agency_id] += 1
            agencies[record.owning_agency_id] = record.owning_agency
            if policy.level_of(with_break_glass, record) > level:
                chronology.break_glass_would_help = True
    chronology.flags = [
        ExistenceFlag(agencies[agency_id], count, own_agency=agency_id == user.agency_id)
        for agency_id, count in sorted(hidden.items(), key=lambda item: agencies[item[0]].name)
    ]
    return chronology


def record_types() -> QuerySet[RecordType]:
    return RecordType.objects.filter(is_active=True).order_by("name")


def partnership_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("name")


def filtered_records(user: User, filters: Filters) -> QuerySet[AgencyRecord]:
    """Records across young people that this user sees at summary or more, filtered."""
    return (
        filters.apply(policy.records_visible_to(user, at_least=Level.SUMMARY))
        .select_related("record_type", "owning_agency", "owning_service", "young_person")
        .order_by("-occurred_at", "-pk")
    )


def seen_by(record: AgencyRecord) -> QuerySet[AuditEvent]:
    """Who has opened this record, or viewed its young person's chronology since it was made."""
    return AuditEvent.objects.filter(
        Q(object_type="agency_record", object_id=str(record.pk), action__in=["view", "export"])
        | Q(
            object_type="young_person",
            object_id=str(record.young_person_id),
            action__in=["view", "export"],
            occurred_at__gte=record.recorded_at,
        )
    ).order_by("-seq")
