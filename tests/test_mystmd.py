"""The mystmd (Jupyter Book 2) plugin, end to end through its protocol without node: the
spec, directive requests, errors, and the cache that keeps Keras out of most of the
processes mystmd starts (one per directive). The entry file runs in this process
(``front_ends.run_plugin``), but where what a process imports is the point, or to run
it as mystmd does, in a new one.

The numbers are the seed CNN's, worked out by hand: 32 * (1 * 3 * 3 + 1) = 320,
64 * (32 * 3 * 3 + 1) = 18,496, 10 * (5 * 5 * 64 + 1) = 16,010, and 34,826 in all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from front_ends import run_plugin
from mystmd_tool import REPO, find_nodes, node_text, plugin_env
from plugin_runs import example_book, plugin, plugin_process, request
from sphinx_modelsummary.mystmd.site import site_summaries
from sphinx_modelsummary.settings import OPTIONS

BOOK = REPO / "examples" / "jupyter-book-2"
SEED = [("conv2d", 32 * (1 * 3 * 3 + 1)), ("conv2d_1", 64 * (32 * 3 * 3 + 1)), ("dense", 10 * (5 * 5 * 64 + 1))]
TOTAL = 320 + 18_496 + 16_010

@pytest.fixture
def book(tmp_path):
    """A copy of the example book (its ``mymodels.py`` is the seed's CNN)."""
    return example_book(tmp_path)


def rows(table: dict) -> dict[str, list[str]]:
    """A table's body rows as texts, by the layer name in their first cell."""
    found = {}
    for row in table["children"][1:]:
        cells = [node_text(cell) for cell in row["children"]]
        names = find_nodes(row["children"][0], "inlineCode")
        found[names[0]["value"] if names else cells[0]] = cells  # the totals row: "Total"
    return found


def total(nodes: list[dict]) -> str | None:
    """The totals row's parameter count (``None`` without a totals row)."""
    table = next(n for n in nodes if n["type"] == "container")["children"][-1]
    found = rows(table).get("Total")
    return next((cell for cell in found[1:] if cell), None) if found else None


def test_the_spec_declares_every_option_as_a_string():
    done = subprocess.run([str(BOOK / "modelsummary_plugin.py")], capture_output=True, text=True,
                          env=plugin_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    directive, quiz, diagram = json.loads(done.stdout)["directives"]
    assert quiz["name"] == "model-quiz" and quiz["options"]["name"]["alias"] == ["label"]
    assert diagram["name"] == "model-diagram" and diagram["options"]["name"]["alias"] == ["label"]
    assert directive["name"] == "model-summary" and directive["arg"] == {
        "type": "string", "required": True, "doc": directive["arg"]["doc"]}
    assert set(directive["options"]) == {s.option for s in OPTIONS}
    assert {o["type"] for o in directive["options"].values()} == {"string"}
    assert directive["options"]["name"]["alias"] == ["label"]


def test_a_directive_request_gives_a_numbered_table_with_maths(book):
    status, nodes, stderr = plugin(book, request("mymodels:build_cnn", caption="The seed's CNN",
                                                 name="tbl-seed", explain=""))
    assert status == 0 and stderr == ""  # that a miss imports the framework: the cold build's test
    container = nodes[0]
    assert (container["type"], container["kind"], container["label"], container["identifier"]) == (
        "container", "table", "tbl-seed", "tbl-seed")
    caption, table = container["children"]
    assert caption["type"] == "caption" and node_text(caption) == "The seed's CNN"
    header = [node_text(cell) for cell in table["children"][0]["children"]]
    assert header == ["Layer (type)", "Output shape", "Activations", "Parameters", "Formula"]
    assert all(cell["header"] for cell in table["children"][0]["children"])
    found = rows(table)
    for layer, params in SEED:
        assert found[layer][3] == f"{params:,}"
    assert found["conv2d"][2] == "26 × 26 × 32 = 21,632"
    formula = find_nodes(table["children"][2]["children"][4], "inlineMath")
    assert [m["value"] for m in formula] == [r"k \cdot \left(f \cdot h \cdot w + 1\right)",
                                            r"= 32 \cdot \left(1 \cdot 3 \cdot 3 + 1\right) = 320"]
    assert table["children"][2]["children"][3]["align"] == "right"
    text = node_text(nodes)
    assert found["Total"][3] == f"{TOTAL:,}" and found["Total"][4].startswith(f"{TOTAL:,} trainable · 0 non-trainable")
    assert "output filters of this layer" in text  # the legend
    steps = [[node_text(para) for para in item["children"]] for item in nodes[-1]["children"]]  # :explain:
    assert [r"dense (Dense): \mathrm{parameters} = u \cdot \left(i + 1\right) = 10 \cdot \left(1{,}600 + 1\right) = 16{,}010",
            r"multiply-accumulates: i \cdot u = 1{,}600 \cdot 10 = 16{,}000"] in steps  # 1,600 inputs x 10 units
    assert (book / "_modelsummary_cache").is_dir()


def test_a_cache_hit_imports_no_framework(book):
    plugin(book, request("mymodels:build_cnn"))
    status, nodes, stderr, imported = plugin_process(book, request("mymodels:build_cnn", columns="name, params"),
                                                     block=True)
    assert status == 0 and stderr == "" and imported == []
    assert rows(nodes[0]["children"][0])["dense"] == ["dense", "16,010"]


def test_a_cold_build_imports_the_framework_once(book):
    """The first miss fills the cache for every summary of the site, in one process."""
    (book / "more.md").write_text(textwrap.dedent("""\
        # More
        :::{model-summary} examples.mnist:build_cnn_deferred
        :caption: Without keras.Input
        :input-shape: 28, 28, 1
        :::
        ```{model-summary} mymodels:build_cnn
        :columns: name, params
        ```
    """))
    config = book / "myst.yml"  # the site's pages are its toc's
    config.write_text(config.read_text().replace("    - file: parameters.md\n", "    - file: parameters.md\n    - file: more.md\n"))
    assert site_summaries(book) == [("mymodels:build_cnn", None), ("examples.mnist:build_cnn_deferred", "28, 28, 1")]
    first = plugin_process(book, request("mymodels:build_cnn"))
    assert first[3] == ["keras", "tensorflow"]
    status, nodes, stderr, imported = plugin_process(book, request("examples.mnist:build_cnn_deferred",
                                                                   **{"input-shape": "28, 28, 1"}), block=True)
    assert status == 0 and stderr == "" and imported == []
    assert total(nodes) == f"{TOTAL:,}"


def test_site_summaries_skips_the_build_folder(tmp_path):
    (tmp_path / "_build" / "site").mkdir(parents=True)
    (tmp_path / "_build" / "site" / "copy.md").write_text("```{model-summary} a:b\n```\n")
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": ["```{model-summary} c:d(1)\n", ":input-shape: 4\n", "```\n"]},
        {"cell_type": "code", "source": ["```{model-summary} e:f\n"]}]}))
    assert site_summaries(tmp_path) == [("c:d(1)", "4")]


