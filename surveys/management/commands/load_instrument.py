from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from surveys.instrument import InstrumentError, parse_instrument
from surveys.interchange import format_of, read_instrument_file
from surveys.services import InstrumentConflict, instrument_load
from surveys.structure import StructureFrozen


class Command(BaseCommand):
    help = (
        "Create or update a survey from an instrument file: YAML or JSON, an XLSForm (.xlsx) or a "
        "REDCap data dictionary (.csv; see docs/interchange.md). The database holds the live "
        "instrument: an unchanged file changes nothing, edits made in the admin are kept, and a file "
        "changed while the admin also changed the survey is refused (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            type=Path,
            help="the instrument file, e.g. instruments/cme-social-network-2022.yaml or "
            "instruments/cme-needs-2027.xlsx",
        )
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="let the file win over edits made in the admin since it was last loaded (they are lost)",
        )

    def read(self, path: Path):
        """The file's spec: .xlsx and .csv through surveys.interchange, anything else as YAML/JSON."""
        fmt = format_of(path)
        try:
            if fmt in ("xlsform", "redcap"):
                if not path.is_file():
                    raise OSError(f"no such file: '{path}'")
                return read_instrument_file(path)
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file ({exc})") from exc
        except InstrumentError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was loaded.") from exc
        try:
            return parse_instrument(source)
        except InstrumentError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was loaded.") from exc

    def handle(self, *args, path: Path, overwrite_edits: bool, **options):
        spec = self.read(path)
        try:
            result = instrument_load(spec=spec, overwrite_edits=overwrite_edits)
        except InstrumentError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was loaded.") from exc
        except InstrumentConflict as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except StructureFrozen as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)}") from exc
        except ValidationError as exc:  # a value the database cannot hold (a title too long…)
            raise CommandError(f"{path}: {'; '.join(exc.messages)}. Nothing was loaded.") from exc
        style = self.style.WARNING if result.kept_edits else self.style.SUCCESS
        self.stdout.write(style(result.summary()))
