"""Warm builds: what the extension adds to a docs build when every summary is cached.

    .venv/bin/python benchmarks/warm.py [--repeat N] [--pages 10,100]

For each site size, three sites with the same pages, one model per page (each page its
own model, so each summary is its own cache entry):

- *docs*: ``extensions = ["sphinx_modelsummary"]`` and a ``model-summary`` on every page;
- *no directives*: the same ``conf.py``, each directive replaced by a sentence naming the model;
- *no extension*: the same pages as *no directives*, without the extension in ``conf.py``;
- *hand-written tables*: no extension, each directive replaced by its table's text written
  as a ``list-table`` (what a page costs Sphinx with the same table and no extension).

Two figures, each a ratio of fresh ``sphinx-build`` processes run side by side in one
repeat (the three sites in turn), the median over the repeats:

- *prose edit*: one page's prose changes, then an incremental build;
- *warm clean build*: ``-E`` into a new output folder (new doctrees), the cache filled.

Both wall time and CPU time (user + system of the process) are measured; CPU time is
what a busy machine disturbs least. Results go to ``benchmarks/warm_results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = Path(__file__).with_name("warm_results.json")
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3",
       "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: bytecode compiled once, then read
TARGETS = {"prose edit": 1.05, "warm clean build": 1.10}

# One model per page: small convolutional, dense and recurrent networks of varied sizes.
MODELS = '''
import keras
from keras import layers


def build(i):
    kind, width = i % 3, 8 + i % 29
    if kind == 0:
        return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(width, 3, activation="relu"),
                                 layers.MaxPooling2D(2), layers.Conv2D(2 * width, 3, activation="relu"),
                                 layers.MaxPooling2D(2), layers.Flatten(), layers.Dropout(0.5),
                                 layers.Dense(10, activation="softmax")])
    if kind == 1:
        return keras.Sequential([keras.Input((20 + i,)), layers.Dense(4 * width, activation="relu"),
                                 layers.BatchNormalization(), layers.Dense(width, activation="relu"),
                                 layers.Dense(1)])
    return keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(1000 + i, width),
                             layers.LSTM(width), layers.Dense(3, activation="softmax")])
'''

# A page the size of the docs' gallery pages (300 to 600 words): about 300 words of prose,
# a list, code and a note around the summary. Version {edit} is what the prose edit changes.
PROSE = """This page documents one of the project's models: what it is for, what goes in and
what comes out, and how its size follows from its layers. The paragraphs around the
summary are the kind of prose a documentation page has, version {edit}. A reader who
comes here from the tutorial has trained the model once and wants to know why it has the
number of parameters it has, and which layers hold most of them.

Data
----

The inputs are scaled to the range the model was trained on, and the labels are whole
numbers, one per example. The training set is shuffled at every epoch; the validation
set is a fixed tenth of the data, chosen once, so that figures from different runs can
be compared.

- inputs are scaled to the range the model was trained on;
- the last layer gives one score per class, and the loss compares it with the label;
- the weights are saved with ``model.save`` after every epoch that improves the
  validation loss, so an interrupted run loses at most one epoch.

.. code-block:: python

   model = build({i})
   model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
   model.fit(train, validation_data=valid, epochs=10)

.. note::

   The figures below come from the model's own code, so they change when it does: a
   wider layer, a new block or another input size shows up in the next build.

Layers
------

