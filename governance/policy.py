"""The access gate: what may this user see of this, and at what level.

Every read of a young person's data goes through here. Lists ask for a queryset; single
objects ask for a decision. Nothing else in Tessera filters by agency or role.

How a level is decided for one record (``level_of``):

1. Roles that do not read case content (administrator, strategic lead, community partner)
   see nothing. Disposed records show nothing to anyone.
2. The owning agency sees its records in full, except that a *restricted* record is full only
   to its own service and author, and a *sexual health* record only to the sexual health
   service; other colleagues in the agency see that it exists.
3. Another agency starts from the information sharing agreement (agency kind x category).
   - Information governance officers see at most a summary: they oversee, they do not work
     cases.
   - Without need to know (a legitimate relationship with the young person, a break-glass
     access, or the coordinator or MASH screener role), the level is capped at existence.
   - A *restricted* record is capped at existence; a *sensitive* one at summary unless the
     viewer is in the young person's case team.
   - When the young person declined consent and no decision to share without consent on a
     lawful basis has been recorded since, the level is capped at existence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Expression, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from governance.defaults import DEFAULT_TYPE_NAMES_ARE_CONTENT, default_sharing_rules
from governance.models import (
    BreakGlassAccess,
    LegitimateRelationship,
    Level,
    SharingAgreement,
    SharingCategory,
    SharingRule,
)
from governance.permissions import Capability, may, within_reach
from partnership.models import Role, ServiceKind, User
from people.models import RecordedIdentity, YoungPerson
from records.models import AgencyRecord, Classification, RecordCategory, RecordLink

# Who may ask the gate: a signed-in user or, from a page before sign-in, the anonymous one
# (refused everything).
Asker = User | AnonymousUser


def reads_case_content(user: Asker) -> TypeGuard[User]:
    """Administrators, strategic leads and community partners never read case content."""
    return isinstance(user, User) and user.is_authenticated and user.reads_case_content


# --- The sharing agreement in force ------------------------------------------------------


def current_agreement() -> SharingAgreement | None:
    return SharingAgreement.objects.order_by("-version").first()


def sharing_rules() -> dict[tuple[str, str], int]:
    """The rules in force: the newest saved agreement, or the defaults in code."""
    return rules_of(current_agreement())


def rules_of(agreement: SharingAgreement | None) -> dict[tuple[str, str], int]:
    """The rules of one saved version, over the defaults in code (which ``None`` gives alone)."""
    rules = default_sharing_rules()
    if agreement is not None:
        saved = SharingRule.objects.filter(agreement=agreement)
        for viewer_kind, category, level in saved.values_list("viewer_kind", "category", "level"):
            rules[(viewer_kind, category)] = level
    return rules


def type_names_content_of(agreement: SharingAgreement | None) -> frozenset[str]:
    """The categories whose record type names are content, in one saved version (or the
    defaults in code, which ``None`` gives alone)."""
    content = set(DEFAULT_TYPE_NAMES_ARE_CONTENT)
    if agreement is not None:
        saved = SharingCategory.objects.filter(agreement=agreement)
        for category, is_content in saved.values_list("category", "type_name_is_content"):
            if is_content:
                content.add(category)
            else:
                content.discard(category)
    return frozenset(content)


def content_type_names() -> frozenset[str]:
    """The categories whose type names are content, in the agreement in force."""
    return type_names_content_of(current_agreement())


def _terms() -> tuple[dict[tuple[str, str], int], frozenset[str]]:
    agreement = current_agreement()
    return rules_of(agreement), type_names_content_of(agreement)


# --- What the gate knows about one viewer and one young person ---------------------------


@dataclass(frozen=True)
class Viewer:
    """The facts about one user, and their involvement with one young person."""

    user: User
    rules: dict[tuple[str, str], int]
    in_case_team: bool
    break_glass: bool
    consent_blocks: bool
    content_type_names: frozenset[str] = DEFAULT_TYPE_NAMES_ARE_CONTENT

    @property
    def reads(self) -> bool:
        return reads_case_content(self.user)

    @property
    def need_to_know(self) -> bool:
        return (
            self.in_case_team
            or self.break_glass
            or may(self.user, Capability.KNOW_EVERY_YOUNG_PERSON)
        )

    @property
    def agency_kind(self) -> str:
        return self.user.agency.kind if self.user.agency else ""


def active_relationships(
    user: User, at: datetime | None = None
) -> QuerySet[LegitimateRelationship]:
    at = at or timezone.now()
    return LegitimateRelationship.objects.filter(user=user, starts_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    )


def active_break_glass(user: User, at: datetime | None = None) -> QuerySet[BreakGlassAccess]:
    at = at or timezone.now()
    return BreakGlassAccess.objects.filter(user=user, granted_at__lte=at, expires_at__gt=at)


def viewer_for(
    user: User, young_person: YoungPerson, *, rules: dict[tuple[str, str], int] | None = None
) -> Viewer:
    """Everything needed to decide levels for this young person's records: a fixed few queries."""
    if not reads_case_content(user):
        return Viewer(user, {}, False, False, False) if isinstance(user, User) else _nobody()
    agreed, content = _terms()
    return Viewer(
        user=user,
        rules=rules if rules is not None else agreed,
        content_type_names=content,
        in_case_team=active_relationships(user).filter(young_person=young_person).exists(),
        break_glass=active_break_glass(user).filter(young_person=young_person).exists(),
        consent_blocks=young_person.consent_blocks_sharing,
    )


