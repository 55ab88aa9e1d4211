from django.core.management.base import BaseCommand

from samverkan.files import schema


class Command(BaseCommand):
    help = (
        "Skriver JSON-schemat för strukturfilen (docs/structure.schema.json), genererat "
        "från modellerna i samverkan/files/models.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help=f"filen att skriva, t.ex. {schema.PATH}")

    def handle(self, output=None, **options):
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(schema.text())
        else:
            self.stdout.write(schema.text(), ending="")
