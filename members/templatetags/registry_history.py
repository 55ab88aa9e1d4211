"""The history on public pages: ``{% last_changed body as changed %}`` (one query)."""

from django import template

from members.period_changes import body_last_changed

register = template.Library()


@register.simple_tag
def last_changed(body):
    """When the body's structure or roster last changed, or None."""
    return body_last_changed(body)