PROBLEMS = [  # (spec, options, subtype, words in the message)
    ("mymodels:no_such_model", {}, "attribute", "'mymodels' has no attribute 'no_such_model'"),
    ("no_such_module:build", {}, "import", "the folder of myst.yml is importable"),
    ("mymodels:build_cnn", {"columns": "layer, colour"}, "option", "unknown column 'colour'"),
    ("mymodels:build_cnn(", {}, "syntax", "cannot read the model spec"),
    ("missing.keras", {}, "file", "no model file at"),
]


@pytest.mark.parametrize(("spec", "options", "subtype", "words"), PROBLEMS, ids=[p[2] for p in PROBLEMS])
def test_an_error_is_an_admonition_and_a_line_on_stderr(book, spec, options, subtype, words):
    status, nodes, stderr = plugin(book, request(spec, line=7, **options))
    assert status == 0
    (box,) = nodes
    assert (box["type"], box["kind"]) == ("admonition", "error")
    assert node_text(box["children"][0]) == f"model-summary: error ({subtype})"
    assert words in node_text(box["children"][1])
    assert stderr.startswith(f"model-summary (line 7): error [modelsummary.{subtype}]: ")
    assert words in stderr
    # mystmd prints an unresolved reference's target with the page and line: the Sphinx warning's words
    (log,) = find_nodes(box, "crossReference")
    assert log["identifier"].startswith((f"model-summary {spec}: ", "model-summary: "))  # as Sphinx words it
    assert words in log["identifier"]
    assert log["identifier"].endswith(f" [modelsummary.{subtype}]")
    assert log["position"]["start"]["line"] == 7 and node_text(log) == " "


def test_warnings_come_before_the_table(book):
    status, nodes, stderr = plugin(book, request("mymodels:build_cnn", **{"expect-params": "34,000"}))
    assert status == 0 and nodes[0]["kind"] == "warning" and nodes[1]["kind"] == "table"
    assert "the model has 34,826 parameters, :expect-params: says 34,000" in node_text(nodes[0])
    assert "[modelsummary.expect]" in stderr


