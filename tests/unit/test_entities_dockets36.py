"""Error classes of blind sets 36 and 37 (PACER district dockets of S.D. Cal. and D. Mass.,
First Circuit dockets), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from tests.unit.entity_support import edges_and_entities

MINUTES = (
    "U.S. District Court\nSouthern District of California (San Diego)\n"
    "CRIMINAL DOCKET FOR CASE #: 3:15-cr-00144-BGS-1\n\n"
    "Plaintiff\nUSA\trepresented by\tU S Attorney CR\nU S Attorneys Office Southern District "
    "of California\n880 Front Street, Room 6293\nSan Diego, CA 92101\n"
    "Email: efile@example.gov\nLEAD ATTORNEY\n\n"
    "Date Filed\t#\tDocket Text\n"
    "12/18/2014\t3 \tMinute Entry for proceedings held before Magistrate Judge Bernard G. "
    "Skomer: Status Hearing. (Plaintiff Attorney Colin McDowell, AUSA). (Defendant Attorney "
    "Chloe Dillard, FD). (no document attached) (Entered: 12/19/2014)\n"
)


def test_a_minute_entrys_party_attorneys_are_counsel_and_a_placeholder_is_nobody() -> None:
    edges, entities = edges_and_entities(MINUTES)
    people = {name for kind, name in entities if kind == "person"}
    assert {"Colin McDowell", "Chloe Dillard"} <= people
    assert not {n for n in people if n.startswith("Attorney ") or "U S Attorney" in n}
    assert ("counsel_for", "Colin McDowell", "USA") in edges
    assert not {s for kind, s, _ in edges if kind == "party_of"} & {"Colin McDowell"}


CIVIL = (
    "U.S. District Court\nDistrict of Massachusetts (Springfield)\n"
    "CIVIL DOCKET FOR CASE #: 3:17-cv-12090-MGM\n\n"
    "Defendant\nTrustees of Deerfield Academy\trepresented by\tMaria Rossi\n1 State Street\n"
    "Boston, MA 02109\nEmail: rossi@example.com\nLEAD ATTORNEY\n"
    "Intervenor\nPutative Intervenor\trepresented by\tMaurice M. Cahill, Jr.\n"
    "Egan, Flanagan & Cohen, PC\n67 Market Street\nSpringfield, MA 01102\n"
    "Email: mc@example.com\nLEAD ATTORNEY\n\n"
    "Date Filed\t#\tDocket Text\n12/20/2017\t1 \tCOMPLAINT. (Entered: 12/20/2017)\n"
)


def test_a_party_named_by_its_role_alone_is_none_but_its_counsel_stay() -> None:
    edges, entities = edges_and_entities(CIVIL)
    assert ("organization", "Trustees of Deerfield Academy") in entities
    assert ("person", "Putative Intervenor") not in entities
    assert ("organization", "Egan, Flanagan & Cohen, PC") in entities
    assert not [e for e in edges if e[0] == "party_of" and "Intervenor" in e[1]]


APPELLATE = (
    "General Docket\nUnited States Court of Appeals for the First Circuit\n\n"
    "Court of Appeals Docket #: 19-2244\tDocketed: 12/04/2019\nMaravel v. Coughman, et al\n"
    "Appeal From: District Court of New Hampshire, Concord\n\n"
    "PAUL J. MARAVEL\nPlaintiff - Appellant \t Paul J. Maravel\n[NTC Pro Se]\n"
    "34 Mockingbird Hill Rd\nWindham, NH 03087\nv.\n"
    "JOHN J. COUGHMAN, Senior Judge, 10th Circuit Court- District Division, in his capacity\n"
    "Defendant - Appellee \t Laura E. Lombard\n[COR NTC Government - Other]\n"
    "NH Attorney General's Office\n1 Granite Pl S\nConcord, NH 03301\n"
    "GORDON J. MACDOWELL, New Hampshire Attorney General\n"
    "Defendant - Appellee \t Anthony J. Galdier\n[COR NTC Government - Other]\n"
    "NH Attorney General's Office\n1 Granite Pl S\nConcord, NH 03301\n"
    "WINDHAM, NH\nDefendant - Appellee \t Brian J. Sullivant\n[COR NTC Retained]\n"
    "Mitchell Municipal Group PA\n25 Beacon St E\nLaconia, NH 03246\n\n"
    "09/13/2016\tCASE argued. Panel: Sandra L. Lynd, Appellate Judge; Kermit V. Lipes, "
    "Appellate Judge and Rogeriee Thomson, Appellate Judge.\n\n"
    "First Circuit District Court PACER Sites\n"
)


def test_an_appellate_dockets_court_below_parties_with_offices_and_panel() -> None:
    courts = {m.normalized for m in find_courts(APPELLATE)}
    assert "D.N.H." in courts
    assert not courts & {"N.H. Dist. Ct.", "10th Cir.", "Circuit Dist. Ct."}
    edges, entities = edges_and_entities(APPELLATE)
    parties = {(s, t) for kind, s, t in edges if kind == "party_of"}
    assert {("Gordon J. Macdowell", "document:appellee"), ("John J. Coughman",
            "document:appellee"), ("Windham, NH", "document:appellee")} <= parties  # fmt: skip
    assert ("organization", "Windham, NH") in entities
    judges = {s for kind, s, _ in edges if kind == "judge_of"}
    assert {"Sandra L. Lynd", "Kermit V. Lipes", "Rogeriee Thomson"} <= judges