def viewers_for(user: User, young_person_ids: set[int]) -> dict[int, Viewer]:
    """``viewer_for`` for many young people at once, in a fixed number of queries (for lists)."""
    if not reads_case_content(user) or not young_person_ids:
        return {}
    rules, content = _terms()
    in_team = set(
        active_relationships(user)
        .filter(young_person_id__in=young_person_ids)
        .values_list("young_person_id", flat=True)
    )
    broken_glass = set(
        active_break_glass(user)
        .filter(young_person_id__in=young_person_ids)
        .values_list("young_person_id", flat=True)
    )
    blocked = set(
        YoungPerson.objects.filter(
            pk__in=young_person_ids, consent_blocks_sharing=True
        ).values_list("pk", flat=True)
    )
    return {
        pk: Viewer(user, rules, pk in in_team, pk in broken_glass, pk in blocked, content)
        for pk in young_person_ids
    }


def _nobody() -> Viewer:
    return Viewer(User(role=Role.ADMINISTRATOR, is_active=False), {}, False, False, False)


# --- Deciding one record -----------------------------------------------------------------

# Everything ``level_of`` reads of a record (the rest comes from the viewer): records alike in
# these get the same level, so a long chronology can decide once for each distinct set.
LEVEL_FIELDS = (
    "disposed_at",
    "owning_agency_id",
    "owning_service_id",
    "author_id",
    "category",
    "classification",
)


def level_of(viewer: Viewer, record: AgencyRecord) -> Level:
    user = viewer.user
    if not viewer.reads or record.disposed_at is not None:
        return Level.NONE
    if record.owning_agency_id == user.agency_id:
        return _own_agency_level(user, record)
    base = Level(viewer.rules.get((viewer.agency_kind, record.category), Level.NONE))
    if base == Level.NONE:
        return Level.NONE
    cap = _need_to_know_cap(viewer)
    if record.classification == Classification.RESTRICTED:
        cap = min(cap, Level.EXISTENCE)
    elif record.classification == Classification.SENSITIVE and not (
        viewer.in_case_team or viewer.break_glass
    ):
        cap = min(cap, Level.SUMMARY)
    if viewer.consent_blocks:
        cap = min(cap, Level.EXISTENCE)
    return Level(min(base, cap))


def oversees_only(user: User) -> bool:
    """Information governance officers oversee and do not work cases: another agency's
    information reaches them at summary at most (records here, intelligence in
    ``intelligence.gate``)."""
    return user.role == Role.IG_OFFICER


def _need_to_know_cap(viewer: Viewer) -> Level:
    """How far another agency's information may go for this viewer: IG officers oversee and
    stop at summary; without need to know, existence only."""
    if oversees_only(viewer.user):
        return Level.SUMMARY
    if not viewer.need_to_know:
        return Level.EXISTENCE
    return Level.FULL


def assessment_level(viewer: Viewer, assessor_agency_id: int | None) -> Level:
    """The level at which this viewer sees a CSE screening assessment.

    An assessment is read like a standard record of the assessor's agency that the sharing
    agreement shares in full with every CSE partner (the screening tool exists to be shared):
    the assessor's agency sees it in full; another agency is capped as for records (IG officers
    at summary, without need to know at existence) and at existence while declined consent
    blocks sharing. Summary is the date, the levels and who assessed; full adds each
    indicator's answer, evidence, source and the professional opinions.
    """
    if not viewer.reads:
        return Level.NONE
    if assessor_agency_id is not None and assessor_agency_id == viewer.user.agency_id:
        return Level.FULL
    cap = _need_to_know_cap(viewer)
    if viewer.consent_blocks:
        cap = min(cap, Level.EXISTENCE)
    return Level(cap)


