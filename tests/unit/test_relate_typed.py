"""Typed relations from the patterns of real filings: judges, counsel, filing dates and the
document's court, end to end (text -> mentions -> entities -> edges)."""

from __future__ import annotations

from bench.pure import process_document
from docbatch.models import DOCUMENT_NODE, RelationType
from docbatch.pipeline.options import PipelineOptions
from tests.unit.entity_support import edges_and_entities


def _edges(text: str) -> set[tuple[str, str, str]]:
    """(relation, source name, target name) of every typed edge of ``text``."""
    result = process_document(text.encode(), PipelineOptions())
    names = {entity.id: entity.name for entity in result.resolution.entities}
    names[DOCUMENT_NODE] = "document"
    return {
        (edge.type.value, names[edge.source], names[edge.target])
        for edge in result.relationships
        if edge.type is not RelationType.CITES
    }


CAPTION = (
    "UNITED STATES COURT OF APPEALS\nFOR THE FIFTH CIRCUIT\nNo. 21-50498\n"
    "Vanessa Pierce,\nPlaintiff\u2014Appellant,\nversus\nAcme Insurance Company,\n"
    "Defendant\u2014Appellee.\nAppeal from the United States District Court\n"
    "for the Western District of Texas\n"
)


def test_a_panel_and_the_author_are_judges_of_the_document() -> None:
    text = CAPTION + "Before Barksdale, Stewart, and Dennis, Circuit Judges.\nPer Curiam:\n"
    edges = _edges(text)
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert judges == {"Barksdale", "Stewart", "Dennis"}


def test_the_heading_court_decides_and_the_appeal_court_below_does_not() -> None:
    edges = _edges(CAPTION + "The judgment is AFFIRMED.\n")
    assert {target for kind, _, target in edges if kind == "decided_by"} == {"5th Cir."}


def test_a_signature_block_makes_counsel_for_the_party_of_its_role() -> None:
    text = CAPTION + (
        "The judgment is AFFIRMED.\n\nRespectfully submitted.\n/s/ Jane Q. Roe\nJane Q. Roe\n"
        "Roe & Doe LLP\nCounsel for Appellant\n"
    )
    counsel = {(s, t) for kind, s, t in _edges(text) if kind == "counsel_for"}
    assert counsel == {("Jane Q. Roe", "Vanessa Pierce"), ("Roe & Doe LLP", "Vanessa Pierce")}


def test_counsel_named_for_a_client_by_name() -> None:
    text = CAPTION + "Sincerely,\ns/ Matthew P. Kralovec\n Counsel for Acme Insurance Company\n"
    counsel = {(s, t) for kind, s, t in _edges(text) if kind == "counsel_for"}
    assert counsel == {("Matthew P. Kralovec", "Acme Insurance Company")}


def test_an_appearance_paragraph_gives_counsel_for_the_appellee() -> None:
    text = CAPTION + (
        "Mark T. Lane, with whom Susan B. Hill and Hill Lane LLP were on brief, for appellee.\n"
    )
    counsel = {(s, t) for kind, s, t in _edges(text) if kind == "counsel_for"}
    assert counsel == {
        ("Mark T. Lane", "Acme Insurance Company"),
        ("Susan B. Hill", "Acme Insurance Company"),
        ("Hill Lane LLP", "Acme Insurance Company"),
    }


def test_the_filing_date_comes_from_the_stamp_not_from_the_story() -> None:
    text = CAPTION + (
        "On August 31, 2018, her husband died.\n"
        "Case: 21-50498 Document: 00516242060 Page: 1 Date Filed: 03/16/2022\n"
    )
    edges = _edges(text)
    assert {target for kind, _, target in edges if kind == "filed_on"} == {"2022-03-16"}


def test_an_unknown_client_gives_no_counsel_edge() -> None:
    text = CAPTION + "Respectfully submitted.\n/s/ Jane Q. Roe\nCounsel for Intervenor\n"
    assert not {edge for edge in _edges(text) if edge[0] == "counsel_for"}


def test_a_notice_of_appeal_filed_by_a_party_makes_it_the_appellant() -> None:
    text = (
        "DOCKETING NOTICE\nA notice of appeal filed by National Widget Workers Association in "
        "the above referenced case was docketed today as 17-3510.\n"
    )
    parties = {(s, t) for kind, s, t in _edges(text) if kind == "party_of"}
    assert parties == {("National Widget Workers Association", "document")}
    result = process_document(text.encode(), PipelineOptions())
    roles = {e.attributes.get("role") for e in result.relationships if e.type.value == "party_of"}
    assert roles == {"appellant"}


def test_an_agency_name_broken_before_its_last_word_is_whole() -> None:
    text = "The United States Department of Health and Human\nServices declared an emergency.\n"
    result = process_document(text.encode(), PipelineOptions())
    organisations = {m.normalized for m in result.mentions if m.type.value == "organization"}
    assert organisations == {"United States Department of Health and Human Services"}


