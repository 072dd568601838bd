"""What a reader sees: summaries in headless Chromium, in four themes, with and without
MathJax, at 1400, 1024, 700 and 400 px, with each of two font sets.

The seed's summary (the README's example) must show every column, as a table at 1400 px
and as cards wherever the table would not fit (at 400 px always), never scroll nor say
that it scrolls, keep the page as wide as the theme makes it, never lay a formula on
more than two lines or a piece of one on more than one, and never show TeX source,
whether MathJax loads or not (without network it does not).

Fonts decide whether a table fits: DejaVu Sans is about a tenth wider than Liberation
Sans (Arial's widths). The themes name fonts a Linux reader rarely has (Georgia,
system-ui, Segoe UI, Helvetica) and the machine's fontconfig picks what stands in for
them. So each font set is a fontconfig file given to its own Chromium process
(``FONTCONFIG_FILE``): it reads Debian's usual rules (``/etc/fonts/conf.d``) but accepts
only the set's folders, as on a machine with only that set installed, and puts the set
first for the generic families. That resolves the themes' own stacks as a reader's
machine does, fallbacks included, which CSS injected into the page would not: a
Liberation machine keeps DejaVu for the glyphs Liberation lacks (the floor brackets),
as Debian's fontconfig always has it.

Needs Debian's ``chromium``, ``chromium-driver``, ``fonts-dejavu-core`` and
``fonts-liberation`` (``.ci/run`` installs them) and ``selenium``; MathJax comes from
the npm registry.
"""

import functools
import http.server
import json
import shutil
import socketserver
import subprocess
import threading
from pathlib import Path

import pytest

pytest.importorskip("keras")
pytest.importorskip("selenium.webdriver")
if not (shutil.which("chromium") and shutil.which("chromedriver")):
    pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)", allow_module_level=True)

from browser_tools import (FONT_SETS, LINES, MEASURE, PHONE, SEED_TABLE_WIDTH, WIDTHS, load, measure, measure_widths)
from old_sphinx import build, warnings  # noqa: E402

THEMES = ("alabaster", "furo", "pydata_sphinx_theme", "sphinx_book_theme")
MATHJAX_CACHE = Path.home() / ".cache" / "sphinx-modelsummary-tests" / "mathjax4"

PAGES = {
    "index.rst": """\
The seed
========

A page with maths of its own, :math:`\\alpha + \\beta`, so that MathJax loads here.
The summary is the README's example.

.. model-summary:: examples.mnist:build_cnn
   :input-shape: 28, 28, 1
   :explain:
   :caption: The seed's network
   :name: seed

.. toctree::

   wide
   plain
   transformer
""",
    "transformer.rst": """\
Subscripts and named parts
==========================

.. model-summary:: examples.transformer:build_encoder_block
   :columns: layer, output, params, formula, connected
""",
    "plain.rst": "A page without a summary\n========================\n\nHow wide the theme itself makes a page.\n",
    "wide.rst": """\
Every column
============

.. model-summary:: examples.mnist:build_cnn
   :columns: layer, class, input, output, activations, params, trainable, non-trainable, formula, macs, connected
""",
}

def _mathjax() -> Path | None:
    """A local MathJax 4 (the npm package and its font), installed once."""
    if not (MATHJAX_CACHE / "node_modules" / "mathjax" / "tex-chtml.js").is_file():
        if not shutil.which("npm"):
            return None
        MATHJAX_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(MATHJAX_CACHE), "--no-audit", "--no-fund",
                               "mathjax@4", "@mathjax/mathjax-newcm-font@4"], capture_output=True, timeout=600)
        if done.returncode != 0:
            return None
    return MATHJAX_CACHE / "node_modules"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_Quiet, directory=str(root))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


@pytest.fixture(scope="module")
def browser(browsers):
    return browsers("dejavu")  # the wider set: the one that finds a table too wide


