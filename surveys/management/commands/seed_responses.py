import time

from django.core.management.base import BaseCommand, CommandError

from surveys.models import Survey
from surveys.seeding import seed_responses
from surveys.selectors import survey_participation


class Command(BaseCommand):
    help = "Add synthetic participants to a survey, drawn from the paper's distributions (test data)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--n", type=int, default=1000, help="how many participants (default 1000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed, for reproducible data")

    def handle(self, *args, slug: str, n: int, seed: int, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"No survey '{slug}'.")
        if n < 1:
            raise CommandError("--n must be at least 1.")
        began = time.perf_counter()
        complete = seed_responses(survey, n, seed, progress=lambda i: self.stderr.write(f"  {i} / {n}"))
        elapsed = time.perf_counter() - began
        p = survey_participation(survey)
        self.stdout.write(
            f"Added {n} participants ({complete} complete) in {elapsed:.1f} s. "
            f"Survey now: {p.participants} participants, {p.complete} complete."
        )
