"""A summary record as standard docutils nodes: a table with a totals row, notes, legend, explanation.

Only docutils is imported here (no Sphinx, no Keras), so any docutils-based tool can use
it. ``mode`` says how formulas are written:

* ``"html"`` (and any format without maths of its own): typeset with plain inline nodes,
  italic symbols, subscripts, upright names, Unicode operators, so they read with
  or without MathJax, in EPUB too; each unbreakable piece is an ``inline`` of class
  ``modelsummary-math`` (no-break spaces inside);
* ``"latex"``: ``nodes.math`` that may break only at ``=``;
* ``"text"``: the whole summary as the preformatted table of :func:`.text.render`.

Words and numbers come from :mod:`sphinx_modelsummary.present.conventions`, shared with the CLI.
"""

from __future__ import annotations

import re

from docutils import nodes

from . import conventions as fmt, reasoning
from .view import SummaryOptions, select_rows
from ..model.expr import symbol_tex
from .text import render as text_render, text_cell
from .text_table import Cell, fit_widths
from .references import row_anchor
from .typeset import TEXT_ATTRIBUTE, tokens
from .walk import walk_lines

NBSP = "\u00a0"
TEXT_WIDTH = 97  # a text page's 100 columns less the indent of a literal block
TEXT_PARAGRAPH = 70  # the text writer's paragraphs
LATEX_WIDTH = 100  # characters a page's table is planned in
# In LaTeX a formula may break at its "=" (a relation), never at an operator.
LATEX_NO_BREAK = r"\binoppenalty=10000\relax "


# Formulas ---------------------------------------------------------------------------------

def math_node(latex: str, text: str) -> nodes.math:
    """A formula in running text (a role, a quiz's answer) before the builder is known:
    standard inline maths with its plain reading; :func:`typeset_maths` gives it the
    builder's form when the page is written."""
    node = nodes.math(latex, latex)
    node[TEXT_ATTRIBUTE] = text
    return node


def typeset_maths(document: nodes.document, mode: str, text_writer: bool = False) -> None:
    """Each :func:`math_node` in the form ``mode`` writes (see :func:`render`): typeset
    text that may break before each ``=``, LaTeX maths, or its plain reading. For Sphinx's
    text writer (``text_writer``), which would wrap a formula at any space, a paragraph
    with formulas is wrapped here, between words and before each ``=``."""
    found = [node for node in document.findall(nodes.math) if TEXT_ATTRIBUTE in node]
    if mode == "text" and text_writer:
        paragraphs = [_paragraph_of(node) for node in found]
        for paragraph in dict.fromkeys(p for p in paragraphs if p is not None):
            paragraph.replace_self(_wrapped_text(paragraph))
        found = [node for node, paragraph in zip(found, paragraphs) if paragraph is None]
    for node in found:
        sides = node.astext().split(" = ")
        node.replace_self(nodes.Text(node[TEXT_ATTRIBUTE]) if mode == "text" else equation(sides, mode, every=True))


_KEEP = "\u0000"  # a space no line may end at, while wrapping


def _paragraph_of(node: nodes.Node) -> nodes.paragraph | None:
    while node is not None and not isinstance(node, nodes.paragraph):
        node = node.parent
    return node


def _kept_text(node: nodes.Node) -> str:
    """A node's text, each formula's spaces kept from breaking but those before its ``=``."""
    if isinstance(node, nodes.math) and TEXT_ATTRIBUTE in node:
        return (" =" + _KEEP).join(side.replace(" ", _KEEP) for side in node[TEXT_ATTRIBUTE].split(" = "))
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(_kept_text(child) for child in node.children)


def _wrapped_text(paragraph: nodes.Element) -> nodes.raw:
    """A paragraph with formulas as text lines of at most ``TEXT_PARAGRAPH`` characters."""
    lines = Cell([]).add(*_kept_text(paragraph).split(), lead=False).lines(TEXT_PARAGRAPH)
    wrapped = "\n".join(lines).replace(_KEEP, " ")
    return nodes.raw(wrapped, wrapped, format="text")


def typeset(latex: str) -> nodes.inline:
    """One unbreakable piece of a formula, typeset with plain inline nodes."""
    unit = nodes.inline(classes=["modelsummary-math"])
    found = tokens(latex)
    for i, (kind, text) in enumerate(found):
        if i == 0:
            text = text.lstrip()
        if i == len(found) - 1:
            text = text.rstrip()
        text = text.replace(" ", NBSP)
        if kind == "sym":
            unit += nodes.emphasis(text, text)
        elif kind == "sub":
            unit += nodes.subscript(text, "", nodes.emphasis(text, text) if text.isalpha() else nodes.Text(text))
        elif kind == "name":  # upright, in the formula's own font (a line of one height)
            unit += nodes.inline(text, text, classes=["modelsummary-name"])
        else:
            unit += nodes.Text(text)
    return unit


