"""Nominations: the organisations' XLSX forms out, filled in, back in through a preview."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bodies.history import ChangeSet
from members.models import Appointment, Person

pytestmark = pytest.mark.django_db

D = datetime.date
COLUMNS = {"first_name": "H", "last_name": "I", "party": "J", "start": "K", "end": "L"}


@pytest.fixture
def rsr(make):
    period = make.period("2027–2030", start=D(2027, 1, 1), end=D(2030, 12, 31))
    nora = make.organisation("Nora kommun")
    lindesberg = make.organisation("Lindesbergs kommun")
    body = make.body(period, "Regionala samverkansrådet", short_name="RSR")
    first = make.seat(body, nora, order=1)
    second = make.seat(body, nora, order=2)
    substitute = make.seat(body, nora, role="substitute", backs=first, order=1)
    other = make.seat(body, lindesberg)
    make.party("S")
    make.party("M", "Moderaterna")
    tom = make.person("Tom", "Rymoén", organisation=nora)
    make.appointment(tom, second, start=period.start)
    return body, nora, lindesberg, (first, second, substitute, other), tom


def nominations_url(body):
    return reverse("admin:bodies_body_nominations", args=[body.pk])


def download(client, body, organisation):
    url = reverse("admin:bodies_body_nomination_form", args=[body.pk])
    response = client.get(url, {"organisation": organisation.pk})
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def fill(book, rows):
    """Fill rows of the form's sheet: {row number: {field: value}}; returns XLSX bytes."""
    sheet = book["Nomineringar"]
    for number, values in rows.items():
        for name, value in values.items():
            column = "A" if name == "key" else COLUMNS[name]
            sheet[f"{column}{number}"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, body, *files):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(nominations_url(body), {"files": uploads})


def row_of(book, seat):
    sheet = book["Nomineringar"]
    for number in range(2, sheet.max_row + 1):
        if sheet[f"A{number}"].value == seat.pk:
            return number
    raise AssertionError(f"seat {seat.pk} not in the form")


def test_the_form_has_a_row_per_seat_of_the_organisation_with_its_key(rsr, admin_client):
    body, nora, _lindesberg, (first, second, substitute, other), _tom = rsr

    book = download(admin_client, body, nora)

    sheet = book["Nomineringar"]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "Platsnyckel",
        "Organ",
        "Mandatperiod",
        "Organisation",
        "Plats",
        "Ersättare för",
        "Nuvarande innehavare",
        "Förnamn",
        "Efternamn",
        "Parti",
        "Från",
        "Till",
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == [first.pk, second.pk, substitute.pk]
    assert rows[1][1:7] == ["RSR", "2027–2030", "Nora kommun", "ordinarie 2", None, "Tom Rymoén"]
    assert rows[2][4:6] == ["ersättare 1", "ordinarie 1"]
    assert other.pk not in [row[0] for row in rows]
    assert sheet.protection.sheet and sheet["A2"].protection.locked
    assert not sheet["H2"].protection.locked


def test_a_round_trip_previews_every_error_with_its_place_then_writes_one_change_set(
    rsr, admin_client, make
):
    body, nora, lindesberg, (first, second, substitute, other), tom = rsr
    book = download(admin_client, body, nora)
    wrong = fill(
        download(admin_client, body, nora),
        {
            row_of(book, first): {"first_name": "Anna", "last_name": "Berg", "party": "XY"},
            row_of(book, second): {
                "first_name": "Bo",
                "last_name": "Ek",
                "start": "2026-06-01",
                "end": "första maj",
            },
            row_of(book, substitute): {
                "first_name": "Tom",
                "last_name": "Rymoén",
                "start": D(2028, 1, 1),
                "end": D(2027, 6, 1),
            },
            5: {"key": 999999, "first_name": "Cea", "last_name": "Lund"},
        },
    )

    response = upload(admin_client, body, ("nora.xlsx", wrong))

    assert response.status_code == 200
    problems = [(p.file, p.row, p.column, p.message) for p in response.context["plan"].problems]
    assert (
        "nora.xlsx",
        3,
        "L (Till)",
        "”första maj” är inte ett datum. Skriv datum som ÅÅÅÅ-MM-DD.",
    ) in problems
    assert any(p[1:3] == (2, "J (Parti)") and "Okänt parti ”XY”" in p[3] for p in problems)
    assert any(
        p[1:3] == (3, "K (Från)") and "utanför mandatperioden 2027–2030" in p[3] for p in problems
    )
    assert any(p[1:3] == (4, "L (Till)") and "kan inte sluta" in p[3] for p in problems)
    assert any(
        p[1:3] == (5, "A (Platsnyckel)") and "ingen plats med nyckeln 999999" in p[3]
        for p in problems
    )
    assert "<td>J (Parti)</td>" in response.text
    assert "Spara nomineringarna" not in response.text
    assert not Appointment.objects.filter(seat__in=[first, substitute]).exists()

    good = fill(
        download(admin_client, body, nora),
        {
            row_of(book, first): {"first_name": "Anna", "last_name": "Berg", "party": "s"},
            row_of(book, second): {
                "first_name": "Bo",
                "last_name": "Ek",
                "party": "M",
                "start": D(2028, 3, 1),
            },
            row_of(book, substitute): {
                "first_name": "Tom",
                "last_name": "Rymoén",
                "start": "2028-03-01",
            },
        },
    )
    preview = upload(admin_client, body, ("nora.xlsx", good))
    plan = preview.context["plan"]
    assert plan.problems == [], [str(p) for p in plan.problems]
    assert [(e.seat, e.kind) for e in plan.entries] == [
        (first, "new"),
        (second, "change"),
        (substitute, "new"),
    ]
    # Tom Rymoén moves from ordinary 2 to substitute the day Bo Ek takes his seat.
    assert "Byte: ersätter Tom Rymoén" in preview.text
    assert not Person.objects.filter(last_name="Berg").exists()  # nothing written yet


