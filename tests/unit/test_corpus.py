"""The synthetic corpus generator: deterministic, follows the mix, truthful, loadable."""

from __future__ import annotations

import calendar
import json
import re
from pathlib import Path

import pytest

from bench.synth.corpus import (
    MAX_PAGES,
    build_document,
    generate_corpus,
    main,
    parse_mix,
)
from docbatch.ingest import load_manifest
from docbatch.pipeline.extract import extract_text_layer
from docbatch.pipeline.options import ExtractOptions

ALL_FORMATS = {"pdf": 0.4, "scan": 0.1, "docx": 0.2, "html": 0.2, "txt": 0.1}


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _truth(folder: Path) -> list[dict[str, object]]:
    lines = (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _surface_forms(kind: str, value: str) -> list[str]:
    """How generate_prose writes a normalised value in the text."""
    if kind == "date":
        year, month, day = (int(part) for part in value.split("-"))
        return [f"{calendar.month_name[month]} {day}, {year}"]
    if kind == "money":
        dollars = int(value.removeprefix("USD ").removesuffix(".00"))
        return [f"${dollars:,}"]
    return [value]


def test_same_seed_gives_same_bytes_truth_and_manifest(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", 10, seed=5, mix=ALL_FORMATS, pages=(1, 2))
    second = generate_corpus(tmp_path / "b", 10, seed=5, mix=ALL_FORMATS, pages=(1, 2))
    assert first.formats == second.formats
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert set(first.formats) == set(ALL_FORMATS)


def test_worker_processes_write_the_same_corpus(tmp_path: Path) -> None:
    mix = {"pdf": 0.5, "docx": 0.25, "txt": 0.25}
    generate_corpus(tmp_path / "one", 12, seed=3, mix=mix, pages=(1, 3), workers=1)
    generate_corpus(tmp_path / "two", 12, seed=3, mix=mix, pages=(1, 3), workers=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_another_seed_gives_other_documents() -> None:
    assert build_document(1, 0, "pdf").data != build_document(2, 0, "pdf").data


def test_formats_follow_the_default_mix(tmp_path: Path) -> None:
    result = generate_corpus(tmp_path, 100, seed=0, pages=(1, 1))
    expected = {"pdf": 70, "scan": 5, "docx": 10, "html": 10, "txt": 5}
    assert dict(result.formats) == expected
    counted: dict[str, int] = {}
    for record in _truth(tmp_path):
        counted[str(record["format"])] = counted.get(str(record["format"]), 0) + 1
        suffix = Path(str(record["path"])).suffix
        assert suffix == {"scan": ".pdf", "txt": ".txt"}.get(str(record["format"]), suffix)
    assert counted == expected


def test_truth_entities_appear_in_extracted_text_of_text_pdfs(tmp_path: Path) -> None:
    generate_corpus(tmp_path, 4, seed=11, mix={"pdf": 1.0}, pages=(2, 3))
    for record in _truth(tmp_path):
        document, needs_ocr = extract_text_layer(
            (tmp_path / str(record["path"])).read_bytes(), ExtractOptions()
        )
        assert needs_ocr == ()
        assert len(document.pages) == record["pages"]
        # Line wrapping may split a name or citation across lines.
        text = re.sub(r"\s+", " ", document.text)
        entities = record["entities"]
        assert isinstance(entities, list) and len(entities) >= 10
        for kind, value in entities:
            assert any(form in text for form in _surface_forms(kind, value)), (kind, value)


def test_manifest_loads_with_docbatch_loader(tmp_path: Path) -> None:
    generate_corpus(tmp_path, 6, seed=2, mix={"html": 1, "txt": 1}, pages=(1, 2))
    manifest, sources = load_manifest(tmp_path / "manifest.json")
    assert [doc.id for doc in manifest.documents] == [f"doc-{i:06d}" for i in range(6)]
    assert [s.path for s in sources] == [
        (tmp_path / str(r["path"])).resolve() for r in _truth(tmp_path)
    ]


def test_files_go_into_subfolders_of_a_thousand(tmp_path: Path) -> None:
    result = generate_corpus(tmp_path, 1001, seed=0, mix={"html": 1.0}, pages=(1, 1))
    assert result.count == 1001
    assert len(list((tmp_path / "000").iterdir())) == 1000
    assert [p.name for p in (tmp_path / "001").iterdir()] == ["doc-001000.html"]


def test_page_counts_reach_the_maximum() -> None:
    document = build_document(0, 0, "pdf", pages=(MAX_PAGES, MAX_PAGES))
    extracted, _ = extract_text_layer(document.data, ExtractOptions())
    assert document.pages == len(extracted.pages) == MAX_PAGES


def test_scans_are_capped_and_need_ocr() -> None:
    document = build_document(0, 0, "scan", pages=(5, 5), max_scan_pages=2)
    _, needs_ocr = extract_text_layer(document.data, ExtractOptions())
    assert document.pages == 2
    assert needs_ocr == (1, 2)


@pytest.mark.parametrize(
    ("mix", "count", "pages"),
    [
        ({"pdf": 1.0, "epub": 0.5}, 1, (1, 1)),
        ({"pdf": -1.0}, 1, (1, 1)),
        ({"pdf": 0.0}, 1, (1, 1)),
        ({"pdf": 1.0}, 0, (1, 1)),
        ({"pdf": 1.0}, 1, (2, 1)),
        ({"pdf": 1.0}, 1, (1, MAX_PAGES + 1)),
    ],
)
def test_bad_arguments_are_rejected(
    tmp_path: Path, mix: dict[str, float], count: int, pages: tuple[int, int]
) -> None:
    with pytest.raises(ValueError):
        generate_corpus(tmp_path, count, mix=mix, pages=pages)


def test_parse_mix_reads_name_share_pairs() -> None:
    assert parse_mix("pdf=3, docx=1") == {"pdf": 0.75, "docx": 0.25}
    with pytest.raises(ValueError, match="not name=share"):
        parse_mix("pdf")


def test_command_line_writes_the_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(tmp_path), "--count", "4", "--seed", "9", "--mix", "txt=1", "--workers", "1"]
    assert main(argv) == 0
    assert len(_truth(tmp_path)) == 4
    assert "docs/s" in capsys.readouterr().err
