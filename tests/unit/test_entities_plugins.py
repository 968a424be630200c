"""The spaCy and LLM extractors, with injected fakes (no spaCy, no network)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from docbatch.errors import ConfigError, MissingDependencyError, TransientError
from docbatch.models import EntityType
from docbatch.pipeline.entities import (
    CompositeExtractor,
    DefaultExtractor,
    LLMExtractor,
    SpacyExtractor,
    create_extractor,
    extract_mentions,
)
from docbatch.pipeline.entities.plugins import parse_llm_response, windows
from docbatch.pipeline.options import EntityOptions
from tests.unit.test_entities import make_chunks

TEXT = "On March 14, 2023, Acme Holdings, Inc. paid John Smith $5,000 in Paris."


@dataclass
class FakeSpan:
    start_char: int
    end_char: int
    label_: str


class FakeNlp:
    """Tags the fixed phrases of TEXT the way an English spaCy model would."""

    max_length = 1_000_000

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, text: str) -> Any:
        self.calls.append(text)
        ents = []
        for phrase, label in (
            ("March 14, 2023", "DATE"), ("Acme Holdings, Inc.", "ORG"),
            ("John Smith", "PERSON"), ("$5,000", "MONEY"), ("Paris", "GPE"),
        ):  # fmt: skip
            at = text.find(phrase)
            if at >= 0:
                ents.append(FakeSpan(at, at + len(phrase), label))
        return type("Doc", (), {"ents": ents})()


def test_spacy_labels_map_to_types_and_normal_forms() -> None:
    mentions = SpacyExtractor(FakeNlp()).extract(TEXT)
    assert [(m.type, m.normalized, m.attributes["label"]) for m in mentions] == [
        (EntityType.DATE, "2023-03-14", "DATE"),
        (EntityType.ORGANIZATION, "Acme Holdings, Inc.", "ORG"),
        (EntityType.PERSON, "John Smith", "PERSON"),
        (EntityType.MONEY, "USD 5000.00", "MONEY"),
    ]
    assert all(TEXT[m.start : m.end] == m.text for m in mentions)


def test_spacy_long_text_is_split_and_offsets_shifted() -> None:
    nlp = FakeNlp()
    text = "x" * 50 + "\n\n" + TEXT
    mentions = SpacyExtractor(nlp, max_chars=80).extract(text)
    assert len(nlp.calls) == 2
    person = next(m for m in mentions if m.type is EntityType.PERSON)
    assert text[person.start : person.end] == "John Smith"


def test_spacy_missing_is_a_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes "import spacy" fail
    with pytest.raises(MissingDependencyError, match="pip install spacy"):
        create_extractor(EntityOptions(extractor="spacy", params=(("model", "en_core_web_sm"),)))


def test_spacy_model_is_loaded_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []
    fake = type(sys)("spacy")
    fake.load = lambda name: loaded.append(name) or FakeNlp()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spacy", fake)
    options = EntityOptions(extractor="default+spacy", params=(("model", "en_core_web_md"),))
    extractor = create_extractor(options)
    assert isinstance(extractor, CompositeExtractor) and extractor.name == "default+spacy"
    assert loaded == ["en_core_web_md"]
    mentions = extract_mentions(TEXT, make_chunks(TEXT), [(1, 0, len(TEXT))], options)
    by_key = {(m.type, m.char_start): m.extractor for m in mentions}
    # Both find the date at the same span; it is kept once.
    assert list(by_key).count((EntityType.DATE, 3)) == 1


def _chat_response(entities: list[dict[str, str]], fenced: bool = False) -> bytes:
    content = json.dumps({"entities": entities})
    if fenced:
        content = f"```json\n{content}\n```"
    return json.dumps({"choices": [{"message": {"content": content}}]}).encode()


class FakeEndpoint:
    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: Any, timeout: float) -> bytes:
        self.requests.append((url, json.loads(body), dict(headers)))
        return self.answer


def test_llm_answers_are_reanchored_to_offsets() -> None:
    text = "John Smith met John Smith's lawyer on March 14, 2023."
    endpoint = FakeEndpoint(
        _chat_response(
            [
                {"type": "person", "text": "John Smith", "normalized": "John Smith"},
                {"type": "PERSON", "text": "John Smith", "normalized": "John Smith"},
                {"type": "date", "text": "March 14, 2023", "normalized": "14/3/23"},
                {"type": "person", "text": "Jane Roe", "normalized": "Jane Roe"},
                {"type": "planet", "text": "Mars"},
            ],
            fenced=True,
        )
    )
    extractor = LLMExtractor("http://llm.local/v1/", "tiny", api_key="k", post=endpoint)
    mentions = extractor.extract(text)
    assert [(m.type, m.start, m.normalized) for m in mentions] == [
        (EntityType.PERSON, 0, "John Smith"),
        (EntityType.PERSON, 15, "John Smith"),
        (EntityType.DATE, 38, "2023-03-14"),
    ]
    url, body, headers = endpoint.requests[0]
    assert url == "http://llm.local/v1/chat/completions"
    assert (body["model"], body["messages"][1]["content"]) == ("tiny", text)
    assert headers["Authorization"] == "Bearer k"


def test_llm_bad_json_is_transient() -> None:
    with pytest.raises(TransientError):
        parse_llm_response(b'{"choices": [{"message": {"content": "not json"}}]}')


def test_llm_factory_reads_key_from_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    params = (("base_url", "https://x.test/v1"), ("model", "m"), ("api_key_env", "DB_TEST_KEY"))
    monkeypatch.delenv("DB_TEST_KEY", raising=False)
    with pytest.raises(ConfigError, match="DB_TEST_KEY"):
        create_extractor(EntityOptions(extractor="llm", params=params))
    monkeypatch.setenv("DB_TEST_KEY", "secret")
    extractor = create_extractor(EntityOptions(extractor="llm", params=params))
    assert isinstance(extractor, LLMExtractor) and extractor.api_key == "secret"
    with pytest.raises(ConfigError, match="base_url and model"):
        create_extractor(EntityOptions(extractor="llm"))
    with pytest.raises(ConfigError, match="http"):
        LLMExtractor("file:///etc/passwd", "m")


def test_llm_is_never_the_default() -> None:
    assert isinstance(create_extractor(EntityOptions()), DefaultExtractor)


def test_windows_cover_the_text_exactly() -> None:
    text = "\n\n".join(f"paragraph {i} " * 5 for i in range(30))
    pieces = list(windows(text, 200))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 200 for _, piece in pieces)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