def equation(sides: list[str], mode: str, every: bool = False, whole: bool = False) -> list[nodes.Node]:
    """LaTeX sides as one equation. In HTML it may break once, after its first side (the
    later sides are grouped in a ``modelsummary-rest``, which a phone's card lets break
    before each ``=``), or (``every``) before each ``=``, or (``whole``) nowhere; in LaTeX
    before any ``=``."""
    if mode == "latex" or whole:
        joined = " = ".join(sides)
        return [nodes.math(joined, LATEX_NO_BREAK + joined) if mode == "latex" else typeset(joined)]
    later: list[nodes.Node] = []
    for side in sides[1:]:
        later += [nodes.Text(" "), typeset(f"= {side}")]
    if every or not later:
        return [typeset(sides[0]), *later]
    return [typeset(sides[0]), nodes.Text(" "), nodes.inline("", "", *later[1:], classes=["modelsummary-rest"])]


def symbol(name: str, mode: str) -> nodes.Node:
    return nodes.math(name, symbol_tex(name)) if mode == "latex" else typeset(symbol_tex(name))


def _para(*children: nodes.Node, classes=()) -> nodes.paragraph:
    para = nodes.paragraph(classes=list(classes))
    para.extend(children)
    return para


# The table --------------------------------------------------------------------------------


def render(record: dict, options: SummaryOptions, rows: list[dict] | None = None, mode: str = "html") -> list[nodes.Node]:
    """The nodes for one summary, all in one container: the table (in a scrolling box),
    then the notes, legend and explanation the options ask for."""
    rows = select_rows(record, options) if rows is None else rows
    block = nodes.container(classes=["modelsummary-block"])
    if mode == "text":
        text = text_render(record, options, rows, title=False, width=TEXT_WIDTH)
        block += nodes.literal_block(text, text, classes=["modelsummary-text"])
        return [block]
    notes = fmt.notes(record, rows)
    scroll = nodes.container(classes=["modelsummary-scroll"])
    scroll += _table(record, rows, options, notes, mode)
    block += scroll
    if notes["items"]:
        block += _notes_list(notes["items"])
    if options.totals and "formula" not in options.columns[1:]:
        block += _para(nodes.Text(fmt.totals_note(record)), classes=["modelsummary-totals"])
    if options.legend:
        legend = _legend(rows, options, mode)
        if legend is not None:
            block += legend
    if options.explain:
        block += _explain(record, rows, mode)
    return [block]


def _table(record: dict, rows: list[dict], options: SummaryOptions, notes: dict, mode: str) -> nodes.table:
    columns = list(options.columns)
    table = nodes.table(classes=["modelsummary", *options.classes])
    if options.caption:
        table += nodes.title(options.caption, options.caption)
    group = nodes.tgroup(cols=len(columns))
    table += group
    # only LaTeX uses the widths: a browser lays the columns out itself
    for width in _widths(rows, options) if mode == "latex" else [1] * len(columns):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row([_entry(key, [_para(nodes.Text(fmt.COLUMNS[key].header))]) for key in columns])
    group += head
    body = nodes.tbody()
    heads, members = fold_groups(rows) if mode == "html" else ({}, set())
    for index, row in enumerate(rows):
        if id(row) in heads:
            body += _fold_row(heads[id(row)], len(columns))
        entries = [_entry(key, _cell(row, key, options, mode)) for key in columns]
        classes = [f"modelsummary-depth-{row['depth']}"]
        if id(row) in members:
            classes.append("modelsummary-member")
        if index + 1 < len(rows) and rows[index + 1]["depth"] > row["depth"]:
            classes.append("modelsummary-parent")
        marks = notes["marks"].get(id(row))
        if marks:
            classes.append("modelsummary-mismatch")
            entries[0][0] += nodes.superscript("", ",".join(marks), classes=["modelsummary-mark"])
        if options.name:  # a link target for each row (HTML and LaTeX), for the ms roles
            entries[0][0].insert(0, nodes.target("", "", ids=[row_anchor(options.name, row["label"])]))
        body += _row(entries, classes)
    if options.totals:
        body += _totals_row(record, columns)
    group += body
    return table


FOLD_FROM = 40  # rows: a shorter table is read whole
_BLOCK_NAME = re.compile(r"^(.*?\d[^_]*)_")


