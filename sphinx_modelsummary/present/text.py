"""A summary record as a plain-text table (the CLI and the Sphinx text builder), and the
cells the Markdown rendering and the LaTeX column widths share with it."""

from __future__ import annotations

import re

from . import conventions as fmt
from .reasoning import explain_lines
from .conventions import UNICODE, Style
from .text_table import Cell, render_table
from .view import SummaryOptions, select_rows

WIDTH = 100  # the columns a text summary fits in
NOTE_PIECE = 32  # the widest part of the totals note kept whole ("forward/backward 309.33 KiB ·")


# Text -------------------------------------------------------------------------------------


def _guide(depth: int, style: Style) -> str:
    return ("│ " if style.unicode else "| ") * depth


def _formula_cell(row: dict, mode: str, style: Style) -> Cell:
    cell = Cell()
    if row["formula"] is None:
        return cell
    for part in fmt.formula_parts(row):
        cell.add(fmt.part_label(part) + ":", *fmt.split_sides(fmt.equation_sides(part, mode, style)))
    if not cell.blocks:
        cell.add(*fmt.split_sides(fmt.equation_sides(row["formula"], mode, style)))
    note = fmt.mismatch_note(row)
    if note:
        cell.blocks[-1].pieces.append(note)
    return cell


def text_cell(row: dict, key: str, mode: str = "both", derivations: bool = True, style: Style = UNICODE) -> Cell:
    """One cell of the text table, in pieces that never break."""
    guide = _guide(row["depth"], style)
    if key == "layer":
        return Cell.of(row["label"], f"({row['class']})", indent=guide)
    if key == "name":
        return Cell.of(row["label"], indent=guide)
    if key == "output":
        cell = Cell.of(*(fmt.shape_text(s) for s in row["output_shapes"]))
        for axes, item in fmt.derivations(row) if derivations else []:
            cell.add(f"{axes}:", fmt.equation(item, "substituted", style))
        return cell
    if key == "input":
        return Cell.of(*(fmt.shape_text(s) for s in row["input_shapes"]))
    if key == "activations":
        return Cell.of(*(piece for shape in row["output_shapes"] for piece in fmt.size_parts(shape, style)))
    if key == "formula":
        return _formula_cell(row, mode, style)
    if key == "macs" and fmt.macs_cell(row)[0] is not None:
        formula, note = fmt.macs_cell(row)
        return Cell.of(*fmt.split_sides(fmt.equation_sides(formula, "both", style)), note)
    if key == "connected":
        names = row["connected_to"]
        return Cell.of(*(name + ("," if i < len(names) - 1 else "") for i, name in enumerate(names)))
    return Cell.of(fmt.cell_text(row, key, mode, style))


def footer_cells(record: dict, columns: list[str], style: Style = UNICODE) -> tuple[list[Cell], str]:
    """The totals row, and what of the totals it has no column for."""
    cells = []
    for kind, text in fmt.totals_row(record, columns, style):
        words = [w + " ·" for w in text.split(" · ")]
        words[-1] = words[-1].removesuffix(" ·")
        # a long part (a dtype per figure, a reason) may break at its spaces, so the column stays narrow
        pieces = [piece for w in words for piece in (w.split(" ") if len(w) > NOTE_PIECE else [w])]
        cells.append(Cell.of(*pieces) if kind == "note" else Cell.of(text))
    rest = "" if "formula" in columns[1:] else fmt.totals_note(record, style)
    return cells, rest


def wrap(text: str, width: int = WIDTH) -> list[str]:
    """A line of the explanation wrapped so that no formula is cut: the shape walk before its
    arrows, a formula before its ``=``, prose at any space; its indent is kept."""
    body = text.lstrip()
    indent = text[:len(text) - len(body)]
    if re.search(r"(^| )(→|->) ", body):
        pieces = re.split(r" (?=→ |-> )", body)
    elif " = " in body:
        head = body.partition(" = ")[0]
        cut = head.rfind(": ") + 2 if ": " in head else 0
        pieces = body[:cut].split() + re.split(r" (?== )", body[cut:])
    else:
        pieces = body.split()
    return Cell([]).add(*pieces, indent=indent, lead=False).lines(width)


def _unwrapped(lines: list[str]) -> list[str]:
    """The explanation with each branch of the walk on one line again, to wrap at this width."""
    out: list[str] = []
    for line in lines:
        if out and line.lstrip().startswith(("→ ", "-> ")):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


def render(record: dict, options: SummaryOptions, rows: list[dict] | None = None, *, style: Style = UNICODE,
           width: int = WIDTH, title: bool = True) -> str:
    """A table with formulas, a totals row, notes, legend and (``explain``) the reasoning,
    in ``width`` columns: what :func:`.doctree.render` shows, as text."""
    columns = list(options.columns)
    rows = select_rows(record, options) if rows is None else rows
    notes = fmt.notes(record, rows)
    body = []
    for row in rows:
        cells = [text_cell(row, key, options.formula, options.shape_derivations, style) for key in columns]
        if id(row) in notes["marks"] and cells[0].blocks:
            cells[0].blocks[0].pieces[-1] += " " + "".join(f"[{n}]" for n in notes["marks"][id(row)])
        body.append(cells)
    footer, rest = footer_cells(record, columns, style) if options.totals else (None, "")
    header = [fmt.COLUMNS[key].header for key in columns]
    lines = [f"Model: {record['model']['name']} ({record['model']['class']})"] if title else []
    lines += [options.caption] if options.caption else []
    keep = columns.index("formula") if "formula" in columns else None
    lines += render_table(header, body, [fmt.COLUMNS[k].numeric for k in columns], width, footer, keep)
    if rest:
        lines += wrap(rest, width)
    lines += [line for n, item in enumerate(notes["items"], 1) for line in wrap(f"[{n}] {fmt.note_text(*item)}", width)]
    symbols = fmt.legend_shown(rows, columns, options.formula, options.explain) if options.legend else []
    if symbols:
        lines += ["", "Legend:"] + [f"  {s}  {m}" for s, m in symbols]
    if options.explain:
        lines.append("")
        for line in _unwrapped(explain_lines(record, rows, style)):
            lines += wrap(line, width)
    return "\n".join(lines) + "\n"


def to_text(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both", derivations: bool = True,
            legend: bool = True, explain: bool = False, *, style: Style = UNICODE, width: int = WIDTH,
            title: bool = True, totals: bool = True, rows: list[dict] | None = None) -> str:
    """:func:`render` with the options as arguments (the CLI's call)."""
    options = SummaryOptions(columns=tuple(columns), formula=formula_mode, shape_derivations=derivations,
                             legend=legend, explain=explain, totals=totals)
    return render(record, options, rows, style=style, width=width, title=title)