def test_confirming_writes_every_seat_in_one_change_set_and_the_roster_shows_them(
    rsr, admin_client
):
    body, nora, _lindesberg, (first, second, substitute, _other), tom = rsr
    book = download(admin_client, body, nora)
    filled = fill(
        book,
        {
            row_of(book, first): {"first_name": "Anna", "last_name": "Berg", "party": "S"},
            row_of(book, second): {
                "first_name": "Bo",
                "last_name": "Ek",
                "party": "M",
                "start": D(2028, 3, 1),
            },
            row_of(book, substitute): {
                "first_name": "Cea",
                "last_name": "Lund",
                "end": "2029-12-31",
            },
        },
    )
    preview = upload(admin_client, body, ("nora.xlsx", filled))
    signed = preview.context["signed"]
    assert signed

    response = admin_client.post(nominations_url(body), {"rader": signed}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:bodies_body_roster", args=[body.pk])
    assert "Nomineringarna är sparade: 3 platser tillsatta (2 nya, 1 byten)." in response.text
    assert first.appointments.get().person.full_name == "Anna Berg"
    assert first.appointments.get().person.party.abbreviation == "S"
    old, new = second.appointments.order_by("start")
    assert (old.person, old.end) == (tom, D(2028, 2, 29))
    assert (new.person.full_name, new.start, new.end) == ("Bo Ek", D(2028, 3, 1), None)
    assert substitute.appointments.get().end == D(2029, 12, 31)
    change = ChangeSet.objects.get()
    assert change.kind == ChangeSet.Kind.NOMINATIONS
    assert change.reason == "Nomineringar till RSR 2027–2030 från nora.xlsx."
    assert change.period == body.period
    assert Appointment.history.filter(change_set=change).count() == 4  # 3 new, 1 ended
    assert Person.history.filter(change_set=change).count() == 3
    roster = admin_client.get(
        reverse("admin:bodies_body_roster", args=[body.pk]) + "?datum=2028-06-01"
    )
    for name in ("Anna Berg", "Bo Ek", "Cea Lund"):
        assert name in roster.text


def test_a_tampered_preview_is_refused_and_nothing_is_written(rsr, admin_client):
    body, *_ = rsr

    response = admin_client.post(
        nominations_url(body), {"rader": "eyJyb3dzIjpbXX0:x:y"}, follow=True
    )

    assert "Förhandsgranskningen har gått ut" in response.text
    assert not ChangeSet.objects.exists()


def test_the_same_person_on_two_seats_at_once_is_an_error_in_the_file_and_the_registry(
    rsr, admin_client
):
    body, nora, _lindesberg, (first, second, substitute, _other), _tom = rsr
    book = download(admin_client, body, nora)
    filled = fill(
        book,
        {
            row_of(book, first): {"first_name": "Anna", "last_name": "Berg"},
            row_of(book, substitute): {"first_name": "anna", "last_name": "berg"},
        },
    )
    twice = upload(admin_client, body, ("nora.xlsx", filled)).context["plan"].problems
    assert [(p.row, p.column) for p in twice] == [(row_of(book, substitute), "I (Efternamn)")]
    assert "redan nominerad till Nora kommun · ordinarie 1" in twice[0].message

    book = download(admin_client, body, nora)
    filled = fill(book, {row_of(book, first): {"first_name": "Tom", "last_name": "Rymoén"}})
    held = upload(admin_client, body, ("nora.xlsx", filled)).context["plan"].problems
    assert len(held) == 1
    assert "Tom Rymoén har redan en plats i RSR" in held[0].message


def test_a_key_of_another_body_or_organisation_is_refused(rsr, admin_client, make):
    body, nora, _lindesberg, (first, _second, _substitute, other), _tom = rsr
    elsewhere = make.seat(make.body(body.period, "Annat råd"), nora)
    book = download(admin_client, body, nora)
    filled = fill(
        book,
        {
            2: {"key": elsewhere.pk, "first_name": "Anna", "last_name": "Berg"},
            3: {"key": other.pk, "first_name": "Bo", "last_name": "Ek"},
        },
    )

    problems = upload(admin_client, body, ("nora.xlsx", filled)).context["plan"].problems

    assert [(p.row, p.column) for p in problems] == [
        (2, "A (Platsnyckel)"),
        (3, "D (Organisation)"),
    ]
    assert "hör till Annat råd 2027–2030, inte till RSR 2027–2030" in problems[0].message
    assert "har Lindesbergs kommun, inte Nora kommun" in problems[1].message


def test_an_editor_handles_only_their_own_organisation(rsr, roles, client, admin_client):
    body, nora, lindesberg, (first, _second, _substitute, other), _tom = rsr
    client.force_login(roles("nora-red", organisations=[nora]))

    page = client.get(nominations_url(body))
    assert page.status_code == 200
    assert "Nora kommun" in page.text and "Lindesbergs kommun" not in page.text
    form = reverse("admin:bodies_body_nomination_form", args=[body.pk])
    assert client.get(form, {"organisation": lindesberg.pk}).status_code == 403
    assert client.get(form, {"organisation": "x"}).status_code == 404
    assert download(client, body, nora)

    # Their own form with a Lindesberg seat's key typed in, organisation cleared.
    book = download(client, body, nora)
    filled = fill(
        book,
        {
            row_of(book, first): {"first_name": "Anna", "last_name": "Berg"},
            5: {"key": other.pk, "first_name": "Bo", "last_name": "Ek"},
        },
    )
    preview = upload(client, body, ("nora.xlsx", filled))
    problems = preview.context["plan"].problems
    assert [(p.row, p.column) for p in problems] == [(5, "A (Platsnyckel)")]
    assert "Du får inte nominera till platser som Lindesbergs kommun har." in problems[0].message
    assert not preview.context["signed"]

    # Lindesberg's own form, downloaded by the secretary, uploaded by Nora's editor.
    theirs = download(admin_client, body, lindesberg)
    filled = fill(theirs, {2: {"first_name": "Bo", "last_name": "Ek"}})
    problems = upload(client, body, ("lindesberg.xlsx", filled)).context["plan"].problems
    assert "Du får inte nominera till platser som Lindesbergs kommun har." in problems[0].message
    assert not Appointment.objects.filter(seat=other).exists()


def test_others_get_403(rsr, roles, client):
    body, *_ = rsr
    client.force_login(roles("motessekreterare", bodies=[body]))

    assert client.get(nominations_url(body)).status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nora.xlsx", b"Platsnyckel;Namn\n1;Anna\n", "går inte att läsa som en Excel-fil"),
        ("nora.xlsx", b"PK\x03\x04 not really a zip", "går inte att läsa som en Excel-fil"),
        ("nora.csv", b"", "Den skickade filen är tom."),
    ],
)
def test_a_file_that_is_not_xlsx_gets_a_swedish_message(rsr, admin_client, name, content, message):
    body, *_ = rsr

    response = upload(admin_client, body, (name, content))

    assert response.status_code == 200
    assert message in response.text


