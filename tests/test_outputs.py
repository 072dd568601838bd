"""Every output a reader may get: EPUB without TeX source, LaTeX that compiles to a PDF with
sensible columns, names that are never markup, and notebook HTML that survives notebook CSS."""

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("keras")

from sphinx.testing.util import SphinxTestApp  # noqa: E402

from sphinx_modelsummary.present.markdown import to_markdown  # noqa: E402
from sphinx_modelsummary.model.summary import summarize  # noqa: E402

from old_sphinx import build as build_app, warnings  # noqa: E402

ROOTS = Path(__file__).resolve().parent / "roots"
HOSTILE = "<img src=x onerror=alert(1)> $x$ `code` k\\oops ^2 ~t {b} 50%"
TEX_SOURCE = re.compile(r"\\(cdot|left|right|times|lfloor|mathrm|texttt|binoppenalty)\b|\\\(")


def build(builder: str, tmp: Path) -> SphinxTestApp:
    overrides = {"version": "1.0", "copyright": "the tests"}  # EPUB3 wants them
    app = build_app(ROOTS / "test-basic", builder, tmp / builder, confoverrides=overrides)
    assert "WARNING" not in warnings(app), warnings(app)
    return app


@pytest.fixture(scope="module")
def latex(tmp_path_factory):
    app = build("latex", tmp_path_factory.mktemp("outputs"))
    (tex,) = app.outdir.glob("*.tex")
    return app, tex


def test_epub_shows_typeset_formulas_not_tex(tmp_path):
    app = build("epub", tmp_path)
    (book,) = app.outdir.glob("*.epub")
    with zipfile.ZipFile(book) as epub:
        pages = {name: epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml")}
        assert "_static/modelsummary.css" in epub.namelist() or any("modelsummary.css" in n for n in epub.namelist())
    seed = pages["seed.xhtml"]
    text = re.sub(r"<[^>]+>", "", seed)
    assert not TEX_SOURCE.search(text), TEX_SOURCE.search(text)
    assert "<em>k</em>\xa0·\xa0(<em>f</em>" in seed and "=\xa032\xa0·\xa0(1\xa0·\xa03\xa0·\xa03\xa0+\xa01)</span>" in seed
    assert '<span class="modelsummary-math">=\xa0320</span>' in seed
    assert "⌊(28\xa0−\xa03)\xa0/\xa01⌋\xa0+\xa01\xa0=\xa026" in seed
    assert "<img src" not in pages["hostile.xhtml"]  # a name is text, never markup


def test_latex_table_spec_alignment_and_maths(latex):
    _, tex = latex
    source = tex.read_text()
    seed = source[source.index(r"\sphinxcaption{The convolutional network from the quiz}") - 2000:]
    spec = re.search(r"\\begin\{tabulary?\}(\{\\linewidth\})?\[t\]\{(.*)\}\n", seed).group(2)  # tabulary before Sphinx 9
    widths = [int(w) for w in re.findall(r"\\X\{(\d+)\}\{\d+\}", spec)]
    assert len(widths) == 5 and spec.count(r">{\raggedleft\arraybackslash}") == 1  # the counts
    assert widths[3] >= len("Parameters") and widths[4] == max(widths)  # room for the header, most for formulas
    # every cell ragged-right without hyphenation: no stretched gaps, no "Param-eters"
    assert seed.count(r"\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000") >= 5 * 10
    assert r"\(\binoppenalty=10000\relax k \cdot \left(f \cdot h \cdot w + 1\right) = " in seed
    assert "(None,\xa026,\xa026,\xa032)" in seed  # a shape never splits
    assert r"\textbf{Total}" in seed or r"\sphinxstylestrong{Total}" in seed
    hostile = source[source.index(r"\sphinxcaption{hostile names}"):]
    assert (r"\texttt{\textless{}img src=x onerror=alert(1)\textgreater{} \$x\$ `code` k\textbackslash{}oops "
            r"\textasciicircum{}2 \textasciitilde{}t \{b\} 50\%}" in hostile
            or r"\texttt{<img src=x onerror=alert(1)> \$x\$ `code` k\textbackslash{}oops" in hostile)


@pytest.mark.skipif(not shutil.which("latexmk"), reason="needs latexmk (apt-get install latexmk texlive-latex-extra)")
def test_latex_compiles_to_a_pdf_with_every_name_literal(latex):
    app, tex = latex
    done = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                          cwd=app.outdir, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    pdf = tex.with_suffix(".pdf")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for number in ("18,496", "16,010", "34,826", "21,632"):
            assert number in text
        flat = re.sub(r"\s+", " ", text)
        assert "k\\oops ^2 ~t {b} 50%" in flat and "sc$al\\ed" in flat
        assert "Param-" not in text and "(Batch-" not in text  # no hyphenated header or name
    log = tex.with_suffix(".log").read_text(errors="replace")
    assert "! " not in log


def test_markdown_names_are_text(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOTS / "test-basic"))
    record = summarize("ms_basic_models:build_hostile_names")
    markdown = to_markdown(record, ["layer", "connected", "params", "formula"], explain=True)
    assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert r"\$x\$ \`code\` k\\oops ^2 \~t {b} 50%" in markdown
    assert "&amp;nbsp;" not in markdown


def test_notebook_html_says_every_cells_alignment():
    from examples.mnist import build_cnn
    from sphinx_modelsummary import explain

    html = explain(build_cnn())._repr_html_()
    cells = re.findall(r"<t[dh] style=\"([^\"]*)\">(.*?)</t[dh]>", html)
    for style, content in cells:
        # inline styles beat a stylesheet's class rules: text left, counts right
        expected = "right" if re.fullmatch(r"<?[\w>]*[\d,]+(</\w+>)?|Parameters", content) else "left"
        assert f"text-align:{expected}" in style, (content, style)
    assert "white-space:nowrap" in html and "\\cdot" not in html and "mjx" not in html
