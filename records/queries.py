"""Reading records, always through the access gate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from governance import policy
from governance.models import AuditAction, AuditEvent, AuditObject, Level
from partnership.models import Agency, Role, Service, User
from people.models import YoungPerson
from records.models import AgencyRecord, Classification, RecordType


class Entry:
    """One record of a chronology and the level at which this viewer sees it.

    A chronology decides a level for every record (the counts and the existence flags need
    them all) but a page shows a hundred entries: the record is built from its row only when
    it is first asked for.
    """

    __slots__ = ("_record", "_related", "_row", "level", "name_shown")

    def __init__(
        self,
        record: AgencyRecord | None,
        level: Level,
        *,
        name_shown: bool,
        row: tuple[Any, ...] | None = None,
        related: _Related | None = None,
    ) -> None:
        if record is None and (row is None or related is None):
            raise ValueError("an entry needs a record, or a row and its related objects")
        self._record = record
        self._row = row
        self._related = related
        self.level = level
        self.name_shown = name_shown  # may the type's name be shown (``policy.type_name_shown``)

    @property
    def record(self) -> AgencyRecord:
        if self._record is None:
            assert self._row is not None
            assert self._related is not None
            self._record = self._related.record(self._row)
        return self._record

    @property
    def is_full(self) -> bool:
        return self.level == Level.FULL

    @property
    def type_label(self) -> str:
        """The record type's name, or its generic kind where the name is content."""
        record_type = self.record.record_type
        return record_type.name if self.name_shown else str(record_type.get_kind_display())

    @property
    def href(self) -> str:
        """The record's own page (reversed once for the whole chronology, not per entry)."""
        if self._related is None:
            return reverse("records:detail", args=[self.record.pk])
        return self._related.href(self.record.pk)

    def __repr__(self) -> str:
        return f"<Entry {self.record.pk} {self.level.label}>"


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


# What a chronology reads of each record (the columns the hand-written baseline reads too):
# the record's own columns, then the names shown from its type, agency and service. Everything
# else (details, facts, location, ...) is left deferred: loaded only if something asks for it.
_READ = {
    "id",
    "young_person_id",
    "record_type_id",
    "owning_agency_id",
    "owning_service_id",
    "author_id",
    "category",
    "classification",
    "nature",
    "occurred_at",
    "ended_at",
    "recorded_at",
    "title",
    "disposed_at",
}
# In the model's order of fields, as ``Model.from_db`` expects the values of a partial row.
_RECORD_COLUMNS = tuple(f.attname for f in AgencyRecord._meta.concrete_fields if f.attname in _READ)
_TYPE_COLUMNS = ("id", "code", "name", "kind")
_AGENCY_COLUMNS = ("id", "name", "short_name", "cse_contact")
_SERVICE_COLUMNS = ("id", "name", "kind")
_JOINED = (
    *(f"record_type__{name}" for name in _TYPE_COLUMNS[1:]),
    *(f"owning_agency__{name}" for name in _AGENCY_COLUMNS[1:]),
    *(f"owning_service__{name}" for name in _SERVICE_COLUMNS[1:]),
)
_AT = {name: index for index, name in enumerate(_RECORD_COLUMNS)}
_TYPE_AT = len(_RECORD_COLUMNS)
_AGENCY_AT = _TYPE_AT + len(_TYPE_COLUMNS) - 1
_SERVICE_AT = _AGENCY_AT + len(_AGENCY_COLUMNS) - 1
# The facts ``policy.level_of`` reads of a record; records alike in these get the same level.
_LEVEL_FACTS = tuple(_AT[name] for name in policy.LEVEL_FIELDS)


