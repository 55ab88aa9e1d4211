"""Rosters as spreadsheets: one row per seat, as CSV (for Excel) and XLSX.

A row says who held the seat on the day the roster is read for (the period's
default day: today, or the nearest end of the period), with the dates of that
appointment; an empty "Till" means until further notice. Only public data: a
seat held by someone unpublished says so without the name, and a holder's work
e-mail and phone only where they consented (``Person.public_contact``).
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import astuple, dataclass

from django.utils.translation import gettext

from bodies.models import Seat
from bodies.roster import dated_positions

# Excel treats a cell starting with one of these as a formula (CSV injection), also
# after leading spaces, and in their full-width or small forms (＝ ＋ － ＠, ﹦ …),
# which compatibility normalisation (NFKC) turns into these; − is the minus sign.
FORMULA_STARTS = ("=", "+", "-", "@", "\u2212")
# Control characters that start a formula trick in some readers (tab, CR, LF).
CONTROL_STARTS = ("\t", "\r", "\n")


@dataclass
class RosterLine:
    """One seat in a roster export."""

    period: str
    body: str
    organisation: str
    seat_kind: str
    position: str
    person: str
    party: str
    start: datetime.date | None
    end: datetime.date | None
    email: str = ""
    phone: str = ""

    def values(self):
        """The cells of the line, in the order of ``headers()``."""
        return list(astuple(self))


def headers():
    return [
        gettext("Mandatperiod"),
        gettext("Organ"),
        gettext("Organisation"),
        gettext("Platstyp"),
        gettext("Roll"),
        gettext("Person"),
        gettext("Parti"),
        gettext("Från"),
        gettext("Till"),
        gettext("E-post"),
        gettext("Telefon"),
    ]


# Seats as the structure reads: period, body in tree order, organisation, ordinary
# before substitute.
STRUCTURE_ORDER = (
    "body__period__start",
    "body__tree_id",
    "body__lft",
    "organisation__name",
    "role",
    "order",
    "pk",
)


def seats_for(**filters):
    """Seats with their holders, body and period, in ``STRUCTURE_ORDER``."""
    return (
        Seat.objects.filter(**filters)
        .with_appointments(officer_terms=True)
        .select_related("body__period")
        .order_by(*STRUCTURE_ORDER)
    )


def roster_lines(seats, on=None):
    """A ``RosterLine`` per seat, read on ``on`` (default: each period's default day)."""
    seats = list(seats)
    by_body = {}
    for seat in seats:
        by_body.setdefault(seat.body_id, []).append(seat)
    # The position on the day: a dated officer term overrides the seat's default.
    positions = {}
    for body_seats in by_body.values():
        day = on or body_seats[0].body.period.default_day()
        positions.update(dated_positions(body_seats, day))
    lines = []
    for seat in seats:
        period = seat.body.period
        day = on or period.default_day()
        holders = seat.holders_on(day)
        person = party = email = phone = ""
        start = end = None
        if holders:
            appointment = holders[0]
            person = appointment.person.full_name
            contact = appointment.person.public_contact()
            email, phone = contact.email, contact.phone
            party = appointment.person.party.abbreviation if appointment.person.party else ""
            start, end = appointment.start, appointment.end
        elif seat.office_label:
            person = seat.office_label
        elif seat.held_unpublished_on(day):
            person = gettext("Tillsatt (namnet publiceras inte)")
        elif seat.is_vacant_on(day):
            person = gettext("Vakant")
        else:
            # Not known to be vacant: nobody has registered who holds it.
            person = gettext("Uppgift saknas")
        lines.append(
            RosterLine(
                period=period.name,
                body=seat.body.name,
                organisation=seat.organisation.name,
                seat_kind=seat.get_role_display().capitalize(),
                position=Seat.Position(positions[seat.pk]).label.capitalize(),
                person=person,
                party=party,
                start=start,
                end=end,
                email=email,
                phone=phone,
            )
        )
    return lines


def looks_like_formula(text):
    """Whether a spreadsheet program could read the text as a formula: it starts
    with a tab, CR or LF, or its first character after any spaces is = + - @ in
    any width or form."""
    if text.startswith(CONTROL_STARTS):
        return True
    first = text.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first).startswith(FORMULA_STARTS)


def neutralise(value):
    """A text cell that Excel will not run as a formula: prefix a quote when it
    looks like one (``looks_like_formula``)."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def as_csv(lines):
    """CSV for Excel in Sweden: UTF-8 with BOM (å, ä, ö show), semicolons (the
    Swedish list separator), ISO dates, formula-looking cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for line in lines:
        writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime.date) else neutralise(value or "")
                for value in line.values()
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(lines, title, about):
    """An XLSX workbook: the roster on one sheet (real dates, frozen header row,
    filters), what the extract is on another. Text is stored as text, never as a
    formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Ledamöter")
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, line in enumerate(lines, start=2):
        for column, value in enumerate(line.values(), start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                _set_text(cell, value or "")
    widths = [12, 40, 28, 18, 16, 28, 7, 12, 12, 30, 16]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(1, len(lines) + 1)}"
    info = workbook.create_sheet(gettext("Om uttaget"))
    for label, value in about:
        info.append([label])
        _set_text(info.cell(row=info.max_row, column=2), str(value))
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 90
    workbook.properties.title = title
    workbook.properties.language = "sv"
    workbook.properties.creator = "Samverkan"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _set_text(cell, text):
    """Store text as a string cell: openpyxl would otherwise turn "=…" into a formula.
    A cell that looks like a formula also gets Excel's quote prefix, so editing it
    in Excel keeps it text."""
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
