"""Every problem of a file in one pass, each with its place, in Swedish.

Three layers, all run on every file (a problem in one never hides one in another):

1. the pydantic models (``models``): shape and types, translated by ``located``;
2. ``Checker``: what a schema cannot say – references, the tree, seat keys, backing
   seats, overlapping terms, one seat per body and person, dates within the period;
3. the writer's dry run (``write``): each object's ``full_clean()``.

A ``Plan`` is what the writer writes: the JSON file's sections as models, each entry
with its place in the file the user wrote (for a TOML file, the TOML's places).
"""

import copy
import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bodies.models import Seat
from samverkan.files import models as m

MESSAGES = {
    "missing": "saknas",
    "extra_forbidden": "okänt fält",
    "day": 'ett datum som "2023-01-01" behövs',
    "moment": "en tidpunkt som 2022-09-29T09:00:00 behövs",
    "text": "en text behövs",
    "string_type": "en text behövs",
    "empty": "får inte vara tomt",
    "whole": "ett heltal behövs",
    "int_type": "ett heltal behövs",
    "negative": "ett heltal (0 eller större) behövs",
    "positive": "ett heltal från 1 behövs",
    "bool_type": "sant eller falskt (true/false) behövs",
    "list_type": "en lista […] behövs",
    "model_type": "ett objekt {…} behövs",
    "dict_type": "ett objekt {…} behövs",
    "model_attributes_type": "ett objekt {…} behövs",
    "too_short": "minst ett värde behövs",
    "per_period": "en text eller {period = text} behövs",
}


def place_of(loc: Iterable[int | str], prefix: str = "") -> str:
    place = prefix
    for part in loc:
        if isinstance(part, int):
            place += f"[{part}]"
        else:
            place = f"{place}.{part}" if place else part
    return place or "filen"


