"""A cross-tabulation as a CSV file (pure): counts with row and column totals, then the test."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .export import neutralise
from .subgroups import Crosstab, mask_small
from .variables import pick


def crosstab_lines(table: Crosstab, language: str, safe: bool = False) -> bytes:
    """UTF-8 CSV: a header of the column categories and "Total", a line per row category with
    its total, the column totals, then the chi-squared test (and Fisher's where R would warn).
    Counts from 1 to 4 are "<5" when ``safe``; every cell is inert in a spreadsheet (the labels
    are the investigators' words)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells) -> None:
        writer.writerow([neutralise(str(cell)) for cell in cells])

    title = f"{pick(table.rows.label, language)} \\ {pick(table.cols.label, language)}"
    line([title, *(pick(c.label, language) for c in table.cols.categories), _("Total")])
    for row in table.rows.categories:
        counts = [int(table.counts.loc[row.code, col.code]) for col in table.cols.categories]
        total = int(table.row_totals[row.code])
        line([pick(row.label, language), *(mask_small(n, safe) for n in counts), mask_small(total, safe)])
    totals = [int(table.col_totals[col.code]) for col in table.cols.categories]
    line([_("Total"), *(mask_small(n, safe) for n in totals), mask_small(table.n, safe)])
    line([])
    test = table.test
    if test.testable:
        line(["chi2", "df", "p", "yates", "fisher_p"])
        line(
            [
                repr(test.statistic),
                test.df,
                repr(test.p_value),
                int(test.yates),
                "" if test.fisher_p_value is None else repr(test.fisher_p_value),
            ]
        )
    else:
        line([_("The test needs at least two rows and two columns with answers.")])
    return out.getvalue().encode("utf-8")
