"""Error classes of the twelfth blind set (tests/golden/real_blind12: argument transcripts,
a claims register and a Puerto Rico district opinion), each as a rule test over a made-up
example."""

from __future__ import annotations

from docbatch.pipeline.entities.parties import find_parties


def test_names_with_accented_letters() -> None:
    text = (
        "Counsel: José C. Sánchez-Castro and Alicia I. Lavergne-Ramírez, of SÁNCHEZ "
        "PIRILLO LLC; Héctor R. Núñez of Bennazar, García & Milián, C.S.P.\n"
    )
    names = {m.normalized for m in find_parties(text)}
    assert {
        "José C. Sánchez-Castro", "Alicia I. Lavergne-Ramírez", "Héctor R. Núñez",
    } <= names  # fmt: skip
    assert not {"Alicia I. Lavergne", "Pirillo LLC"} & names


def test_closed_up_initials_are_no_name_of_their_own() -> None:
    text = (
        "The father, D.G. However, argued that the order of U.S. Steel was void. Write to "
        "P.O. Box 9 in the M.D. North Carolina under N.C. Gen. Stat. § 1. J.P. Nothing more."
    )
    names = {m.normalized for m in find_parties(text)}
    assert not any(n.startswith(("D.G.", "U.S.", "P.O.", "M.D.", "N.C.", "J.P.")) for n in names)
