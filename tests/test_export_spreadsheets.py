"""Rosters as CSV and XLSX: one row per seat, read back and compared with the database."""

import csv
import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from bodies import spreadsheets
from bodies.models import Organisation, Seat
from members.models import Appointment
from tests import bigdata
from tests.pages import freeze_today

pytestmark = pytest.mark.django_db

HEADER = [
    "Mandatperiod",
    "Organ",
    "Organisation",
    "Platstyp",
    "Roll",
    "Person",
    "Parti",
    "Från",
    "Till",
    "E-post",
    "Telefon",
]


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Ledamöter"]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def expected_rows(seats, day):
    """What the database says, read independently of the export code."""
    rows = []
    for seat in seats:
        holder = (
            Appointment.objects.public()
            .current(on=day)
            .filter(seat=seat)
            .select_related("person__party")
            .first()
        )
        hidden = Appointment.objects.unpublished().current(on=day).filter(seat=seat).exists()
        left = Appointment.objects.filter(seat=seat, end__lt=day).exists()
        reported = seat.vacant_since is not None and seat.vacant_since <= day
        empty = "Vakant" if left or reported else "Uppgift saknas"
        if holder:
            person = holder.person.full_name
            party = holder.person.party.abbreviation if holder.person.party else ""
            start, end = holder.start, holder.end
        else:
            person = seat.office_label or ("Tillsatt (namnet publiceras inte)" if hidden else empty)
            party, start, end = "", None, None
        rows.append(
            [
                seat.body.period.name,
                seat.body.name,
                seat.organisation.name,
                seat.get_role_display().capitalize(),
                seat.get_position_display().capitalize(),
                person,
                party,
                start,
                end,
            ]
        )
    return sorted(rows, key=lambda row: [str(value) for value in row])


@pytest.fixture
def council(make, monkeypatch):
    """A small period with a chair, an unpublished member, a vacancy and an office."""
    freeze_today(monkeypatch)
    period = make.period()
    region = make.organisation("Region Mellan", kind="region")
    town = make.organisation("Åby kommun")
    body = make.body(period, "Rådet för äldre och välfärd")
    chair = make.seat(body, region, position=Seat.Position.CHAIR)
    make.appointment(
        make.person("Märta", "Öberg", party=make.party(), email="marta@example.se", phone="070-1"),
        chair,
    )
    hidden = make.seat(body, town)
    make.appointment(make.person("Dolda", "Hemlig", is_published=False), hidden)
    make.seat(  # reported vacant
        body, town, role=Seat.Role.SUBSTITUTE, backs=hidden, vacant_since=datetime.date(2023, 3, 1)
    )
    make.seat(body, region, office_label="Regiondirektör")
    former = make.seat(body, town, order=2)
    make.appointment(make.person("Åke", "Tidigare"), former, end=datetime.date(2023, 6, 30))
    make.appointment(make.person("Eva", "Senare"), former, start=datetime.date(2023, 7, 1))
    return body


def test_the_period_csv_has_one_row_per_seat_matching_the_database(client, orebro):
    rows = read_csv(client.get("/perioder/2019-2022/ledamoter.csv"))
    assert rows[0] == HEADER
    seats = Seat.objects.filter(body__period__slug="2019-2022").select_related(
        "body__period", "organisation"
    )
    day = datetime.date(2022, 12, 31)  # a past period is read on its last day
    assert len(rows) - 1 == seats.count() == 227
    expected = [
        [*row[:7], row[7].isoformat() if row[7] else "", row[8].isoformat() if row[8] else ""]
        for row in expected_rows(seats, day)
    ]
    assert sorted(row[:9] for row in rows[1:]) == sorted(expected)
    # E-mail and phone only with consent (tests/test_contact_consent.py): none here.
    assert {tuple(row[9:]) for row in rows[1:]} == {("", "")}


def test_the_period_csv_names_the_chair_with_party_and_dates(client, orebro):
    rows = read_csv(client.get("/perioder/2019-2022/ledamoter.csv"))
    svahn = next(row for row in rows if row[5] == "Andreas Svahn")
    assert svahn[9:] == ["", ""]
    assert svahn[:9] == [
        "2019–2022",
        "Regionala samverkansrådet",
        "Region Örebro län",
        "Ordinarie ledamot",
        "Ordförande",
        "Andreas Svahn",
        "S",
        "2019-01-01",
        "2022-12-31",
    ]