def build_site(root: Path, theme: str, mathjax: Path | None) -> Path:
    """The two pages, built with ``theme``; MathJax from a local copy, or from nowhere (offline)."""
    out = root / f"{theme}-{'mathjax' if mathjax else 'offline'}"
    if out.exists():
        return out
    src = root / f"src-{out.name}"
    src.mkdir()
    for name, text in PAGES.items():
        (src / name).write_text(text)
    repo = Path(__file__).resolve().parents[1]
    # a templates_path of the project's own: pydata's and the book theme add their templates to
    # it, and Sphinx's default list is shared by every later build in this process (on Sphinx 7,
    # alabaster's pages would then take pydata's search box)
    conf = [f"import sys; sys.path.insert(0, {str(repo)!r})", "extensions = ['sphinx_modelsummary']",
            f"html_theme = {theme!r}", "modelsummary_cache_dir = ''", "templates_path = []"]
    if mathjax:
        conf += ["mathjax_path = 'mathjax/tex-chtml.js'",
                 "mathjax4_config = {'loader': {'paths': {'fonts': '/_fonts'}}}"]
    else:
        conf.append("mathjax_path = 'http://127.0.0.1:9/offline/mathjax.js'")  # nothing answers there
    (src / "conf.py").write_text("\n".join(conf) + "\n")
    app = build(src, "html", root / f"build-{out.name}")
    assert "WARNING" not in warnings(app), warnings(app)
    shutil.copytree(app.outdir, out)
    if mathjax:
        (out / "_static" / "mathjax").symlink_to(mathjax / "mathjax")
        if not (root / "_fonts").exists():
            (root / "_fonts").symlink_to(mathjax / "@mathjax")
    return out


_PLAIN: dict = {}


def plain_overflow(driver, base: str, site: Path, fonts: str, theme: str) -> dict[int, int]:
    """How far past each window the theme alone makes a page (pydata's header at 400 px)."""
    if (fonts, theme) not in _PLAIN:
        seen = measure_widths(driver, f"{base}/{site.name}/plain.html")
        _PLAIN[fonts, theme] = {width: page["over"] for width, page in seen.items()}
    return _PLAIN[fonts, theme]


@pytest.mark.parametrize("with_mathjax", [False, True], ids=["offline", "mathjax"])
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("fonts", FONT_SETS)
def test_the_seed_summary_reads_whole(fonts, theme, with_mathjax, server, browsers):
    pytest.importorskip(theme)
    root, base = server
    mathjax = _mathjax() if with_mathjax else None
    if with_mathjax and mathjax is None:
        pytest.skip("MathJax 4 could not be installed from the npm registry")
    site = build_site(root, theme, mathjax)
    driver = browsers(fonts)
    plain = plain_overflow(driver, base, site, fonts, theme)
    for width, seen in measure_widths(driver, f"{base}/{site.name}/index.html").items():
        where = f"{fonts}, {theme}, {'MathJax' if with_mathjax else 'offline'}, {width} px"
        (table,) = seen["tables"]
        # the summary makes the page no wider than the theme makes it (pydata's header is 500 px at 400)
        assert seen["sticking"] == 0 and seen["over"] <= plain[width], (where, seen["over"], plain[width])
        assert seen["tex"] == 0, f"{where}: TeX source shown as text"
        assert table["hidden"] == 0 and not table["scrolls"], f"{where}: {table['hidden']} px of the table hidden"
        assert not table["hint"], f"{where}: the hint says the table scrolls, and nothing is hidden"
        # three formulas, each in three pieces (k · (f · h · w + 1), = 32 · (1 · 3 · 3 + 1), = 320); five derivations
        assert len(table["formulas"]) == 3 + 5 and len(table["pieces"]) == 3 * 3 + 5
        assert all(n <= 2 for _, n in table["formulas"]), (where, table["formulas"])
        assert all(n == 1 for _, n in table["pieces"]), (where, table["pieces"])
        if width < PHONE or (width == 1400 and table["block"] >= SEED_TABLE_WIDTH):
            assert table["cards"] == (width < PHONE), f"{where}: a table on a desktop, cards on a phone"
        if with_mathjax and width == WIDTHS[0]:
            assert seen["mathjax"], f"{where}: MathJax did not typeset the page's own maths"


def test_each_font_set_is_the_one_the_browser_uses(server, browsers):
    """The fontconfig files take effect: the same words are wider in DejaVu Sans than in
    Liberation Sans (Arial's widths), by about a tenth, in any family the themes name."""
    root, base = server
    site = build_site(root, "alabaster", None)
    words = """const c = document.createElement('canvas').getContext('2d');
        return ['sans-serif', 'Georgia', 'system-ui'].map(f => { c.font = '16px ' + f;
          return c.measureText('Layer (type) Output shape Activations Parameters').width; });"""
    widths = {}
    for fonts in FONT_SETS:
        load(browsers(fonts), f"{base}/{site.name}/plain.html", 1400)
        widths[fonts] = browsers(fonts).execute_script(words)
    assert all(d > 1.05 * lib for d, lib in zip(widths["dejavu"], widths["liberation"])), widths


