"""A summary record as self-contained HTML (a notebook's ``_repr_html_``)."""

from __future__ import annotations

import html

from ..model.expr import symbol_tex
from . import conventions as fmt
from .reasoning import explain_lines
from .text import footer_cells, joined
from .typeset import to_html as typeset_html

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
            derivations: bool = True, legend: bool = True, explain: bool = False, *,
            totals: bool = True, rows: list[dict] | None = None) -> str:
    """A self-contained HTML table (Jupyter's ``_repr_html_``) of ``rows`` (every layer by
    default): typeset formulas, no MathJax."""
    columns = list(columns)
    layers = record["layers"] if rows is None else rows
    esc = html.escape
    numeric = [fmt.COLUMNS[k].numeric for k in columns]
    head = "".join(f'<th style="{_RIGHT if n else _LEFT}font-weight:600">{esc(fmt.COLUMNS[k].header)}</th>'
                   for k, n in zip(columns, numeric))
    rows = []
    for row in layers:
        cells = "".join(f'<td style="{_RIGHT if n else _LEFT}">{_html_cell(row, k, formula_mode, derivations)}</td>'
                        for k, n in zip(columns, numeric))
        rows.append(f"<tr>{cells}</tr>")
    footer, rest = footer_cells(record, columns) if totals else ([], "")
    foot = "".join(f'<td style="{_RIGHT if n else _LEFT}font-weight:600">{esc(joined(c))}</td>'
                   for c, n in zip(footer, numeric))
    foot = f"<tfoot><tr>{foot}</tr></tfoot>" if foot else ""
    model = record["model"]
    parts = ['<div class="modelsummary-notebook" style="text-align:left">',
             f'<table class="modelsummary" style="border-collapse:collapse;margin:0.5em 0">'
             f'<caption style="text-align:left;font-weight:600">{esc(model["name"])} ({esc(model["class"])})</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
             f"{foot}</table>"]
    notes = ([rest] if rest else []) + [fmt.note_text(*item) for item in fmt.notes(record, layers)["items"]]
    if notes:
        parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    symbols = fmt.legend_shown(layers, columns, formula_mode, explain) if legend else []
    if symbols:
        items = " · ".join(f'<span style="white-space:nowrap">{typeset_html(symbol_tex(s))} {esc(m)}</span>'
                           for s, m in symbols)
        parts.append(f'<p style="{_SMALL}"><strong>Legend:</strong> {items}</p>')
    if explain:
        parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in explain_lines(record, layers)) + "</ul>")
    return "".join(parts) + "</div>"
