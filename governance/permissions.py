"""The permission policy: may this user do this, and where?

One table answers every "may this role do this" in Tessera. Views, actions, queries, the
service navigation and templates (through ``may`` in the context) ask it; nothing else holds a
list of roles. What a user may *see* of a young person's records is the access gate's question
(``governance.policy``), which asks this table for the role-based parts of its answer.

Each capability is named as a practitioner would say it and says who may do it:

- ``anywhere``: roles that may do it whichever agency the thing belongs to;
- ``own_agency``: roles that may do it only to things of their own agency (a referral their
  agency received, an action their agency owns, a record their agency holds).

Every answer is no for someone who is not signed in or whose account is inactive. To add a
capability, see "The permission policy" in docs/ARCHITECTURE.md; the authorisation matrix
(``governance/tests/test_authorisation_matrix.py``) fails until it states, for every role,
whether the new capability is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Final, TypeVar

from django.db.models import Model, QuerySet

from partnership.models import CASE_CONTENT_ROLES, Agency, Role, User

_M = TypeVar("_M", bound=Model)


class Capability(StrEnum):
    """Something a user may do. The value is the name templates use: ``may.screen_referral``."""

    # Young people and records (the gate decides the level; these are the role parts)
    READ_CASE_CONTENT = "read_case_content"
    KNOW_EVERY_YOUNG_PERSON = "know_every_young_person"
    RECORD = "record"
    EXPORT_ANY_CHRONOLOGY = "export_any_chronology"
    MANAGE_CASE_TEAMS = "manage_case_teams"
    RECORD_CONSENT = "record_consent"
    USE_BREAK_GLASS = "use_break_glass"
    OVERSEE_AGENCY_INFORMATION = "oversee_agency_information"
    DISPOSE_RECORD = "dispose_record"
    # Information governance
    READ_SHARING_AGREEMENT = "read_sharing_agreement"
    CHANGE_SHARING_AGREEMENT = "change_sharing_agreement"
    USE_GOVERNANCE_INDEX = "use_governance_index"
    READ_NOTIFICATIONS = "read_notifications"
    # Referrals
    SUBMIT_PARTNER_CONCERN = "submit_partner_concern"
    SEE_SCREENING_QUEUE = "see_screening_queue"
    SCREEN_REFERRAL = "screen_referral"
    ANSWER_REFERRAL = "answer_referral"
    SET_REFERRAL_PATHWAYS = "set_referral_pathways"
    # Cases and actions
    SEE_EVERY_CASE = "see_every_case"
    OPEN_CASE = "open_case"
    MANAGE_ANY_CASE = "manage_any_case"
    RECORD_STRATEGY_DISCUSSION = "record_strategy_discussion"
    REOPEN_CASE = "reopen_case"
    COMPLETE_ACTION = "complete_action"
    SEE_OVERDUE_ACTIONS = "see_overdue_actions"
    # The screening tool
    ASSESS = "assess"
    ASSESS_WITHOUT_CASE_TEAM = "assess_without_case_team"
    SEE_ASSESSMENTS_WITHOUT_CASE_TEAM = "see_assessments_without_case_team"
    EDIT_SCREENING_TOOL = "edit_screening_tool"
    # MASE
    RUN_MASE_MEETINGS = "run_mase_meetings"
    SEE_EVERY_MEETING = "see_every_meeting"
    SEE_PARTNERSHIP_PICTURE = "see_partnership_picture"
    SEE_EVERY_DISRUPTION_PLAN = "see_every_disruption_plan"
    RECORD_DISRUPTION_OUTCOME = "record_disruption_outcome"
    # Imports, matching and privacy-preserving linkage
    IMPORT_FEED = "import_feed"
    LINK_IMPORTED_ROWS = "link_imported_rows"
    REVIEW_MATCHES = "review_matches"
    SET_LINKAGE_THRESHOLDS = "set_linkage_thresholds"
    EDIT_CONCERN_CATEGORIES = "edit_concern_categories"
    SUBMIT_ENCODINGS = "submit_encodings"
    DECIDE_DISCLOSURE_REQUEST = "decide_disclosure_request"
    # Intelligence (the gate in ``intelligence.gate`` decides the level of each report)
    RECORD_INTELLIGENCE = "record_intelligence"
    SEE_INTELLIGENCE = "see_intelligence"
    ANALYSE_INTELLIGENCE = "analyse_intelligence"
    RESOLVE_ENTITIES = "resolve_entities"
    # Joining the dots: alerts (prompts for professional curiosity) and their rules
    SEE_ALERTS = "see_alerts"
    SEE_EVERY_ALERT = "see_every_alert"
    TRIAGE_ALERTS = "triage_alerts"
    CHANGE_ALERT_RULES = "change_alert_rules"
    RUN_ALERT_REPLAY = "run_alert_replay"


@dataclass(frozen=True)
class Rule:
    """Who may: ``anywhere``, or ``own_agency`` for things of their own agency only."""

    says: str
    anywhere: frozenset[Role]
    own_agency: frozenset[Role] = frozenset()


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


_PRACTITIONER = Role.PRACTITIONER
_SCREENER = Role.MASH_SCREENER
_COORDINATOR = Role.COORDINATOR
_ANALYST = Role.ANALYST
_IG = Role.IG_OFFICER
_STRATEGIC = Role.STRATEGIC_LEAD
_PARTNER = Role.COMMUNITY_PARTNER
_ADMINISTRATOR = Role.ADMINISTRATOR

# Case content is read by the roles named in ``partnership.models`` (the one list of roles
# outside this module, because ``User.reads_case_content`` is defined on the model).
_CASE_CONTENT = frozenset(CASE_CONTENT_ROLES)
# Those who do casework: every case content role but the IG officer, who oversees.
_CASEWORKERS = _roles(_PRACTITIONER, _SCREENER, _COORDINATOR, _ANALYST)
# The coordinator and MASH screeners run the front door and every case.
_FRONT_DOOR = _roles(_COORDINATOR, _SCREENER)
_C = _roles(_COORDINATOR)

C = Capability
POLICY: Final[Mapping[Capability, Rule]] = {
    C.READ_CASE_CONTENT: Rule("read case content", _CASE_CONTENT),
    C.KNOW_EVERY_YOUNG_PERSON: Rule(
        "see other agencies' records of any young person without a case team", _FRONT_DOOR
    ),
    C.RECORD: Rule("add and edit records, refer and set actions", _CASEWORKERS),
    C.EXPORT_ANY_CHRONOLOGY: Rule(
        "export any young person's chronology (not only their case team's)",
        _roles(_COORDINATOR, _IG),
    ),
    C.MANAGE_CASE_TEAMS: Rule("add someone to a case team or end their part", _FRONT_DOOR),
    C.RECORD_CONSENT: Rule("record consent and decisions to share", _CASEWORKERS),
    C.USE_BREAK_GLASS: Rule("use break-glass access", _CASEWORKERS),
    C.OVERSEE_AGENCY_INFORMATION: Rule(
        "review break-glass access, retention and subject access requests for their agency",
        frozenset(),
        own_agency=_roles(_IG),
    ),
    C.DISPOSE_RECORD: Rule(
        "dispose of a record after retention review", frozenset(), own_agency=_roles(_IG)
    ),
    C.READ_SHARING_AGREEMENT: Rule(
        "read the information sharing agreement", _CASE_CONTENT | {_STRATEGIC, _ADMINISTRATOR}
    ),
    C.CHANGE_SHARING_AGREEMENT: Rule(
        "change the information sharing agreement", _roles(_ADMINISTRATOR)
    ),
    C.USE_GOVERNANCE_INDEX: Rule(
        "use the information governance pages", _roles(_IG, _ADMINISTRATOR)
    ),
    C.READ_NOTIFICATIONS: Rule(
        "read notifications",
        frozenset(),
        own_agency=frozenset(Role) - {_PARTNER},
    ),
    C.SUBMIT_PARTNER_CONCERN: Rule(
        "tell the partnership about a concern (community partner)", _roles(_PARTNER)
    ),
    C.SEE_SCREENING_QUEUE: Rule(
        "see referrals awaiting screening", _C, own_agency=_roles(_SCREENER)
    ),
    C.SCREEN_REFERRAL: Rule("screen a referral", frozenset(), own_agency=_roles(_SCREENER)),
    C.ANSWER_REFERRAL: Rule(
        "see an accepted referral through to an action or a decision not to act",
        _C,
        own_agency=_roles(_SCREENER),
    ),
    C.SET_REFERRAL_PATHWAYS: Rule("set referral pathways", _roles(_ADMINISTRATOR)),
    C.SEE_EVERY_CASE: Rule("see every case in the partnership", _FRONT_DOOR),
    C.OPEN_CASE: Rule("open a case", _FRONT_DOOR),
    C.MANAGE_ANY_CASE: Rule("manage any case (its team, lead, review and closure)", _FRONT_DOOR),
    C.RECORD_STRATEGY_DISCUSSION: Rule("record a strategy discussion", _FRONT_DOOR),
    C.REOPEN_CASE: Rule("reopen a closed case", _FRONT_DOOR),
    C.COMPLETE_ACTION: Rule(
        "complete or cancel an action", _C, own_agency=_roles(_PRACTITIONER, _SCREENER, _ANALYST)
    ),
    C.SEE_OVERDUE_ACTIONS: Rule(
        "watch every overdue action and case review in the partnership", _C
    ),
    C.ASSESS: Rule(
        "assess a young person with the screening tool (in their case team)",
        _roles(_PRACTITIONER, _SCREENER, _COORDINATOR),
    ),
    C.ASSESS_WITHOUT_CASE_TEAM: Rule("assess any young person with the screening tool", _C),
    C.SEE_ASSESSMENTS_WITHOUT_CASE_TEAM: Rule(
        "see other agencies' screening tool assessments without a case team",
        _roles(_COORDINATOR, _SCREENER, _IG),
    ),
    C.EDIT_SCREENING_TOOL: Rule(
        "change the screening tool's indicators and rules", _roles(_COORDINATOR, _ADMINISTRATOR)
    ),
    C.RUN_MASE_MEETINGS: Rule("schedule, chair and run MASE meetings", _C),
    C.SEE_EVERY_MEETING: Rule("see every MASE meeting", _C),
    C.SEE_PARTNERSHIP_PICTURE: Rule(
        "see MASE attendance and partnership activity", _CASE_CONTENT | {_STRATEGIC}
    ),
    C.SEE_EVERY_DISRUPTION_PLAN: Rule("see every disruption plan", _roles(_COORDINATOR, _ANALYST)),
    C.RECORD_DISRUPTION_OUTCOME: Rule(
        "record the outcome of a disruption action",
        _C,
        own_agency=_roles(_PRACTITIONER, _SCREENER, _ANALYST),
    ),
    C.IMPORT_FEED: Rule(
        "import an agency feed",
        frozenset(),
        own_agency=_roles(_PRACTITIONER, _ANALYST, _SCREENER),
    ),
    C.LINK_IMPORTED_ROWS: Rule(
        "link imported rows to young people",
        _roles(_SCREENER, _COORDINATOR, _ANALYST),
        own_agency=_roles(_PRACTITIONER, _IG),
    ),
    C.REVIEW_MATCHES: Rule(
        "work the data matching review queue", _roles(_SCREENER, _ANALYST, _COORDINATOR)
    ),
    C.SET_LINKAGE_THRESHOLDS: Rule("set linkage thresholds", _roles(_COORDINATOR, _ADMINISTRATOR)),
    C.EDIT_CONCERN_CATEGORIES: Rule(
        "add, rename and retire concern categories", _roles(_COORDINATOR, _ADMINISTRATOR)
    ),
    C.SUBMIT_ENCODINGS: Rule(
        "submit privacy-preserving encodings", frozenset(), own_agency=_CASEWORKERS
    ),
    C.DECIDE_DISCLOSURE_REQUEST: Rule(
        "decide a disclosure request to their agency", frozenset(), own_agency=_FRONT_DOOR
    ),
    C.RECORD_INTELLIGENCE: Rule(
        "record graded intelligence and confirm what its text names (for an agency that grades"
        " intelligence; the intelligence gate checks the agency)",
        frozenset(),
        own_agency=_roles(_PRACTITIONER, _ANALYST),
    ),
    C.SEE_INTELLIGENCE: Rule(
        "see intelligence reports, at the level the handling code and owning agency allow",
        _CASE_CONTENT,
    ),
    C.ANALYSE_INTELLIGENCE: Rule(
        "analyse intelligence: persons of interest, entities and the links between them",
        _roles(_ANALYST),
    ),
    C.RESOLVE_ENTITIES: Rule(
        "judge whether two people, phones, vehicles or places are the same", _roles(_ANALYST)
    ),
    # Alerts: every caseworker may see those about young people they have need to know about
    # (the gate narrows the list); the front door and analysts see every one; only the
    # coordinator decides them and sets the rules (docs/alerts-triage.md says why).
    C.SEE_ALERTS: Rule("see alerts about the young people they work with", _CASEWORKERS),
    C.SEE_EVERY_ALERT: Rule(
        "see every alert in the partnership and the rules' record",
        _roles(_SCREENER, _COORDINATOR, _ANALYST),
    ),
    C.TRIAGE_ALERTS: Rule("accept, dismiss or merge an alert", _C),
    C.CHANGE_ALERT_RULES: Rule(
        "change an alert rule's parameters, switch it on or off, and keep the benign values", _C
    ),
    C.RUN_ALERT_REPLAY: Rule("replay the alert rules over history", _roles(_COORDINATOR, _ANALYST)),
}


class Reach(Enum):
    """How far a user's capability goes."""

    NOWHERE = "nowhere"
    OWN_AGENCY = "own agency"
    EVERYWHERE = "everywhere"


