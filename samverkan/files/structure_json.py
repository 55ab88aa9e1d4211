"""Export and import a region's structure as versioned JSON (docs/structure-json.md).

The JSON format is the machine-written sibling of the hand-maintained TOML file
(``structure_file``); both are checked and written by the same code (``load``):
the whole file is checked – shape and types by the pydantic models, references, the
tree, seat keys and overlaps by the checker, every object by its model's
``full_clean()`` in a dry run – and *every* problem is reported with its place
(``bodies[4].parent: okänt organ "kc-rd" i 2023-2026``). A file with problems writes
nothing.

Unlike the TOML loader, the import updates a filled database by stable keys (slugs;
a body by period and slug; a seat by its key within the body; an appointment by seat,
person and start), so importing the same file twice changes nothing. It never deletes
seats, appointments or anything else with history. Seats are explicit: nothing is
generated from the composition rules.

The export holds only what may be public: no e-mail, phone or internal note of a
person, and no unpublished person or their appointments.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db import models
from django.db.models import Case, Prefetch, Value, When

from bodies.models import Body, CompositionRule, CountyPart, MandatePeriod, Organisation, Seat
from members.models import Appointment, Party, Person
from members.officers import OfficerTerm
from samverkan.files import limits, load
from samverkan.files.limits import StructureFileError
from samverkan.files.models import FORMAT, VERSION
from samverkan.files.write import ImportReport, seat_keys

__all__ = ["ImportReport", "StructureFileError", "export", "dumps", "parse", "read"]


# ---------------------------------------------------------------------------
# Export


def plain(value: Any) -> Any:
    """A field's value as the file writes it: a date as ISO text, a linked record by its
    key (a party by its abbreviation, anything else by its slug)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Party):
        return value.abbreviation
    if isinstance(value, models.Model):
        return value.slug  # type: ignore[attr-defined]
    return value


def fields(obj: models.Model, *names: str) -> dict[str, Any]:
    """The named fields of ``obj``, in that order, as the file writes them."""
    return {name: plain(getattr(obj, name)) for name in names}


def export(periods: Iterable[int] | None = None, description: str | None = None) -> dict[str, Any]:
    """The structure of the given periods (all by default) as a JSON-ready dict.

    Organisations, county parts, parties and published people are exported whole:
    they belong to the region, not to a period. A predecessor in a period that is
    not exported is left out like a missing one: the key is omitted, which the import
    reads as "keep what the database has" (``null`` in a file clears it).
    """
    all_periods = MandatePeriod.objects.order_by("start")
    chosen = list(all_periods if periods is None else all_periods.filter(pk__in=periods))
    exported = {period.pk for period in chosen}
    kind_order = Case(
        *[When(kind=kind, then=Value(n)) for n, kind in enumerate(Organisation.Kind.values)],
        default=Value(len(Organisation.Kind.values)),
    )
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "description": description
        if description is not None
        else "Samverkansstruktur " + ", ".join(period.name for period in chosen),
        "county_parts": [
            fields(part, "slug", "name")
            for part in CountyPart.objects.order_by("order", "name", "pk")
        ],
        "organisations": [
            fields(org, "slug", "name", "short_name", "kind", "code", "county_part")
            for org in Organisation.objects.select_related("county_part").order_by(
                kind_order, "name", "pk"
            )
        ],
        "parties": [
            fields(party, "abbreviation", "name")
            for party in Party.objects.order_by("order", "abbreviation", "pk")
        ],
        "periods": [
            fields(
                period, "slug", "name", "start", "end", "status", "decision_reference", "decided_on"
            )
            for period in chosen
        ],
        "people": [
            fields(person, "slug", "first_name", "last_name", "party", "organisation", "title")
            for person in Person.objects.public()
            .select_related("party", "organisation")
            .order_by("last_name", "first_name", "slug")
        ],
        "bodies": [],
    }
    seats = Seat.objects.select_related("organisation").order_by("order", "pk")
    bodies = (
        Body.objects.filter(period__in=chosen)
        .select_related(
            "period",
            "parent",
            "supports",
            "predecessor__period",
            "lead_organisation",
            "county_part",
        )
        .prefetch_related(
            "member_organisations",
            Prefetch("rules", queryset=CompositionRule.objects.select_related("organisation")),
            Prefetch(
                "seats",
                queryset=seats.prefetch_related(
                    Prefetch(
                        "appointments",
                        queryset=Appointment.objects.public()
                        .select_related("person")
                        .prefetch_related(
                            Prefetch(
                                "officer_terms",
                                queryset=OfficerTerm.objects.order_by("start", "pk"),
                            )
                        )
                        .order_by("start", "pk"),
                    )
                ),
            ),
        )
        .order_by("period__start", "tree_id", "lft")
    )
    for body in bodies:
        data["bodies"].append(_export_body(body, exported))
    return data


def _export_body(body: Body, exported_periods: set[int]) -> dict[str, Any]:
    entry = fields(body, "period", "slug", "name", "short_name", "kind", "parent", "supports")
    if body.predecessor and body.predecessor.period_id in exported_periods:
        entry["predecessor"] = {
            "period": body.predecessor.period.slug,
            "body": body.predecessor.slug,
        }
    entry.update(
        fields(
            body,
            "purpose",
            "min_meetings_per_year",
            "min_members",
            "composition_note",
            "legal_basis",
            "lead_organisation",
            "county_part",
            "closing_note",
        )
    )
    entry["members"] = sorted(org.slug for org in body.member_organisations.all())
    entry["rules"] = [
        fields(rule, "organisation", "ordinary", "substitutes")
        for rule in sorted(
            body.rules.all(), key=lambda rule: rule.organisation.slug if rule.organisation else ""
        )
    ]
    seats = list(body.seats.all())
    keys = seat_keys(seats)
    entry["seats"] = []
    for seat in seats:
        item = {"key": keys[seat.pk], "organisation": seat.organisation.slug, "role": seat.role}
        if seat.position != Seat.Position.MEMBER:
            item["position"] = seat.position
        if seat.office_label:
            item["office"] = seat.office_label
        if seat.backs_id:
            item["backs"] = keys.get(seat.backs_id)
        appointments = []
        for appointment in seat.appointments.all():
            row = fields(appointment, "person", "start", "end")
            if appointment.appointed_by:
                row["appointed_by"] = appointment.appointed_by
            if appointment.note:
                row["note"] = appointment.note
            officer_terms = [
                fields(term, "role", "start", "end") for term in appointment.officer_terms.all()
            ]
            if officer_terms:
                row["officer_terms"] = officer_terms
            appointments.append(row)
        if appointments:
            item["appointments"] = appointments
        entry["seats"].append(item)
    return entry


def dumps(data: Mapping[str, Any]) -> str:
    """The file's text: UTF-8 JSON, two-space indents, keys in the export's order."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# Reading and importing


def parse(raw: bytes | str, name: str = "filen") -> dict[str, Any]:
    """The file's data, within the limits; every way it is unreadable is located."""
    return limits.parse(raw, name, "json")


def read(path: str | Path) -> dict[str, Any]:
    return limits.read(path, "json")


def import_structure(
    data: Mapping[str, Any], dry_run: bool = False, actor: Any = None, reason: str = ""
) -> ImportReport:
    """Check the whole file, then write it in one transaction (rolled back in a dry run),
    recorded as one change set of ``actor``."""
    return load.import_json(data, dry_run=dry_run, actor=actor, reason=reason)
