"""The sample folder is exactly what samples/make_samples.py generates, byte for byte.

The scanned PDF and the TIFF are pixels rendered by pypdfium2 and encoded by Pillow; an
upgrade of either may change their bytes. The test then fails: regenerate with
``python scripts/make_samples.py`` and check the diff is only those two files.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

from docbatch.errors import CorruptDocumentError
from docbatch.pipeline.extract import extract_text_layer
from docbatch.pipeline.options import ExtractOptions

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_samples.py"
MAX_FOLDER_BYTES = 1_500_000


@pytest.fixture(scope="module")
def script() -> dict[str, Any]:
    # run_path compiles without writing __pycache__ into samples/, where it would be
    # picked up as documents.
    return runpy.run_path(str(SCRIPT), run_name="make_samples")


def test_regenerating_gives_byte_identical_files(script: dict[str, Any], tmp_path: Path) -> None:
    sizes = script["write_samples"](tmp_path)
    for name in sizes:
        committed = SAMPLES_DIR / name
        assert committed.exists(), f"{name} is missing: run python scripts/make_samples.py"
        assert (tmp_path / name).read_bytes() == committed.read_bytes(), name


def test_folder_holds_only_the_samples(script: dict[str, Any]) -> None:
    present = {p.name for p in SAMPLES_DIR.iterdir() if not p.name.startswith(".")}
    assert present == set(script["SAMPLES"])


def test_folder_stays_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLES_DIR.iterdir() if p.is_file())
    assert total < MAX_FOLDER_BYTES


def test_broken_pdf_fails_as_corrupt() -> None:
    with pytest.raises(CorruptDocumentError):
        extract_text_layer((SAMPLES_DIR / "broken.pdf").read_bytes(), ExtractOptions())


def test_scanned_samples_need_ocr_and_text_samples_do_not() -> None:
    for name, pages_needing_ocr in [
        ("scanned-order.pdf", (1,)),
        ("exhibit.tiff", (1, 2)),
        ("opinion.pdf", ()),
    ]:
        document, needs_ocr = extract_text_layer(
            (SAMPLES_DIR / name).read_bytes(), ExtractOptions()
        )
        assert needs_ocr == pages_needing_ocr, name
        assert len(document.pages) == {"exhibit.tiff": 2, "opinion.pdf": 3}.get(name, 1)
