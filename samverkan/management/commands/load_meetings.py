from django.core.management.base import CommandError

from bodies.models import MandatePeriod
from meetings.models import Meeting
from samverkan.files import meeting_file
from samverkan.files.command import EmptyDatabaseCommand


class Command(EmptyDatabaseCommand):
    help = (
        "Läser in möten, närvaro och återrapporteringskrav från en mötesfil (TOML). "
        "Strukturen (load_structure) måste vara inläst först. Hela filen kontrolleras "
        "först; vid fel skrivs ingenting."
    )
    path_help = "mötesfilen, t.ex. fixtures/orebro-meetings.toml"
    if_empty_help = "hoppa över inläsningen om databasen redan har möten"
    file = meeting_file
    holds = "möten"
    only_when = "Mötesfilen läses bara in när det inte finns några möten"

    def ready(self):
        if not MandatePeriod.objects.exists():
            raise CommandError(
                "Databasen har ingen struktur ännu. Läs in strukturfilen först "
                "(manage.py load_structure fixtures/orebro.toml)."
            )

    def loaded(self):
        return Meeting.objects.exists()
