"""The case pages of the Oklahoma State Courts Network (blind sets 19 and 31): parties with
their roles, the judge and counsel from the page's fixed layout, over made-up examples."""

from __future__ import annotations

from docbatch.pipeline.entities.oscn import oscn_parties
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.roles import mark_roles
from tests.unit.entity_support import edges_and_entities

NOTICE = (
    "The information contained in this report is provided in compliance with the Oklahoma "
    "Open Records Act, 51 O.S. 24A.1.\n\n"
)
MISDEMEANOR = NOTICE + (
    "In the District Court in and for oklahoma County, Oklahoma\n\n"
    "STATE OF OKLAHOMA,\nPlaintiff,\nv.\nRHETT STEVEN RECORDER,\nDefendant.\t No. CM-2024-2809\n"
    "(Criminal Misdemeanor)\nFiled: 08/06/2024\nJudge: Oaks, Marthe\n\n"
    "Parties\n\nEDMOND PD, ARRESTING AGENCY\nRECORDER,\u00a0 RHETT\u00a0 STEVEN, Defendant\n"
    "STATE OF OKLAHOMA, Plaintiff\n\n"
    "Attorneys\n\nAttorney\tRepresented Parties\nMARTINEZ,\u00a0 JOHN\u00a0 F (Bar #32175)\n"
    "512 NW 12TH ST\nOKC, OK 73103\nRECORDER,   RHETT  STEVEN\n\n"
    "Events\n\nOCIS HAS AUTOMATICALLY ASSIGNED JUDGE OAKS, MARTHE TO THIS CASE.\n"
)
FELONY = NOTICE + (
    "In the District Court in and for wagoner County, Oklahoma\n\n"
    "STATE OF OKLAHOMA VS. KILEY, MELISSA MAE\t No. CF-2022-00029\n(Criminal Felony)\n"
    "Filed: 01/25/2022\nJudge: KIRKLAND, DOUGLAS\n\n"
    "Parties\n\nKILEY, MELISSA MAE, Defendant\nBENNET, JOHN, DISTRICT ATTORNEY\n"
    "CAVALRY SPV I, LLC, Plaintiff\n\nAttorneys\n\nNone\n"
)


def test_an_oscn_pages_parties_judge_and_counsel() -> None:
    edges, entities = edges_and_entities(MISDEMEANOR)
    assert {
        ("party_of", "State of Oklahoma", "document:plaintiff"),
        ("party_of", "Rhett Steven Recorder", "document:defendant"),
        ("judge_of", "Marthe Oaks", "document"),
        ("counsel_for", "John F Martinez", "Rhett Steven Recorder"),
    } <= edges
    # an agency is no party of the case; an address of the table is no one
    assert ("organization", "Edmond PD") in entities
    assert not [e for e in edges if e[0] == "party_of" and e[1] == "Edmond PD"]
    names = {name for kind, name in entities if kind == "person"}
    assert not names & {"Ok Okc", "Marthe to Oaks"}


def test_a_one_line_caption_an_officer_listed_as_a_party_and_a_company() -> None:
    people = mark_roles(FELONY, find_parties(FELONY))
    found = {(m.normalized, m.type.value, m.attributes.get("role", "")) for m in people}
    assert {
        ("Melissa Mae Kiley", "person", "defendant"),
        ("John Bennet", "person", ""),
        ("Cavalry SPV I, LLC", "organization", "plaintiff"),
        ("Douglas Kirkland", "person", "judge"),
    } <= found
    # the State is no plaintiff where the page lists another one
    edges, _ = edges_and_entities(FELONY.replace("CAVALRY SPV I, LLC, Plaintiff\n", ""))
    assert ("party_of", "State of Oklahoma", "document:plaintiff") in edges


def test_a_page_that_is_no_oscn_page_is_left_as_it_is() -> None:
    text = "Parties\n\nKILEY, MELISSA MAE, Defendant\nJudge: KIRKLAND, DOUGLAS\n"
    people = find_parties(text)
    assert oscn_parties(text, people) == people
