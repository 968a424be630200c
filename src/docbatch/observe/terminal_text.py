"""Text from data, made safe to print on a terminal with Rich.

File names, reasons, batch names and worker names come from documents and submitters. Printed
raw, an escape sequence in them drives the terminal (retitles it, rewrites earlier lines,
hides output) and Rich would read ``[...]`` in them as markup. :func:`safe_text` is the one
way the CLI and the monitor print such values: a :class:`rich.text.Text` (never parsed as
markup) whose control characters are shown as visible escapes.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

__all__ = ["clean", "safe_markup", "safe_text"]

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object) -> str:
    """``str(value)`` with every control character replaced by a visible escape (``\\x1b``)."""
    return _CONTROL.sub(_visible, "" if value is None else str(value))


def safe_text(value: object, style: str = "") -> Text:
    """``value`` as Rich text: controls made visible, brackets printed as they are."""
    return Text(clean(value), style=style)


def safe_markup(value: object) -> str:
    """``value`` cleaned and escaped for use inside a Rich markup string (titles, f-strings)."""
    return escape(clean(value))
