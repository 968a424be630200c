"""Legal prose with known entities, used as ground truth by tests and benchmarks.

:data:`OPINION_PAGES` is a short opinion split into pages; the entities a correct
extractor finds in it are listed in :data:`EXPECTED_ENTITIES` as (type, normalised value).
:func:`generate_prose` builds endless, deterministic variations from a seed, with the
ground truth beside the text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["EXPECTED_ENTITIES", "OPINION_PAGES", "GeneratedProse", "generate_prose"]

OPINION_PAGES: tuple[str, ...] = (
    "UNITED STATES DISTRICT COURT\n"
    "SOUTHERN DISTRICT OF NEW YORK\n\n"
    "Case No. 1:23-cv-04567-JMF\n\n"
    "ACME HOLDINGS, INC., Plaintiff,\n"
    "v.\n"
    "JOHN R. SMITH and BLUE RIVER CAPITAL LLC, Defendants.\n\n"
    "OPINION AND ORDER\n\n"
    "Plaintiff Acme Holdings, Inc. brings this action against Defendant John R. Smith "
    "and Defendant Blue River Capital LLC under Section 10(b) of the Securities Exchange "
    "Act, 15 U.S.C. § 78j(b), and Rule 10b-5, 17 C.F.R. § 240.10b-5. The complaint was "
    "filed on March 14, 2023. Defendants move to dismiss under Fed. R. Civ. P. 12(b)(6).",
    "To survive a motion to dismiss, a complaint must contain sufficient factual matter "
    "to state a claim that is plausible on its face. Bell Atlantic Corp. v. Twombly, "
    "550 U.S. 544, 570 (2007); Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009). The Court "
    "accepts the well-pleaded facts as true. Id. at 679. See also Tellabs, Inc. v. "
    "Makor Issues & Rights, Ltd., 551 U.S. 308, 322 (2007).\n\n"
    "Plaintiff alleges that on June 2, 2022, Smith caused Blue River Capital LLC to "
    "transfer $1,250,000.00 to an account he controlled, and that Plaintiff lost "
    "USD 3.5 million as a result. The Second Circuit has held that scienter may be "
    "pleaded through motive and opportunity. Novak v. Kasaks, 216 F.3d 300, 307 "
    "(2d Cir. 2000).",
    "For the reasons above, the motion is DENIED. As the 9th Cir. explained in a "
    "related context, the pleading standard is not a probability requirement. "
    "Twombly, 550 U.S. at 556. The parties shall appear before the Court on "
    "January 9, 2024.\n\n"
    "SO ORDERED.\n\n"
    "Dated: New York, New York\n"
    "December 1, 2023\n\n"
    "Jesse M. Furman, United States District Judge",
)

#: (entity type, normalised value) pairs a correct extractor finds in OPINION_PAGES.
EXPECTED_ENTITIES: frozenset[tuple[str, str]] = frozenset(
    {
        ("court", "S.D.N.Y."),
        ("court", "2d Cir."),
        ("court", "9th Cir."),
        ("case_number", "1:23-cv-04567-JMF"),
        ("citation", "550 U.S. 544"),
        ("citation", "556 U.S. 662"),
        ("citation", "551 U.S. 308"),
        ("citation", "216 F.3d 300"),
        ("statute", "15 U.S.C. § 78j(b)"),
        ("regulation", "17 C.F.R. § 240.10b-5"),
        ("court_rule", "Fed. R. Civ. P. 12(b)(6)"),
        ("date", "2023-03-14"),
        ("date", "2022-06-02"),
        ("date", "2024-01-09"),
        ("date", "2023-12-01"),
        ("money", "USD 1250000.00"),
        ("money", "USD 3500000.00"),
        ("organization", "Acme Holdings, Inc."),
        ("organization", "Blue River Capital LLC"),
        ("person", "John R. Smith"),
        ("person", "Jesse M. Furman"),
    }
)

_SURNAMES = (
    "Anderson",
    "Baker",
    "Carter",
    "Diaz",
    "Evans",
    "Foster",
    "Garcia",
    "Hughes",
    "Iverson",
    "Jensen",
    "Keller",
    "Lopez",
    "Morgan",
    "Nguyen",
    "Owens",
    "Patel",
)
_GIVEN = ("Alice", "Brian", "Carla", "David", "Elena", "Frank", "Grace", "Henry")
_ORG_STEMS = ("Northwind", "Granite", "Harbor", "Summit", "Pioneer", "Redwood", "Atlas")
_ORG_SUFFIXES = ("Inc.", "LLC", "Corp.", "Ltd.", "L.P.")
_REPORTERS = ("U.S.", "F.3d", "F.4th", "F. Supp. 3d", "S. Ct.")
_COURTS = ("S.D.N.Y.", "N.D. Cal.", "D. Del.", "2d Cir.", "9th Cir.", "3d Cir.")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_FILLER = (
    "The Court has considered the parties' submissions and the record as a whole.",
    "Neither party disputes the material facts set out in the stipulation.",
    "The argument is unpersuasive for the reasons the magistrate judge identified.",
    "Discovery closed before the motion was fully briefed.",
    "The standard of review is de novo.",
)


@dataclass
class GeneratedProse:
    """Generated pages of legal prose and the entities they contain."""

    pages: list[str]
    entities: set[tuple[str, str]] = field(default_factory=set)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}"


def _organization(rng: random.Random) -> str:
    return f"{rng.choice(_ORG_STEMS)} {rng.choice(_SURNAMES)} {rng.choice(_ORG_SUFFIXES)}"


def _paragraph(rng: random.Random, truth: set[tuple[str, str]]) -> str:
    plaintiff, defendant = _organization(rng), _person(rng)
    volume, page = rng.randint(100, 999), rng.randint(1, 1500)
    reporter = rng.choice(_REPORTERS)
    court = rng.choice(_COURTS)
    year = rng.randint(1995, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    dollars = rng.randint(1_000, 9_999_999)
    case_a, case_b = rng.choice(_SURNAMES), rng.choice(_SURNAMES)
    truth.update(
        {
            ("organization", plaintiff),
            ("person", defendant),
            ("citation", f"{volume} {reporter} {page}"),
            ("date", f"{year:04d}-{month:02d}-{day:02d}"),
            ("money", f"USD {dollars}.00"),
        }
    )
    pin = page + rng.randint(1, 20)
    return (
        f"Plaintiff {plaintiff} alleges that Defendant {defendant} breached the agreement "
        f"dated {_MONTHS[month - 1]} {day}, {year}, causing damages of ${dollars:,}. "
        f"{rng.choice(_FILLER)} See {case_a} v. {case_b}, {volume} {reporter} {page}, "
        f"{pin} ({court} {year}). {rng.choice(_FILLER)}"
    )


def generate_prose(seed: int, pages: int = 1, paragraphs_per_page: int = 4) -> GeneratedProse:
    """Deterministic legal prose: the same seed always gives the same text and truth."""
    rng = random.Random(seed)
    result = GeneratedProse(pages=[])
    for _ in range(pages):
        paras = [_paragraph(rng, result.entities) for _ in range(paragraphs_per_page)]
        result.pages.append("\n\n".join(paras))
    return result
