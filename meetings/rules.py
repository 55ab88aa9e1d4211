"""Who may change meetings (see bodies/rules.py for how rules are asked).

| model | registry secretary | organisation editor | meeting secretary for Y |
|---|---|---|---|
| meetings, agenda items, attendance, adjusters, attachments | all | – | Y's, open periods |
| decisions and their follow-up per organisation | all | – | Y's, open periods |
| reporting duties | all | – | – |
"""

import rules
from django.core.exceptions import ObjectDoesNotExist

from bodies.rights import roles_of
from bodies.rules import is_meeting_secretary, is_registry_secretary


def keeps_minutes_of(user, meeting) -> bool:
    """The meeting is of one of the secretary's bodies, in an open period."""
    roles = roles_of(user)
    if meeting is None:
        return roles.is_meeting_secretary
    if not getattr(meeting, "body_id", None):
        return False
    return meeting.body_id in roles.body_ids and meeting.body.period.is_open


@rules.predicate
def keeps_meeting(user, meeting) -> bool:
    return keeps_minutes_of(user, meeting)


def parent(obj, name):
    """The object's parent, also the admin's unsaved new meeting or agenda item."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def keeps_through(user, obj, *path) -> bool:
    """Decided by the meeting reached from ``obj`` through the named parents."""
    if obj is None:
        return roles_of(user).is_meeting_secretary
    for name in path:
        obj = parent(obj, name) if obj is not None else None
    return obj is not None and keeps_minutes_of(user, obj)


@rules.predicate
def keeps_meeting_part(user, part) -> bool:
    """An agenda item, attendance row or adjuster: decided by its meeting."""
    return keeps_through(user, part, "meeting")


@rules.predicate
def keeps_decision_response(user, response) -> bool:
    """A follow-up row: decided by its decision's meeting."""
    return keeps_through(user, response, "decision", "meeting")


@rules.predicate
def keeps_attachment(user, attachment) -> bool:
    return keeps_through(user, attachment, "agenda_item", "meeting")


for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"meetings.{action}_meeting", is_registry_secretary | keeps_meeting)
    for model in ("agendaitem", "attendance", "adjuster", "decision"):
        rules.add_perm(f"meetings.{action}_{model}", is_registry_secretary | keeps_meeting_part)
    rules.add_perm(f"meetings.{action}_attachment", is_registry_secretary | keeps_attachment)
    rules.add_perm(
        f"meetings.{action}_decisionresponse", is_registry_secretary | keeps_decision_response
    )
    rules.add_perm(f"meetings.{action}_reportingduty", is_registry_secretary)

rules.add_perm("meetings", is_registry_secretary | is_meeting_secretary)
