"""Where each box and arrow of a model's diagram goes, from the summary record alone.

Two views: the *feature maps* of a plain chain of layers (one cuboid per layer, its
height, width and depth following the output's height, width and channels on a
logarithmic scale, so a 224 x 224 map and a 7 x 7 one are both readable), and a
*layered graph* for anything that branches (longest-path layers, crossings reduced by
barycentre ordering, long edges bent through the layers between). Both run top to
bottom, so a long model grows taller, never wider, and its words keep their size when a
narrow page scales the picture down. Pure Python: the SVG, LaTeX and text renderers
(:mod:`.svg`, :mod:`.diagram_tex`, :mod:`.diagram_text`) only draw what this decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .conventions import count_text
from .walk import kind_text

VIEWS = ("auto", "feature-maps", "graph")
FONT = 12  # px: the size every renderer writes at (SVG user units, LaTeX's 0.75pt per unit)
LINE = 15
CHAR = 7.4  # a generous average width of a character at FONT, so a label never leaves its box
PAD = 8
MARGIN = 10
LAYER_GAP = 34  # between the layers of the graph
NODE_GAP = 18
DUMMY_WIDTH = 6  # a long edge passing through a layer
MAX_CHAIN = 40  # boxes: a longer chain is drawn as a graph (it is shorter per layer)


@dataclass
class Box:
    """One node: a layer, a collapsed block of repeated layers, or a nested model."""

    key: str  # the label of its first row
    name: str
    kind: str
    shape: str
    params: int
    labels: list[str]  # the rows it stands for, the first being the one it links to
    dims: tuple = ()  # the output's axes without the batch (the feature-map view)
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    face: tuple = ()  # feature maps: (width, height, depth) of the cuboid

    @property
    def lines(self) -> list[str]:
        return [self.name, self.kind, f"{self.shape} · {params_text(self.params)}"]

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass
class Diagram:
    view: str
    title: str
    boxes: list[Box]
    edges: list[tuple[str, str, list[tuple[float, float]]]]  # source key, target key, polyline
    width: float = 0
    height: float = 0
    sources: dict[str, list[str]] = field(default_factory=dict)  # key -> keys it reads

    def box(self, key: str) -> Box:
        return next(b for b in self.boxes if b.key == key)


def params_text(count: int) -> str:
    return "1 param" if count == 1 else f"{count_text(count)} params"


def shape_label(shapes: list) -> str:
    """``26×26×32`` (no batch axis); several outputs separated by ``;``."""
    return "; ".join("×".join("?" if n is None else str(n) for n in s[1:]) or "scalar" for s in shapes)


def text_width(text: str) -> float:
    return len(text) * CHAR


# Nodes -------------------------------------------------------------------------------------


def _descendants(record: dict, name: str) -> int:
    """The layers a nested model holds, at every depth."""
    inner = [r for r in record["layers"] if r["parent"] == name and r["depth"] > 0]
    return len(inner) + sum(_descendants(record, r["name"]) for r in inner if r["call"] == 0 and r["class"] != "InputLayer")


def _node(record: dict, row: dict) -> Box:
    kind = kind_text(row)
    inner = _descendants(record, row["name"]) if row["call"] == 0 else 0
    if inner:
        kind = f"{kind} of {inner} layers"
    dims = tuple(row["output_shapes"][0][1:]) if len(row["output_shapes"]) == 1 else ()
    return Box(row["label"], row["label"], kind, shape_label(row["output_shapes"]), row["params"]["total"],
               [row["label"]], dims)


def _blocks(rows: list[dict]) -> list[list[dict]]:
    """The rows in runs: a block of repeated layers (as the table folds them) is one run."""
    from .doctree import FOLD_FROM, fold_groups  # docutils only for a long model

    heads, members = fold_groups(rows) if len(rows) >= FOLD_FROM else ({}, set())
    runs: list[list[dict]] = []
    for row in rows:
        if id(row) in heads or id(row) not in members or not runs or id(runs[-1][0]) not in members:
            runs.append([row])
        else:
            runs[-1].append(row)
    return runs


def boxes_and_sources(record: dict, rows: list[dict]) -> tuple[list[Box], dict[str, list[str]]]:
    """The boxes of the model's own layers (nested models as one box, blocks collapsed)
    and, for each box, the boxes it reads."""
    top = [r for r in rows if r["depth"] == 0]
    owner: dict[str, str] = {}
    boxes = []
    for run in _blocks(top):
        box = _node(record, run[0])
        if len(run) > 1:
            prefix = _common_prefix([r["label"] for r in run])
            box.name, box.kind = prefix, f"block of {len(run)} layers"
            box.shape, box.dims = shape_label(run[-1]["output_shapes"]), tuple(run[-1]["output_shapes"][0][1:])
            box.params, box.labels = sum(r["params"]["total"] for r in run), [r["label"] for r in run]
        boxes.append(box)
        owner.update({label: box.key for label in box.labels})
    sources: dict[str, list[str]] = {b.key: [] for b in boxes}
    for row in top:
        target = owner[row["label"]]
        for source in row["connected_to"]:
            key = owner.get(source)
            if key is not None and key != target and key not in sources[target]:
                sources[target].append(key)
    return boxes, sources


def _common_prefix(labels: list[str]) -> str:
    prefix = labels[0]
    for label in labels[1:]:
        while not label.startswith(prefix):
            prefix = prefix[:-1]
    return prefix.rstrip("_-") or labels[0]


# Views --------------------------------------------------------------------------------------


def is_chain(boxes: list[Box], sources: dict[str, list[str]]) -> bool:
    """Every box reads the one before it (one input, no branch, no join)."""
    return all(sources[b.key] == ([boxes[i - 1].key] if i else []) for i, b in enumerate(boxes))


def choose_view(view: str, boxes: list[Box], sources: dict[str, list[str]]) -> str:
    if view != "auto":
        return view if view == "graph" or is_chain(boxes, sources) else "graph"
    maps = any(len(b.dims) >= 3 for b in boxes)
    return "feature-maps" if maps and len(boxes) <= MAX_CHAIN and is_chain(boxes, sources) else "graph"


def layout(record: dict, rows: list[dict] | None = None, view: str = "auto") -> Diagram:
    """The diagram of ``rows`` (the record's own layers when ``None``) in ``view``
    (``auto``: feature maps for a chain of image layers, else the graph)."""
    rows = record["layers"] if rows is None else rows
    boxes, sources = boxes_and_sources(record, rows)
    chosen = choose_view(view, boxes, sources)
    diagram = Diagram(chosen, record["model"]["name"], boxes, [], sources=sources)
    if not boxes:  # rows of nested models only: nothing of the model's own to draw
        diagram.width = diagram.height = 2 * MARGIN
        return diagram
    (_feature_maps if chosen == "feature-maps" else _graph)(diagram)
    return diagram


# Feature maps -------------------------------------------------------------------------------


def scale(n) -> float:
    """The drawn size of an axis of ``n`` values: logarithmic, so 1, 10, 100 and 1,000 are
    each one step apart."""
    return 8 + 13 * math.log2(1 + (n or 1))


def cuboid(dims: tuple) -> tuple[float, float, float]:
    """``(width, height, depth)`` of a layer's output: height and width of the map, its
    channels as depth; a vector is a thin bar as tall as its length."""
    if len(dims) >= 3:
        return min(scale(dims[1]), 120), min(scale(dims[0]), 120), min(scale(dims[-1]), 120) * 0.45
    if len(dims) == 2:  # a sequence: steps down, features as depth
        return 10, min(scale(dims[0]), 120), min(scale(dims[1]), 120) * 0.45
    return 10, min(scale(dims[0] if dims else 1), 150), 4


def _feature_maps(diagram: Diagram) -> None:
    faces = [cuboid(b.dims) for b in diagram.boxes]
    column = max(w + d * 0.7 for w, _, d in faces)
    label_x = MARGIN + column + 14
    y = MARGIN
    for box, (w, h, d) in zip(diagram.boxes, faces):
        rise = d * 0.7  # the depth is drawn up and to the right, at 45 degrees
        box.face = (w, h, d)
        box.x, box.y = MARGIN + (column - w - rise) / 2, y + rise
        box.w, box.h = w, h
        text_h = 3 * LINE
        y += max(h + rise, text_h) + 22
    diagram.width = label_x + max(text_width(line) for b in diagram.boxes for line in b.lines) + MARGIN
    diagram.height = y - 22 + MARGIN
    for before, after in zip(diagram.boxes, diagram.boxes[1:]):
        x = before.x + before.w / 2
        diagram.edges.append((before.key, after.key, [(x, before.y + before.h), (x, after.y - after.face[2] * 0.7)]))


def label_origin(diagram: Diagram, box: Box) -> tuple[float, float]:
    """Where the first line of a feature map's words starts (the column right of the maps)."""
    column = max(b.face[0] + b.face[2] * 0.7 for b in diagram.boxes)
    top = box.y - box.face[2] * 0.7
    block = max(box.h + box.face[2] * 0.7, 3 * LINE)
    return MARGIN + column + 14, top + (block - 3 * LINE) / 2 + FONT


# Layered graph ------------------------------------------------------------------------------


def _layers(keys: list[str], sources: dict[str, list[str]]) -> dict[str, int]:
    """Longest path from an input: every box one layer below the lowest box it reads."""
    layer: dict[str, int] = {}
    for key in keys:  # the record lists a layer after those it reads
        layer[key] = max((layer[s] + 1 for s in sources[key] if s in layer), default=0)
    return layer


def _graph(diagram: Diagram) -> None:
    keys = [b.key for b in diagram.boxes]
    layer = _layers(keys, diagram.sources)
    for box in diagram.boxes:
        box.w = max(110, max(text_width(line) for line in box.lines) + 2 * PAD)
        box.h = 3 * LINE + 2 * PAD - 4
    widths = {b.key: b.w for b in diagram.boxes}
    rows: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for key in keys:
        rows[layer[key]].append(key)
    hops: list[tuple[str, str]] = []  # edges between adjacent layers, long ones through dummies
    chains: dict[tuple[str, str], list[str]] = {}
    for target in keys:
        for source in diagram.sources[target]:
            chain = [source]
            for level in range(layer[source] + 1, layer[target]):
                dummy = f"\0{source}\0{target}\0{level}"
                rows[level].append(dummy)
                widths[dummy] = DUMMY_WIDTH
                chain.append(dummy)
            chain.append(target)
            chains[(source, target)] = chain
            hops += list(zip(chain, chain[1:]))
    up = {k: [a for a, b in hops if b == k] for row in rows for k in row}
    down = {k: [b for a, b in hops if a == k] for row in rows for k in row}
    x = _place(rows, widths, up, down)
    height = 3 * LINE + 2 * PAD - 4
    for box in diagram.boxes:
        box.x, box.y = x[box.key], MARGIN + layer[box.key] * (height + LAYER_GAP)
    shift = MARGIN - min(x.values())
    for box in diagram.boxes:
        box.x += shift
    diagram.width = max(x[k] + widths[k] for k in x) + shift + MARGIN
    diagram.height = MARGIN * 2 + len(rows) * height + (len(rows) - 1) * LAYER_GAP

    def centre(key: str) -> float:
        return x[key] + shift + widths[key] / 2

    def top(key: str) -> float:
        return MARGIN + _level(key, layer) * (height + LAYER_GAP)

    for (source, target), chain in chains.items():
        points = [(centre(source), top(source) + height)]
        for a, b in zip(chain, chain[1:]):
            mid = top(a) + height + LAYER_GAP / 2
            points += [(centre(a), mid), (centre(b), mid), (centre(b), top(b))]
            if b not in layer:
                points.append((centre(b), top(b) + height))
        diagram.edges.append((source, target, _tidy(points)))


def _level(key: str, layer: dict[str, int]) -> int:
    return layer[key] if key in layer else int(key.rsplit("\0", 1)[1])


def _tidy(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The polyline without repeated points or points in the middle of a straight run."""
    if len(points) >= 4:  # a jog of a pixel or two into the target is drawn straight
        (ax, _), (bx, by), (cx, cy), (dx, dy) = points[-4:]
        if ax == bx and cx == dx and by == cy and abs(bx - cx) < 4:
            points[-2:] = [(bx, cy), (bx, dy)]
    kept: list[tuple[float, float]] = []
    for point in points:
        point = (round(point[0], 1), round(point[1], 1))
        if kept and point == kept[-1]:
            continue
        if len(kept) >= 2 and (kept[-2][0] == kept[-1][0] == point[0] or kept[-2][1] == kept[-1][1] == point[1]):
            kept[-1] = point
        else:
            kept.append(point)
    return kept


def _order(rows: list[list[str]], up: dict, down: dict) -> None:
    """Fewer crossings: each layer sorted by the mean position of its neighbours, sweeping
    down then up a few times (the first order, the record's, breaks ties)."""
    for sweep in range(4):
        levels = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        for level in levels:
            near = rows[level - 1] if sweep % 2 == 0 else rows[level + 1]
            where = {k: i for i, k in enumerate(near)}
            links = up if sweep % 2 == 0 else down

            rows[level][:] = [k for _, _, k in sorted((_barycentre(links[k], where, i), i, k)
                                                      for i, k in enumerate(rows[level]))]


def _barycentre(neighbours: list[str], where: dict[str, int], index: int) -> float:
    seen = [where[n] for n in neighbours if n in where]
    return sum(seen) / len(seen) if seen else index


def _place(rows: list[list[str]], widths: dict, up: dict, down: dict) -> dict[str, float]:
    """The left edge of every node: ordered, never overlapping, each pulled towards the
    centre of its neighbours (the mean of a left-packed and a right-packed placement)."""
    _order(rows, up, down)
    x: dict[str, float] = {}
    for row in rows:
        left = 0.0
        for key in row:
            x[key] = left
            left += widths[key] + NODE_GAP
    for sweep in range(6):
        levels = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        links = up if sweep % 2 == 0 else down
        for level in levels:
            row = rows[level]
            wanted = []
            for key in row:
                near = [x[n] + widths[n] / 2 for n in links[key]]
                centre = sum(near) / len(near) if near else x[key] + widths[key] / 2
                wanted.append(centre - widths[key] / 2)
            pushed_right, edge = [], -math.inf
            for key, want in zip(row, wanted):
                pushed_right.append(max(want, edge))
                edge = pushed_right[-1] + widths[key] + NODE_GAP
            pushed_left, edge = [0.0] * len(row), math.inf
            for i in range(len(row) - 1, -1, -1):
                pushed_left[i] = min(wanted[i], edge - widths[row[i]])
                edge = pushed_left[i] - NODE_GAP
            for key, a, b in zip(row, pushed_right, pushed_left):
                x[key] = (a + b) / 2
    _straighten(rows, widths, up, down, x)
    return x


def _straighten(rows: list[list[str]], widths: dict, up: dict, down: dict, x: dict[str, float]) -> None:
    """A node that alone continues the one above it is put right under it, where its row
    leaves room: a chain of layers is drawn as a straight line."""
    for row in rows[1:]:
        for i, key in enumerate(row):
            if len(up[key]) != 1 or len(down[up[key][0]]) != 1:
                continue
            above = up[key][0]
            want = x[above] + widths[above] / 2 - widths[key] / 2
            left = x[row[i - 1]] + widths[row[i - 1]] + NODE_GAP if i else -math.inf
            right = x[row[i + 1]] - NODE_GAP - widths[key] if i + 1 < len(row) else math.inf
            if left <= want <= right:
                x[key] = want


def diagram_rows(record: dict, layers=None) -> list[dict]:
    """The rows a diagram draws: the model's own layers (within ``layers`` ranges, as
    ``:layers:`` gives them); raises ``ValueError`` naming a layer that is not there."""
    from .view import SummaryOptions, select_rows

    return select_rows(record, SummaryOptions(depth=0, layers=layers))
