"""Who may change people and appointments (see bodies/rules.py for how rules are asked).

| model | registry secretary | organisation editor for X | meeting secretary |
|---|---|---|---|
| people | all | people of X (view, add, change, delete) | – |
| appointments | all | to seats held by X in open periods; an ended one is not deleted | – |
| dated officer roles (chair, vice chair, secretary) | all | – | – |
| parties, users and roles | all | – | – |
"""

import rules

from bodies.rights import roles_of
from bodies.rules import edits_seat, is_organisation_editor, is_registry_secretary


@rules.predicate
def edits_person(user, person) -> bool:
    roles = roles_of(user)
    if person is None:
        return roles.is_organisation_editor
    return person.organisation_id in roles.organisation_ids


@rules.predicate
def edits_appointment(user, appointment) -> bool:
    if appointment is None:
        return roles_of(user).is_organisation_editor
    if not appointment.seat_id:
        return False
    return edits_seat(user, appointment.seat)


@rules.predicate
def appointment_not_ended(user, appointment) -> bool:
    """Appointments are history: an ended one is corrected, not deleted, by an editor."""
    return appointment is None or not appointment.has_ended


for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"members.{action}_person", is_registry_secretary | edits_person)
    # Who chairs a body is the body's decision, not an organisation's: the registry keeps it.
    rules.add_perm(f"members.{action}_officerterm", is_registry_secretary)
    rules.add_perm(f"members.{action}_party", is_registry_secretary)
    rules.add_perm(f"members.{action}_userroles", is_registry_secretary)
    rules.add_perm(f"auth.{action}_user", is_registry_secretary)
    rules.add_perm(f"auth.{action}_group", is_registry_secretary)
for action in ("view", "add", "change"):
    rules.add_perm(f"members.{action}_appointment", is_registry_secretary | edits_appointment)
rules.add_perm(
    "members.delete_appointment",
    is_registry_secretary | (edits_appointment & appointment_not_ended),
)

rules.add_perm("members", is_registry_secretary | is_organisation_editor)
rules.add_perm("auth", is_registry_secretary)
