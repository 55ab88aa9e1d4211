from samverkan.files import structure_json
from samverkan.files.command import FileCommand


class Command(FileCommand):
    help = (
        "Läser in en strukturfil i JSON (docs/structure-json.md). Hela filen kontrolleras "
        "först; vid fel skrivs ingenting. Befintliga poster uppdateras efter sina nycklar, "
        "så att samma fil kan läsas in flera gånger."
    )
    path_help = "JSON-filen, t.ex. fixtures/ostergotland.json"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="visa vad som skulle ändras utan att spara något",
        )

    def handle(self, path, dry_run=False, **options):
        report = self.run(
            path,
            structure_json.read,
            lambda data: structure_json.import_structure(
                data, dry_run=dry_run, **self.recorded_as(path, options)
            ),
        )
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
