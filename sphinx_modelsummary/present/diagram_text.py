"""A diagram in words: one line per box, top to bottom, saying what it reads when that is
not the line above. The text builder's fallback, and the SVG's description."""

from __future__ import annotations

from .conventions import to_ascii
from .diagram_layout import Diagram


def description(diagram: Diagram) -> list[str]:
    """``conv2d (Conv2D): 26×26×32, 320 params``, with ``from a, b`` for a branch or a join."""
    lines, before = [], None
    for box in diagram.boxes:
        name, kind, facts = box.lines
        reads = diagram.sources.get(box.key, [])
        came = f", from {' and '.join(reads)}" if reads and reads != [before] else ""
        lines.append(f"{name} ({kind}): {facts}{came}")
        before = box.key
    return lines


def render(diagram: Diagram, ascii_only: bool = False) -> str:
    """The boxes as a chain of lines joined by arrows (``↓``); a box that reads something
    other than the line above says so."""
    arrow = "  |" if ascii_only else "  ↓"
    lines: list[str] = []
    for i, (box, line) in enumerate(zip(diagram.boxes, description(diagram))):
        if i:
            lines.append(arrow if diagram.sources.get(box.key) == [diagram.boxes[i - 1].key] else "")
        lines.append(line)
    text = "\n".join(lines)
    return to_ascii(text) if ascii_only else text
