"""A summary record as standard docutils nodes: a table, notes, totals, legend, explanation.

Only docutils is imported here (no Sphinx, no Keras), so any docutils-based tool can
use it. Formulas are ``nodes.math`` holding the record's LaTeX; each also carries its
plain-text reading in the ``modelsummary_text`` attribute, which the Sphinx front-end
puts in place of the math for builders that cannot typeset it (text, man, texinfo).
Words and numbers come from :mod:`sphinx_modelsummary.format`, shared with the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes

from . import format as fmt

#: The attribute of a ``math`` node holding its plain-text reading.
TEXT_ATTRIBUTE = "modelsummary_text"

#: The widest a column's ``colwidth`` gets (in characters; the text writer wraps at it).
_MAX_WIDTH = {"formula": 60, "output": 48, "input": 40, "connected": 40}
_INDENT = "\u00a0\u00a0"  # a nested layer's indent per level; no-break spaces survive every writer


@dataclass(frozen=True)
class SummaryOptions:
    """Everything that shapes one summary, validated (see ``sphinx_ext`` for the parsing)."""

    input_shape: str | None = None
    columns: tuple[str, ...] = tuple(fmt.DEFAULT_COLUMNS)
    formula: str = "both"  # symbolic | substituted | both
    shape_derivations: bool = True
    explain: bool = False
    depth: int | None = None  # None: every level of nested models
    layers: tuple[str | None, str | None] | None = None  # (first, last) label; None: open end
    totals: bool = True
    legend: bool = True
    caption: str = ""
    name: str = ""
    classes: tuple[str, ...] = ()
    expect_params: int | None = None


def math_node(latex: str, text: str) -> nodes.math:
    """Inline math with its plain-text reading attached."""
    node = nodes.math(latex, latex)
    node[TEXT_ATTRIBUTE] = text
    return node


def row_anchor(name: str, label: str) -> str:
    """The id of a row of the summary named ``name``: ``quiz-cnn-conv2d-1``."""
    return nodes.make_id(f"{name}-{label}")


def select_rows(record: dict, options: SummaryOptions) -> list[dict]:
    """The rows to show: down to ``options.depth``, within ``options.layers``.

    Raises ``ValueError`` naming a layer that is not there.
    """
    if not options.layers:
        return fmt.visible_rows(record, options.depth)
    rows = fmt.visible_rows(record, options.depth)
    if not rows:
        return rows
    first, last = options.layers
    names = (first or rows[0]["label"], last or rows[-1]["label"])
    chosen = fmt.visible_rows(record, options.depth, names)
    if not chosen:
        raise ValueError(f"layer {names[0]!r} comes after {names[1]!r}")
    return chosen


def render(record: dict, options: SummaryOptions, rows: list[dict] | None = None) -> list[nodes.Node]:
    """The nodes for one summary: the table in a scrolling container, then the notes,
    totals, legend and explanation the options ask for, all in one container."""
    rows = select_rows(record, options) if rows is None else rows
    notes = _notes(record, rows)
    block = nodes.container(classes=["modelsummary-block"])
    scroll = nodes.container(classes=["modelsummary-scroll"])
    scroll += _table(rows, options, notes)
    block += scroll
    if notes["items"]:
        block += _notes_list(notes["items"])
    if options.totals:
        block += _bullets([[nodes.Text(line)] for line in fmt.totals_lines(record)], "modelsummary-totals")
    if options.legend:
        legend = _legend(rows, options)
        if legend is not None:
            block += legend
    if options.explain:
        block += _explain(record, rows)
    return [block]


# The table ------------------------------------------------------------------------------


def _table(rows: list[dict], options: SummaryOptions, notes: dict) -> nodes.table:
    columns = list(options.columns)
    table = nodes.table(classes=["modelsummary", "longtable", *options.classes])
    if options.caption:
        table += nodes.title(options.caption, options.caption)
    group = nodes.tgroup(cols=len(columns))
    table += group
    for key in columns:
        group += nodes.colspec(colwidth=_width(key, rows, options))
    head = nodes.thead()
    head += _row([_entry(key, [nodes.paragraph("", fmt.COLUMNS[key].header)]) for key in columns])
    group += head
    body = nodes.tbody()
    for row in rows:
        entries = [_entry(key, _cell(row, key, options)) for key in columns]
        marks = notes["marks"].get(id(row))
        classes = [f"modelsummary-depth-{row['depth']}"]
        if marks:
            classes.append("modelsummary-mismatch")
            if not entries[0].children:
                entries[0] += nodes.paragraph()
            entries[0][0] += nodes.superscript("", ",".join(marks), classes=["modelsummary-mark"])
        if options.name:  # a link target for each row (HTML and LaTeX), for the ms roles
            if not entries[0].children:
                entries[0] += nodes.paragraph()
            entries[0][0].insert(0, nodes.target("", "", ids=[row_anchor(options.name, row["label"])]))
        body += _row(entries, classes)
    group += body
    return table


def _width(key: str, rows: list[dict], options: SummaryOptions) -> int:
    """A column's ``colwidth``: its longest line of text, within bounds."""
    lines = [fmt.COLUMNS[key].header]
    for row in rows:
        if key == "formula" and row["formula"] is not None:
            lines += fmt.equation_lines(row["formula"], options.formula)
            lines[-1] = f"{lines[-1]} {fmt.mismatch_note(row)}".strip()
        else:
            lines.append(fmt.cell_text(row, key, options.formula))
        if key == "output" and options.shape_derivations:
            lines += fmt.derivations_text(row)
    quotes = 2 if key in ("layer", "name") else 0  # the text writer quotes literals
    return max(8, min(_MAX_WIDTH.get(key, 32), max(len(line) for line in lines) + quotes))


