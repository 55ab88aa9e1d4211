from django.core.management.base import BaseCommand, CommandError

from bodies.management import actor
from bodies.models import MandatePeriod
from meetings import meeting_file
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Läser in möten, närvaro och återrapporteringskrav från en mötesfil (TOML). "
        "Strukturen (load_structure) måste vara inläst först. Hela filen kontrolleras "
        "först; vid fel skrivs ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="mötesfilen, t.ex. fixtures/orebro-meetings.toml")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="hoppa över inläsningen om databasen redan har möten",
        )
        actor.add_arguments(parser)

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
        try:
            summary = meeting_file.load(
                meeting_file.read(path),
                actor=actor.actor(options),
                reason=options["reason"] or f"manage.py load_meetings {path}",
            )
        except meeting_file.MeetingFileError as error:
            raise CommandError(
                f"{path} innehåller {len(error.problems)} fel; ingenting sparades:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Inläst från {path}: {summary}."))
