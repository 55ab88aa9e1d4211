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
    file = structure_file
    holds = "en struktur"
    only_when = "Strukturfilen läses bara in i en tom databas"

    def loaded(self):
        return MandatePeriod.objects.exists()
