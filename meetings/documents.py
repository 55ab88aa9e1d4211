"""What an uploaded PDF may contain: a document that parses, with no scripts or files inside.

Minutes and attachments are published for anyone to download, so a PDF that runs
JavaScript when opened, or carries other files inside it, is refused. The check
reads the document with pypdf and walks every object reachable from the trailer;
``validate_pdf``, the validator of the upload fields, says why in Swedish.
"""

import warnings
from typing import IO

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
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


# An upload larger than this is refused: signed minutes are a few megabytes.
MAX_DOCUMENT_SIZE = 20 * 1024 * 1024


def validate_pdf(file):
    """Refuse anything that is not a PDF by its content, and anything too large.

    The file name is not trusted: a renamed HTML page ends in ``.pdf`` too. Only
    files not yet stored are read; a stored file was checked when it came in.
    """
    if getattr(file, "_committed", False):
        return
    if file.size is not None and file.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            gettext("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s.")
            % {
                "size": formats.number_format(file.size / 1024 / 1024, 1) + " MB",
                "max": f"{MAX_DOCUMENT_SIZE // 1024 // 1024} MB",
            },
            code="too_large",
        )
    name = (getattr(file, "name", "") or "").lower()
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if not name.endswith(".pdf") or head != b"%PDF-":
        raise ValidationError(
            gettext(
                "Filen är inte en PDF-fil. Spara dokumentet som PDF och ladda upp det igen "
                "(filnamnet räcker inte: innehållet kontrolleras)."
            ),
            code="not_pdf",
        )
    problem = pdf_problem(file)
    if problem:
        raise ValidationError(PDF_PROBLEMS[problem], code=f"pdf_{problem}")


PDF_PROBLEMS = {
    Problem.UNREADABLE: _(
        "Filen går inte att läsa som PDF: den är skadad eller bara märkt som PDF. Spara "
        "dokumentet som PDF på nytt och ladda upp det igen."
    ),
    Problem.SCRIPT: _(
        "PDF-filen innehåller JavaScript eller åtgärder som körs när den öppnas, och sådana "
        "filer publiceras inte. Skriv ut dokumentet till en ny PDF (Skriv ut → Spara som PDF) "
        "och ladda upp den."
    ),
    Problem.EMBEDDED: _(
        "PDF-filen innehåller inbäddade filer. Ladda upp varje bilaga för sig och spara "
        "dokumentet som en PDF utan inbäddade filer."
    ),
    Problem.TOO_COMPLEX: _(
        "PDF-filen är för sammansatt för att kunna kontrolleras. Spara den på nytt som PDF "
        "och ladda upp den igen."
    ),
}
