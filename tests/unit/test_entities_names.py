"""Surname aliases: a person named by surname alone is the document's one full name."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.names import alias_surnames, surname


def _person(name: str, confidence: float = 0.9, **attributes: str) -> RawMention:
    return RawMention(EntityType.PERSON, 0, len(name), name, name, confidence, attributes)


def test_a_surname_takes_the_one_full_name_with_it() -> None:
    people = [_person("Vanessa St. Pierre"), _person("St. Pierre"), _person("Lee")]
    aliased = alias_surnames(people)
    assert [m.normalized for m in aliased] == ["Vanessa St. Pierre"] * 2 + ["Lee"]
    assert aliased[1].attributes["alias_of"] == "Vanessa St. Pierre"
    assert "alias_of" not in aliased[0].attributes


def test_two_people_of_one_surname_leave_the_surname_alone() -> None:
    people = [_person("John Smith"), _person("Mary Smith"), _person("Smith")]
    assert [m.normalized for m in alias_surnames(people)] == ["John Smith", "Mary Smith", "Smith"]


def test_a_weak_full_name_counts_only_with_a_role_and_only_among_the_chosen() -> None:
    judge = _person("Felipe Reyna", 0.6, role="judge")
    panel = _person("REYNA", 0.85, role="judge")
    witness = _person("Reyna", 0.85)
    aliased = alias_surnames([judge, panel, witness], among=lambda m: "role" in m.attributes)
    assert [m.normalized for m in aliased] == ["Felipe Reyna", "Felipe Reyna", "Reyna"]
    weak = alias_surnames([_person("Felipe Reyna", 0.6), _person("Reyna")])
    assert [m.normalized for m in weak] == ["Felipe Reyna", "Reyna"]


def test_an_organisation_is_never_aliased() -> None:
    org = RawMention(EntityType.ORGANIZATION, 0, 5, "Smith", "Smith", 0.9, {})
    assert alias_surnames([_person("John Smith"), org])[1] is org


def test_the_surname_keeps_its_saint() -> None:
    assert surname(["Vanessa", "St.", "Pierre"]) == "St. Pierre"
    assert surname(["Ann", "Roe,"]) == "Roe"


def test_a_given_name_and_surname_take_the_one_fuller_name() -> None:
    people = [_person("Brewster H. Jamieson"), _person("Brewster Jamieson"), _person("Jamieson")]
    assert {m.normalized for m in alias_surnames(people)} == {"Brewster H. Jamieson"}
    two = [_person("Ann B. Roe"), _person("Ann C. Roe"), _person("Ann Roe")]
    assert [m.normalized for m in alias_surnames(two)][-1] == "Ann Roe"
