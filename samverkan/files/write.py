"""The one writer behind the TOML, JSON and meeting files.

``Writer`` saves each object through its model's ``full_clean()``; a model error is a
problem with the object's place, and the writer goes on, so one run reports every
problem of a file. The caller runs it in a transaction that is rolled back when there
is any problem, or in a dry run.

``StructureWriter`` writes a ``check.Plan`` (the JSON's sections; the TOML file is
translated into one), creating or updating each object by its stable key: a county
part, organisation, period or person by slug, a party by abbreviation, a body by period
and slug, a seat by its key within the body, an appointment by seat, person and start.
It never deletes seats, appointments or anything else with history.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from mptt.exceptions import InvalidMove  # type: ignore[import-untyped]

from bodies.models import (
    Body,
    CompositionRule,
    CountyPart,
    MandatePeriod,
    Membership,
    Organisation,
    Seat,
)
from members.models import Appointment, Party, Person
from members.officers import OfficerTerm
from samverkan.files import models as m
from samverkan.files.check import KEYS, Plan, Problems


def seat_keys(seats: list[Seat]) -> dict[int, str]:
    """Each seat's key within its body: ``organisation/role/n``, n counting from 1.

    ``seats`` are the body's seats in their order (``order``, then ``pk``); the n-th
    seat of an organisation and role gets n. The import derives the same keys from
    the order of a body's seats in the file, so a key is stable as long as the
    seats keep their order.
    """
    counts: Counter[tuple[str, str]] = Counter()
    keys = {}
    for seat in seats:
        organisation = seat.organisation.slug
        counts[(organisation, seat.role)] += 1
        keys[seat.pk] = f"{organisation}/{seat.role}/{counts[(organisation, seat.role)]}"
    return keys


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): each change and counts per kind."""

    dry_run: bool = False
    changes: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    change_set: Any = None  # the history's record of a real run that changed something

    LABELS: ClassVar[dict[str, str]] = {
        "county_part": "länsdelar",
        "organisation": "organisationer",
        "party": "partier",
        "period": "mandatperioder",
        "person": "personer",
        "body": "organ",
        "rule": "sammansättningsregler",
        "seat": "platser",
        "appointment": "uppdrag",
        "officer_term": "roller med datum",
        # The meeting file's.
        "duty": "återrapporteringskrav",
        "meeting": "möten",
        "agenda_item": "ärenden",
        "attachment": "bilagor",
        "attendance": "närvaroposter",
    }

    def record(self, kind: str, key: str, action: str, fields: tuple[str, ...] = ()) -> None:
        self.counts[(kind, action)] += 1
        if action != "unchanged":
            self.changes.append((kind, key, action, tuple(fields)))

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def lines(self) -> Iterator[str]:
        signs = {"created": "+", "updated": "~", "deleted": "-"}
        for kind, key, action, fields in self.changes:
            detail = f" ({', '.join(fields)})" if fields else ""
            yield f"{signs[action]} {self.LABELS[kind]}: {key}{detail}"

    def summary(self) -> str:
        parts = []
        for kind, label in self.LABELS.items():
            created = self.counts[(kind, "created")]
            updated = self.counts[(kind, "updated")]
            deleted = self.counts[(kind, "deleted")]
            unchanged = self.counts[(kind, "unchanged")]
            if created or updated or deleted or unchanged:
                counts = [f"{created} nya", f"{updated} ändrade", f"{unchanged} oförändrade"]
                if deleted:
                    counts.append(f"{deleted} borttagna")
                parts.append(f"{label}: " + ", ".join(counts))
        return "; ".join(parts) if parts else "filen innehåller ingenting"

    def created(self, kinds: Mapping[str, str]) -> str:
        """``18 organisationer, 3 mandatperioder, …``: what a load into an empty database made."""
        return ", ".join(
            f"{self.counts[(kind, 'created')]} {label}" for kind, label in kinds.items()
        )

    def __str__(self) -> str:
        return self.summary()