def test_an_appearance_naming_the_client_after_its_role() -> None:
    text = (
        "Charles R. Goodwin ) Docket No. 2017-03-1235\nv. State File No. 80097-2017\n"
        "Acme Freight Services, Inc., et al.\n\n"
        "Daniel I. Hall and Brian Rife, Bristol, Tennessee, for the employer-appellant, Acme\n"
        "Freight Services, Inc.\n"
    )
    result = process_document(text.encode(), PipelineOptions())
    numbers = {m.normalized for m in result.mentions if m.type.value == "case_number"}
    assert numbers == {"2017-03-1235", "80097-2017"}
    counsel = {(s, t) for kind, s, t in _edges(text) if kind == "counsel_for"}
    assert counsel == {
        ("Daniel I. Hall", "Acme Freight Services, Inc."),
        ("Brian Rife", "Acme Freight Services, Inc."),
    }
    roles = {e.attributes.get("role") for e in result.relationships if e.type.value == "party_of"}
    assert roles == {"appellant"}


def test_a_letters_panel_note_names_the_judges_without_commas() -> None:
    text = (
        "Re: United States v. Haitao Xiang, No. 22-1801\n"
        " (Arg. & Sub. \u2013 Jan. 12, 2023\u2014Smith Wollman\n and Loken).\n"
        "Dear Mr. Gans,\n"
    )
    judges = {source for kind, source, _ in _edges(text) if kind == "judge_of"}
    assert judges == {"Smith", "Wollman", "Loken"}


def test_counsel_for_a_role_in_the_plural_is_counsel_for_every_party_given_it() -> None:
    text = (
        "ALPHA GROWERS UNION, Jane Q. Doe, and Mark T. Lane, Plaintiffs,\nv.\n"
        "Acme Insurance Company and Beta Mutual Company, Defendants.\n\n"
        "Peter A. Roe, Roe & Doe LLP, Washington, DC, for Plaintiffs.\n"
        "Nora B. Vale, Vale LLP, Detroit, for defendant.\n"
    )
    counsel = {(s, t) for kind, s, t in _edges(text) if kind == "counsel_for"}
    assert {t for s, t in counsel if s == "Peter A. Roe"} == {
        "Alpha Growers Union",
        "Jane Q. Doe",
        "Mark T. Lane",
    }
    # in the singular, the first party given the role
    assert {t for s, t in counsel if s == "Nora B. Vale"} == {"Acme Insurance Company"}


#: Six parties and eight attorneys: 48 counsel rows for some 15 entities, past the budget.
_SIX_PARTIES = ["Alpha Growers Union", "Beta Farmers League", "Gamma Ranchers Union",
                "Delta Dairy League", "Epsilon Orchard Union", "Zeta Vines League"]  # fmt: skip
_EIGHT_COUNSEL = ["Peter A. Roe", "Nora B. Vale", "Carl C. Moss", "Dana D. Lott",
                  "Evan E. Pratt", "Fay F. Quinn", "Gus G. Reyes", "Hal H. Stone"]  # fmt: skip


def test_a_plural_role_names_its_lead_party_where_every_party_would_outgrow_the_rows() -> None:
    text = (
        ", ".join(p.upper() for p in _SIX_PARTIES) + ", Plaintiffs,\nv.\n"
        "Acme Insurance Company, Defendant.\n\n"
        + ", ".join(_EIGHT_COUNSEL) + ", for Plaintiffs.\n"
    )  # fmt: skip
    edges = {(s, t) for kind, s, t in _edges(text) if kind == "counsel_for"}
    # 8 attorneys x 6 plaintiffs = 48 rows for some 15 entities: the lead party only
    assert {t for _, t in edges} == {"Alpha Growers Union"}
    assert {s for s, _ in edges} == set(_EIGHT_COUNSEL)


def test_a_list_of_clients_names_its_first_where_every_client_would_outgrow_the_rows() -> None:
    text = (
        "ACME INSURANCE COMPANY, Plaintiff,\nv.\nALPHA GROWERS UNION, et al., Defendants.\n\n"
        + ", ".join(_EIGHT_COUNSEL) + ", for Defendants " + ", ".join(_SIX_PARTIES) + ".\n"
    )  # fmt: skip
    edges, _ = edges_and_entities(text)
    # every client named is a party with the role
    assert {s for kind, s, t in edges if kind == "party_of" and t == "document:defendant"} == (
        set(_SIX_PARTIES)
    )
    # 8 attorneys x 6 clients = 48 rows for some 15 entities: the first client only
    assert {t for kind, _, t in edges if kind == "counsel_for"} == {"Alpha Growers Union"}
