from django.core.management.base import BaseCommand, CommandError

from bodies import structure_file
from bodies.management import actor
from bodies.models import MandatePeriod


class Command(BaseCommand):
    help = (
        "Läser in en regions samverkansstruktur från en strukturfil (TOML) till en tom "
        "databas. Hela filen kontrolleras först; vid fel skrivs ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="strukturfilen, t.ex. fixtures/orebro.toml")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="hoppa över inläsningen om databasen redan har mandatperioder",
        )
        actor.add_arguments(parser)

    def handle(self, path, if_empty=False, **options):
        if MandatePeriod.objects.exists():
            if if_empty:
                self.stdout.write("Databasen innehåller redan en struktur; inget lästes in.")
                return
            raise CommandError(
                "Databasen innehåller redan en struktur. Strukturfilen läses bara in i en tom "
                "databas (använd --if-empty för att hoppa över)."
            )
        try:
            summary = structure_file.load(
                structure_file.read(path),
                actor=actor.actor(options),
                reason=options["reason"] or f"manage.py load_structure {path}",
            )
        except structure_file.StructureFileError as error:
            raise CommandError(
                f"{path} innehåller {len(error.problems)} fel; ingenting sparades:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Inläst från {path}: {summary}."))
