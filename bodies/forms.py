"""Admin forms for the structure."""

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bodies.models import Body, MandatePeriod, Organisation, Seat


def seat_choice_label(seat):
    """A seat named within its body: "Nora kommun · ordinarie 2 (Tom Rymoén)"."""
    return seat.short_label()


def backs_choice_label(seat):
    """An ordinary seat a substitute can back, with its holder: whom the substitute backs."""
    return seat.short_label()


class OrdinarySeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, seat):
        return backs_choice_label(seat)


class SeatForm(forms.ModelForm):
    """A seat; a substitute can only back an ordinary seat of the same body."""

    class Meta:
        model = Seat
        fields = (
            "body",
            "organisation",
            "role",
            "position",
            "backs",
            "office_label",
            "order",
            "vacant_since",
        )
        field_classes = {"backs": OrdinarySeatChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "backs" not in self.fields:
            return
        body_id = self.instance.body_id or self.data.get("body") or self.initial.get("body")
        backs = self.fields["backs"]
        if body_id and str(body_id).isdigit():
            backs.queryset = (
                Seat.objects.filter(body_id=body_id, role=Seat.Role.ORDINARY)
                .exclude(pk=self.instance.pk)
                .labelled()
            )
        else:
            backs.queryset = Seat.objects.none()
            backs.help_text = gettext("Välj organ och spara platsen först.")


class BodyForm(forms.ModelForm):
    """A body, with its member organisations in the admin's two-list selector.

    The memberships have a model of their own (an organisation listed in a body
    cannot be deleted), and the admin edits such a many-to-many only through a form
    field of another name: ``members`` (saved by ``BodyAdmin.save_related``).
    """

    members = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label=_("Medlemsorganisationer"),
        help_text=Body._meta.get_field("member_organisations").help_text,
        widget=FilteredSelectMultiple(_("medlemsorganisationer"), is_stacked=False),
    )

    class Meta:
        model = Body
        fields = []  # chosen by BodyAdmin's fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["members"].initial = self.instance.member_organisations.all()


class CarryForwardForm(forms.Form):
    """The next mandate period, to be created as a copy of this one's structure."""

    name = forms.CharField(label=_("Namn"), max_length=40, help_text=_("T.ex. 2027–2030."))
    slug = forms.SlugField(label=_("Kortnamn i adress"), max_length=40)
    start = forms.DateField(label=_("Början"))
    end = forms.DateField(label=_("Slut"))
    with_appointments = forms.BooleanField(
        label=_("Kopiera även uppdrag"),
        required=False,
        help_text=_(
            "Bara uppdrag som fortfarande löper när perioden slutar; de börjar om från den "
            "nya periodens första dag."
        ),
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_name(self):
        name = self.cleaned_data["name"]
        if MandatePeriod.objects.filter(name=name).exists():
            raise forms.ValidationError(_("Det finns redan en mandatperiod med det namnet."))
        return name

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if MandatePeriod.objects.filter(slug=slug).exists() or slug in (
            MandatePeriod.RESERVED_SLUGS
        ):
            raise forms.ValidationError(_("Adressen är upptagen; välj en annan."))
        return slug

    def clean(self):
        """Each error at the field it is about: the dates of the new period."""
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and start <= self.period.end:
            self.add_error(
                "start",
                gettext("Den nya perioden måste börja efter %(period)s.")
                % {"period": self.period.name},
            )
        elif start and end:
            if end <= start:
                self.add_error("end", _("En mandatperiod måste sluta efter att den börjar."))
            else:
                overlapping = MandatePeriod.objects.filter(start__lte=end, end__gte=start).first()
                if overlapping is not None:
                    self.add_error(
                        "start",
                        gettext("Perioden överlappar %(period)s.") % {"period": overlapping.name},
                    )
        return data


class MarkDecidedForm(forms.Form):
    """The decision that turns a proposed period into the decided structure."""

    decision_reference = forms.CharField(
        label=_("Beslutsreferens"),
        max_length=200,
        help_text=_("T.ex. ”Regionala samverkansrådet 2026-10-15 § 4”."),
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"))


class LockForm(forms.Form):
    """Locking a period: after this only the registry secretary changes it."""

    reason = forms.CharField(
        label=_("Anledning"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Frivilligt, t.ex. ”Perioden är slut och granskad”."),
    )


class UnlockForm(forms.Form):
    """Unlocking a period needs a reason: the history keeps it."""

    reason = forms.CharField(
        label=_("Anledning"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför perioden öppnas för ändringar igen; sparas i historiken."),
    )
