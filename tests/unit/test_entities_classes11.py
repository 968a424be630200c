"""Error classes of the eleventh blind set (tests/golden/real_blind11: Michigan, Illinois,
Maryland and California opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities as _result

_CALIFORNIA = (
    "Smith v. Superior Court (2016) 1 Cal.App.5th 1.\n"
    "He was charged under Pen.Code, § 550, subds. (a)(1) & (b)(1), and under Penal Code "
    "section 148, subdivision (a)(1). He petitioned under Business and Professions Code "
    "section 2337. (Bus. & Prof. Code, § 2234.) Unprofessional conduct (§ 2234, subd. (e); "
    "§ 2236, subd. (a)) is punished (§ 2227). Federal law: 42 U.S.C. § 1983; see § 1988.\n"
)


def test_california_codes_as_its_courts_cite_them() -> None:
    assert [m.normalized for m in find_statutes(_CALIFORNIA)] == [
        "42 U.S.C. § 1983",
        "Cal. Penal Code § 550(a)(1)",
        "Cal. Penal Code § 550(b)(1)",
        "Cal. Penal Code § 148(a)(1)",
        "Cal. Bus. & Prof. Code § 2337",
        "Cal. Bus. & Prof. Code § 2234",
        "Cal. Bus. & Prof. Code § 2234(e)",
        "Cal. Bus. & Prof. Code § 2236(a)",
        "Cal. Bus. & Prof. Code § 2227",
    ]  # fmt: skip  ("§ 1988" follows the U.S. Code: not California's)


def test_california_code_names_mean_nothing_outside_california() -> None:
    text = "Tex. Penal Code § 22.01. The Penal Code section 148 applies. See § 2234."
    assert all(not m.normalized.startswith("Cal.") for m in find_statutes(text))


def test_state_rules_by_initials_lists_with_titles_and_by_state() -> None:
    text = (
        'Maryland Lawyers\' Rules of Professional Conduct ("MLRPC") 1.1 (Competence), 1.2 '
        "(Scope of Representation), and 8.4(c) (Misconduct). Later MLRPC 1.16(a), 3.7(a), "
        "and 5.5(a). See Md. R. 16-759(b)(1); Maryland Rule 2-311. Under MCR 2.003(B)(6) "
        "and Cal. Rules of Court, rule 8.500(b)(1); Ohio App.R. 12(A)(1)(b)."
    )
    assert [m.normalized for m in find_court_rules(text)] == [
        "Md. Lawyers' R. Prof'l Conduct 1.1", "Md. Lawyers' R. Prof'l Conduct 1.2",
        "Md. Lawyers' R. Prof'l Conduct 8.4(c)", "Md. Lawyers' R. Prof'l Conduct 1.16(a)",
        "Md. Lawyers' R. Prof'l Conduct 3.7(a)", "Md. Lawyers' R. Prof'l Conduct 5.5(a)",
        "Mich. Ct. R. 2.003(B)(6)", "Ohio App. R. 12(A)(1)(b)", "Md. R. 16-759(b)(1)",
        "Md. R. 2-311", "Cal. R. Ct. 8.500(b)(1)",
    ]  # fmt: skip


def test_state_docket_numbers() -> None:
    # California's number alone on a line counts only in a California court's document
    assert find_case_numbers("Calendar\nB266015\n") == []
    text = (
        "No. 1-15-2522\nB266015\nCourt of Appeal, Second District, California.\n"
        "Misc. Docket AG No. 11, Sept. Term, 2013.\n"
        "No. 45, September Term, 2013. Case No. 17 BK 3283-LTS. Filed 1-15-2022."
    )
    assert [m.normalized for m in find_case_numbers(text)] == [
        "1-15-2522", "17 BK 3283-LTS", "Misc. Docket AG No. 11, Sept. Term, 2013",
        "No. 45, Sept. Term, 2013", "B266015",
    ]  # fmt: skip


def test_courts_of_appeals_that_are_highest_courts_and_californias_districts() -> None:
    text = (
        "Court of Appeals of Maryland. Court of Special Appeals of Maryland. New York Court "
        "of Appeals. Court of Appeal, Second District, Division 1, California. (C.A.5, 1990)."
        " Michigan Court of Appeals."
    )
    assert [m.normalized for m in find_courts(text)] == [
        "Md.", "Md. Ct. Spec. App.", "N.Y.", "Cal. Ct. App.", "Mich. Ct. App.", "5th Cir.",
    ]  # fmt: skip


def test_police_witnesses_by_rank() -> None:
    text = "Officer Ronald Jenkins saw him; Detective Ruck arrived. Sgt. Lee wrote the report."
    assert [m.normalized for m in find_parties(text)] == ["Ronald Jenkins", "Ruck", "Lee"]


def test_an_illinois_caption_counsel_of_counsel_and_its_author_line() -> None:
    text = (
        "PEOPLE of the State of Illinois, Plaintiff-Appellee,\nv.\nRodney LEE, "
        "Defendant-Appellant.\nNo. 1-15-2522\nAppellate Court of Illinois, First District.\n"
        "Mark J. Pell, of State Appellate Defender's Office, of Chicago, for appellant.\n"
        "Kim M. Fox, State's Attorney, of Chicago (Alan J. Spell and Mary L. Bole, Assistant "
        "State's Attorneys, of counsel), for the People.\n"
        "JUSTICE HALL delivered the judgment of the court, with opinion.\n"
    )
    edges, _ = _result(text)
    assert {e for e in edges if e[0] in ("counsel_for", "judge_of")} == {
        ("counsel_for", "Mark J. Pell", "Rodney Lee"),
        ("counsel_for", "State Appellate Defender's Office", "Rodney Lee"),
        ("counsel_for", "Kim M. Fox", "PEOPLE of the State of Illinois"),
        ("counsel_for", "Alan J. Spell", "PEOPLE of the State of Illinois"),
        ("counsel_for", "Mary L. Bole", "PEOPLE of the State of Illinois"),
        ("judge_of", "Hall", "document"),
    }  # fmt: skip


def test_a_public_body_keeps_the_words_before_its_head_but_not_another_bodys() -> None:
    text = (
        "The Medical Board of California revoked it. Petitioner Attorney Grievance "
        "Commission of Maryland filed. Executive Office for Immigration Review Board of "
        "Immigration Appeals."
    )
    assert [m.normalized for m in find_parties(text)] == [
        "Medical Board of California", "Attorney Grievance Commission of Maryland",
        "Executive Office for Immigration Review", "Board of Immigration Appeals",
    ]  # fmt: skip


def test_a_panel_argued_before_in_capitals_with_a_mc_surname() -> None:
    text = (
        "ATTORNEY GRIEVANCE COMMISSION OF MARYLAND\nv.\nRunan ZHANG.\n"
        "ARGUED BEFORE: BARBERA, C.J., HARRELL, McDONALD and WATTS, JJ.\nWATTS, J.\n"
    )
    edges, _ = _result(text)
    judges = {e[1].casefold() for e in edges if e[0] == "judge_of"}
    assert judges == {"barbera", "harrell", "mcdonald", "watts"}


def test_a_caption_of_people_and_the_firms_named_after_them() -> None:
    text = (
        "Geoffrey N. FIEGER, Fieger, Fieger, Kenny & Johnson, P.C., John L. Barlow, John L. "
        "Barlow & Associates Advertising, Inc., and Nancy Fisher, Petitioners-Appellants,\n"
        "v.\nMichael A. COX, Respondent-Appellee.\n"
    )
    assert [(m.normalized, m.type.value) for m in find_parties(text)][:5] == [
        ("Geoffrey N. Fieger", "person"), ("Fieger, Fieger, Kenny & Johnson, P.C.", "organization"),
        ("John L. Barlow", "person"),
        ("John L. Barlow & Associates Advertising, Inc.", "organization"),
        ("Nancy Fisher", "person"),
    ]  # fmt: skip


def test_courts_a_state_opinion_names_by_kind_and_our_supreme_court() -> None:
    state = (
        "Appellate Court of Illinois, First District.\n123 Ill. 2d 1; 124 Ill. 2d 2 (Ill. "
        "2001). The circuit court erred, as our supreme court held; the juvenile court agreed."
    )
    assert [m.normalized for m in find_courts(state)][-3:] == [
        "Ill. Cir. Ct.", "Ill.", "Ill. Juv. Ct.",
    ]  # fmt: skip
    federal = (
        "Supreme Court of the United States.\n100 Tex. 1; 101 Tex. 2. The circuit court erred."
    )
    assert [m.normalized for m in find_courts(federal)] == ["U.S."]  # no state's circuit court
