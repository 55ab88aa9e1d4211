import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Skriver en säkerhetskopia: alla tabeller, alla uppladdade filer och ett manifest "
        "med antal rader, kontrollsummor och versioner, i en zip-fil (docs/operations.md). "
        "/ Writes a backup of every table and every uploaded file, with a manifest, to "
        "one zip archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=".",
            help="ny fil, eller en mapp där filen får ett daterat namn (standard: .)",
        )

    def handle(self, path, **options):
        started = time.perf_counter()
        try:
            summary = create_backup(Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for note in summary.notes:
            self.stderr.write(self.style.WARNING(note))
        megabytes = summary.path.stat().st_size / 1024 / 1024
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Säkerhetskopia / backup: {summary.path} ({megabytes:.1f} MB) – "
                    f"{summary.rows} rader i {summary.tables} tabeller, {summary.files} filer "
                    f"/ {summary.rows} rows in {summary.tables} tables, {summary.files} files; "
                    f"{time.perf_counter() - started:.1f} s."
                )
            )