Most of the parameters sit in the last layers, where every input meets every output;
the first layers see the whole input but share their weights across it. The table gives
each layer's output shape, how many numbers it produces for one example, and its
parameters with the formula that explains them.
"""


def directive(i: int) -> str:
    return f".. model-summary:: models:build({i})"


def sentence(i: int) -> str:
    return f"The model is ``models:build({i})``."


def page(i: int, body, edit: int = 0) -> str:
    title = f"Model {i}"
    return f"{title}\n{'=' * len(title)}\n\n{PROSE.format(edit=edit, i=i)}\n{body(i)}\n\nProse after the model.\n"


def hand_written(cache_folder: Path):
    """A page body: the summary's table as a hand-written ``list-table`` of the same text
    (plain text: no typeset formulas, no derivations, no legend), from the filled cache."""
    from sphinx_modelsummary.cache import SummaryCache
    from sphinx_modelsummary.present import conventions as fmt
    from sphinx_modelsummary.present.view import SummaryOptions, select_rows

    cache, options = SummaryCache(cache_folder, cache_folder.parent), SummaryOptions()

    def table(i: int) -> str:
        record = cache.load(f"models:build({i})", None).record
        lines = [".. list-table::", "   :header-rows: 1", "",
                 "   * - " + "\n     - ".join(fmt.COLUMNS[key].header for key in options.columns)]
        for row in select_rows(record, options):
            cells = [fmt.cell_text(row, key, options.formula).replace("\n", " ") or "\\ " for key in options.columns]
            lines.append("   * - " + "\n     - ".join([f"``{row['label']}`` ({row['class']})", *cells[1:]]))
        return "\n".join(lines)

    return table


def make_site(path: Path, pages: int, body, extension: bool) -> Path:
    path.mkdir(parents=True)
    extensions = '["sphinx_modelsummary"]' if extension else "[]"
    (path / "conf.py").write_text("import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
                                  f"project = 'Warm'\nextensions = {extensions}\n")
    (path / "models.py").write_text(MODELS)
    toctree = "".join(f"   page{i}\n" for i in range(pages))
    (path / "index.rst").write_text(f"Warm\n====\n\n.. toctree::\n\n{toctree}")
    for i in range(pages):
        (path / f"page{i}.rst").write_text(page(i, body))
    return path


def sphinx_build(src: Path, out: Path, *options: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``sphinx-build -q -b html`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", *options, str(src), str(out)],
                          env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or "WARNING" in done.stderr:
        raise RuntimeError(f"sphinx-build {src.name} failed: {done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


SITES = ("docs", "no directives", "no extension", "hand-written tables")


def measure(tmp: Path, pages: int, repeat: int) -> dict:
    bodies = {"docs": directive, "no directives": sentence, "no extension": sentence}
    sites = {"docs": make_site(tmp / f"docs{pages}", pages, directive, True),
             "no directives": make_site(tmp / f"plain{pages}", pages, sentence, True),
             "no extension": make_site(tmp / f"bare{pages}", pages, sentence, False)}
    sphinx_build(sites["docs"], sites["docs"] / "_build")  # fills the summary cache
    entries = len(list((sites["docs"] / "_modelsummary_cache").glob("*.json")))
    assert entries == pages, f"{entries} cache entries for {pages} pages"
    bodies["hand-written tables"] = hand_written(sites["docs"] / "_modelsummary_cache")
    sites["hand-written tables"] = make_site(tmp / f"tables{pages}", pages, bodies["hand-written tables"], False)
    for name in SITES[1:]:
        sphinx_build(sites[name], sites[name] / "_build")
    times = {figure: {site: [] for site in SITES} for figure in TARGETS}
    for run in range(1, repeat + 1):
        edited = f"page{(run * 7) % pages}.rst"
        for name, site in sites.items():
            (site / edited).write_text(page(int(edited[4:-4]), bodies[name], edit=run))
            times["prose edit"][name].append(sphinx_build(site, site / "_build"))
        for name, site in sites.items():
            times["warm clean build"][name].append(sphinx_build(site, tmp / f"clean-{name}-{pages}-{run}", "-E"))
    html = (sites["docs"] / "_build" / edited.replace(".rst", ".html")).read_text()
    assert f"version {repeat}" in html and "modelsummary" in html
    assert f"version {repeat}" in (tmp / f"clean-docs-{pages}-{repeat}" / edited.replace(".rst", ".html")).read_text()
    result = {}
    for figure, by_site in times.items():
        result[figure] = {"seconds": {site: {"wall": statistics.median(w for w, _ in runs),
                                             "cpu": statistics.median(c for _, c in runs)}
                                      for site, runs in by_site.items()}}
        for base in SITES[1:]:
            for clock, index in (("wall", 0), ("cpu", 1)):
                ratios = [d[index] / b[index] for d, b in zip(by_site["docs"], by_site[base])]
                result[figure][f"{clock} / {base}"] = statistics.median(ratios)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure, the median is shown (7)")
    parser.add_argument("--pages", default="10,100", help="site sizes (10,100)")
    args = parser.parse_args()
    started, results = time.perf_counter(), {}
    with tempfile.TemporaryDirectory(prefix="modelsummary-warm-") as tmp:
        for pages in (int(n) for n in args.pages.split(",")):
            results[pages] = measure(Path(tmp), pages, args.repeat)
            print(f"  {pages} pages done ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"\nMedian of {args.repeat} runs; ratio = the docs with the directives / the other site; "
          "the target applies to 'no directives'\n")
    print(f"{'pages':>5}  {'figure':<17} {'clock':<5} " + " ".join(f"{'/ ' + site:>21}" for site in SITES[1:])
          + "  " + " ".join(f"{site[:12] + ' s':>14}" for site in SITES) + "  target")
    for pages, figures in results.items():
        for figure, found in figures.items():
            for clock in ("wall", "cpu"):
                ratios = " ".join(f"{found[f'{clock} / {site}']:>21.3f}" for site in SITES[1:])
                seconds = " ".join(f"{found['seconds'][site][clock]:>14.3f}" for site in SITES)
                print(f"{pages:>5}  {figure:<17} {clock:<5} {ratios}  {seconds}  <= {TARGETS[figure]}")
    RESULTS.write_text(json.dumps({"repeat": args.repeat, "python": sys.version.split()[0], "results": results},
                                  indent=1) + "\n")


if __name__ == "__main__":
    main()