def other_agency_reach(user: User, at_least: Level, *, young_person_field: str) -> Q:
    """``assessment_level`` for items held by another agency, as a filter on the young person
    (for lists): which of them this user sees at ``at_least`` or more."""
    if at_least <= Level.EXISTENCE:
        return Q()
    blocked = YoungPerson.objects.filter(consent_blocks_sharing=True).values("pk")
    reach = ~Q(**{f"{young_person_field}__in": blocked})
    if oversees_only(user):
        return reach if at_least <= Level.SUMMARY else Q(pk__in=[])
    if not may(user, Capability.KNOW_EVERY_YOUNG_PERSON):
        now = timezone.now()
        involved = active_relationships(user, now).values("young_person_id")
        glass = active_break_glass(user, now).values("young_person_id")
        field = f"{young_person_field}__in"
        reach &= Q(**{field: involved}) | Q(**{field: glass})
    return reach


def _own_agency_level(user: User, record: AgencyRecord) -> Level:
    same_service = (
        record.owning_service_id is not None and record.owning_service_id == user.service_id
    )
    if record.classification == Classification.RESTRICTED:
        return Level.FULL if same_service or record.author_id == user.pk else Level.EXISTENCE
    if record.category == RecordCategory.SEXUAL_HEALTH:
        in_sexual_health = (
            user.service is not None and user.service.kind == ServiceKind.SEXUAL_HEALTH
        )
        return Level.FULL if in_sexual_health or record.author_id == user.pk else Level.EXISTENCE
    return Level.FULL


def type_name_shown(viewer: Viewer, record: AgencyRecord, level: Level) -> bool:
    """Whether the record type's name may be shown at this level (ADR 0010).

    A type name can say what happened ("Sexual health attendance", "Found in the company of an
    adult"), so it is content: shown at full level always; below full, only when the sharing
    agreement says the category's type names are not content and the record is not classified
    sensitive or restricted (the classification protects its very nature). Otherwise a generic
    label stands in (see ``type_label``).
    """
    if level >= Level.FULL or record.owning_agency_id == viewer.user.agency_id:
        return True
    return (
        record.classification == Classification.STANDARD
        and record.category not in viewer.content_type_names
    )


def type_label(viewer: Viewer, record: AgencyRecord, level: Level) -> str:
    """The record type's name where it may be shown, else the generic kind ("Episode")."""
    if type_name_shown(viewer, record, level):
        return record.record_type.name
    return str(record.record_type.get_kind_display())


def can_edit(viewer: Viewer, record: AgencyRecord) -> bool:
    return (
        record.owning_agency_id == viewer.user.agency_id
        and may(viewer.user, Capability.RECORD)
        and level_of(viewer, record) == Level.FULL
    )


def can_record_for(user: Asker) -> bool:
    """Who may add records: practitioners, screeners and coordinators of any member agency."""
    return reads_case_content(user) and may(user, Capability.RECORD)


def can_export_chronology(viewer: Viewer) -> bool:
    return viewer.reads and (
        may(viewer.user, Capability.EXPORT_ANY_CHRONOLOGY) or viewer.in_case_team
    )


# --- A young person's identity ------------------------------------------------------------


@dataclass(frozen=True)
class ShownIdentity:
    """What of a young person's identity one viewer sees (ADR 0010).

    Minimal identity (name, age in years, area) is enough to find a child and confirm who they
    are; it is what anyone who reads case content sees. Identifiers and address (date of birth,
    postcode, UPN, NHS number) need need to know: then they come from the canonical identity,
    or, for an agency that recorded the young person itself, from its own identity as recorded.
    """

    young_person: YoungPerson
    age: int
    area: str
    full: bool = False
    date_of_birth: date | None = None
    postcode: str = ""
    upn: str = ""
    nhs_number: str = ""
    as_recorded_by: str = ""  # the agency whose own recorded identity is shown, if not canonical


def area_of(postcode: str) -> str:
    """The postcode district (outward code): "EB1 2AB" gives "EB1". Empty when unknown."""
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if len(compact) >= 5 else ""


