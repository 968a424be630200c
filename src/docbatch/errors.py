"""One exception tree for docbatch.

Every error docbatch raises derives from :class:`DocbatchError`. The three branches say
what a caller should do:

- :class:`TransientError`: the same work may succeed later (a service was down, memory
  was short, a rate limit was hit); workers retry it with backoff.
- :class:`PermanentError`: retrying cannot help (the document is corrupt, encrypted,
  empty, of an unsupported type, too large); the document fails with a category and a
  reason.
- :class:`ConfigError`: docbatch itself is set up wrongly (a bad setting, a missing optional
  package); nothing is retried and the message says how to fix it.

Each class carries an :class:`ErrorCategory` (the retry taxonomy stored on a failed
document) and a short machine-readable ``code``. Vendor exceptions are translated into
this tree at the boundary (see :func:`translate_errors`), chained with ``raise ... from``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "AmbiguousIdError",
    "ConfigError",
    "CorruptDocumentError",
    "DatabaseBusyError",
    "DocbatchError",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "ErrorCategory",
    "InputError",
    "ManifestError",
    "MissingDependencyError",
    "NotFoundError",
    "NothingToRecoverError",
    "PermanentError",
    "QuarantinedError",
    "RateLimitError",
    "ResourceError",
    "StageTimeoutError",
    "TransientError",
    "UnsupportedTypeError",
    "WorkerLostError",
    "category_of",
    "public_reason",
    "translate_errors",
]


class ErrorCategory(enum.StrEnum):
    """Why a document failed; decides whether and how it is retried."""

    TRANSIENT = "transient"
    RESOURCE = "resource"
    RATE_LIMIT = "rate_limit"
    CONFIGURATION = "configuration"
    DATA = "data"
    PERMANENT = "permanent"
    TIMEOUT = "timeout"
    WORKER_LOST = "worker_lost"
    QUARANTINED = "quarantined"
    CANCELLED = "cancelled"


class DocbatchError(Exception):
    """Root of every docbatch error."""

    category: ErrorCategory = ErrorCategory.PERMANENT
    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class TransientError(DocbatchError):
    """The work may succeed if tried again later."""

    category = ErrorCategory.TRANSIENT
    code = "transient"


class ResourceError(TransientError):
    """A resource (memory, disk, file handles) ran short."""

    category = ErrorCategory.RESOURCE
    code = "resource"


class RateLimitError(TransientError):
    """A remote service asked us to slow down."""

    category = ErrorCategory.RATE_LIMIT
    code = "rate_limit"


class DatabaseBusyError(TransientError):
    """A database wait ran out: a lock held too long by another session (a frozen
    worker), a statement over its time limit, or this session ended by the server for
    idling inside a transaction. The same work succeeds once the holder is gone."""

    code = "database_busy"


class PermanentError(DocbatchError):
    """Retrying cannot help; the document fails with this reason."""

    category = ErrorCategory.PERMANENT
    code = "permanent"


class InputError(PermanentError):
    """The document's bytes cannot be processed as they are."""

    category = ErrorCategory.DATA
    code = "bad_input"


class EmptyDocumentError(InputError):
    """The file has no bytes, or no content at all."""

    code = "empty"


class UnsupportedTypeError(InputError):
    """The bytes are of a type docbatch does not read."""

    code = "unsupported_type"


class CorruptDocumentError(InputError):
    """The bytes claim a type but cannot be parsed as it (truncated, broken)."""

    code = "corrupt"


class EncryptedDocumentError(InputError):
    """The document is password-protected and no known password opens it."""

    code = "encrypted"


class DocumentTooLargeError(InputError):
    """The document exceeds a configured size, page or pixel limit."""

    code = "too_large"


class StageTimeoutError(PermanentError):
    """A stage ran past its hard time limit."""

    category = ErrorCategory.TIMEOUT
    code = "timeout"


class WorkerLostError(PermanentError):
    """The document's worker died too many times while processing it."""

    category = ErrorCategory.WORKER_LOST
    code = "worker_lost"


class QuarantinedError(PermanentError):
    """The document's bytes failed the same way too often; they are skipped until released."""

    category = ErrorCategory.QUARANTINED
    code = "quarantined"


class ManifestError(PermanentError):
    """A batch manifest or list of paths is invalid; nothing was submitted."""

    category = ErrorCategory.DATA
    code = "invalid_manifest"


class NotFoundError(PermanentError):
    """A batch, document or project that was asked for does not exist."""

    code = "not_found"


class NothingToRecoverError(PermanentError):
    """A recovery matched no failed document; nothing was created or changed."""

    code = "nothing_to_recover"


