"""The nomination form as an Excel file (XLSX): written for one organisation, read back.

One row per seat the organisation holds in the body, with the seat's key (its id, in
a locked column), what the seat is and who holds it now; the organisation fills in
first name, last name, party (its abbreviation) and, if not the whole period, the
dates. The headers on row 1 are the format (Swedish, whatever the UI language): the
reader finds the columns by them, so a column moved or added does not break a file.

Reading never raises on a bad file: it answers the rows it could read and a located
problem (file, row, column letter and header) for everything else — a file that is
not XLSX, too large, too large unpacked (a "zip bomb"), too many rows, a malformed
date, a control character.
"""

import datetime
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bodies.models import Body, Organisation, Seat
from members.models import Party
from members.nominations import Nomination, Problem, seats_for_form
from samverkan.files import limits

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Nomineringar"
# A form has a row per seat: a few hundred at most even for a whole region.
MAX_ROWS = 5000
# Unpacked, an XLSX is some ten times its size; more is not a nomination form.
UNPACKED_FACTOR = 20

# (field, header, width); None: shown for reading, not read back.
COLUMNS = [
    ("key", "Platsnyckel", 12),
    (None, "Organ", 28),
    (None, "Mandatperiod", 13),
    ("organisation", "Organisation", 24),
    (None, "Plats", 26),
    (None, "Ersättare för", 30),
    (None, "Nuvarande innehavare", 24),
    ("first_name", "Förnamn", 16),
    ("last_name", "Efternamn", 18),
    ("party", "Parti", 8),
    ("start", "Från", 12),
    ("end", "Till", 12),
]
FILLED_IN = {"first_name", "last_name", "party", "start", "end"}
REQUIRED = {"key", "first_name", "last_name", "party", "start", "end"}


def file_name(body: Body, organisation: Organisation) -> str:
    from django.utils.text import slugify

    return f"nominering-{slugify(body.display_name)}-{body.period.slug}-{organisation.slug}.xlsx"


