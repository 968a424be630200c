"""Error classes of the fifth and sixth blind sets (tests/golden/real_blind5, _blind6),
each as a rule test over a made-up example of the class."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.names import display_name
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities as _result
from tests.unit.entity_support import names_of


def _counsel(text: str) -> list[list[tuple[str, str]]]:
    return [
        [(m.type.value[:3], m.normalized) for m in appearance.counsel]
        for appearance in find_appearances(text)
    ]


def test_a_reporters_counsel_list_ends_with_the_firms_city() -> None:
    text = (
        "Anna B. Cole, Tamsin Roe, and Ilse Varga, Drake Holm, Inc., Juneau, for Appellants.\n"
        "Ann Ray, Attorney General, Dover, and Lee A. Fox, Assistant Attorney General, "
        "West Haven, for appellee.\n"
    )
    assert _counsel(text) == [
        [("per", "Anna B. Cole"), ("per", "Tamsin Roe"), ("per", "Ilse Varga"),
         ("org", "Drake Holm, Inc.")],
        [("per", "Ann Ray"), ("per", "Lee A. Fox")],
    ]  # fmt: skip


def test_argued_and_on_brief_appearances_in_one_paragraph() -> None:
    text = (
        "ARGUED: Ada Lin Platt, OFFICE OF THE FED-\nERAL PUBLIC DEFENDER, Norfolk, Virginia, for\n"
        "Appellant. Paul Roy Jagger, OFFICE OF THE UNITED\nSTATES ATTORNEY, Richmond, Virginia, "
        "for Appellee.\n2   UNITED STATES v. ROE\nON BRIEF: Ian S. Nash, Federal Public\n"
        "Defender, Norfolk, Virginia, for Appellant. Neil H.\nMacBride, United States Attorney, "
        "Norfolk, Virginia, for\nAppellee.\n"
    )
    assert _counsel(text) == [
        [("per", "Ada Lin Platt"), ("org", "Office of the Federal Public Defender")],
        [("per", "Paul Roy Jagger"), ("org", "Office of the United States Attorney")],
        [("per", "Ian S. Nash")],
        [("per", "Neil H. MacBride")],
    ]


def test_several_attorneys_of_firm_groups_in_one_list() -> None:
    text = (
        "Jo H. Baker, Paul W. Cary of Mirk, O'Dell, Dean & Low and Sam M. Rudd, Mark S. Fox of "
        "Peters Mass & Rudd, on brief for the Appellees.\n"
    )
    assert _counsel(text) == [
        [("per", "Jo H. Baker"), ("per", "Paul W. Cary"), ("org", "Mirk, O'Dell, Dean & Low"),
         ("per", "Sam M. Rudd"), ("per", "Mark S. Fox"), ("org", "Peters Mass & Rudd")],
    ]  # fmt: skip


def test_a_capitals_word_broken_at_a_lines_end_is_joined() -> None:
    assert display_name("OFFICE OF THE FED-\nERAL PUBLIC DEFENDER") == (
        "Office of the Federal Public Defender"
    )
    assert display_name("SMITH-\nJONES LLP") == "Smith-Jones LLP"  # a real hyphen stays


def test_federal_district_of_columbia_and_bankruptcy_courts() -> None:
    text = (
        "Appeal from the United States District Court\n\n  for the District of Columbia. "
        "UNITED STATES BANKRUPTCY APPELLATE PANEL\n  FOR THE FIRST CIRCUIT. Appeal from the "
        "United States Bankruptcy Court\n for the District of Massachusetts; In re Roe, 1 B.R. 2 "
        "(Bankr. S.D.N.Y. 2001); In re Doe, 3 B.R. 4 (B.A.P. 9th Cir. 2002); 5 F.2d 6 (9th \nCir."
        " 1966)."
    )
    assert sorted(m.normalized for m in find_courts(text)) == [
        "9th Cir.", "B.A.P. 1st Cir.", "B.A.P. 9th Cir.", "Bankr. D. Mass.", "Bankr. S.D.N.Y.",
        "D.D.C.",
    ]  # fmt: skip


def test_panels_without_and_or_without_titles() -> None:
    text = (
        "Before\n  GOODWIN, DE JES\u00daS, VAUGHAN, U.S. Bankruptcy Judges\n\nOPINION\n"
        "Before Ivens, Korn, and Marquez.\n"
    )
    edges, _ = _result(text)
    judges = sorted(source for kind, source, _ in edges if kind == "judge_of")
    assert judges == ["De Jes\u00fas", "Goodwin", "Ivens", "Korn", "Marquez", "Vaughan"]


def test_state_case_numbers_and_a_defendants_suffix() -> None:
    text = (
        "No. 4D2023-2459. L.T. Case No. 501988CF006586A. Superior Court No. 4FA-99-2449 CI. "
        "Case No. 3:09-cr-00276-RLW-1."
    )
    assert sorted(m.normalized for m in find_case_numbers(text)) == [
        "3:09-cr-00276-RLW-1", "4D2023-2459", "4FA-99-2449 CI", "501988CF006586A",
    ]  # fmt: skip


def test_sections_of_acts_and_of_the_code_by_title_in_words() -> None:
    text = (
        "under section 303 (a) (3) of the Revenue Act of 1926; section 279 (a) and (b) of the "
        "Revenue Act of 1924; Section 812 (d) of the Internal Revenue Code (Title 26 U. S. "
        "Code, 1940 Ed., § 811 (j)); § 2 of the Sherman Act; not section 5 of this Act. "
        "Section 102 of the Controlled Substances Act (21 U.S.C. 802) is its code's section."
    )
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "21 U.S.C. § 802", "26 U.S.C. § 811(j)", "I.R.C. § 812(d)", "Revenue Act of 1924 § 279(a)",
        "Revenue Act of 1924 § 279(b)", "Revenue Act of 1926 § 303(a)(3)", "Sherman Act § 2",
    ]  # fmt: skip


def test_a_company_name_with_and_unless_another_party_stands_before_it() -> None:
    text = (
        "He leases from Global Finance and Investment Company, Inc. Plaintiffs Ann Roe and "
        "Acme Widget Corp. sued Smith and Zenith Corp.; Plaintiff Apex Holdings, Inc. and "
        "Defendant Blue Lake Capital LLC settled."
    )
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == [
        "Acme Widget Corp.", "Apex Holdings, Inc.", "Blue Lake Capital LLC",
        "Global Finance and Investment Company, Inc.", "Zenith Corp.",
    ]  # fmt: skip


def test_public_bodies_of_two_word_counties_and_in_the_possessive() -> None:
    text = (
        "the Florida Department of Law Enforcement's report; the Palm Beach County Sheriff's "
        "Office; the Department of Veterans Affairs' rules; The Lane County Board of Elections."
    )
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == [
        "Department of Veterans Affairs", "Florida Department of Law Enforcement",
        "Lane County Board of Elections", "Palm Beach County Sheriff's Office",
    ]  # fmt: skip


def test_a_caption_of_both_sides_on_one_line_gives_each_its_role() -> None:
    text = (
        "Estate of Ann Roe, Prairie Savings and Trust Company, Executor, Petitioner, v. "
        "Commissioner of Internal Revenue, Respondent.\nDocket No. 105739.\n"
    )
    parties = {(m.normalized, m.attributes.get("role")) for m in find_parties(text) if m.attributes}
    assert parties == {
        ("Prairie Savings and Trust Company", "petitioner"),
        ("Commissioner of Internal Revenue", "respondent"),
    }


def test_a_person_and_a_company_joined_by_an_ampersand_are_two_parties() -> None:
    text = (
        "Nora Bell & Keller & Imes, LLP, Defendants.\n\n"
        "John Reed & Fairview Gold Co., LLC v. Godwin Properties, LLC; Davis Polk & Wardwell LLP"
    )
    found = find_parties(text)
    assert names_of(found, EntityType.PERSON) == ["John Reed", "Nora Bell"]
    assert names_of(found, EntityType.ORGANIZATION) == [
        "Davis Polk & Wardwell LLP", "Fairview Gold Co., LLC", "Godwin Properties, LLC",
        "Keller & Imes, LLP",
    ]  # fmt: skip


def test_a_captions_first_role_opening_the_line_of_v() -> None:
    text = (
        "(Alaska 2002)\nRonald D. ROLAND, and White Crane, Inc., d/b/a Plaza Cleaners,\n"
        "Appellants v. GLOBAL CREDIT\nLENDING COMPANY, INC., an Alaska\nCorporation, Appellee.\n"
        "No. S-9579.\n"
    )
    parties = {(m.normalized, m.attributes.get("role")) for m in find_parties(text) if m.attributes}
    assert parties == {
        ("Ronald D. Roland", "appellant"), ("White Crane, Inc.", "appellant"),
        # the name White Crane trades under, as another name of the same party
        ("Plaza Cleaners", "appellant"),
        ("Global Credit Lending Company, Inc.", "appellee"),
    }  # fmt: skip


def test_state_rules_of_procedure_by_name_and_in_bluebook_form() -> None:
    text = (
        "his Florida Rule of Criminal Procedure 3.853 motion; Tex. R. Civ. P. 91a; Cal. R. "
        "Evid. 352; the Ohio Rules of Civil Procedure 56(C); Fed. R. Civ. P. 12(b)(6)."
    )
    assert sorted(m.normalized for m in find_court_rules(text)) == [
        "Cal. R. Evid. 352", "Fed. R. Civ. P. 12(b)(6)", "Fla. R. Crim. P. 3.853",
        "Ohio R. Civ. P. 56(C)", "Tex. R. Civ. P. 91a",
    ]  # fmt: skip


def test_a_name_broken_by_a_hyphen_at_a_lines_end_is_one_name() -> None:
    text = "The officers met appellant Tyrell Dawson-\nburg on the street."
    assert names_of(find_parties(text), EntityType.PERSON) == ["Tyrell Dawsonburg"]


def test_the_court_below_named_before_counsel_is_no_counsel_and_headings_no_firm() -> None:
    text = (
        "Appeal from the Superior Court of the State of Alaska, Fourth Judicial District, "
        "Fairbanks, Ralph R. Beistline, Judge. Superior Court No. 4FA-99-2449 CI.Page 584\n"
        "Zane D. Wilson, Cook Schuhmann, Inc., Fairbanks, for Appellants.\n"
    )
    counsel = [name for group in _counsel(text) for _, name in group]
    assert "Fourth Judicial District" not in counsel and "Zane D. Wilson" in counsel
    heading = "Case Information\n\nParticipants & Attorneys\n\nJohn Roe, Appellant\n"
    assert names_of(find_parties(heading), EntityType.ORGANIZATION) == []


def test_decision_date_lines_of_old_reports_agencies_and_archives() -> None:
    text = (
        "Appeal of JOHN ROE.\nDocket No. 26.\nSubmitted September 30, 1924; decided October 16, "
        "1924.\n\nEstate of Ann Roe\nPromulgated November 13, 1942.\n\nNo. 4D2023-2459\n"
        "[May 22, 2024]\n\nOn August 1, 2020, the court was decided against it.\n"
    )
    edges, _ = _result(text)
    filed = sorted(target for kind, _, target in edges if kind == "filed_on")
    assert filed == ["1924-10-16", "1942-11-13", "2024-05-22"]
