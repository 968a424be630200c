"""Amounts of money, normalised to "<ISO currency> <amount with two decimals>".

"$1,250,000.00" → "USD 1250000.00", "USD 3.5 million" → "USD 3500000.00",
"£5m" → "GBP 5000000.00", "twenty-four dollars and thirty cents" → "USD 24.30". The
attributes carry ``amount`` and ``currency`` separately.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = ["find_money"]

_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "INR")
_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}
_SCALES = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "mm": 6, "billion": 9,
           "bn": 9, "b": 9, "trillion": 12}  # fmt: skip

# "$131,71": cents after a comma, as old and foreign typesetting writes them (two digits
# after a comma are no group of thousands)
_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{2}(?![\d,])|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|mm|bn|m|k|b)(?![\w]))?"
_MONEY = re.compile(
    rf"(?P<symbol>US\$|[$€£¥])\s?{_AMOUNT}{_SCALE}"
    rf"|(?<![\w])(?P<code>{'|'.join(_CODES)})\s?{_AMOUNT.replace('amount', 'amount2')}"
    rf"{_SCALE.replace('scale', 'scale2')}"
    rf"|(?<![\w.,])(?P<amount3>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s(?P<scale3>million\s|billion\s)?(?P<word>dollars|euros|pounds)\b",
    re.IGNORECASE,
)


def find_money(text: str) -> list[RawMention]:
    """Every amount with a currency symbol, code or word in ``text``."""
    found = []
    for match in _MONEY.finditer(text):
        currency, amount, scale = _parts(match)
        amount = re.sub(r"^(\d+),(\d{2})$", r"\1.\2", amount)
        try:
            value = Decimal(amount.replace(",", "")).scaleb(_SCALES.get(scale, 0))
        except InvalidOperation:
            continue
        found.append(_mention(text, *match.span(), currency, value, 0.95))
    for match in _IN_WORDS.finditer(text):
        dollars = _number(match["dollars"])
        cents = _number(match["cents"]) if match["cents"] else 0
        if dollars is None or cents is None or cents > 99:
            continue
        value = Decimal(dollars) + Decimal(cents) / 100
        found.append(_mention(text, *match.span(), "USD", value, 0.9))
    return found


def _mention(
    text: str, start: int, end: int, currency: str, value: Decimal, confidence: float
) -> RawMention:
    fixed = f"{value.quantize(Decimal('0.01')):f}"
    return RawMention(
        EntityType.MONEY, start, end, text[start:end], f"{currency} {fixed}", confidence,
        {"amount": fixed, "currency": currency},
    )  # fmt: skip


_UNITS = {
    word: value
    for value, word in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen",
    ))
}  # fmt: skip
_TENS = {
    word: 10 * value
    for value, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2
    )
}
_WORD_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, "hundred", *_WORD_SCALES])
_NUMBER_WORDS = rf"(?:{_NUMBER_WORD})(?:(?:[ -]|[ ]and[ ])(?:{_NUMBER_WORD}))*"
#: An amount written in words: "twenty-four dollars and thirty cents", "Five Thousand
#: Dollars", "one hundred and thirty-one dollars".
_IN_WORDS = re.compile(
    rf"(?<![\w-])(?P<dollars>{_NUMBER_WORDS})[ ]dollars?"
    rf"(?:[ ]and[ ](?P<cents>{_NUMBER_WORDS})[ ]cents?)?(?![\w])",
    re.IGNORECASE,
)


def _number(words: str) -> int | None:
    """The value of a number in words ("one hundred and thirty-one" is 131)."""
    total = current = 0
    for word in re.split(r"[ -]+", words.lower()):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _WORD_SCALES:
            total += (current or 1) * _WORD_SCALES[word]
            current = 0
        else:
            return None
    return total + current


def _parts(match: re.Match[str]) -> tuple[str, str, str]:
    """(currency code, amount as written, scale word in lower case)."""
    if match["symbol"]:
        return _SYMBOLS[match["symbol"].lower()], match["amount"], (match["scale"] or "").lower()
    if match["code"]:
        return match["code"].upper(), match["amount2"], (match["scale2"] or "").lower()
    scale = (match["scale3"] or "").strip().lower()
    return _WORDS[match["word"].lower()], match["amount3"], scale
