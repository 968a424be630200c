"""Turning paths and manifests into document sources, and reading a document's bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from docbatch.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    ManifestError,
)
from docbatch.ingest import (
    MAX_NAME_BYTES,
    MAX_PATH_BYTES,
    DocumentSource,
    Manifest,
    collect_sources,
    load_manifest,
    read_document,
)


def _write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _paths(sources: list[DocumentSource]) -> list[Path]:
    return [s.path for s in sources]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder ``root`` with nested files, hidden entries, and a sibling ``outside``."""
    root = tmp_path / "root"
    for name in ["b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt", "Z.txt"]:
        _write(root / name, name)
    _write(root / ".hidden.txt")
    _write(root / ".git" / "config")
    _write(root / "sub" / ".cache" / "e.txt")
    _write(tmp_path / "outside" / "secret.txt", "secret")
    return root


# -- collect_sources ----------------------------------------------------------------


def test_collect_sources_recurses_in_a_stable_sorted_order(tree: Path) -> None:
    sources = collect_sources([tree])
    expected = ["Z.txt", "a.txt", "b.txt", "sub/c.txt", "sub/deeper/d.txt"]
    assert _paths(sources) == [(tree / name).resolve() for name in expected]
    assert all(s.external_id is None and s.metadata == {} for s in sources)
    assert _paths(collect_sources([str(tree)])) == _paths(sources)


def test_collect_sources_skips_hidden_files_and_folders(tree: Path) -> None:
    names = {p.name for p in _paths(collect_sources([tree]))}
    assert ".hidden.txt" not in names
    assert "config" not in names
    assert "e.txt" not in names


def test_symlink_escaping_the_root_is_skipped(tree: Path) -> None:
    outside = tree.parent / "outside"
    (tree / "escape.txt").symlink_to(outside / "secret.txt")
    (tree / "escape_dir").symlink_to(outside, target_is_directory=True)
    paths = _paths(collect_sources([tree]))
    assert (outside / "secret.txt").resolve() not in paths
    assert not any("outside" in str(p) or "escape" in str(p) for p in paths)
    assert len(paths) == 5


def test_symlink_escape_is_admitted_by_an_allowed_root(tree: Path) -> None:
    outside = tree.parent / "outside"
    (tree / "escape.txt").symlink_to(outside / "secret.txt")
    paths = _paths(collect_sources([tree], allowed_roots=[outside]))
    assert (outside / "secret.txt").resolve() in paths
    assert len(paths) == 6


def test_symlinks_inside_the_root_are_followed_once(tree: Path) -> None:
    (tree / "0-link-to-a.txt").symlink_to(tree / "a.txt")
    (tree / "sublink").symlink_to(tree / "sub", target_is_directory=True)
    paths = _paths(collect_sources([tree]))
    assert len(paths) == len(set(paths)) == 5
    # The link is met first, so its target takes the link's place in the order.
    assert paths[0] == (tree / "a.txt").resolve()
    assert (tree / "sub" / "c.txt").resolve() in paths


def test_the_same_file_named_twice_is_collected_once(tree: Path) -> None:
    paths = _paths(collect_sources([tree / "a.txt", tree, tree / "sub"]))
    assert len(paths) == len(set(paths)) == 5
    assert paths[0] == (tree / "a.txt").resolve()


def test_dangling_and_looping_symlinks_are_not_documents(tree: Path) -> None:
    (tree / "dangling.txt").symlink_to(tree / "nowhere.txt")
    (tree / "loop1").symlink_to(tree / "loop2")
    (tree / "loop2").symlink_to(tree / "loop1")
    assert len(collect_sources([tree])) == 5


def test_missing_path_raises_manifest_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ManifestError, match="no such file or folder") as info:
        collect_sources([missing])
    assert str(missing) in str(info.value)


def test_folder_without_documents_raises_manifest_error(tmp_path: Path) -> None:
    _write(tmp_path / "empty" / ".only-hidden")
    with pytest.raises(ManifestError, match="no documents found"):
        collect_sources([tmp_path / "empty"])