def test_the_period_xlsx_matches_the_csv_with_real_dates(client, orebro):
    csv_rows = read_csv(client.get("/perioder/2019-2022/ledamoter.csv"))
    sheet, rows = read_xlsx(client.get("/perioder/2019-2022/ledamoter.xlsx"))
    assert rows[0] == HEADER
    assert isinstance(rows[1][7], datetime.datetime)
    as_csv = [
        [*row[:7], *[value.date().isoformat() if value else "" for value in row[7:]]]
        for row in rows[1:]
    ]
    assert [[value or "" for value in row] for row in as_csv] == csv_rows[1:]
    assert sheet.freeze_panes == "A2"


def test_a_body_roster_shows_holders_on_the_asked_day(client, council):
    url = f"/perioder/2023-2026/{council.slug}/ledamoter.csv"
    early = read_csv(client.get(url + "?datum=2023-03-01"))
    late = read_csv(client.get(url))
    assert [row[5] for row in early[1:]].count("Åke Tidigare") == 1
    assert "Eva Senare" not in [row[5] for row in early[1:]]
    assert "Eva Senare" in [row[5] for row in late[1:]]
    assert sorted(row[:9] for row in late[1:]) == sorted(
        [
            [*row[:7], row[7].isoformat() if row[7] else "", row[8].isoformat() if row[8] else ""]
            for row in expected_rows(
                Seat.objects.filter(body=council).select_related("body__period", "organisation"),
                datetime.date(2026, 11, 22),
            )
        ]
    )


def test_it_marks_vacancies_offices_and_unpublished_holders(client, council, make):
    make.seat(council, Organisation.objects.get(name="Åby kommun"), order=3)  # nothing known
    rows = read_csv(client.get(f"/perioder/2023-2026/{council.slug}/ledamoter.csv"))
    people = [row[5] for row in rows[1:]]
    assert "Tillsatt (namnet publiceras inte)" in people
    assert "Vakant" in people
    assert "Uppgift saknas" in people
    assert "Regiondirektör" in people
    chair = next(row for row in rows if row[5] == "Märta Öberg")
    assert chair[3:8] == ["Ordinarie ledamot", "Ordförande", "Märta Öberg", "S", "2023-01-01"]
    assert chair[8] == ""  # until further notice


