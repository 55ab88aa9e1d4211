"""The ``--user`` and ``--reason`` of the import commands: who the change set is by."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_arguments(parser):
    parser.add_argument(
        "--user",
        help="användarnamnet som inläsningen sparas i historiken med (utan: systemet)",
    )
    parser.add_argument("--reason", default="", help="anledningen som sparas i historiken")


def actor(options):
    """The account named by ``--user``, or None (a run by the system)."""
    username = options.get("user")
    if not username:
        return None
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"Det finns inget konto med användarnamnet {username!r}.") from None
