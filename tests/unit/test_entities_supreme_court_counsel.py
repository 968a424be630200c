"""The Supreme Court's reports (the Caselaw Access Project's casebodies): a title line in
capitals with no roles, counsel who "argued the cause" with co-counsel in the next
sentence, the Solicitor General's office by title and surname, and amicus briefs "filed
for X by A, B, and C", each as a rule test over a made-up example."""

from __future__ import annotations

from tests.unit.entity_support import edges_and_entities

_OPINION = (
    "ACME MISSION OF RURITANIA TO THE UNITED NATIONS et al. v. CITY OF NEW YORK\n"
    "No. 06-999.\nArgued April 24, 2007\nDecided June 14, 2007\n"
    "Thomas, J., delivered the opinion of the Court.\n"
    "John J. P. Howley argued the cause for petitioners. With him on the briefs were Robert "
    "A. Kandel and David O. Bickart.\n"
    "Sri Srinivasan argued the cause for the United States as amicus curiae urging reversal. "
    "On the brief were Solicitor General Clement, Deputy Solicitor General Kneedler, and "
    "Sharon Swingle.\n"
    "Michael A. Cardozo argued the cause for respondent. With him on the brief were Norman "
    "Corenthal and Brad M. Synder.\n"
    "A brief of amici curiae urging affirmance was filed for the International Municipal "
    "Lawyers Association et al. by Charles A Rothfeld and Dan Kahan.\n"
    "Justice Thomas delivered the opinion of the Court.\nThe United States took part.\n"
)


def test_a_reporters_title_line_takes_its_roles_from_the_counsel() -> None:
    edges, _ = edges_and_entities(_OPINION)
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert parties == {
        ("Acme Mission of Ruritania to the United Nations", "document:petitioner"),
        ("City of New York", "document:respondent"),
    }


def test_counsel_who_argued_and_their_co_counsel_in_the_next_sentence() -> None:
    edges, entities = edges_and_entities(_OPINION)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    mission = "Acme Mission of Ruritania to the United Nations"
    assert {("John J. P. Howley", mission), ("Robert A. Kandel", mission),
            ("David O. Bickart", mission)} <= counsel  # fmt: skip
    city = "City of New York"
    assert {("Michael A. Cardozo", city), ("Norman Corenthal", city),
            ("Brad M. Synder", city)} <= counsel  # fmt: skip
    # who argued is a person whatever the name's shape; officers by title and surname
    assert {("person", "Sri Srinivasan"), ("person", "Clement"), ("person", "Kneedler")} <= (
        entities
    )
    amici = "International Municipal Lawyers Association"
    assert {("Charles A Rothfeld", amici), ("Dan Kahan", amici)} <= counsel
    # the United States as amicus is nobody's party
    assert not any(s == "United States" for k, s, _ in edges if k == "party_of")


def test_a_title_line_with_its_roles_is_left_to_the_caption_readers() -> None:
    edges, _ = edges_and_entities(
        "D.G. AND S.H., PLAINTIFFS, v. K.S.,\nDEFENDANT.\nSarah J. Jacobs for plaintiffs.\n"
    )
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert ("D.G. and S.H., Plaintiffs", "document:plaintiff") not in parties
