"""A summary record as a Markdown table (the CLI's ``--format markdown``)."""

from __future__ import annotations

import re

from . import conventions as fmt
from .conventions import UNICODE, Style
from .reasoning import explain_lines
from .text import footer_cells, joined, text_cell

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|$~#!])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, code, links, maths or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def to_markdown(record: dict, columns=fmt.DEFAULT_COLUMNS, formula_mode: str = "both",
                derivations: bool = True, legend: bool = True, explain: bool = False, *,
                style: Style = UNICODE, totals: bool = True, rows: list[dict] | None = None) -> str:
    """A Markdown table of ``rows`` (every layer by default), its totals row, notes, legend
    and (``explain``) the reasoning."""
    columns = list(columns)
    rows = record["layers"] if rows is None else rows

    def cell(row: dict, key: str) -> str:
        found = text_cell(row, key, formula_mode, derivations, style)
        lines = [block.indent.replace(" ", "&nbsp;") + markdown_escape(" ".join(block.pieces)) for block in found.blocks]
        return "<br>".join(lines) or " "

    align = ["---:" if fmt.COLUMNS[k].numeric else "---" for k in columns]
    model = record["model"]
    lines = [f"**{markdown_escape(model['name'])}** ({markdown_escape(model['class'])})", "",
             "| " + " | ".join(fmt.COLUMNS[k].header for k in columns) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(row, key) for key in columns) + " |" for row in rows]
    if totals:
        footer = [markdown_escape(joined(c)) or " " for c in footer_cells(record, columns)[0]]
        footer[0] = f"**{footer[0]}**"
        lines.append("| " + " | ".join(footer) + " |")
    lines += [""] + [f"- {markdown_escape(fmt.note_text(*item))}" for item in fmt.notes(record, rows)["items"]]
    symbols = fmt.legend_shown(rows, columns, formula_mode, explain) if legend else []
    if symbols:
        lines += ["", "Legend: " + "; ".join(f"*{markdown_escape(s)}* {markdown_escape(m)}" for s, m in symbols)]
    if explain:
        lines += ["", *(f"- {markdown_escape(line)}" for line in explain_lines(record, rows, style))]
    return "\n".join(lines) + "\n"
