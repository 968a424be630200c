"""Property tests for the money and date normalisers: any text in, well-formed mentions out."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from docbatch.pipeline.entities.dates import find_dates
from docbatch.pipeline.entities.money import find_money

MONEY_FORM = re.compile(r"^[A-Z]{3} -?\d+\.\d{2}$")
#: Text that looks like the money and date phrases the rules look for, mixed with noise.
_PIECES = st.sampled_from(
    ["$", "USD", "EUR", "€", "£", "1,000", "2.5", "million", "billion", " ", ",", ".",
     "January", "Feb.", "31", "2024", "1999", "/", "-", "12", "on", "the", "\n", "0",
     "twenty", "one", "hundred", "thousand", "and", "dollars", "cents", "seventy-one", ",71"]
)  # fmt: skip
_LEGALISH = st.lists(_PIECES, max_size=40).map("".join)
_ANY_TEXT = st.one_of(_LEGALISH, st.text(max_size=200))


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(text=_ANY_TEXT)
def test_money_mentions_point_into_the_text_and_normalise_to_currency_and_amount(
    text: str,
) -> None:
    for mention in find_money(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        assert MONEY_FORM.match(mention.normalized), mention.normalized
        assert 0.0 < mention.confidence <= 1.0


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(text=_ANY_TEXT)
def test_date_mentions_point_into_the_text_and_are_real_iso_dates(text: str) -> None:
    for mention in find_dates(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        assert dt.date.fromisoformat(mention.normalized).isoformat() == mention.normalized
        assert 0.0 < mention.confidence <= 1.0


@given(day=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)))
@settings(max_examples=200, derandomize=True, deadline=None, database=None)
def test_a_written_out_date_normalises_to_itself(day: dt.date) -> None:
    text = f"Decided on {day.strftime('%B')} {day.day}, {day.year}, by the court."
    assert [m.normalized for m in find_dates(text)] == [day.isoformat()]