def fold_groups(rows: list[dict]) -> tuple[dict[int, dict], set[int]]:
    """Repeated blocks of a long model that a reader can fold: runs of three or more
    top-level rows whose names share a numbered prefix (``block_3_expand``,
    ``block_3_depthwise``, ...). Returns the heading of each run by the id of its first row,
    and the ids of every row in a run."""
    if len(rows) < FOLD_FROM:
        return {}, set()
    runs: list[list[dict]] = []
    for row in rows:
        found = _BLOCK_NAME.match(row["label"]) if row["depth"] == 0 else None
        key = found.group(1) if found else None
        if runs and key and runs[-1][0]["_key"] == key:
            runs[-1].append({"_key": key, "row": row})
        else:
            runs.append([{"_key": key, "row": row}])
    runs = [run for run in runs if run[0]["_key"] and len(run) >= 3]
    if len(runs) < 2:
        return {}, set()
    heads = {id(run[0]["row"]): {"name": run[0]["_key"], "count": len(run),
                                 "params": sum(item["row"]["params"]["total"] for item in run)} for run in runs}
    return heads, {id(item["row"]) for run in runs for item in run}


def _widths(rows: list[dict], options: SummaryOptions) -> list[int]:
    """Each column's share of the page, as the text table plans it (in characters)."""
    header = [fmt.COLUMNS[key].header for key in options.columns]
    cells = [[text_cell(row, key, options.formula, options.shape_derivations) for key in options.columns]
             for row in rows]
    keep = list(options.columns).index("formula") if "formula" in options.columns else None
    return fit_widths(header, cells, LATEX_WIDTH, keep)


def _row(entries: list[nodes.entry], classes=()) -> nodes.row:
    row = nodes.row(classes=list(classes))
    row.extend(entries)
    return row


# Sphinx's search index (7.3 and later) skips elements with this class: a reader searches
# for a layer's name or type, not for its numbers and formulas, which would only fill the
# index (and take most of the time a warm build spends on a summary).
NO_SEARCH = "no-search"
SEARCHED_COLUMNS = ("layer", "name", "class", "connected")


def _entry(key: str, children: list[nodes.Node], **attributes) -> nodes.entry:
    classes = [f"modelsummary-{key.replace('_', '-')}"]
    if key not in SEARCHED_COLUMNS:
        classes.append(NO_SEARCH)
    if fmt.COLUMNS[key].numeric:
        classes.append("modelsummary-numeric")
    if not children:
        classes.append("modelsummary-empty")
    entry = nodes.entry(classes=classes, **attributes)
    entry.extend(children or [nodes.paragraph()])
    return entry


def _cell(row: dict, key: str, options: SummaryOptions, mode: str) -> list[nodes.Node]:
    """The nodes of one cell (an empty list for an empty cell)."""
    indent = [nodes.Text(NBSP * 3 * row["depth"])] if row["depth"] and mode == "latex" else []
    if key in ("layer", "name"):
        kind = [nodes.Text(" "), nodes.inline("", f"({row['class']})", classes=["modelsummary-type"])]
        return [_para(*indent, nodes.literal(row["label"], row["label"]), *(kind if key == "layer" else []))]
    if key == "connected":
        parts: list[nodes.Node] = []
        for i, label in enumerate(row["connected_to"]):
            parts += ([nodes.Text(", ")] if i else []) + [nodes.literal(label, label)]
        return [_para(*parts)] if parts else []
    if key == "formula":
        return _formula_cell(row, options.formula, mode)
    if key == "macs" and fmt.macs_cell(row)[0] is not None:  # the count per step, a size unknown
        formula, note = fmt.macs_cell(row)
        return [_para(*equation(fmt.latex_sides(formula, "both"), mode), nodes.Text(f" {note}"))]
    if key in ("output", "input"):
        shapes = row["output_shapes" if key == "output" else "input_shapes"]
        cell = [_para(nodes.Text(fmt.shapes_text(shapes).replace(" ", NBSP)))]
        if key == "output" and options.shape_derivations:
            cell += [_para(nodes.Text(f"{axes}: "), *equation(fmt.latex_sides(item, "substituted"), mode, whole=True),
                           classes=["modelsummary-derivation"]) for axes, item in fmt.derivations(row)]
        return cell
    if key == "activations":
        pieces = [piece.replace(" ", NBSP) for shape in row["output_shapes"] for piece in fmt.size_parts(shape)]
        return [_para(nodes.Text(" ".join(pieces)))]
    text = fmt.cell_text(row, key, options.formula)
    if key == "memory":  # "84.50 KiB" stays on one line
        text = text.replace(" ", NBSP)
    return [_para(nodes.Text(text))] if text else []