def write_form(body: Body, organisation: Organisation) -> bytes:
    """The organisation's form for the body, as XLSX bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([header for _field, header, _width in COLUMNS])
    for index, (_field, _header, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    seats = list(seats_for_form(body, organisation).select_related("backs__organisation"))
    for seat in seats:
        sheet.append(
            [
                seat.pk,
                body.display_name,
                body.period.name,
                organisation.name,
                seat.role_text(),
                _backs(seat),
                seat.holder_name() or seat.office_label or "",
                None,
                None,
                None,
                None,
                None,
            ]
        )
    fill = PatternFill("solid", fgColor="FFF7D6")
    for row in sheet.iter_rows(min_row=2, max_row=len(seats) + 1):
        for cell, (name, _header, _width) in zip(row, COLUMNS, strict=True):
            if name in FILLED_IN:
                cell.protection = Protection(locked=False)
                cell.fill = fill
            if name in ("start", "end"):
                cell.number_format = "yyyy-mm-dd"
    # Locked but readable: the key and the seat's description cannot be typed over by
    # mistake; no password, since the reader checks every key anyway.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.freeze_panes = "H2"
    _party_list(book, sheet, len(seats))
    _instructions(book, body, organisation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _backs(seat: Seat) -> str:
    if seat.role != seat.Role.SUBSTITUTE or seat.backs is None:
        return ""
    backs = seat.backs
    text = backs.role_text()
    holder = backs.holder_name()
    if backs.organisation_id != seat.organisation_id:
        text = f"{backs.organisation.name} {text}"
    return f"{text} ({holder})" if holder else text


def _party_list(book: Workbook, sheet: Any, rows: int) -> None:
    parties = book.create_sheet("Partier")
    parties.append(["Förkortning", "Parti"])
    for party in Party.objects.order_by("order", "abbreviation"):
        parties.append([party.abbreviation, party.name])
    count = parties.max_row
    if rows and count > 1:
        letter = get_column_letter([c[0] for c in COLUMNS].index("party") + 1)
        check = DataValidation(
            type="list",
            formula1=f"=Partier!$A$2:$A${count}",
            allow_blank=True,
            showErrorMessage=False,
        )
        sheet.add_data_validation(check)
        check.add(f"{letter}2:{letter}{rows + 1}")


def _instructions(book: Workbook, body: Body, organisation: Organisation) -> None:
    sheet = book.create_sheet("Instruktioner")
    sheet.column_dimensions["A"].width = 100
    lines = [
        f"Nomineringar till {body.display_name} {body.period.name} från {organisation.name}",
        "",
        "Fyll i förnamn, efternamn och parti (förkortningen, se fliken Partier) för varje "
        "plats ni nominerar till. Lämna raden tom för en plats ni inte nominerar till.",
        f"Från och Till: lämna tomt för hela perioden ({body.period.start} – "
        f"{body.period.end}); skriv annars datum som ÅÅÅÅ-MM-DD.",
        "Ändra inte Platsnyckel: den talar om vilken plats raden gäller.",
        "Skicka tillbaka filen till registersekreteraren.",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True)


# Reading


def read_forms(files: Iterable[tuple[str, bytes]]) -> tuple[list[Nomination], list[Problem]]:
    """Every nomination in the uploaded files, and every problem reading them.

    ``files`` is a list of (name, bytes).
    """
    nominations, problems = [], []
    for name, raw in files:
        found, wrong = read_form(name, raw)
        nominations.extend(found)
        problems.extend(wrong)
    return nominations, problems


def read_form(name: str, raw: bytes) -> tuple[list[Nomination], list[Problem]]:
    """(nominations, problems) of one file."""
    whole = [Problem(name, None, "", "")]

    def refuse(message: str) -> tuple[list[Nomination], list[Problem]]:
        whole[0].message = message
        return [], whole

    if len(raw) > limits.max_bytes():
        return refuse(
            gettext("Filen är för stor. Största tillåtna storlek är %(max)s.")
            % {"max": filesizeformat(limits.max_bytes())}
        )
    not_xlsx = gettext(
        "Filen går inte att läsa som en Excel-fil (.xlsx). Spara blanketten i Excel-format "
        "och ladda upp den igen."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return refuse(not_xlsx)
    if unpacked > UNPACKED_FACTOR * limits.max_bytes():
        return refuse(gettext("Filen är för stor uppackad för att vara en nomineringsblankett."))
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken or foreign file
        return refuse(not_xlsx)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        return _read_sheet(name, sheet)
    except Exception:
        return refuse(not_xlsx)
    finally:
        book.close()


def _read_sheet(name: str, sheet: Any) -> tuple[list[Nomination], list[Problem]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[str, tuple[int, str]] = {}
    wanted = {h.casefold(): f for f, h, _w in COLUMNS if f}
    for index, value in enumerate(header, 1):
        if isinstance(value, str) and value.strip().casefold() in wanted:
            field = wanted[value.strip().casefold()]
            columns.setdefault(field, (index - 1, f"{get_column_letter(index)} ({value.strip()})"))
    missing = [h for f, h, _w in COLUMNS if f in REQUIRED and f not in columns]
    if missing:
        message = gettext(
            "Rad 1 saknar kolumnen %(columns)s. Använd blanketten som laddades ner."
        ) % {"columns": ", ".join(f"”{h}”" for h in missing)}
        return [], [Problem(name, 1, "", message)]
    places = {field: place for field, (_index, place) in columns.items()}
    nominations, problems = [], []
    for number, values in enumerate(rows, 2):
        if number > MAX_ROWS + 1:
            problems.append(
                Problem(
                    name,
                    number,
                    "",
                    gettext("Filen har fler än %(max)s rader; resten lästes inte.")
                    % {"max": MAX_ROWS},
                )
            )
            break
        nomination = Nomination(file=name, row=number, key="", columns=places)
        for field, (index, place) in columns.items():
            value = values[index] if index < len(values) else None
            text, unreadable = _cell(field, value)
            if unreadable:
                problems.append(Problem(name, number, place, unreadable))
            setattr(nomination, field, text)
        if nomination.key or not nomination.is_blank:
            if not nomination.key:
                problems.append(
                    Problem(name, number, places["key"], gettext("Platsnyckeln saknas."))
                )
                continue
            nominations.append(nomination)
    return nominations, problems


def _cell(field: str, value: object) -> tuple[str, str | None]:
    """The cell as text (dates as ISO), and a message if it cannot be read."""
    if value is None:
        return "", None
    if field in ("start", "end"):
        return _date_cell(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return "", gettext("Ett datum förväntas inte här.")
    text = " ".join(str(value).split())
    if limits.CONTROL.search(str(value).replace("\n", " ").replace("\t", " ")):
        return "", gettext("Cellen innehåller ett otillåtet tecken.")
    if len(text) > 100:
        return "", gettext("Högst 100 tecken.")
    return text, None


def _date_cell(value: object) -> tuple[str, str | None]:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat(), None
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text).isoformat(), None
    except ValueError:
        return "", gettext("”%(value)s” är inte ett datum. Skriv datum som ÅÅÅÅ-MM-DD.") % {
            "value": text[:40]
        }