class Writer(Problems):
    """Saves objects through ``full_clean()``, collecting each problem with its place."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report

    def save[M: models.Model](self, obj: M, where: str, exclude: list[str] | None = None) -> bool:
        """Validate and save; False (and a problem) when the model refuses the object."""
        try:
            obj.full_clean(exclude=exclude)
            with transaction.atomic():
                obj.save()
        except ValidationError as error:
            for message in error.messages:
                self.problem(where, message)
            return False
        except InvalidMove as error:
            self.problem(f"{where}.parent", str(error))
            return False
        except DatabaseError as error:  # a database constraint the model did not check
            self.problem(where, f"databasen vägrar: {error}".splitlines()[0])
            return False
        return True

    def upsert[M: models.Model](
        self,
        obj: M,
        values: Mapping[str, Any],
        where: str,
        kind: str,
        key: str,
        record: bool = True,
    ) -> M | None:
        """Create ``obj`` (unsaved) or update it with the values that differ.

        The saved object, or None when the model refused it. ``record=False`` for a
        second write to an object this import just created.
        """
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            action, changed = "created", []
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if not changed:
                if record:
                    self.report.record(kind, key, "unchanged")
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            action = "updated"
        if not self.save(obj, where):
            return None
        if record:
            self.report.record(
                kind, key, action, tuple(name.removesuffix("_id") for name in changed)
            )
        return obj


# The kind each section's changes are reported as (``ImportReport.record``).
KINDS = {
    "county_parts": "county_part",
    "organisations": "organisation",
    "parties": "party",
    "periods": "period",
    "people": "person",
}


def pk(objects: Mapping[str, models.Model], slug: str | None) -> int | None:
    obj = objects.get(slug) if slug else None
    return obj.pk if obj else None


class StructureWriter(Writer):
    """Writes a plan: whatever the checker found, every object is tried, none is skipped
    but those whose references are missing."""

    def __init__(self, plan: Plan, report: ImportReport) -> None:
        super().__init__(report)
        self.plan = plan

    def write(self) -> None:
        self.parts = self.write_section("county_parts", CountyPart, self.county_part_values)
        self.organisations = self.write_section(
            "organisations", Organisation, self.organisation_values
        )
        self.parties = self.write_section("parties", Party, self.party_values)
        self.periods = self.write_section("periods", MandatePeriod, self.period_values)
        self.people = self.write_section("people", Person, self.person_values, self.new_person)
        self.write_bodies()

    def write_section[M: models.Model](
        self,
        section: str,
        model: type[M],
        values: Callable[[int, Any], dict[str, Any]],
        new: Callable[[Any], M] | None = None,
    ) -> dict[str, M]:
        """Each entry of a section created or updated by its key (``check.KEYS``); the
        section's objects by key, less those the model refused."""
        key = KEYS[section]
        objects = {getattr(obj, key): obj for obj in model._default_manager.all()}
        for i, entry in enumerate(getattr(self.plan, section)):
            value = getattr(entry, key)
            obj = objects.get(value) or (new(entry) if new else model(**{key: value}))
            self.keep(
                objects,
                value,
                self.upsert(obj, values(i, entry), self.plan.at(entry), KINDS[section], value),
            )
        return objects

    @staticmethod
    def county_part_values(i: int, part: m.CountyPart) -> dict[str, Any]:
        return {"name": part.name, "order": i}

    def organisation_values(self, i: int, org: m.OrganisationEntry) -> dict[str, Any]:
        return {
            "name": org.name,
            "short_name": org.short_name or "",
            "kind": org.kind,
            "code": org.code or "",
            "county_part_id": pk(self.parts, org.county_part),
        }

    @staticmethod
    def party_values(i: int, party: m.Party) -> dict[str, Any]:
        return {"name": party.name, "order": i}

    @staticmethod
    def period_values(i: int, period: m.Period) -> dict[str, Any]:
        return {
            "name": period.name,
            "start": period.start,
            "end": period.end,
            "status": period.status or MandatePeriod.Status.PROPOSED,
            "decision_reference": period.decision_reference or "",
            "decided_on": period.decided_on,
        }

    def person_values(self, i: int, person: m.PersonEntry) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "party_id": pk(self.parties, person.party),
            "organisation_id": pk(self.organisations, person.organisation),
            "title": person.title or "",
        }

    def new_person(self, person: m.PersonEntry) -> Person:
        """Publication, contact details and notes are the secretary's, not the JSON
        file's; the TOML file may say whether a new person is published."""
        return Person(slug=person.slug, is_published=self.plan.published.get(person.slug, True))

    @staticmethod
    def keep(objects: dict[str, Any], key: str, obj: models.Model | None) -> None:
        """Remember a saved object by its key; forget one the model refused."""
        if obj is None:
            objects.pop(key, None)
        else:
            objects[key] = obj

    def ordered_bodies(self) -> list[m.BodyEntry]:
        """Bodies period by period (earliest first), parents before children."""
        by_key = {(body.period, body.slug): body for body in self.plan.bodies}
        starts = {slug: period.start for slug, period in self.periods.items()}
        done: set[tuple[str, str]] = set()
        ordered: list[m.BodyEntry] = []

        def visit(key: tuple[str, str]) -> None:
            if key in done or key not in by_key:
                return
            done.add(key)
            body = by_key[key]
            if body.parent:
                visit((body.period, body.parent))
            ordered.append(body)

        for body in sorted(
            self.plan.bodies, key=lambda body: starts.get(body.period) or datetime.date.max
        ):
            visit((body.period, body.slug))
        return ordered

    def write_bodies(self) -> None:
        plan = self.plan
        slugs = {body.period for body in plan.bodies} | {
            body.predecessor.period for body in plan.bodies if body.predecessor
        }
        self.bodies = {
            (body.period.slug, body.slug): body
            for body in Body.objects.filter(period__slug__in=slugs).select_related("period")
        }
        self.created_bodies: set[tuple[str, str]] = set()
        for entry in self.ordered_bodies():
            self.write_body(entry)
        written = [entry for entry in plan.bodies if (entry.period, entry.slug) in self.bodies]
        for entry in written:
            self.write_links(entry, self.bodies[(entry.period, entry.slug)])
        for entry in written:
            self.write_seats(entry, self.bodies[(entry.period, entry.slug)])

    def write_body(self, entry: m.BodyEntry) -> None:
        period = self.periods.get(entry.period)
        if period is None:
            return
        key = (entry.period, entry.slug)
        parent = self.bodies.get((entry.period, entry.parent or ""))
        values: dict[str, Any] = {
            "name": entry.name,
            "short_name": entry.short_name or "",
            "kind": entry.kind,
            "parent_id": parent.pk if parent else None,
            "purpose": entry.purpose or "",
            "min_meetings_per_year": entry.min_meetings_per_year,
            "min_members": entry.min_members,
            "composition_note": entry.composition_note or "",
            "legal_basis": entry.legal_basis or "",
            "lead_organisation_id": pk(self.organisations, entry.lead_organisation),
            "county_part_id": pk(self.parts, entry.county_part),
            "closing_note": entry.closing_note or "",
        }
        if "predecessor" in entry.model_fields_set:
            predecessor = entry.predecessor
            target = (
                self.bodies.get((predecessor.period, predecessor.body)) if predecessor else None
            )
            if predecessor and target is None:
                if (predecessor.period, predecessor.body) in self.plan.named_bodies:
                    return  # the file's entry has problems of its own, reported there
                self.problem(
                    f"{self.plan.at(entry)}.predecessor",
                    f'okänt organ "{predecessor.body}" i {predecessor.period} '
                    "(varken i filen eller i databasen)",
                )
                return
            values["predecessor_id"] = target.pk if target else None
        body = self.bodies.get(key) or Body(period=period, slug=entry.slug)
        if body.pk is None:
            self.created_bodies.add(key)
        self.keep(
            self.bodies,  # type: ignore[arg-type]
            key,  # type: ignore[arg-type]
            self.upsert(body, values, self.plan.at(entry), "body", f"{entry.period}/{entry.slug}"),
        )

    def link(
        self,
        obj: models.Model,
        name: str,
        target: models.Model | None,
        where: str,
        kind: str,
        label: str,
        record: bool,
    ) -> None:
        """Point ``obj``'s link ``name`` at ``target`` (None: at nothing) unless it does;
        a second write, once every object it may point at is saved."""
        target_id = target.pk if target else None
        if getattr(obj, f"{name}_id") != target_id:
            self.upsert(obj, {f"{name}_id": target_id}, f"{where}.{name}", kind, label, record)

    def write_links(self, entry: m.BodyEntry, body: Body) -> None:
        """The body's support link, member organisations and composition rules."""
        key = (entry.period, entry.slug)
        label = f"{entry.period}/{entry.slug}"
        self.link(
            body,
            "supports",
            self.bodies.get((entry.period, entry.supports or "")),
            self.plan.at(entry),
            "body",
            label,
            record=key not in self.created_bodies,
        )
        wanted = {
            self.organisations[slug].pk for slug in entry.members if slug in self.organisations
        }
        held = set(body.member_organisations.values_list("pk", flat=True))
        if wanted != held:
            # Row by row, not ``set()``: each membership keeps its historical record.
            for membership in Membership.objects.filter(body=body).exclude(
                organisation_id__in=wanted
            ):
                membership.delete()
            for member_id in wanted - held:
                Membership.objects.create(body=body, organisation_id=member_id)
            if key not in self.created_bodies:
                self.report.record("body", label, "updated", ("members",))
        existing = {rule.organisation_id: rule for rule in body.rules.all()}
        kept = set()
        for rule in entry.rules:
            organisation_id = pk(self.organisations, rule.organisation)
            if rule.organisation and organisation_id is None:
                continue
            kept.add(organisation_id)
            self.upsert(
                existing.get(organisation_id)
                or CompositionRule(body=body, organisation_id=organisation_id),
                {"ordinary": rule.ordinary, "substitutes": rule.substitutes},
                self.plan.at(rule),
                "rule",
                f"{label}: {rule.organisation or 'varje medlemsorganisation'}",
            )
        for organisation_id, old in existing.items():
            if organisation_id not in kept:
                old.delete()
                self.report.record("rule", f"{label}: {old.organisation or 'varje'}", "deleted")

    def write_seats(self, entry: m.BodyEntry, body: Body) -> None:
        label = f"{entry.period}/{entry.slug}"
        existing_seats = list(body.seats.select_related("organisation").order_by("order", "pk"))
        keys = seat_keys(existing_seats)
        existing = {keys[seat.pk]: seat for seat in existing_seats}
        seats: dict[str, Seat] = {}
        created = set()
        for j, item in enumerate(entry.seats):
            organisation = self.organisations.get(item.organisation)
            if organisation is None:
                continue
            seat = existing.get(item.key) or Seat(body=body)
            if seat.pk is None:
                created.add(item.key)
            saved = self.upsert(
                seat,
                {
                    "organisation_id": organisation.pk,
                    "role": item.role,
                    "position": item.position or Seat.Position.MEMBER,
                    "office_label": item.office or "",
                    "order": j,
                },
                self.plan.at(item),
                "seat",
                f"{label}/{item.key}",
            )
            if saved is not None:
                seats[item.key] = saved
        for item in entry.seats:
            seat = seats.get(item.key)
            if seat is None:
                continue
            self.link(
                seat,
                "backs",
                seats.get(item.backs) if item.backs else None,
                self.plan.at(item),
                "seat",
                f"{label}/{item.key}",
                record=item.key not in created,
            )
        for item in entry.seats:
            if item.key in seats:
                self.write_appointments(item, seats[item.key], f"{label}/{item.key}")

    def write_appointments(self, item: m.SeatEntry, seat: Seat, seat_key: str) -> None:
        existing: dict[tuple[int | None, datetime.date], Appointment] = {
            (appointment.person_id, appointment.start): appointment
            for appointment in seat.appointments.all()
        }

        def current(row: m.AppointmentEntry) -> Appointment | None:
            person = self.people.get(row.person)
            return existing.get((person.pk if person else None, row.start))

        # Updates first (they may shorten a term and so make room), then new terms.
        rows = sorted(item.appointments, key=lambda row: current(row) is None)
        saved = []
        for row in rows:
            person = self.people.get(row.person)
            if person is None:
                continue
            appointment = self.upsert(
                current(row) or Appointment(seat=seat, person=person, start=row.start),
                {"end": row.end, "appointed_by": row.appointed_by or "", "note": row.note or ""},
                self.plan.at(row),
                "appointment",
                f"{seat_key}: {row.person} från {row.start.isoformat()}",
            )
            if appointment is not None:
                saved.append((row, appointment))
        # After every appointment of the seat: a term is checked against the others.
        for row, appointment in saved:
            self.write_officer_terms(row, appointment, f"{seat_key}: {row.person}")

    def write_officer_terms(
        self, row: m.AppointmentEntry, appointment: Appointment, label: str
    ) -> None:
        """The appointment's dated roles, found by role and start; none is deleted."""
        existing = {(term.role, term.start): term for term in appointment.officer_terms.all()}
        # Updates first (they may end a term and so make room for the next holder).
        terms = sorted(
            enumerate(row.officer_terms),
            key=lambda pair: (pair[1].role, pair[1].start) not in existing,
        )
        for n, term in terms:
            self.upsert(
                existing.get((term.role, term.start))
                or OfficerTerm(appointment=appointment, role=term.role, start=term.start),
                {"end": term.end},
                self.plan.places.get(id(term)) or f"{self.plan.at(row)}.officer_terms[{n}]",
                "officer_term",
                f"{label} {term.role} från {term.start.isoformat()}",
            )