def _formula_cell(row: dict, mode_of_formula: str, mode: str) -> list[nodes.Node]:
    if row["formula"] is None:
        return []
    paras = []
    for part in fmt.formula_parts(row):  # each weight group: its name over its equation
        paras += [_para(nodes.Text(f"{fmt.part_label(part)}:"), classes=["modelsummary-part-label"]),
                  _para(*equation(fmt.latex_sides(part, mode_of_formula), mode), classes=["modelsummary-part"])]
    if not paras:
        paras = [_para(*equation(fmt.latex_sides(row["formula"], mode_of_formula), mode))]
    note = fmt.mismatch_note(row)
    if note:
        paras[-1] += nodes.inline("", f" {note}", classes=["modelsummary-note"])
    return paras


def _totals_row(record: dict, columns: list[str]) -> nodes.row:
    """The model's totals, under the counts they add up; the rest in the formula column."""
    entries = []
    for key, (kind, text) in zip(columns, fmt.totals_row(record, columns)):
        children = [_para(nodes.Text(text) if kind == "note" else nodes.strong("", text))] if kind else []
        entries.append(_entry(key, children))
    return _row(entries, ["modelsummary-total"])


def _fold_row(fold: dict, width: int) -> nodes.row:
    """A heading row for a block of layers that a reader can fold (HTML, with script)."""
    text = f"{fold['name']}: {fold['count']} layers, {fmt.count_text(fold['params'])} parameters"
    entry = nodes.entry(classes=["modelsummary-fold", NO_SEARCH], morecols=width - 1)
    entry += _para(nodes.Text(text))
    return _row([entry], ["modelsummary-group"])


# Notes, legend, explanation ---------------------------------------------------------------


def _notes_list(items) -> nodes.enumerated_list:
    notes = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".", classes=["modelsummary-notes"])
    for label, message in items:
        who = [nodes.literal(label, label), nodes.Text(": ")] if label else [nodes.Text("The model: ")]
        notes += nodes.list_item("", _para(*who, nodes.Text(message)))
    return notes


def _legend(rows: list[dict], options: SummaryOptions, mode: str) -> nodes.paragraph | None:
    """The meaning of every symbol in the formulas shown (table and explanation), in one
    compact paragraph."""
    items = fmt.legend_shown(rows, options.columns, options.formula, options.explain)
    if not items:
        return None
    legend = _para(nodes.strong("", "Legend:"), classes=["modelsummary-legend", NO_SEARCH])
    for i, (name, meaning) in enumerate(items):
        item = nodes.inline(classes=["modelsummary-legend-item"])
        item.extend([symbol(name, mode), nodes.Text(f"{NBSP}{meaning}")])
        legend.extend([nodes.Text("; " if i else " "), item])
    return legend


def _explain(record: dict, rows: list[dict], mode: str) -> nodes.container:
    """The derivation as prose: the shape walk, one line per branch, then one line per layer
    with its parts and its multiply-accumulates under it."""
    box = nodes.container(classes=["modelsummary-explain"])
    if not rows:  # an empty line block or list is no LaTeX: say so in words
        return box + _para(nodes.Text("No layers to explain."))
    walk = nodes.line_block()
    walk.extend(nodes.line(line, line) for line in walk_lines(rows, width=None))
    box += nodes.container("", _para(nodes.strong("", "Shapes:")), walk, classes=["modelsummary-walk"])
    steps = nodes.bullet_list(bullet="-", classes=["modelsummary-steps"])
    for step in reasoning.steps(rows):
        who = [nodes.literal(step.label, step.label), nodes.Text(f" ({step.kind})")]
        if step.formula is not None:
            sides = [r"\mathrm{parameters}", *fmt.latex_sides(step.formula, "both")]
            line = [*who, nodes.Text(": "), *equation(sides, mode, every=True)]
            note = fmt.mismatch_note(step.row)
            if note:
                line.append(nodes.Text(f" {note}"))
        else:
            line = [*who, nodes.Text(f" has no parameters: {step.reason}.")]
        item = nodes.list_item("", _para(*line))
        for label, detail, note in step.details:
            item += _para(nodes.Text(f"{label}: "), *equation(fmt.latex_sides(detail, "both"), mode, every=True),
                          *([nodes.Text(f" {note}")] if note else []), classes=["modelsummary-step-detail"])
        steps += item
    box += steps
    return box
