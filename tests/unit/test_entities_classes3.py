"""Error classes of the third blind set (tests/golden/real_blind3), each as a rule test
over a made-up example of the class, end to end (text -> mentions -> entities -> edges)."""

from __future__ import annotations

from bench.pure import process_document
from docbatch.models import DOCUMENT_NODE, RelationType
from docbatch.pipeline.options import PipelineOptions


def _result(text: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    """(relation, source, target) of every typed edge, and (type, name) of every entity."""
    result = process_document(text.encode(), PipelineOptions())
    names = {entity.id: entity.name for entity in result.resolution.entities}
    names[DOCUMENT_NODE] = "document"
    edges = {
        (edge.type.value, names[edge.source], names[edge.target]
         + (f":{edge.attributes['role']}" if edge.attributes.get("role") else ""))
        for edge in result.relationships
        if edge.type is not RelationType.CITES
    }  # fmt: skip
    entities = {(entity.type.value, entity.name) for entity in result.resolution.entities}
    return edges, entities


DOCKET = (
    "U.S. District Court\nDistrict of Oregon (Portland)\n"
    "CIVIL DOCKET FOR CASE #: 3:11-cv-00123-ABC\n\n"
    "Northwind Mutual Insurance Company v. Quill et al\nAssigned to: Harold T. Vance\n"
    "Referred to: Magistrate Judge Ida M. Crane\n"
    "Date Filed: 02/14/2011\n\n"
    "Plaintiff\n"
    "Northwind Mutual Insurance Company \trepresented by\tRosalind K. Abernathy\n"
    "Ferris & Quade LLP\n400 SW Main Street\nPortland, OR 97204\n(503) 555-0100\n"
    "Email: rka@example.com\nLEAD ATTORNEY\nATTORNEY TO BE NOTICED\n"
    "Tamsin Oyelaran\n(See above for address)\nPRO HAC VICE\nATTORNEY TO BE NOTICED\n"
    "V.\nDefendant\nOrrin Bartholomew Quill\n"
    "Defendant\nQuill Holdings, Inc. \trepresented by\tDesmond P. Achterberg\n"
    "State of Oregon Office of\nLegal Counsel\n1162 Court Street\nSalem, OR 97301\n"
    "ATTORNEY TO BE NOTICED\n\n"
    "Date Filed\t#\tDocket Text\n"
    "02/14/2011\t1 \tCOMPLAINT against all defendants (Entered: 02/15/2011)\n"
)


def test_a_docket_party_table_gives_parties_their_roles() -> None:
    edges, _ = _result(DOCKET)
    parties = {(s, t) for kind, s, t in edges if kind == "party_of"}
    assert parties == {
        ("Northwind Mutual Insurance Company", "document:plaintiff"),
        ("Orrin Bartholomew Quill", "document:defendant"),
        ("Quill Holdings, Inc.", "document:defendant"),
    }


def test_a_docket_party_table_makes_each_listed_attorney_and_firm_counsel_for_its_party() -> None:
    edges, entities = _result(DOCKET)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert counsel == {
        ("Rosalind K. Abernathy", "Northwind Mutual Insurance Company"),
        ("Ferris & Quade LLP", "Northwind Mutual Insurance Company"),
        ("Tamsin Oyelaran", "Northwind Mutual Insurance Company"),
        ("Desmond P. Achterberg", "Quill Holdings, Inc."),
    }
    # an office on two lines is one organisation, and not counsel; designations are no one
    assert ("organization", "State of Oregon Office of Legal Counsel") in entities
    assert not any("Attorney" in name for kind, name in entities if kind == "person")


def test_a_docket_assigned_judge_is_a_judge_of_the_document() -> None:
    edges, _ = _result(DOCKET)
    assert {s for kind, s, _ in edges if kind == "judge_of"} == {"Harold T. Vance", "Ida M. Crane"}


def test_a_caption_with_plaintiff_under_a_name_is_not_a_docket_table() -> None:
    text = "JANE Q. ROE,\nPlaintiff\nZENITH CORP.,\nDefendant\nCOMPLAINT\n"
    edges, _ = _result(text)
    assert not {s for kind, s, _ in edges if kind == "counsel_for"}
