"""Optional extractors: a spaCy NER model and an OpenAI-compatible chat endpoint.

Neither is a default, and neither package is a dependency: spaCy is imported when the
"spacy" extractor is built (a missing package raises
:class:`~docbatch.errors.MissingDependencyError`), and the LLM adapter uses only
``urllib`` from the standard library. Both accept an injected engine (``nlp`` object,
``post`` function) so they can be tested without the package or the network.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from docbatch.errors import (
    ConfigError,
    MissingDependencyError,
    RateLimitError,
    TransientError,
)
from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention, windows
from docbatch.pipeline.entities.dates import find_dates
from docbatch.pipeline.entities.money import find_money
from docbatch.pipeline.entities.names import display_name

__all__ = ["LLMExtractor", "SpacyExtractor", "create_llm", "create_spacy"]

log = logging.getLogger(__name__)

#: spaCy labels we keep. spaCy's GPE/LOC/NORP have no docbatch entity type and are dropped.
SPACY_LABELS: dict[str, EntityType] = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANIZATION,
    "DATE": EntityType.DATE,
    "MONEY": EntityType.MONEY,
    "LAW": EntityType.STATUTE,
}

#: Loose type names an LLM may answer with, mapped to ours.
LLM_TYPES: dict[str, EntityType] = {t.value: t for t in EntityType} | {
    "person": EntityType.PERSON,
    "org": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "case_citation": EntityType.CITATION,
    "rule": EntityType.COURT_RULE,
    "docket_number": EntityType.CASE_NUMBER,
}

PostFunction = Callable[[str, bytes, Mapping[str, str], float], bytes]


def _normalise(kind: EntityType, value: str) -> tuple[str, dict[str, str]]:
    """Our normal form for a model's date, money or name text (its text otherwise)."""
    if kind is EntityType.DATE:
        dates = find_dates(value)
        if dates:
            return dates[0].normalized, dict(dates[0].attributes)
    if kind is EntityType.MONEY:
        money = find_money(value)
        if money:
            return money[0].normalized, dict(money[0].attributes)
    if kind in (EntityType.PERSON, EntityType.ORGANIZATION):
        return display_name(value), {}
    return " ".join(value.split()), {}


class SpacyExtractor:
    """Named entities from a spaCy pipeline (PERSON, ORG, DATE, MONEY, LAW)."""

    name = "spacy"

    def __init__(self, nlp: Any, *, max_chars: int = 100_000) -> None:
        self.nlp = nlp
        self.max_chars = max_chars

    def extract(self, text: str) -> list[RawMention]:
        """Every entity the model tags with a label docbatch has a type for."""
        found: list[RawMention] = []
        for offset, piece in windows(text, self.max_chars):
            for ent in self.nlp(piece).ents:
                kind = SPACY_LABELS.get(ent.label_)
                if kind is None:
                    continue
                start, end = offset + ent.start_char, offset + ent.end_char
                normalized, attributes = _normalise(kind, text[start:end])
                attributes["label"] = ent.label_
                found.append(
                    RawMention(kind, start, end, text[start:end], normalized, 0.7, attributes)
                )
        return found


def create_spacy(params: Mapping[str, str]) -> SpacyExtractor:
    """Load the spaCy model ``params["model"]`` (default ``en_core_web_sm``)."""
    try:
        import spacy
    except ImportError as exc:
        raise MissingDependencyError("spacy", "The spaCy entity extractor") from exc
    model = params.get("model", "en_core_web_sm")
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise MissingDependencyError(model, f"The spaCy model {model!r}") from exc
    return SpacyExtractor(nlp, max_chars=int(params.get("max_chars", "100000")))


_PROMPT = (
    "Extract legal entities from the user's text. Answer with JSON only: "
    '{"entities": [{"type": T, "text": S, "normalized": N}]} where T is one of '
    + ", ".join(t.value for t in EntityType)
    + "; S is copied exactly from the text (same spelling, spacing and case); N is a "
    "canonical form (ISO date, 'USD 1250.00', '550 U.S. 544'). List every occurrence."
)


