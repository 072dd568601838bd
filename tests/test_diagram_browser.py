"""What a reader sees of a diagram: headless Chromium, four themes, both font sets
(test_browser.py's docstring says why), at 1400 and 400 px. Each SVG stays inside its
box and the page no wider than the theme makes it, every layer's name and shape is
there and inside its box, the words stay at least 9 px tall, and every link lands on a
row of the table on the page.

Needs Debian's ``chromium``, ``chromium-driver``, ``fonts-dejavu-core`` and
``fonts-liberation``, and ``selenium``.
"""

import shutil
from pathlib import Path

import pytest

pytest.importorskip("keras")
pytest.importorskip("selenium.webdriver")
if not (shutil.which("chromium") and shutil.which("chromedriver")):
    pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)", allow_module_level=True)

from browser_tools import FONT_SETS, load  # noqa: E402
from old_sphinx import build, warnings  # noqa: E402

THEMES = ("alabaster", "furo", "pydata_sphinx_theme", "sphinx_book_theme")
WIDTHS = (1400, 400)
SEED = ("input_layer", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense")
SEED_SHAPES = ("28×28×1", "26×26×32", "13×13×32", "11×11×64", "5×5×64", "1600", "10")
LISTING = ("image", "metadata", "conv_1", "conv_2", "pool", "meta_dense", "joined", "hidden", "category", "price")

PAGE = """\
Diagrams
========

.. model-summary:: examples.mnist:build_cnn
   :name: seed
   :columns: layer, output, params

.. model-diagram:: examples.mnist:build_cnn
   :caption: The seed

.. model-summary:: examples.functional:build_listing_model
   :name: listing
   :columns: layer, output, params
   :diagram:

.. model-diagram:: keras.applications:MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3))
   :view: graph

.. toctree::

   plain
"""

MEASURE = """
const W = document.documentElement.clientWidth;
return {over: Math.max(0, document.documentElement.scrollWidth - W), diagrams: [...document.querySelectorAll(
    'svg.modelsummary-diagram-svg')].map(svg => {
  const box = svg.getBoundingClientRect(), holder = svg.parentElement.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    const frame = svg.dataset.view === 'graph' ? t.closest('.ms-d-node').querySelector('rect').getBoundingClientRect() : box;
    return {words: t.textContent, height: r.height,
            out: Math.max(frame.left - r.left, r.right - frame.right, frame.top - r.top, r.bottom - frame.bottom)};
  });
  return {view: svg.dataset.view, left: box.left, right: box.right, holderLeft: holder.left, holderRight: holder.right,
          width: W, scale: box.width / svg.viewBox.baseVal.width, texts,
          links: [...svg.querySelectorAll('a')].map(a => [a.getAttribute('href'),
                                                         !!document.getElementById(a.getAttribute('href').slice(1))])};
})};
"""


_SITES: dict = {}


def site(root: Path, theme: str) -> Path:
    if theme not in _SITES:
        src = root / f"src-{theme}"
        src.mkdir()
        (src / "index.rst").write_text(PAGE)
        (src / "plain.rst").write_text("A page without a diagram\n========================\n")
        repo = Path(__file__).resolve().parents[1]
        (src / "conf.py").write_text("\n".join([
            f"import sys; sys.path.insert(0, {str(repo)!r})", "extensions = ['sphinx_modelsummary']",
            f"html_theme = {theme!r}", "modelsummary_cache_dir = ''", "templates_path = []",
            "mathjax_path = 'http://127.0.0.1:9/offline/mathjax.js'"]) + "\n")
        app = build(src, "html", root / f"build-{theme}")
        assert "WARNING" not in warnings(app), warnings(app)
        _SITES[theme] = Path(app.outdir)
    return _SITES[theme]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("fonts", FONT_SETS)
def test_diagrams_fit_name_every_layer_and_link_to_rows(fonts, theme, browsers, tmp_path_factory):
    pytest.importorskip(theme)
    out = site(tmp_path_factory.getbasetemp(), theme)
    driver = browsers(fonts)
    for width in WIDTHS:
        load(driver, (out / "plain.html").as_uri(), width)
        plain = driver.execute_script(MEASURE)["over"]
        load(driver, (out / "index.html").as_uri(), width)
        seen = driver.execute_script(MEASURE)
        where = f"{fonts}, {theme}, {width} px"
        assert seen["over"] <= plain, (where, seen["over"], plain)
        seed, listing, mobilenet = seen["diagrams"]
        for drawn in seen["diagrams"]:
            assert drawn["holderLeft"] - 0.5 <= drawn["left"] and drawn["right"] <= drawn["holderRight"] + 0.5, where
            assert drawn["right"] <= drawn["width"], where
            spilled = [(t["words"], round(t["out"], 1)) for t in drawn["texts"] if t["out"] > 0.5]
            assert not spilled, (where, drawn["view"], spilled)
            assert min(t["height"] for t in drawn["texts"]) >= 9, (where, drawn["scale"])
            assert all(found for _, found in drawn["links"]), (where, drawn["links"])
        words = [t["words"] for t in seed["texts"]]
        assert all(name in words for name in SEED), where
        assert all(any(w.startswith(shape + " ·") for w in words) for shape in SEED_SHAPES), where
        assert [href for href, _ in seed["links"]] == [f"#seed-{n.replace('_', '-')}" for n in SEED]
        assert [t["words"] for t in listing["texts"]][::3] == [
            "image", "conv_1", "conv_2", "metadata", "pool", "meta_dense", "joined", "hidden", "category", "price"]
        assert len(listing["links"]) == len(LISTING) and not mobilenet["links"]  # no MobileNetV2 table on the page
        assert "block_16" in [t["words"] for t in mobilenet["texts"]]
