"""Tests for the relate stage: edge weights, evidence, roles, determinism."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping

import pytest

from bench.synth.prose import generate_prose
from docbatch.errors import PermanentError
from docbatch.models import (
    DOCUMENT_NODE,
    CanonicalEntity,
    Chunk,
    EntityType,
    ExtractedDocument,
    Mention,
    Page,
    Relationship,
    RelationType,
    Resolution,
    Stage,
)
from docbatch.pipeline import relate as relate_module
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.options import ChunkOptions, EntityOptions, PipelineOptions, RelateOptions
from docbatch.pipeline.relate import (
    MAX_ENTITIES_PER_CHUNK,
    RelateContext,
    co_occurrence_edges,
    relate,
)
from docbatch.pipeline.resolve import resolve
from docbatch.settings import Settings

T = EntityType
R = RelationType

# Three chunks of 100 characters; chunks 1 and 2 overlap on [180, 200).
CHUNKS = (
    Chunk(0, "x" * 100, 0, 100, 1, 1),
    Chunk(1, "x" * 100, 100, 200, 1, 1),
    Chunk(2, "x" * 100, 180, 280, 2, 2),
)


def mention(
    entity_type: EntityType,
    text: str,
    start: int,
    chunk: int,
    attributes: Mapping[str, str] | None = None,
    normalized: str | None = None,
) -> Mention:
    return Mention(
        type=entity_type,
        text=text,
        normalized=text if normalized is None else normalized,
        char_start=start,
        char_end=start + 5,
        chunk_index=chunk,
        page=1,
        confidence=0.9,
        extractor="test",
        attributes=dict(attributes or {}),
    )


CO_OCCURS = RelateOptions(co_occurs=True)


def build(
    mentions: list[Mention], options: RelateOptions = CO_OCCURS
) -> tuple[Resolution, tuple[Relationship, ...]]:
    resolution = resolve(mentions)
    return resolution, relate(mentions, resolution, CHUNKS, options=options)


def ids(resolution: Resolution) -> dict[str, str]:
    """Entity id by name, for readable assertions."""
    return {entity.name: entity.id for entity in resolution.entities}


def edges_of(edges: tuple[Relationship, ...], kind: RelationType) -> list[Relationship]:
    return [edge for edge in edges if edge.type is kind]


MENTIONS = [
    mention(T.ORGANIZATION, "Acme Holdings, Inc.", 10, 0, {"role": "Plaintiff"}),
    mention(T.PERSON, "John R. Smith", 30, 0, {"role": "defendant"}),
    mention(T.CITATION, "550 U.S. 544", 50, 0, {"plaintiff": "Bell Atlantic Corp."}),
    mention(T.PERSON, "Jesse M. Furman", 40, 0, {"role": "judge"}),
    mention(T.DATE, "2023-03-14", 60, 0),
    mention(T.DATE, "2023-03-15", 70, 0),
    mention(T.ORGANIZATION, "ACME HOLDINGS INC", 120, 1, {"role": "Plaintiffs"}),
    mention(T.PERSON, "John Smith", 185, 1),
    mention(T.CITATION, "550 U.S. 544", 250, 2),
    mention(T.STATUTE, "15 U.S.C. § 78j(b)", 260, 2),
    mention(
        T.CITATION,
        "216 F.3d 300",
        262,
        2,
        {"plaintiff": "Acme Holdings", "defendant": "Smith, John"},
    ),
]


def test_co_occurrence_weights_and_evidence() -> None:
    resolution, edges = build(MENTIONS)
    by_name = ids(resolution)
    acme, smith = by_name["Acme Holdings, Inc."], by_name["John R. Smith"]
    pairs = {(e.source, e.target): e for e in edges_of(edges, R.CO_OCCURS)}
    edge = pairs[min(acme, smith), max(acme, smith)]
    # Chunk 0 holds both; chunk 1 holds Acme and Smith (at 185, also inside chunk 2).
    assert (edge.weight, edge.evidence) == (2, (0, 1))
    cite = by_name["550 U.S. 544"]
    edge = pairs[min(cite, smith), max(cite, smith)]
    assert (edge.weight, edge.evidence) == (2, (0, 2))


def test_co_occurrence_has_no_self_loops_and_is_undirected() -> None:
    _, edges = build(MENTIONS)
    for edge in edges_of(edges, R.CO_OCCURS):
        assert edge.source < edge.target
        assert edge.weight == len(edge.evidence)


def test_date_pairs_are_skipped_but_date_amount_pairs_kept() -> None:
    mentions = [
        mention(T.DATE, "2023-03-14", 1, 0),
        mention(T.DATE, "2023-03-15", 10, 0),
        mention(T.MONEY, "USD 5.00", 20, 0),
        mention(T.MONEY, "USD 6.00", 30, 0),
    ]
    resolution, edges = build(mentions)
    types = {e.id: e.type for e in resolution.entities}
    pairs = {frozenset({types[e.source], types[e.target]}) for e in edges}
    assert pairs == {frozenset({T.DATE, T.MONEY})}
    assert len(edges) == 4


def test_citations_are_cited_by_the_document() -> None:
    resolution, edges = build(MENTIONS)
    by_name = ids(resolution)
    cites = {e.target: e for e in edges_of(edges, R.CITES)}
    assert set(cites) == {
        by_name["550 U.S. 544"],
        by_name["15 U.S.C. § 78j(b)"],
        by_name["216 F.3d 300"],
    }
    twombly = cites[by_name["550 U.S. 544"]]
    assert (twombly.source, twombly.weight, twombly.evidence) == (DOCUMENT_NODE, 2, (0, 2))


def test_roles_make_party_edges_to_the_document() -> None:
    resolution, edges = build(MENTIONS)
    by_name = ids(resolution)
    to_document = [e for e in edges_of(edges, R.PARTY_OF) if e.target == DOCUMENT_NODE]
    assert [(e.source, e.weight, e.evidence, dict(e.attributes)) for e in to_document] == sorted(
        [
            (by_name["Acme Holdings, Inc."], 2, (0, 1), {"role": "plaintiff"}),
            (by_name["John R. Smith"], 1, (0,), {"role": "defendant"}),
        ]
    )


def test_case_captions_link_parties_to_the_cited_case() -> None:
    resolution, edges = build(MENTIONS)
    by_name = ids(resolution)
    novak = by_name["216 F.3d 300"]
    to_case = [e for e in edges_of(edges, R.PARTY_OF) if e.target != DOCUMENT_NODE]
    assert {(e.source, e.target, e.attributes["role"], e.weight) for e in to_case} == {
        (by_name["Acme Holdings, Inc."], novak, "plaintiff", 1),
        (by_name["John R. Smith"], novak, "defendant", 1),
    }
    # "Bell Atlantic Corp." is no entity of this document: no edge to 550 U.S. 544.
    assert all(e.target != by_name["550 U.S. 544"] for e in to_case)


def test_output_is_sorted_and_independent_of_mention_order() -> None:
    _, expected = build(MENTIONS)
    assert list(expected) == sorted(
        expected, key=lambda e: (e.type.value, e.source, e.target, sorted(e.attributes.items()))
    )
    for seed in range(20):
        shuffled = list(MENTIONS)
        random.Random(seed).shuffle(shuffled)
        assert build(shuffled)[1] == expected


def test_entities_per_chunk_are_capped() -> None:
    mentions = [mention(T.CASE_NUMBER, f"No. {n}-cv-{n}", n, 0) for n in range(80)]
    mentions += [mention(T.CASE_NUMBER, "No. 79-cv-79", 90, 0)]
    resolution, edges = build(mentions)
    co = edges_of(edges, R.CO_OCCURS)
    assert len(co) == MAX_ENTITIES_PER_CHUNK * (MAX_ENTITIES_PER_CHUNK - 1) // 2
    # The entity mentioned twice is kept even though it appears last.
    frequent = ids(resolution)["No. 79-cv-79"]
    assert any(frequent in (e.source, e.target) for e in co)


def test_mismatched_resolution_is_rejected() -> None:
    with pytest.raises(PermanentError):
        relate(MENTIONS, Resolution(entities=(), assignments=()), CHUNKS)


def test_no_mentions_no_edges() -> None:
    assert relate([], Resolution((), ()), CHUNKS) == ()


def test_a_new_edge_kind_is_one_function() -> None:
    def same_type_edges(context: RelateContext) -> Iterator[Relationship]:
        yield Relationship(R.CO_OCCURS, "a", "b", len(context.mentions), ())

    resolution = resolve(MENTIONS)
    edges = relate(MENTIONS, resolution, CHUNKS, builders=[same_type_edges])
    assert edges == (Relationship(R.CO_OCCURS, "a", "b", len(MENTIONS), ()),)
    assert co_occurrence_edges in relate_module.edge_builders(CO_OCCURS)


def test_mentions_without_chunks_use_their_chunk_index() -> None:
    mentions = [mention(T.PERSON, "Ann Lee", 0, 4), mention(T.PERSON, "Bo Chan", 0, 4)]
    resolution = resolve(mentions)
    (edge,) = relate(mentions, resolution, (), options=CO_OCCURS)
    assert (edge.type, edge.weight, edge.evidence) == (R.CO_OCCURS, 1, (4,))


def test_known_entity_names_match_case_captions() -> None:
    known = CanonicalEntity(
        "organization:acme", T.ORGANIZATION, "acme holdings", "Acme", ("Acme Holdings, Inc.",)
    )
    mentions = [
        mention(T.ORGANIZATION, "Acme Holdings, Inc.", 5, 0),
        mention(T.CITATION, "1 F.4th 2", 20, 0, {"plaintiff": "ACME HOLDINGS, INC."}),
    ]
    resolution = resolve(mentions, [known])
    edges = edges_of(relate(mentions, resolution, CHUNKS), R.PARTY_OF)
    assert [(e.source, e.attributes["role"]) for e in edges] == [(known.id, "plaintiff")]


def test_co_occurrence_is_off_by_default() -> None:
    resolution = resolve(MENTIONS)
    edges = relate(MENTIONS, resolution, CHUNKS)
    assert edges_of(edges, R.CO_OCCURS) == []
    assert edges == relate(MENTIONS, resolution, CHUNKS, options=RelateOptions())
    # Everything else is what the opt-in run builds, minus its co-occurrences.
    with_co = relate(MENTIONS, resolution, CHUNKS, options=CO_OCCURS)
    assert edges == tuple(e for e in with_co if e.type is not R.CO_OCCURS)
    assert co_occurrence_edges not in relate_module.edge_builders(RelateOptions())


def test_co_occurrence_option_is_part_of_the_relate_version_only() -> None:
    off, on = PipelineOptions(), PipelineOptions(relate=CO_OCCURS)
    assert off.version(Stage.RELATE) != on.version(Stage.RELATE)
    for stage in (Stage.EXTRACT, Stage.CHUNK, Stage.ENTITIES, Stage.RESOLVE):
        assert off.version(stage) == on.version(stage)


def test_settings_carry_the_co_occurrence_option(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().pipeline_options().relate == RelateOptions(co_occurs=False)
    monkeypatch.setenv("DOCBATCH_RELATE_CO_OCCURS", "true")
    assert Settings().pipeline_options().relate == RelateOptions(co_occurs=True)


def test_a_generated_document_has_at_most_two_edges_per_entity() -> None:
    """With the defaults a document's edges grow with its entities, not their pairs."""
    text = "\n\n".join(generate_prose(7, pages=6).pages)
    document = ExtractedDocument("text/plain", (Page(1, text),))
    chunks = chunk_document(document, ChunkOptions())
    mentions = extract_mentions(text, chunks, document.page_spans(), EntityOptions())
    resolution = resolve(mentions)
    entities = set(resolution.assignments)
    edges = relate(mentions, resolution, chunks)
    assert len(entities) > 50
    assert {e.type for e in edges} == {R.CITES, R.PARTY_OF}
    assert len(edges) <= 2 * len(entities)
    # The opt-in co-occurrences are what made it quadratic.
    assert len(relate(mentions, resolution, chunks, options=CO_OCCURS)) > 5 * len(entities)


