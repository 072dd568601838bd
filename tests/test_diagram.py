"""The model diagram without Keras: the layout of records made by hand
(``diagram_records.py``), its SVG, LaTeX and words, and the options."""

import xml.etree.ElementTree as ET

import pytest

import diagram_records as made
from sphinx_modelsummary.present import diagram_tex, diagram_text, svg
from sphinx_modelsummary.present.diagram_layout import diagram_rows, layout, scale
from sphinx_modelsummary.settings import DiagramOptions, resolve_diagram_options, resolve_options

SVG = "{http://www.w3.org/2000/svg}"


def _texts(markup: str) -> list[str]:
    return [t.text for t in ET.fromstring(markup).iter(f"{SVG}text")]


def _overlap(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def test_a_chain_of_image_layers_is_drawn_as_feature_maps():
    diagram = layout(made.chain())
    assert diagram.view == "feature-maps"
    assert [b.key for b in diagram.boxes] == ["image", "conv", "pool", "flatten", "dense"]
    image, conv, pool, flatten, dense = diagram.boxes
    # height follows the map's height, depth its channels: 26 > 13 rows, 32 > 1 channel
    assert conv.face[1] > pool.face[1] and conv.face[2] > image.face[2]
    # on a log scale: a map twice as tall is one step taller, not twice as tall
    assert conv.face[1] / pool.face[1] < 26 / 13
    assert scale(26) - scale(13) == pytest.approx(13 * 0.93, abs=0.5)  # log2(27 / 14) steps of 13 px
    # a vector is a bar, taller for 5,408 values than for 10
    assert flatten.face[0] == dense.face[0] == 10 and flatten.face[1] > dense.face[1]
    # one arrow between each two boxes, each from the bottom of one map to the top of the next
    assert len(diagram.edges) == 4
    for (source, target, points), before, after in zip(diagram.edges, diagram.boxes, diagram.boxes[1:]):
        assert (source, target) == (before.key, after.key)
        assert points[0][1] == pytest.approx(before.y + before.h, abs=0.1)
        assert points[-1][1] == pytest.approx(after.y - after.face[2] * 0.7, abs=0.1)
        assert points[-1][1] > points[0][1]


def test_every_name_shape_and_count_is_text_in_the_svg():
    markup = svg.render(layout(made.chain()))
    texts = _texts(markup)
    for words in ("image", "conv", "pool", "flatten", "dense", "Conv2D", "MaxPooling2D",
                  "28×28×1 · 0 params", "26×26×32 · 320 params", "13×13×32 · 0 params",
                  "5408 · 0 params", "10 · 54,090 params"):
        assert words in texts, words
    root = ET.fromstring(markup)
    assert root.get("role") == "img" and root.get("aria-label") == "Diagram of the model chain"
    assert root.find(f"{SVG}title").text == "Diagram of the model chain"
    assert "conv (Conv2D): 26×26×32 · 320 params" in root.find(f"{SVG}desc").text
    # it scales down to its box, never up, and draws in the text's colour
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "max-width:100%" in root.get("style") and root.get("fill") == "currentColor"
    assert width < 400 and height > width  # a chain grows down, not across


def test_boxes_link_to_the_rows_the_page_has():
    links = {"conv": "seed-conv", "dense": "seed-dense"}
    root = ET.fromstring(svg.render(layout(made.chain()), links, "d1"))
    linked = {a.get("data-layer"): a.get("href") for a in root.iter(f"{SVG}a")}
    assert linked == {"conv": "#seed-conv", "dense": "#seed-dense"}
    plain = {g.get("data-layer") for g in root.iter(f"{SVG}g")}
    assert plain == {"image", "pool", "flatten"}
    assert root.get("aria-labelledby") == "d1-title d1-desc"


def test_two_inputs_and_two_outputs_are_a_layered_graph():
    diagram = layout(made.two_inputs())
    assert diagram.view == "graph"
    box = {b.key: b for b in diagram.boxes}
    # longest path: picture, conv, pool, joined, hidden, heads; numbers and meta on the first two layers
    assert box["picture"].y == box["numbers"].y < box["conv"].y == box["meta"].y < box["pool"].y
    assert box["joined"].y > box["pool"].y and box["hidden"].y > box["joined"].y
    assert box["category"].y == box["price"].y > box["hidden"].y
    assert diagram.sources["joined"] == ["pool", "meta"]
    for a in diagram.boxes:
        assert not [b.key for b in diagram.boxes if b is not a and _overlap(a, b)], a.key
        assert 0 <= a.x and a.x + a.w <= diagram.width and a.y + a.h <= diagram.height
    edges = {(s, t): points for s, t, points in diagram.edges}
    assert set(edges) == {("picture", "conv"), ("conv", "pool"), ("numbers", "meta"), ("pool", "joined"),
                          ("meta", "joined"), ("joined", "hidden"), ("hidden", "category"), ("hidden", "price")}
    for (source, target), points in edges.items():
        assert points[0] == (round(box[source].cx, 1), round(box[source].y + box[source].h, 1))
        assert points[-1][1] == round(box[target].y, 1)
        assert abs(points[-1][0] - box[target].cx) < 4
        # orthogonal: every segment is vertical or horizontal
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:]))
    texts = _texts(svg.render(diagram))
    assert {"picture", "numbers", "joined", "Concatenate", "12 · 0 params", "6 · 78 params"} <= set(texts)


