/* sphinx-modelsummary: what a summary table gains with a script (it reads whole without one).
   - A nested model's row and a block of repeated layers get a button that folds their rows;
     a long table (100+ rows) starts with its blocks folded.
   - A table wider than its box says that it scrolls. */
(function () {
  "use strict";
  var LONG = 100;

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
      });
      setOpen(button, members, !(long && group));
    });
  }

  function markOverflow(block) {
    var box = block.querySelector(".modelsummary-scroll");
    if (!box) return;
    var hint = block.querySelector(".modelsummary-hint");
    var over = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box.querySelector("table")).display !== "block";
    block.classList.toggle("modelsummary-overflow", over);
    if (over && !hint) {
      hint = document.createElement("p");
      hint.className = "modelsummary-hint";
      hint.textContent = "The table is wider than the page: scroll it sideways \u2192";
      block.insertBefore(hint, box);
    } else if (!over && hint) {
      hint.remove();
    }
  }

  function start() {
    document.querySelectorAll("table.modelsummary").forEach(addButtons);
    var blocks = document.querySelectorAll(".modelsummary-block");
    blocks.forEach(markOverflow);
    window.addEventListener("resize", function () { blocks.forEach(markOverflow); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
