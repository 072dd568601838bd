"""Text, Markdown and HTML renderings of a summary record (CLI, notebooks, text builder)."""

from __future__ import annotations

import html
import re

from . import format as fmt
from .reasoning import explain_lines
from .expr import symbol_tex
from .format import UNICODE, Style
from .text_table import Cell, render_table
from .typeset import to_html as typeset_html

WIDTH = 100  # the columns a text summary fits in


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


def _footer(record: dict, columns: list[str]) -> tuple[list[Cell], str]:
    """The totals row, and what of the totals it has no column for."""
    cells = []
    for kind, text in fmt.totals_row(record, columns):
        words = text.split(" · ")
        cells.append(Cell.of(*(w + " ·" for w in words[:-1]), words[-1]) if kind == "note" else Cell.of(text))
    rest = "" if "formula" in columns[1:] else fmt.totals_note(record)
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


def to_text(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both", derivations: bool = True,
            legend: bool = True, explain: bool = False, *, style: Style = UNICODE, width: int = WIDTH,
            title: bool = True, totals: bool = True, rows: list[dict] | None = None) -> str:
    """A table with formulas, a totals row, notes, legend and (``explain``) the reasoning,
    in ``width`` columns."""
    columns = list(columns)
    rows = record["layers"] if rows is None else rows
    notes = fmt.notes(record, rows)
    body = []
    for row in rows:
        cells = [text_cell(row, key, formula_mode, derivations, style) for key in columns]
        if id(row) in notes["marks"] and cells[0].blocks:
            cells[0].blocks[0].pieces[-1] += " " + "".join(f"[{n}]" for n in notes["marks"][id(row)])
        body.append(cells)
    footer, rest = _footer(record, columns) if totals else (None, "")
    header = [fmt.COLUMNS[key].header for key in columns]
    lines = [f"Model: {record['model']['name']} ({record['model']['class']})"] if title else []
    keep = columns.index("formula") if "formula" in columns else None
    lines += render_table(header, body, [fmt.COLUMNS[k].numeric for k in columns], width, footer, keep)
    if rest:
        lines += wrap(rest, width)
    lines += [line for n, item in enumerate(notes["items"], 1) for line in wrap(f"[{n}] {fmt.note_text(*item)}", width)]
    if legend and _legend(record, columns, explain, rows):
        lines += ["", "Legend:"] + [f"  {s}  {m}" for s, m in _legend(record, columns, explain, rows)]
    if explain:
        lines.append("")
        for line in _unwrapped(explain_lines(record, rows, style)):
            lines += wrap(line, width)
    return "\n".join(lines) + "\n"


def _legend(record: dict, columns, explain: bool, rows=None) -> list[tuple[str, str]]:
    """The symbols of the formulas shown, in the table or in the steps."""
    return fmt.legend_items(record["layers"] if rows is None else rows) if "formula" in columns or explain else []


# Markdown ---------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|$~#!])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, code, links, maths or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def to_markdown(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
                derivations: bool = True, legend: bool = True, explain: bool = False, *,
                style: Style = UNICODE) -> str:
    columns = list(columns)

    def cell(row: dict, key: str) -> str:
        found = text_cell(row, key, formula_mode, derivations, style)
        lines = [block.indent.replace(" ", "&nbsp;") + markdown_escape(" ".join(block.pieces)) for block in found.blocks]
        return "<br>".join(lines) or " "

    align = ["---:" if fmt.COLUMNS[k].numeric else "---" for k in columns]
    model = record["model"]
    lines = [f"**{markdown_escape(model['name'])}** ({markdown_escape(model['class'])})", "",
             "| " + " | ".join(fmt.COLUMNS[k].header for k in columns) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(row, key) for key in columns) + " |" for row in record["layers"]]
    footer = [markdown_escape(_joined(c)) or " " for c in _footer(record, columns)[0]]
    footer[0] = f"**{footer[0]}**"
    lines.append("| " + " | ".join(footer) + " |")
    lines += [""] + [f"- {markdown_escape(fmt.note_text(*item))}" for item in fmt.notes(record, record["layers"])["items"]]
    if legend and _legend(record, columns, explain):
        lines += ["", "Legend: " + "; ".join(f"*{markdown_escape(s)}* {markdown_escape(m)}"
                                             for s, m in _legend(record, columns, explain))]
    if explain:
        lines += ["", *(f"- {markdown_escape(line)}" for line in explain_lines(record, style=style))]
    return "\n".join(lines) + "\n"


# HTML (notebooks) ---------------------------------------------------------------------------

