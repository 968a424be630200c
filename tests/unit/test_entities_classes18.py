"""Error classes of the eighteenth blind set (tests/golden/real_blind18: a district
court's order) and the counsel classes left from the sixteenth (a Ninth Circuit counsel
list for two amici), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.captions import caption_parties
from docbatch.pipeline.entities.parties import find_parties
from tests.unit.entity_support import edges_and_entities


def _parties(text: str) -> list[tuple[str, str]]:
    return [(m.type.value, m.normalized) for m in find_parties(text)]


def test_a_role_in_the_possessive_is_no_part_of_the_name() -> None:
    text = (
        'Before the Court is Defendant\'s Acme National Insurance Company ("Defendant") '
        'Motion to Dismiss Plaintiff\'s 516, Inc. ("Plaintiff") Complaint.'
    )
    assert _parties(text) == [
        ("organization", "Acme National Insurance Company"), ("organization", "516, Inc."),
    ]  # fmt: skip


def test_an_agency_named_for_a_person_is_an_organisation() -> None:
    text = "Plaintiff reported the loss to George L. Brown Insurance Agency, an agent, on time."
    assert _parties(text) == [("organization", "George L. Brown Insurance Agency")]


def test_a_caption_party_with_the_name_it_trades_under() -> None:
    text = (
        "516 Inc., dba DG Plumbing,\nPlaintiff\nv.\n"
        "ACME SERVICES, INC. dba ACME NATIONAL INSURANCE COMPANY, a Delaware Corporation; "
        "and DOES 1 through 100, inclusive,\nDefendants.\n"
    )
    found = [(m.type.value, m.normalized, m.attributes["role"]) for m in caption_parties(text)]
    assert found == [
        ("organization", "516 Inc.", "plaintiff"),
        ("organization", "Acme Services, Inc.", "defendant"),
        ("organization", "Acme National Insurance Company", "defendant"),
    ]
    # a trade name shaped like a person's is the business's
    shop = "Ann Roe, and White Swan, Inc., d/b/a Plaza Cleaners,\nAppellants,\n"
    assert ("organization", "Plaza Cleaners", "appellant") in [
        (m.type.value, m.normalized, m.attributes["role"]) for m in caption_parties(shop)
    ]


_AMICI = (
    "UNITED STATES OF AMERICA,\n    Plaintiff-Appellant,\n  v.\nRICHARD ROE,\n"
    "    Defendant-Appellee.\n\n"
    "                       COUNSEL\n\n"
    "Ann B. Porter, National Association of\n"
    "Criminal Defense Lawyers, Washington, D.C.; Michael Price,\n"
    "Brennan Center for Justice, New York, New York; Hanni M.\n"
    "Fakhoury, Electronic Frontier Foundation, San Francisco,\n"
    "California, for Amicus Curiae National Association of\n"
    "Criminal Defense Lawyers and Electronic Frontier\n"
    "Foundation.\n\n"
    "Carl Doe, Doe & Poe LLP, Charleston, WV, for Amicus Curiae, The West Virginia Business "
    "and Industry Council.\n\n"
    "                        OPINION\n"
)


def test_counsel_for_several_amici_named_over_several_lines() -> None:
    edges, entities = edges_and_entities(_AMICI)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    amici = ("National Association of Criminal Defense Lawyers", "Electronic Frontier Foundation")
    for amicus in amici:
        assert {("Ann B. Porter", amicus), ("Brennan Center for Justice", amicus)} <= counsel
    # an amicus is not its own co-amicus's counsel, and a city is no organisation
    assert (amici[0], amici[1]) not in counsel and (amici[1], amici[0]) not in counsel
    assert ("organization", "New York") not in entities
    # "A Business and Industry Council" is one amicus, not "Industry Council" and another
    assert not any(target == "Industry Council" for _, target in counsel)


def test_a_judge_sitting_by_designation_is_no_counsel() -> None:
    from docbatch.pipeline.entities.courts import find_courts

    text = (
        "      1\n       The Honorable Richard W. Goldberg, Judge for the United States Court of\n"
        "International Trade, sitting by designation.\n"
    )
    _, entities = edges_and_entities(text)
    assert ("person", "Richard W. Goldberg") in entities
    assert not [name for kind, name in entities if kind == "organization" and "Goldberg" in name]
    # the court's name broke over the lines
    assert [m.normalized for m in find_courts(text)] == ["Ct. Int'l Trade"]


def test_a_middle_initial_without_its_period_and_a_dockets_filed() -> None:
    import re

    from docbatch.pipeline.entities.shapes import _PERSON, plausible_person

    assert re.fullmatch(_PERSON, "Leonard N Math") and re.fullmatch(_PERSON, "Raymond L Merrill")
    assert not re.fullmatch(_PERSON, "Leonard N math")
    # a docket's verb is no part of a name
    assert not plausible_person("Leonard N Math Filed")
