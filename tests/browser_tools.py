"""Chromium for the browser tests: one process per font set, pages opened and resized,
and what the tests measure on a page (see test_browser.py's docstring for why fonts)."""

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver

WIDTHS = (1400, 1024, 700, 400)
PHONE = 700  # narrower windows are emulated as a phone's
FONTS = Path("/usr/share/fonts/truetype")
# per set: its folders under FONTS, then what serif, sans-serif and monospace resolve to
FONT_SETS = {
    "dejavu": (("dejavu",), ("DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono")),
    "liberation": (("liberation", "dejavu"), ("Liberation Serif", "Liberation Sans", "Liberation Mono")),
}


def fontconfig(name: str, folder: Path) -> Path:
    """A fontconfig file with only the font set ``name`` (test_browser.py's docstring says why)."""
    dirs, (serif, sans, mono) = FONT_SETS[name]
    if not all((FONTS / d).is_dir() for d in dirs):
        pytest.skip(f"needs {', '.join(dirs)} in {FONTS} (apt-get install fonts-dejavu-core fonts-liberation)")
    accepted = "".join(f"<glob>{FONTS / d}/*</glob>" for d in dirs)
    generic = "".join(f"<alias binding='strong'><family>{family}</family><prefer><family>{face}</family></prefer></alias>"
                      for family, face in (("serif", serif), ("sans-serif", sans), ("monospace", mono),
                                           ("system-ui", sans)))
    path = folder / f"{name}.conf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  {"".join(f"<dir>{FONTS / d}</dir>" for d in dirs)}
  <cachedir>{folder / "cache"}</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
  <selectfont><acceptfont>{accepted}</acceptfont><rejectfont><glob>/*</glob></rejectfont></selectfont>
  {generic}
</fontconfig>
""")
    return path


def chromium(fonts_conf: Path):
    """A headless Chromium whose fontconfig is ``fonts_conf``."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf)}
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"), env=env)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    return driver


# Measures each summary table: how far it reaches past its box, how many lines its formulas
# take (text rects grouped by their vertical middle), TeX source shown as text.
# the width the seed's five columns need with the widest common fonts (DejaVu): a
# narrower block (alabaster 0.7's fixed 940 px body) shows cards even on a desktop
SEED_TABLE_WIDTH = 800

LINES = """
const lines = el => {
  const range = document.createRange(); range.selectNodeContents(el);
  const mids = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0)
    .map(r => (r.top + r.bottom) / 2).sort((a, b) => a - b);
  const height = parseFloat(getComputedStyle(el).fontSize) * 0.7;
  let count = 0, last = -1e9;
  for (const mid of mids) { if (mid - last > height) { count++; last = mid; } }
  return count;
};
"""
MEASURE = LINES + """
const W = document.documentElement.clientWidth;
const tables = [...document.querySelectorAll('table.modelsummary')].map(t => {
  let box = t.parentElement;
  while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
  const shown = box && box !== document.body ? box.getBoundingClientRect().right : W;
  const formulas = [...t.querySelectorAll('tr:not(.modelsummary-total) td.modelsummary-formula p, p.modelsummary-derivation')]
    .filter(p => p.textContent.includes('=')).map(p => [p.textContent, lines(p)]);
  const pieces = [...t.querySelectorAll('.modelsummary-math')].map(m => [m.textContent, lines(m)]);
  const cells = [...t.querySelectorAll('tbody td')].map(td => getComputedStyle(td).display);
  return {hidden: Math.max(0, Math.round(t.getBoundingClientRect().right - Math.min(shown, W))),
          block: Math.round(t.closest('.modelsummary-block').getBoundingClientRect().width),
          formulas, pieces, cards: cells.every(d => d === 'grid' || d === 'block' || d === 'none'),
          scrolls: box && box !== document.body ? box.scrollWidth > box.clientWidth + 1 : false,
          hint: !!t.closest('.modelsummary-block').querySelector('.modelsummary-hint'),
          shadows: box && box !== document.body ? getComputedStyle(box).backgroundImage.includes('gradient') : false};
});
const tex = (document.body.innerText.match(/\\\\(cdot|left|right|times|lfloor|mathrm|texttt|binoppenalty)\\b/g) || []).length;
const sticking = [...document.querySelectorAll('.modelsummary-block')].map(b =>
  Math.max(b.getBoundingClientRect().right - W, b.scrollWidth - b.clientWidth));
return {over: Math.max(0, document.documentElement.scrollWidth - W), sticking: Math.max(0, ...sticking), tex, tables,
        mathjax: !!window.MathJax && !!document.querySelector('mjx-container')};
"""


def resize(driver, width: int) -> None:
    """The window ``width`` px wide (a phone's below ``PHONE``)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < PHONE})


def load(driver, url: str, width: int) -> None:
    """Open ``url`` at ``width`` and wait for MathJax, if it loads."""
    resize(driver, width)
    driver.get(url)
    driver.execute_async_script("""const done = arguments[arguments.length - 1];
        const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
        (ready ? ready.then(() => setTimeout(done, 300)) : setTimeout(done, 300));""")


def measure(driver, url: str, width: int) -> dict:
    load(driver, url, width)
    return driver.execute_script(MEASURE)


def measure_widths(driver, url: str, widths=WIDTHS) -> dict[int, dict]:
    """The page measured at each width: loaded once per kind of window (desktop, phone),
    then resized, as a reader resizes it (the script fits the summary again)."""
    seen, loaded = {}, None
    for width in widths:
        if loaded != (width < PHONE):
            load(driver, url, width)
            loaded = width < PHONE
        else:
            resize(driver, width)
            driver.execute_async_script("""const done = arguments[arguments.length - 1];
                requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));""")
        seen[width] = driver.execute_script(MEASURE)
    return seen