# Inline styles: notebook front-ends (JupyterLab right-aligns cells) keep them, and a page
# without the stylesheet reads the same.
_CELL = "padding:0.25em 0.7em;vertical-align:top;border:0;border-bottom:1px solid rgba(128,128,128,0.35);"
_LEFT, _RIGHT = _CELL + "text-align:left;", _CELL + "text-align:right;font-variant-numeric:tabular-nums;"
_NOWRAP = '<span style="white-space:nowrap">{}</span>'
_SMALL = "font-size:0.85em;opacity:0.85;"


def _sides_html(sides: list[str]) -> str:
    """LaTeX sides as typeset HTML, breaking only after the first side."""
    pieces = [typeset_html(side) for side in sides]
    first, rest = pieces[0], " = ".join(pieces[1:])
    return _NOWRAP.format(first) + (" " + _NOWRAP.format("= " + rest) if rest else "")


def _html_cell(row: dict, key: str, mode: str, derivations: bool) -> str:
    esc = html.escape
    if key in ("layer", "name"):
        indent = f"padding-left:{1.2 * row['depth']:.1f}em;" if row["depth"] else ""
        type_ = f' <span style="{_SMALL}">({esc(row["class"])})</span>' if key == "layer" else ""
        return f'<div style="{indent}white-space:nowrap"><code>{esc(row["label"])}</code>{type_}</div>'
    if key == "formula":
        if row["formula"] is None:
            return ""
        parts = fmt.formula_parts(row)
        if parts:
            return "".join(f"<div>{esc(fmt.part_label(p))}: {_sides_html(fmt.latex_sides(p, mode))}</div>"
                           for p in parts)
        note = fmt.mismatch_note(row)
        return _sides_html(fmt.latex_sides(row["formula"], mode)) + (f" <em>{esc(note)}</em>" if note else "")
    if key == "output":
        lines = [_NOWRAP.format(esc(fmt.shapes_text(row["output_shapes"])))]
        for axes, item in fmt.derivations(row) if derivations else []:
            whole = " = ".join(typeset_html(side) for side in fmt.latex_sides(item, "substituted"))
            lines.append(f'<div style="{_SMALL}">{esc(axes)}: {_NOWRAP.format(whole)}</div>')
        return "".join(lines)
    if key == "activations":
        return " ".join(_NOWRAP.format(esc(p)) for s in row["output_shapes"] for p in fmt.size_parts(s))
    return esc(fmt.cell_text(row, key, mode))


def to_html(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
            derivations: bool = True, legend: bool = True, explain: bool = False) -> str:
    """A self-contained HTML table (Jupyter's ``_repr_html_``): typeset formulas, no MathJax."""
    columns = list(columns)
    esc = html.escape
    numeric = [fmt.COLUMNS[k].numeric for k in columns]
    head = "".join(f'<th style="{_RIGHT if n else _LEFT}font-weight:600">{esc(fmt.COLUMNS[k].header)}</th>'
                   for k, n in zip(columns, numeric))
    rows = []
    for row in record["layers"]:
        cells = "".join(f'<td style="{_RIGHT if n else _LEFT}">{_html_cell(row, k, formula_mode, derivations)}</td>'
                        for k, n in zip(columns, numeric))
        rows.append(f"<tr>{cells}</tr>")
    footer, rest = _footer(record, columns)
    foot = "".join(f'<td style="{_RIGHT if n else _LEFT}font-weight:600">{esc(_joined(c))}</td>'
                   for c, n in zip(footer, numeric))
    model = record["model"]
    parts = ['<div class="modelsummary-notebook" style="text-align:left">',
             f'<table class="modelsummary" style="border-collapse:collapse;margin:0.5em 0">'
             f'<caption style="text-align:left;font-weight:600">{esc(model["name"])} ({esc(model["class"])})</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
             f"<tfoot><tr>{foot}</tr></tfoot></table>"]
    notes = ([rest] if rest else []) + [fmt.note_text(*item) for item in fmt.notes(record, record["layers"])["items"]]
    if notes:
        parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    if legend and _legend(record, columns, explain):
        items = " · ".join(f'<span style="white-space:nowrap">{typeset_html(symbol_tex(s))} {esc(m)}</span>'
                           for s, m in _legend(record, columns, explain))
        parts.append(f'<p style="{_SMALL}"><strong>Legend:</strong> {items}</p>')
    if explain:
        parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in explain_lines(record)) + "</ul>")
    return "".join(parts) + "</div>"


def _joined(cell: Cell) -> str:
    return " ".join(piece for block in cell.blocks for piece in block.pieces)
