"""The shape walk as the graph it is: branches, where each starts and where branches join.

A branch is a run of layers each fed by the one before it alone. A new branch starts at an
input, where a layer's output feeds a second layer (a fork: ``stem -> ...``) and where a
layer reads several others (a join: ``up_conv + skip -> Concatenate ...``). Pure logic on
the rows of a record; :mod:`sphinx_modelsummary.present.conventions` words it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 100  # characters per line of the walk before it wraps


@dataclass
class Branch:
    sources: list[str]  # the labels it reads: none for an input, one for a fork, several for a join
    rows: list[dict] = field(default_factory=list)


def _unique(labels) -> list[str]:
    return list(dict.fromkeys(labels))


def branches(rows: list[dict]) -> list[Branch]:
    """The top-level rows (the shallowest shown) as branches, in the order they start."""
    if not rows:
        return []
    top = min(r["depth"] for r in rows)
    found: list[Branch] = []
    open_tails: dict[str, Branch] = {}  # label -> the branch it ends, while nothing continues it
    for row in (r for r in rows if r["depth"] == top):
        sources = _unique(row["connected_to"])
        if len(sources) == 1 and sources[0] in open_tails:
            branch = open_tails.pop(sources[0])
        else:
            branch = Branch(sources)
            found.append(branch)
        branch.rows.append(row)
        open_tails[row["label"]] = branch
    return found


def referenced(found: list[Branch]) -> set[str]:
    """The labels a branch starts from: the walk names these layers where they appear."""
    return {label for branch in found for label in branch.sources}


def wrap(pieces: list[str], first: str = "", width: int | None = WIDTH, arrow: str = " → ") -> list[str]:
    """``first`` and the pieces joined by ``arrow``, broken into lines of about ``width``
    characters (``None``: one line); a continued line starts with the arrow."""
    lines, line = [], first
    for i, piece in enumerate(pieces):
        if i == 0:
            line = first + piece
        elif width is not None and len(line) + len(arrow) + len(piece) > width:
            lines.append(line)
            line = "   " + arrow + piece
        else:
            line += arrow + piece
    return lines + [line]


def kind_text(row: dict) -> str:
    """``Conv2D``, ``Input``, ``TimeDistributed(MaxPooling2D)``, ``TimeDistributed(frame_cnn)``."""
    if row["class"] == "InputLayer":
        return "Input"
    inner = [w["name"] if w["is_model"] else w["class"] for w in row.get("wraps") or []]
    return f"{row['class']}({', '.join(_unique(inner))})" if inner else row["class"]


def walk_branches(rows: list[dict], style=None) -> list[tuple[list[str], list[str]]]:
    """Each branch as ``(sources, steps)``: the labels it starts from and the words for each
    of its layers; a layer another branch starts from, a nested model and each input of a
    model with several are named: ``Conv2D (stem) 64 × 64 × 16 = 65,536``."""
    from .conventions import UNICODE, activations_text

    style = style or UNICODE
    found = branches(rows)
    named = referenced(found) | {r["parent"] for r in rows if r["parent"]}
    several_inputs = sum(r["class"] == "InputLayer" for b in found for r in b.rows) > 1

    def step(row: dict) -> str:
        shown = row["label"] in named or row["name"] in named or (several_inputs and row["class"] == "InputLayer")
        name = f" ({row['label']})" if shown else ""
        return f"{kind_text(row)}{name} {activations_text(row, style)}"

    return [(branch.sources, [step(r) for r in branch.rows]) for branch in found]


def walk_lines(rows: list[dict], width: int | None = WIDTH, style=None) -> list[str]:
    """One line (wrapped at ``width``; ``None``: never) per branch of :func:`walk_branches`,
    a branch that starts elsewhere saying where: ``up_conv + skip → Concatenate ...``."""
    from .conventions import UNICODE

    style = style or UNICODE
    lines = []
    for sources, steps in walk_branches(rows, style):
        head = " + ".join(sources) + style.arrow if sources else ""
        lines += wrap(steps, head, width, style.arrow)
    return lines