def test_no_export_contains_unpublished_people_or_contact_details(client, council):
    organisation = council.seats.first().organisation
    urls = [
        "/perioder/2023-2026/ledamoter.csv",
        "/perioder/2023-2026/ledamoter.xlsx",
        f"/perioder/2023-2026/{council.slug}/ledamoter.csv",
        f"/perioder/2023-2026/{council.slug}/ledamoter.xlsx",
        f"/organisationer/{organisation.slug}/ledamoter.csv",
        f"/organisationer/{organisation.slug}/ledamoter.xlsx",
        "/organisationer/aby-kommun/ledamoter.csv",
        "/organisationer/aby-kommun/ledamoter.xlsx",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content
        if url.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        for secret in ("Hemlig", "Dolda", "marta@example.se", "070-1"):
            assert secret.encode() not in content, (url, secret)


def test_cells_that_look_like_formulas_are_neutralised(client, make, monkeypatch):
    freeze_today(monkeypatch)
    period = make.period()
    organisation = make.organisation("+46 Kommun")
    body = make.body(period, '=HYPERLINK("http://evil.example","Klicka")')
    make.appointment(make.person("@SUM(A1)", "-2+3"), make.seat(body, organisation))
    rows = read_csv(client.get("/perioder/2023-2026/ledamoter.csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","Klicka")'
    assert rows[1][2] == "'+46 Kommun"
    assert rows[1][5] == "'@SUM(A1) -2+3"
    sheet, values = read_xlsx(client.get("/perioder/2023-2026/ledamoter.xlsx"))
    for cell in sheet[2][:7]:
        assert cell.data_type in ("s", "inlineStr"), cell.coordinate  # text, never "f"
    assert values[1][1] == '=HYPERLINK("http://evil.example","Klicka")'
    assert sheet["B2"].quotePrefix
    assert sheet["C2"].quotePrefix


# Formula starts a spreadsheet program still runs: after spaces, in full-width and
# small forms (as a Japanese or Chinese keyboard types them), and after a control
# character.
DISGUISED_FORMULAS = [
    " =1+1",
    "   @SUM(A1)",
    "\u3000=1+1",  # ideographic space
    "\u00a0+1",  # no-break space
    '＝HYPERLINK("http://evil.example")',
    "＋46 19 00 00",
    "－2+3",
    "＠SUM(A1)",
    "﹦1+1",  # small equals sign
    "﹢1",  # small plus sign
    "−1+1",  # minus sign
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]


@pytest.mark.parametrize("text", DISGUISED_FORMULAS)
def test_a_disguised_formula_is_recognised(text):
    assert spreadsheets.looks_like_formula(text)
    assert spreadsheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Region Örebro län", "Anna-Karin", "S", "", " ", "2023–2026"])
def test_ordinary_text_is_left_as_it_is(text):
    assert not spreadsheets.looks_like_formula(text)
    assert spreadsheets.neutralise(text) == text


def test_disguised_formulas_are_neutralised_in_both_files(client, make, monkeypatch):
    freeze_today(monkeypatch)
    period = make.period()
    organisation = make.organisation("Kommun")
    for number, text in enumerate(DISGUISED_FORMULAS):
        make.seat(make.body(period, f"{text}Råd {number}"), organisation)
    rows = read_csv(client.get("/perioder/2023-2026/ledamoter.csv"))
    names = sorted(row[1] for row in rows[1:])
    assert names == sorted(f"'{text}Råd {number}" for number, text in enumerate(DISGUISED_FORMULAS))
    sheet, values = read_xlsx(client.get("/perioder/2023-2026/ledamoter.xlsx"))
    body_cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert len(body_cells) == len(DISGUISED_FORMULAS)
    for cell in body_cells:
        assert cell.data_type in ("s", "inlineStr"), cell.coordinate
        assert cell.quotePrefix, repr(cell.value)


def test_an_organisation_export_lists_its_seats_in_every_period(client, orebro):
    rows = read_csv(client.get("/organisationer/orebro-kommun/ledamoter.csv"))
    seats = Seat.objects.filter(organisation__slug="orebro-kommun")
    assert len(rows) - 1 == seats.count()
    assert {row[0] for row in rows[1:]} == {"2019–2022", "2023–2026", "2027–2030"}
    assert {row[2] for row in rows[1:]} == {"Örebro kommun"}
    assert "John Johansson" in [row[5] for row in rows[1:]]


def test_an_unknown_file_type_is_not_found(client, orebro):
    assert client.get("/perioder/2019-2022/ledamoter.pdf").status_code == 404
    assert client.get("/perioder/2019-2022/ledamoter.exe").status_code == 404
    assert client.get("/organisationer/orebro-kommun/ledamoter.txt").status_code == 404


def test_the_download_links_are_on_the_pages(client, orebro):
    period = client.get("/perioder/2019-2022/").content.decode()
    assert "/perioder/2019-2022/rapport.pdf" in period
    assert "/perioder/2019-2022/ledamoter.xlsx" in period
    body = client.get("/perioder/2019-2022/regionala-samverkansradet/").content.decode()
    assert "/perioder/2019-2022/regionala-samverkansradet/ledamoter.pdf?datum=2022-12-31" in body
    organisation = client.get("/organisationer/orebro-kommun/").content.decode()
    assert "/organisationer/orebro-kommun/ledamoter.csv" in organisation


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_read_a_fixed_number_of_queries(client, kind, django_assert_max_num_queries):
    data = bigdata.generate(scale=0.1)
    body = data.biggest_body
    organisation = data.biggest_organisation
    urls = [
        f"/perioder/{data.current.slug}/ledamoter.{kind}",
        f"{body.get_absolute_url()}ledamoter.{kind}",
        f"/organisationer/{organisation.slug}/ledamoter.{kind}",
    ]
    for url in urls:
        # 6: one of them the holders' dated officer roles (members/officers.py).
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200, url
