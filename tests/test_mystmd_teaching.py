"""The ``ms`` roles and ``model-quiz`` of the mystmd plugin, in this process (no node):
numbers linked to their rows on any page of the site, the quiz's statements and its
hidden answer, problems in the words of the Sphinx warnings; and the option grammar both
front-ends share (``:layers:``, ``:label:``).

The numbers are the seed CNN's, worked out by hand: 320 = 32 * (1 * 3 * 3 + 1),
18,496 = 64 * (32 * 3 * 3 + 1), 16,010 = 10 * (5 * 5 * 64 + 1), 34,826 in all.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from docutils import nodes

from mystmd_tool import REPO, find_nodes, node_text, plugin_env
from sphinx_modelsummary.mystmd import plugin_spec
from sphinx_modelsummary.mystmd.directive import run_directive
from sphinx_modelsummary.mystmd.quiz import run_quiz
from sphinx_modelsummary.mystmd.roles import run_role
from sphinx_modelsummary.mystmd.site import make_site, named_summaries
from sphinx_modelsummary.present.references import anchor_id
from sphinx_modelsummary.present.view import SummaryOptions, select_rows
from sphinx_modelsummary.settings import parse_layers, resolve_options, resolve_quiz_options

pytest.importorskip("keras")

PAGE = """\
# Another page