@pytest.mark.parametrize("theme", ["furo", "sphinx_book_theme"])
@pytest.mark.parametrize("fonts", FONT_SETS)
def test_attention_formulas_with_subscripts_keep_to_two_lines(fonts, theme, server, browsers):
    """An attention layer: four named projections, symbols such as d_k with a subscript."""
    pytest.importorskip(theme)
    root, base = server
    site = build_site(root, theme, None)
    driver = browsers(fonts)
    for width, seen in measure_widths(driver, f"{base}/{site.name}/transformer.html").items():
        (table,) = seen["tables"]
        where = (fonts, theme, width)
        assert seen["sticking"] == 0 and seen["tex"] == 0 and table["hidden"] == 0, (where, table["hidden"])
        assert not table["hint"] and not table["scrolls"], where
        projections = [text for text, _ in table["formulas"] if "(128 + 1) = 16,512" in text.replace("\xa0", " ")]
        assert len(projections) == 3  # query, key and value (the output projection ends in 128 + 1 too, not + 1)
        assert all(n <= 2 for _, n in table["formulas"]), (where, table["formulas"])
        assert all(n == 1 for _, n in table["pieces"]), (where, table["pieces"])
    subscripts = driver.execute_script("return [...document.querySelectorAll('.modelsummary-math sub')]"
                                       ".map(s => s.textContent)")
    assert {"k", "q", "v"} <= set(subscripts)  # d_k, D_q, d_v: subscripts, not "dk"


def test_a_phone_card_breaks_a_long_formula_at_equals_signs(server, browser):
    """At 320 px a card gives a formula its whole width, under its label: the attention
    query's "H · dk · (Dq + 1) = 4 · 32 · (128 + 1) = 16,512" breaks only before an "="
    (each side whole, two lines), and nothing scrolls."""
    root, base = server
    site = build_site(root, "furo", None)
    seen = measure(browser, f"{base}/{site.name}/transformer.html", 320)
    (table,) = seen["tables"]
    assert table["cards"] and seen["sticking"] == 0 and table["hidden"] == 0
    query = next(n for text, n in table["formulas"] if text.replace("\xa0", " ").startswith("H · dk · (Dq + 1)"))
    assert query == 2
    assert all(n == 1 for _, n in table["pieces"]), table["pieces"]  # no side of a formula is broken
    scrolled = browser.execute_script("""return [...document.querySelectorAll('td.modelsummary-formula')]
        .filter(td => td.scrollWidth > td.clientWidth + 1).length""")
    assert scrolled == 0


@pytest.mark.parametrize("fonts", FONT_SETS)
def test_a_wide_table_shows_that_it_scrolls(fonts, server, browsers):
    """Eleven columns asked for (to compare across rows): wider than any text column, the
    table scrolls and says so (a scrollbar, a hint, edge shadows) rather than become
    cards; in a phone's narrow block it is cards all the same."""
    root, base = server
    site = build_site(root, "alabaster", None)
    for width, page in measure_widths(browsers(fonts), f"{base}/{site.name}/wide.html").items():
        (table,) = page["tables"]
        assert page["over"] == 0 and page["sticking"] == 0, (fonts, width)
        if width < PHONE:
            assert table["cards"] and not table["scrolls"] and not table["hint"] and table["hidden"] == 0
        else:
            assert table["hidden"] > 100 and table["scrolls"] and table["hint"] and table["shadows"], (fonts, width)


def test_long_models_fold_their_repeated_blocks(server, browser, tmp_path):
    root, base = server
    src = tmp_path / "long"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['sphinx_modelsummary']\nhtml_theme = 'furo'\nmodelsummary_cache_dir = ''\n")
    (src / "index.rst").write_text("Long\n====\n\n.. model-summary:: keras.applications:MobileNetV2"
                                   "(weights=None, alpha=0.35, input_shape=(96, 96, 3))\n")
    app = build(src, "html", tmp_path / "build")
    shutil.copytree(app.outdir, root / "long")
    measure(browser, f"{base}/long/index.html", 1400)
    state = """return [...document.querySelectorAll('tr.modelsummary-group')].map(g => {
        const rows = []; let r = g.nextElementSibling;
        while (r && r.classList.contains('modelsummary-member')) { rows.push(r); r = r.nextElementSibling;
          if (r && r.classList.contains('modelsummary-group')) break; }
        return [g.textContent, rows.length, rows.filter(x => getComputedStyle(x).display === 'none').length]; });"""
    groups = browser.execute_script(state)
    assert len(groups) >= 10  # block_1 ... block_16
    block = next(g for g in groups if "block_3:" in g[0])
    assert block[1] >= 8 and block[2] == block[1]  # a long table starts folded
    browser.execute_script("""[...document.querySelectorAll('tr.modelsummary-group')]
        .find(g => g.textContent.includes('block_3:')).querySelector('button').click();""")
    opened = next(g for g in browser.execute_script(state) if "block_3:" in g[0])
    assert opened[2] == 0  # the reader opened it
    (table,) = browser.execute_script(MEASURE)["tables"]
    assert table["hidden"] == 0 and not table["hint"]  # fitted again to the rows now shown
    totals = json.loads(browser.execute_script(
        "return JSON.stringify([...document.querySelectorAll('tr.modelsummary-total td')].map(td => td.textContent))"))
    assert totals[0] == "Total"


