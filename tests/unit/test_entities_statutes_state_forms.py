"""State statutes as state opinions write them (blind sets 21 to 23): codes in capitals or
with the state spelled out, Wisconsin's numbered paragraphs and "s." sections, sections
cited alone in a document of one state code, and session laws. Made-up examples."""

from __future__ import annotations

from docbatch.pipeline.entities.statutes import find_statutes


def _statutes(text: str) -> list[str]:
    return sorted(m.normalized for m in find_statutes(text))


def test_codes_in_capitals_or_closed_up_take_the_bluebook_form() -> None:
    text = (
        "WISCONSIN STAT. § 12.0203(8), WIS.STAT. § 12.0217(14), TEXAS GOV'T CODE § 311.005(2), "
        "TEX. CIV. PRAC. & REM. CODE ANN. § 16.003, N.Y. GEN. BUS. LAW § 349 and "
        "W. VA. CODE § 5-1-1."
    )
    assert _statutes(text) == [
        "N.Y. Gen. Bus. Law § 349",
        "Tex. Civ. Prac. & Rem. Code Ann. § 16.003",
        "Tex. Gov't Code § 311.005(2)",
        "W. Va. Code § 5-1-1",
        "Wis. Stat. § 12.0203(8)",
        "Wis. Stat. § 12.0217(14)",
    ]


def test_a_numbered_paragraph_after_the_subsections_belongs_to_the_section() -> None:
    text = "Under WIS. STAT. §§ 12.0203(8)(c)3. and 12.0703(10), and § 12.0217(14)(b)1. too."
    assert _statutes(text) == [
        "Wis. Stat. § 12.0203(8)(c)3.",
        "Wis. Stat. § 12.0217(14)(b)1.",
        "Wis. Stat. § 12.0703(10)",
    ]


def test_sections_alone_belong_to_the_one_state_code_the_document_cites() -> None:
    text = (
        "See WIS. STAT. § 12.0217(2). Subject to s. 12.0307(7), the tax roll under s. 70.65 "
        "and § 12.0203(8) apply. It was 28 U.S.C. § 1331."
    )
    assert _statutes(text) == [
        "28 U.S.C. § 1331",
        "Wis. Stat. § 12.0203(8)",
        "Wis. Stat. § 12.0217(2)",
        "Wis. Stat. § 12.0307(7)",
        "Wis. Stat. § 70.65",
    ]
    # Two state codes: a section alone is left without one, and "s." is read as nothing.
    two = "Fla. Stat. § 1.01 and Ga. Code § 2-3-4. Then § 12.0203(8) and s. 12.0307(7)."
    assert _statutes(two) == ["Fla. Stat. § 1.01", "Ga. Code § 2-3-4", "§ 12.0203(8)"]


def test_state_session_laws() -> None:
    text = (
        "Enacted by 2003 Wis. Act 317, amended by 2011 Minn. Laws ch. 76, 1999 Cal. Stat. "
        "ch. 1021, 2005 Fla. Laws ch. 2005-123 and 1987 N.Y. Laws ch. 123; not 2003 Big Act 3."
    )
    assert _statutes(text) == [
        "1987 N.Y. Laws ch. 123",
        "1999 Cal. Stat. ch. 1021",
        "2003 Wis. Act 317",
        "2005 Fla. Laws ch. 2005-123",
        "2011 Minn. Laws ch. 76",
    ]
