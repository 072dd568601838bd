"""Text, Markdown and HTML renderings of a summary record (CLI and notebooks)."""

from __future__ import annotations

import html

from . import format as fmt


def _rows(record: dict, columns: list[str], formula_mode: str, derivations: bool):
    """Each row's cells, and the derivation lines to show under its output shape."""
    for row in record["layers"]:
        cells = [fmt.cell_text(row, key, formula_mode) for key in columns]
        extra = fmt.derivations_text(row) if derivations and "output" in columns else []
        yield cells, extra


def _notes(record: dict) -> list[str]:
    notes = fmt.totals_lines(record)
    notes += [f"{'Warning' if d['kind'] == 'mismatch' else 'Note'}: {d['layer'] or record['model']['name']}: "
              f"{d['message']}" for d in record["diagnostics"]]
    return notes


def _legend(record: dict, columns, explain: bool) -> list[tuple[str, str]]:
    """The symbols of the formulas shown, in the table or in the steps."""
    return fmt.legend_items(record["layers"]) if "formula" in columns or explain else []


def to_text(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
            derivations: bool = True, legend: bool = True, explain: bool = False) -> str:
    """A terminal table with formulas, totals and legend."""
    columns = list(columns)
    headers = [fmt.COLUMNS[key].header for key in columns]
    body = []
    for cells, extra in _rows(record, columns, formula_mode, derivations):
        body.append(cells)
        at = columns.index("output") if extra else 0
        body += [["" if i != at else f"  {line}" for i in range(len(columns))] for line in extra]
    widths = [max(len(r[i]) for r in [headers, *body]) for i in range(len(headers))]
    numeric = [fmt.COLUMNS[key].numeric for key in columns]

    def line(cells):
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    title = f"Model: {record['model']['name']} ({record['model']['class']})"
    lines = [title, rule, line(headers), rule, *(line(r) for r in body), rule, *_notes(record)]
    if legend and _legend(record, columns, explain):
        lines += ["", "Legend:"] + [f"  {s}: {m}" for s, m in _legend(record, columns, explain)]
    if explain:
        lines += ["", *fmt.explain_lines(record)]
    return "\n".join(lines) + "\n"


def to_markdown(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
                derivations: bool = True, legend: bool = True, explain: bool = False) -> str:
    columns = list(columns)

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_").strip() or " "

    align = ["---:" if fmt.COLUMNS[k].numeric else "---" for k in columns]
    lines = [f"**{cell(record['model']['name'])}** ({record['model']['class']})", "",
             "| " + " | ".join(fmt.COLUMNS[k].header for k in columns) + " |", "| " + " | ".join(align) + " |"]
    for cells, extra in _rows(record, columns, formula_mode, derivations):
        cells = [cell(c) for c in cells]
        if extra:
            cells[columns.index("output")] += "".join("<br>" + cell(e) for e in extra)
        lines.append("| " + " | ".join(cells) + " |")
    lines += [""] + [f"- {cell(n)}" for n in _notes(record)]
    if legend and _legend(record, columns, explain):
        lines += ["", "Legend: " + "; ".join(f"`{s}` {m}" for s, m in _legend(record, columns, explain))]
    if explain:
        lines += ["", *(f"- {cell(line)}" for line in fmt.explain_lines(record))]
    return "\n".join(lines) + "\n"


def to_html(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
            derivations: bool = True, legend: bool = True, explain: bool = False) -> str:
    """A self-contained HTML table (Jupyter's ``_repr_html_``)."""
    columns = list(columns)
    esc = html.escape
    head = "".join(f"<th>{esc(fmt.COLUMNS[k].header)}</th>" for k in columns)
    rows = []
    for cells, extra in _rows(record, columns, formula_mode, derivations):
        cells = [esc(c) for c in cells]
        if extra:
            cells[columns.index("output")] += "".join(f"<br><small>{esc(e)}</small>" for e in extra)
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    notes = "".join(f"<li>{esc(n)}</li>" for n in _notes(record))
    parts = [f'<table class="modelsummary"><caption>{esc(record["model"]["name"])}</caption>',
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table><ul>{notes}</ul>"]
    if legend and _legend(record, columns, explain):
        items = "".join(f"<dt><code>{esc(s)}</code></dt><dd>{esc(m)}</dd>" for s, m in _legend(record, columns, explain))
        parts.append(f"<dl>{items}</dl>")
    if explain:
        parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in fmt.explain_lines(record)) + "</ul>")
    return "".join(parts)
