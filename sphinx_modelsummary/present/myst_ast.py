"""A summary record as MyST AST nodes (plain JSON-ready dicts) for mystmd / Jupyter Book 2.

The same content as :mod:`.doctree`: a numbered table (a ``container`` of kind
``table``, captioned and labelled when the options say so) whose formulas are
``inlineMath`` with the record's LaTeX and whose last row gives the totals, then the
notes, legend and explanation. Words and numbers come from :mod:`.conventions`. Neither
Sphinx nor Keras (nor docutils) is imported. Text nodes hold no character that mystmd's TeX
export would turn into a maths command outside maths (arrows, floors): those are ``inlineMath``.
"""

from __future__ import annotations

import re

from . import conventions as fmt, reasoning
from ..model.expr import symbol_tex
from .references import row_anchor
from .view import SummaryOptions, select_rows
from .walk import walk_branches

INDENT = "\u00a0" * 3  # a nested layer's indent per level
ARROW = r"\rightarrow"  # the shape walk's arrow, in maths


def text(value: str) -> dict:
    return {"type": "text", "value": value}


def code(value: str) -> dict:
    return {"type": "inlineCode", "value": value}


def math(latex: str) -> dict:
    return {"type": "inlineMath", "value": latex}


def strong(value: str) -> dict:
    return {"type": "strong", "children": [text(value)]}


def paragraph(*children: dict) -> dict:
    return {"type": "paragraph", "children": list(children)}


def bullets(items: list[list[dict]], cls: str, ordered: bool = False) -> dict:
    return {"type": "list", "ordered": ordered, "class": cls,
            "children": [{"type": "listItem", "children": [paragraph(*item)]} for item in items]}


def admonition(kind: str, title: str, message: str) -> dict:
    """A box in the page (``kind``: ``warning``, ``error``): mystmd has no other channel."""
    return {"type": "admonition", "kind": kind, "class": "modelsummary-problem",
            "children": [{"type": "admonitionTitle", "children": [text(title)]}, paragraph(text(message))]}


def render(record: dict, options: SummaryOptions, rows: list[dict] | None = None) -> list[dict]:
    """The nodes for one summary: the table, then the notes, totals, legend and steps."""
    rows = select_rows(record, options) if rows is None else rows
    notes = fmt.notes(record, rows)
    nodes = [_container(record, rows, options, notes)]
    if notes["items"]:
        nodes.append(bullets([[code(label), text(": "), text(message)] if label else [text(f"The model: {message}")]
                              for label, message in notes["items"]], "modelsummary-notes", ordered=True))
    if options.totals and "formula" not in options.columns[1:]:
        nodes.append(paragraph(text(fmt.totals_note(record))))
    if options.legend:
        nodes += _legend(rows, options)
    if options.explain:
        nodes += _explain(record, rows)
    return nodes


def _container(record: dict, rows: list[dict], options: SummaryOptions, notes: dict) -> dict:
    columns = list(options.columns)
    head = _row([[text(fmt.COLUMNS[key].header)] for key in columns], columns, header=True)
    body = []
    for row in rows:
        cells = [_cell(row, key, options) for key in columns]
        marks = notes["marks"].get(id(row))
        if marks:
            cells[0].append({"type": "superscript", "children": [text(",".join(marks))]})
        if options.name:  # a target the ms roles link to; the site's theme gives a span its id, not a row
            anchor = row_anchor(options.name, row["label"])
            cells[0] = [{"type": "span", "identifier": anchor, "label": anchor, "children": cells[0]}]
        body.append(_row(cells, columns))
    if options.totals:
        body.append(_row(_totals(record, columns), columns))
    table = {"type": "table", "class": " ".join(["modelsummary", *options.classes]), "children": [head, *body]}
    container = {"type": "container", "kind": "table", "children": [table]}
    if options.caption:
        container["children"].insert(0, {"type": "caption", "children": [paragraph(text(options.caption))]})
    if options.name:
        container["label"] = options.name
        container["identifier"] = re.sub(r"\s+", " ", options.name).strip().lower()
    return container


def _row(cells: list[list[dict]], columns: list[str], header: bool = False) -> dict:
    row = {"type": "tableRow", "children": []}
    for key, children in zip(columns, cells):
        cell = {"type": "tableCell", "children": children}
        if header:
            cell["header"] = True
        if fmt.COLUMNS[key].numeric:
            cell["align"] = "right"
        row["children"].append(cell)
    return row


