"""Error classes of the twentieth blind set (tests/golden/real_blind20: a District of
Columbia Court of Appeals opinion and a New York Court of Appeals memorandum), each as a
rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.captions import caption_parties
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities


def test_a_public_law_with_its_place_in_the_statutes_at_large() -> None:
    text = "the Act of Dec. 17, 1941, Pub.L. No. 77-352, 55 Stat. 808, and Pub. L. No. 111-203."
    assert [m.normalized for m in find_statutes(text)] == [
        "Pub. L. No. 77-352, 55 Stat. 808", "Pub. L. No. 111-203",
    ]  # fmt: skip


def test_the_district_of_columbias_court_of_appeals_is_its_highest_court() -> None:
    assert [m.normalized for m in find_courts("District of Columbia Court of Appeals.\n")] == [
        "D.C."
    ]


_DC = (
    "In re J.W., Appellant.\n\nNo. 12-FS-1771.\n\nDistrict of Columbia Court of Appeals.\n\n"
    "James E. Drew was on the brief for appellant.\n\n"
    "Irvin B. Nathan, Attorney General for the District of Columbia, Todd S. Kim, Solicitor "
    "General, were on the brief for appellee District of Columbia.\n\n"
    "Before FISHER and BECKWITH, Associate Judges, and FARRELL, Senior Judge.\n\nOpinion\n"
)


def test_a_client_named_after_its_role_and_a_panel_of_associate_and_senior_judges() -> None:
    edges, entities = edges_and_entities(_DC)
    assert ("party_of", "District of Columbia", "document:appellee") in edges
    assert ("counsel_for", "Irvin B. Nathan", "District of Columbia") in edges
    assert ("organization", "Columbia") not in entities  # "District of" is no attorney's firm
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert judges == {"Fisher", "Beckwith", "Farrell"}


_NEW_YORK = (
    "Gretchen RIVERA, an Infant, et al., Appellants,\nv.\n"
    "Paul G. KLEINMAN, M.D., et al., Respondents.\n\nCourt of Appeals of New York.\n\n"
    "**480  Pagan Law Firm, P.C., New York City (Tania M. Pagan of counsel), for appellants."
    "McAloon & Friedman, P.C., New York City (Gina B. Di Folco of counsel), for Paul G. "
    "Kleinman, M.D. and another, respondents.\n\nMEMORANDUM.\n\nAffirmed.\n\n"
    "Chief Judge LIPPMAN and Judges CIPARICK, GRAFFEO and JONES concur.\n"
)


def test_new_yorks_counsel_lines_captions_and_concurring_judges() -> None:
    parties = [(m.normalized, m.attributes["role"]) for m in caption_parties(_NEW_YORK)]
    assert ("Paul G. Kleinman", "respondent") in parties  # the surname in capitals, too
    assert not [name for name, _ in parties if name == "M.D." or "counsel" in name]
    edges, entities = edges_and_entities(_NEW_YORK)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert {("Pagan Law Firm, P.C.", "Gretchen Rivera"), ("Tania M. Pagan", "Gretchen Rivera"),
            ("Gina B. Di Folco", "Paul G. Kleinman")} <= counsel  # fmt: skip
    assert ("organization", "New York City") not in entities
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert judges == {"Lippman", "Ciparick", "Graffeo", "Jones"}


def test_a_reporters_page_marker_is_no_citation() -> None:
    from docbatch.pipeline.entities.default import DefaultExtractor

    text = (
        "She ultimately focused on a claim that the doctor had erred,\n\n"
        "[944 N.E.2d 1120 , 919 N.Y.S.2d 481]\n\n"
        "causing pain. The Appellate Division affirmed (67 A.D.3d 482, 889 N.Y.S.2d 551).\n"
    )
    cited = {m.normalized for m in DefaultExtractor().extract(text) if m.type.value == "citation"}
    assert cited == {"67 A.D.3d 482", "889 N.Y.S.2d 551"}
