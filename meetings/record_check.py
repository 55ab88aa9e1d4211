"""Contradictions in a meeting's record, in Swedish, for the secretary.

The record is kept as written – real minutes are messy – so these never block a save;
they are shown on the meeting in the admin (``Meeting.warnings()``) and make it appear
among meetings needing attention.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext

from meetings.models import Attendance, Meeting
from members.models import Appointment


def record_warnings(meeting):
    """What contradicts itself in the meeting's record; [] for an unsaved meeting."""
    messages = []
    if not meeting.pk:
        return messages
    attendances = list(meeting.attendances.select_related("person", "replaces"))
    by_person = {a.person_id: a for a in attendances}
    absent = Attendance.Status.ABSENT

    def is_absent(person_id):
        return person_id in by_person and by_person[person_id].status == absent

    if meeting.chair_id and is_absent(meeting.chair_id):
        messages.append(
            gettext("Ordföranden %(name)s är antecknad som frånvarande.")
            % {"name": by_person[meeting.chair_id].person.full_name}
        )
    if meeting.chair_id and attendances and meeting.chair_id not in by_person:
        messages.append(
            gettext("Ordföranden %(name)s finns inte med på närvarolistan.")
            % {"name": meeting.chair.full_name}
        )
    if meeting.secretary_id and is_absent(meeting.secretary_id):
        messages.append(
            gettext("Sekreteraren %(name)s är antecknad som frånvarande.")
            % {"name": by_person[meeting.secretary_id].person.full_name}
        )
    for adjuster in meeting.adjusters.all():
        if is_absent(adjuster.pk):
            if meeting.minutes_approved_on:
                text = gettext(
                    "Justeraren %(name)s är antecknad som frånvarande men har justerat "
                    "protokollet (%(day)s)."
                )
            else:
                text = gettext("Justeraren %(name)s är antecknad som frånvarande.")
            messages.append(
                text
                % {
                    "name": adjuster.full_name,
                    "day": formats.date_format(meeting.minutes_approved_on or meeting.day, "j F Y"),
                }
            )
    for attendance in attendances:
        if attendance.status != Attendance.Status.SERVING or not attendance.replaces_id:
            continue
        replaced = by_person.get(attendance.replaces_id)
        if replaced and replaced.status == Attendance.Status.PRESENT:
            messages.append(
                gettext(
                    "%(substitute)s tjänstgör som ersättare för %(member)s, "
                    "som är antecknad som närvarande."
                )
                % {
                    "substitute": attendance.person.full_name,
                    "member": attendance.replaces.full_name,
                }
            )
    seated = set(
        Appointment.objects.current(on=meeting.day)
        .filter(seat__body_id=meeting.body_id)
        .values_list("person_id", flat=True)
    )
    for attendance in attendances:
        if attendance.role != Attendance.Role.OTHER and attendance.person_id not in seated:
            messages.append(
                gettext(
                    "%(name)s är antecknad som %(role)s men har ingen plats i organet den %(day)s."
                )
                % {
                    "name": attendance.person.full_name,
                    "role": attendance.get_role_display(),
                    "day": formats.date_format(meeting.day, "j F Y"),
                }
            )
    if meeting.status == Meeting.Status.PLANNED and meeting.end < timezone.now():
        messages.append(gettext("Mötet har passerat men står fortfarande som planerat."))
    return messages
