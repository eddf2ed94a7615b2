import datetime as dt
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from analysis import report, serialize
from analysis.queries import Filters
from surveys.models import Survey


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "Print a survey's results (participation, every question, the subgroup table)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--complete-only", action="store_true", help="complete responses only")
        parser.add_argument("--start", type=_date, help="responses started on or after (YYYY-MM-DD)")
        parser.add_argument("--end", type=_date, help="responses started on or before (YYYY-MM-DD)")
        parser.add_argument(
            "--include-tests", action="store_true", help="count test responses (pilot runs) as data"
        )
        parser.add_argument("--json", action="store_true", help="print JSON (shape in the README)")

    def handle(self, *args, slug, complete_only, start, end, include_tests, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"No survey '{slug}'.")
        filters = Filters(complete_only=complete_only, start=start, end=end, include_tests=include_tests)
        ctx = report.Context.load(survey, filters)
        results = report.question_results(ctx)
        data = serialize.full_report(ctx, results)
        if options["json"]:
            self.stdout.write(_dumps(data))
            return
        rate = "n/a" if data["completion_rate"] is None else f"{data['completion_rate']:.1f} %"
        self.stdout.write(f"{data['participants']} participants, {data['complete']} complete ({rate})")
        if data["test_responses_left_out"]:
            self.stdout.write(f"{data['test_responses_left_out']} test responses left out (--include-tests)")
        for result in results:
            # A summary with figures worth a line (a scale's mean…) says them; others their kind.
            info, headline = result.info, getattr(result.summary, "headline", "")
            if headline:
                self.stdout.write(f"{info.code} (n={result.summary.n}): {headline}")
            else:
                self.stdout.write(f"{info.code} (n={result.summary.n}, {info.kind})")
        for row in data["subgroups"]:
            tests = ", ".join(
                f"{g}: p={c['p_value']:.3g}" if c["p_value"] is not None else f"{g}: n/a"
                for g, c in row["groupings"].items()
            )
            self.stdout.write(f"{row['outcome']}: {tests}")


def _dumps(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
