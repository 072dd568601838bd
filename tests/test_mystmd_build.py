"""``examples/jupyter-book-2`` built by mystmd itself (installed on demand from the npm
registry; skipped where node or npm is missing). The site template cannot be fetched
without internet, so the tests read the pages' AST, which mystmd writes first."""

from __future__ import annotations

import shutil
import subprocess

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
    config.write_text(config.read_text().replace("    - file: quiz.md\n", "    - file: quiz.md\n    - file: problems.md\n")
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
    assert set(pages) == {"index", "quiz", "problems"}, log  # parameters.md is the first page: index
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
    (reference,) = [r for r in find_nodes(pages["index"], "crossReference")
                    if r["identifier"] == "tbl-cnn" and r.get("class") != "modelsummary-ref"]
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
    assert set(pages) == {"index", "quiz", "problems"}, done.stdout + done.stderr
    assert parameters(find_nodes(pages["index"], "table")[0])["Total"] == "34,826"
    assert "no cached summary" not in node_text(pages["index"])


# Roles, quizzes and cross-references (issue 15) ------------------------------------------


def role_facts(page: dict) -> list[str]:
    """What each ``ms`` role shows, in page order (a formula as its LaTeX)."""
    return [node_text(r) for r in find_nodes(page, "crossReference") if r.get("class") == "modelsummary-ref"]


def test_the_roles_show_the_seeds_numbers_linked_to_their_rows(site):
    _, project, log = site
    pages = built_pages(project)
    assert "unknown role" not in log and "unknown directive" not in log, log
    assert "loaded: 3 directives, 9 roles" in log
    for page in pages.values():
        assert find_nodes(page, "mystRole") == [] and find_nodes(page, "mystDirective") == []
    assert role_facts(pages["index"]) == [r"32 \cdot \left(1 \cdot 3 \cdot 3 + 1\right) = 320", f"{26 * 26 * 32:,}",
                                          "(None, 26, 26, 32)", "16,010", f"{5 * 5 * 64:,}", "34,826"]
    rows = {span.get("identifier") for row in find_nodes(pages["index"], "tableRow")
            for span in find_nodes(row, "span")}
    references = [r for r in find_nodes(pages["index"], "crossReference") if r.get("class") == "modelsummary-ref"]
    assert all(r["resolved"] for r in references)
    assert {r["identifier"] for r in references} - {"tbl-cnn"} <= rows  # each number links to its row
    unresolved = [line for line in log.splitlines() if "Cross reference target was not found" in line]
    assert all("problems.md" in line and "[modelsummary." in line for line in unresolved), unresolved  # only the log lines


def test_a_role_resolves_a_summary_on_another_page(site):
    _, project, _ = site
    page = built_pages(project)["quiz"]
    assert role_facts(page) == ["34,826", "18,496", "320"]  # the last in the quiz's question
    remote = [r for r in find_nodes(page, "crossReference") if r.get("class") == "modelsummary-ref"]
    assert all(r["resolved"] and r.get("remote") for r in remote)
    assert [r["identifier"] for r in remote] == ["tbl-cnn", "tbl-cnn-conv2d-1", "tbl-cnn-conv2d"]


def test_the_quiz_is_numbered_with_its_statements_and_a_hidden_answer(site):
    _, project, _ = site
    pages = built_pages(project)
    (exercise,) = find_nodes(pages["quiz"], "exercise")
    assert exercise["identifier"] == "quiz-cnn" and exercise["enumerator"] == "1"
    assert node_text(exercise["children"][0]) == ("Which of these statements about the network of Table\u00a01, "
                                                  "whose first layer has\n320 parameters, are right?")
    items = [node_text(item) for item in find_nodes(exercise, "list")[0]["children"]]
    assert len(items) == 4 and all(item.startswith("The ") for item in items)
    true = {"has a total of 320 parameters", "has a total of 18,496 parameters", "has a total of 16,010 parameters",
            "tensor of shape (None, 26, 26, 32)", "tensor of shape (None, 11, 11, 64)", "tensor of shape (None, 10)"}
    right = [i for i, item in enumerate(items, 1) if any(fact in item for fact in true)]
    (details,) = find_nodes(exercise, "details")
    assert not details.get("open")
    assert node_text(details["children"][1]) == "Answer: " + ", ".join(map(str, right))
    # [](#quiz-cnn) on both pages: "Exercise 1", across pages too
    for name in ("index", "quiz"):
        (link,) = [r for r in find_nodes(pages[name], "crossReference") if r["identifier"] == "quiz-cnn"]
        assert link["resolved"] and node_text(link) == "Exercise\u00a01"


# One page source, two front-ends --------------------------------------------------------

CONF = """\
extensions = ["myst_parser", "sphinx_modelsummary"]
root_doc = "parameters"
numfig = True
exclude_patterns = ["_build", "problems.md", "_modelsummary_cache"]
modelsummary_cache_dir = ""
"""
LATEX_WORDS = {r"\cdot": "·", r"\left(": "(", r"\right)": ")", "{,}": ",", r"\times": "×"}


def plain(text: str) -> str:
    """Maths as LaTeX or as Sphinx typesets it for HTML, and spaces, in one plain form."""
    for latex, symbol in LATEX_WORDS.items():
        text = text.replace(latex, symbol)
    return " ".join(text.replace("\u00a0", " ").split())


def sphinx_facts(project, tmp_path) -> dict[str, dict]:
    """The same pages built by Sphinx with myst-parser: each page's role texts, quiz
    statements and answer key."""
    from docutils import nodes

    from old_sphinx import build, warnings
    from builds import written

    source = tmp_path / "sphinx-book"
    shutil.copytree(project, source, ignore=shutil.ignore_patterns("_build", "_modelsummary_cache", "node_modules",
                                                                  "students", "problems.md"))  # the book, not the test pages
    (source / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(source)!r})\n" + CONF)
    app = build(source, "html", tmp_path / "sphinx-out")
    facts = {}
    for docname in ("parameters", "quiz"):
        doctree = written(app, docname)
        shown = [r for r in doctree.findall(nodes.reference)
                 if any({"modelsummary-ref", "modelsummary-math"} & set(n.get("classes", []))
                        for n in r.findall(nodes.Element))]
        lists = [n for n in doctree.findall(nodes.enumerated_list) if "modelsummary-quiz-statements" in n["classes"]]
        keys = [n for n in doctree.findall(nodes.paragraph) if "modelsummary-quiz-key" in n["classes"]]
        facts[docname] = {"roles": [plain(r.astext()) for r in shown],
                          "statements": [plain(item.astext()) for lst in lists for item in lst.children],
                          "answers": [plain(k.astext()) for k in keys]}
    return facts, warnings(app)


