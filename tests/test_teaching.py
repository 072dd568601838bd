"""Teaching pages in real Sphinx builds: row anchors, the ``ms`` roles (across pages, in
parallel, incremental and cache-only builds, with every bad input), and ``model-quiz``
in HTML, text and LaTeX, rST and MyST. The numbers are the seed CNN's, worked out by
hand: 320 = 32 * (1 * 3 * 3 + 1), 18,496, 16,010, 34,826 in all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from docutils import nodes

from sphinx_modelsummary.present.doctree import NBSP
from sphinx_modelsummary.sphinx_ext.quiz import quiz_answer
from builds import ROOTS, html_files, line_of, sphinx_build, sphinx_build_command, warnings_at, written
from old_sphinx import build, new_app, warnings

BAD_PAGES = ("bad.rst", "bad_md.md")


@pytest.fixture(scope="module")
def teaching(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("teaching")
    return {name: build(ROOTS / "test-teaching", name, tmp / name) for name in ("html", "text", "latex")}


def quizzes(doctree) -> list[nodes.container]:
    return [c for c in doctree.findall(nodes.container) if "modelsummary-quiz" in c["classes"]]


def typeset(node) -> list[str]:
    """The typeset formula pieces under ``node`` (HTML needs no maths engine)."""
    return [m.astext().replace(NBSP, " ") for m in node.findall(nodes.inline) if "modelsummary-math" in m["classes"]]


def references(doctree) -> list[nodes.reference]:
    return [r for r in doctree.findall(nodes.reference) if r.get("internal")]


def test_good_pages_give_no_warnings(teaching):
    for app in teaching.values():
        assert [w for w in warnings(app).splitlines() if "WARNING" in w and not w.split(":")[0].endswith(BAD_PAGES)] == []


# Anchors ---------------------------------------------------------------------------------


def test_named_summaries_anchor_every_row(teaching):
    html = (teaching["html"].outdir / "summary.html").read_text()
    anchors = re.findall(r'<span class="target" id="([^"]+)"></span>', html)
    assert anchors == ["quiz-cnn-input-layer", "quiz-cnn-conv2d", "quiz-cnn-max-pooling2d", "quiz-cnn-conv2d-1",
                       "quiz-cnn-max-pooling2d-1", "quiz-cnn-flatten", "quiz-cnn-dropout", "quiz-cnn-dense",
                       # the excerpt anchors the rows it shows; the unnamed summary none
                       "cnn-excerpt-conv2d-1", "cnn-excerpt-max-pooling2d-1", "cnn-excerpt-flatten"]
    assert html.index('id="quiz-cnn-conv2d-1"') < html.index("18,496") < html.index('id="quiz-cnn-max-pooling2d-1"')
    (tex,) = teaching["latex"].outdir.glob("*.tex")
    latex = tex.read_text()
    assert r"\phantomsection\label{\detokenize{summary:quiz-cnn-conv2d-1}}\sphinxcode{\sphinxupquote{conv2d\_1}}" in latex
    assert "summary:hidden" not in latex and "no-anchors-here-hidden" not in latex


# Roles -----------------------------------------------------------------------------------

ROLES = [  # (role as written, the text it prints, the row it links to); worked out by hand
    ("params", "conv2d", "320", "quiz-cnn-conv2d"),
    ("shape", "conv2d", "(None, 26, 26, 32)", "quiz-cnn-conv2d"),
    ("activations", "conv2d", "21,632", "quiz-cnn-conv2d"),  # 26 * 26 * 32
    ("macs", "conv2d", "194,688", "quiz-cnn-conv2d"),  # 26 * 26 positions * 32 filters * 3 * 3 * 1
    ("memory", "conv2d", "84.50 KiB", "quiz-cnn-conv2d"),  # 21,632 float32 values * 4 / 1,024
    ("trainable", "conv2d_1", "18,496", "quiz-cnn-conv2d-1"),  # 64 * (32 * 3 * 3 + 1)
    ("non-trainable", "conv2d_1", "0", "quiz-cnn-conv2d-1"),
    ("params", "dense", "16,010", "quiz-cnn-dense"),  # 10 * (1600 + 1)
    ("total", "", "34,826", "quiz-cnn"),
]


def test_every_role_prints_its_number_and_links_across_pages(teaching):
    doctree = written(teaching["html"], "prose")
    found = {(r["reftitle"], r.astext()): r["refuri"] for r in references(doctree)}
    for role, layer, text, anchor in ROLES:
        title = f"quiz-cnn: {layer}" if layer else "quiz-cnn: total"
        assert found[(title, text)] == f"summary.html#{anchor}", role
    formula = next(r for r in references(doctree) if typeset(r))
    assert formula["refuri"] == "summary.html#quiz-cnn-conv2d"
    assert typeset(formula) == ["32 · (1 · 3 · 3 + 1)", "= 320"]  # typeset as text, as in the tables
    # a row the excerpt does not show: the link goes to its table
    assert found[("cnn-excerpt: dense", "16,010")] == "summary.html#cnn-excerpt"
    assert found[("cnn-excerpt: conv2d_1", "18,496")] == "summary.html#cnn-excerpt-conv2d-1"


def test_myst_roles_give_the_same_nodes(teaching):
    rst = {(r["reftitle"], r.astext()): r.pformat() for r in references(written(teaching["html"], "prose"))}
    myst = {(r["reftitle"], r.astext()): r.pformat() for r in references(written(teaching["html"], "prose_md"))}
    assert len(myst) == 4 and all(rst[key] == value for key, value in myst.items())


def test_roles_in_text_and_latex(teaching):
    text = (teaching["text"].outdir / "prose.txt").read_text()
    assert "The first convolution has 320 parameters (32 · (1 · 3 · 3 + 1) = 320)" in " ".join(text.split())
    assert "In all, 34,826." in text
    (tex,) = teaching["latex"].outdir.glob("*.tex")
    latex = tex.read_text()
    assert r"{\hyperref[\detokenize{summary:quiz-cnn-conv2d-1}]{\sphinxcrossref{\DUrole{modelsummary-ref}{18,496}}}}" in latex
    assert r"{\hyperref[\detokenize{summary:quiz-cnn}]{\sphinxcrossref{\DUrole{modelsummary-ref}{34,826}}}}" in latex


BAD = [  # (text on the line, subtype, words in the warning)
    (":ms:params:`nosuch/conv2d`", "unknown_summary", "no model-summary has :name: nosuch"),
    (":ms:params:`quiz-cnn/nosuch`", "unknown_layer", "quiz-cnn has no layer 'nosuch'; the layers are input_layer"),
    (":ms:shape:`quiz-cnn`", "unknown_layer", "name a layer of quiz-cnn"),
    (":ms:colour:`quiz-cnn/conv2d`", "unknown_quantity", ":ms:colour: is no role of the ms domain"),
    (":ms:formula:`quiz-cnn/max_pooling2d`", "unknown_quantity", "has no parameter formula"),
    (":ms:total:`quiz-cnn/conv2d`", "unknown_quantity", "the total is the model's"),
    (":ms:macs:`free/per_step`", "unknown_quantity", "the multiply-accumulates of per_step"),
    (":ms:activations:`free/per_step`", "unknown_quantity", "not known (a free axis)"),
    (":ms:memory:`free/per_step`", "unknown_quantity", "the memory of what per_step (Dense) outputs is not known"),
]


@pytest.mark.parametrize(("marker", "subtype", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_roles_warn_where_they_are_and_show_their_text(teaching, marker, subtype, words):
    app = teaching["html"]
    page = ROOTS / "test-teaching" / "bad.rst"
    (found,) = warnings_at(warnings(app), page, line_of(page, marker))
    assert found.endswith(f"[modelsummary.{subtype}]") and words in found
    target = marker.split("`")[1]
    literals = [n.astext() for n in written(app, "bad").findall(nodes.literal)]
    assert target in literals  # the role's own text, as a literal


def test_bad_role_in_myst(teaching):
    page = ROOTS / "test-teaching" / "bad_md.md"
    (found,) = warnings_at(warnings(teaching["html"]), page, line_of(page, "{ms:params}"))
    assert found.endswith("[modelsummary.unknown_layer]")


# Quizzes ---------------------------------------------------------------------------------

SEED_STATEMENTS = ["The first convolutional layer has a total of 21,632 parameters.",
                   "The first max pooling layer has a total of 5,408 parameters.",
                   "The second convolutional layer has a total of 18,496 parameters.",
                   "The fully-connected layer has a total of 16,010 parameters."]


def test_the_seeds_quiz_on_a_page(teaching):
    seed, strided, named = quizzes(written(teaching["html"], "quiz"))
    assert seed["ids"] == ["seed-quiz"]
    code = seed.next_node(nodes.literal_block)
    assert code["language"] == "python" and code.astext().startswith("def build_cnn():")
    assert seed[1].astext().startswith("Based on the above code fragment, what are the correct statements")
    statements = seed.next_node(nodes.enumerated_list)
    assert [item.astext() for item in statements.children] == SEED_STATEMENTS
    answer = seed.next_node(quiz_answer)
    assert answer[0].astext() == "Answer: 3, 4"
    reasons = [p.astext() for p in answer.children[1:5]]
    assert [r[:9] for r in reasons] == ["1. False.", "2. False.", "3. True. ", "4. True. "]
    assert "21,632" in reasons[0] and "5,408" in reasons[1] and "no parameters" in reasons[1]
    values = [piece[2:] for piece in typeset(answer) if re.fullmatch(r"= [\d,]+", piece)]
    assert values == ["320", "18,496", "16,010"]  # the formulas of conv2d, conv2d_1 and dense
    html = (teaching["html"].outdir / "quiz.html").read_text()
    details = html.split('<details class="modelsummary-answer">')
    assert len(details) == 4  # three quizzes, each answer closed (no "open") and readable without JavaScript
    assert all(part.startswith("<summary>Show the answer</summary>") for part in details[1:])
    assert "<details class=\"modelsummary-answer\" open" not in html


def test_a_quiz_on_a_named_summary_keeps_the_authors_question(teaching):
    named = quizzes(written(teaching["html"], "quiz"))[2]
    assert named[0].astext() == "Which of these statements about the network in Table 1 are right?"
    assert len(named.next_node(nodes.enumerated_list).children) == 4
    assert named.next_node(quiz_answer)[0].astext().startswith("Answer: ")


def test_rst_and_myst_quizzes_give_the_same_doctree(teaching):
    rst, myst = quizzes(written(teaching["html"], "quiz"))[0], quizzes(written(teaching["html"], "quiz_md"))[0]
    for quiz in (rst, myst):
        quiz["ids"], quiz["names"] = [], []
    assert rst.pformat() == myst.pformat()


def test_text_builder_puts_the_answer_after_the_question(teaching):
    text = (teaching["text"].outdir / "quiz.txt").read_text()
    assert text.index("4. The fully-connected layer has a total of 16,010 parameters.") < text.index("Answer:** 3, 4")
    assert "Show the answer" not in text and "\\cdot" not in text
    assert "parameters = k · (f · h · w + 1) = 64 · (32 · 3 · 3 + 1) = 18,496" in " ".join(text.split())
    # a formula in the answer breaks only before an "=": never inside its brackets
    assert all(line.count("(") == line.count(")") for line in text.splitlines() if " · " in line)
    assert max(len(line) for line in text.splitlines()) <= 100


def test_latex_collects_the_answers_at_the_end(teaching):
    (tex,) = teaching["latex"].outdir.glob("*.tex")
    latex = tex.read_text()
    chapter = latex.index(r"\chapter{Answers to the quizzes}")
    assert chapter > latex.rindex(r"\begin{sphinxuseclass}{modelsummary-quiz}")
    for number, page in enumerate(["quiz", "quiz", "quiz", "quiz_md"], 1):
        link = rf"\hyperref[\detokenize{{index:modelsummary-answer-{number}}}]"
        assert latex.index(link) < chapter
        assert latex.index(rf"\label{{\detokenize{{index:modelsummary-answer-{number}}}}}") > chapter
        assert rf"\label{{\detokenize{{{page}:modelsummary-quiz-{number}}}}}" in latex  # the link back
    assert latex[chapter:].count(r"\sphinxstylestrong{Answer:} 3, 4") == 2  # the seed's, in rST and MyST
    if shutil.which("latexmk"):
        outdir = teaching["latex"].outdir
        done = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                              cwd=outdir, capture_output=True, text=True, timeout=600)
        log = tex.with_suffix(".log").read_text(errors="replace")
        assert done.returncode == 0, log[-3000:]
        assert "undefined" not in log.lower()


QUIZ_PROBLEMS = [  # (text on the directive's line, or an option below it, subtype, words)
    (":ask: colour", "option", ":ask: expected some of params, output, activations"),
    (":statements: 0", "option", ":statements:"),
    (":statements: 40", "quiz", "only 5 statement(s)"),
    (":layers: conv2d, nosuch", "option", "no layer named 'nosuch'"),
    (":misconceptions: guessing", "option", ":misconceptions:"),
    (":misconceptions: bias", "quiz", "can be made false"),
    (":summary: nosuch", "unknown_summary", "no model-summary has :name: nosuch"),
    ("no_such_factory", "attribute", "no_such_factory"),
]


@pytest.mark.parametrize(("marker", "subtype", "words"), QUIZ_PROBLEMS, ids=[p[0] for p in QUIZ_PROBLEMS])
def test_quiz_problems_warn_with_location(teaching, marker, subtype, words):
    page = ROOTS / "test-teaching" / "bad.rst"
    lines = page.read_text().splitlines()
    line = line_of(page, marker)
    if marker.startswith(":"):
        line = max(i for i in range(1, line) if lines[i - 1].startswith(".. model-quiz::"))
    found = [w for w in warnings_at(warnings(teaching["html"]), page, line) if words in w]
    assert len(found) == 1 and found[0].endswith(f"[modelsummary.{subtype}]"), warnings(teaching["html"])


def test_quiz_problems_render_nothing_and_the_page_goes_on(teaching):
    doctree = written(teaching["html"], "bad")
    assert quizzes(doctree) == []
    assert "The page goes on after the problems." in doctree.astext()
    page = ROOTS / "test-teaching" / "bad.rst"
    both = [line_of(page, ".. model-quiz::", n) for n in (7, 8)]  # a spec and :summary:, then neither
    for line in both:
        (found,) = warnings_at(warnings(teaching["html"]), page, line)
        assert "one of the two" in found and found.endswith("[modelsummary.option]")
    # a quiz on a named summary is made when the page is written: its problems are located too
    (found,) = warnings_at(warnings(teaching["html"]), page, line_of(page, ".. model-quiz::", 10))
    assert "only 5 statement(s)" in found and found.endswith("[modelsummary.quiz]")


# Builds users can trust ------------------------------------------------------------------

PROJECT = {
    "conf.py": """
        import os, sys
        sys.path.insert(0, os.path.dirname(__file__))
        extensions = ["sphinx_modelsummary"]
        modelsummary_cache_dir = os.environ.get("TEACHING_CACHE", "")
    """,
    "ms_edit_models.py": """
        import keras


        def build():
            return keras.Sequential([keras.Input((10,)), keras.layers.Dense(4, name="out")], name="edit")
    """,
    "index.rst": "Edit\n====\n\n.. toctree::\n\n   a\n   b\n   c\n",
    "a.rst": "A\n=\n\n.. model-summary:: ms_edit_models:build\n   :name: edit\n",
    "b.rst": "B\n=\n\nThe layer has :ms:params:`edit/out` parameters.\n\n"
             ".. model-quiz::\n   :summary: edit\n   :misconceptions: activations\n   :seed: 1\n",
    "c.rst": "C\n=\n\nProse only.\n",
}


def make_project(folder: Path) -> Path:
    folder.mkdir()
    for name, text in PROJECT.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    return folder


def test_a_changed_model_updates_the_pages_that_quote_it(tmp_path):
    src = make_project(tmp_path / "src")
    first = build(src, "html", tmp_path / "_build")
    assert warnings(first) == ""
    page_b = first.outdir / "b.html"
    assert ">44<" in page_b.read_text()  # 10 * 4 + 4, quoted on another page than its summary
    assert "44 parameters" in page_b.read_text()  # and in the quiz's statement (true or the activation count)

    module = src / "ms_edit_models.py"
    module.write_text(module.read_text().replace("Dense(4,", "Dense(6,"))
    later = module.stat().st_mtime + 5
    os.utime(module, (later, later))
    app = new_app("html", src, tmp_path / "_build")
    read: list[str] = []
    app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
    try:
        app.build()
    finally:
        app.cleanup()
        sys.modules.pop("ms_edit_models", None)
    assert sorted(read) == ["a", "b"]  # b quotes the summary on a; c is left alone
    assert ">66<" in page_b.read_text() and ">44<" not in page_b.read_text()  # 10 * 6 + 6
    assert "66 parameters" in page_b.read_text()


def test_parallel_and_cache_only_builds(tmp_path):
    """-j 2 gives the pages a serial build gives; then, from the cache alone, with the
    framework blocked, the roles and quizzes still resolve."""
    src = make_project(tmp_path / "src")
    os.environ["TEACHING_CACHE"] = "_modelsummary_cache"
    try:
        serial = sphinx_build_command(src, tmp_path / "serial", "-d", str(tmp_path / "d1"))
        parallel = sphinx_build_command(src, tmp_path / "parallel", "-d", str(tmp_path / "d2"), "-j", "2")
        assert serial.returncode == parallel.returncode == 0, serial.stderr + parallel.stderr
        assert "WARNING" not in serial.stderr + parallel.stderr
        assert html_files(tmp_path / "serial") == html_files(tmp_path / "parallel")
        assert ">44<" in (tmp_path / "parallel" / "b.html").read_text()
        status, imported, stderr = sphinx_build(src, tmp_path / "cached", "-E", "-W", "-D",
                                                "modelsummary_mode=cache", block=True)
    finally:
        del os.environ["TEACHING_CACHE"]
    assert status == 0, stderr
    assert imported == []
    cached = (tmp_path / "cached" / "b.html").read_text()
    assert ">44<" in cached and '<details class="modelsummary-answer">' in cached