class LLMExtractor:
    """Entities from an OpenAI-compatible chat-completions endpoint.

    The model's answer is JSON; each entity's text is re-anchored to its offsets in the
    document (the first occurrence after the previous one of the same text), and
    entities whose text is not in the document are dropped.
    """

    name = "llm"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_chars: int = 12_000,
        post: PostFunction | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"LLM base_url must be an http(s) URL, not {base_url!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.max_chars = max_chars
        self.post = post or _urllib_post

    def extract(self, text: str) -> list[RawMention]:
        """Ask the model about each window of ``text`` and anchor its answers."""
        found: list[RawMention] = []
        for offset, piece in windows(text, self.max_chars):
            entities = self._ask(piece)
            found += anchor_entities(text, offset, piece, entities)
        return found

    def _ask(self, piece: str) -> list[Mapping[str, Any]]:
        body = {
            "model": self.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": _PROMPT},
                {"role": "user", "content": piece},
            ],
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        raw = self.post(self.url, json.dumps(body).encode(), headers, self.timeout)
        return parse_llm_response(raw)


def parse_llm_response(raw: bytes) -> list[Mapping[str, Any]]:
    """The ``entities`` list from a chat-completions response body.

    Raises :class:`~docbatch.errors.TransientError` when the body is not the JSON we
    asked for (a later attempt may answer properly).
    """
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
        # Some models wrap JSON in a Markdown fence despite response_format.
        content = re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", content)
        entities = json.loads(content).get("entities", [])
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise TransientError("LLM extractor: response is not the expected JSON") from exc
    return [e for e in entities if isinstance(e, Mapping)]


def anchor_entities(
    text: str, offset: int, piece: str, entities: list[Mapping[str, Any]]
) -> list[RawMention]:
    """Place the model's entities at their offsets in ``piece`` (which starts at offset)."""
    found: list[RawMention] = []
    cursor: dict[str, int] = {}
    for entity in entities:
        kind = LLM_TYPES.get(str(entity.get("type", "")).lower())
        surface = str(entity.get("text") or "")
        if kind is None or not surface.strip():
            continue
        at = piece.find(surface, cursor.get(surface, 0))
        if at < 0:
            at = piece.find(surface)  # the model listed it twice or out of order
        if at < 0:
            continue  # not in the text: a paraphrase or an invention
        cursor[surface] = at + len(surface)
        start, end = offset + at, offset + at + len(surface)
        normalized, attributes = _normalise(kind, surface)
        if entity.get("normalized") and kind not in (EntityType.DATE, EntityType.MONEY):
            normalized = " ".join(str(entity["normalized"]).split())
        found.append(RawMention(kind, start, end, text[start:end], normalized, 0.6, attributes))
    return found


def _urllib_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> bytes:
    """POST with urllib; HTTP and network failures become docbatch errors."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 429:
            raise RateLimitError("LLM extractor: rate limited (HTTP 429)") from exc
        if exc.code >= 500:
            raise TransientError(f"LLM extractor: server error (HTTP {exc.code})") from exc
        raise ConfigError(f"LLM extractor: request refused (HTTP {exc.code})") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise TransientError(f"LLM extractor: cannot reach {url}: {exc}") from exc


def create_llm(params: Mapping[str, str]) -> LLMExtractor:
    """Build the LLM extractor from ``base_url``, ``model`` and ``api_key_env`` params.

    The key itself is read from the environment variable ``api_key_env`` names, so it
    never becomes part of the options (which are hashed into cache keys).
    """
    if "base_url" not in params or "model" not in params:
        raise ConfigError("the 'llm' entity extractor needs params base_url and model")
    key_env = params.get("api_key_env", "")
    api_key = os.environ.get(key_env) if key_env else None
    if key_env and not api_key:
        raise ConfigError(f"the 'llm' entity extractor: environment variable {key_env} is empty")
    return LLMExtractor(
        params["base_url"],
        params["model"],
        api_key=api_key,
        timeout=float(params.get("timeout", "60")),
        max_chars=int(params.get("max_chars", "12000")),
    )
