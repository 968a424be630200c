"""Calendar dates in the usual legal spellings, normalised to ISO 8601.

Recognised: "March 14, 2023", "Mar. 14, 2023", "14 March 2023", "the 14th day of March,
2023", "2023-03-14", "03/14/2023" (US month-first order), a two-digit year ("Filed
04/16/21", "served on 12/30/08"), a clerk's "31-Aug-2007" and two days of one month
("April 25 and 26, 1996"). A bare year is never a date,
so citation years ("(2007)") and reporter numbers are left alone; the default extractor
also drops dates inside a citation's own parenthetical (a decision date is citation
metadata).
"""

from __future__ import annotations

import datetime as dt
import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = ["find_dates", "parse_month"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_MONTH = (
    r"(?P<{g}>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?P<{g}>1[6-9]\d\d|20\d\d)"
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = re.compile(
    "|".join(
        (
            # (an OCR'd report may lose the space after the comma: "December 11,1886")
            rf"\b{_MONTH.format(g='m1')}\s+{_DAY.format(g='d1')}(?:,?\s+|,){_YEAR.format(g='y1')}\b",
            rf"\b(?:the\s+)?{_DAY.format(g='d2')}\s+(?:day\s+of\s+)?{_MONTH.format(g='m2')},?\s+"
            rf"{_YEAR.format(g='y2')}\b",
            r"(?<![\w/-])(?P<y3>1[6-9]\d\d|20\d\d)-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)(?![\w/-])",
            r"(?<![\w/.-])(?P<m4>[01]?\d)/(?P<d4>[0-3]?\d)/(?P<y4>1[6-9]\d\d|20\d\d)(?![\w/])",
            # a two-digit year, as ECF stamps and docket entries write it: "Filed 04/16/21",
            # "served on 12/30/08"
            r"(?<![\w/.:-])(?P<m5>[01]?\d)/(?P<d5>[0-3]?\d)/(?P<y5>\d\d)(?![\w/.-])",
            # a clerk's stamp with the month's abbreviation: "[Filed 31-Aug-2007]"
            rf"(?<![\w/-])(?P<d6>[0-3]?\d)-{_MONTH.format(g='m6')}-{_YEAR.format(g='y6')}(?![\w-])",
            # a docket's date with hyphens, month first: "01-31-2018" (never a number
            # of a case: "CF-2018-4")
            r"(?<![\w/.:-])(?P<m7>0?[1-9]|1[0-2])-(?P<d7>0?[1-9]|[12]\d|3[01])"
            r"-(?P<y7>1[6-9]\d\d|20\d\d)(?![\w/-])",
        )
    ),
    re.IGNORECASE,
)


#: A form's compact date, "20070817": eight digits that read as a date, valid only on a
#: line that labels a date ("Date of Discharge:  20070817", "Application Received:",
#: "Active: 20011206 - 20061004") or as a list entry ("- 20070516: Article 92").
_COMPACT = re.compile(
    r"(?<![\w./-])(?P<y>19\d\d|20\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?![\w/])"
)
_COMPACT_LABEL = re.compile(
    r"(?i:\b(?:date|received|dated|filed|active|inactive|enlistment|discharge)\b[^\n:]{0,40}:)"
    r"[ \t]*(?:\d{8}[ \t]*-[ \t]*)?$|^[ \t]*-[ \t]*$"
)


def parse_month(name: str) -> int | None:
    """1-12 for a month name or abbreviation ("Mar.", "Sept", "march"), else None."""
    key = name.rstrip(".").lower()
    if len(key) < 3:
        return None
    for index, month in enumerate(_MONTHS, start=1):
        if month.startswith(key[:3]) and (len(key) <= 4 or month == key):
            return index
    return None


def find_dates(text: str) -> list[RawMention]:
    """Every valid calendar date in ``text`` as a DATE mention with an ISO value."""
    found = []
    for match in _DATE.finditer(text):
        value = _to_date(match)
        if value is None:
            continue  # "February 30, 2023" and the like
        start, end = match.span()
        if match["m1"] and not match["m1"][0].isupper():
            continue  # "may 3, 2020" is almost always a verb followed by numbers
        found.append(
            RawMention(
                EntityType.DATE,
                start,
                end,
                text[start:end],
                value.isoformat(),
                0.95 if (match["m1"] or match["m2"] or match["y3"] or match["m6"]) else 0.8,
                {"year": str(value.year), "month": str(value.month), "day": str(value.day)},
            )
        )
    return found + _compact_dates(text) + _paired_days(text)


#: Two days of one month: "April 25 and 26, 1996" (the first has no year of its own).
_PAIRED_DAYS = re.compile(
    rf"\b{_MONTH.format(g='m')}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?=\s+(?:and|&)\s+[0-3]?\d"
    rf"(?:st|nd|rd|th)?,?\s+{_YEAR.format(g='y')}\b)"
)


def _paired_days(text: str) -> list[RawMention]:
    """Both days of "April 25 and 26, 1996", each a date of its own."""
    found = []
    for match in _PAIRED_DAYS.finditer(text):
        month = parse_month(match["m"])
        tail = re.match(r"\s+(?:and|&)\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})",
                        text[match.end() :])  # fmt: skip
        if month is None or tail is None:
            continue
        second_start = match.end() + tail.start("d")
        for start, end, day in (
            (match.start(), match.end(), match["d"]),
            (second_start, match.end() + tail.end(), tail["d"]),
        ):
            try:
                value = dt.date(int(tail["y"]), month, int(day))
            except ValueError:
                break
            attributes = {"year": str(value.year), "month": str(value.month), "day": str(value.day)}
            found.append(
                RawMention(EntityType.DATE, start, end, text[start:end], value.isoformat(), 0.85,
                           attributes)
            )  # fmt: skip
    return found


def _compact_dates(text: str) -> list[RawMention]:
    """Compact dates of a form's labelled fields (see ``_COMPACT``)."""
    found = []
    for match in _COMPACT.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not _COMPACT_LABEL.search(text[line_start : match.start()]):
            continue
        try:
            value = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
        start, end = match.span()
        attributes = {"year": str(value.year), "month": str(value.month), "day": str(value.day)}
        found.append(
            RawMention(EntityType.DATE, start, end, text[start:end], value.isoformat(), 0.8,
                       attributes)
        )  # fmt: skip
    return found


def _to_date(match: re.Match[str]) -> dt.date | None:
    for month_group, day_group, year_group in (
        ("m1", "d1", "y1"),
        ("m2", "d2", "y2"),
        ("m3", "d3", "y3"),
        ("m4", "d4", "y4"),
        ("m5", "d5", "y5"),
        ("m6", "d6", "y6"),
        ("m7", "d7", "y7"),
    ):
        if match[year_group]:
            raw_month = match[month_group]
            month = int(raw_month) if raw_month.isdigit() else parse_month(raw_month)
            year = int(match[year_group])
            if year < 100:  # "04/16/21" is 2021 and "3/14/95" 1995
                year += 2000 if year < 70 else 1900
            try:
                return dt.date(year, month or 0, int(match[day_group]))
            except ValueError:
                return None
    return None
