project = "modelsummary-diagram"
extensions = ["sphinx_modelsummary"]
exclude_patterns = ["_build"]
numfig = True
modelsummary_cache_dir = ""
latex_documents = [("index", "diagram.tex", "Diagrams", "Tests", "howto")]
