"""Error classes of the second blind set (tests/golden/real_blind2) and the first blind
set's open list, each as a rule test over a made-up example of the class."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.statutes import find_statutes


def _statutes(text: str) -> list[str]:
    return [m.normalized for m in find_statutes(text)]


def test_a_section_of_a_state_code_written_in_words_is_that_code_section() -> None:
    assert _statutes("in violation of section 12(b) of the Oregon Vehicle Code, and") == [
        "Or. Veh. Code § 12(b)"
    ]
    assert _statutes("Section 4-5-6 of the Code of Georgia provides") == ["Ga. Code § 4-5-6"]


def test_a_section_of_a_title_of_the_united_states_code_in_words() -> None:
    assert _statutes("(as defined in section 1001(a) of title 21, United States Code)") == [
        "21 U.S.C. § 1001(a)"
    ]


def test_a_section_of_an_act_is_not_a_code_section() -> None:
    assert _statutes("under section 101(a) of the Act and section 3 of the Code") == []


def test_kentucky_revised_statutes_cited_by_initials_without_a_section_sign() -> None:
    assert _statutes("See KRS 12.345(2)(b) and KRS 67.890.") == [
        "KRS 12.345(2)(b)", "KRS 67.890",  # as written: no section sign
    ]  # fmt: skip


def _courts(text: str) -> list[str]:
    return [m.normalized for m in find_courts(text)]


def test_a_district_court_heading_with_the_district_abbreviated_and_the_state_spelled() -> None:
    assert _courts("No. 7:19CV12\nUnited States District Court, W.D. Virginia.\n") == ["W.D. Va."]
    assert _courts("United States District Court, S.D. Ohio, Eastern Division") == ["S.D. Ohio"]


def test_a_us_district_court_named_with_a_dash_before_its_district() -> None:
    assert _courts("Court: U.S. District Court \u2014 Northern District of Texas") == ["N.D. Tex."]


def _parties(text: str) -> set[tuple[str, str, str]]:
    """(type, name, role) of every person and organisation found in ``text``."""
    return {(m.type.value, m.normalized, m.attributes.get("role", "")) for m in find_parties(text)}


def test_a_long_caption_of_officials_in_capitals_with_their_capacities() -> None:
    text = (
        "JANE Q. DOE, Plaintiff,\nv.\nMARK LANE, in his official capacity as Chair of the "
        "Ohio State Board of Pharmacy; PETER ROE IV, KIM T. WU, and OLGA MCBRIDE, in their "
        "official capacities as Members of the Ohio State Board of Pharmacy; and ANNA LEE, in "
        "her official capacity as Franklin County Prosecutor, Defendants.\n"
    )
    found = _parties(text)
    people = {(name, role) for kind, name, role in found if kind == "person"}
    assert people == {
        ("Jane Q. Doe", "plaintiff"), ("Mark Lane", "defendant"), ("Peter Roe IV", "defendant"),
        ("Kim T. Wu", "defendant"), ("Olga McBride", "defendant"), ("Anna Lee", "defendant"),
    }  # fmt: skip
    assert ("organization", "Ohio State Board of Pharmacy", "") in found


def test_a_caption_party_named_after_its_state_is_an_organisation() -> None:
    text = "FAIR VOTE OREGON, the Union of Farmers of Oregon, and Mary Q. Poe, Plaintiffs,\n"
    assert _parties(text) >= {
        ("organization", "Fair Vote Oregon", "plaintiff"),
        ("organization", "Union of Farmers of Oregon", "plaintiff"),
        ("person", "Mary Q. Poe", "plaintiff"),
    }


def test_a_respondent_named_with_a_surname_in_capitals() -> None:
    found = _parties("Matter of Rosa Maria DELGADO-RUIZ, Respondent\nDecided May 1, 2019\n")
    assert ("person", "Rosa Maria Delgado-Ruiz", "respondent") in found


def test_public_bodies_keep_the_place_they_serve() -> None:
    text = (
        "Tom Poe, Oregon Department of Justice, Salem, OR, argued. The Lane County Board of "
        "Elections and the Oregon Senate disagreed; the General Assembly did not."
    )
    orgs = {name for kind, name, _ in _parties(text) if kind == "organization"}
    assert orgs == {
        "Oregon Department of Justice", "Lane County Board of Elections", "Oregon Senate",
        "General Assembly",
    }  # fmt: skip


def test_a_letterhead_of_agencies_is_cut_where_the_next_starts() -> None:
    text = "U.S. Department of Labor Executive Office for Labor Review Board of Labor Appeals"
    orgs = {m.normalized for m in find_parties(text) if m.type is EntityType.ORGANIZATION}
    assert "U.S. Department of Labor" in orgs


def test_signature_lines_in_capitals_with_the_office_beside_or_below() -> None:
    text = (
        "I hope this answers your question.\n\nSincerely,\n\nMARY Q. POE Attorney General.\n\n"
        "J. ALAN ROE, III Chief, Opinions Division.\n\nTOM LEE, ATTORNEY GENERAL.\n\n"
        "CONCLUSIONS OF LAW\n\n" + "Some text.\n" * 8 + "K. WILSON\n\nAdministrative Law Judge\n"
    )
    people = {(m.normalized, m.attributes.get("role", "")) for m in find_parties(text)
              if m.type is EntityType.PERSON}  # fmt: skip
    assert people == {
        ("Mary Q. Poe", ""), ("J. Alan Roe, III", ""), ("Tom Lee", ""), ("K. Wilson", "judge"),
    }  # fmt: skip


def test_an_office_after_a_name_is_not_part_of_it_and_an_office_before_one_is_a_cue() -> None:
    names = {m.normalized for m in find_parties(
        "Requested by: Hon. Mary Jo Poe Secretary of State. Under then-Attorney General "
        "Tim Roe, the office changed; Timothy K. Lane General Counsel wrote."
    )}  # fmt: skip
    assert names == {"Mary Jo Poe", "Tim Roe", "Timothy K. Lane"}


def test_a_word_hyphenated_over_a_line_break_is_one_word_of_the_name() -> None:
    found = find_parties("sued by appellee Conti-\nnental Surety Insurance Co. for the sum")
    assert [m.normalized for m in found] == ["Continental Surety Insurance Co."]


def test_an_institution_named_after_a_person_makes_no_person() -> None:
    text = "at the Walter Reed Army Medical \nCenter in D.C. The Walter Reed project failed."
    assert [m for m in find_parties(text) if m.type is EntityType.PERSON] == []


def test_a_reporters_comma_run_counsel_list_with_firms_and_cities() -> None:
    from docbatch.pipeline.entities.appearances import find_appearances

    text = (
        "Mary Q. Poe, Dana Kowalczyk, Smith Jones Brown and Lee, LLP, Boston, MA, "
        "Pat R. Doe, Ohio Legal Aid Society, Columbus, OH, for Plaintiffs.\n"
    )
    (appearance,) = find_appearances(text)
    assert [(m.type.value, m.normalized) for m in appearance.counsel] == [
        ("person", "Mary Q. Poe"), ("person", "Dana Kowalczyk"),
        ("organization", "Smith Jones Brown and Lee, LLP"), ("person", "Pat R. Doe"),
        ("organization", "Ohio Legal Aid Society"),
    ]  # fmt: skip


def test_a_firm_after_an_attorneys_surname_in_a_list_does_not_take_the_surname() -> None:
    orgs = [m.normalized for m in find_parties("Nora Lee, Peter A. Patton, Baker & Ross, PLLC, ")
            if m.type is EntityType.ORGANIZATION]  # fmt: skip
    assert orgs == ["Baker & Ross, PLLC"]


def test_a_slip_opinions_own_blank_page_cite_and_a_footnote_number_are_no_pages() -> None:
    from docbatch.pipeline.entities.default import DefaultExtractor

    text = (
        "Cite as: 581 U. S. ____ (2017)\nSee Doe v. Roe, 410 U.S.\n"
        "7 We note the point.\nand Poe v. Lee, 512 U.S. 88 (1994)."
    )
    found = [m.normalized for m in DefaultExtractor().extract(text) if m.type.value == "citation"]
    assert found == ["512 U.S. 88"]


def test_a_typeset_docket_number_with_an_en_dash() -> None:
    from docbatch.pipeline.entities.patterns import find_case_numbers

    assert [m.normalized for m in find_case_numbers("No. 14\u2013981. Argued")] == ["14-981"]


def test_an_inline_supreme_court_caption_gives_both_sides_their_roles() -> None:
    text = "  JANE Q. ROE, PETITIONER v. BOARD OF REGENTS\n     OF OHIO STATE UNIVERSITY ET AL.\n"
    assert _parties(text) >= {
        ("person", "Jane Q. Roe", "petitioner"),
        ("organization", "Board of Regents of Ohio State University", "respondent"),
    }


def test_a_docket_headers_court_label_heads_the_document() -> None:
    from docbatch.pipeline.entities.default import DefaultExtractor

    found = DefaultExtractor().extract("Court: U.S. District Court \u2014 District of Maine\n")
    courts = [m for m in found if m.type.value == "court"]
    assert [(m.normalized, m.attributes.get("heading")) for m in courts] == [("D. Me.", "true")]
