"""Error classes of the sixteenth blind set (tests/golden/real_blind16: 6th, 8th and 9th
Circuit opinions and a Supreme Court opinion), each as a rule test over a made-up
example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts


def _courts(text: str) -> list[str]:
    return [m.normalized for m in find_courts(text)]


def test_the_supreme_court_alone_is_the_nations_in_a_federal_text() -> None:
    text = "United States Court of Appeals for the Sixth Circuit.\nAs the Supreme Court held."
    assert _courts(text) == ["6th Cir.", "U.S."]
    agency = "U.S. Department of Justice\nBoard of Immigration Appeals\nthe Supreme Court held"
    assert _courts(agency)[-1] == "U.S."


def test_the_supreme_court_alone_is_the_states_in_a_state_text() -> None:
    assert _courts("Appellate Court of Illinois.\nAs the Supreme Court held.") == [
        "Ill. App. Ct.", "Ill.",
    ]  # fmt: skip
    attorney_general = (
        "OFFICE OF THE ATTORNEY GENERAL OF KENTUCKY. KRS 61.878; 412 S.W.3d 1 (Ky. 2013); "
        "(Ky. 2001); (Ky. App. 2010). As the Supreme Court held."
    )
    assert _courts(attorney_general)[-1] == "Ky."
    # New York's Supreme Court is a trial court: its highest court's "the Supreme Court"
    # names no court of its own
    assert _courts("Court of Appeals of New York.\nThe Supreme Court held.") == ["N.Y."]


def test_circuits_in_the_supreme_courts_own_citation_style() -> None:
    assert _courts("See 740 F.2d 1 (CADC 1984); 414 F.2d 2 (CA5 1969); 1 F.3d 3 (CAFC 2001).") == [
        "D.C. Cir.", "5th Cir.", "Fed. Cir.",
    ]  # fmt: skip
