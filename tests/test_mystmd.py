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
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from front_ends import run_plugin
from mystmd_tool import REPO, find_nodes, node_text, plugin_env
from sphinx_modelsummary.mystmd.site import site_summaries
from sphinx_modelsummary.settings import SETTINGS

BOOK = REPO / "examples" / "jupyter-book-2"
SEED = [("conv2d", 32 * (1 * 3 * 3 + 1)), ("conv2d_1", 64 * (32 * 3 * 3 + 1)), ("dense", 10 * (5 * 5 * 64 + 1))]
TOTAL = 320 + 18_496 + 16_010

# Runs the plugin's entry file in this process, optionally with the framework made
# unimportable, and reports on stderr which framework modules were imported.
RUNNER = """
import json, runpy, sys
if sys.argv[1] == "block":
    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tensorflow", "keras", "jax", "torch"):
                raise ImportError(f"{name} is blocked here")
    sys.meta_path.insert(0, Blocker())
entry = sys.argv[2]
sys.argv = [entry, *sys.argv[3:]]
try:
    runpy.run_path(entry, run_name="__main__")
except SystemExit as exit:
    status = exit.code
print("IMPORTED " + json.dumps({"status": status,
      "imported": sorted(m for m in ("keras", "tensorflow") if m in sys.modules)}), file=sys.stderr)
"""


def plugin(project: Path, request: dict | None = None, *args: str, **env: str):
    """Run the project's entry file in this process; returns (status, nodes, stderr)."""
    if request is not None:
        args = ("--directive", "model-summary", *args)
    done = run_plugin(project / "modelsummary_plugin.py", *args, stdin=json.dumps(request) if request is not None else "",
                      **env)
    return done.returncode, json.loads(done.stdout), done.stderr


def plugin_process(project: Path, request: dict | None = None, *args: str, block: bool = False, **env: str):
    """Run the project's entry file in a new process, the framework unimportable if
    ``block``; returns (status, nodes, stderr, imported)."""
    command = [sys.executable, "-c", RUNNER, "block" if block else "-", str(project / "modelsummary_plugin.py")]
    if request is not None:
        args = ("--directive", "model-summary", *args)
    done = subprocess.run([*command, *args], input=json.dumps(request) if request is not None else "",
                          capture_output=True, text=True, cwd=project, env=plugin_env(**env), timeout=600)
    stderr, _, report = done.stderr.rpartition("IMPORTED ")
    report = json.loads(report)
    return report["status"], json.loads(done.stdout), stderr, report["imported"]


def request(spec: str, line: int = 3, **options: str) -> dict:
    """A directive as mystmd sends it (options are strings; a flag is ``""``)."""
    return {"name": "model-summary", "arg": spec, "options": options,
            "node": {"type": "mystDirective", "name": "model-summary", "args": spec,
                     "position": {"start": {"line": line, "column": 1}, "end": {"line": line + 2, "column": 1}}}}


@pytest.fixture
def book(tmp_path):
    """A copy of the example book (its ``mymodels.py`` is the seed's CNN)."""
    project = tmp_path / "book"
    shutil.copytree(BOOK, project, ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__"))
    return project


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
    (directive,) = json.loads(done.stdout)["directives"]
    assert directive["name"] == "model-summary" and directive["arg"] == {
        "type": "string", "required": True, "doc": directive["arg"]["doc"]}
    assert set(directive["options"]) == {s.option for s in SETTINGS}
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
    steps = [node_text(item) for item in nodes[-1]["children"]]  # :explain:
    assert r"dense (Dense): \mathrm{parameters} = u \cdot \left(i + 1\right) = 10 \cdot \left(1{,}600 + 1\right) = 16{,}010" in steps
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
    assert site_summaries(book) == [("examples.mnist:build_cnn_deferred", "28, 28, 1"),
                                           ("mymodels:build_cnn", None)]
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
    assert any("mode 'sometimes'" in w for w in warnings)
    table = next(n for n in nodes if n["type"] == "container")["children"][0]
    assert rows(table)["conv2d_1"] == ["conv2d_1", "18,496"]
    assert total(nodes) is None
