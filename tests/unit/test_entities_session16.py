"""Error classes found in session 16 on real filings, each as a rule test over a made-up
example."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.resolve import entity_key
from tests.unit.entity_support import edges_and_entities

DOCKET = (
    "U.S. District Court\nDistrict of Nevada (Las Vegas)\n"
    "CRIMINAL DOCKET FOR CASE #: 2:19-cr-00112-JAD\n\nUSA v. Roe\n"
    "Date Filed: 06/16/2019\n\n"
    "Defendant (1)\nJohn Roe\trepresented by\tAlice Silver\nLEAD ATTORNEY\n\n"
    "Plaintiff\nUSA\trepresented by\tEdward Chang\nLEAD ATTORNEY\n\n"
)


def test_a_dockets_usa_keeps_its_printed_initials() -> None:
    # A docket's "USA" is named as printed: a gold annotator's "United States" and "United
    # States of America" both list it, while "United States" is neither's other name.
    edges, entities = edges_and_entities(DOCKET)
    assert ("organization", "USA") in entities
    assert ("party_of", "USA", "document:plaintiff") in edges
    assert ("counsel_for", "Edward Chang", "USA") in edges


def test_the_united_states_names_are_one_entity_across_a_project() -> None:
    names = ("USA", "U.S.A.", "United States", "United States of America", "the United States")
    keys = {entity_key(EntityType.ORGANIZATION, name) for name in names}
    assert keys == {"united states"}
    assert entity_key(EntityType.ORGANIZATION, "United States Steel") != "united states"
