"""Error classes of the seventh and eighth blind sets (tests/golden/real_blind7, _blind8),
and classes the earlier sets still showed, each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.entities.citations import find_citations
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.money import find_money
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities as _result
from tests.unit.entity_support import names_of

_APPELLATE_DOCKET = (
    "General Docket\nUnited States Court of Appeals for the Sixth Circuit\n\n"
    "Court of Appeals Docket #: 21-5012\nDocketed: 01/08/2021\n"
    "Originating Court Information:\nDistrict: 0631-3 : 3:19-cr-00044-1\n"
    "Date Filed: 03/05/2019\n\n"
    "UNITED STATES OF AMERICA\nPlaintiff - Appellee\tMara Quill Dent, Assistant U.S. Attorney\n"
    "Direct: 865-555-0100\n[COR NTC Government]\nOffice of the U.S. Attorney\n"
    "Firm: 865-555-0101\n800 Market Street\nKnoxville, TN 37902\n\n"
    "NATIONAL LEGAL AID SOCIETY\nAmicus Curiae\tPia Lorne\nDirect: 202-555-0111\n"
    "[COR NTC Retained]\nLorne Appellate Group LLP\nFirm: 202-555-0112\n\n"
    "v.\n\n"
    "HOLLIS RANE (#20575-509), also known as Big H\nDefendant - Appellant\tTobin Ash Merle\n"
    "Direct: 423-555-0199\n[COR NTC CJA Appointment]\nMerle & Vance, PLLC\n"
    "Firm: 423-555-0190\n12 Oak Street\nChattanooga, TN 37402\n"
    "Hollis Rane\n[NTC Pro Se]\nBlount County Jail\n\n"
    "01/09/2021 2 APPEARANCE filed by Tobin Ash Merle as counsel for Appellee. "
    "[Entered: 01/09/2021 10:12 AM]\n"
)


def test_an_appellate_dockets_party_table_gives_parties_attorneys_and_firms() -> None:
    edges, entities = _result(_APPELLATE_DOCKET)
    assert {e for e in edges if e[0] in {"party_of", "counsel_for"}} == {
        ("party_of", "United States of America", "document:appellee"),
        ("party_of", "Hollis Rane", "document:appellant"),
        ("counsel_for", "Mara Quill Dent", "United States of America"),
        ("counsel_for", "Pia Lorne", "National Legal Aid Society"),
        ("counsel_for", "Lorne Appellate Group LLP", "National Legal Aid Society"),
        ("counsel_for", "Tobin Ash Merle", "Hollis Rane"),
        ("counsel_for", "Merle & Vance, PLLC", "Hollis Rane"),
    }  # an amicus is no party; the U.S. Attorney's office is no firm; pro se is no counsel
    assert ("organization", "Office of the U.S. Attorney") in entities
    assert not any("Big H" in name or "Jail" in name for _, name in entities)


def test_the_docketed_date_is_filed_on_and_the_case_belows_date_filed_is_not() -> None:
    edges, entities = _result(_APPELLATE_DOCKET)
    assert {target for kind, _, target in edges if kind == "filed_on"} == {"2021-01-08"}
    assert ("date", "2019-03-05") in entities


def test_massachusetts_general_laws_by_chapter_and_section() -> None:
    text = "See G. L. c. 269, § 10G; G.L. c. 93A, §§ 2, 11; and M.G.L. c. 231, § 6F."
    assert [m.normalized for m in find_statutes(text)] == [
        "Mass. Gen. Laws ch. 269, § 10G", "Mass. Gen. Laws ch. 93A, § 2",
        "Mass. Gen. Laws ch. 93A, § 11", "Mass. Gen. Laws ch. 231, § 6F",
    ]  # fmt: skip
    assert find_statutes("G.S. 1990 and G. L. 12") == []


_MASSACHUSETTS = (
    "Commonwealth vs. Willie Furr.\nSuffolk.\nMarch 3, 2009.\nJune 12, 2009.\n"
    "Present: Marshall, C.J., Ireland, Spina, Cowin, & Gants, JJ.\n"
    "Dennis Shedd for the defendant.\n"
    "Helle Sachse, Assistant District Attorney, for the Commonwealth.\nCowin, J.\n"
    "The defendant appeals. The plea was taken before a Juvenile Court judge, and the "
    "Appeals Court affirmed. See Commonwealth v. Quinones, 414 Mass. 423, 431 (1993); "
    "Commonwealth v. Duquette, 386 Mass. 834 (1982); Commonwealth v. Lee, 72 Mass. App. Ct. "
    "1108 (2008).\n"
)


def test_a_massachusetts_report_panel_counsel_parties_and_decision_date() -> None:
    edges, entities = _result(_MASSACHUSETTS)
    document = {e for e in edges if e[0] != "party_of" or e[2].startswith("document")}
    assert document == {
        ("judge_of", name, "document")
        for name in ("Marshall", "Ireland", "Spina", "Cowin", "Gants")
    } | {
        ("party_of", "Commonwealth of Massachusetts", "document:plaintiff"),
        ("party_of", "Willie Furr", "document:defendant"),
        ("counsel_for", "Dennis Shedd", "Willie Furr"),
        ("counsel_for", "Helle Sachse", "Commonwealth of Massachusetts"),
        ("filed_on", "document", "2009-06-12"),  # the argument date above it is not
    }  # fmt: skip
    assert {("court", "Mass. App. Ct."), ("court", "Mass. Juv. Ct.")} <= entities
    assert ("person", "Helle Sachse") in entities


def test_a_bare_government_in_a_caption_needs_its_state() -> None:
    edges, entities = _result("State v. Ann Lee.\nThe defendant appeals.\n")
    assert ("party_of", "Ann Lee", "document:defendant") in edges
    assert not any(name.startswith("State") for _, name in entities)
    edges, _ = _result("STATE OF OHIO v. JOHN ROE\nThe defendant appeals.\n")
    assert {e for e in edges if e[0] == "party_of"} == {
        ("party_of", "State of Ohio", "document:plaintiff"),
        ("party_of", "John Roe", "document:defendant"),
    }


def test_courts_named_without_their_state_take_the_state_the_text_cites() -> None:
    cites = " 1 Mass. 2; 3 Mass. 4; 5 Mass. 6."
    text = "The Appeals Court affirmed; the Chilton County Probate Court heard it;"
    assert [m.normalized for m in find_courts(text + cites)] == ["Mass. App. Ct."]
    assert find_courts(text) == []  # no state stands out
    new_jersey = "Roe v. Doe, 349 N.J.Super. 381 (App.Div.2002); 1 N.J. 2; 3 N.J. 4."
    assert [m.normalized for m in find_courts(new_jersey)] == ["N.J. Super. Ct. App. Div."]
    assert [m.normalized for m in find_courts("Roe v. Doe, 1 S.W.3d 2 (Tex.2002).")] == ["Tex."]


def test_a_new_jersey_caption_and_counsel_with_firms_in_parentheses() -> None:
    text = (
        "D.G. AND S.H., PLAINTIFFS, v. K.S.,\n1\nDEFENDANT.\n"
        "Sarah J. Jacobs for plaintiffs (Jacobs Berger, LLC, attorneys).\n"
        "Laura Voss for defendant (Chamlin, Rosen, Uliano & Witherington, attorneys).\n"
        "WAUTERS, J.S.C.\nThe plaintiffs seek custody.\n"
    )
    edges, _ = _result(text)
    assert {e for e in edges if e[0] != "decided_by"} == {
        ("party_of", "D.G.", "document:plaintiff"), ("party_of", "S.H.", "document:plaintiff"),
        ("party_of", "K.S.", "document:defendant"),
        ("counsel_for", "Sarah J. Jacobs", "D.G."), ("counsel_for", "Jacobs Berger, LLC", "D.G."),
        ("counsel_for", "Sarah J. Jacobs", "S.H."), ("counsel_for", "Jacobs Berger, LLC", "S.H."),
        ("counsel_for", "Laura Voss", "K.S."),
        ("counsel_for", "Chamlin, Rosen, Uliano & Witherington", "K.S."),
        ("judge_of", "Wauters", "document"),
    }  # fmt: skip


def test_a_panel_of_titled_judges_its_author_and_a_company_after_close_set_initials() -> None:
    text = (
        "DALLAS SALES COMPANY, INC., Appellant, v. Carolyn Pollack and J.C. Penney Company, "
        "Inc., Appellees.\nRoy Lamb, Kilgore & Kilgore, P.L.L.C., Dallas, for appellant.\n"
        "Before Chief Justice GRAY, Justice VANCE, and Justice REYNA.\nOPINION\n"
        "FELIPE REYNA, Justice.\nThe appeal fails.\n"
    )
    edges, entities = _result(text)
    assert {e for e in edges if e[0] == "judge_of"} == {
        ("judge_of", "Gray", "document"), ("judge_of", "Vance", "document"),
        ("judge_of", "Felipe Reyna", "document"),  # the panel's "REYNA" is the author
    }  # fmt: skip
    assert ("party_of", "J.C. Penney Company, Inc.", "document:appellee") in edges
    assert ("counsel_for", "Kilgore & Kilgore, P.L.L.C.", "Dallas Sales Company, Inc.") in edges
    assert not any("Penney" in name and not name.startswith("J.C.") for _, name in entities)


def test_a_star_page_inside_a_counsel_list_is_no_part_of_a_name() -> None:
    text = (
        "ACME CO., Appellant, v. ROE LLC, Appellee.\n"
        "*929 W.D. Masterson, D. Elizabeth Masterson *930 Mattei, Kilgore & Kilgore, P.L.L.C., "
        "Dallas, for appellant.\n"
    )
    edges, _ = _result(text)
    assert {e for e in edges if e[0] == "counsel_for"} == {
        ("counsel_for", "W.D. Masterson", "Acme Co."),
        ("counsel_for", "D. Elizabeth Masterson Mattei", "Acme Co."),
        ("counsel_for", "Kilgore & Kilgore, P.L.L.C.", "Acme Co."),
    }


def test_massachusetts_rules_with_spaced_subsections_and_their_reporter_source() -> None:
    text = (
        "See Mass. R. Crim. P. 30 (b), as appearing in 435 Mass. 1501 (2001); Mass. R. App. P. "
        "16 (a) (4), as amended, 453 Mass. 1303 (2009). Commonwealth v. Furr, 454 Mass. 101."
    )
    assert sorted(m.normalized for m in find_court_rules(text)) == [
        "Mass. R. App. P. 16(a)(4)", "Mass. R. Crim. P. 30(b)",
    ]  # fmt: skip
    assert [m.normalized for m in find_citations(text).mentions] == ["454 Mass. 101"]


def test_money_in_words_and_cents_after_a_comma() -> None:
    text = (
        "the sum of twenty-four dollars and thirty cents, and one hundred and thirty-one "
        "dollars and seventy-one cents ($131,71); Two Million Five Hundred Thousand Dollars; "
        "$1,234 and $12,345.50; twenty apples."
    )
    assert [m.normalized for m in find_money(text)] == [
        "USD 131.71", "USD 1234.00", "USD 12345.50", "USD 24.30", "USD 131.71",
        "USD 2500000.00",
    ]  # fmt: skip


def test_a_state_trial_judge_under_an_appeals_heading() -> None:
    text = "Appeal From Lee County\nR. Ann Moss, Jr., Family Court Judge\n\nAFFIRMED\n"
    edges, _ = _result(text)
    assert ("judge_of", "R. Ann Moss, Jr.", "document") in edges


def test_an_office_before_a_company_and_a_bracketed_place_in_its_name() -> None:
    text = "Ann Roe, co-founder and President of Platinum Management (NY) LLC, was arrested."
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == ["Platinum Management (NY) LLC"]


def test_a_tables_case_number_column() -> None:
    text = (
        "Lower Court Information\n\nCase Number\tJudgment Date\tJudge\n"
        "4FA-12-02133CI\t7/3/2020\tJudge Ann Roe\n\nRelated Appellate Cases\n\n"
        "Name\tCase Number\tStatus\nRoe v. Doe\tS15021 \tClosed\nDoe v. Roe\tS15461\tClosed\n\n"
        "Number\tType\n7617\tOpinion\n"
    )
    assert [m.normalized for m in find_case_numbers(text)] == [
        "4FA-12-02133CI", "S15021", "S15461",
    ]  # fmt: skip


def test_state_courts_in_parentheticals_with_a_comma_and_by_their_kind() -> None:
    text = (
        "Roe, 1 A.2d 2 (Del., 1999); Poe, 2001 WL 1 (Del.Super., 2001); Doe (Del. Ch., 2005); "
        "Zoe, 996 P.2d 1254 (Ariz.App., 2000); Moe (Pa. Cmwlth. 2010). Filed in Superior "
        "Court, Gaston County."
    )
    assert [m.normalized for m in find_courts(text)] == [
        "Gaston Cnty. Super. Ct.", "Del.", "Del. Super. Ct.", "Del. Ch.", "Ariz. Ct. App.",
        "Pa. Commw. Ct.",
    ]  # fmt: skip


def test_a_state_opinion_names_its_own_courts_without_their_state() -> None:
    cites = " 1 S.C. 2; 3 S.C. 4; 5 S.C. 6; Poe, 7 S.W.2d 8 (Mo.Ct.App.1987)."
    text = (
        "Supreme Court of South Carolina.\n\nThe Court of Appeals reversed. Roe, 9 S.C. 10 "
        "(Ct.App.2009). As the supreme court held," + cites
    )
    found = {(m.text, m.normalized) for m in find_courts(text)}
    assert {("Court of Appeals", "S.C. Ct. App."), ("Ct.App.", "S.C. Ct. App."),
            ("supreme court", "S.C."), ("Mo.Ct.App.", "Mo. Ct. App.")} <= found  # fmt: skip
    # not in a federal court's opinion, nor where the heading is another state's
    assert not any(m.text == "Court of Appeals" for m in find_courts(text.split("\n\n", 1)[1]))
