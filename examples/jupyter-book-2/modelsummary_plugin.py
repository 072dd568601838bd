#!/usr/bin/env python3
"""The model-summary directive for this book: mystmd runs this file (see myst.yml).

It needs sphinx-modelsummary in the Python on PATH. Summaries are cached in
_modelsummary_cache next to myst.yml; MODELSUMMARY_MODE=compute refreshes them and
MODELSUMMARY_MODE=cache never imports Keras. Keyword arguments set defaults for every
directive, e.g. main(explain=True, columns="layer, output, params, formula").
"""
import sys

from sphinx_modelsummary.mystmd import main

sys.exit(main())