class _Related:
    """A chronology's record types, agencies and services, one instance per row in the table
    (shared by every entry that names it), and records built from rows on demand."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.types: dict[int, RecordType] = {}
        self.agencies: dict[int, Agency] = {}
        self.services: dict[int, Service] = {}
        self._href: tuple[str, str] | None = None

    def href(self, pk: int) -> str:
        if self._href is None:
            marker = "987654321"
            before, _marker, after = reverse("records:detail", args=[int(marker)]).partition(marker)
            self._href = (before, after)
        return f"{self._href[0]}{pk}{self._href[1]}"

    def agency(self, row: tuple[Any, ...]) -> Agency:
        pk = row[_AT["owning_agency_id"]]
        agency = self.agencies.get(pk)
        if agency is None:
            values = (pk, *row[_AGENCY_AT : _AGENCY_AT + len(_AGENCY_COLUMNS) - 1])
            agency = self.agencies[pk] = Agency.from_db(self.db, _AGENCY_COLUMNS, values)
        return agency

    def record(self, row: tuple[Any, ...]) -> AgencyRecord:
        record = AgencyRecord.from_db(self.db, _RECORD_COLUMNS, row[:_TYPE_AT])
        type_id = row[_AT["record_type_id"]]
        record_type = self.types.get(type_id)
        if record_type is None:
            values = (type_id, *row[_TYPE_AT:_AGENCY_AT])
            record_type = self.types[type_id] = RecordType.from_db(self.db, _TYPE_COLUMNS, values)
        record.record_type = record_type
        record.owning_agency = self.agency(row)
        service_id = row[_AT["owning_service_id"]]
        if service_id is None:
            record.owning_service = None
        else:
            service = self.services.get(service_id)
            if service is None:
                values = (service_id, *row[_SERVICE_AT:])
                service = self.services[service_id] = Service.from_db(
                    self.db, _SERVICE_COLUMNS, values
                )
            record.owning_service = service
        return record


def chronology_for(user: User, young_person: YoungPerson, filters: Filters) -> Chronology:
    """One timeline across agencies, each entry at the level this user may see.

    A fixed number of queries whatever the number of records: the viewer's context (three),
    the sharing agreement (one or two) and the records themselves (one).

    Every record gets its level from ``policy.level_of``, decided once for each distinct set
    of the facts it reads (``policy.LEVEL_FIELDS``): a heavy chronology has hundreds of
    records but few distinct (agency, service, author, category, classification).
    """
    viewer = policy.viewer_for(user, young_person)
    chronology = Chronology(young_person=young_person, viewer=viewer, filters=filters)
    if not viewer.reads:
        return chronology
    records = filters.apply(
        AgencyRecord.objects.filter(young_person=young_person, disposed_at__isnull=True)
    ).order_by("-occurred_at", "-pk")
    related = _Related(records.db)
    # Break-glass is offered only when it would show something the viewer cannot see now.
    with_break_glass = replace(viewer, break_glass=True)
    levels: dict[tuple[Any, ...], tuple[Level, bool, bool]] = {}
    hidden: dict[int, int] = defaultdict(int)
    entries = chronology.entries
    for row in records.values_list(*_RECORD_COLUMNS, *_JOINED):
        facts = tuple(row[index] for index in _LEVEL_FACTS)
        decided = levels.get(facts)
        if decided is None:
            probe = AgencyRecord(**dict(zip(policy.LEVEL_FIELDS, facts, strict=True)))
            level = policy.level_of(viewer, probe)
            would_help = (
                level == Level.EXISTENCE and policy.level_of(with_break_glass, probe) > level
            )
            shown = policy.type_name_shown(viewer, probe, level)
            decided = levels[facts] = (level, would_help, shown)
        level, would_help, name_shown = decided
        if filters.type_code and not name_shown:
            continue  # filtering by a type whose name is content would tell it
        if level >= Level.SUMMARY:
            entries.append(Entry(None, level, name_shown=name_shown, row=row, related=related))
        elif level == Level.EXISTENCE:
            hidden[related.agency(row).pk] += 1
            chronology.break_glass_would_help |= would_help
    agencies = related.agencies
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
    """Records across young people that this user sees at summary or more, filtered.

    Filtering by type leaves out another agency's records below full level whose type name is
    content (``policy.type_name_shown``): the filter would otherwise tell the type.
    """
    visible = policy.records_visible_to(user, at_least=Level.SUMMARY)
    if filters.type_code:
        named = Q(owning_agency_id=user.agency_id) | (
            Q(classification=Classification.STANDARD) & ~Q(category__in=policy.content_type_names())
        )
        visible = visible.filter(named | policy.visible_filter(user, at_least=Level.FULL))
    return (
        filters.apply(visible)
        .select_related("record_type", "owning_agency", "owning_service", "young_person")
        .order_by("-occurred_at", "-pk")
    )


_SEEN = (AuditAction.VIEW, AuditAction.EXPORT)


def list_entries(user: User, records: list[AgencyRecord]) -> list[Entry]:
    """A page of the partnership list: each record at this user's level, with its type's name
    where it may be shown. The viewers of the young people on the page in a fixed few queries."""
    viewers = policy.viewers_for(user, {record.young_person_id for record in records})
    entries = []
    for record in records:
        viewer = viewers[record.young_person_id]
        level = policy.level_of(viewer, record)
        shown = policy.type_name_shown(viewer, record, level)
        entries.append(Entry(record, level, name_shown=shown))
    return entries


def seen_by(record: AgencyRecord) -> QuerySet[AuditEvent]:
    """Who has opened this record, or viewed its young person's chronology since it was made."""
    return AuditEvent.objects.filter(
        Q(object_type=AuditObject.AGENCY_RECORD, object_id=str(record.pk), action__in=_SEEN)
        | Q(
            object_type=AuditObject.YOUNG_PERSON,
            object_id=str(record.young_person_id),
            action__in=_SEEN,
            occurred_at__gte=record.recorded_at,
        )
    ).order_by("-seq")