class AmbiguousIdError(NotFoundError):
    """An id prefix starts several batches or documents, so none can be chosen."""

    code = "ambiguous_id"


class ConfigError(DocbatchError):
    """docbatch is configured wrongly; the message says how to fix it."""

    category = ErrorCategory.CONFIGURATION
    code = "configuration"


class MissingDependencyError(ConfigError):
    """A package (Python or system) needed by an engine or a format is not installed."""

    code = "missing_dependency"

    def __init__(self, package: str, purpose: str, *, install: str | None = None) -> None:
        how = install or f"pip install {package}"
        super().__init__(f"{purpose} needs the '{package}' package: {how}", code=self.code)
        self.package = package


_TRACEBACK = re.compile(r"\s*Traceback \(most recent call last\):.*", re.DOTALL)
# An absolute POSIX path of two or more parts, not part of a URL or a longer word.
_SERVER_PATH = re.compile(r"(?<![\w.:/~-])(?:/[^\s/'\"<>|:]+){2,}/?")


def public_reason(reason: str) -> str:
    """``reason`` as it may be stored and shown: no traceback and no server paths.

    Everything from a ``Traceback`` on is dropped (the log has it) and an absolute path
    is cut to its last part, so API clients and exports learn the file's name only.
    """
    reason = _TRACEBACK.sub("", reason)
    return _SERVER_PATH.sub(lambda m: m.group().rstrip("/").rsplit("/", 1)[-1], reason)


def category_of(exc: BaseException) -> ErrorCategory:
    """Return the failure category for any exception (unknown ones are permanent)."""
    if isinstance(exc, DocbatchError):
        return exc.category
    if isinstance(exc, MemoryError):
        return ErrorCategory.RESOURCE
    vendor = _vendor_category(exc)
    if vendor is not None:
        return vendor
    if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
        return ErrorCategory.RESOURCE
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return ErrorCategory.TRANSIENT
    return ErrorCategory.PERMANENT


#: Vendor exceptions that mean "a service was unreachable or dropped the connection",
#: matched by module and class name so this module imports none of those packages.
_VENDOR_CATEGORIES: dict[tuple[str, str], ErrorCategory] = {
    ("sqlalchemy.exc", "OperationalError"): ErrorCategory.TRANSIENT,
    ("sqlalchemy.exc", "InterfaceError"): ErrorCategory.TRANSIENT,
    ("sqlalchemy.exc", "DisconnectionError"): ErrorCategory.TRANSIENT,
    ("sqlalchemy.exc", "TimeoutError"): ErrorCategory.TRANSIENT,
    ("psycopg", "OperationalError"): ErrorCategory.TRANSIENT,
    ("psycopg", "InterfaceError"): ErrorCategory.TRANSIENT,
    ("redis.exceptions", "ConnectionError"): ErrorCategory.TRANSIENT,
    ("redis.exceptions", "TimeoutError"): ErrorCategory.TRANSIENT,
    ("redis.exceptions", "BusyLoadingError"): ErrorCategory.TRANSIENT,
    ("redis.exceptions", "TryAgainError"): ErrorCategory.TRANSIENT,
    ("kombu.exceptions", "OperationalError"): ErrorCategory.TRANSIENT,
    ("amqp.exceptions", "RecoverableConnectionError"): ErrorCategory.TRANSIENT,
}
#: ENOMEM, ENFILE, EMFILE, ENOSPC: the machine ran short, the document is not at fault.
_RESOURCE_ERRNOS = frozenset({12, 23, 24, 28})


def _vendor_category(exc: BaseException) -> ErrorCategory | None:
    for cls in type(exc).__mro__:
        module = cls.__module__
        if module.startswith("psycopg"):
            module = "psycopg"
        found = _VENDOR_CATEGORIES.get((module, cls.__name__))
        if found is not None:
            return found
    # Any DBAPI error whose connection was found dead (a terminated backend).
    if getattr(exc, "connection_invalidated", False):
        return ErrorCategory.TRANSIENT
    return None


@contextmanager
def translate_errors(
    mapping: dict[type[BaseException], type[DocbatchError]], context: str
) -> Iterator[None]:
    """Re-raise vendor exceptions listed in ``mapping`` as docbatch errors.

    ``context`` prefixes the message (for example ``"PDF"``) so the reason stored on a
    failed document says where it happened. Exceptions already in the docbatch tree pass
    through unchanged.
    """
    try:
        yield
    except DocbatchError:
        raise
    except tuple(mapping) as exc:
        for vendor, ours in mapping.items():
            if isinstance(exc, vendor):
                detail = str(exc) or type(exc).__name__
                raise ours(f"{context}: {detail}") from exc
        raise  # pragma: no cover - the tuple and the mapping hold the same types
