"""The entities stage end to end: ground truth, golden file, offsets, chunks and pages."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synth.prose import EXPECTED_ENTITIES, OPINION_PAGES, generate_prose
from docbatch.models import Chunk, EntityType, ExtractedDocument, Page, to_dict
from docbatch.pipeline.entities import (
    DefaultExtractor,
    RawMention,
    create_extractor,
    extract_mentions,
    place_mentions,
)
from docbatch.pipeline.options import EntityOptions

NOT_PEOPLE_OR_ORGS = {
    "The Court", "Court", "Plaintiff", "Defendant", "Defendants", "Second Circuit", "Rule",
    "SO ORDERED", "OPINION AND ORDER", "United States District Judge", "New York",
    "Bell Atlantic Corp.", "Twombly", "Iqbal", "Tellabs, Inc.", "Makor Issues & Rights, Ltd.",
    "Novak", "Kasaks", "Securities Exchange Act", "March", "Dated", "Section", "Id.",
    "United States District Court", "Southern District of New York", "DENIED",
}  # fmt: skip


def make_chunks(text: str, size: int = 400, overlap: int = 100) -> list[Chunk]:
    """Fixed-size overlapping chunks (page numbers are not used by the stage)."""
    chunks, start, index = [], 0, 0
    while start < len(text):
        end = min(len(text), start + size)
        chunks.append(Chunk(index, text[start:end], start, end, 1, 1))
        if end == len(text):
            break
        start, index = end - overlap, index + 1
    return chunks


def run_stage(pages: list[str] | tuple[str, ...], **options: object) -> tuple[str, tuple]:
    document = ExtractedDocument("text/plain", tuple(Page(i + 1, p) for i, p in enumerate(pages)))
    text = document.text
    mentions = extract_mentions(
        text, make_chunks(text), document.page_spans(), EntityOptions(**options)
    )
    return text, mentions


@pytest.fixture(scope="module")
def opinion() -> tuple[str, tuple]:
    return run_stage(OPINION_PAGES)


def test_opinion_contains_every_expected_entity(opinion: tuple[str, tuple]) -> None:
    _, mentions = opinion
    found = {(m.type.value, m.normalized) for m in mentions}
    assert sorted(EXPECTED_ENTITIES - found) == []


def test_opinion_has_no_obvious_false_people_or_organisations(opinion: tuple[str, tuple]) -> None:
    _, mentions = opinion
    parties = [m for m in mentions if m.type in (EntityType.PERSON, EntityType.ORGANIZATION)]
    wrong = [m.text for m in parties if m.text in NOT_PEOPLE_OR_ORGS]
    wrong += [m.normalized for m in parties if m.normalized in NOT_PEOPLE_OR_ORGS]
    assert wrong == []
    assert {m.normalized for m in parties} == {
        "Acme Holdings, Inc.", "Blue River Capital LLC", "John R. Smith", "Jesse M. Furman",
    }  # fmt: skip


def test_opinion_party_roles_come_from_caption_and_cues(opinion: tuple[str, tuple]) -> None:
    _, mentions = opinion
    roles = {(m.text, m.attributes.get("role")) for m in mentions if m.attributes.get("role")}
    assert ("ACME HOLDINGS, INC.", "plaintiff") in roles
    assert ("JOHN R. SMITH", "defendant") in roles
    assert ("BLUE RIVER CAPITAL LLC", "defendant") in roles
    assert ("Jesse M. Furman", "judge") in roles


def test_opinion_short_and_id_citations_resolve_to_full(opinion: tuple[str, tuple]) -> None:
    _, mentions = opinion
    forms = {
        (m.text, m.normalized, m.attributes["form"])
        for m in mentions
        if m.type is EntityType.CITATION
    }
    assert ("Id. at 679", "556 U.S. 662", "id") in forms
    assert ("550 U.S. at 556", "550 U.S. 544", "short") in forms
    assert ("550 U.S. 544", "550 U.S. 544", "full") in forms


def test_opinion_citation_years_are_not_dates(opinion: tuple[str, tuple]) -> None:
    _, mentions = opinion
    dates = sorted(m.normalized for m in mentions if m.type is EntityType.DATE)
    assert dates == ["2022-06-02", "2023-03-14", "2023-12-01", "2024-01-09"]


def test_opinion_mentions_match_golden_file(opinion: tuple[str, tuple], golden) -> None:
    _, mentions = opinion
    golden.check("entities_opinion", to_dict(mentions))


def test_mentions_are_sorted_unique_and_on_their_page(opinion: tuple[str, tuple]) -> None:
    _text, mentions = opinion
    keys = [(m.char_start, m.type.value) for m in mentions]
    assert keys == sorted(keys)
    spans = [(m.type, m.char_start, m.char_end) for m in mentions]
    assert len(spans) == len(set(spans))
    page_two_start = len(OPINION_PAGES[0]) + 2
    page_three_start = page_two_start + len(OPINION_PAGES[1]) + 2
    for m in mentions:
        expected = (
            1 if m.char_start < page_two_start else 2 if m.char_start < page_three_start else 3
        )
        assert m.page == expected, m
    furman = next(m for m in mentions if m.normalized == "Jesse M. Furman")
    assert (furman.page, furman.extractor) == (3, "default")


def test_mention_goes_to_first_of_overlapping_chunks() -> None:
    text = "Filler words here. Case No. 1:23-cv-04567-JMF was filed."
    start = text.index("Case")
    chunks = [
        Chunk(0, text[:40], 0, 40, 1, 1),
        Chunk(1, text[10:], 10, len(text), 1, 1),
    ]
    mentions = extract_mentions(text, chunks, [(7, 0, len(text))], EntityOptions())
    (number,) = [m for m in mentions if m.type is EntityType.CASE_NUMBER]
    assert (number.char_start, number.chunk_index, number.page) == (start, 0, 7)
    later = Chunk(1, text[45:], 45, len(text), 1, 1)
    moved = extract_mentions(text, [chunks[0], later], [(7, 0, len(text))], EntityOptions())
    assert [m.chunk_index for m in moved if m.type is EntityType.CASE_NUMBER] == [0]


def test_place_mentions_drops_duplicates_and_bad_offsets() -> None:
    text = "Paid $5 on 2023-03-14."
    money = RawMention(EntityType.MONEY, 5, 7, "$5", "USD 5.00", 0.9)
    wrong = RawMention(EntityType.DATE, 0, 4, "nope", "x", 0.9)
    placed = place_mentions(text, [money, money, wrong], make_chunks(text), [(1, 0, 22)], "t")
    assert [(m.text, m.chunk_index, m.extractor) for m in placed] == [("$5", 0, "t")]


def test_types_option_filters_mentions() -> None:
    _, mentions = run_stage(OPINION_PAGES, types=("money",))
    assert {m.type for m in mentions} == {EntityType.MONEY}
    assert len(mentions) == 2


def test_unknown_extractor_is_a_config_error() -> None:
    from docbatch.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown entity extractor 'nope'"):
        create_extractor(EntityOptions(extractor="nope"))


_EXTRACTOR = DefaultExtractor()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10_000), size=st.integers(200, 2000))
def test_every_mention_text_is_the_document_text_at_its_offsets(seed: int, size: int) -> None:
    pages = generate_prose(seed, pages=2, paragraphs_per_page=2).pages
    document = ExtractedDocument("text/plain", tuple(Page(i + 1, p) for i, p in enumerate(pages)))
    text = document.text
    chunks = make_chunks(text, size=size, overlap=size // 5)
    mentions = extract_mentions(
        text, chunks, document.page_spans(), EntityOptions(), extractor=_EXTRACTOR
    )
    assert mentions
    for m in mentions:
        assert text[m.char_start : m.char_end] == m.text
        chunk = chunks[m.chunk_index]
        assert chunk.char_start <= m.char_start < chunk.char_end
        assert not any(c.char_start <= m.char_start < c.char_end for c in chunks[: m.chunk_index])
        assert m.page == (1 if m.char_start < len(pages[0]) else 2)
