"""Every privacy-preserving linkage write: submitting encodings, asking for disclosure, deciding."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import audit
from governance.actions import do_record_sharing_decision
from governance.models import (
    AuditAction,
    AuditObject,
    AuditOutcome,
    ConsentStatus,
    LawfulBasis,
    Notification,
)
from governance.permissions import Capability, may
from imports.storage import is_upload
from partnership.models import User
from pprl import linkage
from pprl.encoding import Settings
from pprl.models import (
    DisclosureRequest,
    DisclosureStatus,
    EncodingSubmission,
    LinkNotice,
    SubmissionStatus,
)


def can_submit(user: object) -> bool:
    return may(user, Capability.SUBMIT_ENCODINGS)


def can_decide(user: object, request: DisclosureRequest) -> bool:
    return may(user, Capability.DECIDE_DISCLOSURE_REQUEST, agency=request.holding_agency_id)


def _configured() -> Settings:
    settings = linkage.partnership_settings()
    if settings is None:
        raise ValidationError(
            {"file": "Privacy-preserving linkage is not set up in this partnership."}
        )
    return settings


def _compare(
    settings: Settings, agency_id: int, handle: IO[bytes]
) -> tuple[list[linkage.Submitted], list[linkage.Rejection], list[linkage.Match]]:
    try:
        submitted, rejected = linkage.read_encodings(handle, settings)
    except ValueError as error:
        raise ValidationError({"file": str(error)}) from None
    matches = linkage.match(settings, submitted, linkage.held_by_others(agency_id))
    return submitted, rejected, matches


def _keep_results(
    submission: EncodingSubmission,
    compared: tuple[list[linkage.Submitted], list[linkage.Rejection], list[linkage.Match]],
    *,
    actor: User,
    action: AuditAction,
) -> None:
    """The counts, the rejections and a notice per match, and the audit event (counts only:
    the log is read by IG officers of the submitting agency too). In the caller's transaction."""
    submitted, rejected, matches = compared
    now = timezone.now()
    submission.rows_compared = len(submitted)
    submission.rows_rejected = len(rejected)
    submission.notices_given = len(matches)
    submission.rejections = [r.as_dict() for r in rejected[:1000]]
    submission.status = SubmissionStatus.DONE
    submission.error = ""
    submission.save()
    LinkNotice.objects.bulk_create(
        LinkNotice(
            submission=submission,
            reference=found.submitted.reference,
            young_person_id=found.young_person_id,
            score=found.score,
            created_at=now,
        )
        for found in matches
    )
    audit.record(
        action,
        actor=actor,
        object_type=AuditObject.PPRL_SUBMISSION,
        object_id=submission.pk,
        details={
            "compared": len(submitted),
            "rejected": len(rejected),
            "notices": len(matches),
            "fingerprint": submission.fingerprint,
        },
    )


def _new_submission(actor: User, file_name: str, **extra: object) -> EncodingSubmission:
    """The submission row for an upload: in the caller's transaction, after its checks."""
    if not can_submit(actor):
        raise PermissionDenied("Your role cannot submit encodings.")
    settings = _configured()
    assert actor.agency_id is not None
    return EncodingSubmission(
        agency_id=actor.agency_id,
        submitted_by=actor,
        submitted_at=timezone.now(),
        file_name=file_name[:200],
        fingerprint=settings.fingerprint(),
        **extra,
    )


def do_submit_encodings(*, actor: User, file_name: str, handle: IO[bytes]) -> EncodingSubmission:
    """Compare an agency's encodings file with the young people other agencies hold records
    on, now (the demo loader; the upload page queues it: ``do_queue_encodings``). The
    agency is told, per matching reference, only that another agency holds records."""
    submission = _new_submission(actor, file_name)
    compared = _compare(_configured(), submission.agency_id, handle)
    with transaction.atomic():
        submission.save()
        _keep_results(submission, compared, actor=actor, action=AuditAction.CREATE)
    return submission


def do_queue_encodings(*, actor: User, file_name: str, path: Path) -> EncodingSubmission:
    """Record an uploaded encodings file, kept at ``path``, for the background job to compare
    (``run_comparison``); the caller queues the job."""
    submission = _new_submission(
        actor, file_name, status=SubmissionStatus.QUEUED, stored_path=str(path)
    )
    with transaction.atomic():
        submission.save()
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.PPRL_SUBMISSION,
            object_id=submission.pk,
            details={"queued": True, "fingerprint": submission.fingerprint},
        )
    return submission