def test_a_long_edge_goes_round_the_layers_it_passes():
    diagram = layout(made.skip_connection(), view="graph")
    box = {b.key: b for b in diagram.boxes}
    (points,) = [p for s, t, p in diagram.edges if (s, t) == ("stem", "add")]
    # it passes the layers of a and b beside them, never through them
    passing = [p[0] for p, q in zip(points, points[1:]) if p[0] == q[0]
               and min(p[1], q[1]) < box["b"].y + box["b"].h and max(p[1], q[1]) > box["a"].y]
    assert passing
    for name in ("a", "b"):
        assert all(not box[name].x <= x <= box[name].x + box[name].w for x in passing), (name, points)


def test_repeated_blocks_of_a_long_model_are_one_box_each():
    record = made.blocks(10)  # 43 rows: long enough to fold, as the table does
    diagram = layout(record)
    names = [b.name for b in diagram.boxes]
    assert names == ["input", "stem", *(f"block_{n}" for n in range(1, 11)), "predictions"]
    block = diagram.boxes[2]
    assert block.kind == "block of 4 layers" and block.params == 20
    assert block.labels == ["block_1_expand", "block_1_relu", "block_1_project", "block_1_add"]
    assert block.shape == "8×8×8"  # the block's output: its last layer's
    assert diagram.sources["block_2_expand"] == ["block_1_expand"]  # the add's skip stays inside
    # a box links to the first of its rows the page shows
    root = ET.fromstring(svg.render(diagram, {"block_3_relu": "t-block-3-relu"}))
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["#t-block-3-relu"]
    assert root.get("role") == "group"  # not "img", whose children screen readers skip: the link stays reachable
    short = layout(made.blocks(3))  # 15 rows: every layer drawn
    assert len(short.boxes) == 15


def test_a_nested_model_is_one_box_with_its_count():
    diagram = layout(made.nested())
    assert [(b.key, b.kind, b.params) for b in diagram.boxes] == [
        ("inputs", "Input", 0), ("encoder", "Sequential of 3 layers", 86600), ("head", "Dense", 33)]


def test_the_diagram_in_words():
    assert diagram_text.render(layout(made.chain())).splitlines()[:3] == [
        "image (Input): 28×28×1 · 0 params", "  ↓", "conv (Conv2D): 26×26×32 · 320 params"]
    lines = diagram_text.render(layout(made.two_inputs()), ascii_only=True).splitlines()
    assert "joined (Concatenate): 12 * 0 params, from pool and meta" in lines
    assert "numbers (Input): 12 * 0 params" in lines and lines[lines.index("numbers (Input): 12 * 0 params") - 1] == ""


def test_the_latex_picture_escapes_names():
    tex = diagram_tex.render(layout(made.blocks(10)))
    assert r"\begin{picture}" in tex and r"block\_1" in tex and r"8$\times$8$\times$8" in tex
    assert "block_1" not in tex.replace(r"block\_1", "")
    assert diagram_tex.escape("a_b & 50% {x}") == r"a\_b \& 50\% \{x\}"


def test_options():
    assert resolve_diagram_options({"view": "graph", "label": "fig", "layers": "conv..dense"}) == DiagramOptions(
        view="graph", name="fig", layers=(("conv", "dense"),))
    with pytest.raises(ValueError, match=r":view: expected one of auto, feature-maps, graph, not 'sideways'"):
        resolve_diagram_options({"view": "sideways"})
    with pytest.raises(ValueError, match=r":columns: is not an option of model-diagram"):
        resolve_diagram_options({"columns": "layer"})
    assert resolve_options(None, {"diagram": ""}).diagram is True
    assert [r["label"] for r in diagram_rows(made.chain(), (("conv", "pool"),))] == ["conv", "pool"]
    assert layout(made.chain(), view="graph").view == "graph"
    assert layout(made.two_inputs(), view="feature-maps").view == "graph"  # a graph has no single chain


def test_nothing_to_draw_is_an_empty_picture():
    record = made.nested()
    diagram = layout(record, [r for r in record["layers"] if r["depth"] == 1])
    assert diagram.boxes == [] and (diagram.width, diagram.height) == (20, 20)
    assert ET.fromstring(svg.render(diagram)).get("width") == "20"
    assert diagram_text.render(diagram) == "" and r"\begin{picture}(20,20)" in diagram_tex.render(diagram)
