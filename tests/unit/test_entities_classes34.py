"""Error classes of the thirty-fourth blind set (tests/golden/real_blind34: a Colorado
Supreme Court and a Missouri Court of Appeals opinion from the Caselaw Access Project),
each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.captions import caption_parties
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities

COLORADO = (
    "No. 79SA123\nThe People of the State of Colorado v. Rojelio Ray Navarro\n"
    "(612 P.2d 1199)\nDecided May 19, 1980.\n"
    "*12 J. D. MacFarland, Attorney General, Lynne Forde, Assistant Attorney General, for "
    "plaintiff-appellee.\nJ. Gregory Walton, State Public Defender, for defendant-appellant.\n"
    "En Banc.\nJUSTICE DUBOIS\ndelivered the opinion of the Court.\n"
    "The defendant, Rojelio Ray Navarro, appeals his conviction. " + "We affirm. " * 30 + "\n"
    "JUSTICES LEEDS and ROVIRO concur in part and dissent in part.\n"
)


def test_a_caption_above_the_cases_own_citation_and_a_justice_above_delivered() -> None:
    edges, _ = edges_and_entities(COLORADO)
    assert {
        ("party_of", "People of the State of Colorado", "document:plaintiff"),
        ("party_of", "Rojelio Ray Navarro", "document:defendant"),
        ("counsel_for", "Lynne Forde", "People of the State of Colorado"),
        ("counsel_for", "J. Gregory Walton", "Rojelio Ray Navarro"),
        ("judge_of", "Dubois", "document"),
        ("judge_of", "Leeds", "document"),
        ("judge_of", "Roviro", "document"),
    } <= edges


MISSOURI = (
    "Tina WEBSTER, Plaintiff-Appellant, v. MISSOURI DEPARTMENT OF LABOR AND INDUSTRIAL "
    "RELATIONS, Defendant-Respondent.\nNo. 25741.\n"
    "The Commission found that pursuant to Section 288.040 Claimant was not available, as "
    "Section 288.040.1(2) requires. See Section 288.210.\n"
    ". All statutory references are to RSMo 2000, unless otherwise specified.\n"
)


def test_a_one_line_caption_with_roles_below_and_on_appeal_and_a_body_with_and() -> None:
    found = {(m.normalized, m.attributes["role"], m.attributes.get("appeal_role"))
             for m in caption_parties(MISSOURI)}  # fmt: skip
    assert found == {
        ("Tina Webster", "plaintiff", "appellant"),
        ("Missouri Department of Labor and Industrial Relations", "defendant", "respondent"),
    }
    # two parties joined by "and" stay two
    two = caption_parties("John ROE and Acme Board, Plaintiffs, v. Jane DOE, Defendant.\n")
    assert {m.normalized for m in two} >= {"John Roe", "Acme Board", "Jane Doe"}


def test_bare_sections_of_the_code_a_note_names() -> None:
    assert [m.normalized for m in find_statutes(MISSOURI)] == [
        "RSMo § 288.040", "RSMo § 288.040.1(2)", "RSMo § 288.210"
    ]  # fmt: skip
    # without the note a bare "Section 288.040" is no statute of a known code
    assert find_statutes("pursuant to Section 288.040 the claim fails.") == []
