"""Regenerate the README's pictures of the seed's summary, as a reader sees it.

    .venv/bin/python scripts/screenshot.py

Builds the seed's summary with the furo theme, opens it in headless Chromium (Debian's
``chromium`` and ``chromium-driver``) and saves the summary at 1400 px and at 400 px (a
phone) to ``docs/_static/``.
"""

import functools
import http.server
import shutil
import socketserver
import sys
import tempfile
import threading
from pathlib import Path

from selenium import webdriver
from sphinx.cmd.build import build_main

REPO = Path(__file__).resolve().parents[1]
PAGE = """The seed's network
==================

.. model-summary:: examples.mnist:build_cnn
   :caption: The network of the quiz this project grew from
"""
CONF = f"""import sys; sys.path.insert(0, {str(REPO)!r})
extensions = ["sphinx_modelsummary"]
html_theme = "furo"
modelsummary_cache_dir = ""
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "src"), Path(tmp, "out")
        src.mkdir()
        (src / "conf.py").write_text(CONF)
        (src / "index.rst").write_text(PAGE)
        if build_main(["-q", "-b", "html", str(src), str(out)]):
            return 1
        handler = functools.partial(_Quiet, directory=str(out))
        with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            options = webdriver.ChromeOptions()
            options.binary_location = shutil.which("chromium")
            for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--hide-scrollbars"):
                options.add_argument(flag)
            driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
            try:
                for width, name in ((1400, "seed-summary.png"), (400, "seed-summary-phone.png")):
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                        "width": width, "height": 2000, "deviceScaleFactor": 1, "mobile": width < 700})
                    driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/index.html")
                    block = driver.find_element("css selector", ".modelsummary-block")
                    block.screenshot(str(REPO / "docs" / "_static" / name))
                    print("wrote", REPO / "docs" / "_static" / name)
            finally:
                driver.quit()
                httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
