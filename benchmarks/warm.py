"""Warm builds: what the extension adds to a docs build when every summary is cached.

    .venv/bin/python benchmarks/warm.py [--repeat N] [--pages 10,100]

For each site size, three sites with the same pages, one model per page (each page its
own model, so each summary is its own cache entry):

- *docs*: ``extensions = ["sphinx_modelsummary"]`` and a ``model-summary`` on every page;
- *no directives*: the same ``conf.py``, each directive replaced by a sentence naming the model;
- *no extension*: the same pages as *no directives*, without the extension in ``conf.py``.

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


def page(i: int, directive: bool, edit: int = 0) -> str:
    title = f"Model {i}"
    body = f".. model-summary:: models:build({i})" if directive else f"The model is ``models:build({i})``."
    return f"{title}\n{'=' * len(title)}\n\n{PROSE.format(edit=edit, i=i)}\n{body}\n\nProse after the model.\n"


def make_site(path: Path, pages: int, directives: bool, extension: bool) -> Path:
    path.mkdir(parents=True)
    extensions = '["sphinx_modelsummary"]' if extension else "[]"
    (path / "conf.py").write_text("import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
                                  f"project = 'Warm'\nextensions = {extensions}\n")
    (path / "models.py").write_text(MODELS)
    toctree = "".join(f"   page{i}\n" for i in range(pages))
    (path / "index.rst").write_text(f"Warm\n====\n\n.. toctree::\n\n{toctree}")
    for i in range(pages):
        (path / f"page{i}.rst").write_text(page(i, directives))
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


SITES = ("docs", "no directives", "no extension")


def measure(tmp: Path, pages: int, repeat: int) -> dict:
    sites = {"docs": make_site(tmp / f"docs{pages}", pages, True, True),
             "no directives": make_site(tmp / f"plain{pages}", pages, False, True),
             "no extension": make_site(tmp / f"bare{pages}", pages, False, False)}
    for site in sites.values():  # the first build fills the summary cache
        sphinx_build(site, site / "_build")
    entries = len(list((sites["docs"] / "_modelsummary_cache").glob("*.json")))
    assert entries == pages, f"{entries} cache entries for {pages} pages"
    times = {figure: {site: [] for site in SITES} for figure in TARGETS}
    for run in range(1, repeat + 1):
        edited = f"page{(run * 7) % pages}.rst"
        for name, site in sites.items():
            (site / edited).write_text(page(int(edited[4:-4]), name == "docs", edit=run))
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
    print(f"\nMedian of {args.repeat} runs; ratio = with the directives / without (target in brackets)\n")
    print(f"{'pages':>5}  {'figure':<17} {'clock':<5} {'/ no directives':>16} {'/ no extension':>15}  "
          f"{'docs s':>7} {'no dir. s':>9} {'no ext. s':>9}")
    for pages, figures in results.items():
        for figure, found in figures.items():
            for clock in ("wall", "cpu"):
                s = found["seconds"]
                print(f"{pages:>5}  {figure:<17} {clock:<5} {found[f'{clock} / no directives']:>16.3f} "
                      f"{found[f'{clock} / no extension']:>15.3f}  {s['docs'][clock]:>7.3f} "
                      f"{s['no directives'][clock]:>9.3f} {s['no extension'][clock]:>9.3f}   (<= {TARGETS[figure]})")
    RESULTS.write_text(json.dumps({"repeat": args.repeat, "python": sys.version.split()[0], "results": results},
                                  indent=1) + "\n")


if __name__ == "__main__":
    main()
