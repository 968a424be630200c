"""Counsel paragraphs that name their clients in a list ("Counsel for Defendants A, B, and
C") and run street addresses into the counsel list, as case-law vendors print them (the
class of tests/golden/real_blind12's Title III opinion), each as a rule test over a
made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.appearances import find_appearances
from tests.unit.entity_support import edges_and_entities

VENDOR = (
    "ACME HOLDINGS LLC, Plaintiff,\nv.\nBETA FUND, L.P., et al., Defendants.\n\n"
    "Case No. 18-cv-0042\n\n"
    "HARLOW & PIKE LLP, By: Steven O. Weaver, Martin J. Bellamy, Eleven Times Square, "
    "New York, NY 10036 and Rachel Ames, 353 N. Clark Street, Chicago, IL 60654, "
    "Counsel for Plaintiff the Acme Holdings LLC\n\n"
    "DELGADO & RUIZ, LLC, By: Alfredo Ruiz-Martinez, PO Box 11750, Juncos Station, "
    "San Juan, Puerto Rico 00910-1750, Counsel for Intervenor The Official Committee of "
    "Retired Teachers\n\n"
    "KELLER STONE LLP, By: John K. Cunningham, 200 S. Biscayne Blvd., Suite 4900, Miami, "
    "FL 33131, Counsel for Defendants Beta Fund, L.P., Gamma Capital Management, LLC, "
    "Delta Income Fund II, Inc., and Epsilon Partners, L.P.\n\n"
    "OPINION AND ORDER\n\nThe motion is denied.\n"
)


def test_vendor_counsel_lists_drop_the_street_addresses_and_the_by_label() -> None:
    counsel = [[m.text for m in a.counsel] for a in find_appearances(VENDOR)]
    assert counsel == [
        ["HARLOW & PIKE LLP", "Steven O. Weaver", "Martin J. Bellamy", "Rachel Ames"],
        ["DELGADO & RUIZ, LLC", "Alfredo Ruiz-Martinez"],
        ["KELLER STONE LLP", "John K. Cunningham"],
    ]


def test_a_client_to_the_end_of_its_paragraph_and_every_client_of_a_list() -> None:
    clients = [(a.role, a.client) for a in find_appearances(VENDOR)]
    assert clients == [
        ("plaintiff", "Acme Holdings LLC"),
        ("intervenor", "Official Committee of Retired Teachers"),
        ("defendant", "Beta Fund, L.P.; Gamma Capital Management, LLC; "
                      "Delta Income Fund II, Inc.; Epsilon Partners, L.P."),
    ]  # fmt: skip
    edges, _ = edges_and_entities(VENDOR)
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert {
        ("Official Committee of Retired Teachers", "document:intervenor"),
        ("Gamma Capital Management, LLC", "document:defendant"),
        ("Delta Income Fund II, Inc.", "document:defendant"),
        ("Epsilon Partners, L.P.", "document:defendant"),
    } <= parties
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert {
        ("John K. Cunningham", "Gamma Capital Management, LLC"),
        ("John K. Cunningham", "Epsilon Partners, L.P."),
        ("Alfredo Ruiz-Martinez", "Official Committee of Retired Teachers"),
    } <= counsel
    # an address is nobody: no "Eleven Times Square", "Juncos Station" or "Chicago"
    names = {source for _, source, _ in edges}
    assert not names & {"Eleven Times Square", "Juncos Station", "Chicago", "New York"}


def test_a_client_list_that_runs_into_an_address_or_a_case_number() -> None:
    text = (
        "Nicole Jo Moss, Cooper & Kirk, PLLC, Washington, DC, for Defendant-Intervenors "
        "Philip E. Berger, Timothy K. Moore 16 West Jones Street, Room 2304 Raleigh, "
        "NC 27601.\n\n"
        'Mary Babb, for Defendants Damon Circosta, Stacy "Four" Eggers, IV.\n\n'
    )
    clients = [a.client for a in find_appearances(text)]
    assert clients == ["Philip E. Berger", 'Damon Circosta; Stacy "Four" Eggers, IV']
    eggers = [p for a in find_appearances(text) for p in a.parties if "Eggers" in p.text]
    assert [(p.type.value, p.normalized) for p in eggers] == [("person", "Stacy Eggers IV")]
    entry = (
        "04/25/2018\tAPPEARANCE of Counsel Form filed by Attorney Nicole Giuliano for "
        "Petitioner Theodore D'Apuzzo, P.A. in 18-90014.\n"
    )
    assert [a.client for a in find_appearances(entry)] == ["Theodore D'Apuzzo, P.A."]
