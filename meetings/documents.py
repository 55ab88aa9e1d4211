"""What an uploaded PDF may contain: a document that parses, with no scripts or files inside.

Minutes and attachments are published for anyone to download, so a PDF that runs
JavaScript when opened, or carries other files inside it, is refused. The check
reads the document with pypdf and walks every object reachable from the trailer.
"""

import warnings
from typing import IO

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

# Keys that make a reader run code (document, page or field actions) or hold files.
SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA"}
SCRIPT_ACTIONS = {"/JavaScript", "/Launch"}
EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}
EMBEDDED_TYPES = {"/EmbeddedFile", "/FileAttachment"}

# A bound on the work for one file; a real set of minutes has a few thousand objects.
MAX_OBJECTS = 200_000


class Problem:
    """Why a PDF is refused; one of these codes."""

    UNREADABLE = "unreadable"
    SCRIPT = "script"
    EMBEDDED = "embedded"
    TOO_COMPLEX = "too_complex"


def pdf_problem(file: IO[bytes]) -> str | None:
    """``None`` for a clean PDF, otherwise a ``Problem`` code. Leaves ``file`` at the start."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(file, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return Problem.UNREADABLE
            if len(reader.pages) == 0:
                return Problem.UNREADABLE
            return _content_problem(reader.trailer)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return Problem.UNREADABLE
    finally:
        file.seek(0)


def _content_problem(trailer: DictionaryObject) -> str | None:
    """Walk the object graph once, without recursion; scripts are reported first."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [trailer]
    embedded = False
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return Problem.TOO_COMPLEX
        if isinstance(item, DictionaryObject):
            keys = set(item.keys())
            if keys & SCRIPT_KEYS or _name(item.get("/S")) in SCRIPT_ACTIONS:
                return Problem.SCRIPT
            if keys & EMBEDDED_KEYS or {_name(item.get("/Type")), _name(item.get("/Subtype"))} & (
                EMBEDDED_TYPES
            ):
                embedded = True
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return Problem.EMBEDDED if embedded else None


def _name(value: PdfObject | None) -> str | None:
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return str(value) if isinstance(value, NameObject) else None