def test_cache_mode_never_imports_the_framework(book):
    status, nodes, stderr, imported = plugin_process(book, request("mymodels:build_cnn"), block=True,
                                                     MODELSUMMARY_MODE="cache")
    assert status == 0 and imported == []
    assert "no cached summary of 'mymodels:build_cnn'" in node_text(nodes)
    assert "fill the cache with: MODELSUMMARY_MODE=compute myst build" in stderr


def test_a_stale_entry_is_shown_with_a_warning(book):
    plugin(book, request("mymodels:build_cnn"))
    with (book / "mymodels.py").open("a") as models:
        models.write("\n# an edit\n")
    status, nodes, stderr, imported = plugin_process(book, request("mymodels:build_cnn"), block=True)
    assert status == 0 and imported == []  # no framework: the old summary beats none
    assert nodes[0]["kind"] == "warning" and "mymodels.py changed" in node_text(nodes[0])
    assert "refresh it with: MODELSUMMARY_MODE=compute myst build" in node_text(nodes[0])
    assert total(nodes) == f"{TOTAL:,}"


def test_the_plugin_never_exits_non_zero(book):
    """mystmd drops the whole page when a plugin fails: bad input is a box in the page."""
    done = run_plugin(book / "modelsummary_plugin.py", "--directive", "model-summary", stdin="not json")
    assert done.returncode == 0
    assert "model-summary: error (internal)" in node_text(json.loads(done.stdout))
    status, nodes, _ = plugin(book, None, "--role", "model-summary")
    assert status == 0 and "unknown request '--role model-summary'" in node_text(nodes)


def test_prints_in_the_model_module_do_not_spoil_the_output(book):
    (book / "noisy.py").write_text("print('building...')\nfrom mymodels import build_cnn\n")
    status, nodes, stderr = plugin(book, request("noisy:build_cnn", columns="name, params"))
    assert status == 0 and "building..." in stderr
    assert rows(nodes[0]["children"][0])["conv2d"] == ["conv2d", "320"]


def test_defaults_and_bad_settings_from_the_entry_file(book):
    (book / "modelsummary_plugin.py").write_text(textwrap.dedent("""\
        import sys
        from sphinx_modelsummary.mystmd import main
        sys.exit(main(columns="name, params", totals=False, formula="fancy", mode="sometimes"))
    """))
    status, nodes, stderr = plugin(book, request("mymodels:build_cnn"))
    assert status == 0
    warnings = [node_text(n) for n in nodes if n["type"] == "admonition"]
    assert any("default formula='fancy'" in w for w in warnings)
    assert any("mode='sometimes'" in w for w in warnings)
    table = next(n for n in nodes if n["type"] == "container")["children"][0]
    assert rows(table)["conv2d_1"] == ["conv2d_1", "18,496"]
    assert total(nodes) is None


BLOCKED = """
import runpy, sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "sphinx_modelsummary":
            raise ImportError("No module named 'sphinx_modelsummary'")
sys.meta_path.insert(0, Blocker())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_an_entry_file_without_the_package_says_why_and_how_to_fix_it(book):
    """mystmd prints a plugin's name when it loads it, and reports the log node's target."""
    entry = str(book / "modelsummary_plugin.py")
    spec = subprocess.run([sys.executable, "-c", BLOCKED, entry], capture_output=True, text=True, cwd=book, timeout=60)
    assert spec.returncode == 0
    name = json.loads(spec.stdout)["name"]
    assert name.startswith(f"sphinx-modelsummary NOT LOADED: sphinx-modelsummary cannot start in {sys.executable} (Python ")
    assert "No module named 'sphinx_modelsummary'" in name
    assert f"{sys.executable} -m pip install 'sphinx-modelsummary[tensorflow,mystmd]'" in name
    done = subprocess.run([sys.executable, "-c", BLOCKED, entry, "--directive", "model-summary"], timeout=60,
                          input=json.dumps(request("mymodels:build_cnn", line=5)), capture_output=True, text=True, cwd=book)
    assert done.returncode == 0
    (box,) = json.loads(done.stdout)
    assert box["kind"] == "error" and "-m pip install" in node_text(box)
    (log,) = find_nodes(box, "crossReference")
    assert log["identifier"].startswith("model-summary: sphinx-modelsummary cannot start in ")
    assert log["position"]["start"]["line"] == 5
