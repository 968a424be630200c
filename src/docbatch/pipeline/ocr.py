"""OCR engines behind one small protocol, and the per-process engine cache.

Two engines ship with docbatch:

- ``tesseract``: Tesseract 5 through tesserocr, using installed ``*.traineddata`` files;
- ``rapidocr``: PaddleOCR models run by onnxruntime, using the models inside the rapidocr
  wheel (nothing is ever downloaded).

:func:`get_ocr_engine` picks one from :class:`ExtractOptions` (``"auto"`` prefers
Tesseract when its language data is installed) and keeps one instance per configuration
per process, because loading either engine costs far more than reading a page.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PIL import Image

from docbatch.errors import ConfigError, MissingDependencyError
from docbatch.pipeline.options import ExtractOptions

__all__ = [
    "OCR_ENGINES",
    "TESSDATA_SEARCH_PATHS",
    "OcrEngine",
    "OcrResult",
    "RapidOcrEngine",
    "TesseractEngine",
    "find_tessdata",
    "get_ocr_engine",
    "join_boxes_in_reading_order",
]

#: Where :func:`find_tessdata` looks when no ``tessdata_dir`` is configured (globs).
TESSDATA_SEARCH_PATHS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The text an engine read from one image and its mean confidence (0..1)."""

    text: str
    confidence: float


@runtime_checkable
class OcrEngine(Protocol):
    """Reads the text of one page image."""

    #: Short name recorded on every page the engine read (``Page.ocr_engine``).
    name: str

    def recognize(self, image: Image.Image) -> OcrResult:
        """Return the text of ``image`` in reading order, lines separated by ``\\n``."""
        ...


def find_tessdata(options: ExtractOptions) -> str | None:
    """The tessdata folder holding every language in ``options.ocr_languages``, or None.

    ``options.tessdata_dir`` is used when set; otherwise the well-known install folders
    (:data:`TESSDATA_SEARCH_PATHS`) are searched. The environment is not read: a worker
    that needs another folder says so in its options.
    """
    if options.tessdata_dir is not None:
        candidates = [options.tessdata_dir]
    else:
        candidates = [d for pattern in TESSDATA_SEARCH_PATHS for d in sorted(glob.glob(pattern))]
    languages = [lang for lang in options.ocr_languages.split("+") if lang]
    for folder in candidates:
        if all(os.path.isfile(os.path.join(folder, f"{lang}.traineddata")) for lang in languages):
            return folder
    return None


def _tesserocr() -> Any:
    """The tesserocr module, or a MissingDependencyError naming the package."""
    try:
        import tesserocr
    except ImportError as exc:
        raise MissingDependencyError("tesserocr", "Tesseract OCR") from exc
    return tesserocr


class TesseractEngine:
    """Tesseract 5 through tesserocr; one API object, used by one thread at a time."""

    name = "tesseract"

    def __init__(self, tessdata_dir: str, languages: str = "eng") -> None:
        tesserocr = _tesserocr()
        try:
            self._api = tesserocr.PyTessBaseAPI(path=tessdata_dir, lang=languages)
        except RuntimeError as exc:
            raise ConfigError(
                f"Tesseract cannot load '{languages}' from {tessdata_dir}: {exc}"
            ) from exc
        # The API object keeps the current image as state; two threads would mix pages.
        self._lock = threading.Lock()
        self.tessdata_dir = tessdata_dir
        self.languages = languages

    @classmethod
    def from_options(cls, options: ExtractOptions) -> TesseractEngine:
        """Build the engine for ``options`` (fails if the package or the language data is
        missing; the package is named first, as it is installed first)."""
        _tesserocr()
        folder = find_tessdata(options)
        if folder is None:
            raise ConfigError(
                f"no tessdata folder holds '{options.ocr_languages}'; install "
                "tesseract-ocr-eng (or the other languages) or set tessdata_dir"
            )
        return cls(folder, options.ocr_languages)

    def recognize(self, image: Image.Image) -> OcrResult:
        """Read ``image`` with Tesseract; confidence is Tesseract's mean word confidence."""
        with self._lock:
            self._api.SetImage(image)
            text = self._api.GetUTF8Text()
            confidence = self._api.MeanTextConf() / 100.0
        return OcrResult(text=text.strip(), confidence=max(0.0, min(1.0, confidence)))