```{model-summary} mymodels:build_cnn
:name: Seed CNN
:layers: conv2d_1..flatten
:columns: layer, params
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example book with a second page holding a summary of a few rows, and a site on it."""
    project = tmp_path_factory.mktemp("teaching") / "book"
    shutil.copytree(REPO / "examples" / "jupyter-book-2", project,
                    ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__"))
    (project / "excerpt.md").write_text(PAGE)
    config = project / "myst.yml"  # a page of the site is in its toc
    config.write_text(config.read_text().replace("    - file: quiz.md\n", "    - file: quiz.md\n    - file: excerpt.md\n"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.syspath_prepend(str(project))  # as the plugin's main() does
        yield make_site()


def role(site, name: str, target: str, line: int = 7) -> list[dict]:
    return run_role({"name": name, "body": target, "node": {"type": "mystRole", "position": {"start": {"line": line}}}},
                    site)


def quiz(site, arg: str = "", **options: str) -> list[dict]:
    return run_quiz({"name": "model-quiz", "arg": arg, "options": options,
                     "node": {"type": "mystDirective", "position": {"start": {"line": 3}}}}, site)


def test_the_spec_declares_every_role_and_the_quiz():
    spec = plugin_spec()
    assert [r["name"] for r in spec["roles"]] == ["ms:params", "ms:trainable", "ms:non-trainable", "ms:shape",
                                                  "ms:activations", "ms:macs", "ms:memory", "ms:formula",
                                                  "ms:total"]
    assert all(r["body"] == {"type": "string", "required": True} for r in spec["roles"])
    summary, quiz_spec, _diagram = spec["directives"]
    assert quiz_spec["name"] == "model-quiz" and quiz_spec["body"]["type"] == "myst"
    assert quiz_spec["options"]["name"]["alias"] == ["label"] and "summary" in quiz_spec["options"]


def test_the_entry_file_answers_a_role_request(site):
    done = subprocess.run([str(site.root / "modelsummary_plugin.py"), "--role", "ms:params"], cwd=site.root,
                          input=json.dumps({"name": "ms:params", "body": "tbl-cnn/dense"}), capture_output=True,
                          text=True, env=plugin_env(), timeout=600)
    assert done.returncode == 0
    (reference,) = json.loads(done.stdout)
    assert reference["type"] == "crossReference" and node_text(reference) == "16,010"


@pytest.mark.parametrize("name, target, shown", [
    ("ms:params", "tbl-cnn/conv2d", "320"),
    ("ms:params", "tbl-cnn/conv2d_1", "18,496"),
    ("ms:trainable", "tbl-cnn/dense", "16,010"),
    ("ms:non-trainable", "tbl-cnn/dense", "0"),
    ("ms:shape", "tbl-cnn/conv2d", "(None, 26, 26, 32)"),
    ("ms:activations", "tbl-cnn/conv2d", f"{26 * 26 * 32:,}"),
    ("ms:macs", "tbl-cnn/conv2d", f"{26 * 26 * 32 * 3 * 3:,}"),  # one per weight per output position
    ("ms:memory", "tbl-cnn/conv2d", f"{26 * 26 * 32 * 4 / 1024:.2f} KiB"),  # float32: 4 bytes a value
])
def test_a_role_prints_the_number_and_links_to_its_row(site, name, target, shown):
    (reference,) = role(site, name, target)
    layer = target.split("/")[1]
    assert reference["type"] == "crossReference" and node_text(reference) == shown
    assert reference["identifier"] == f"tbl-cnn-{layer.replace('_', '-')}"


def test_the_rows_carry_the_anchors_the_roles_link_to(site):
    table = run_directive({"name": "model-summary", "arg": "mymodels:build_cnn", "options": {"label": "tbl-cnn"}},
                          site)[0]
    anchors = [[span["identifier"] for span in find_nodes(row["children"][0], "span")]
               for row in find_nodes(table, "tableRow")]  # in the first cell, as Sphinx puts them
    assert anchors == [[], ["tbl-cnn-input-layer"], ["tbl-cnn-conv2d"], ["tbl-cnn-max-pooling2d"], ["tbl-cnn-conv2d-1"],
                       ["tbl-cnn-max-pooling2d-1"], ["tbl-cnn-flatten"], ["tbl-cnn-dropout"], ["tbl-cnn-dense"], []]
    (first,) = find_nodes(find_nodes(table, "tableRow")[2]["children"][0], "span")
    assert node_text(first) == "conv2d (Conv2D)"  # the anchor holds the cell's text: a link shows it
    assert table["identifier"] == "tbl-cnn"


def test_formula_and_total(site):
    (formula,) = role(site, "ms:formula", "tbl-cnn/conv2d_1")
    assert [m["value"] for m in find_nodes(formula, "inlineMath")] == [
        r"64 \cdot \left(32 \cdot 3 \cdot 3 + 1\right) = 18{,}496"]
    (total,) = role(site, "ms:total", "tbl-cnn")
    assert node_text(total) == f"{320 + 18_496 + 16_010:,}" and total["identifier"] == "tbl-cnn"


def test_a_summary_on_another_page_and_a_row_it_does_not_show(site):
    assert set(named_summaries(site.root)) == {"tbl-cnn", "seed cnn"}
    (shown,) = role(site, "ms:params", "Seed  CNN/conv2d_1")  # names are normalised as Sphinx does
    assert node_text(shown) == "18,496" and shown["identifier"] == "seed-cnn-conv2d-1"
    (hidden,) = role(site, "ms:params", "seed cnn/dense")  # not in the excerpt: the link goes to the table
    assert node_text(hidden) == "16,010" and hidden["identifier"] == "seed cnn"


@pytest.mark.parametrize("name, target, subtype, words", [
    ("ms:params", "nosuch/conv2d", "unknown_summary", ":ms:params:`nosuch/conv2d`: no model-summary has :name: nosuch; "
                                                      "the named ones: seed cnn, tbl-cnn"),
    ("ms:params", "tbl-cnn/nosuch", "unknown_layer", "tbl-cnn has no layer 'nosuch'; the layers are input_layer, conv2d"),
    ("ms:params", "tbl-cnn", "unknown_layer", "name a layer of tbl-cnn, one of input_layer"),
    ("ms:total", "tbl-cnn/conv2d", "unknown_quantity", "the total is the model's; name the summary alone"),
    ("ms:formula", "tbl-cnn/max_pooling2d", "unknown_quantity", "has no parameter formula"),
    ("ms:colour", "tbl-cnn/conv2d", "unknown_quantity", ":ms:colour: is no role of the ms domain"),
])
def test_a_role_problem_is_a_warning_and_the_target_as_code(site, capsys, name, target, subtype, words):
    shown, logged = role(site, name, target, line=12)
    assert shown == {"type": "inlineCode", "value": target, "class": "modelsummary-problem"}
    # mystmd prints an unresolved reference in its log, at the role's page and line
    assert logged["type"] == "crossReference" and logged["position"]["start"]["line"] == 12
    assert words in logged["identifier"] and logged["identifier"].endswith(f"[modelsummary.{subtype}]")
    err = capsys.readouterr().err
    assert f"(line 12): warning [modelsummary.{subtype}]" in err and words in err


def test_a_quiz_on_a_named_summary(site):
    (raw,) = quiz(site, summary="tbl-cnn", label="quiz-cnn", ask="params", layers="conv2d, conv2d_1, dense",
                  seed="3")
    (exercise,) = raw["children"]  # the site shows the children of a raw node, TeX its tex
    assert exercise["type"] == "exercise" and exercise["enumerated"] is True
    assert (exercise["label"], exercise["identifier"]) == ("quiz-cnn", "quiz-cnn")
    (statements,) = [n for n in find_nodes(exercise, "list") if n["class"] == "modelsummary-quiz-statements"]
    texts = [node_text(item) for item in statements["children"]]
    assert statements["ordered"] and len(texts) == 3
    truths = ["has a total of 320 parameters", "has a total of 18,496 parameters", "has a total of 16,010 parameters"]
    true_ones = [i for i, (said, truth) in enumerate(zip(texts, truths), 1) if truth in said]
    (details,) = find_nodes(exercise, "details")
    assert details["open"] is False and node_text(details["children"][0]) == "Show the answer"
    assert node_text(details["children"][1]) == "Answer: " + ", ".join(map(str, true_ones))
    assert 1 <= len(true_ones) < 3  # at least one wrong, at least one right
    assert r"32 \cdot \left(1 \cdot 3 \cdot 3 + 1\right) = 320" in node_text(details)
    # TeX: numbered, the statements, then the answer and its formulas
    assert raw["lang"] == "tex" and r"\label{quiz-cnn}\textbf{Exercise \themodelsummaryquiz}" in raw["tex"]
    assert [line[len(r"\item "):] for line in raw["tex"].splitlines() if line.startswith(r"\item ")] == texts
    assert r"\textbf{Answer:} " + ", ".join(map(str, true_ones)) in raw["tex"]
    assert r"$k \cdot \left(f \cdot h \cdot w + 1\right) = 32 \cdot \left(1 \cdot 3 \cdot 3 + 1\right) = 320$" in raw["tex"]
    assert r"conv2d\_1" in raw["tex"]  # text escaped for LaTeX


def test_a_quiz_on_a_spec_with_its_own_question_and_a_range_of_layers(site):
    body = [{"type": "paragraph", "children": [{"type": "text", "value": "Which are right?"}]}]
    (raw,) = run_quiz({"name": "model-quiz", "arg": "mymodels:build_cnn", "body": body,
                       "options": {"ask": "output", "layers": "conv2d..max_pooling2d_1", "statements": "4"}}, site)
    (exercise,) = raw["children"]
    assert exercise["children"][0] == body[0]
    statements = find_nodes(exercise, "listItem")
    assert len(statements) == 4  # conv2d, max_pooling2d, conv2d_1, max_pooling2d_1
    assert "Based on" not in node_text(exercise)


@pytest.mark.parametrize("options, subtype, words", [
    ({"summary": "nosuch"}, "unknown_summary", "no model-summary has :name: nosuch"),
    ({"ask": "colour", "summary": "tbl-cnn"}, "option", ":ask: expected some of params, output, activations"),
    ({}, "option", "give the model's spec or :summary:"),
    ({"summary": "tbl-cnn", "statements": "40"}, "quiz", "statement(s)"),
    ({"summary": "tbl-cnn", "misconceptions": "guessing"}, "option", ":misconceptions: expected some of"),
])
def test_a_quiz_problem_is_an_admonition(site, capsys, options, subtype, words):
    (box,) = quiz(site, **options)
    assert box["type"] == "admonition" and words in node_text(box)
    assert node_text(box["children"][0]) == f"model-quiz: error ({subtype})"
    assert f"model-quiz (line 3): error [modelsummary.{subtype}]" in capsys.readouterr().err


def test_a_quiz_on_a_bad_spec_says_so_and_shows_nothing_else(site, capsys):
    (box,) = quiz(site, "mymodels:no_such_model")
    assert box["type"] == "admonition" and box["kind"] == "error"
    assert node_text(box["children"][0]) == "model-quiz: error (attribute)"
    assert "'mymodels' has no attribute 'no_such_model'" in node_text(box)
    assert "[modelsummary.attribute]" in capsys.readouterr().err


# What both front-ends share -----------------------------------------------------------------


def test_anchors_are_made_as_docutils_makes_ids():
    for text in ("tbl-cnn-conv2d_1", "Seed CNN-dense", "quiz cnn-max_pooling2d", "1st-Layer", "ünïcode-x"):
        assert anchor_id(text) == nodes.make_id(text)


def test_layers_are_names_or_ranges_in_both_directives():
    assert parse_layers("conv2d..dense") == (("conv2d", "dense"),)
    assert parse_layers("conv2d .. dense") == (("conv2d", "dense"),)
    assert parse_layers("conv2d, dense") == (("conv2d", "conv2d"), ("dense", "dense"))
    assert parse_layers("..flatten dense") == ((None, "flatten"), ("dense", "dense"))
    for bad in ("", "..", "a..b..c"):
        with pytest.raises(ValueError):
            parse_layers(bad)
    record = {"layers": [{"label": label, "depth": 0} for label in ("a", "b", "c", "d")]}
    labels = [r["label"] for r in select_rows(record, SummaryOptions(layers=parse_layers("d, a..b")))]
    assert labels == ["a", "b", "d"]  # in the model's order
    assert resolve_quiz_options("m:f", {"layers": "b..c"}).layers == (("b", "c"),)


def test_label_is_name_and_both_is_an_error():
    assert resolve_options(None, {"label": "tbl"}).name == "tbl"
    assert resolve_quiz_options("m:f", {"label": "q"}).name == "q"
    for resolve in (lambda o: resolve_options(None, o), lambda o: resolve_quiz_options("m:f", o)):
        with pytest.raises(ValueError, match=":name: and :label: both given"):
            resolve({"label": "a", "name": "b"})


RST_PAGE = """\
Teaching
========

.. model-summary:: examples.mnist:build_cnn
   :label: seed
   :columns: layer, params

The second convolution has :ms:params:`seed/conv2d_1` parameters; try :numref:`seed-quiz`.

.. model-quiz::
   :summary: seed
   :label: seed-quiz

.. model-summary:: examples.mnist:build_cnn
   :label: twice
   :name: twice

.. model-quiz::
   :summary: seed
   :label: a
   :name: b
"""


def test_sphinx_reads_label_as_name_in_rst(tmp_path):
    from old_sphinx import build, warnings
    from builds import written

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "conf.py").write_text('extensions = ["sphinx_modelsummary"]\nnumfig = True\n'
                                               'modelsummary_cache_dir = ""\n')
    (tmp_path / "src" / "index.rst").write_text(RST_PAGE)
    app = build(tmp_path / "src", "html", tmp_path / "out")
    log = [line for line in warnings(app).splitlines() if "WARNING" in line]
    both = ":name: and :label: both given; use one"
    assert [line.split(": WARNING")[0].rsplit(":", 1)[1] for line in log] == ["14", "18"]  # the two with both
    assert all(both in line and line.endswith("[modelsummary.option]") for line in log)
    doctree = written(app, "index")
    ids = {i for node in doctree.findall(nodes.Element) for i in node.get("ids", [])}
    assert {"seed", "seed-conv2d-1", "seed-quiz"} <= ids
    (reference,) = [r for r in doctree.findall(nodes.reference) if r.get("refid") == "seed-conv2d-1"]
    assert reference.astext() == "18,496"
    (numbered,) = [r for r in doctree.findall(nodes.reference) if r.get("refid") == "seed-quiz"]
    assert numbered.astext() == "Quiz 1"  # a quiz is numbered, as mystmd numbers its exercise


def test_a_range_of_layers_skips_what_a_quiz_cannot_ask_about(site):
    (raw,) = quiz(site, summary="tbl-cnn", ask="params", layers="..conv2d_1")  # from the input layer on
    texts = [node_text(item) for item in find_nodes(raw, "listItem")]
    # conv2d, max_pooling2d, conv2d_1: the input layer is no statement's subject
    assert len(texts) == 3 and texts[1].startswith("The first max pooling layer")
