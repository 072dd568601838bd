"""A summary record as self-contained HTML (a notebook's ``_repr_html_``): what
:func:`.doctree.render` shows, typeset without MathJax, styled inline.

Inline styles, because notebook front-ends style output tables themselves: JupyterLab
right-aligns cells, myst-nb (Jupyter Book 1) lays them out with ``table-layout: fixed``,
which gives every column the same width and cuts the formulas. A formula breaks only
before an ``=``; the table scrolls sideways when it is wider than the output.
"""

from __future__ import annotations

import html

from ..model.expr import symbol_tex
from . import conventions as fmt
from .reasoning import steps
from .text import footer_cells
from .typeset import to_html as typeset_html
from .view import SummaryOptions, select_rows
from .walk import walk_branches

_CELL = "padding:0.25em 0.7em;vertical-align:top;border:0;border-bottom:1px solid rgba(128,128,128,0.35);"
_LEFT, _RIGHT = _CELL + "text-align:left;", _CELL + "text-align:right;font-variant-numeric:tabular-nums;"
_NOWRAP = '<span style="white-space:nowrap">{}</span>'
_SMALL = "font-size:0.85em;opacity:0.85;"
_TABLE = "border-collapse:collapse;margin:0.5em 0;table-layout:auto;width:auto;max-width:none;color:inherit"
esc = html.escape


def _sides_html(sides: list[str], every: bool = False) -> str:
    """LaTeX sides as typeset HTML, breaking only after the first side, or (``every``)
    before each ``=``."""
    pieces = [typeset_html(side) for side in sides]
    if every:
        return " ".join(_NOWRAP.format(("= " if i else "") + piece) for i, piece in enumerate(pieces))
    first, rest = pieces[0], " = ".join(pieces[1:])
    return _NOWRAP.format(first) + (" " + _NOWRAP.format("= " + rest) if rest else "")


def _pieces(cell) -> str:
    """A text cell's pieces, each short one kept whole (``0 non-trainable ·``); a long one
    (why a MAC count is partial) is prose, free to wrap."""
    pieces = [piece for block in cell.blocks for piece in block.pieces]
    if len(pieces) == 1:  # a count
        return esc(pieces[0])
    return " ".join(_NOWRAP.format(esc(piece)) if len(piece) <= 40 else esc(piece) for piece in pieces)


def _formula_html(row: dict, mode: str) -> str:
    if row["formula"] is None:
        return ""
    parts = fmt.formula_parts(row)  # each weight group: its name over its equation
    lines = [f"<div>{esc(fmt.part_label(p))}:</div><div>{_sides_html(fmt.latex_sides(p, mode))}</div>" for p in parts]
    found = "".join(lines) or _sides_html(fmt.latex_sides(row["formula"], mode))
    note = fmt.mismatch_note(row)
    return found + (f" <em>{esc(note)}</em>" if note else "")


def _html_cell(row: dict, key: str, mode: str, derivations: bool, marks: list[str] | None = None) -> str:
    if key in ("layer", "name"):
        indent = f"padding-left:{1.2 * row['depth']:.1f}em;" if row["depth"] else ""
        type_ = f' <span style="{_SMALL}">({esc(row["class"])})</span>' if key == "layer" else ""
        mark = f"<sup>{','.join(marks)}</sup>" if marks else ""
        # the type may go under the name in a narrow output, the name itself never breaks
        return f'<div style="{indent}"><code style="white-space:nowrap">{esc(row["label"])}</code>{type_}{mark}</div>'
    if key == "formula":
        return _formula_html(row, mode)
    if key == "macs" and fmt.macs_cell(row)[0] is not None:  # the count per step, a size unknown
        formula, note = fmt.macs_cell(row)
        return _sides_html(fmt.latex_sides(formula, "both")) + f" {esc(note)}"
    if key in ("output", "input"):
        lines = [_NOWRAP.format(esc(fmt.shapes_text(row[f"{key}_shapes"])))]
        for axes, item in fmt.derivations(row) if derivations and key == "output" else []:
            whole = " = ".join(typeset_html(side) for side in fmt.latex_sides(item, "substituted"))
            lines.append(f'<div style="{_SMALL}">{esc(axes)}: {_NOWRAP.format(whole)}</div>')
        return "".join(lines)
    if key == "activations":
        return " ".join(_NOWRAP.format(esc(p)) for s in row["output_shapes"] for p in fmt.size_parts(s))
    if key == "connected":
        return ", ".join(f"<code>{esc(label)}</code>" for label in row["connected_to"])
    if key == "memory" and row.get("activation_bytes") is not None:  # the exact count on hover
        exact = f"{row['activation_bytes']:,} bytes ({', '.join(row['output_dtypes'])})"
        return f'<span title="{esc(exact)}">{_NOWRAP.format(esc(fmt.cell_text(row, key)))}</span>'
    return esc(fmt.cell_text(row, key, mode))


