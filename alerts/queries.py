"""Reads of the alerts app that show no young person's information through the gate: the
replay run's CSV (references only, for measuring a rule against what is known about
history)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone

from alerts.models import Alert, AlertEvidence, ReplayRun
from imports.models import ImportedRow
from kit.spreadsheet import safe_cell

REPLAY_CSV_COLUMNS = (
    "Alert",
    "Young person reference",
    "Agency row references",
    "Raised on",
    "Rule",
    "Evidence record references",
)


def young_person_reference(pk: int) -> str:
    """Tessera's reference for a young person, as exports and replays give it."""
    return f"YP-{pk}"


def _row_references(young_person_ids: set[int]) -> dict[int, str]:
    """For each young person, the agency rows linked to them: feed, file, rows and the
    agency's own reference for the person, one entry per feed, file and reference."""
    grouped: dict[int, dict[tuple[str, str, str], list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for person, feed, file_name, row, reference in (
        ImportedRow.objects.filter(young_person_id__in=young_person_ids)
        .order_by("young_person_id", "batch_id", "row_number")
        .values_list(
            "young_person_id", "feed", "batch__file_name", "row_number", "source_reference"
        )
        .iterator(chunk_size=5000)
    ):
        grouped[person][(feed, file_name, reference)].append(row)
    return {
        person: "; ".join(
            f"{feed} | {file_name} | rows {','.join(str(row) for row in rows)} | "
            f"{reference or 'no reference'}"
            for (feed, file_name, reference), rows in entries.items()
        )
        for person, entries in grouped.items()
    }


def replay_csv_rows(run: ReplayRun, *, chunk: int = 500) -> Iterator[list[str]]:
    """The run's alerts as CSV rows (the header first): one row per alert and young person,
    every cell spreadsheet-safe. Read a chunk of alerts at a time."""
    yield list(REPLAY_CSV_COLUMNS)
    last = 0
    while True:
        alerts = list(
            Alert.objects.filter(replay_run=run, pk__gt=last)
            .select_related("rule")
            .order_by("pk")[:chunk]
        )
        if not alerts:
            return
        last = alerts[-1].pk
        people: dict[int, list[int]] = defaultdict(list)
        for alert_id, person in Alert.young_people.through.objects.filter(
            alert__in=alerts
        ).values_list("alert_id", "youngperson_id"):
            people[alert_id].append(person)
        evidence: dict[int, list[int]] = defaultdict(list)
        for alert_id, record_id in AlertEvidence.objects.filter(alert__in=alerts).values_list(
            "alert_id", "record_id"
        ):
            evidence[alert_id].append(record_id)
        references = _row_references({p for persons in people.values() for p in persons})
        for alert in alerts:
            records = " ".join(f"R-{pk}" for pk in sorted(evidence[alert.pk]))
            for person in sorted(people[alert.pk]):
                yield [
                    safe_cell(value)
                    for value in (
                        str(alert.pk),
                        young_person_reference(person),
                        references.get(person, ""),
                        timezone.localtime(alert.raised_at).date().isoformat(),
                        alert.rule.name,
                        records,
                    )
                ]
