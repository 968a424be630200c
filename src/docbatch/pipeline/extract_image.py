"""Reading raster images (PNG, JPEG, multi-page TIFF): one page per frame, all for OCR.

Sizes are checked from the image headers before any pixel is decoded, so a small file
that declares a gigantic canvas (a decompression bomb) is refused cheaply. Pillow's own
process-wide guard (``Image.MAX_IMAGE_PIXELS``) still applies on top of
``ExtractOptions.max_image_pixels``: it warns at that many pixels and refuses twice as
many; both surface as :class:`DocumentTooLargeError` here when they raise.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Sequence

from PIL import Image, UnidentifiedImageError

from docbatch.errors import CorruptDocumentError, DocumentTooLargeError
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.options import ExtractOptions

__all__ = ["configure_pillow", "image_frames", "read_image_layout"]


def configure_pillow(max_image_pixels: int) -> None:
    """Make ``max_image_pixels`` Pillow's own cap in this process (call once per process).

    Pillow's decompression-bomb warning becomes an error, so an image over the cap is
    refused by Pillow itself even where our header check does not run.
    """
    Image.MAX_IMAGE_PIXELS = max_image_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def read_image_layout(
    data: bytes, mime: str, options: ExtractOptions
) -> tuple[ExtractedDocument, tuple[int, ...]]:
    """One empty page per frame, every one of them listed for OCR."""
    with _open(data) as image:
        count = _checked_frames(image, options)
    pages = tuple(Page(number=n, text="") for n in range(1, count + 1))
    return ExtractedDocument(mime=mime, pages=pages), tuple(range(1, count + 1))


def image_frames(
    data: bytes, numbers: Sequence[int], options: ExtractOptions
) -> Iterator[tuple[int, Image.Image]]:
    """Yield ``(frame number, decoded frame)`` for each 1-based frame in ``numbers``."""
    with _open(data) as image:
        count = getattr(image, "n_frames", 1)
        for number in numbers:
            if not 1 <= number <= count:
                raise ValueError(f"frame {number} is not in 1..{count}")
            _seek(image, number - 1)
            _check_pixels(image, number, options.max_image_pixels)
            try:
                frame = image.convert("L")
            except (OSError, ValueError, SyntaxError) as exc:
                raise CorruptDocumentError(f"image frame {number}: {exc}") from exc
            yield number, frame


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    # The warning is caught too, for processes that turn Pillow's warnings into errors.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DocumentTooLargeError(f"image: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptDocumentError(f"image cannot be read: {exc}") from exc


def _checked_frames(image: Image.Image, options: ExtractOptions) -> int:
    """Count the frames one by one, checking each, and stop past ``options.max_pages``.

    Not ``n_frames``: for a TIFF it walks every frame first (and Pillow's loop check
    makes that quadratic), so 100,000 frames took minutes to be refused.
    """
    count = 0
    while count == 0 or _seek(image, count, end_ok=True):
        count += 1
        if count > options.max_pages:
            raise DocumentTooLargeError(
                f"image has more than {options.max_pages} frames, the limit"
            )
        _check_pixels(image, count, options.max_image_pixels)
    return count


def _seek(image: Image.Image, index: int, *, end_ok: bool = False) -> bool:
    """Go to frame ``index``; False past the last frame when ``end_ok``, else corrupt."""
    try:
        image.seek(index)
    except EOFError as exc:
        if end_ok:
            return False
        raise CorruptDocumentError(f"image frame {index + 1} cannot be read: {exc}") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DocumentTooLargeError(f"image frame {index + 1}: {exc}") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise CorruptDocumentError(f"image frame {index + 1} cannot be read: {exc}") from exc
    return True


def _check_pixels(image: Image.Image, number: int, limit: int) -> None:
    width, height = image.size
    if width * height > limit:
        raise DocumentTooLargeError(
            f"image frame {number} is {width}x{height} pixels, more than the limit of {limit}"
        )
