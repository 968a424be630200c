"""Legacy and message formats: Word 97-2003, WordPerfect, RTF, e-mail and Outlook.

The ``.doc`` and ``.wpd`` files are real court opinions (see tests/fixtures/real); RTF
and e-mail are generated. Word and WordPerfect need Debian's ``antiword`` and
``libwpd-tools`` (installed by ``.ci/run``); without them they fail with a clear
``missing_dependency`` reason, which is tested by hiding the programs.
"""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest

from docbatch.errors import CorruptDocumentError, MissingDependencyError
from docbatch.pipeline import extract_legacy
from docbatch.pipeline.extract import extract
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import DOC, EML, MSG, RTF, TEXT, WPD, sniff

from ..conftest import in_ci

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
OPTIONS = ExtractOptions()


def words(text: str) -> str:
    return " ".join(text.split())


def require(program: str, package: str) -> None:
    if shutil.which(program) is None:
        message = f"{program} is not installed (apt install {package})"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def email_bytes(*, html: bool = False, attachment: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Margaret Holloway <mholloway@example.com>"
    message["To"] = "Clerk of Court <clerk@example.org>"
    message["Cc"] = "counsel@example.net"
    message["Subject"] = "Filing in 1:21-cv-01234"
    message["Date"] = "Thu, 04 Mar 2021 10:15:00 -0500"
    message["Message-ID"] = "<123@example.com>"
    body = "Please find the motion attached, citing 42 U.S.C. § 1983."
    message.set_content(body)
    if html:
        message.add_alternative(f"<html><body><p><b>HTML:</b> {body}</p></body></html>", "html")
    if attachment:
        message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf",
                               filename="motion.pdf")  # fmt: skip
    return bytes(message)


def test_legacy_word_is_read_with_antiword():
    require("antiword", "antiword")
    data = (REAL / "indiana-opinion.doc").read_bytes()
    assert sniff(data) == DOC
    document = extract(data, OPTIONS)
    text = words(document.text)
    assert document.mime == DOC
    assert "The appellee/defendant Charles Barker seeks rehearing following our decision" in text
    assert "State v. Barker, 809 N.E.2d 312 (Ind. 2004)" in text


def test_wordperfect_is_read_with_wpd2text():
    require("wpd2text", "libwpd-tools")
    data = (REAL / "indiana-opinion.wpd").read_bytes()
    assert sniff(data) == WPD
    text = words(extract(data, OPTIONS).text)
    assert "APPEAL FROM THE ELKHART CIRCUIT COURT The Honorable Gene R. Duffin" in text


def test_a_missing_converter_names_its_package(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(extract_legacy.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError, match="apt install antiword") as info:
        extract((REAL / "indiana-opinion.doc").read_bytes(), OPTIONS)
    assert info.value.code == "missing_dependency"
    with pytest.raises(MissingDependencyError, match="libwpd-tools"):
        extract((REAL / "indiana-opinion.wpd").read_bytes(), OPTIONS)


def test_a_broken_word_file_fails_as_corrupt():
    require("antiword", "antiword")
    data = (REAL / "indiana-opinion.doc").read_bytes()
    with pytest.raises(CorruptDocumentError):
        extract(data[:2048], OPTIONS)


def test_rtf_text_with_its_code_page():
    data = (
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}"
        rb"\f0 The court finds for the plaintiff\'e9s.\par "
        rb"Damages of \'8040,000 are awarded.\par}"
    )
    assert sniff(data) == RTF
    document = extract(data, OPTIONS)
    assert document.text == "The court finds for the plaintiffés.\nDamages of €40,000 are awarded."


def test_email_headers_become_metadata_and_the_body_the_text():
    data = email_bytes(attachment=True)
    assert sniff(data) == EML
    document = extract(data, OPTIONS)
    assert document.mime == EML
    assert document.text == "Please find the motion attached, citing 42 U.S.C. § 1983."
    assert document.metadata == {
        "from": "Margaret Holloway <mholloway@example.com>",
        "to": "Clerk of Court <clerk@example.org>",
        "cc": "counsel@example.net",
        "date": "Thu, 04 Mar 2021 10:15:00 -0500",
        "subject": "Filing in 1:21-cv-01234",
        "attachments": "motion.pdf",
    }


def test_an_html_only_email_is_read_as_visible_text():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["MIME-Version"] = "1.0"
    message.set_content("<html><body><p>Order <b>granted</b>.</p></body></html>", subtype="html")
    assert extract(bytes(message), OPTIONS).text == "Order granted."


def test_a_typed_memo_with_to_and_from_lines_stays_text():
    memo = b"To: All staff\nFrom: The Clerk\nSubject: Hours\n\nThe clerk's office closes at 4."
    assert sniff(memo) == TEXT


def test_outlook_messages_map_their_fields(monkeypatch: pytest.MonkeyPatch):
    """extract-msg's message object mapped to metadata and text (no .msg writer exists)."""
    closed = []
    fake = SimpleNamespace(
        sender="Margaret Holloway", to="clerk@example.org", cc=None,
        date="2021-03-04 10:15:00-05:00", subject="Filing", body="",
        htmlBody=b"<p>Motion <i>attached</i>.</p>",
        attachments=[SimpleNamespace(longFilename="motion.pdf", name="MOTION~1.PDF")],
        close=lambda: closed.append(True),
    )  # fmt: skip
    import extract_msg

    monkeypatch.setattr(extract_msg, "openMsg", lambda data: fake)
    document = extract_legacy.read_msg(b"", OPTIONS)
    assert document.mime == MSG and document.text == "Motion attached."
    assert document.metadata == {
        "from": "Margaret Holloway",
        "to": "clerk@example.org",
        "date": "2021-03-04 10:15:00-05:00",
        "subject": "Filing",
        "attachments": "motion.pdf",
    }
    assert closed == [True]


def test_other_ole2_files_are_refused_with_a_reason():
    import olefile

    assert olefile.isOleFile((REAL / "indiana-opinion.doc").read_bytes())
    with pytest.raises(CorruptDocumentError, match="OLE2"):
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_a_mail_server_s_headers_without_a_space_after_the_colon_are_mail():
    data = (
        b"Return-Path: <ECF_Courtmail@ctb.uscourts.gov>\nDate: Thu, 16 Feb 2023 20:13:27 -0500\n"
        b"MIME-Version:1.0\nFrom:ECF_Courtmail@ctb.uscourts.gov\nTo:Courtmail@ctb.uscourts.gov\n"
        b"Subject:23-20091 Corrected Amendment\nContent-Type: text/html\n\n"
        b"<p><strong>U.S. Bankruptcy Court</strong></p><p>Notice of Electronic Filing</p>\n"
    )
    assert sniff(data) == EML
    document = extract(data, OPTIONS)
    assert "U.S. Bankruptcy Court" in document.text and "<p>" not in document.text
    assert document.metadata["subject"] == "23-20091 Corrected Amendment"
    memo = b"To:all staff\nFrom:the clerk\nRe:holidays\n\nThe office closes early.\n"
    assert sniff(memo) == TEXT
