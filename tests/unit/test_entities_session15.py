"""Error classes found in session 15 on real filings (organisations read with a building,
a role word or a court), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.bodies import find_public_bodies
from tests.unit.entity_support import edges_and_entities

DOCKET = (
    "U.S. District Court\nDistrict of Hawaii (Honolulu)\n"
    "CRIMINAL DOCKET FOR CASE #: 1:04-cr-00200-DAE\n\nUSA v. Roe\n"
    "Date Filed: 06/16/2004\n\n"
    "Defendant (1)\nJohn Roe\trepresented by\tAlice Silver\n"
    "Office of the Federal Public Defender\nPJKK Federal Building\n300 Ala Moana Blvd\n"
    "Honolulu, HI 96850\nLEAD ATTORNEY\n"
    "Bruce Gadd\nGIBBONS PC\nONE GATEWAY CENTER\nNEWARK, NJ 07102\nATTORNEY TO BE NOTICED\n"
    "Diana Hill\nUTAH COURT OF APPEALS\n450 S STATE 5TH FL\nSALT LAKE CITY, UT 84111\n"
    "ATTORNEY TO BE NOTICED\n\n"
    "Plaintiff\nUSA\trepresented by\tEdward Chang\nOffice of the United States Attorney\n"
    "Prince Kuhio Federal Building\n300 Ala Moana Blvd\nHonolulu, HI 96850\nLEAD ATTORNEY\n\n"
    "Date Filed\t#\tDocket Text\n"
    "05/15/2006\t22\tORDER GRANTING DEFENDANT'S ACME WIDGETS INC. EX PARTE APPLICATION "
    "(Entered: 05/17/2006)\n"
)


def test_a_firm_line_stops_at_a_buildings_line() -> None:
    _edges, entities = edges_and_entities(DOCKET)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"Office of the Federal Public Defender", "Office of the United States Attorney",
            "Gibbons PC"} <= organisations  # fmt: skip
    assert not any("Building" in name or "Center" in name for name in organisations)


def test_a_court_on_an_attorneys_firm_line_is_no_organisation() -> None:
    _edges, entities = edges_and_entities(DOCKET)
    organisations = {name.casefold() for kind, name in entities if kind == "organization"}
    assert "utah court of appeals" not in organisations


def test_a_shouted_possessive_role_is_no_part_of_a_company() -> None:
    _edges, entities = edges_and_entities(DOCKET)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "Acme Widgets Inc." in organisations
    assert not any(name.lower().startswith("defendant") for name in organisations)


def test_amicus_words_and_filed_open_no_organisation() -> None:
    text = (
        "Jane Doe, Washington, D.C., for Amicus Curiae Electronic Frontier Foundation.\n\n"
        'The title became "Hostile Work Environment Lawsuit Filed Against Acme Testing '
        'Laboratories."\n'
    )
    _edges, entities = edges_and_entities(text)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"Electronic Frontier Foundation", "Acme Testing Laboratories"} <= organisations
    assert not any(name.split()[0] in ("Amicus", "Filed") for name in organisations)


def test_a_division_named_after_its_court_is_part_of_the_court() -> None:
    text = "Superior Court of New Jersey Chancery Division Family Part Ocean County\n"
    assert [m.text for m in find_public_bodies(text)] == []
    assert [m.text for m in find_public_bodies("the New Jersey Chancery Division")]
