"""A summary record as Markdown (the CLI's ``--format markdown``, a notebook's
``_repr_markdown_``): what :func:`.doctree.render` shows, as a Markdown table and text."""

from __future__ import annotations

import re

from . import conventions as fmt
from .conventions import UNICODE, Style
from .reasoning import step_sentence, steps
from .text import text_cell
from .view import SummaryOptions, select_rows
from .walk import walk_lines

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|$~#!])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, code, links, maths or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def render(record: dict, options: SummaryOptions, rows: list[dict] | None = None, *,
           style: Style = UNICODE, title: bool = True) -> str:
    """The table (a totals row last), the notes, the legend and (``explain``) the reasoning."""
    columns = list(options.columns)
    rows = select_rows(record, options) if rows is None else rows
    notes = fmt.notes(record, rows)

    def cell(row: dict, key: str) -> str:
        found = text_cell(row, key, options.formula, options.shape_derivations, style)
        lines = [block.indent.replace(" ", "&nbsp;") + markdown_escape(" ".join(block.pieces)) for block in found.blocks]
        if key == columns[0] and id(row) in notes["marks"]:
            lines[-1:] = [(lines[-1] if lines else "") + "<sup>" + ",".join(notes["marks"][id(row)]) + "</sup>"]
        return "<br>".join(lines) or " "

    model = record["model"]
    head = [f"**{markdown_escape(model['name'])}** ({markdown_escape(model['class'])})"] if title else []
    head += [markdown_escape(options.caption)] if options.caption else []
    align = ["---:" if fmt.COLUMNS[k].numeric else "---" for k in columns]
    table = ["| " + " | ".join(fmt.COLUMNS[k].header for k in columns) + " |", "| " + " | ".join(align) + " |"]
    table += ["| " + " | ".join(cell(row, key) for key in columns) + " |" for row in rows]
    rest = ""
    if options.totals:  # the label and the counts in bold, as the other renderers have them
        cells = [f"**{markdown_escape(value)}**" if kind in ("label", "count") else markdown_escape(value) or " "
                 for kind, value in fmt.totals_row(record, columns, style)]
        table.append("| " + " | ".join(cells) + " |")
        rest = "" if "formula" in columns[1:] else fmt.totals_note(record, style)
    sections = [head, table, [markdown_escape(rest)] if rest else []]
    sections.append([f"{n}. {markdown_escape(fmt.note_text(*item))}" for n, item in enumerate(notes["items"], 1)])
    symbols = fmt.legend_shown(rows, columns, options.formula, options.explain) if options.legend else []
    if symbols:
        sections.append(["**Legend:** " + "; ".join(f"*{markdown_escape(s)}* {markdown_escape(m)}" for s, m in symbols)])
    if options.explain:
        sections += _explain(rows, style)
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def _explain(rows: list[dict], style: Style) -> list[list[str]]:
    """The shape walk, one line per branch, then one item per layer with its details under it."""
    walk = [markdown_escape(line) for line in walk_lines(rows, None, style)]
    lines: list[str] = []
    for step in steps(rows):
        lines.append(f"- {markdown_escape(step_sentence(step, style))}")
        lines += [f"  - {markdown_escape(label)}: {markdown_escape(fmt.equation(item, 'both', style))}"
                  + (f" {markdown_escape(note)}" if note else "") for label, item, note in step.details]
    return [["**Shapes:**<br>" + "<br>".join(walk)], lines]


def to_markdown(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
                derivations: bool = True, legend: bool = True, explain: bool = False, *,
                style: Style = UNICODE, totals: bool = True, rows: list[dict] | None = None) -> str:
    """:func:`render` with the options as arguments (the CLI's call)."""
    options = SummaryOptions(columns=tuple(columns), formula=formula_mode, shape_derivations=derivations,
                             legend=legend, explain=explain, totals=totals)
    return render(record, options, rows, style=style)
