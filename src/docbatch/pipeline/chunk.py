"""Split an extracted document into overlapping, page-aware chunks.

:func:`chunk_document` cuts the document text into spans of about ``ChunkOptions.size``
characters. Where it cuts, in order of preference:

1. a paragraph boundary (a blank line; pages are joined by one, so also a page break),
2. a sentence end, where a period after a legal abbreviation ("U.S.", "v.", "Inc.",
   "No.", "Fed. R. Civ. P.", "Id.", "Cir.", initials ...) does not count, so a citation
   such as "Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007)." is not split,
3. a space between words, avoiding spaces inside a citation when another is near,
4. mid-word, only when a "word" is longer than the window.

Paragraph and sentence cuts are only taken in the second half of the window, so chunks do
not come out much shorter than asked. The next chunk starts about ``overlap`` characters
before the previous end, moved to the start of a sentence or a word when one is near.

Guarantees, for every result (tested with random texts):

- ``chunk.text == document.text[chunk.char_start:chunk.char_end]``, never empty, and
  it neither starts nor ends with whitespace;
- chunks are in order (starts and ends strictly increase) and cover every non-whitespace
  character; consecutive chunks overlap, or only whitespace lies between them;
- ``len(chunk.text) <= max_chunk_length(options)``: the slack over ``size`` is only used
  to absorb a short tail into the last chunk instead of emitting a sliver;
- ``page_start``/``page_end`` are the pages of the first and last character.

The work is linear in the length of the text (times ``size / (size - overlap)``, the
number of times each character is emitted): boundaries are found once with regular
expressions and looked up by bisection.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right

from docbatch.errors import ConfigError
from docbatch.models import Chunk, ExtractedDocument
from docbatch.pipeline.options import ChunkOptions

__all__ = ["LEGAL_ABBREVIATIONS", "chunk_document", "max_chunk_length", "sentence_ends"]

_ABBREVIATION_WORDS = """
    v vs id ibid cf al etc e.g i.e viz inc corp co ltd llc l.l.c lp llp plc bros assn
    ass'n dept dep't gov't govt no nos cir fed civ crim evid app bankr supp ct dist
    cal n.y mass tex fla ill pa del md va wash ariz colo conn ky mich minn mo neb nev
    okla or ore tenn wis stat ann rev reg regs admin adm sec secs art arts para paras
    cl ch pt pts ex exh exs n nn p pp ed eds cong sess pub h.r s.rep doc op ops cert
    den aff'd rev'd mem jr sr mr mrs ms dr hon atty gen assoc univ int'l nat'l jan feb
    mar apr jun jul aug sep sept oct nov dec approx fig figs vol vols ch chs subch