def render(record: dict, options: SummaryOptions, rows: list[dict] | None = None) -> str:
    """The table (a totals row last), the notes, the legend and (``explain``) the reasoning."""
    columns = list(options.columns)
    rows = select_rows(record, options) if rows is None else rows
    notes = fmt.notes(record, rows)
    numeric = [fmt.COLUMNS[k].numeric for k in columns]
    head = "".join(f'<th style="{_RIGHT if n else _LEFT}font-weight:600">{esc(fmt.COLUMNS[k].header)}</th>'
                   for k, n in zip(columns, numeric))
    body = []
    for row in rows:
        marks = notes["marks"].get(id(row))
        cells = "".join(f'<td style="{_RIGHT if n else _LEFT}">'
                        f'{_html_cell(row, k, options.formula, options.shape_derivations, marks if i == 0 else None)}</td>'
                        for i, (k, n) in enumerate(zip(columns, numeric)))
        body.append(f"<tr>{cells}</tr>")
    foot, rest = "", ""
    if options.totals:
        footer, rest = footer_cells(record, columns)
        foot = "<tfoot><tr>" + "".join(f'<td style="{_RIGHT if n else _LEFT}font-weight:600">{_pieces(c)}</td>'
                                       for c, n in zip(footer, numeric)) + "</tr></tfoot>"
    model = record["model"]
    caption = options.caption or f"{model['name']} ({model['class']})"
    parts = ['<div class="modelsummary-notebook" style="text-align:left">',
             '<div style="overflow-x:auto;max-width:100%">'
             f'<table class="modelsummary" style="{_TABLE}">'
             f'<caption style="text-align:left;font-weight:600">{esc(caption)}</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>{foot}</table></div>"]
    if notes["items"]:
        parts.append('<ol style="margin:0.25em 0">' + "".join(f"<li>{esc(fmt.note_text(*item))}</li>"
                                                               for item in notes["items"]) + "</ol>")
    if rest:
        parts.append(f"<p>{esc(rest)}</p>")
    symbols = fmt.legend_shown(rows, columns, options.formula, options.explain) if options.legend else []
    if symbols:
        items = "; ".join(f'<span style="white-space:nowrap">{typeset_html(symbol_tex(s))} {esc(m)}</span>'
                          for s, m in symbols)
        parts.append(f'<p style="{_SMALL}"><strong>Legend:</strong> {items}</p>')
    if options.explain:
        parts.append(_explain(rows))
    return "".join(parts) + "</div>"


def _explain(rows: list[dict]) -> str:
    """The shape walk, one line per branch (breaking only at its arrows), then one item per
    layer with its details under it, formulas typeset and broken only before an ``=``."""
    lines = []
    for sources, found in walk_branches(rows):
        pieces = [_NOWRAP.format(esc(piece)) for piece in found]
        head = _NOWRAP.format(esc(" + ".join(sources)) + " →") + " " if sources else ""
        lines.append(f"<div>{head}{' → '.join(pieces)}</div>")
    walk = f'<div class="modelsummary-walk"><strong>Shapes:</strong>{"".join(lines)}</div>'
    items = []
    for step in steps(rows):
        who = f"<code>{esc(step.label)}</code> ({esc(step.kind)})"
        if step.formula is not None:
            note = fmt.mismatch_note(step.row)
            sides = [r"\mathrm{parameters}", *fmt.latex_sides(step.formula, "both")]
            line = f"{who}: {_sides_html(sides, every=True)}" + (f" {esc(note)}" if note else "")
        else:
            line = f"{who} has no parameters: {esc(step.reason)}."
        details = "".join(f'<div style="margin-left:1.2em">{esc(label)}: '
                          f'{_sides_html(fmt.latex_sides(detail, "both"), every=True)}{" " + esc(note) if note else ""}</div>'
                          for label, detail, note in step.details)
        items.append(f"<li>{line}{details}</li>")
    return walk + '<ul class="modelsummary-steps" style="margin:0.25em 0">' + "".join(items) + "</ul>"


def to_html(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
            derivations: bool = True, legend: bool = True, explain: bool = False, *,
            totals: bool = True, rows: list[dict] | None = None) -> str:
    """:func:`render` with the options as arguments (the CLI's call)."""
    options = SummaryOptions(columns=tuple(columns), formula=formula_mode, shape_derivations=derivations,
                             legend=legend, explain=explain, totals=totals)
    return render(record, options, rows)
