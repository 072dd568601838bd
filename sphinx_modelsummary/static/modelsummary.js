/* sphinx-modelsummary: what a summary table gains with a script (it reads whole without one).
   - A nested model's row and a block of repeated layers get a button that folds their rows;
     a long table (100+ rows) starts with its blocks folded.
   - A table that would not fit its block takes narrower gutters if that is enough, else
     becomes cards (as on a phone); one of many columns (asked for, to be compared across
     rows) scrolls instead, and says so. Measured, not guessed from the window: fonts
     differ in width from one reader's machine to the next. */
(function () {
  "use strict";
  var LONG = 100;
  var ROUNDING = 0.5;  // px: a table this little wider than its box still fits
  var SNUG = 24;  // px: a table up to this much too wide may fit with narrower gutters
  var MANY = 7;  // columns: the default five and one more become cards; more columns scroll

  function depth(row) {
    var found = /modelsummary-depth-(\d+)/.exec(row.className);
    return found ? Number(found[1]) : 0;
  }

  function foldable(table, row, rows) {
    /* The rows a button in `row` folds: a block's members, or a model's deeper rows. */
    var start = rows.indexOf(row), out = [], i;
    if (row.classList.contains("modelsummary-group")) {
      for (i = start + 1; i < rows.length && rows[i].classList.contains("modelsummary-member"); i++) {
        if (i > start + 1 && rows[i].previousElementSibling.classList.contains("modelsummary-group")) break;
        out.push(rows[i]);
      }
    } else {
      for (i = start + 1; i < rows.length && depth(rows[i]) > depth(row); i++) out.push(rows[i]);
    }
    return out;
  }

  function setOpen(button, members, open) {
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "\u25be" : "\u25b8";
    members.forEach(function (member) {
      member.classList.toggle("modelsummary-hidden", !open);
      var inner = member.querySelector(".modelsummary-toggle");
      if (open && inner && inner.getAttribute("aria-expanded") === "false") {
        foldable(null, member, [].slice.call(member.parentNode.children)).forEach(function (r) {
          r.classList.add("modelsummary-hidden");
        });
      }
    });
  }

  function addButtons(table) {
    var rows = [].slice.call(table.querySelectorAll("tbody > tr"));
    var long = rows.length >= LONG;
    rows.forEach(function (row) {
      var group = row.classList.contains("modelsummary-group");
      if (!group && !row.classList.contains("modelsummary-parent")) return;
      var members = foldable(table, row, rows);
      if (!members.length) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "modelsummary-toggle";
      button.setAttribute("aria-label", "Show or hide the layers of this block");
      var cell = row.querySelector("td > p") || row.querySelector("td");
      cell.insertBefore(button, cell.firstChild);
      button.addEventListener("click", function () {
        setOpen(button, foldable(table, row, rows), button.getAttribute("aria-expanded") !== "true");
        fit(table.closest(".modelsummary-block"));  // the rows shown decide the table's width
      });
      setOpen(button, members, !(long && group));
    });
  }

  function fit(block) {
    /* Table, cards or a marked scroll, for the width the block has now. */
    var box = block && block.querySelector(".modelsummary-scroll");
    var table = box && box.querySelector("table.modelsummary");
    if (!table) return;
    block.classList.remove("modelsummary-stacked", "modelsummary-snug");
    var room = box.getBoundingClientRect().width;
    var needed = function () { return table.getBoundingClientRect().width; };
    var row = table.querySelector("tbody > tr:not(.modelsummary-hidden)");
    var cards = row && getComputedStyle(row).display === "block";  // a narrow block: the stylesheet's cards
    var over = !cards && needed() > room + ROUNDING;
    if (over && needed() <= room + SNUG) {
      block.classList.add("modelsummary-snug");
      over = needed() > room + ROUNDING;
      if (over) block.classList.remove("modelsummary-snug");
    }
    var stacked = over && columns(table) < MANY;
    block.classList.toggle("modelsummary-stacked", stacked);
    if (stacked && row && getComputedStyle(row).display !== "block") {
      stacked = false;  // a browser without container style queries: the table scrolls, and says so
      block.classList.remove("modelsummary-stacked");
    }
    setHint(block, box, over && !stacked);
  }

  function columns(table) {
    var most = 0;
    for (var i = 0; i < table.rows.length; i++) most = Math.max(most, table.rows[i].cells.length);
    return most;
  }

  function setHint(block, box, scrolls) {
    var hint = block.querySelector(".modelsummary-hint");
    block.classList.toggle("modelsummary-overflow", scrolls);
    if (scrolls && !hint) {
      hint = document.createElement("p");
      hint.className = "modelsummary-hint";
      hint.textContent = "The table is wider than the page: scroll it sideways \u2192";
      block.insertBefore(hint, box);
    } else if (!scrolls && hint) {
      hint.remove();
    }
  }

  function watch(blocks) {
    /* Fit again when a block's width changes (window, sidebar) or the page's fonts arrive. */
    var widths = new Map();
    var again = function () { blocks.forEach(function (block) { fit(block); }); };
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var width = Math.round(entry.contentRect.width);
          if (widths.get(entry.target) !== width) {
            widths.set(entry.target, width);
            fit(entry.target);
          }
        });
      });
      blocks.forEach(function (block) { observer.observe(block); });
    } else {
      window.addEventListener("resize", again);
    }
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(again);
  }

  function start() {
    document.querySelectorAll("table.modelsummary").forEach(addButtons);
    var blocks = [].slice.call(document.querySelectorAll(".modelsummary-block"));
    blocks.forEach(fit);
    watch(blocks);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