def test_nul_byte_in_a_path_raises_manifest_error(tree: Path) -> None:
    with pytest.raises(ManifestError, match="NUL byte"):
        collect_sources([f"{tree}/a\x00.txt"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("/tmp/" + "n" * (MAX_NAME_BYTES + 1), f"longer than {MAX_NAME_BYTES} bytes"),
        ("/tmp/" + "/".join(["d" * 200] * 25), f"longer than {MAX_PATH_BYTES} bytes"),
        # é is two bytes: 200 characters are 400 bytes, over the per-name limit.
        ("/tmp/" + "é" * 200, f"longer than {MAX_NAME_BYTES} bytes"),
    ],
    ids=["long-name", "long-path", "long-name-in-bytes"],
)
def test_overlong_names_raise_manifest_error(raw: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        collect_sources([raw])


def test_unencodable_path_raises_manifest_error(tree: Path) -> None:
    with pytest.raises(ManifestError):
        collect_sources([f"{tree}/\ud800.txt"])


def test_a_file_named_directly_is_its_own_root(tree: Path) -> None:
    link = tree / "direct-link.txt"
    link.symlink_to(tree.parent / "outside" / "secret.txt")
    # Naming the link itself is explicit consent: the resolved target is collected.
    assert _paths(collect_sources([link])) == [(tree.parent / "outside" / "secret.txt").resolve()]


# -- load_manifest ------------------------------------------------------------------


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """``batch/`` holds the manifest and two documents; ``outside/`` is a sibling."""
    batch = tmp_path / "batch"
    _write(batch / "docs" / "one.txt", "one")
    _write(batch / "two.txt", "two")
    _write(tmp_path / "outside" / "secret.txt", "secret")
    return batch


def _manifest(folder: Path, body: Any, name: str = "manifest.json") -> Path:
    path = folder / name
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


def _load_error(path: Path, allowed_roots: tuple[Path, ...] = ()) -> str:
    with pytest.raises(ManifestError) as info:
        load_manifest(path, allowed_roots)
    message = str(info.value)
    assert str(path.resolve()) in message, "the error must name the manifest"
    return message


def test_valid_manifest_gives_sources_with_ids_and_metadata(batch_dir: Path) -> None:
    path = _manifest(
        batch_dir,
        {
            "documents": [
                {"path": "docs/one.txt", "id": "doc-1", "metadata": {"client": "acme", "n": 1}},
                {"path": str(batch_dir / "two.txt")},
            ],
            "project": "acme",
            "priority": "high",
            "name": "first batch",
        },
    )
    manifest, sources = load_manifest(path)
    assert (manifest.project, manifest.priority, manifest.name) == ("acme", "high", "first batch")
    assert sources == [
        DocumentSource(
            (batch_dir / "docs" / "one.txt").resolve(), "doc-1", {"client": "acme", "n": 1}
        ),
        DocumentSource((batch_dir / "two.txt").resolve(), None, {}),
    ]


def test_relative_paths_resolve_against_the_manifest_folder(
    batch_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _manifest(batch_dir, {"documents": [{"path": "two.txt"}, {"path": "./docs/../two.txt"}]})
    elsewhere = tmp_path / "elsewhere"
    _write(elsewhere / "two.txt", "a decoy in the working folder")
    monkeypatch.chdir(elsewhere)
    _, sources = load_manifest(path)
    assert [s.path for s in sources] == [(batch_dir / "two.txt").resolve()] * 2


@pytest.mark.parametrize(
    ("documents", "extra", "expected"),
    [
        ([{"path": "two.txt", "colour": "red"}], {}, ["documents.0.colour", "Extra inputs"]),
        ([{"path": "two.txt"}], {"owner": "me"}, ["owner", "Extra inputs"]),
        ([], {}, ["documents", "at least 1"]),
        ([{"path": ""}], {}, ["documents.0.path", "at least 1 character"]),
        ([{"path": "two.txt", "id": ""}], {}, ["documents.0.id", "at least 1 character"]),
        ([{"path": "two.txt\x00"}], {}, ["documents.0.path", "NUL"]),
        ([{"path": "two.txt"}], {"priority": "urgent"}, ["priority", "high, normal, low"]),
        ([{"path": "two.txt"}], {"priority": 1}, ["priority", "valid string"]),
        ([{"path": "two.txt", "metadata": []}], {}, ["documents.0.metadata", "dictionary"]),
    ],
    ids=[
        "unknown-entry-field",
        "unknown-top-field",
        "no-documents",
        "empty-path",
        "empty-id",
        "nul-path",
        "unknown-priority",
        "priority-not-a-string",
        "metadata-not-an-object",
    ],
)
def test_invalid_manifest_names_the_field_and_problem(
    batch_dir: Path, documents: list[Any], extra: dict[str, Any], expected: list[str]
) -> None:
    message = _load_error(_manifest(batch_dir, {"documents": documents, **extra}))
    for part in expected:
        assert part in message


def test_duplicate_ids_are_an_error_naming_the_id(batch_dir: Path) -> None:
    path = _manifest(
        batch_dir,
        {"documents": [{"path": "two.txt", "id": "d"}, {"path": "docs/one.txt", "id": "d"}]},
    )
    message = _load_error(path)
    assert "duplicate document id 'd'" in message


def test_duplicate_id_error_names_the_entry_index(batch_dir: Path) -> None:
    path = _manifest(
        batch_dir,
        {"documents": [{"path": "two.txt", "id": "d"}, {"path": "docs/one.txt", "id": "d"}]},
    )
    assert "documents.1" in _load_error(path)


def test_missing_file_names_the_entry_index(batch_dir: Path) -> None:
    path = _manifest(batch_dir, {"documents": [{"path": "two.txt"}, {"path": "gone.txt"}]})
    message = _load_error(path)
    assert "documents.1" in message
    assert f"no such file: {batch_dir / 'gone.txt'}" in message


def test_dot_dot_escaping_the_manifest_folder_is_refused(batch_dir: Path) -> None:
    path = _manifest(batch_dir, {"documents": [{"path": "../outside/secret.txt"}]})
    message = _load_error(path)
    assert "documents.0" in message
    assert "outside the allowed roots" in message
    assert str(batch_dir.resolve()) in message


def test_absolute_path_outside_the_roots_is_refused(batch_dir: Path) -> None:
    secret = batch_dir.parent / "outside" / "secret.txt"
    path = _manifest(batch_dir, {"documents": [{"path": "two.txt"}, {"path": str(secret)}]})
    message = _load_error(path)
    assert "documents.1" in message
    assert "outside the allowed roots" in message


def test_symlink_escaping_the_manifest_folder_is_refused(batch_dir: Path) -> None:
    (batch_dir / "innocent.txt").symlink_to(batch_dir.parent / "outside" / "secret.txt")
    path = _manifest(batch_dir, {"documents": [{"path": "innocent.txt"}]})
    message = _load_error(path)
    assert "documents.0" in message
    assert "innocent.txt is outside the allowed roots" in message


def test_symlink_inside_the_manifest_folder_is_followed(batch_dir: Path) -> None:
    (batch_dir / "alias.txt").symlink_to(batch_dir / "docs" / "one.txt")
    _, sources = load_manifest(_manifest(batch_dir, {"documents": [{"path": "alias.txt"}]}))
    assert sources[0].path == (batch_dir / "docs" / "one.txt").resolve()


def test_allow_roots_admits_an_extra_folder(batch_dir: Path) -> None:
    outside = batch_dir.parent / "outside"
    body = {"documents": [{"path": "../outside/secret.txt"}, {"path": str(outside / "secret.txt")}]}
    path = _manifest(batch_dir, body)
    _, sources = load_manifest(path, [outside])
    assert [s.path for s in sources] == [(outside / "secret.txt").resolve()] * 2
    # Another root does not open everything: a third folder stays refused.
    _write(batch_dir.parent / "third" / "x.txt")
    third = _manifest(batch_dir, {"documents": [{"path": "../third/x.txt"}]}, "third.json")
    assert "outside the allowed roots" in _load_error(third, (outside,))


def test_folder_entry_is_not_a_regular_file(batch_dir: Path) -> None:
    message = _load_error(_manifest(batch_dir, {"documents": [{"path": "docs"}]}))
    assert "documents.0" in message
    assert "not a regular file" in message


@pytest.mark.parametrize(
    "body", ["{not json", "", '{"documents": ['], ids=["syntax", "empty", "cut"]
)
def test_invalid_json_is_a_clear_error(batch_dir: Path, body: str) -> None:
    assert "is not valid JSON" in _load_error(_manifest(batch_dir, body))


def test_non_utf8_manifest_is_a_clear_error(batch_dir: Path) -> None:
    path = batch_dir / "latin1.json"
    path.write_bytes(b'{"documents": [{"path": "caf\xe9.txt"}]}')
    assert "is not valid JSON" in _load_error(path)


def test_manifest_that_is_not_an_object_is_a_clear_error(batch_dir: Path) -> None:
    message = _load_error(_manifest(batch_dir, [{"path": "two.txt"}]))
    assert "manifest: Input should be a valid dictionary" in message


def test_missing_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such manifest"):
        load_manifest(tmp_path / "absent.json")


def test_manifest_that_is_a_folder_is_a_clear_error(batch_dir: Path) -> None:
    with pytest.raises(ManifestError):
        load_manifest(batch_dir)


# -- read_document ------------------------------------------------------------------


def test_read_document_returns_bytes_and_their_sha256(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    path = tmp_path / "doc.bin"
    path.write_bytes(data)
    assert read_document(path, max_bytes=len(data)) == (data, hashlib.sha256(data).hexdigest())
    assert read_document(str(path), max_bytes=10**9)[1] == hashlib.sha256(data).hexdigest()


def test_read_document_refuses_files_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(DocumentTooLargeError, match="1,001 bytes, over the limit of 1,000") as info:
        read_document(path, max_bytes=1000)
    assert (info.value.code, info.value.category.value) == ("too_large", "data")


def test_read_document_refuses_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocumentError, match="0 bytes") as info:
        read_document(path, max_bytes=1000)
    assert info.value.code == "empty"


def test_read_document_missing_file_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(CorruptDocumentError, match="no longer exists") as info:
        read_document(tmp_path / "gone.pdf", max_bytes=1000)
    assert (info.value.code, info.value.category.value) == ("corrupt", "data")


def test_read_document_folder_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(CorruptDocumentError, match="cannot read"):
        read_document(tmp_path, max_bytes=10**9)


# -- Manifest validation never fails in an unexpected way ---------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)
document_entries = st.fixed_dictionaries(
    {},
    optional={
        "path": json_values | st.text(max_size=20),
        "id": json_values | st.sampled_from(["a", "b", ""]),
        "metadata": json_values,
        "extra": json_values,
    },
)
manifests = st.fixed_dictionaries(
    {},
    optional={
        "documents": json_values | st.lists(document_entries, max_size=4),
        "project": json_values,
        "priority": json_values | st.sampled_from(["high", "normal", "low", "urgent"]),
        "name": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(value=json_values | manifests)
def test_manifest_validation_raises_only_validation_error(value: Any) -> None:
    try:
        manifest = Manifest.model_validate(value)
    except ValidationError:
        return
    # Whatever passed is a well-formed manifest.
    assert manifest.documents
    assert all(isinstance(d.path, str) and d.path for d in manifest.documents)
    assert manifest.priority in {None, "high", "normal", "low"}
    ids = [d.id for d in manifest.documents if d.id is not None]
    assert len(ids) == len(set(ids))
