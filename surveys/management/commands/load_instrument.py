from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.instrument import InstrumentError, parse_instrument
from surveys.services import InstrumentConflict, instrument_load


class Command(BaseCommand):
    help = "Create or update a survey from an instrument file (YAML or JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="the instrument file, e.g. instruments/cme-social-network-2022.yaml"
        )

    def handle(self, *args, path: Path, **options):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file ({exc})") from exc
        try:
            result = instrument_load(spec=parse_instrument(source))
        except InstrumentError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was loaded.") from exc
        except InstrumentConflict as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))
