"""Captions whose right-hand column is drawn, spaced or filled rather than typed as ")"
(the Sixth, Eighth and Ninth Circuits' slip opinions as CourtListener's text gives them),
and lists whose items are a party's capacity, each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.captions import caption_parties


def _parties(text: str) -> list[tuple[str, str, str, str]]:
    return [
        (m.type.value, m.normalized, m.attributes.get("role", ""),
         m.attributes.get("appeal_role", ""))
        for m in caption_parties(text)
    ]  # fmt: skip


def test_a_caption_drawn_with_box_characters() -> None:
    text = (
        "               UNITED STATES COURT OF APPEALS\n\n"
        " JANE ROE,                                     ┐\n"
        "                         Plaintiff-Appellee,   │\n"
        "                                               │      No. 14-1234\n"
        "          v.                                   │\n"
        "                                                >\n"
        " CITY OF SPRINGFIELD POLICE DEPARTMENT; JOHN Q.│\n"
        " PUBLIC; MARY MAJOR,                           │\n"
        "                    Defendants-Appellants.     │\n"
        "                                               ┘\n"
    )
    parties = _parties(text)
    assert parties == [
        ("person", "Jane Roe", "plaintiff", "appellee"),
        ("organization", "City of Springfield Police Department", "defendant", "appellant"),
        ("person", "John Q. Public", "defendant", "appellant"),
        ("person", "Mary Major", "defendant", "appellant"),
    ]
    # each mention's text is the document's own, column and all
    broken = next(m for m in caption_parties(text) if m.normalized == "John Q. Public")
    assert text[broken.start : broken.end] == broken.text and "│" in broken.text


def test_a_caption_with_fill_characters_before_the_roles() -> None:
    text = (
        "                        No. 16-1234\n\n"
        "                     United States of America\n\n"
        "               lllllllllllllllllllPlaintiff - Appellee\n\n"
        "                                 v.\n\n"
        "                        John Henry Doe\n\n"
        "             lllllllllllllllllllll Defendant - Appellant\n"
    )
    assert _parties(text) == [
        ("organization", "United States of America", "plaintiff", "appellee"),
        ("person", "John Henry Doe", "defendant", "appellant"),
    ]


def test_a_caption_whose_column_is_set_off_by_spaces() -> None:
    text = (
        " UNITED STATES OF AMERICA ,                        No. 09-10139\n"
        "                Plaintiff-Appellant,\n"
        "                                                      D.C. No.\n"
        "                      v.                           4:07-cr-01207-\n"
        " RICHARD ROE ,\n"
        "             Defendant-Appellee.                      OPINION\n"
    )
    assert _parties(text) == [
        ("organization", "United States of America", "plaintiff", "appellant"),
        ("person", "Richard Roe", "defendant", "appellee"),
    ]


def test_counsel_for_a_role_on_the_next_line_is_no_caption() -> None:
    counsel = (
        "Dennis K. Burke, John S. Leonardo, United States Attorney's\n"
        "Office for the District of Arizona, Tucson, Arizona, for\n"
        "Appellant.\n\n"
        "Joseph H. Baldiga of Mirick & Lougee, on brief for the\n"
        "  Appellees.\n"
    )
    assert _parties(counsel) == []


def test_a_partys_capacity_is_no_party_of_its_own() -> None:
    text = (
        "                      UNITED STATES OF AMERICA,\n"
        "                               Appellant,\n"
        "                                       v.\n"
        "        STERLING CONSULTING CORP., COLORADO RECEIVER\n"
        "          and STEVEN M. RODOLAKIS, CHAPTER 7 TRUSTEE,\n"
        "                             Appellees.\n"
    )
    assert _parties(text) == [
        ("organization", "United States of America", "appellant", ""),
        ("organization", "Sterling Consulting Corp.", "appellee", ""),
        ("person", "Steven M. Rodolakis", "appellee", ""),
    ]


_TRANSCRIPT = "".join(
    f"{n:2d}   {line}\n\n" if line is not None else f"{n:2d}\n\n"
    for n, line in enumerate(
        [
            "       IN THE SUPREME COURT OF THE UNITED STATES",
            "- - - - - - - - - - - - - - - - - x",
            "DEPARTMENT OF HEALTH AND                            :",
            "HUMAN SERVICES, ET AL.,                             :",
            "               Petitioners                          :    No. 11-398",
            "       v.                                           :",
            "FLORIDA, ET AL.                                     :",
            "- - - - - - - - - - - - - - - - - x",
            "                              Washington, D.C.",
            "APPEARANCES:",
            "DONALD B. VERRILLI, JR., ESQ., Washington, D.C.; on behalf of",
            "   Petitioners.",
            "GREGORY G. KATSAS, ESQ., Washington, D.C.; on behalf of",
            "   Respondents.",
            *([None] * 11),
        ],
        start=1,
    )
)


def test_a_transcripts_caption_over_numbered_double_spaced_lines() -> None:
    assert ("organization", "Department of Health and Human Services", "petitioner", "") in (
        _parties(_TRANSCRIPT)
    )
    # "...; on behalf of / Petitioners." is an appearance, not a caption
    assert not [p for p in _parties(_TRANSCRIPT) if p[1] in ("D.C.", "Gregory G. Katsas")]


def test_a_transcripts_appearances_on_behalf_of_a_role() -> None:
    from tests.unit.entity_support import edges_and_entities

    edges, _ = edges_and_entities(_TRANSCRIPT)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert ("Donald B. Verrilli, Jr.", "Department of Health and Human Services") in counsel
