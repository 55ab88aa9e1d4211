from django.core.management.base import CommandError

from bodies.models import MandatePeriod
from samverkan.files import structure_file
from samverkan.files.command import EmptyDatabaseCommand


class Command(EmptyDatabaseCommand):
    help = (
        "Läser in en regions samverkansstruktur från en strukturfil (TOML) till en tom "
        "databas. Hela filen kontrolleras först; vid fel skrivs ingenting."
    )
    path_help = "strukturfilen, t.ex. fixtures/orebro.toml"
    if_empty_help = "hoppa över inläsningen om databasen redan har mandatperioder"

    def handle(self, path, if_empty=False, **options):
        if MandatePeriod.objects.exists():
            if if_empty:
                self.stdout.write("Databasen innehåller redan en struktur; inget lästes in.")
                return
            raise CommandError(
                "Databasen innehåller redan en struktur. Strukturfilen läses bara in i en tom "
                "databas (använd --if-empty för att hoppa över)."
            )
        report = self.run(
            path,
            structure_file.read,
            lambda data: structure_file.load(data, **self.recorded_as(path, options)),
        )
        self.stdout.write(
            self.style.SUCCESS(f"Inläst från {path}: {structure_file.summary(report)}.")
        )