def message_of(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "enum":
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        return f'"{error["input"]}" är inte ett av {", ".join(sorted(allowed))}'
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", '"')
        if error["loc"][-1:] in (("version",), ("format",)) and expected.isdigit():
            return f"formatversion {expected} behövs"
        return f"{expected} behövs"
    return MESSAGES.get(kind, "ogiltigt värde")


def located(error: ValidationError, prefix: str = "") -> list[str]:
    """Each of pydantic's errors as ``place: Swedish message``."""
    return [f"{place_of(e['loc'], prefix)}: {message_of(e)}" for e in error.errors()]


def validate[T: BaseModel](
    model: type[T], data: Any, prefix: str = ""
) -> tuple[T | None, list[str]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, located(error, prefix)


Path = tuple[int | str, ...]


@dataclass
class Salvaged:
    """An entry validated after its bad values were left out, to check what remains.

    ``origin`` maps each shortened list (by ``id``) to the file's indices of what is
    left in it, so that places stay those of the file.
    """

    entry: Any
    data: Any
    origin: dict[int, list[int]]
    pruned: bool

    def index(self, items: list[Any], j: int) -> int:
        return self.origin.get(id(items), list(range(len(items))))[j]


def salvage[T: BaseModel](model: type[T], raw: Any, rounds: int = 8) -> Salvaged | None:
    """``raw`` validated by ``model``, leaving out bad values and bad list items; None
    when what is left is not an entry (a required value is missing or bad)."""
    data = copy.deepcopy(raw)
    origin: dict[int, list[int]] = {}
    pruned = False
    for _ in range(rounds):
        try:
            return Salvaged(model.model_validate(data), data, origin, pruned)
        except ValidationError as error:
            removals: set[Path] = set()
            for detail in error.errors():
                loc = tuple(detail["loc"])
                if detail["type"] == "missing":
                    loc = loc[:-1]
                if not loc:
                    return None
                removals.add(loc)
        pruned = True
        for loc in sorted(removals, key=_path_order, reverse=True):
            parent = _at(data, loc[:-1])
            key = loc[-1]
            if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
                origin.setdefault(id(parent), list(range(len(parent)))).pop(key)
                parent.pop(key)
            elif isinstance(parent, dict) and key in parent:
                del parent[key]
            elif parent is data and not isinstance(parent, dict):
                return None
    return None


def _path_order(path: Path) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in path)


def _at(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:  # noqa: SIM114 (mypy narrows each)
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def at_place(data: Any, place: str) -> Any:
    """The raw value at a place such as ``meetings[0]``."""
    path: list[int | str] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", place):
        path.append(int(index) if index else name)
    return _at(data, tuple(path))


def entries[T: BaseModel](
    data: Mapping[str, Any], section: str, model: type[T]
) -> list[tuple[str, Salvaged]]:
    """What can be checked of the section's entries, with their places."""
    items = data.get(section)
    if not isinstance(items, list):
        return []
    valid = []
    for i, item in enumerate(items):
        salvaged = salvage(model, item)
        if salvaged is not None:
            valid.append((f"{section}[{i}]", salvaged))
    return valid


def items_of(data: Mapping[str, Any], section: str) -> list[Any]:
    """The section's list, or nothing when it is no list (the models report that)."""
    items = data.get(section)
    return items if isinstance(items, list) else []


def keys(data: Mapping[str, Any], section: str, key: str) -> set[str]:
    """Every key named in a section, even of an entry with other problems."""
    items = data.get(section)
    if not isinstance(items, list):
        return set()
    return {
        item[key] for item in items if isinstance(item, dict) and isinstance(item.get(key), str)
    }


def unheard(later: list[str], earlier: list[str]) -> list[str]:
    """The later problems at places the earlier ones do not speak about (at or within):
    the model's word on an appointment the checker already found overlapping is noise."""
    spoken = [problem.split(": ", 1)[0] for problem in earlier]

    def heard(place: str) -> bool:
        return any(
            other == place or other.startswith((f"{place}.", f"{place}[")) for other in spoken
        )

    return [problem for problem in later if not heard(problem.split(": ", 1)[0])]


SECTION_ORDER = [
    "filen",
    "$schema",
    "format",
    "version",
    "region",
    "description",
    "county_parts",
    "organisations",
    "parties",
    "periods",
    "people",
    "bodies",
    "appointments",
    "reporting_duties",
    "meetings",
]


def in_file_order(problems: Iterable[str]) -> list[str]:
    """Problems once each, by section and then by the indices of their place."""

    def key(problem: str) -> tuple[int, tuple[int, ...]]:
        place = problem.split(": ", 1)[0]
        section = re.split(r"[.\[]", place, maxsplit=1)[0]
        rank = SECTION_ORDER.index(section) if section in SECTION_ORDER else len(SECTION_ORDER)
        return rank, tuple(int(n) for n in re.findall(r"\[(\d+)\]", place))

    return sorted(dict.fromkeys(problems), key=key)


@dataclass
class Plan:
    """The structure to write, as the JSON file's models, each entry with its place."""

    county_parts: list[m.CountyPart] = field(default_factory=list)
    organisations: list[m.OrganisationEntry] = field(default_factory=list)
    parties: list[m.Party] = field(default_factory=list)
    periods: list[m.Period] = field(default_factory=list)
    people: list[m.PersonEntry] = field(default_factory=list)
    bodies: list[m.BodyEntry] = field(default_factory=list)
    places: dict[int, str] = field(default_factory=dict)
    # Keys the file names, valid entries or not: a reference to one is not "unknown".
    named: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    named_bodies: set[tuple[str, str]] = field(default_factory=set)
    # Bodies some of whose seats were left out for their problems: keys not checked.
    incomplete: set[int] = field(default_factory=set)
    # Whether a new person is published (the TOML's ``published``); the JSON leaves it.
    published: dict[str, bool] = field(default_factory=dict)

    def at(self, obj: object) -> str:
        return self.places[id(obj)]

    def put[T](self, obj: T, place: str) -> T:
        self.places[id(obj)] = place
        return obj


def plan_json(data: Mapping[str, Any]) -> tuple[Plan, list[str]]:
    """A JSON structure file's plan and the problems of its shape and types."""
    _, problems = validate(m.Structure, data)
    plan = Plan()
    for section, model in m.SECTIONS.items():
        for place, salvaged in entries(data, section, model):
            entry = salvaged.entry
            getattr(plan, section).append(plan.put(entry, place))
            if isinstance(entry, m.BodyEntry):
                place_body(plan, entry, place, salvaged)
    for section, key in KEYS.items():
        plan.named[section] |= keys(data, section, key)
    plan.named_bodies |= {
        (item["period"], item["slug"])
        for item in items_of(data, "bodies")
        if isinstance(item, dict)
        and isinstance(item.get("period"), str)
        and isinstance(item.get("slug"), str)
    }
    return plan, problems


def place_body(plan: Plan, body: m.BodyEntry, place: str, salvaged: Salvaged) -> None:
    """The places of a body's seats, appointments and rules, as indices of the file."""
    raw = salvaged.data
    if salvaged.pruned and len(body.seats) != len(raw.get("seats") or []):
        plan.incomplete.add(id(body))
    seats = raw.get("seats") or []
    for j, seat in enumerate(body.seats):
        where = f"{place}.seats[{salvaged.index(seats, j)}]"
        plan.put(seat, where)
        appointments = seats[j].get("appointments") or []
        for k, appointment in enumerate(seat.appointments):
            plan.put(appointment, f"{where}.appointments[{salvaged.index(appointments, k)}]")
            place_officer_terms(plan, appointment)
    rules = raw.get("rules") or []
    for j, rule in enumerate(body.rules):
        plan.put(rule, f"{place}.rules[{salvaged.index(rules, j)}]")


KEYS = {
    "county_parts": "slug",
    "organisations": "slug",
    "parties": "abbreviation",
    "periods": "slug",
    "people": "slug",
}


def seat_key_counts(seats: Iterable[m.SeatEntry]) -> list[str]:
    """Each seat's expected key ``organisation/role/n``, n counting from 1 in file order."""
    counts: Counter[tuple[str, str]] = Counter()
    expected = []
    for seat in seats:
        counts[(seat.organisation, seat.role)] += 1
        expected.append(f"{seat.organisation}/{seat.role}/{counts[(seat.organisation, seat.role)]}")
    return expected


def overlaps(
    start: datetime.date,
    end: datetime.date | None,
    other: tuple[datetime.date, datetime.date | None],
) -> bool:
    return start <= (other[1] or datetime.date.max) and other[0] <= (end or datetime.date.max)


def span(start: datetime.date, end: datetime.date | None) -> str:
    return f"{start.isoformat()}–{end.isoformat() if end else 'tills vidare'}"


# Dates with the place that holds them (start, end, place), compared for overlaps.
Term = tuple[datetime.date, datetime.date | None, str]


def first_overlap[P](
    start: datetime.date,
    end: datetime.date | None,
    others: Iterable[tuple[datetime.date, datetime.date | None, P]],
) -> tuple[datetime.date, datetime.date | None, P] | None:
    """The first of ``others`` (start, end, place) whose dates overlap start–end."""
    return next((other for other in others if overlaps(start, end, other[:2])), None)


def said(term: Term) -> str:
    """A term as a message names it: its place and its dates."""
    return f"{term[2]}, {span(term[0], term[1])}"


class Problems:
    """Collects every problem of a file, each with its place; none stops the others."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


class Checker(Problems):
    """What a schema cannot say, for a whole plan."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def reference(self, where: str, value: str | None, section: str, what: str) -> None:
        if value and value not in self.plan.named[section]:
            self.problem(where, f'okänd {what} "{value}"')

    def unique(self, section: str, items: list[Any], key: str) -> None:
        seen: set[str] = set()
        for item in items:
            value = getattr(item, key)
            if value in seen:
                self.problem(f"{self.plan.at(item)}.{key}", f'"{value}" finns redan')
            seen.add(value)

    def check(self) -> list[str]:
        plan, at = self.plan, self.plan.at
        for section, key in KEYS.items():
            self.unique(section, getattr(plan, section), key)
        for org in plan.organisations:
            self.reference(f"{at(org)}.county_part", org.county_part, "county_parts", "länsdel")
        for period in plan.periods:
            if period.end <= period.start:
                self.problem(f"{at(period)}.end", "perioden måste sluta efter att den börjar")
        for person in plan.people:
            self.reference(f"{at(person)}.party", person.party, "parties", "parti")
            self.reference(
                f"{at(person)}.organisation", person.organisation, "organisations", "organisation"
            )
        self.check_bodies()
        return self.problems

    def check_bodies(self) -> None:
        plan, at = self.plan, self.plan.at
        periods = {period.slug: period for period in plan.periods}
        bodies: dict[tuple[str, str], m.BodyEntry] = {}
        for body in plan.bodies:
            if body.period not in plan.named["periods"]:
                self.problem(f"{at(body)}.period", f'okänd mandatperiod "{body.period}"')
            elif (body.period, body.slug) in bodies and at(bodies[(body.period, body.slug)]) != at(
                body
            ):
                self.problem(f"{at(body)}.slug", f'"{body.slug}" finns redan i {body.period}')
            bodies.setdefault((body.period, body.slug), body)
        for body in plan.bodies:
            self.check_links(body)
            self.check_predecessor(body, bodies, periods)
            self.check_rules(body)
            if self.reaches_itself(body, bodies):
                self.problem(
                    f"{at(body)}.parent", "organet rapporterar i en cirkel till sig självt"
                )
            self.check_seats(body, periods.get(body.period))

    def check_links(self, body: m.BodyEntry) -> None:
        """The body's references to organisations, county parts and bodies."""
        where = self.plan.at(body)
        self.reference(
            f"{where}.lead_organisation", body.lead_organisation, "organisations", "organisation"
        )
        self.reference(f"{where}.county_part", body.county_part, "county_parts", "länsdel")
        for key in ("parent", "supports"):
            target = getattr(body, key)
            if target and (body.period, target) not in self.plan.named_bodies:
                self.problem(f"{where}.{key}", f'okänt organ "{target}" i {body.period}')
            if target and target == body.slug:
                self.problem(f"{where}.{key}", "ett organ kan inte peka på sig självt")
        for j, member in enumerate(body.members):
            self.reference(f"{where}.members[{j}]", member, "organisations", "organisation")

    def check_rules(self, body: m.BodyEntry) -> None:
        seen: set[str | None] = set()
        for rule in body.rules:
            where = f"{self.plan.at(rule)}.organisation"
            self.reference(where, rule.organisation, "organisations", "organisation")
            if rule.organisation in seen:
                self.problem(where, "organet har redan en sådan regel")
            seen.add(rule.organisation)

    def check_predecessor(
        self,
        body: m.BodyEntry,
        bodies: Mapping[tuple[str, str], m.BodyEntry],
        periods: Mapping[str, m.Period],
    ) -> None:
        predecessor = body.predecessor
        if predecessor is None:
            return
        where = f"{self.plan.at(body)}.predecessor"
        if predecessor.period not in self.plan.named["periods"]:
            self.problem(where, f'okänd mandatperiod "{predecessor.period}"')
        elif (predecessor.period, predecessor.body) not in self.plan.named_bodies:
            self.problem(where, f'okänt organ "{predecessor.body}" i {predecessor.period}')
        elif (
            predecessor.period in periods
            and body.period in periods
            and periods[predecessor.period].start >= periods[body.period].start
        ):
            self.problem(where, "föregångaren måste höra till en tidigare period")

    @staticmethod
    def reaches_itself(body: m.BodyEntry, bodies: Mapping[tuple[str, str], m.BodyEntry]) -> bool:
        """Whether following the parents from the body leads back to it."""
        seen: set[tuple[str, str]] = set()
        current = body
        while current.parent:
            key = (body.period, current.parent)
            if key in seen or key not in bodies:
                return False
            seen.add(key)
            current = bodies[key]
            if current is body:
                return True
        return False

    def check_seats(self, body: m.BodyEntry, period: m.Period | None) -> None:
        at = self.plan.at
        expected = seat_key_counts(body.seats)
        by_key = dict(zip(expected, body.seats, strict=True))
        # Each person's terms in the body: (start, end, place) – one seat at a time.
        terms: dict[str, list[Term]] = defaultdict(list)
        for seat, key in zip(body.seats, expected, strict=True):
            where = at(seat)
            self.reference(
                f"{where}.organisation", seat.organisation, "organisations", "organisation"
            )
            if seat.key != key and id(body) not in self.plan.incomplete:
                self.problem(
                    f"{where}.key",
                    f'"{seat.key}" ska vara "{key}" '
                    "(organisation/platstyp/nummer i filens ordning)",
                )
            if seat.backs and id(body) not in self.plan.incomplete:
                if seat.backs not in by_key:
                    self.problem(f"{where}.backs", f'okänd plats "{seat.backs}" i organet')
                elif seat.role != Seat.Role.SUBSTITUTE:
                    self.problem(f"{where}.backs", "bara en ersättarplats kan backa en plats")
                elif by_key[seat.backs].role != Seat.Role.ORDINARY:
                    self.problem(f"{where}.backs", f'"{seat.backs}" är ingen ordinarie plats')
            self.check_appointments(seat, period, terms)
        self.check_officer_terms(body)

    def check_appointments(
        self,
        seat: m.SeatEntry,
        period: m.Period | None,
        terms: dict[str, list[Term]],
    ) -> None:
        at = self.plan.at
        spans: list[tuple[datetime.date, datetime.date | None, int]] = []
        for k, appointment in enumerate(seat.appointments):
            where = at(appointment)
            self.reference(f"{where}.person", appointment.person, "people", "person")
            start, end = appointment.start, appointment.end
            if end and end < start:
                self.problem(f"{where}.end", "uppdraget kan inte sluta innan det börjar")
                continue
            if period is not None:
                for name, day in (("start", start), ("end", end)):
                    if day and not period.start <= day <= period.end:
                        self.problem(f"{where}.{name}", "datumet ligger utanför mandatperioden")
            if same_seat := first_overlap(start, end, spans):
                self.problem(
                    where,
                    f"överlappar appointments[{same_seat[2]}] på samma plats "
                    f"({span(same_seat[0], same_seat[1])})",
                )
            elif same_body := first_overlap(start, end, terms[appointment.person]):
                self.problem(
                    where,
                    f'"{appointment.person}" har redan en plats i organet ({said(same_body)})',
                )
            spans.append((start, end, k))
            terms[appointment.person].append((start, end, where))

    def check_officer_terms(self, body: m.BodyEntry) -> None:
        """Each dated role within its appointment, one holder of a role in the body at a
        time, one role at a time per appointment (members/officers.py)."""
        holders: dict[str, list[Term]] = defaultdict(list)
        for seat in body.seats:
            for appointment in seat.appointments:
                own: list[Term] = []
                for term in appointment.officer_terms:
                    where = self.plan.places.get(id(term)) or self.plan.at(appointment)
                    start, end = term.start, term.end
                    if end and end < start:
                        self.problem(f"{where}.end", "rollen kan inte sluta innan den börjar")
                        continue
                    if start < appointment.start or (
                        appointment.end and (end is None or end > appointment.end)
                    ):
                        self.problem(
                            where,
                            "rollen ligger utanför uppdraget "
                            f"({span(appointment.start, appointment.end)})",
                        )
                    if same_appointment := first_overlap(start, end, own):
                        self.problem(
                            where, f"uppdraget har redan en roll då ({same_appointment[2]})"
                        )
                    if same_role := first_overlap(start, end, holders[term.role]):
                        self.problem(
                            where, f'organet har redan en "{term.role}" då ({said(same_role)})'
                        )
                    own.append((start, end, where))
                    holders[term.role].append((start, end, where))


def place_officer_terms(plan: Plan, appointment: m.AppointmentEntry) -> None:
    """The places of an appointment's dated roles, under the appointment's."""
    for n, term in enumerate(appointment.officer_terms):
        plan.put(term, f"{plan.at(appointment)}.officer_terms[{n}]")


def check(plan: Plan) -> list[str]:
    return Checker(plan).check()
