"""``examples/jupyter-book-2`` built by mystmd itself (installed on demand from the npm
registry; skipped where node or npm is missing). The site template cannot be fetched
without internet, so the tests read the pages' AST, which mystmd writes first."""

from __future__ import annotations

import shutil

import pytest

from mystmd_tool import REPO, build_site, built_pages, find_myst, find_nodes, node_text, plugin_env

pytest.importorskip("keras")

SEED = {"conv2d": "320", "conv2d_1": "18,496", "dense": "16,010"}  # 32 * (1 * 3 * 3 + 1), ...
PROBLEMS_PAGE = """\
# Two summaries

```{model-summary} mymodels:build_cnn
:columns: name, params
```

```{model-summary} mymodels:no_such_model
```

The page goes on after the problem.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    myst, why = find_myst()
    if myst is None:
        pytest.skip(why)
    project = tmp_path_factory.mktemp("mystmd") / "book"
    shutil.copytree(REPO / "examples" / "jupyter-book-2", project,
                    ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "__pycache__"))
    (project / "problems.md").write_text(PROBLEMS_PAGE)
    (project / "students").mkdir()  # excluded in myst.yml: its spec must never run
    (project / "students" / "marker.py").write_text('open(__file__ + ".imported", "w").close()\n')
    (project / "students" / "answer.md").write_text("# Mine\n\n```{model-summary} students.marker:build\n```\n")
    config = project / "myst.yml"
    config.write_text(config.read_text().replace("    - file: parameters.md\n",
                                                 "    - file: parameters.md\n    - file: problems.md\n")
                      .replace("  exclude:\n", "  exclude:\n    - students\n"))
    done = build_site(myst, project)
    return myst, project, done.stdout + done.stderr


def parameters(table: dict) -> dict[str, str]:
    """The Parameters column, by layer name (the totals row: "Total")."""
    header = [node_text(cell) for cell in table["children"][0]["children"]]
    column = header.index("Parameters")
    found = {}
    for row in table["children"][1:]:
        names = find_nodes(row, "inlineCode")
        found[names[0]["value"] if names else node_text(row["children"][0])] = node_text(row["children"][column])
    return found


def test_the_example_book_shows_the_seeds_numbers(site):
    _, project, log = site
    pages = built_pages(project)
    assert set(pages) == {"index", "problems"}, log  # parameters.md is the first page: index
    assert "Non-zero error code" not in log
    (container,) = [c for c in find_nodes(pages["index"], "container") if c.get("kind") == "table"]
    assert container["identifier"] == "tbl-cnn" and container["enumerator"] == "1"
    assert node_text(container["children"][0]).endswith("The convolutional network from the lecture")
    table = find_nodes(container, "table")[0]
    assert {name: count for name, count in parameters(table).items() if name in SEED} == SEED
    formulas = [m["value"] for m in find_nodes(table, "inlineMath")]
    assert r"= 64 \cdot \left(32 \cdot 3 \cdot 3 + 1\right) = 18{,}496" in formulas
    assert all("html" in m for m in find_nodes(table, "inlineMath"))  # mystmd typeset them
    assert parameters(table)["Total"] == "34,826"
    (walk,) = [p for p in find_nodes(pages["index"], "paragraph") if node_text(p).startswith("Shapes:")]
    arrows = [m for m in find_nodes(walk, "inlineMath") if m["value"] == r"\rightarrow"]
    assert len(arrows) == 7 and all("html" in m for m in arrows)  # eight layers in one branch, arrows typeset
    (reference,) = [r for r in find_nodes(pages["index"], "crossReference") if r["identifier"] == "tbl-cnn"]
    assert reference["resolved"] and node_text(reference) == "Table\u00a01"


def test_a_bad_directive_keeps_the_good_table_and_shows_the_problem(site):
    _, project, log = site
    page = built_pages(project)["problems"]
    (table,) = find_nodes(page, "table")
    assert parameters(table) == {"input_layer": "0", "conv2d": "320", "max_pooling2d": "0", "conv2d_1": "18,496",
                                 "max_pooling2d_1": "0", "flatten": "0", "dropout": "0", "dense": "16,010",
                                 "Total": "34,826"}
    (box,) = find_nodes(page, "admonition")
    assert box["kind"] == "error"
    assert "'mymodels' has no attribute 'no_such_model'" in node_text(box)
    assert "The page goes on after the problem." in node_text(page)


def test_the_log_names_the_page_and_line_of_every_problem(site):
    """At normal verbosity, in the Sphinx warning's words ("model-summary SPEC: message
    [modelsummary.subtype]"), after mystmd's own words for what carries them."""
    _, _, log = site
    (line,) = [line for line in log.splitlines() if "[modelsummary." in line]
    assert "problems.md:7 Cross reference target was not found: model-summary mymodels:no_such_model: " in line
    assert "'mymodels' has no attribute 'no_such_model'" in line and line.endswith("[modelsummary.attribute]")


def test_the_excluded_folders_spec_never_ran(site):
    _, project, log = site
    assert not (project / "students" / "marker.py.imported").exists(), log


def test_strict_builds_stop_on_a_problem(site):
    """``error_rules`` makes the unresolved reference an error; ``--strict`` stops on it."""
    myst, project, _ = site
    config = project / "myst.yml"
    original = config.read_text()
    config.write_text(original.replace("  exclude:\n", "  error_rules:\n    - id: reference-target-resolves\n"
                                                        "      severity: error\n  exclude:\n"))
    try:
        done = build_site(myst, project, None, 900, "--strict")
    finally:
        config.write_text(original)
    log = done.stdout + done.stderr
    assert done.returncode != 0 and "Site has 1 error and 0 warning, stopping build." in log, log  # (mystmd: "warning" for 0)
    assert "model-summary mymodels:no_such_model: " in log


def test_a_rebuild_reads_the_cache(site):
    """The first build wrote its cache entries where a cache-only build finds them."""
    myst, project, _ = site
    assert (project / "_modelsummary_cache").is_dir()
    shutil.rmtree(project / "_build")
    done = build_site(myst, project, plugin_env(MODELSUMMARY_MODE="cache"))
    pages = built_pages(project)
    assert set(pages) == {"index", "problems"}, done.stdout + done.stderr
    assert parameters(find_nodes(pages["index"], "table")[0])["Total"] == "34,826"
    assert "no cached summary" not in node_text(pages["index"])
