"""Error classes of the seventh and eighth blind sets (tests/golden/real_blind7, _blind8),
each as a rule test over a made-up example of the class."""

from __future__ import annotations

from tests.unit.entity_support import edges_and_entities as _result

_APPELLATE_DOCKET = (
    "General Docket\nUnited States Court of Appeals for the Sixth Circuit\n\n"
    "Court of Appeals Docket #: 21-5012\nDocketed: 01/08/2021\n"
    "Originating Court Information:\nDistrict: 0631-3 : 3:19-cr-00044-1\n"
    "Date Filed: 03/05/2019\n\n"
    "UNITED STATES OF AMERICA\nPlaintiff - Appellee\tMara Quill Dent, Assistant U.S. Attorney\n"
    "Direct: 865-555-0100\n[COR NTC Government]\nOffice of the U.S. Attorney\n"
    "Firm: 865-555-0101\n800 Market Street\nKnoxville, TN 37902\n\n"
    "NATIONAL LEGAL AID SOCIETY\nAmicus Curiae\tPia Lorne\nDirect: 202-555-0111\n"
    "[COR NTC Retained]\nLorne Appellate Group LLP\nFirm: 202-555-0112\n\n"
    "v.\n\n"
    "HOLLIS RANE (#20575-509), also known as Big H\nDefendant - Appellant\tTobin Ash Merle\n"
    "Direct: 423-555-0199\n[COR NTC CJA Appointment]\nMerle & Vance, PLLC\n"
    "Firm: 423-555-0190\n12 Oak Street\nChattanooga, TN 37402\n"
    "Hollis Rane\n[NTC Pro Se]\nBlount County Jail\n\n"
    "01/09/2021 2 APPEARANCE filed by Tobin Ash Merle as counsel for Appellee. "
    "[Entered: 01/09/2021 10:12 AM]\n"
)


def test_an_appellate_dockets_party_table_gives_parties_attorneys_and_firms() -> None:
    edges, entities = _result(_APPELLATE_DOCKET)
    assert {e for e in edges if e[0] in {"party_of", "counsel_for"}} == {
        ("party_of", "United States of America", "document:appellee"),
        ("party_of", "Hollis Rane", "document:appellant"),
        ("counsel_for", "Mara Quill Dent", "United States of America"),
        ("counsel_for", "Pia Lorne", "National Legal Aid Society"),
        ("counsel_for", "Lorne Appellate Group LLP", "National Legal Aid Society"),
        ("counsel_for", "Tobin Ash Merle", "Hollis Rane"),
        ("counsel_for", "Merle & Vance, PLLC", "Hollis Rane"),
    }  # an amicus is no party; the U.S. Attorney's office is no firm; pro se is no counsel
    assert ("organization", "Office of the U.S. Attorney") in entities
    assert not any("Big H" in name or "Jail" in name for _, name in entities)


def test_the_docketed_date_is_filed_on_and_the_case_belows_date_filed_is_not() -> None:
    edges, entities = _result(_APPELLATE_DOCKET)
    assert {target for kind, _, target in edges if kind == "filed_on"} == {"2021-01-08"}
    assert ("date", "2019-03-05") in entities
