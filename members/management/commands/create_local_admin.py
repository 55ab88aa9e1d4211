"""Create (or reset) a superuser for local development: never on a real site."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Skapar eller återställer en superanvändare för lokal utveckling (bara med DEBUG)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Användarnamn (admin).")
        parser.add_argument("--password", default="admin", help="Lösenord (admin).")
        parser.add_argument(
            "--port", default="8000", help="Porten som utvecklingsservern lyssnar på (8000)."
        )

    def handle(self, *args, username, password, port, **options):
        if not settings.DEBUG:
            raise CommandError(
                "create_local_admin är bara till för lokal utveckling och körs bara med "
                "DEBUG=1. Skapa administratörer på en riktig webbplats med createsuperuser."
            )
        User = get_user_model()
        user, created = User.objects.get_or_create(**{User.USERNAME_FIELD: username})
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        what = "Skapade" if created else "Återställde"
        self.stdout.write(f"{what} superanvändaren {username}.")
        self.stdout.write(
            f"Logga in på http://127.0.0.1:{port}/admin/ med användarnamn {username} "
            f"och lösenord {password}"
        )