def _row(entries: list[nodes.entry], classes=()) -> nodes.row:
    row = nodes.row(classes=list(classes))
    for entry in entries:
        row += entry
    return row


def _entry(key: str, children: list[nodes.Node]) -> nodes.entry:
    classes = [f"modelsummary-{key.replace('_', '-')}"]
    if fmt.COLUMNS[key].numeric:
        classes.append("modelsummary-numeric")
    entry = nodes.entry(classes=classes)
    for child in children:
        entry += child
    return entry


def _para(*children: nodes.Node, classes=()) -> nodes.paragraph:
    para = nodes.paragraph(classes=list(classes))
    for child in children:
        para += child
    return para


def _cell(row: dict, key: str, options: SummaryOptions) -> list[nodes.Node]:
    """The nodes of one cell (an empty list for an empty cell)."""
    indent = [nodes.Text(_INDENT * row["depth"])] if row["depth"] else []
    if key == "layer":
        return [_para(*indent, nodes.literal(row["label"], row["label"]), nodes.Text(f" ({row['class']})"))]
    if key == "name":
        return [_para(*indent, nodes.literal(row["label"], row["label"]))]
    if key == "connected":
        if not row["connected_to"]:
            return []
        parts: list[nodes.Node] = []
        for i, label in enumerate(row["connected_to"]):
            parts += ([nodes.Text(", ")] if i else []) + [nodes.literal(label, label)]
        return [_para(*parts)]
    if key == "formula":
        return _formula_cell(row, options.formula)
    text = fmt.cell_text(row, key, options.formula)
    cell = [_para(nodes.Text(text))] if text else []
    if key == "output" and options.shape_derivations:
        cell += [_derivation(axes, item) for axes, item in fmt.derivations(row)]
    return cell


def _formula_cell(row: dict, mode: str) -> list[nodes.Node]:
    if row["formula"] is None:
        return []
    formula = row["formula"]
    lines = zip(fmt.equation_lines(formula, mode, latex=True), fmt.equation_lines(formula, mode))
    paras = [_para(math_node(latex, text)) for latex, text in lines]
    note = fmt.mismatch_note(row)
    if note:
        paras[-1] += nodes.inline("", f" {note}", classes=["modelsummary-note"])
    return paras