def test_a_zip_that_is_not_a_workbook_gets_a_swedish_message(rsr, admin_client):
    body, *_ = rsr
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hej")

    response = upload(admin_client, body, ("nora.xlsx", out.getvalue()))

    assert "går inte att läsa som en Excel-fil" in response.text


def test_a_too_big_file_is_refused_unread(rsr, admin_client, settings):
    body, *_ = rsr
    settings.IMPORT_FILE_MAX_BYTES = 1000

    response = upload(admin_client, body, ("nora.xlsx", b"x" * 2000))

    assert response.status_code == 200
    assert "nora.xlsx är för stor. Största tillåtna storlek är 1000\xa0byte." in response.text


def test_a_form_without_the_columns_is_refused_with_its_place(rsr, admin_client):
    from openpyxl import Workbook

    body, *_ = rsr
    book = Workbook()
    book.active.append(["Namn", "Parti"])
    book.active.append(["Anna Berg", "S"])
    out = io.BytesIO()
    book.save(out)

    problems = upload(admin_client, body, ("egen.xlsx", out.getvalue())).context["plan"].problems

    assert [(p.file, p.row) for p in problems] == [("egen.xlsx", 1)]
    assert "saknar kolumnen ”Platsnyckel”, ”Förnamn”" in problems[0].message


def test_all_forms_come_as_one_zip(rsr, admin_client):
    body, *_ = rsr

    response = admin_client.get(reverse("admin:bodies_body_nomination_forms", args=[body.pk]))

    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [
        "nominering-rsr-2027-2030-lindesbergs-kommun.xlsx",
        "nominering-rsr-2027-2030-nora-kommun.xlsx",
    ]


def test_the_roster_and_body_pages_link_to_nominations(rsr, admin_client):
    body, *_ = rsr
    url = nominations_url(body)

    roster = admin_client.get(reverse("admin:bodies_body_roster", args=[body.pk]))
    change = admin_client.get(reverse("admin:bodies_body_change", args=[body.pk]))

    assert f'href="{url}"' in roster.text
    assert f'href="{url}"' in change.text