@dataclass(frozen=True)
class Seen:
    """One line of "who has seen this", in words: the person's name, role and agency."""

    event: AuditEvent
    who: str
    role: str
    agency: str


def seen_by_in_words(record: AgencyRecord, limit: int = 200) -> list[Seen]:
    """:func:`seen_by`, newest first, with each account's name, role and agency as people say
    them (the audit log keeps the username, role code and agency short name of the time)."""
    events = list(seen_by(record)[:limit])
    users = {
        user.get_username(): user
        for user in User.objects.filter(
            username__in={event.actor_username for event in events if event.actor_username}
        ).select_related("agency")
    }
    agencies = dict(Agency.objects.values_list("short_name", "name"))
    roles = dict(Role.choices)
    lines = []
    for event in events:
        user = users.get(event.actor_username)
        name = (user.get_full_name() if user else "") or event.actor_username or "Tessera itself"
        lines.append(
            Seen(
                event=event,
                who=name,
                role=str(roles.get(event.actor_role, event.actor_role)),
                agency=agencies.get(event.actor_agency, event.actor_agency),
            )
        )
    return lines


# --- A record's facts, to read ------------------------------------------------------------

_FACT_LABELS = {
    "approximate_age": "Approximate age (as the agency estimated it)",
    "episode_reference": "Episode reference",
    "missing_from_location": "Went missing from",
    "found_location": "Found at",
    "risk_grading": "Risk grading",
    "return_home_interview": "Return home interview",
    "return_home_interview_date": "Return home interview date",
    "last_seen_at": "Last seen",
    "reported_by": "Reported missing by",
    "circumstances": "Circumstances",
    "return_method": "How they returned",
    "attendance_reference": "Attendance reference",
    "service_type": "Service",
    "site": "Site",
    "reason": "Reason",
    "outcome": "Outcome",
    "accompanied_by": "Accompanied by",
    "safeguarding_concern_noted": "Safeguarding concern noted",
    "status": "Status",
    "case_reference": "Case reference",
    "category": "Category",
    "category_of_need": "Category of need",
    "placement_type": "Placement type",
    "code": "Attendance code",
    "level": "Register",
    "session": "Session",
    "lesson": "Lesson",
    "imported_from": "Imported from",
    # concerns
    "category_name": "Concern category",
    "agency_kind": "Raised by (kind of agency)",
    "reporter_role": "Reporter's role",
    "concern_reference": "Concern reference",
    # school roll enrolments
    "school": "School",
    "year_group": "Year group",
    "on_roll_from": "On roll from",
    "on_roll_to": "On roll to",
    "leaving_reason": "Leaving reason",
    "preferred_forename": "Preferred forename",
    "ethnicity_code": "Ethnicity code",
    "sen_provision": "SEN provision",
    "free_school_meals": "Free school meals",
    "looked_after": "Looked after",
}
# Codes written with underscores: shown as words.
_CODED_FACTS = frozenset(
    {
        "risk_grading",
        "return_home_interview",
        "service_type",
        "status",
        "level",
        "agency_kind",
        "sen_provision",
    }
)
# Dates named otherwise than *_date.
_DATE_FACTS = frozenset({"on_roll_from", "on_roll_to"})


def _fact_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "imported_from" and isinstance(value, dict):
        return f"{value.get('file', '')}, row {value.get('row', '')}".strip(", ")
    if name == "approximate_age":
        return f"about {value}"
    text = str(value)
    if name.endswith("_at") and len(text) > 10:
        try:
            moment = timezone.localtime(datetime.fromisoformat(text))
        except ValueError:
            return text
        return f"{moment.day} {moment:%B %Y, %H:%M}"
    if (name.endswith("_date") or name in _DATE_FACTS) and len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    if name in _CODED_FACTS:
        return text.replace("_", " ").capitalize()
    return text


def fact_rows(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """A record's facts as (label, value) lines for its page, blanks left out. Only for a
    viewer who sees the record in full."""
    rows = []
    for name, value in facts.items():
        if value is None or value == "" or (isinstance(value, (list, dict)) and not value):
            continue
        if name == "category" and facts.get("category_name"):
            continue  # a concern's category code: shown by its name
        label = _FACT_LABELS.get(name, name.replace("_", " ").capitalize())
        rows.append((label, _fact_value(name, value)))
    return rows
