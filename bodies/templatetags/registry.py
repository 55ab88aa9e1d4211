"""Small wording helpers for the public pages, so templates stay readable."""

import datetime

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag
def seats_in_words(ordinary, substitutes):
    """“1 ordinarie ledamot och 1 ersättare”, “3 ordinarie ledamöter”, “2 ersättare”."""
    parts = []
    if ordinary:
        parts.append(
            ngettext("%(count)s ordinarie ledamot", "%(count)s ordinarie ledamöter", ordinary)
            % {"count": ordinary}
        )
    if substitutes:
        parts.append(
            ngettext("%(count)s ersättare", "%(count)s ersättare", substitutes)
            % {"count": substitutes}
        )
    if not parts:
        return gettext("inga platser")
    return gettext(" och ").join(parts)


@register.filter
def day(value):
    """A date the Swedish way: “29 september 2022”."""
    return formats.date_format(value, "j F Y") if value else ""


@register.simple_tag
def date_span(start, end):
    """“1 januari 2023 – 30 juni 2024”, or “från 1 januari 2023” when open-ended."""
    if end is None:
        return gettext("från %(start)s") % {"start": day(start)}
    return f"{day(start)} – {day(end)}"


@register.simple_tag
def site_owner():
    """Who publishes the registry (settings.SITE_OWNER), for the header and footer."""
    return settings.SITE_OWNER


@register.simple_tag
def site_contact_email():
    """Where visitors write to the publisher (settings.SITE_CONTACT_EMAIL)."""
    return settings.SITE_CONTACT_EMAIL


@register.filter
def as_date(value):
    """A date written in a template as text, "2026-11-22", so that it can be formatted."""
    return datetime.date.fromisoformat(value)


@register.simple_tag(takes_context=True)
def language_links(context):
    """This page in each language, for the language switch: plain links, no form.

    A link needs no session, no CSRF cookie and no cookie remembering the choice, so
    public pages stay free of cookies (and a shared cache can keep them); the address
    itself says the language (``/en/…``).
    """
    path = context["request"].get_full_path()
    current = translation.get_language() or settings.LANGUAGE_CODE
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "is_current": code == current.split("-")[0],
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag
def data_lang():
    """` lang="sv"` on an element holding text as the secretary wrote it (in the site's
    language) when the page is in another language: WCAG 3.1.2, language of parts."""
    data = settings.LANGUAGE_CODE
    # No active language (translations deactivated) means the site's own language.
    shown = translation.get_language() or data
    if shown.split("-")[0] == data.split("-")[0]:
        return ""
    return format_html(' lang="{}"', data)