class RapidOcrEngine:
    """RapidOCR 3.x (PaddleOCR models on onnxruntime) with the models from its wheel.

    The text-direction classifier is off: on upright scans it only makes mistakes (it
    flips some lines by 180 degrees), and upright is what legal scans are.
    """

    name = "rapidocr"

    def __init__(self, det_model: str | None = None, rec_model: str | None = None) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise MissingDependencyError("rapidocr", "RapidOCR") from exc
        shipped_det, shipped_rec = _shipped_rapidocr_models()
        # Explicit model paths are what keeps rapidocr offline: without them it resolves
        # a download URL and fetches the file whenever its checksum does not match.
        params: dict[str, Any] = {
            "Global.use_cls": False,
            "Global.log_level": "warning",
            "Det.model_path": det_model or shipped_det,
            "Rec.model_path": rec_model or shipped_rec,
        }
        self._ocr = RapidOCR(params=params)
        # RapidOCR.__call__ stores per-call parameters on the instance: not thread-safe.
        self._lock = threading.Lock()

    @classmethod
    def from_options(cls, options: ExtractOptions) -> RapidOcrEngine:
        """Build the engine; the shipped multilingual models need no per-language setup."""
        return cls()

    def recognize(self, image: Image.Image) -> OcrResult:
        """Read ``image``; confidence is the character-weighted mean of the line scores."""
        import numpy as np

        pixels = np.asarray(image.convert("RGB"))
        with self._lock:
            output = self._ocr(pixels)
        boxes = getattr(output, "boxes", None)
        texts = getattr(output, "txts", None) or ()
        scores = getattr(output, "scores", None) or ()
        if boxes is None or not texts:
            return OcrResult(text="", confidence=0.0)
        spans = [_box_span(box) for box in boxes]
        text = join_boxes_in_reading_order(spans, list(texts))
        weights = [max(1, len(t)) for t in texts]
        confidence = sum(w * float(s) for w, s in zip(weights, scores, strict=True))
        return OcrResult(text=text, confidence=confidence / sum(weights))


def join_boxes_in_reading_order(
    spans: Sequence[tuple[float, float, float, float]], texts: Sequence[str]
) -> str:
    """Join detected text boxes ``(left, top, right, bottom)`` into lines of text.

    Boxes whose vertical centre falls inside a line's band belong to that line; lines are
    read top to bottom, boxes in a line left to right. A gap of more than three quarters of
    a typical line height between lines becomes a blank line (a paragraph break): lines
    within a paragraph sit a small fraction of a line height apart.
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1] + spans[i][3]) / 2)
    lines: list[list[int]] = []
    bands: list[tuple[float, float]] = []
    for i in order:
        centre = (spans[i][1] + spans[i][3]) / 2
        if bands and bands[-1][0] <= centre <= bands[-1][1]:
            lines[-1].append(i)
            top, bottom = bands[-1]
            bands[-1] = (min(top, spans[i][1]), max(bottom, spans[i][3]))
        else:
            lines.append([i])
            bands.append((spans[i][1], spans[i][3]))
    heights = sorted(bottom - top for top, bottom in bands)
    typical = heights[len(heights) // 2] if heights else 0.0
    out: list[str] = []
    for n, line in enumerate(lines):
        if n and bands[n][0] - bands[n - 1][1] > 0.75 * typical:
            out.append("")
        out.append(" ".join(texts[i].strip() for i in sorted(line, key=lambda i: spans[i][0])))
    return "\n".join(out)


def _box_span(box: Any) -> tuple[float, float, float, float]:
    xs = [float(point[0]) for point in box]
    ys = [float(point[1]) for point in box]
    return min(xs), min(ys), max(xs), max(ys)


def _shipped_rapidocr_models() -> tuple[str, str]:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise MissingDependencyError("rapidocr", "RapidOCR")
    folder = Path(spec.origin).parent / "models"
    det = sorted(folder.glob("*_det_*.onnx"))
    rec = sorted(folder.glob("*_rec_*.onnx"))
    if not det or not rec:
        raise ConfigError(
            f"rapidocr's bundled detection/recognition models are missing in {folder}"
        )
    return str(det[0]), str(rec[0])


#: Engine kind -> engine class; every class has ``from_options(ExtractOptions)``.
OCR_ENGINES: Mapping[str, type[TesseractEngine] | type[RapidOcrEngine]] = {
    TesseractEngine.name: TesseractEngine,
    RapidOcrEngine.name: RapidOcrEngine,
}

_cache: dict[tuple[str, ...], OcrEngine] = {}
_cache_lock = threading.Lock()


def get_ocr_engine(options: ExtractOptions) -> OcrEngine:
    """The OCR engine ``options.ocr_engine`` names, built once per process and configuration.

    ``"auto"`` chooses Tesseract when tesserocr is installed and the language data is
    found, RapidOCR otherwise. An unknown kind raises :class:`ConfigError`.
    """
    kind = options.ocr_engine
    if kind == "auto":
        usable = importlib.util.find_spec("tesserocr") is not None
        kind = "tesseract" if usable and find_tessdata(options) else "rapidocr"
    if kind not in OCR_ENGINES:
        known = ", ".join(sorted([*OCR_ENGINES, "auto"]))
        raise ConfigError(f"unknown OCR engine '{options.ocr_engine}' (known: {known})")
    key = _cache_key(kind, options)
    with _cache_lock:
        engine = _cache.get(key)
        if engine is None:
            engine = OCR_ENGINES[kind].from_options(options)
            _cache[key] = engine
    return engine


def _cache_key(kind: str, options: ExtractOptions) -> tuple[str, ...]:
    # Only what changes the engine's construction belongs in the key.
    builders: dict[str, Callable[[], tuple[str, ...]]] = {
        "tesseract": lambda: (str(find_tessdata(options)), options.ocr_languages),
        "rapidocr": lambda: (),
    }
    return (kind, *builders[kind]())
