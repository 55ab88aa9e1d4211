"""Admin forms for appointments.

``Appointment.clean()`` compares one appointment with what is already in the
database. An inline formset saves several rows at once, so it also has to compare
the rows with each other, and it must not hold a row against the database copy of
another row that is being changed or deleted in the same form (the usual case:
end the current appointment and add the successor in one save).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import formats
from django.utils.translation import gettext

from members.models import Appointment


def _overlaps(start, end, other_start, other_end):
    """Whether two date ranges overlap; an end of None means open-ended."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)


class AppointmentInlineFormSet(forms.BaseInlineFormSet):
    """Appointments edited inline on a seat or a person: no two rows may overlap."""

    def clean(self):
        super().clean()
        rows = self._rows()
        self._forget_stale_database_clashes(rows)
        self._check_period_of_unsaved_seat(rows)
        self._check_rows_against_each_other(rows)

    def save_existing_objects(self, commit=True):
        """Save deletions first, then changed rows in an order that never overlaps.

        PostgreSQL checks the exclusion constraint on every UPDATE, so moving a
        changeover later (the first appointment ends later, the next starts later)
        must save the later appointment first. Django saves in display order.
        """
        self.changed_objects = []
        self.deleted_objects = []
        saved_instances = []
        changed = []
        for form in self.initial_forms:
            obj = form.instance
            if obj.pk is None or obj._state.adding:
                continue
            if self.can_delete and self._should_delete_form(form):
                self.deleted_objects.append(obj)
                self.delete_existing(obj, commit=commit)
            elif form.has_changed():
                changed.append(form)
        for form in self._without_intermediate_overlaps(changed):
            obj = form.instance
            self.changed_objects.append((obj, form.changed_data))
            saved_instances.append(self.save_existing(form, obj, commit=commit))
            if not commit:
                self.saved_forms.append(form)
        return saved_instances

    @staticmethod
    def _without_intermediate_overlaps(forms):
        """Order changed rows so that each, saved in turn, overlaps no row not yet saved."""
        before = {
            row["pk"]: (row["start"], row["end"])
            for row in Appointment.objects.filter(
                pk__in=[form.instance.pk for form in forms]
            ).values("pk", "start", "end")
        }
        remaining, ordered = list(forms), []
        while remaining:
            for form in remaining:
                new = form.instance
                if not any(
                    other.instance.seat_id == new.seat_id
                    and _overlaps(new.start, new.end, *before[other.instance.pk])
                    for other in remaining
                    if other is not form
                ):
                    break
            else:
                form = remaining[0]  # A cycle: only a deferred constraint could help.
            remaining.remove(form)
            ordered.append(form)
        return ordered

    def _rows(self):
        """The rows that will be in the database after saving: (form, seat, start, end)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            # On a seat's page "seat" is the parent (possibly not saved yet).
            seat = data.get("seat")
            start = data.get("start")
            if seat is None or start is None:
                continue
            rows.append((form, seat, start, data.get("end")))
        return rows

    def _forget_stale_database_clashes(self, rows):
        """Drop the model's overlap error when the clashing rows are fixed in this form.

        The model reports a clash with the database copy of another appointment. If
        every such appointment is part of this formset and is deleted here or no
        longer overlaps once its new dates are saved, the error is out of date; any
        remaining overlap between the rows is reported by ``_check_rows_against_each_other``.
        """
        deleted = {
            form.instance.pk
            for form in self.initial_forms
            if self.can_delete and self._should_delete_form(form)
        }
        after_save = {form.instance.pk: (start, end) for form, _seat, start, end in rows}
        if not (deleted or after_save.keys() - {None}):
            return
        for form, seat, start, end in rows:
            errors = form._errors.get(NON_FIELD_ERRORS) if form._errors else None
            # The overlap is the only non-field error Appointment.clean() raises once
            # the dates lie within the period, so exactly one such error is the clash.
            if not errors or len(errors) != 1 or seat.pk is None:
                continue
            if (end is not None and end < start) or not self._within_period(seat, start, end):
                continue
            clashes = Appointment.objects.overlapping(seat, start, end).exclude(pk=form.instance.pk)
            stale = True
            for clash in clashes.only("pk"):
                if clash.pk in deleted:
                    continue
                if clash.pk not in after_save or _overlaps(start, end, *after_save[clash.pk]):
                    stale = False
                    break
            if stale and clashes.exists():
                del form._errors[NON_FIELD_ERRORS]

    @staticmethod
    def _within_period(seat, start, end):
        period = seat.body.period
        return period.contains(start) and (end is None or period.contains(end))

    def _check_period_of_unsaved_seat(self, rows):
        """A seat being added has no id yet, so the model skips its checks: do them here."""
        for form, seat, start, end in rows:
            if seat.pk is not None or not seat.body_id or form._errors.get(NON_FIELD_ERRORS):
                continue
            if not self._within_period(seat, start, end):
                period = seat.body.period
                form.add_error(
                    None,
                    gettext(
                        "Uppdraget måste ligga inom mandatperioden %(period)s (%(start)s–%(end)s)."
                    )
                    % {
                        "period": period.name,
                        "start": formats.date_format(period.start),
                        "end": formats.date_format(period.end),
                    },
                )

    def _check_rows_against_each_other(self, rows):
        for index, (form, seat, start, end) in enumerate(rows):
            if form._errors.get(NON_FIELD_ERRORS):
                continue
            for other, other_seat, other_start, other_end in rows[:index]:
                if other_seat != seat or not _overlaps(start, end, other_start, other_end):
                    continue
                person = other.cleaned_data.get("person", "")
                form.add_error(
                    None,
                    gettext(
                        "Uppdraget överlappar ett annat uppdrag på samma plats i formuläret "
                        "(%(person)s från %(start)s). Ändra datumen så att uppdragen inte "
                        "överlappar."
                    )
                    % {"person": person, "start": formats.date_format(other_start)},
                )
                break
        self._check_one_seat_per_body(rows)

    def _check_one_seat_per_body(self, rows):
        """Two rows of one person in seats of one body must not overlap either."""
        for index, (form, seat, start, end) in enumerate(rows):
            if form._errors.get(NON_FIELD_ERRORS) or not seat.body_id:
                continue
            person = self._person_of(form)
            for other, other_seat, other_start, other_end in rows[:index]:
                if (
                    person is None
                    or self._person_of(other) != person
                    or other_seat == seat
                    or other_seat.body_id != seat.body_id
                    or not _overlaps(start, end, other_start, other_end)
                ):
                    continue
                form.add_error(
                    None,
                    gettext(
                        "%(person)s har redan en plats i %(body)s i formuläret (från %(start)s). "
                        "En person kan ha bara en plats i ett organ åt gången: ändra datumen så "
                        "att uppdragen inte överlappar."
                    )
                    % {
                        "person": person,
                        "body": seat.body.display_name,
                        "start": formats.date_format(other_start),
                    },
                )
                break

    def _person_of(self, form):
        """The row's person: a field on a seat's page, the page's own person on hers."""
        if self.fk.name == "person":
            return self.instance
        return form.cleaned_data.get("person")
