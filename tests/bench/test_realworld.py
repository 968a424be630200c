"""``python -m bench realworld`` on a tiny corpus of real files: outcomes and pdf.js checks.

Runs the real embedded engine (private Redis, one worker process) over two folders made
from ``tests/fixtures/real``; checks counts, warnings and the unexpected-failure list,
never timings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.realworld import unexpected_failures

pytestmark = pytest.mark.integration

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


def test_unexpected_failures_follow_pdfjs_expectations():
    rows = [
        {"name": "a.pdf", "state": "failed", "code": "corrupt", "reason": "r"},
        {"name": "b.pdf", "state": "failed", "code": "encrypted", "reason": "r"},
        {"name": "c.pdf", "state": "failed", "code": "empty", "reason": "r"},
        {"name": "d.pdf", "state": "completed", "code": None, "reason": None},
        {"name": "e.pdf", "state": "failed", "code": "corrupt", "reason": "r"},
    ]
    expected = {
        "a.pdf": {"bytes": 10, "password": None, "pdfjs_tests": ["eq"]},  # must not fail
        "b.pdf": {"bytes": 10, "password": "x", "pdfjs_tests": ["eq"]},  # encrypted is right
        "c.pdf": {"bytes": 0, "password": None, "pdfjs_tests": ["eq"]},  # empty is right
        "d.pdf": {"bytes": 10, "password": "x", "pdfjs_tests": []},  # should be encrypted
        "e.pdf": {"bytes": 10, "password": None, "pdfjs_tests": []},  # pdf.js does not open it
    }
    wrong = unexpected_failures(rows, expected)
    assert [(w["name"], w["state"]) for w in wrong] == [("a.pdf", "failed"), ("d.pdf", "completed")]


def test_realworld_reports_each_folder(tmp_path: Path):
    corpus = tmp_path / "real"
    (corpus / "pdfjs").mkdir(parents=True)
    (corpus / "courts").mkdir()
    for name in ("bug1250079.pdf", "freetexts.pdf"):
        shutil.copy(REAL / name, corpus / "pdfjs" / name)
    (corpus / "pdfjs" / "gone.pdf").write_bytes(b"")
    expected = {
        "bug1250079.pdf": {"bytes": 711, "password": None, "pdfjs_tests": ["eq"]},
        "freetexts.pdf": {"bytes": 44273, "password": None, "pdfjs_tests": ["eq"]},
        "gone.pdf": {"bytes": 0, "password": None, "pdfjs_tests": ["eq"]},
    }
    (corpus / "pdfjs" / "EXPECTED.json").write_text(json.dumps(expected), encoding="utf-8")
    shutil.copy(REAL / "annotation-choice-widget.pdf", corpus / "courts" / "form.pdf")
    out = tmp_path / "out"
    assert main(["realworld", "--corpus", str(corpus), "--workers", "1", "--out", str(out)]) == 0
    result = json.loads((out / "realworld.json").read_text(encoding="utf-8"))
    pdfjs, courts = result["folders"]["pdfjs"], result["folders"]["courts"]
    assert (pdfjs["documents"], pdfjs["completed"], pdfjs["failed"]) == (3, 2, 1)
    assert pdfjs["failures"] == {"data/empty": 1}
    assert pdfjs["unexpected_failures"] == []
    assert pdfjs["warnings"]["pdf_repaired"] == 1 and pdfjs["pages"] == 2
    assert (courts["documents"], courts["completed"]) == (1, 1)
    assert "unexpected_failures" not in courts
