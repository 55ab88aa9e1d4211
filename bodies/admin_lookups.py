"""The admin's lists read filters from the query string: values no column can hold
are answered as any other wrong filter (the list with ``?e=1``), never with a 500."""

import re

from django.contrib.admin.options import IncorrectLookupParameters

# A row's id as a list filter's choice: ASCII digits that fit any database's integer.
PK = re.compile(r"[0-9]{1,18}")
NUMBER = re.compile(r"\s*[-+]?[0-9]+\s*")
LARGEST = 2**63 - 1


def chosen_pk(value: str) -> int:
    """A list filter's choice (``?period=3``) as an id."""
    if not PK.fullmatch(value):
        raise IncorrectLookupParameters(value)
    return int(value)


class LookupGuardMixin:
    """Refuses a number beyond 64 bits in the admin's own lookups
    (``?body__id__exact=99999999999999999999``): SQLite cannot even be sent one."""

    def lookup_allowed(self, lookup, value, request):
        for part in str(value).split(","):  # __in takes a comma-separated list
            if NUMBER.fullmatch(part) and abs(int(part)) > LARGEST:
                raise IncorrectLookupParameters(lookup)
        return super().lookup_allowed(lookup, value, request)
