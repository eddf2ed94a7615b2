from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys.instrument import InstrumentError, parse_data
from surveys.instrument_data import spec_to_data
from surveys.interchange import FORMATS, format_of, instrument_bytes
from surveys.models import Survey
from surveys.selectors import survey_spec


class Command(BaseCommand):
    help = (
        "Write the live instrument of a survey (wording in both languages, conditions, analysis plan) "
        "in a format load_instrument reads, so that edits made in the admin can go back into the "
        "versioned file: YAML (the default), an XLSForm for ODK or KoboToolbox, or a REDCap data "
        "dictionary (see docs/interchange.md for what each keeps)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="yaml, xlsform (.xlsx) or redcap (.csv); default: from the output file's suffix, else yaml",
        )

    def handle(self, *args, slug: str, output: Path | None, format: str | None, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            known = ", ".join(Survey.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No survey '{slug}' (known surveys: {known}).")
        fmt = format or (format_of(output) if output else None) or "yaml"
        if fmt == "xlsform" and output is None:
            raise CommandError("An XLSForm is a binary .xlsx file: give the file to write with -o FILE.xlsx.")
        header = (
            f"Survey '{survey.slug}', instrument version {survey.instrument_version}, exported from the "
            f"live database on {timezone.localtime():%Y-%m-%d %H:%M %Z}.\n"
            "Load it with: python manage.py load_instrument FILE\n"
            "Codes are the stable names used in form fields, exports and analyses: once the survey has "
            "answers, only wording can change."
        )
        spec = survey_spec(survey)
        try:  # what the admin allows is not always a loadable instrument: say so, write nothing
            parse_data(spec_to_data(spec))
        except InstrumentError as exc:
            raise CommandError(
                f"The live survey '{slug}' is not a complete instrument yet ({exc}); nothing was written."
            ) from exc
        try:
            content = instrument_bytes(spec, fmt, header=header)
        except InstrumentError as exc:
            raise CommandError(
                f"The survey '{slug}' cannot be written as {fmt}: {exc}; nothing was written."
            ) from exc
        if output is None:
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the file ({exc})") from exc
        what = (
            f"{len(spec.questions)} questions" if fmt == "yaml" else f"{fmt}, {len(spec.questions)} questions"
        )
        self.stderr.write(f"Wrote {output} ({what}).")