def run_comparison(submission_id: int) -> EncodingSubmission:
    """The background job's work: compare a queued file, keep the results (or why it could not
    be compared), and delete the upload either way. Run twice, it compares once."""
    claimed = EncodingSubmission.objects.filter(
        pk=submission_id, status=SubmissionStatus.QUEUED
    ).update(status=SubmissionStatus.RUNNING)
    submission = EncodingSubmission.objects.select_related("submitted_by").get(pk=submission_id)
    if not claimed:
        return submission
    path = Path(submission.stored_path)
    # Only ever a file the upload page kept in the private uploads folder: anything else is
    # neither read nor deleted.
    ours = is_upload(path)
    try:
        if not ours:
            raise OSError("outside the uploads folder")
        settings = _configured()
        if settings.fingerprint() != submission.fingerprint:
            raise ValidationError(
                {
                    "file": "The partnership's secret changed after this file was uploaded: "
                    "encode it again and upload it again."
                }
            )
        with path.open("rb") as handle:
            compared = _compare(settings, submission.agency_id, handle)
        with transaction.atomic():
            submission.stored_path = ""
            _keep_results(
                submission, compared, actor=submission.submitted_by, action=AuditAction.UPDATE
            )
    except (ValidationError, OSError) as error:
        message = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else "The uploaded file could not be read again: upload it again."
        )
        with transaction.atomic():
            submission.status = SubmissionStatus.FAILED
            submission.error = message
            submission.stored_path = ""
            submission.save(update_fields=["status", "error", "stored_path"])
            audit.record(
                AuditAction.UPDATE,
                actor=submission.submitted_by,
                outcome=AuditOutcome.FAILED,
                object_type=AuditObject.PPRL_SUBMISSION,
                object_id=submission.pk,
                details={"failed": message},
            )
    finally:
        if ours:
            path.unlink(missing_ok=True)
    return submission


def do_request_disclosure(
    *, actor: User, notice: LinkNotice, purpose: str
) -> list[DisclosureRequest]:
    """Ask each agency holding records on the matched young person to say who they are."""
    if not (can_submit(actor) and actor.agency_id == notice.submission.agency_id):
        raise PermissionDenied("Only the agency that submitted the file can ask.")
    if not purpose.strip():
        raise ValidationError(
            {"purpose": "Say why your agency needs to know who this young person is."}
        )
    holders = linkage.holders_of([notice.young_person_id]).get(notice.young_person_id, set())
    holders.discard(notice.submission.agency_id)
    asked = set(
        DisclosureRequest.objects.filter(notice=notice).values_list("holding_agency_id", flat=True)
    )
    if not holders:
        raise ValidationError(
            {"purpose": "No other agency holds records on this young person any longer."}
        )
    to_ask = sorted(holders - asked)
    if not to_ask:
        raise ValidationError(
            {"purpose": "Disclosure has already been requested for this reference."}
        )
    now = timezone.now()
    with transaction.atomic():
        requests = [
            DisclosureRequest.objects.create(
                notice=notice,
                requesting_agency_id=notice.submission.agency_id,
                holding_agency_id=agency_id,
                requested_by=actor,
                requested_at=now,
                purpose=purpose.strip(),
            )
            for agency_id in to_ask
        ]
        Notification.objects.bulk_create(
            Notification(
                agency_id=request.holding_agency_id,
                kind="disclosure_request",
                message=(
                    f"{actor.agency} asks to know who a young person is, after privacy-preserving "
                    "linkage matched one your agency holds records on. Decide whether to share."
                ),
                object_type="disclosure_request",
                object_id=str(request.pk),
                created_at=now,
            )
            for request in requests
        )
        for request in requests:
            audit.record(
                AuditAction.CREATE,
                actor=actor,
                object_type=AuditObject.DISCLOSURE_REQUEST,
                object_id=request.pk,
                purpose=request.purpose,
                recipient=request.holding_agency.short_name,
                details={"notice": notice.pk},
            )
    return requests


def do_decide_disclosure(
    *,
    actor: User,
    request: DisclosureRequest,
    shared: bool,
    consent_status: ConsentStatus | str,
    next_steps_discussed: bool,
    lawful_basis: LawfulBasis | str = "",
    reason_without_consent: str = "",
    reason_not_shared: str = "",
) -> DisclosureRequest:
    """The holding agency shares who the young person is, or records why not. The decision is a
    sharing decision like any other: with its lawful basis, or its reason for not sharing."""
    if not can_decide(actor, request):
        raise PermissionDenied("Only a coordinator or MASH screener of the holding agency decides.")
    if request.status != DisclosureStatus.AWAITING:
        raise ValidationError({"shared": "This request has already been decided."})
    notice = request.notice
    with transaction.atomic():
        decision = do_record_sharing_decision(
            actor=actor,
            young_person=notice.young_person,
            shared=shared,
            what=(
                "Who the young person is (name and date of birth), for the requesting "
                f"agency's reference {notice.reference}, after privacy-preserving linkage."
            ),
            purpose=request.purpose,
            consent_status=consent_status,
            next_steps_discussed=next_steps_discussed,
            to_agency=request.requesting_agency,
            lawful_basis=lawful_basis,
            reason_without_consent=reason_without_consent,
            reason_not_shared=reason_not_shared,
        )
        request.decision = decision
        request.status = DisclosureStatus.SHARED if shared else DisclosureStatus.DECLINED
        request.save(update_fields=["decision", "status"])
        Notification.objects.create(
            agency_id=request.requesting_agency_id,
            user_id=request.requested_by_id,
            kind="disclosure_decision",
            # A decision not to share must not reveal which agency holds records.
            message=(
                f"{request.holding_agency} shared who the young person is for your reference "
                f"{notice.reference}."
                if shared
                else "An agency holding records decided not to share who the young person is "
                f"for your reference {notice.reference}."
            ),
            object_type="disclosure_request",
            object_id=str(request.pk),
            created_at=timezone.now(),
        )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.DISCLOSURE_REQUEST,
            object_id=request.pk,
            recipient=request.requesting_agency.short_name,
            details={"status": request.status, "decision": decision.pk},
        )
    return request
