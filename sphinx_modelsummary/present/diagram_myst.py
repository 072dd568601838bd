"""A diagram as a MyST AST figure, for the mystmd plugin: its image is the SVG as a data
URI (mystmd writes it out as a file of the site; it drops a plugin's ``html`` node)."""

from __future__ import annotations

import base64

from . import diagram_text, svg
from .diagram_layout import layout


def figure(record: dict, rows: list[dict], view: str = "auto", caption: str = "", name: str = "") -> dict:
    """A figure node: the diagram as an image (its words as the image's alt text)."""
    diagram = layout(record, rows, view)
    data = base64.b64encode(svg.render(diagram, caption=caption, standalone=True).encode("utf-8")).decode("ascii")
    alt = f"Diagram of the model {diagram.title}: " + "; ".join(diagram_text.description(diagram))
    image = {"type": "image", "url": f"data:image/svg+xml;base64,{data}", "alt": alt, "class": "modelsummary-diagram"}
    node = {"type": "container", "kind": "figure", "children": [image]}
    if caption:
        node["children"].append({"type": "caption", "children": [{"type": "paragraph", "children": [
            {"type": "text", "value": caption}]}]})
    if name:
        node["label"], node["identifier"] = name, " ".join(name.split()).lower()
    return node
