"""In the demo configuration an uploaded file is finished by the background worker.

The other browser tests run background jobs at once (the test settings' immediate backend). This
one uses what ``make demo`` uses: jobs queued in the database (django-tasks-db) and a worker
polling for them, as ``Procfile.demo`` starts it. The upload must show "Queued" or its progress,
then reach "Done" with the counts, with nothing but the worker to run it.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from imports.models import ImportBatch
from partnership.actions import do_create_user
from partnership.models import Agency, Role
from records.catalogue import ensure_catalogue
from tests.browser.conftest import PASSWORD, AxeCheck, SignIn

pytestmark = pytest.mark.browser

COLUMNS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "episode_reference",
    "missing_from",
    "returned_at",
    "found_location",
    "risk_grading",
)


@pytest.fixture
def worker(settings: Any) -> Iterator[Worker]:
    """The database queue the demo uses, and its worker running in a thread beside the server."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    polling = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test-worker",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            polling.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield polling
    polling.running = False
    thread.join(timeout=10)


def test_an_upload_in_the_demo_configuration_is_finished_by_the_worker(
    page: Page,
    sign_in: SignIn,
    agencies: dict[str, Agency],
    assert_accessible: AxeCheck,
    tmp_path: Path,
    settings: Any,
    worker: Worker,
) -> None:
    ensure_catalogue()
    settings.TESSERA_IMPORTS_DIR = tmp_path / "uploads"
    screener = do_create_user(
        actor=None,
        username="omar.price",
        password=PASSWORD,
        agency=agencies["police"],
        role=Role.MASH_SCREENER,
        first_name="Omar",
        last_name="Price",
        validate=False,
    )
    TOTPDevice.objects.create(user=screener, name="app", confirmed=True)
    went = timezone.localtime() - timedelta(days=5)
    upload = tmp_path / "synthetic-demo-missing-episodes.csv"
    with upload.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number, (given, family, born) in enumerate(
            (("Kian", "Synthwell", "2011-03-14"), ("Maya", "Testford", "2010-11-02")), start=1
        ):
            writer.writerow(
                [
                    given,
                    family,
                    born,
                    "F" if given == "Maya" else "M",
                    "EB2 4TT",
                    f"EBP-DEMO-{number:04d}",
                    went.strftime("%Y-%m-%d %H:%M"),
                    (went + timedelta(hours=6)).strftime("%Y-%m-%d %H:%M"),
                    "Bus station (synthetic)",
                    "medium",
                ]
            )

    sign_in.fully(page, screener)
    page.goto("/imports/")
    page.get_by_role("group", name="What is in the file").get_by_label(
        "Police missing episodes"
    ).check()
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Import file").click()
    page.wait_for_url("**/imports/*/")

    # Nothing ran the job in the request: the worker picks it up, and the page shows it done.
    progress = page.locator("#import-progress")
    expect(progress.locator(".govuk-tag")).to_have_text("Done", timeout=60_000)
    expect(page.locator("#import-progress-bar")).to_have_attribute("value", "100")
    assert_accessible(page)
    batch = ImportBatch.objects.get()
    assert (batch.rows_seen, batch.rows_accepted) == (2, 2)
    # It went through the queue and this worker ran it (not the test settings' immediate run).
    ran = DBTaskResult.objects.filter(task_path__startswith="imports.")
    assert ran.exists()
    assert all("browser-test-worker" in job.worker_ids for job in ran)