def minimal_identity(young_person: YoungPerson) -> ShownIdentity:
    """Name, age in years and area: what finding a child (search, refer) needs."""
    return ShownIdentity(
        young_person=young_person,
        age=young_person.age_on(timezone.localdate()),
        area=area_of(young_person.postcode),
    )


def identity_for(viewer: Viewer, young_person: YoungPerson) -> ShownIdentity:
    """Full identity with need to know (case team or other legitimate relationship,
    break-glass, the coordinator or MASH screener role); the viewer's agency's own recorded
    identity when it recorded them; otherwise minimal identity."""
    minimal = minimal_identity(young_person)
    if not viewer.reads:
        return minimal
    if viewer.need_to_know:
        return ShownIdentity(
            young_person=young_person,
            age=minimal.age,
            area=minimal.area,
            full=True,
            date_of_birth=young_person.date_of_birth,
            postcode=young_person.postcode,
            upn=young_person.upn,
            nhs_number=young_person.nhs_number,
        )
    own = (
        RecordedIdentity.objects.filter(young_person=young_person, agency_id=viewer.user.agency_id)
        .select_related("agency")
        .order_by("-recorded_at")
        .first()
        if viewer.user.agency_id is not None
        else None
    )
    if own is None:
        return minimal
    return ShownIdentity(
        young_person=young_person,
        age=minimal.age,
        area=minimal.area,
        full=True,
        date_of_birth=own.date_of_birth,
        postcode=own.postcode,
        upn=own.upn,
        nhs_number=own.nhs_number,
        as_recorded_by=own.agency.name,
    )


# --- Querysets for lists -----------------------------------------------------------------


def young_people_for(user: Asker) -> QuerySet[YoungPerson]:
    """Identity search is open to every role that reads case content, so that a professional
    can find a young person to refer or record about. Records are gated separately."""
    if not reads_case_content(user):
        return YoungPerson.objects.none()
    return YoungPerson.objects.all()


def count_register(group: str | Expression, *, among: Q | None = None) -> dict[Any, int]:
    """How many young people on the register fall in each ``group`` (a field name or an
    expression over young people), among those matching ``among``: counts, never identities.

    For figures shown outside casework (the fairness view, the dashboard), which the caller's
    permission decides and which are shown only through ``kit.disclosure``."""
    people = YoungPerson.objects.all() if among is None else YoungPerson.objects.filter(among)
    grouped = (
        people.annotate(tessera_group=group if not isinstance(group, str) else F(group))
        .values("tessera_group")
        .annotate(people=Count("pk", distinct=True))
        .order_by()
    )
    return {row["tessera_group"]: row["people"] for row in grouped}


def consent_blocks_sharing() -> QuerySet[YoungPerson]:
    """Young people who declined consent with no decision to share without it since: other
    agencies see no more than that something exists (a few rows, partial-indexed)."""
    return YoungPerson.objects.filter(consent_blocks_sharing=True)


def young_people_known_to(user: Asker) -> QuerySet[YoungPerson]:
    """The young people this user has need to know about now: every one for the roles that
    know every young person (the coordinator, MASH screeners); for anyone else who reads case
    content, those they have a legitimate relationship with or a current break-glass access
    to. For prompts about a young person (alerts), which go only to those who work with them."""
    if not reads_case_content(user):
        return YoungPerson.objects.none()
    if may(user, Capability.KNOW_EVERY_YOUNG_PERSON):
        return YoungPerson.objects.all()
    now = timezone.now()
    return YoungPerson.objects.filter(
        Q(pk__in=active_relationships(user, now).values("young_person_id"))
        | Q(pk__in=active_break_glass(user, now).values("young_person_id"))
    )


def young_person_or_404(user: Asker, pk: int) -> YoungPerson:
    """One young person, or 404 whether they do not exist or may not be seen."""
    try:
        return young_people_for(user).get(pk=pk)
    except YoungPerson.DoesNotExist:
        raise Http404 from None


def records_visible_to(user: User, *, at_least: Level = Level.SUMMARY) -> QuerySet[AgencyRecord]:
    """Every record the user sees at ``at_least`` or more, as one query.

    Must agree with ``level_of`` record by record; the authorisation matrix tests hold them
    together.
    """
    if not reads_case_content(user):
        return AgencyRecord.objects.none()
    return AgencyRecord.objects.filter(disposed_at__isnull=True).filter(
        visible_filter(user, at_least=at_least)
    )


