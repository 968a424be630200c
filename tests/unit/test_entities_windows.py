"""The entities stage on long texts: windows that give the same mentions, and a cap."""

from __future__ import annotations

import pytest

from bench.synth.prose import generate_prose
from docbatch.errors import DocumentTooLargeError
from docbatch.models import EntityType
from docbatch.pipeline.entities import (
    DefaultExtractor,
    RawMention,
    extract_in_windows,
    extract_mentions,
)
from docbatch.pipeline.options import EntityOptions


def spans(mentions: list[RawMention]) -> set[tuple[EntityType, int, int, str]]:
    return {(m.type, m.start, m.end, m.normalized) for m in mentions}


def test_windows_find_what_one_pass_finds():
    text = "\n\n".join(generate_prose(3, pages=40).pages)  # about 52,000 characters
    extractor = DefaultExtractor()
    whole = extractor.extract(text)
    windowed = extract_in_windows(extractor, text, window=12_000, context=3_000)
    assert len(text) > 4 * 12_000 and len(whole) > 500
    assert spans(windowed) == spans(whole)
    for mention in windowed:
        assert text[mention.start : mention.end] == mention.text


def test_a_short_form_near_a_window_start_finds_its_case_in_the_context():
    filler = "The parties agree on the facts. " * 400  # about 12,800 characters
    text = (
        f"{filler}See Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007).\n\n{filler}Id. at 570."
    )
    windowed = extract_in_windows(DefaultExtractor(), text, window=14_000, context=2_000)
    short = [m for m in windowed if m.text.startswith("Id.")]
    assert [m.normalized for m in short] == ["550 U.S. 544"]


class CountingExtractor:
    """Reports every "x" as a mention; counts the characters it was given."""

    name = "counting"

    def __init__(self) -> None:
        self.seen = 0

    def extract(self, text: str) -> list[RawMention]:
        self.seen += len(text)
        return [
            RawMention(EntityType.COURT, i, i + 1, "x", "x", 1.0)
            for i, ch in enumerate(text)
            if ch == "x"
        ]


def test_each_mention_is_reported_once_at_its_document_offset():
    text = ("abc x def\n" * 3000).rstrip()
    engine = CountingExtractor()
    found = extract_in_windows(engine, text, window=1000, context=200)
    assert [m.start for m in found] == [i for i, ch in enumerate(text) if ch == "x"]
    assert engine.seen < 1.3 * len(text)  # each window plus its context, once


def test_a_text_over_the_cap_fails_as_too_large():
    options = EntityOptions(max_chars=1000)
    with pytest.raises(DocumentTooLargeError, match="more than the entities stage's limit"):
        extract_mentions("x " * 600, (), [(1, 0, 1200)], options)
