"""A diagram (:mod:`.diagram_layout`) as inline SVG: words as text, drawn in
``currentColor`` (so a dark theme's text colour is the drawing's), with a title and a
description for screen readers, and each box a link to its row of the table when the
page has one. It scales down to its box (``max-width: 100%``), never up."""

from __future__ import annotations

import itertools
from html import escape

from .diagram_layout import FONT, LINE, PAD, Box, Diagram, label_origin
from .diagram_text import description

_NUMBERS = itertools.count(1)  # ids for a diagram drawn without one (a notebook's outputs)
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str, css: str, anchor: str = "start") -> str:
    extra = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" class="{css}"{extra}>{escape(words)}</text>'


def _words(box: Box, x: float, y: float, anchor: str = "start") -> list[str]:
    name, kind, facts = box.lines
    return [_text(x, y, name, "ms-d-name", anchor), _text(x, y + LINE, kind, "ms-d-kind", anchor),
            _text(x, y + 2 * LINE, facts, "ms-d-facts", anchor)]


def _graph_box(box: Box) -> list[str]:
    return [f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" rx="4" '
            'fill="currentColor" fill-opacity="0.06" stroke="currentColor" stroke-width="1"/>',
            *_words(box, box.cx, box.y + PAD + FONT - 2, "middle")]


def _cuboid(box: Box, diagram: Diagram) -> list[str]:
    w, h, d = box.face
    rise = d * 0.7
    x, y = box.x, box.y
    top = f"{_n(x)},{_n(y)} {_n(x + rise)},{_n(y - rise)} {_n(x + w + rise)},{_n(y - rise)} {_n(x + w)},{_n(y)}"
    side = f"{_n(x + w)},{_n(y)} {_n(x + w + rise)},{_n(y - rise)} {_n(x + w + rise)},{_n(y + h - rise)} {_n(x + w)},{_n(y + h)}"
    shapes = [f'<polygon points="{top}" fill="currentColor" fill-opacity="0.22" stroke="currentColor"/>',
              f'<polygon points="{side}" fill="currentColor" fill-opacity="0.32" stroke="currentColor"/>',
              f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="currentColor" '
              'fill-opacity="0.1" stroke="currentColor"/>']
    text_x, text_y = label_origin(diagram, box)
    return shapes + _words(box, text_x, text_y)


def _edge(points: list[tuple[float, float]]) -> list[str]:
    path = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points)
    (x, y) = points[-1]
    head = f"{_n(x - 4)},{_n(y - 7)} {_n(x + 4)},{_n(y - 7)} {_n(x)},{_n(y)}"
    return [f'<path d="{path}" fill="none" stroke="currentColor" stroke-opacity="0.7"/>',
            f'<polygon points="{head}" fill="currentColor"/>']


# An SVG shown as an image (mystmd's figures, a file) has no page colour to inherit: it
# follows the reader's light or dark preference instead.
STANDALONE_COLOURS = (".modelsummary-diagram-svg{color:#1f2328}"
                      "@media (prefers-color-scheme:dark){.modelsummary-diagram-svg{color:#e6edf3}}")


def render(diagram: Diagram, links: dict[str, str] | None = None, ident: str = "",
           caption: str = "", standalone: bool = False) -> str:
    """The SVG element. ``links``: row label -> the id of its row on the page (a box links
    to the first row it stands for that has one); ``ident``: unique on the page;
    ``standalone``: a file or an image of its own (its colours its own)."""
    links = links or {}
    ident = ident or f"modelsummary-diagram-{next(_NUMBERS)}"
    title = caption or f"Diagram of the model {diagram.title}"
    view = "feature maps" if diagram.view == "feature-maps" else "layered graph"
    desc = f"{view}, top to bottom: " + "; ".join(description(diagram))
    # An image's children are hidden from screen readers: a diagram with links to the
    # table's rows is a group, so that each link can be reached and read.
    role = "group" if any(label in links for box in diagram.boxes for label in box.labels) else "img"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="modelsummary-diagram-svg" role="{role}" '
        f'aria-labelledby="{ident}-title {ident}-desc" aria-label="{escape(title)}" '
        f'width="{_n(diagram.width)}" height="{_n(diagram.height)}" '
        f'viewBox="0 0 {_n(diagram.width)} {_n(diagram.height)}" data-view="{diagram.view}" '
        f'style="max-width:100%;height:auto" font-family="{escape(FONT_FAMILY)}" font-size="{FONT}" fill="currentColor">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        '<style>.ms-d-kind{font-style:italic;opacity:.8}.ms-d-facts{font-variant-numeric:tabular-nums}'
        'svg.modelsummary-diagram-svg a.ms-d-node{color:inherit;text-decoration:none}'
        'a.ms-d-node:focus rect,a.ms-d-node:hover rect,a.ms-d-node:hover polygon{fill-opacity:.3}'
        + (STANDALONE_COLOURS if standalone else "") + '</style>',
    ]
    for _, _, points in diagram.edges:
        parts += _edge(points)
    for box in diagram.boxes:
        drawn = _cuboid(box, diagram) if diagram.view == "feature-maps" else _graph_box(box)
        target = next((links[label] for label in box.labels if label in links), None)
        data = f' data-layer="{escape(box.key)}"'
        if target:
            parts.append(f'<a href="#{escape(target)}" class="ms-d-node"{data}><title>{escape(box.key)}: '
                         f'the row of the table</title>')
            parts += drawn + ["</a>"]
        else:
            parts += [f'<g class="ms-d-node"{data}>', *drawn, "</g>"]
    parts.append("</svg>")
    return "\n".join(parts)
