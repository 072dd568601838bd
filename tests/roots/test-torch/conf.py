project = "modelsummary-torch"
extensions = ["sphinx_modelsummary"]
exclude_patterns = ["_build"]
modelsummary_cache_dir = ""  # the model is run, not read from a cache