def _user(user: object) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def reach(user: object, capability: Capability) -> Reach:
    """Everywhere, only in their own agency, or nowhere."""
    who = _user(user)
    if who is None:
        return Reach.NOWHERE
    rule = POLICY[capability]
    if who.role in rule.anywhere:
        return Reach.EVERYWHERE
    if who.role in rule.own_agency and who.agency_id is not None:
        return Reach.OWN_AGENCY
    return Reach.NOWHERE


def may(user: object, capability: Capability, *, agency: Agency | int | None = None) -> bool:
    """May ``user`` do this to a thing of ``agency``? Without an agency: may they do it at all
    (anywhere, or to things of their own agency)."""
    how_far = reach(user, capability)
    if how_far is Reach.EVERYWHERE:
        return True
    if how_far is Reach.NOWHERE:
        return False
    if agency is None:
        return True
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    assert isinstance(user, User)
    return agency_id == user.agency_id


def within_reach(
    user: object, capability: Capability, queryset: QuerySet[_M], *, agency_field: str
) -> QuerySet[_M]:
    """The things of ``queryset`` the user may do this to: all, their agency's, or none."""
    how_far = reach(user, capability)
    if how_far is Reach.EVERYWHERE:
        return queryset
    if how_far is Reach.OWN_AGENCY:
        assert isinstance(user, User)
        return queryset.filter(**{agency_field: user.agency_id})
    return queryset.none()


def roles_with(capability: Capability) -> frozenset[Role]:
    """Every role that may do this somewhere: for finding the people to tell or to choose."""
    rule = POLICY[capability]
    return rule.anywhere | rule.own_agency


class Allowed:
    """What templates see as ``may``: ``{% if may.record_strategy_discussion %}``.

    A name that is not a capability is an error in a template; ``web/tests`` checks every
    ``may.`` in the templates names one.
    """

    def __init__(self, user: object) -> None:
        self._user = user

    def __getitem__(self, name: str) -> bool:
        return may(self._user, Capability(name))
