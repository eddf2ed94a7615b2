import datetime as dt
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from analysis import downloads, report
from analysis.export import Options
from analysis.queries import Filters
from surveys.models import Survey


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = (
        "Write a survey's responses (CSV, Excel, SPSS, Stata), their codebook, a data package or the "
        "R and pandas scripts made for it: the same bytes as the dashboard's downloads."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--format",
            choices=sorted(downloads.RESPONSE_FORMATS),
            default="standard",
            help="standard: CSV for R and pandas; excel-fr: CSV for French Excel; xlsx, sav (SPSS), "
            "dta (Stata 14+): need -o",
        )
        parser.add_argument("--labels", choices=["fr", "en"], help="choice labels instead of codes")
        parser.add_argument(
            "--language",
            choices=["fr", "en"],
            help="language of the SPSS and Stata labels and of the scripts (default: --labels, else fr)",
        )
        parser.add_argument(
            "--excel-fr", action="store_true", help="the same as --format excel-fr (BOM, ';', decimal comma)"
        )
        parser.add_argument("--complete-only", action="store_true", help="complete responses only")
        parser.add_argument("--start", type=_date, help="responses started on or after (YYYY-MM-DD)")
        parser.add_argument("--end", type=_date, help="responses started on or before (YYYY-MM-DD)")
        parser.add_argument(
            "--include-tests",
            action="store_true",
            help="include test responses (pilot runs), marked in an is_test column",
        )
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--codebook", action="store_true", help="write the codebook instead")
        what.add_argument(
            "--data-package",
            action="store_true",
            help="write the zip of everything (responses.csv, codebook, datapackage.json, REDCap "
            "dictionary, R and pandas scripts); needs -o",
        )
        what.add_argument(
            "--redcap-dictionary", action="store_true", help="write the survey's REDCap data dictionary"
        )
        what.add_argument(
            "--script", choices=sorted(downloads.SCRIPT_FILES), help="write the R or pandas script"
        )
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, slug, output, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"No survey '{slug}'.")
        if options["start"] and options["end"] and options["end"] < options["start"]:
            raise CommandError("--end comes before --start.")
        fmt = "excel-fr" if options["excel_fr"] else options["format"]
        opts = Options(labels=options["labels"], excel_fr=fmt == "excel-fr")
        filters = Filters(
            complete_only=options["complete_only"],
            start=options["start"],
            end=options["end"],
            include_tests=options["include_tests"],
        )
        language = options["language"] or options["labels"] or "fr"
        ctx = report.Context.load(survey, filters)
        typed = downloads.RESPONSE_FORMATS[fmt].typed and not (
            options["codebook"] or options["redcap_dictionary"] or options["script"]
        )
        if typed or options["data_package"]:
            if not output:
                raise CommandError("This file is binary: give a file to write with -o.")
            if options["data_package"]:
                content = downloads.temporary_file(lambda path: downloads.bundle(ctx, language, path))
            else:
                content = downloads.temporary_file(
                    lambda path: downloads.write_typed(ctx, fmt, language, bool(opts.labels), path)
                )
            with content, open(output, "wb") as handle:
                shutil.copyfileobj(content, handle)
            return
        if options["codebook"]:
            lines = downloads.codebook_csv(survey, opts, filters)
        elif options["redcap_dictionary"]:
            lines = [downloads.redcap_dictionary(ctx)]
        elif options["script"]:
            data_file = downloads.filename(survey, "responses", Options(), filters)
            lines = [downloads.script(ctx, options["script"], language, data_file).encode("utf-8")]
        else:
            lines = downloads.responses_csv_of(ctx, opts)
        if output:
            with open(output, "wb") as handle:
                for line in lines:
                    handle.write(line)
        else:
            out = sys.stdout.buffer
            for line in lines:
                out.write(line)
            out.flush()