def test_one_page_source_shows_the_same_facts_in_sphinx_and_mystmd(site, tmp_path):
    _, project, _ = site
    pages = built_pages(project)
    facts, log = sphinx_facts(project, tmp_path)
    for docname, page in (("parameters", pages["index"]), ("quiz", pages["quiz"])):
        assert facts[docname]["roles"] == [plain(text) for text in role_facts(page)], docname
        statements = [plain(node_text(item)) for lst in find_nodes(page, "list")
                      if lst.get("class") == "modelsummary-quiz-statements" for item in lst["children"]]
        assert facts[docname]["statements"] == statements
        keys = [plain(node_text(p)) for p in find_nodes(page, "paragraph") if p.get("class") == "modelsummary-quiz-key"]
        assert facts[docname]["answers"] == keys
    assert len(facts["quiz"]["statements"]) == 4 and facts["parameters"]["roles"][-1] == "34,826"
    assert "modelsummary" not in log, log  # :label: is :name: in Sphinx too: no warning, every role resolved


def test_a_tex_export_has_the_roles_the_quiz_and_its_answer(site, tmp_path):
    myst, project, _ = site
    book = tmp_path / "tex-book"
    shutil.copytree(project, book, ignore=shutil.ignore_patterns("_build"))  # with the cache the site filled
    for page in ("parameters", "quiz"):
        source = book / f"{page}.md"
        source.write_text(f"---\nexports:\n  - format: tex\n    template: null\n    output: exports/{page}.tex\n---\n"
                          + source.read_text())
    done = subprocess.run([str(myst), "build", "parameters.md", "quiz.md", "--tex"], cwd=book, env=plugin_env(),
                          capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    assert "Unhandled LaTeX" not in log, log
    tex = (book / "exports" / "quiz.tex").read_text()
    items = [line[len(r"\item "):] for line in tex.splitlines() if line.startswith(r"\item ")]
    assert len(items) == 4 and all(item.startswith("The ") for item in items)
    assert r"\label{quiz-cnn}" in tex and r"Exercise~\ref{quiz-cnn}" in tex
    assert "Which of these statements about the network of Table~\\ref{tbl-cnn}, whose first layer has\n320" in tex
    key = next(line for line in tex.splitlines() if line.startswith(r"\par\noindent\textbf{Answer:}"))
    pages = built_pages(project)  # the same quiz on the site: the same answer
    (details,) = find_nodes(pages["quiz"], "details")
    assert key == r"\par\noindent\textbf{Answer:} " + node_text(details["children"][1])[len("Answer: "):] + r"\par"
    assert "has 34,826 parameters" in tex and "holds 18,496." in tex  # the roles' numbers, not "Table 1"
    prose = (book / "exports" / "parameters.tex").read_text()
    assert r"has $32~\cdot~\left(1~\cdot~3~\cdot~3~+~1\right)~=~320$" in prose  # a formula stays maths
    assert "The dense layer's 16,010 parameters come from the 1,600 values" in " ".join(prose.replace("’", "'").split())