def visible_filter(user: User, *, at_least: Level = Level.SUMMARY) -> Q:
    """``records_visible_to`` as a filter, for combining with other conditions in one query
    (not as a subquery of ids, which costs a scan of every record). The caller has checked
    that the user reads case content."""
    own = Q(owning_agency_id=user.agency_id) & _own_agency_filter(user, at_least)
    rules = sharing_rules()
    kind = user.agency.kind if user.agency else ""
    categories = [c for (k, c), level in rules.items() if k == kind and level >= at_least]
    other = ~Q(owning_agency_id=user.agency_id) & Q(category__in=categories)
    if at_least >= Level.SUMMARY:
        other &= ~Q(classification=Classification.RESTRICTED)
        # A subquery over the (partial-indexed) few blocked young people, not a join to all.
        other &= ~Q(young_person_id__in=consent_blocks_sharing().values("pk"))
        now = timezone.now()
        in_team = Q(
            young_person_id__in=active_relationships(user, now).values("young_person_id")
        ) | Q(young_person_id__in=active_break_glass(user, now).values("young_person_id"))
        if oversees_only(user):
            if at_least > Level.SUMMARY:
                other = Q(pk__in=[])
        else:
            if not may(user, Capability.KNOW_EVERY_YOUNG_PERSON):
                other &= in_team
            if at_least > Level.SUMMARY:
                other &= ~Q(classification=Classification.SENSITIVE) | in_team
    return own | other


def held_by_own_agency(user: User) -> QuerySet[AgencyRecord]:
    """Everything the IG officer's own agency holds, every classification and disposed records
    included: they oversee what their agency holds (break-glass review, retention, subject
    access). Nothing of another agency's, and nothing for any other role."""
    if not reads_case_content(user):
        return AgencyRecord.objects.none()
    return within_reach(
        user,
        Capability.OVERSEE_AGENCY_INFORMATION,
        AgencyRecord.objects.all(),
        agency_field="owning_agency_id",
    )


def held_for_subject_access(user: User, young_person: YoungPerson) -> QuerySet[AgencyRecord]:
    """Everything the IG officer's own agency holds about a young person: the agency answers a
    subject access request for all it holds (the officer redacts before release)."""
    return held_by_own_agency(user).filter(young_person=young_person)


def links_visible_to(user: User, *, at_least: Level = Level.SUMMARY) -> QuerySet[RecordLink]:
    """The people, places, phones and vehicles named in records the user sees at ``at_least``
    or more: a link (and its label) is never read from a record the user may not see."""
    return RecordLink.objects.filter(
        record__in=records_visible_to(user, at_least=at_least).values("pk")
    )


def _own_agency_filter(user: User, at_least: Level) -> Q:
    if at_least <= Level.EXISTENCE:
        return Q()
    restricted_ok = Q(author_id=user.pk)
    if user.service_id is not None:  # never match "no service" against "no service"
        restricted_ok |= Q(owning_service_id=user.service_id)
    allowed = ~Q(classification=Classification.RESTRICTED) | restricted_ok
    in_sexual_health = user.service is not None and user.service.kind == ServiceKind.SEXUAL_HEALTH
    if not in_sexual_health:
        # (An empty Q() would drop out of an OR, so the sexual health clause is added only here.)
        allowed &= ~Q(category=RecordCategory.SEXUAL_HEALTH) | Q(author_id=user.pk)
    return allowed


# --- System work: the alert rules --------------------------------------------------------


def records_for_rules(*, as_of: datetime | None = None) -> QuerySet[AgencyRecord]:
    """Every record the partnership could have known at ``as_of`` (recorded by then; every
    record when ``None``), for the alert rules (``alerts.engine``).

    System work, not a viewer's read: the rules join what agencies hold precisely because no
    single viewer sees it all, and they show nobody anything. What an alert shows is decided
    per viewer and per record by ``level_of`` (the triage pages), like any record. Disposed
    records count for nothing; withdrawn ones are gone.
    """
    records = AgencyRecord.objects.filter(disposed_at__isnull=True)
    if as_of is not None:
        records = records.filter(recorded_at__lte=as_of)
    return records


def links_for_rules(*, as_of: datetime | None = None) -> QuerySet[RecordLink]:
    """The phones, vehicles, places, people and online identities named in
    ``records_for_rules(as_of=as_of)``: the shared-identifier rule's reading, system work as
    above."""
    links = RecordLink.objects.filter(record__disposed_at__isnull=True)
    if as_of is not None:
        links = links.filter(record__recorded_at__lte=as_of)
    return links
