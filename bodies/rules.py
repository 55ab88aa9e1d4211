"""Who may change the structure: predicates on the objects, registered as permissions.

``user.has_perm("bodies.change_seat", seat)`` asks these rules (the ``rules`` package's
backend); Django's model permissions grant nothing (``samverkan/auth.py``). A
predicate given no object answers for the model as a whole ("may change some seat").

| model | registry secretary | organisation editor | meeting secretary |
|---|---|---|---|
| county parts, organisations, periods, bodies, rules, member organisations | all | – | – |
| seats | all | view/change (appointments only) of own organisations, open periods | – |
"""

import rules

from bodies.rights import roles_of


@rules.predicate
def is_registry_secretary(user) -> bool:
    return roles_of(user).registry_secretary


@rules.predicate
def is_organisation_editor(user) -> bool:
    return roles_of(user).is_organisation_editor


@rules.predicate
def is_meeting_secretary(user) -> bool:
    return roles_of(user).is_meeting_secretary


def edits_seat(user, seat) -> bool:
    """The seat is held by one of the editor's organisations, in an open period."""
    roles = roles_of(user)
    if seat is None:
        return roles.is_organisation_editor
    if seat.pk is None and not seat.body_id:
        return False
    return seat.organisation_id in roles.organisation_ids and seat.body.period.is_open


@rules.predicate
def may_edit_seat(user, seat) -> bool:
    return edits_seat(user, seat)


STRUCTURE = ["countypart", "organisation", "mandateperiod", "body", "compositionrule"]
for model in [*STRUCTURE, "membership", "changeset"]:
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"bodies.{action}_{model}", is_registry_secretary)

for action in ("view", "change"):
    rules.add_perm(f"bodies.{action}_seat", is_registry_secretary | may_edit_seat)
for action in ("add", "delete"):
    rules.add_perm(f"bodies.{action}_seat", is_registry_secretary)

# Lock and unlock periods, revert to an earlier version, import structure files.
rules.add_perm("bodies.lock_period", is_registry_secretary)
rules.add_perm("bodies.revert_history", is_registry_secretary)

rules.add_perm("bodies", is_registry_secretary | is_organisation_editor)
