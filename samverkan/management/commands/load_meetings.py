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

    def handle(self, path, if_empty=False, **options):
        if not MandatePeriod.objects.exists():
            raise CommandError(
                "Databasen har ingen struktur ännu. Läs in strukturfilen först "
                "(manage.py load_structure fixtures/orebro.toml)."
            )
        if Meeting.objects.exists():
            if if_empty:
                self.stdout.write("Databasen innehåller redan möten; inget lästes in.")
                return
            raise CommandError(
                "Databasen innehåller redan möten. Mötesfilen läses bara in när det inte "
                "finns några möten (använd --if-empty för att hoppa över)."
            )
        report = self.run(
            path,
            meeting_file.read,
            lambda data: meeting_file.load(data, **self.recorded_as(path, options)),
        )
        self.stdout.write(
            self.style.SUCCESS(f"Inläst från {path}: {meeting_file.summary(report)}.")
        )