"""
#: Words that end with a period without ending a sentence (compared casefolded, without
#: the final period). Single letters and dotted initials ("U.S.", "S.D.N.Y.") are
#: recognised by shape and need not be listed. Erring towards "abbreviation" only costs
#: a cut candidate; the opposite splits a citation.
LEGAL_ABBREVIATIONS: frozenset[str] = frozenset(_ABBREVIATION_WORDS.split())

# A blank line: a newline, optional horizontal whitespace, a newline, then the rest of
# the whitespace run (consumed so that long runs are matched once, not once per line).
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_OPENERS = "\"'\u201c\u2018([{"
# Punctuation that may end a sentence, with closing quotes/brackets, then whitespace and
# the first letter or digit of the next word (group 2), possibly after opening quotes.
# Matching starts only at the beginning of a run of punctuation, so a long run of dots is
# scanned once rather than once per dot.
_SENTENCE_END = re.compile(
    r"(?<![.!?\u2026\u3002])([.!?\u2026\u3002])[.!?\u2026\u3002]*[\"'\u201d\u2019)\]]*"
    r"(?=\s+[\"'\u201c\u2018(\[{]*([^\W_]))"
)
# Greedy prefix, then backtrack to the last word end whose next character is whitespace.
_LAST_WORD_END = re.compile(r"(?s).*\S(?=\s)")
_WORD_START = re.compile(r"(?<=\s)\S")
_NON_SPACE = re.compile(r"\S")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
# A space after these, or before these, is likely inside a citation ("U.S. 544", "§ 78").
_CITATION_BEFORE = frozenset(".§¶,")
_CITATION_AFTER = frozenset("§¶(")
# How many word ends are tried to the left to avoid cutting inside a citation.
_WORD_END_TRIES = 8


def max_chunk_length(options: ChunkOptions) -> int:
    """The longest chunk :func:`chunk_document` can return for ``options``.

    A tenth of ``size`` of slack lets a short remainder join the last chunk rather than
    becoming a chunk of its own made mostly of overlap.
    """
    return options.size + options.size // 10


def chunk_document(document: ExtractedDocument, options: ChunkOptions) -> tuple[Chunk, ...]:
    """Split ``document``'s text into ordered, overlapping chunks (see the module doc).

    Raises :class:`~docbatch.errors.ConfigError` when ``size`` is not positive or
    ``overlap`` is negative or not smaller than ``size``. A document with no
    non-whitespace text yields no chunks.
    """
    _validate(options)
    text = document.text
    spans = _chunk_spans(text, options)
    page_spans = document.page_spans()
    page_starts = [start for _, start, _ in page_spans]
    page_numbers = [number for number, _, _ in page_spans]

    def page_of(offset: int) -> int:
        return page_numbers[bisect_right(page_starts, offset) - 1]

    return tuple(
        Chunk(
            index=index,
            text=text[start:end],
            char_start=start,
            char_end=end,
            page_start=page_of(start),
            page_end=page_of(end - 1),
        )
        for index, (start, end) in enumerate(spans)
    )


def sentence_ends(text: str) -> list[int]:
    """Offsets just after every sentence end in ``text`` (after closing quotes).

    A period ends a sentence only when whitespace follows, the next word does not start
    in lower case or with punctuation ("Corp. v.", "U.S.C. § 78"), and the word before
    it is not an abbreviation.
    """
    ends: list[int] = []
    for match in _SENTENCE_END.finditer(text):
        # Lower case continues the sentence ("Cir. explained"); digits may start one
        # ("2. The ...") - the abbreviation test rejects "U.S. 544".
        if match.group(2).islower():
            continue
        if match.group(1)[0] == "." and _after_abbreviation(text, match.start()):
            continue
        ends.append(match.end())
    return ends


def _validate(options: ChunkOptions) -> None:
    if options.size <= 0:
        raise ConfigError(f"chunk size must be positive, got {options.size}")
    if options.overlap < 0 or options.overlap >= options.size:
        raise ConfigError(
            f"chunk overlap must be at least 0 and smaller than the size "
            f"({options.size}), got {options.overlap}"
        )


def _after_abbreviation(text: str, punct: int) -> bool:
    # Abbreviations are short; 32 characters back is plenty and keeps this O(1).
    before = text[max(0, punct - 32) : punct]
    if not before or before[-1].isspace():
        return False
    word = before.rsplit(None, 1)[-1].lstrip(_OPENERS)
    if not word:
        return False
    return word.casefold() in LEGAL_ABBREVIATIONS or _INITIALS.fullmatch(word) is not None


def _paragraph_ends(text: str) -> list[int]:
    """Offsets just after the last non-whitespace character of every paragraph."""
    ends: list[int] = []
    for match in _BLANK_LINE.finditer(text):
        end = match.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if end > 0 and (not ends or ends[-1] != end):
            ends.append(end)
    return ends


def _last_in(boundaries: list[int], low: int, high: int) -> int | None:
    """The largest boundary in ``(low, high]``, or None."""
    index = bisect_right(boundaries, high) - 1
    if index >= 0 and boundaries[index] > low:
        return boundaries[index]
    return None


def _word_end(text: str, low: int, high: int) -> int | None:
    """A word end in ``(low, high]``, preferring the last one not inside a citation."""
    first: int | None = None
    for _ in range(_WORD_END_TRIES):
        match = _LAST_WORD_END.match(text, low, high + 1)
        if match is None:
            break
        end = match.end()
        first = end if first is None else first
        after = text[end + 1] if end + 1 < len(text) else ""
        if not (text[end - 1] in _CITATION_BEFORE or after.isdigit() or after in _CITATION_AFTER):
            return end
        high = end - 1
    return first


def _hard_cut(text: str, low: int, high: int) -> int:
    """Cut at ``high``, moved left off combining marks so a letter keeps its accent."""
    end = high
    while end - 1 > low and end < len(text) and unicodedata.combining(text[end]):
        end -= 1
    return end


class _Boundaries:
    """The cut candidates of one text, computed once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraphs = _paragraph_ends(text)
        self.sentences = sentence_ends(text)

    def best_end(self, start: int, floor: int, size: int) -> int:
        """The best chunk end for a chunk at ``start``, in ``(floor, start + size]``."""
        high = min(start + size, len(self.text))
        # Paragraph and sentence cuts only in the back half, to keep chunks near size.
        low = max(floor, start + size // 2)
        for boundaries in (self.paragraphs, self.sentences):
            end = _last_in(boundaries, low, high)
            if end is not None:
                return end
        end = _word_end(self.text, floor, high)
        return end if end is not None else _hard_cut(self.text, floor, high)

    def next_start(self, previous_start: int, previous_end: int, overlap: int) -> int:
        """Where the chunk after ``[previous_start, previous_end)`` starts."""
        low = max(previous_end - overlap, previous_start + 1)
        if low >= previous_end:
            return self.skip_space(previous_end)
        # A paragraph or sentence start early in the overlap keeps the overlap near its
        # size while starting the chunk on a whole sentence.
        limit = min(previous_end - 1, low + overlap // 2)
        for boundaries in (self.paragraphs, self.sentences):
            index = bisect_left(boundaries, low)
            for candidate in boundaries[max(0, index - 1) : index + 1]:
                begin = self.skip_space(candidate)
                if low <= begin <= limit:
                    return begin
        text = self.text
        if not text[low].isspace() and text[low - 1].isspace():
            return low
        word = _WORD_START.search(text, low, previous_end)
        # No word starts in the overlap: the overlap falls inside one long word.
        return word.start() if word is not None else self.skip_space(low)

    def skip_space(self, offset: int) -> int:
        """The first non-whitespace offset at or after ``offset`` (or the text length)."""
        found = _NON_SPACE.search(self.text, offset)
        return found.start() if found is not None else len(self.text)

    def strip_end(self, end: int) -> int:
        """``end`` moved left past trailing whitespace."""
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return end


def _chunk_spans(text: str, options: ChunkOptions) -> list[tuple[int, int]]:
    """``(start, end)`` of every chunk of ``text``."""
    text_end = len(text.rstrip())
    boundaries = _Boundaries(text)
    start = boundaries.skip_space(0)
    size, longest = options.size, max_chunk_length(options)
    # Each chunk must end at least this far past the previous one, so the number of
    # chunks stays proportional to len(text) / (size - overlap) whatever the text.
    advance = max(1, (size - options.overlap) // 2)
    spans: list[tuple[int, int]] = []
    previous_end = start
    while start < text_end:
        if text_end - start <= longest:
            spans.append((start, text_end))
            break
        floor = max(start, previous_end + advance) if spans else start
        # Only a cut in the middle of a long whitespace run leaves trailing whitespace.
        end = boundaries.strip_end(boundaries.best_end(start, floor, size))
        if end <= previous_end and spans:
            # The window held nothing new but whitespace (or its cut, kept off a combining
            # mark, fell back into it): resume at the first text after the last chunk.
            start = boundaries.skip_space(max(previous_end, start + 1))
            continue
        spans.append((start, end))
        start, previous_end = boundaries.next_start(start, end, options.overlap), end
    return spans
