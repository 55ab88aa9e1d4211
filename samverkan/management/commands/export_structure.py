from django.core.management.base import BaseCommand, CommandError

from bodies.models import MandatePeriod
from samverkan.files import structure_json


class Command(BaseCommand):
    help = (
        "Skriver ut samverkansstrukturen som JSON (docs/structure-json.md): organisationer, "
        "länsdelar, partier, publicerade personer och de valda mandatperiodernas organ, "
        "platser och uppdrag. Utan period skrivs alla perioder ut."
    )

    def add_arguments(self, parser):
        parser.add_argument("periods", nargs="*", metavar="PERIOD", help="t.ex. 2023-2026")
        parser.add_argument("--description", help="text i filens description-fält")
        parser.add_argument("--output", "-o", help="skriv till en fil i stället för stdout")

    def handle(self, periods, description=None, output=None, **options):
        selected = None
        if periods:
            found = {p.slug: p.pk for p in MandatePeriod.objects.filter(slug__in=periods)}
            unknown = [slug for slug in periods if slug not in found]
            if unknown:
                known = ", ".join(MandatePeriod.objects.values_list("slug", flat=True))
                raise CommandError(
                    f"Okänd mandatperiod: {', '.join(unknown)}. Finns: {known or 'inga'}."
                )
            selected = list(found.values())
        text = structure_json.dumps(structure_json.export(selected, description=description))
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