def _totals(record: dict, columns: list[str]) -> list[list[dict]]:
    """The totals row: the counts under their columns, the rest in the formula column."""
    return [([text(value)] if kind == "note" else [strong(value)]) if kind else []
            for kind, value in fmt.totals_row(record, columns)]


def _equation(item: dict, mode: str) -> list[list[dict]]:
    """An equation's lines: its symbolic side, then the rest after ``=``."""
    sides = fmt.latex_sides(item, mode)
    lines = [[math(sides[0])]]
    if len(sides) > 1:
        lines.append([math("= " + " = ".join(sides[1:]))])
    return lines


def _lines(*lines: list[dict]) -> list[dict]:
    """Several lines in one cell, with line breaks between them."""
    nodes: list[dict] = []
    for line in lines:
        nodes += ([{"type": "break"}] if nodes else []) + line
    return nodes


def _cell(row: dict, key: str, options: SummaryOptions) -> list[dict]:
    indent = [text(INDENT * row["depth"])] if row["depth"] else []
    if key == "layer":
        return [*indent, code(row["label"]), text(f" ({row['class']})")]
    if key == "name":
        return [*indent, code(row["label"])]
    if key == "connected":
        parts: list[dict] = []
        for i, label in enumerate(row["connected_to"]):
            parts += ([text(", ")] if i else []) + [code(label)]
        return parts
    if key == "formula":
        if row["formula"] is None:
            return []
        lines = []
        for part in fmt.formula_parts(row):  # each weight group: its name over its equation
            lines += [[text(fmt.part_label(part) + ":")], *_equation(part, options.formula)]
        lines = lines or _equation(row["formula"], options.formula)
        note = fmt.mismatch_note(row)
        if note:
            lines[-1].append(text(f" {note}"))
        return _lines(*lines)
    if key == "macs" and fmt.macs_cell(row)[0] is not None:  # the count per step, a size unknown
        formula, note = fmt.macs_cell(row)
        return _lines(*_equation(formula, "both"), [text(note)])
    value = fmt.cell_text(row, key, options.formula)
    lines = [[text(value)]] if value else []
    if key == "output" and options.shape_derivations:
        lines += [[text(f"{axes}: "), math(fmt.equation_latex(item, "substituted"))]
                  for axes, item in fmt.derivations(row)]
    return _lines(*lines)


def _legend(rows: list[dict], options: SummaryOptions) -> list[dict]:
    """The meaning of every symbol in the formulas shown (table and explanation)."""
    items = fmt.legend_shown(rows, options.columns, options.formula, options.explain)
    if not items:
        return []
    legend = [strong("Legend:")]
    for i, (symbol, meaning) in enumerate(items):
        legend += [text("; " if i else " "), math(symbol_tex(symbol)), text(f" {meaning}")]
    return [{**paragraph(*legend), "class": "modelsummary-legend"}]


def _explain(record: dict, rows: list[dict]) -> list[dict]:
    """The derivation as prose, as :func:`.doctree.render` gives it: the shape walk, one line
    per branch, then one item per layer with its parts and its multiply-accumulates under it.
    Arrows and operators are maths: mystmd's TeX export writes a ``→`` in text as a bare
    ``\\rightarrow``."""
    walk: list[dict] = [strong("Shapes:")]
    for sources, steps in walk_branches(rows):
        line = [text(" + ".join(sources) + " "), math(ARROW), text(" ")] if sources else []
        for i, step in enumerate(steps):
            line += ([text(" "), math(ARROW), text(" ")] if i else []) + [text(step)]
        walk += [{"type": "break"}, *line]
    items = []
    for step in reasoning.steps(rows):
        who = [code(step.label), text(f" ({step.kind})")]
        if step.formula is not None:
            line = who + [text(": "), math(r"\mathrm{parameters} = " + fmt.equation_latex(step.formula, "both"))]
            note = fmt.mismatch_note(step.row)
            if note:
                line.append(text(f" {note}"))
        else:
            line = who + [text(f" has no parameters: {step.reason}.")]
        details = [paragraph(text(f"{label}: "), math(fmt.equation_latex(detail, "both")),
                             *([text(f" {note}")] if note else [])) for label, detail, note in step.details]
        items.append({"type": "listItem", "children": [paragraph(*line), *details]})
    walk_node = {**paragraph(*walk), "class": "modelsummary-walk"}
    return [walk_node, {"type": "list", "ordered": False, "class": "modelsummary-steps", "children": items}]
