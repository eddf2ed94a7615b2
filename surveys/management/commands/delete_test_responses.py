from django.core.management.base import BaseCommand, CommandError

from surveys.models import Survey
from surveys.services import pilot_responses_delete


class Command(BaseCommand):
    help = "Delete a survey's test responses (the investigators' pilot runs) and their answers."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug: str, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            known = ", ".join(Survey.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No survey '{slug}' (known surveys: {known}).")
        count = pilot_responses_delete(survey=survey)
        self.stdout.write(f"Deleted {count} test response(s) of '{slug}'; real responses are untouched.")
