import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from surveys.instrument_services import investigators_group


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo investigator account used by `make run`, and print its login: a "
        "member of the Investigators group (surveys, responses and the dashboard; not the sign-in "
        "records, users or groups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_USERNAME", "investigator"))
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "demo-investigator"))

    def handle(self, *args, username: str, password: str, **options):
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.add(investigators_group())
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} the demo investigator: username '{username}', password '{password}'")
