"""Both OCR engines, for real, on rendered legal text; the registry and its cache.

Accuracy is measured as the character error rate (CER): the Levenshtein distance between
the engine's text and the known text, both with whitespace collapsed, divided by the
length of the known text. Measured on this machine (200 dpi, clean renders of the three
OPINION_PAGES): Tesseract 5.5 0-0.2%, RapidOCR (PP-OCRv6 small) 0-0.6%.
"""

from __future__ import annotations

import sys
import threading

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from bench.synth import documents
from bench.synth.prose import OPINION_PAGES
from docbatch.errors import ConfigError, MissingDependencyError
from docbatch.pipeline.extract import extract
from docbatch.pipeline.ocr import (
    OCR_ENGINES,
    OcrEngine,
    RapidOcrEngine,
    TesseractEngine,
    find_tessdata,
    get_ocr_engine,
    join_boxes_in_reading_order,
)
from docbatch.pipeline.options import ExtractOptions
from tests.conftest import in_ci

TESSERACT = ExtractOptions(ocr_engine="tesseract")
RAPIDOCR = ExtractOptions(ocr_engine="rapidocr")
PAGE = OPINION_PAGES[1]


def cer(found: str, expected: str) -> float:
    """Character error rate of ``found`` against ``expected``, whitespace collapsed."""
    found, expected = " ".join(found.split()), " ".join(expected.split())
    return Levenshtein.distance(found, expected) / len(expected)


@pytest.fixture(scope="module")
def page_image() -> Image.Image:
    return documents.render_pages([PAGE], dpi=200)[0]


@pytest.fixture(scope="module")
def tesseract() -> OcrEngine:
    if find_tessdata(TESSERACT) is None:
        message = "English Tesseract data is not installed (apt install tesseract-ocr-eng)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return get_ocr_engine(TESSERACT)


@pytest.fixture(scope="module")
def rapidocr() -> OcrEngine:
    return get_ocr_engine(RAPIDOCR)


def test_tesseract_reads_a_rendered_page_almost_exactly(tesseract, page_image):
    result = tesseract.recognize(page_image)
    assert tesseract.name == "tesseract"
    assert cer(result.text, PAGE) < 0.02
    assert 0.8 <= result.confidence <= 1.0


def test_rapidocr_reads_a_rendered_page_almost_exactly(rapidocr, page_image):
    result = rapidocr.recognize(page_image)
    assert rapidocr.name == "rapidocr"
    assert cer(result.text, PAGE) < 0.03
    assert 0.8 <= result.confidence <= 1.0
    # Lines come out in reading order and the paragraph break survives.
    assert result.text.startswith("To survive a motion to dismiss")
    assert "(2007).\n\nPlaintiff alleges" in result.text


def test_rapidocr_never_downloads(monkeypatch, page_image):
    import rapidocr.utils.download_file as download_file

    def refuse(*args, **kwargs):
        raise AssertionError("rapidocr tried to download a file")

    monkeypatch.setattr(download_file.DownloadFile, "run", refuse)
    engine = RapidOcrEngine()  # a fresh instance: the models load under the patch
    assert "Bell Atlantic" in engine.recognize(page_image.crop((0, 0, 1700, 500))).text


def test_noisy_scanned_pdf_is_read_by_ocr_end_to_end(tesseract):
    data = documents.scanned_pdf(OPINION_PAGES, dpi=200, noise=0.002, seed=3)
    document = extract(data, TESSERACT, engine=tesseract)
    assert [p.ocr for p in document.pages] == [True, True, True]
    assert {p.ocr_engine for p in document.pages} == {"tesseract"}
    for page, expected in zip(document.pages, OPINION_PAGES, strict=True):
        assert cer(page.text, expected) < 0.03
        assert page.ocr_confidence is not None and page.ocr_confidence > 0.7


def test_multi_page_tiff_is_ocred_frame_by_frame(tesseract):
    data = documents.tiff(OPINION_PAGES[:2], dpi=200)
    document = extract(data, TESSERACT, engine=tesseract)
    assert [p.number for p in document.pages] == [1, 2]
    for page, expected in zip(document.pages, OPINION_PAGES[:2], strict=True):
        assert page.ocr
        assert cer(page.text, expected) < 0.03


def test_tesseract_is_safe_to_share_between_threads(tesseract, page_image):
    halves = [page_image.crop((0, 0, 1700, 700)), page_image.crop((0, 700, 1700, 1400))]
    expected = [tesseract.recognize(image).text for image in halves]
    results: dict[int, str] = {}

    def work(index: int) -> None:
        results[index] = tesseract.recognize(halves[index % 2]).text

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(6)] == [expected[i % 2] for i in range(6)]


def test_engines_are_cached_per_configuration(tesseract, rapidocr):
    assert get_ocr_engine(TESSERACT) is tesseract
    assert get_ocr_engine(ExtractOptions(ocr_engine="tesseract", ocr_dpi=300)) is tesseract
    assert get_ocr_engine(RAPIDOCR) is rapidocr


def test_auto_prefers_tesseract_when_its_data_is_installed(tesseract):
    assert get_ocr_engine(ExtractOptions(ocr_engine="auto")) is tesseract


def test_auto_falls_back_to_rapidocr_without_tesseract_data(tmp_path, rapidocr):
    options = ExtractOptions(ocr_engine="auto", tessdata_dir=str(tmp_path))
    assert get_ocr_engine(options) is rapidocr


def test_tesseract_without_language_data_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="tessdata"):
        get_ocr_engine(ExtractOptions(ocr_engine="tesseract", tessdata_dir=str(tmp_path)))


def test_unknown_engine_kind_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown OCR engine 'magic'"):
        get_ocr_engine(ExtractOptions(ocr_engine="magic"))


@pytest.mark.parametrize(
    ("module", "engine"), [("tesserocr", "tesseract"), ("rapidocr", "rapidocr")]
)
def test_missing_package_names_the_package(monkeypatch, module, engine):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(MissingDependencyError) as caught:
        OCR_ENGINES[engine].from_options(ExtractOptions(ocr_engine=engine))
    assert caught.value.package == module
    assert f"pip install {module}" in str(caught.value)


def test_engines_satisfy_the_protocol(tesseract, rapidocr):
    assert isinstance(tesseract, OcrEngine)
    assert isinstance(rapidocr, OcrEngine)
    assert dict(OCR_ENGINES) == {"tesseract": TesseractEngine, "rapidocr": RapidOcrEngine}


def test_boxes_join_into_lines_in_reading_order():
    # Shuffled boxes: two words on line one, one on line two, a paragraph gap, line three.
    spans = [(300, 52, 400, 88), (10, 50, 120, 90), (10, 200, 150, 238), (10, 95, 90, 131)]
    texts = ["world", "Hello", "Next paragraph", "again"]
    assert join_boxes_in_reading_order(spans, texts) == "Hello world\nagain\n\nNext paragraph"


def test_empty_page_reads_as_empty_text(tesseract, rapidocr):
    blank = Image.new("L", (800, 1000), 255)
    assert tesseract.recognize(blank).text == ""
    result = rapidocr.recognize(blank)
    assert (result.text, result.confidence) == ("", 0.0)
