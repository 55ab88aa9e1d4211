import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Läser in en säkerhetskopia från backup i en tom, migrerad installation. Allt "
        "kontrolleras först (kontrollsummor, schemaversion, tom databas); databasen läses "
        "in i en transaktion. / Restores a backup into an empty, migrated installation; "
        "everything is checked before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="zip-filen från backup / the backup archive")
        parser.add_argument(
            "--check",
            action="store_true",
            help="kontrollera bara kopian mot den här installationen, skriv ingenting "
            "/ only check the backup against this installation, write nothing",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="töm en databas som inte är tom och skriv över filer med samma namn "
            "/ empty a database that is not empty and overwrite files of the same name",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="fråga inte innan --replace tömmer databasen / do not ask before --replace",
        )

    def handle(self, path, check=False, replace=False, interactive=True, **options):
        if replace and not check and interactive:
            answer = input(
                "Allt i databasen ersätts med säkerhetskopians innehåll. Skriv 'ja' för att "
                "fortsätta. / Everything in the database is replaced. Type 'ja' to go on: "
            )
            if answer.strip().lower() not in {"ja", "yes"}:
                raise CommandError("Avbrutet; ingenting ändrades. / Cancelled; nothing changed.")
        started = time.perf_counter()
        try:
            summary = restore_backup(Path(path), replace=replace, check_only=check)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for note in summary.notes:
            self.stderr.write(self.style.WARNING(note))
        if options["verbosity"] >= 1:
            for reason in summary.would_refuse:
                self.stdout.write(
                    f"En återläsning här skulle vägras / a restore here would be refused:\n{reason}"
                )
        what = (
            f"{summary.rows} rader i {summary.tables} tabeller, {summary.files} filer "
            f"/ {summary.rows} rows in {summary.tables} tables, {summary.files} files"
        )
        if check:
            verdict = (
                "Kopian är hel och har samma schema som den här installationen / the backup "
                f"is intact and has this installation's schema: {what}"
            )
        else:
            verdict = f"Inläst / restored: {what}"
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"{verdict}; {time.perf_counter() - started:.1f} s.")
            )
