"""Amounts of money, normalised to "<ISO currency> <amount with two decimals>".

"$1,250,000.00" → "USD 1250000.00", "USD 3.5 million" → "USD 3500000.00",
"£5m" → "GBP 5000000.00". The attributes carry ``amount`` and ``currency`` separately.
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

_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
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
        try:
            value = Decimal(amount.replace(",", "")).scaleb(_SCALES.get(scale, 0))
        except InvalidOperation:
            continue
        fixed = f"{value.quantize(Decimal('0.01')):f}"
        start, end = match.span()
        found.append(
            RawMention(
                EntityType.MONEY,
                start,
                end,
                text[start:end],
                f"{currency} {fixed}",
                0.95,
                {"amount": fixed, "currency": currency},
            )
        )
    return found


def _parts(match: re.Match[str]) -> tuple[str, str, str]:
    """(currency code, amount as written, scale word in lower case)."""
    if match["symbol"]:
        return _SYMBOLS[match["symbol"].lower()], match["amount"], (match["scale"] or "").lower()
    if match["code"]:
        return match["code"].upper(), match["amount2"], (match["scale2"] or "").lower()
    scale = (match["scale3"] or "").strip().lower()
    return _WORDS[match["word"].lower()], match["amount3"], scale