def test_case_captions_match_only_this_documents_own_forms() -> None:
    """Aliases an entity gathered from other documents never add edges to this one."""
    mentions = [
        mention(T.ORGANIZATION, "Acme Holdings, Inc.", 5, 0),
        mention(T.CITATION, "1 F.4th 2", 20, 0, {"plaintiff": "Acme Holding, Inc."}),
    ]
    alone = resolve(mentions)
    # Another document of the project added "Acme Holding, Inc." to the same entity.
    grown = CanonicalEntity(
        ids(alone)["Acme Holdings, Inc."],
        T.ORGANIZATION,
        "acme holdings",
        "Acme Holdings, Inc.",
        ("Acme Holding, Inc.", "Acme Holdings, Inc."),
    )
    with_project = resolve(mentions, [grown])
    assert with_project.assignments == alone.assignments
    edges = relate(mentions, alone, CHUNKS)
    assert relate(mentions, with_project, CHUNKS) == edges
    assert edges_of(edges, R.PARTY_OF) == []


def test_a_one_party_caption_links_its_party_to_the_case() -> None:
    mentions = [
        mention(T.ORGANIZATION, "Crazie Overstock, LLC", 5, 0),
        mention(T.CITATION, "377 N.C. 391", 40, 0, {"party": "Crazie Overstock, LLC"}),
    ]
    resolution, edges = build(mentions, RelateOptions())
    by_name = ids(resolution)
    assert [(e.source, e.target, e.attributes["role"]) for e in edges_of(edges, R.PARTY_OF)] == [
        (by_name["Crazie Overstock, LLC"], by_name["377 N.C. 391"], "party")
    ]
