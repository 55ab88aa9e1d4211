"""The one base of the commands that read a file: load_structure, import_structure
and load_meetings. Each says how it reads and writes; the base reports problems and
the result in the same words."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverkan.files.limits import StructureFileError
from samverkan.management import actor


class FileCommand(BaseCommand):
    """Reads ``path`` within the limits, writes it, and lists every problem on failure."""

    path_help = "filen"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=self.path_help)
        actor.add_arguments(parser)

    def recorded_as(self, path: str | Path, options: dict[str, Any]) -> dict[str, Any]:
        """Whom the history names for this run (``--user``) and why (``--reason``)."""
        command = type(self).__module__.rsplit(".", 1)[-1]
        return {
            "actor": actor.actor(options),
            "reason": options["reason"] or f"manage.py {command} {path}",
        }

    def run(
        self, path: str | Path, read: Callable[[str | Path], Any], write: Callable[[Any], Any]
    ) -> Any:
        """``write(read(path))``; a file with problems ends the command with all of them."""
        try:
            return write(read(path))
        except StructureFileError as error:
            raise CommandError(
                f"{path} innehåller {len(error.problems)} fel; ingenting sparades:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from None


class EmptyDatabaseCommand(FileCommand):
    """A load into a database without what the file holds (``--if-empty`` skips it).

    ``file`` is the module that reads, loads and summarises the file; ``holds`` says
    what the database already has, ``only_when`` when the file is read."""

    if_empty_help = "hoppa över inläsningen om databasen redan har innehållet"
    file: Any
    holds: str
    only_when: str

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--if-empty", action="store_true", help=self.if_empty_help)

    def ready(self) -> None:
        """Raise ``CommandError`` when the database cannot take the file yet."""

    def loaded(self) -> bool:
        """Whether the database already holds what the file would load."""
        raise NotImplementedError

    def handle(self, path: str, if_empty: bool = False, **options: Any) -> None:
        self.ready()
        if self.loaded():
            if if_empty:
                self.stdout.write(f"Databasen innehåller redan {self.holds}; inget lästes in.")
                return
            raise CommandError(
                f"Databasen innehåller redan {self.holds}. {self.only_when} "
                "(använd --if-empty för att hoppa över)."
            )
        report = self.run(
            path,
            self.file.read,
            lambda data: self.file.load(data, **self.recorded_as(path, options)),
        )
        self.stdout.write(self.style.SUCCESS(f"Inläst från {path}: {self.file.summary(report)}."))
