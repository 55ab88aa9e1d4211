"""Min kommun / min organisation: pick an organisation or a county part, see its seats.

A plain GET form (no JavaScript) sends the choice to ``/min/?val=org:kumla-kommun``,
which redirects to the organisation's (or county part's) page: the choice lives in the
address. Only when the visitor ticks "Kom ihåg mitt val" is it also kept in a cookie,
and then the start page offers it. Public pages set no cookie otherwise; a start page
read with the cookie is personal and is never cached publicly
(``samverkan/public_cache.py``).
"""

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from bodies.models import CountyPart, Organisation

COOKIE = "mitt_val"
COOKIE_DAYS = 365
ORGANISATION, COUNTY_PART = "org", "lansdel"


def choices():
    """The organisations by kind, then the county parts, as grouped choices (two queries)."""
    by_kind = {}
    for organisation in Organisation.objects.only("name", "slug", "kind"):
        by_kind.setdefault(organisation.kind, []).append(
            (f"{ORGANISATION}:{organisation.slug}", organisation.name)
        )
    grouped = [
        (str(label).capitalize(), by_kind[kind])
        for kind, label in Organisation.Kind.choices
        if kind in by_kind
    ]
    parts = [(f"{COUNTY_PART}:{part.slug}", part.name) for part in CountyPart.objects.all()]
    if parts:
        grouped.append((gettext("Länsdelar"), parts))
    return grouped


class ChoiceForm(forms.Form):
    val = forms.ChoiceField(label=_("Kommun, organisation eller länsdel"))
    kom_ihag = forms.BooleanField(
        label=_("Kom ihåg mitt val på den här datorn"),
        required=False,
        help_text=_(
            "Sparar valet i en kaka i din webbläsare i ett år, så att startsidan visar "
            "det. Inget annat sparas."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["val"].choices = choices()
        self.fields["val"].error_messages["invalid_choice"] = _(
            "Det finns ingen organisation eller länsdel med det namnet. Välj en i listan."
        )
        self.fields["val"].error_messages["required"] = _("Välj en organisation eller länsdel.")


def resolve(value):
    """The organisation or county part a choice names, or None (one query)."""
    kind, _sep, slug = (value or "").partition(":")
    if kind == ORGANISATION:
        return Organisation.objects.filter(slug=slug).first()
    if kind == COUNTY_PART:
        return CountyPart.objects.filter(slug=slug).first()
    return None


def remembered(request):
    """The organisation or county part remembered in the cookie, if the visitor chose so."""
    value = request.COOKIES.get(COOKIE)
    return resolve(value) if value else None


@never_cache
def mine(request):
    """Without a choice: the form. With one: its page, remembered only if asked."""
    if request.GET.get("glom"):
        response = HttpResponseRedirect(reverse("bodies:start"))
        response.delete_cookie(COOKIE, samesite="Lax")
        return response
    form = ChoiceForm(request.GET or None)
    if form.is_bound and form.is_valid():
        chosen = resolve(form.cleaned_data["val"])
        if chosen is not None:
            response = HttpResponseRedirect(chosen.get_absolute_url())
            if form.cleaned_data["kom_ihag"]:
                response.set_cookie(
                    COOKIE,
                    form.cleaned_data["val"],
                    max_age=COOKIE_DAYS * 24 * 3600,
                    samesite="Lax",
                    httponly=True,
                    secure=request.is_secure(),
                )
            return response
        form.add_error("val", form.fields["val"].error_messages["invalid_choice"])
    return render(
        request,
        "bodies/mine.html",
        {
            "form": form,
            "remembered": remembered(request),
            "breadcrumbs": [(reverse("bodies:start"), gettext("Start"))],
        },
    )
