from django.core.management.base import BaseCommand, CommandError

from samverkan.files import structure_json
from samverkan.files.limits import StructureFileError


class Command(BaseCommand):
    help = (
        "Läser in en strukturfil i JSON (docs/structure-json.md). Hela filen kontrolleras "
        "först; vid fel skrivs ingenting. Befintliga poster uppdateras efter sina nycklar, "
        "så att samma fil kan läsas in flera gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON-filen, t.ex. fixtures/ostergotland.json")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="visa vad som skulle ändras utan att spara något",
        )

    def handle(self, path, dry_run=False, **options):
        try:
            report = structure_json.import_structure(structure_json.read(path), dry_run=dry_run)
        except StructureFileError as error:
            raise CommandError(
                f"{path} innehåller {len(error.problems)} fel; ingenting sparades:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from None
        if options["verbosity"] >= 1:
            for line in report.lines():
                self.stdout.write(f"  {line}")
        if dry_run:
            verdict = "Torrkörning, ingenting sparades"
            if not report.changed:
                verdict += "; filen skulle inte ändra något"
        elif report.changed:
            verdict = f"Inläst från {path}"
        else:
            verdict = f"{path} är redan inläst; ingenting ändrades"
        self.stdout.write(self.style.SUCCESS(f"{verdict}. {report.summary()}."))
