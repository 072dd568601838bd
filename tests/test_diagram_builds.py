"""``model-diagram`` and ``:diagram:`` in real builds (``roots/test-diagram``): inline SVG
linked to the rows in HTML and EPUB, a LaTeX picture that compiles, words in text; and
the problems as located warnings."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest

from builds import ROOTS, sphinx_build

pytest.importorskip("keras")

SVG = "{http://www.w3.org/2000/svg}"
SEED = ("input_layer", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense")
SEED_SHAPES = ("28×28×1", "26×26×32", "13×13×32", "11×11×64", "5×5×64", "1600", "10")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``built(builder)``: ``(output folder, stderr)``; the first build fills a cache the others read."""
    root = tmp_path_factory.mktemp("diagram")
    src, cache, done = root / "src", root / "cache", {}
    shutil.copytree(ROOTS / "test-diagram", src)

    def build(builder: str):
        if builder not in done:
            out = root / builder
            status, _, stderr = sphinx_build(src, out, "-b", builder, "-D", f"modelsummary_cache_dir={cache}")
            assert status == 0, stderr
            done[builder] = (out, stderr)
        return done[builder]

    return build


def _svgs(markup: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", markup, re.S)]


def test_html_diagrams_name_every_layer_and_link_to_rows(built):
    out, stderr = built("html")
    page = (out / "index.html").read_text()
    seed, listing, residual = _svgs(page)
    ids = set(re.findall(r'id="([^"]+)"', page))
    texts = [t.text for t in seed.iter(f"{SVG}text")]
    assert all(name in texts for name in SEED)
    assert all(any(t.startswith(shape + " ·") for t in texts) for shape in SEED_SHAPES)
    assert "26×26×32 · 320 params" in texts and "10 · 16,010 params" in texts  # Keras's counts
    assert seed.get("data-view") == "feature-maps" and seed.find(f"{SVG}title").text == "The seed CNN’s feature maps"
    assert [a.get("href") for a in seed.iter(f"{SVG}a")] == [
        "#seed-input-layer", "#seed-conv2d", "#seed-max-pooling2d", "#seed-conv2d-1", "#seed-max-pooling2d-1",
        "#seed-flatten", "#seed-dropout", "#seed-dense"]
    for drawn, name, count in ((seed, "seed", 8), (listing, "listing", 10), (residual, "residual", 10)):
        hrefs = [a.get("href") for a in drawn.iter(f"{SVG}a")]
        assert len(hrefs) == count and all(h.startswith(f"#{name}-") for h in hrefs), hrefs
        assert {h[1:] for h in hrefs} <= ids  # every link lands on a row of the table
    assert listing.get("data-view") == residual.get("data-view") == "graph"
    # the listing's diagram comes right under its table (:diagram:)
    assert page.index('id="listing"') < page.index("Diagram of the model listing") < page.index("Diagram of the model residual_block")
    assert '<figure class="modelsummary-diagram course-figure align-default" id="seed-diagram">' in page
    assert '<span class="std std-numref">Fig. 1</span>' in page  # :name: and :caption: make a numbered figure
    warnings = [line for line in stderr.splitlines() if "WARNING" in line]
    assert [re.search(r"problems\.rst:(\d+).*\[(modelsummary\.\w+)\]", w).groups() for w in warnings] == [
        ("6", "modelsummary.option"), ("9", "modelsummary.expect"), ("15", "modelsummary.option"),
        ("12", "modelsummary.unknown_summary")], warnings


def test_the_latex_figure_compiles(built):
    out, _ = built("latex")
    tex = (out / "diagram.tex").read_text()
    assert r"\usepackage{pict2e}" in tex and tex.count(r"\begin{picture}") == 3
    assert r"max\_pooling2d\_1" in tex and r"26$\times$26$\times$32 $\cdot$ 320 params" in tex
    if not shutil.which("latexmk"):
        pytest.skip("needs latexmk (texlive-latex-extra)")
    done = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "diagram.tex"],
                          cwd=out, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (out / "diagram.pdf").stat().st_size > 10_000


def test_the_text_builder_writes_the_diagram_in_words(built):
    out, _ = built("text")
    text = (out / "index.txt").read_text()
    assert "conv2d (Conv2D): 26×26×32 · 320 params\n        ↓\n      max_pooling2d (MaxPooling2D)" in text
    assert "joined (Concatenate): 48 · 0 params, from pool and meta_dense" in text
    assert "add (Add): 16×16×32 · 0 params, from bn_b and bn_shortcut" in text


def test_epub_pages_carry_the_svg_as_xml(built):
    out, _ = built("epub")
    (book,) = out.glob("*.epub")
    with zipfile.ZipFile(book) as archive:
        page = archive.read("index.xhtml").decode("utf-8")
    root = ET.fromstring(page)  # the whole page is well-formed XML, the SVG in it
    drawn = list(root.iter(f"{SVG}svg"))
    assert len(drawn) == 3 and all(d.find(f"{SVG}title") is not None for d in drawn)
