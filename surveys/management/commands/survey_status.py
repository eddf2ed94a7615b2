from django.core.management.base import BaseCommand, CommandError

from surveys.models import Survey
from surveys.selectors import survey_participation


class Command(BaseCommand):
    help = (
        "Print a survey's participants (at least one answer), complete responses and completion rate; "
        "test responses (pilot runs) are left out unless --include-tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--include-tests", action="store_true", help="count the test responses too")

    def handle(self, *args, slug: str, include_tests: bool, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            known = ", ".join(Survey.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No survey '{slug}' (known surveys: {known}).")
        p = survey_participation(survey, include_tests=include_tests)
        rate = "n/a" if p.completion_rate is None else f"{p.completion_rate:.1f} %"
        line = f"{p.participants} participants, {p.complete} complete ({rate})"
        if include_tests:
            line += " (test responses included)"
        self.stdout.write(line)
