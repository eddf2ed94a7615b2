import sys

from django.core.management.base import BaseCommand, CommandError

from analysis import downloads
from analysis.export import Options
from analysis.queries import Filters
from surveys.models import Survey


class Command(BaseCommand):
    help = "Write the wide CSV of a survey's responses: the same bytes as the dashboard's download."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--labels", choices=["fr", "en"], help="choice labels instead of codes")
        parser.add_argument(
            "--excel-fr", action="store_true", help="UTF-8 with BOM, ';' separator, decimal comma"
        )
        parser.add_argument("--complete-only", action="store_true", help="complete responses only")
        parser.add_argument(
            "--include-tests",
            action="store_true",
            help="include test responses (pilot runs), marked in an is_test column",
        )
        parser.add_argument("--codebook", action="store_true", help="write the codebook instead")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, slug, codebook, output, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"No survey '{slug}'.")
        opts = Options(labels=options["labels"], excel_fr=options["excel_fr"])
        filters = Filters(complete_only=options["complete_only"], include_tests=options["include_tests"])
        lines = (downloads.codebook_csv if codebook else downloads.responses_csv)(survey, opts, filters)
        if output:
            with open(output, "wb") as handle:
                for line in lines:
                    handle.write(line)
        else:
            out = sys.stdout.buffer
            for line in lines:
                out.write(line)
            out.flush()
