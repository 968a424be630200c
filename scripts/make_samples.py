"""Regenerate the sample documents in ``samples/``: ``python scripts/make_samples.py``.

The samples are what the README's Quick start processes: one document of every supported
format, each carrying entities the pipeline extracts (courts, case numbers, citations,
dates, money, parties), plus ``broken.pdf``, a truncated PDF that fails with a reason.
Every file is built by :mod:`bench.synth.documents` from the text below, with fixed
dates and seeds, so running this script again gives byte-identical files (as long as
pypdfium2 and Pillow render the scanned pages the same way).

Run it with ``-B``: a ``__pycache__`` folder here would be picked up as documents.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

# The generator lives in the checkout's bench/ package, not in the installed docbatch.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synth import documents
from bench.synth.prose import OPINION_PAGES

__all__ = ["SAMPLES", "main", "write_samples"]

ORDER_TEXT = (
    "UNITED STATES DISTRICT COURT\n"
    "SOUTHERN DISTRICT OF NEW YORK\n\n"
    "Case No. 1:23-cv-04567-JMF\n\n"
    "ORDER\n\n"
    "The parties having appeared before the Court on January 9, 2024, and for the "
    "reasons stated on the record, Defendant Blue River Capital LLC shall produce the "
    "transfer records by February 16, 2024. A request that merely restates the "
    "pleadings does not suffice. Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009).\n\n"
    "SO ORDERED.\n\n"
    "Dated: January 10, 2024\n"
    "Jesse M. Furman, United States District Judge"
)

ENGAGEMENT_PARAGRAPHS = (
    "ENGAGEMENT LETTER - April 15, 2024",
    "This letter confirms that Harbor Keller LLP will represent Acme Holdings, Inc. in "
    "Acme Holdings, Inc. v. Smith, Case No. 1:23-cv-04567-JMF (S.D.N.Y.), against "
    "John R. Smith and Blue River Capital LLC. The fees are set out in the table below.",
    "The Client will pay a retainer of USD 25,000.00 on signing. Invoices are due within "
    "30 days; the first invoice will be sent on May 31, 2024.",
    "Elena Morgan, Partner, Harbor Keller LLP",
    "Accepted for Acme Holdings, Inc. by Grace Patel, General Counsel.",
)
ENGAGEMENT_FEES = (
    ("Timekeeper", "Role", "Hourly rate"),
    ("Elena Morgan", "Partner", "$950.00"),
    ("David Nguyen", "Associate", "$575.00"),
    ("Paralegal staff", "Paralegal", "$225.00"),
)

DOCKET_TITLE = "Civil Docket for Case No. 1:23-cv-04567-JMF"
DOCKET_PARAGRAPHS = (
    "United States District Court for the Southern District of New York (Foley Square)",
    "Acme Holdings, Inc. v. John R. Smith and Blue River Capital LLC",
    "Assigned to: Judge Jesse M. Furman. Date filed: March 14, 2023. "
    "Cause: 15 U.S.C. § 78j(b) Securities Exchange Act.",
    "March 14, 2023 - COMPLAINT against John R. Smith, Blue River Capital LLC, filed by "
    "Acme Holdings, Inc.",
    "May 1, 2023 - MOTION to Dismiss under Fed. R. Civ. P. 12(b)(6) filed by John R. Smith.",
    "December 1, 2023 - OPINION AND ORDER denying the motion to dismiss.",
    "January 9, 2024 - Status conference held before Judge Jesse M. Furman.",
)

MEMO_PAGES = (
    "MEMORANDUM\n\n"
    "To: Litigation team\n"
    "From: David Nguyen\n"
    "Date: January 12, 2024\n"
    "Re: Acme Holdings, Inc. v. Smith, No. 1:23-cv-04567-JMF (S.D.N.Y.)\n\n"
    "The Court denied the motion to dismiss on December 1, 2023. The opinion applies "
    "Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007), and Novak v. Kasaks, "
    "216 F.3d 300, 307 (2d Cir. 2000), to the scienter allegations.\n",
    "Next steps\n\n"
    "Blue River Capital LLC must produce the transfer records by February 16, 2024. "
    "The records should confirm the transfer of $1,250,000.00 on June 2, 2022. "
    "Our damages expert estimates the loss at USD 3.5 million.\n",
)

EXHIBIT_PAGES = (
    "EXHIBIT A\n\n"
    "WIRE TRANSFER CONFIRMATION\n\n"
    "Date: June 2, 2022\n"
    "Amount: $1,250,000.00\n"
    "Ordering customer: Blue River Capital LLC\n"
    "Beneficiary: John R. Smith, account ending 4411",
    "EXHIBIT A (continued)\n\n"
    "Authorized by: John R. Smith, Managing Member\n"
    "Reference: Acme Holdings, Inc. v. Smith, Case No. 1:23-cv-04567-JMF",
)

#: File name -> function building its bytes.
SAMPLES: dict[str, Callable[[], bytes]] = {
    "opinion.pdf": lambda: documents.text_pdf(OPINION_PAGES, title="Opinion and Order"),
    # 150 dpi with light speckle: readable by OCR, and small enough to commit.
    "scanned-order.pdf": lambda: documents.scanned_pdf([ORDER_TEXT], dpi=150, noise=0.002),
    "engagement-letter.docx": lambda: documents.docx(
        ENGAGEMENT_PARAGRAPHS, table_rows=ENGAGEMENT_FEES, footer="Harbor Keller LLP"
    ),
    "docket.html": lambda: documents.html(DOCKET_PARAGRAPHS, title=DOCKET_TITLE),
    "memo.txt": lambda: documents.text_file("\f".join(MEMO_PAGES)),
    "exhibit.tiff": lambda: documents.tiff(EXHIBIT_PAGES, dpi=200),
    # Half of a real PDF, as an interrupted copy leaves it: the demo's failed document.
    "broken.pdf": lambda: documents.truncated_pdf(OPINION_PAGES, keep=0.4),
}


def write_samples(folder: Path) -> dict[str, int]:
    """Write every sample into ``folder``; return each file's size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, build in SAMPLES.items():
        data = build()
        (folder / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command line: write the samples into ``--out`` (default: the repository's samples/)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    args = parser.parse_args(argv)
    sizes = write_samples(args.out)
    for name, size in sizes.items():
        print(f"{size:>9,}  {name}")
    print(f"{sum(sizes.values()):>9,}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
