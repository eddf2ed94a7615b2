"""The blocks of ``analysis.paper`` as a Word document (python-docx; pure: bytes out).

Tables are real Word tables, caption above and footnotes below, ruled as journals print them
(lines above and below the header and at the end, none between columns); a wide table gets a
landscape page of its own. Figures are PNG images, side by side two by two when a figure has
several charts, caption below.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .paper import Block, Cell, Figure, Heading, Paragraph, Table

Images = Callable[[str], bytes]  # chart name -> PNG

TABLE_FONT = Pt(8)
HEADER_FONT = Pt(7.5)
NOTE_FONT = Pt(8)


def write(
    blocks: Sequence[Block],
    images: Images | None = None,
    title: str = "",
    subtitle: str = "",
    landscape=False,
) -> bytes:
    """``images`` draws a figure's charts; ``landscape``: the whole document (a lone table)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"  # in Word and, metric for metric (Liberation Sans), in LibreOffice
    style.font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    if landscape:
        _orient(section, landscape=True)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        document.styles[name].font.name = "Arial"
    if title:
        document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle).runs[0].italic = True
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            turn = block.wide and not landscape
            if turn:
                _orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
            _table(document, block)
            if turn and block is not blocks[-1]:
                _orient(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)
        elif isinstance(block, Figure) and images is not None:
            _figure(document, block, images)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _orient(section, landscape: bool) -> None:
    short, long = sorted((section.page_width, section.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _width(document) -> int:
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _table(document, block: Table) -> None:
    caption = document.add_paragraph(block.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=len(block.header) + len(block.body), cols=block.columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, block.columns, _width(document))
    _rules(table, header_rows=len(block.header))
    for r, line in enumerate(block.header):
        _row(table, r, line, header=True)
        _repeat_header(table.rows[r])
    for r, line in enumerate(block.body, start=len(block.header)):
        _row(table, r, line, header=False)
    for note in block.footnotes:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(note)
        run.font.size = NOTE_FONT


def _widths(table, columns: int, width: int) -> None:
    """The first column (the rows' names) wide, the figures' columns alike."""
    first = int(width * (0.5 if columns <= 3 else 0.34 if columns <= 7 else 0.2))
    rest = (width - first) // max(columns - 1, 1)
    for i, column in enumerate(table.columns):
        column.width = first if i == 0 else rest
        for cell in column.cells:
            cell.width = first if i == 0 else rest


def _row(table, r: int, cells: Sequence[Cell], header: bool) -> None:
    c = 0
    for cell in cells:
        target = table.cell(r, c)
        if cell.span > 1:
            target = target.merge(table.cell(r, c + cell.span - 1))
        paragraph = target.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.paragraph_format.space_before = Pt(1)
        paragraph.paragraph_format.line_spacing = 1.0
        if header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.label else WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.label else WD_ALIGN_PARAGRAPH.RIGHT
        for i, line in enumerate(cell.text.split("\n")):
            run = paragraph.add_run(line)
            run.font.size = HEADER_FONT if header else TABLE_FONT
            run.bold = cell.bold or (header and bool(line))
            if i < len(cell.text.split("\n")) - 1:
                run.add_break()
        c += cell.span


def _rules(table, header_rows: int) -> None:
    """A rule above the table, under its header and under its last row; none elsewhere."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "bottom"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "8")
        borders.append(element)
    for edge in ("left", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    margins = OxmlElement("w:tblCellMar")  # narrow: a 14-column table fits a landscape page
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "57")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties = table._tbl.tblPr
    _insert(properties, borders, before=("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    _insert(properties, margins, before=("w:tblLook",))
    for cell in table.rows[header_rows - 1].cells:
        properties = cell._tc.get_or_add_tcPr()
        cell_borders = OxmlElement("w:tcBorders")
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), "4")
        cell_borders.append(bottom)
        properties.append(cell_borders)


def _insert(parent, element, before: tuple[str, ...]) -> None:
    """Word reads a table's properties in the schema's order only (LibreOffice drops the rest)."""
    for tag in before:
        follower = parent.find(qn(tag))
        if follower is not None:
            follower.addprevious(element)
            return
    parent.append(element)


def _repeat_header(row) -> None:
    """The header row repeats on each page the table runs over."""
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _figure(document, block: Figure, images: Images) -> None:
    width = _width(document)
    if len(block.charts) == 1:
        document.add_picture(io.BytesIO(images(block.charts[0])), width=int(width * 0.85))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    else:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # a whole page: not cut in two
        rows = (len(block.charts) + 1) // 2
        grid = document.add_table(rows=rows, cols=2)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, name in enumerate(block.charts):
            paragraph = grid.cell(i // 2, i % 2).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run().add_picture(io.BytesIO(images(name)), width=int(width * 0.48))
    document.add_paragraph(block.caption, style="Caption")
