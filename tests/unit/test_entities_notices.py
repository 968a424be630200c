"""CM/ECF's Notice of Electronic Filing (the tenth blind set's kind), each part of its
layout over a made-up notice."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from tests.unit.entity_support import edges_and_entities as _result

_BOILERPLATE = (
    "***NOTE TO PUBLIC ACCESS USERS*** Judicial Conference of the United States policy permits "
    "attorneys of record and parties in a case to receive one free electronic copy.\n"
)
_DISTRICT = (
    _BOILERPLATE + "U.S. District Court\nOhio Southern District\nNotice of Electronic Filing\n"
    "The following transaction was entered on 3/2/2022 at 9:15 AM EST and filed\n"
    "on 3/1/2022\nCase Name:\nRoe v. Acme Widget Manufacturing\nCompany\n"
    "Case Number:\n2:21-cv-00412-ALM\nFiler:\nAnn\nRoe\nDocument Number:\n12\n"
    "Docket Text:\nStatus Conference set for 4/5/2022 10:00 AM before Judge Maria Lopez Vance. "
    "(kb)\n2:21-cv-00412-ALM Notice has been electronically mailed to:\n"
    "Betty X Yang byang@example.com, docket@example.com\nCarl Ode\ncode@example.com\n"
    "2:21-cv-00412-ALM Notice has been delivered by other means to:\n"
)
_BANKRUPTCY = (
    _BOILERPLATE + "U.S. Bankruptcy Court\n\nDistrict of Delaware\n\nNotice of Electronic Filing\n"
    "The following transaction was received from Ivo Park entered on 5/6/2023 at 8:13 PM EST "
    "and filed on 5/5/2023\n\nCase Name: \tGlen T. Marsh\nCase Number:\t23-10091\n"
    "Document Number:\t10\n\nDocket Text:\nAmended Schedule Filed by Ivo Park on behalf of "
    "Glen T. Marsh Debtor, (RE: [9] Schedules filed by Debtor Glen T. Marsh).\n\n"
    "23-10091 Notice will be electronically mailed to:\n"
    "Rhea Q. Stone on behalf of U.S. Trustee U. S. Trustee for Region Three\nrhea@example.gov\n"
    "FirstName LastName on behalf of Creditor Harbor Fund II LLC\nx@example.com\n"
    "23-10091 Notice will not be electronically mailed to:\n"
)


def test_a_district_courts_notice() -> None:
    edges, entities = _result(_DISTRICT)
    assert edges == {
        ("decided_by", "document", "S.D. Ohio"),
        ("filed_on", "document", "2022-03-01"),
        ("party_of", "Ann Roe", "document:plaintiff"),
        ("party_of", "Acme Widget Manufacturing Company", "document:defendant"),
        ("judge_of", "Maria Lopez Vance", "document"),
    }  # fmt: skip  (the notice list names no client: no counsel_for)
    assert {("person", "Betty X Yang"), ("person", "Carl Ode")} <= entities
    assert ("organization", "Judicial Conference of the United States") in entities


def test_a_bankruptcy_courts_notice_with_party_types_and_counsel() -> None:
    edges, entities = _result(_BANKRUPTCY)
    assert edges == {
        ("decided_by", "document", "Bankr. D. Del."), ("filed_on", "document", "2023-05-05"),
        ("party_of", "Glen T. Marsh", "document:debtor"),
        ("party_of", "U. S. Trustee for Region Three", "document:u.s. trustee"),
        ("party_of", "Harbor Fund II LLC", "document:creditor"),
        ("counsel_for", "Ivo Park", "Glen T. Marsh"),
        ("counsel_for", "Rhea Q. Stone", "U. S. Trustee for Region Three"),
    }  # fmt: skip
    assert not any("Debtor" in name or "FirstName" in name for _, name in entities)


def test_cm_ecf_names_a_district_state_first() -> None:
    assert [m.normalized for m in find_courts("U.S. District Court, California Northern "
                                              "District (Oakland)")] == ["N.D. Cal."]  # fmt: skip
