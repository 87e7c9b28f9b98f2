"""An export opens in LibreOffice: converted to CSV by ``soffice --headless``, every sheet shows
the titles and the values as they were, formula-like text as text.

LibreOffice is an optional tool here (``apt-get install libreoffice-calc-nogui``): without it
the test is skipped, except in CI, where it must run."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.exports.conftest import BASIC, RICH_COLUMNS
from tests.factories import submit

# Comma-separated, quoted, UTF-8 (76), values as shown (formats applied), every sheet (-1).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
CONVERT_SECONDS = 180


@pytest.fixture
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed; CI installs it.")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _as_csv(soffice: str, content: bytes, folder: Path) -> dict[str, list[list[str]]]:
    """Each sheet of the workbook as LibreOffice reads it, by sheet name."""
    book = folder / "export.xlsx"
    book.write_bytes(content)
    out = folder / "csv"
    subprocess.run(
        [
            soffice,
            # A profile of its own: a second LibreOffice at the same time would wait on a lock.
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=CONVERT_SECONDS,
    )
    sheets = {}
    for path in sorted(out.glob("export-*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            sheets[path.stem.removeprefix("export-")] = list(csv.reader(f))
    return sheets


def test_an_export_opens_in_libreoffice_with_its_columns_and_values(
    people: People, api: Any, rich_type: TicketType, tmp_path: Path, soffice: str
) -> None:
    ticket = submit(
        rich_type,
        people.requester,
        {
            "summary": "+SUM(A1)",
            "details": "-2\n=1+1",
            "count": 42,
            "cost": 1234.5,
            "day": "2026-03-01",
            "parts": [{"part": "=toner", "qty": 2}],
        },
    )
    Ticket.objects.filter(pk=ticket.pk).update(title="=1+1 a_x0041_ b")

    r = api(people.site_admin).get("/tickets/export", {"type": rich_type.pk})
    assert r.status_code == 200
    sheets = _as_csv(soffice, b"".join(r.streaming_content), tmp_path)

    assert set(sheets) == {"Tickets", "Detail tables"}
    titles, row = sheets["Tickets"]
    assert titles == BASIC + RICH_COLUMNS
    values = dict(zip(titles, row, strict=True))
    assert values["Number"] == ticket.number
    assert values["Title"] == "=1+1 a_x0041_ b"
    assert (values["Summary"], values["Details"]) == ("+SUM(A1)", "-2\n=1+1")
    assert (values["Count"], values["Cost"], values["Day"]) == ("42", "1,234.50", "2026-03-01")
    assert values["State"] == "Pending"
    assert sheets["Detail tables"] == [
        ["Number", "Table", "Row", "Part", "Qty", "Due"],
        [ticket.number, "Parts", "1", "=toner", "2", ""],
    ]