# What JupyterLab and the classic notebook do to an output table: their CSS right-aligns cells.
NOTEBOOK_CSS = """
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon tr {
  text-align: right; vertical-align: middle; padding: 0.5em; white-space: normal; border: none; }
.rendered_html td, .rendered_html th { text-align: right; vertical-align: middle; }
"""


@pytest.mark.parametrize("wrapper", ["jp-OutputArea-output jp-RenderedHTMLCommon", "output_html rendered_html"])
def test_notebook_output_reads_under_notebook_css(wrapper, server, browser):
    from examples.mnist import build_cnn
    from sphinx_modelsummary import explain

    root, base = server
    page = root / f"notebook-{wrapper.split()[0]}.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{NOTEBOOK_CSS}</style></head>"
                    f"<body style='width:900px'><div class='{wrapper}'>{explain(build_cnn())._repr_html_()}</div></body></html>")
    load(browser, f"{base}/{page.name}", 1400)
    cells = browser.execute_script("""return [...document.querySelectorAll('tbody tr')].map(tr =>
        [...tr.querySelectorAll('td')].map(td => [td.textContent.trim(), getComputedStyle(td).textAlign]));""")
    conv = next(row for row in cells if row[0][0].startswith("conv2d"))
    assert [align for _, align in conv] == ["left", "left", "left", "right", "left"]  # names, shapes, formula left
    assert conv[3][0] == "320"
    pieces = browser.execute_script(LINES + """return [...document.querySelectorAll('td span')].filter(s =>
        s.style.whiteSpace === "nowrap").map(s => [s.textContent, lines(s)]);""")
    assert pieces and all(n == 1 for _, n in pieces), [p for p in pieces if p[1] != 1]  # no piece broken


# myst-nb's stylesheet for notebook outputs in Jupyter Book 1 (myst_nb/_static/mystnb.css).
MYST_NB_CSS = """
div.cell_output table { border: none; border-collapse: collapse; border-spacing: 0; color: black;
  font-size: 1em; table-layout: fixed; }
div.cell_output tr, div.cell_output th, div.cell_output td { text-align: right; vertical-align: middle;
  padding: 0.5em 0.5em; line-height: normal; white-space: normal; max-width: none; border: none; }
"""


@pytest.mark.parametrize("width", [900, 500])
def test_notebook_steps_read_whole_under_myst_nb(width, server, browser):
    """``explain(model, steps=True)`` in a Jupyter Book 1 page: no column cut, no formula
    piece broken, the walk one line per branch (wrapped only between its steps)."""
    from examples.mnist import build_cnn
    from sphinx_modelsummary import explain

    root, base = server
    page = root / f"notebook-myst-nb-{width}.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{MYST_NB_CSS}</style></head>"
                    f"<body style='width:{width}px'><div class='cell_output'><div class='output text_html'>"
                    f"{explain(build_cnn(), steps=True)._repr_html_()}</div></div></body></html>")
    load(browser, f"{base}/{page.name}", 1400)
    found = browser.execute_script(LINES + """const t = document.querySelector('table.modelsummary');
        return {layout: getComputedStyle(t).tableLayout,
                cut: [...t.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth + 1).length,
                pieces: [...document.querySelectorAll('span')].filter(s => s.style.whiteSpace === 'nowrap')
                  .map(s => [s.textContent, lines(s)]),
                walk: [...document.querySelectorAll('.modelsummary-walk > div')].length,
                items: document.querySelectorAll('.modelsummary-steps > li').length};""")
    assert found["layout"] == "auto" and found["cut"] == 0
    assert found["pieces"] and all(n == 1 for _, n in found["pieces"]), [p for p in found["pieces"] if p[1] != 1]
    assert found["walk"] == 1 and found["items"] == 8