def _derivation(axes: str, item: dict) -> nodes.paragraph:
    """``height, width: floor((28 - 3) / 1) + 1 = 26`` under the output shape."""
    return _para(
        nodes.Text(f"{axes}: "),
        math_node(fmt.equation_latex(item, "substituted"), fmt.equation(item, "substituted")),
        classes=["modelsummary-derivation"],
    )


# Notes, totals, legend, explanation -------------------------------------------------------


def _notes(record: dict, rows: list[dict]) -> dict:
    """Numbered notes for the shown rows' diagnostics and the model's own, and the marks."""
    items, marks = [], {}
    for row in rows:
        for diagnostic in row["diagnostics"]:
            items.append((row["label"], diagnostic["message"]))
            marks.setdefault(id(row), []).append(str(len(items)))
    for diagnostic in record["diagnostics"]:
        if diagnostic.get("layer") is None:
            items.append((None, diagnostic["message"]))
    return {"items": items, "marks": marks}


def _notes_list(items) -> nodes.enumerated_list:
    notes = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".", classes=["modelsummary-notes"])
    for label, message in items:
        who = [nodes.literal(label, label), nodes.Text(": ")] if label else [nodes.Text("The model: ")]
        notes += nodes.list_item("", _para(*who, nodes.Text(message)))
    return notes


def _bullets(lines: list[list[nodes.Node]], cls: str) -> nodes.bullet_list:
    bullets = nodes.bullet_list(bullet="-", classes=[cls])
    for children in lines:
        bullets += nodes.list_item("", _para(*children))
    return bullets


def symbol_latex(symbol: str) -> str:
    """How a formula symbol is typeset (as :class:`expr.Sym` does it)."""
    return symbol if len(symbol) == 1 else rf"\mathit{{{symbol}}}"


def _legend(rows: list[dict], options: SummaryOptions) -> nodes.container | None:
    """The meaning of every symbol in the formulas shown (table and explanation)."""
    shows_symbols = "formula" in options.columns and options.formula != "substituted"
    if not (shows_symbols or options.explain):
        return None
    items = fmt.legend_items(rows, ("formula",))
    if not items:
        return None
    box = nodes.container(classes=["modelsummary-legend"])
    box += _para(nodes.strong("", "Legend"))
    terms = nodes.definition_list()
    for symbol, meaning in items:
        item = nodes.definition_list_item()
        item += nodes.term("", "", math_node(symbol_latex(symbol), symbol))
        item += nodes.definition("", _para(nodes.Text(meaning)))
        terms += item
    box += terms
    return box


def _explain(record: dict, rows: list[dict]) -> nodes.container:
    """The derivation as prose: the shape walk, then one line per layer."""
    box = nodes.container(classes=["modelsummary-explain"])
    box += _para(nodes.strong("", "Shapes:"), nodes.Text(" " + fmt.shape_walk(record, rows)),
                 classes=["modelsummary-walk"])
    lines = []
    for row in rows:
        who = [nodes.literal(row["label"], row["label"]), nodes.Text(f" ({row['class']})")]
        formula = row["formula"]
        if formula is not None:
            line = who + [nodes.Text(": "), math_node(r"\mathrm{parameters} = " + fmt.equation_latex(formula, "both"),
                                                     "parameters = " + fmt.equation(formula, "both"))]
            note = fmt.mismatch_note(row)
            if note:
                line.append(nodes.Text(f" {note}"))
        else:
            reason = row.get("no_params_reason") or "it has no weights"
            line = who + [nodes.Text(f" has no parameters: {reason}.")]
        lines.append(line)
    box += _bullets(lines, "modelsummary-steps")
    return box
