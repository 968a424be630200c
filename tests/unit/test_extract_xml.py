"""XML documents (a court's XML export, an archive's opinion XML): sniffed from the bytes
and read as their element text, one line per block element, never through a parser that
would expand the file's own entities."""

from __future__ import annotations

from docbatch.pipeline.extract import extract
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import HTML, TEXT, XML, sniff

OPINION = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<opinion><caption><party>'
    b"<strong>Larry B. MERRITT, Appellant,</strong></party><party>v.</party><party>"
    b"STATE of Florida, Appellee.</party></caption><docket>No. 4D2023-2459</docket>"
    b"<p>Counsel: <em>Delos M. </em>Cosgrove, for National Savings &amp; Trust Co."
    b"<footnote_reference>[1]</footnote_reference> held.</p>"
    b"<![CDATA[Raw <text> & more]]></opinion>"
)


def _text(data: bytes) -> str:
    document = extract(data, ExtractOptions())
    assert document.mime == XML
    return document.pages[0].text


def test_xml_is_sniffed_from_a_declaration_or_a_root_element_and_xhtml_stays_html() -> None:
    assert sniff(OPINION) == XML
    assert sniff(b"<opinion><p>An opinion.</p></opinion>") == XML
    assert sniff(b'<?xml version="1.0"?><html><body>x</body></html>') == HTML
    assert sniff(b"<Plaintiff> says hello and leaves.\n") == TEXT


def test_block_elements_end_lines_and_inline_ones_stay_in_the_line() -> None:
    assert _text(OPINION).split("\n") == [
        "Larry B. MERRITT, Appellant,",
        "v.",
        "STATE of Florida, Appellee.",
        "No. 4D2023-2459",
        "Counsel: Delos M. Cosgrove, for National Savings & Trust Co.[1] held.",
        "Raw <text> & more",
    ]


def test_a_files_own_entities_are_never_expanded() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]><lolz>&lol2; &xxe; end</lolz>'
    )
    assert _text(laughs) == "&lol2; &xxe; end"


def test_malformed_and_deeply_nested_xml_is_read() -> None:
    assert _text(b"<a><b>Smith & Jones</c> v. Doe</a>") == "Smith & Jones\nv. Doe"
    depth = 50_000  # no recursion: one pattern over the text
    assert _text(b"<d>" * depth + b"deep" + b"</d>" * depth) == "deep"


def test_a_caselaw_access_project_casebody_keeps_citations_and_names_whole() -> None:
    casebody = (
        b'<casebody xmlns="http://nrs.harvard.edu/urn-3:HLS.Libr.US_Case_Law.Schema.Case_Body:v1">'
        b'<parties id="b1">D.G. AND S.H., PLAINTIFFS, v. K.S.,<footnotemark>1</footnotemark> '
        b"DEFENDANT.</parties><attorneys>W.D. Masterson, D. Elizabeth Masterson "
        b'<page-number citation-index="1" label="930">*930</page-number> Mattei, for appellant.'
        b'</attorneys><p>See <em>Taylor, </em><extracted-citation index="0">79 S.W.3d 633'
        b"</extracted-citation>, 636 (Tex.2002); G. L. c. 269, \xc2\xa7 10G.<footnotemark>7"
        b'</footnotemark><page-number label="103">*103</page-number>It held.</p></casebody>'
    )
    assert _text(casebody).split("\n") == [
        "D.G. AND S.H., PLAINTIFFS, v. K.S., DEFENDANT.",
        "W.D. Masterson, D. Elizabeth Masterson *930 Mattei, for appellant.",
        "See Taylor, 79 S.W.3d 633, 636 (Tex.2002); G. L. c. 269, \u00a7 10G. *103 It held.",
    ]


def test_an_html_fragment_is_html_and_its_page_labels_and_footnotes_read_as_a_page_s() -> None:
    fragment = (
        b'<section class="casebody"><p class="attorneys"><a id="p1005" class="page-label">*1005'
        b"</a>Robert E. Byron, for the appellant.</p><p>under \xc2\xa7 19.37(1)(a),<a class="
        b'"footnotemark" href="#footnote_1_6">6</a> the court<a href="#x">note</a> held.<br>'
        b"Next line.</p></section>"
    )
    assert sniff(fragment) == HTML
    lines = [line for line in extract(fragment, ExtractOptions()).pages[0].text.split("\n") if line]
    assert lines == [
        "*1005 Robert E. Byron, for the appellant.",
        "under \u00a7 19.37(1)(a), the courtnote held.",
        "Next line.",
    ]


def test_an_html_opinion_leaves_footnote_links_out_and_sets_page_labels_apart() -> None:
    page = (
        b"<html><body><p><a class='page-label'>*438</a>and chairman of the Commission. Scott "
        b"appeals a decision of the circuit court<a class='footnotemark' href='#footnote_1_1'>1"
        b"</a> that granted it.<sup><a href='#fn2'>2</a></sup> See 12 <a href='/c/12'>13</a>."
        b"</p></body></html>"
    )
    text = extract(page, ExtractOptions()).pages[0].text
    assert text == (
        "*438 and chairman of the Commission. Scott appeals a decision of the circuit court "
        "that granted it. See 12 13."
    )
