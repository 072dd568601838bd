#!/usr/bin/env python3
"""The model-summary directive for this book: mystmd runs this file (see myst.yml).

It needs sphinx-modelsummary in the Python on PATH. Summaries are cached in
_modelsummary_cache next to myst.yml; MODELSUMMARY_MODE=compute refreshes them and
MODELSUMMARY_MODE=cache never imports Keras. Keyword arguments set defaults for every
directive, e.g. main(explain=True, columns="layer, output, params, formula").
"""
import json
import sys

try:
    from sphinx_modelsummary.mystmd import main
except Exception as error:  # mystmd hides a failing plugin's reasons: say them where it shows them
    main = None
    why = (f"sphinx-modelsummary cannot start in {sys.executable} (Python {sys.version.split()[0]}): "
           f"{type(error).__name__}: {error}. Install it in that Python with: "
           f"{sys.executable} -m pip install 'sphinx-modelsummary[tensorflow,mystmd]' "
           f"(or put the Python that has it first on PATH, as python3, where you run myst)")


def cannot_start() -> int:
    """Still a plugin: mystmd prints its name when it loads it, and every directive
    becomes an error box in the page and a line in the build log that say why."""
    if sys.argv[1:2] != ["--directive"]:
        json.dump({"name": f"sphinx-modelsummary NOT LOADED: {why}",
                   "directives": [{"name": "model-summary", "arg": {"type": "string"}}]}, sys.stdout)
        return 0
    try:
        position = (json.load(sys.stdin).get("node") or {}).get("position")
    except ValueError:
        position = None
    log = {"type": "crossReference", "identifier": f"model-summary: {why}", "label": f"model-summary: {why}",
           "remoteBaseUrl": "https://sphinx-modelsummary.readthedocs.io",  # mystmd prints it, unresolved
           "children": [{"type": "text", "value": " "}], **({"position": position} if position else {})}
    json.dump([{"type": "admonition", "kind": "error", "children": [
        {"type": "admonitionTitle", "children": [{"type": "text", "value": "model-summary: the plugin cannot start"}]},
        {"type": "paragraph", "children": [{"type": "text", "value": why}, log]}]}], sys.stdout)
    return 0


sys.exit(main() if main else cannot_start())
