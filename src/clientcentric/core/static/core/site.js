/* Progressive enhancement for every page (docs/design-system.md). Each page works without it: the menu then
   stays unfolded, tables stack without their column names, the error summary is simply the first thing on the page.
   Loaded in <head> without `defer` so that the `js` class is set before the first paint (no flash of an open menu). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var NARROW = window.matchMedia("(max-width: 47.99rem)");

  // The header folds behind a «Меню» button on narrow screens (GOV.UK's header pattern).
  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.hidden = false;
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    show(false);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && NARROW.matches) {
        show(false);
        button.focus();
      }
    });
  }

  function text(cell) {
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  // Column names of a table's header, one per column (a cell spanning columns names each of them).
  function columnNames(table) {
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!head) return null;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(text(cell));
    });
    return names;
  }

  // Responsive table → list: every body cell gets its column's name in data-label, shown before the value when
  // the table stacks on a narrow screen (site.css, `.responsive-table`). Cells that already carry a label keep it.
  function labelTables(root) {
    if (!root || !root.querySelectorAll) return;
    var inside = root.closest ? root.closest("table") : null;
    var tables = inside ? [inside] : root.querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.classList.contains("table-keep")) return;
      var names = columnNames(table);
      if (!names) return;
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && names[column]) cell.setAttribute("data-label", names[column]);
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("responsive-table");
    });
  }

  // The error summary takes the focus when the page opens, so a screen reader announces it first (GOV.UK).
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    labelTables(document);
    focusErrorSummary();
  });
  // Content htmx swaps in (a queue refreshed, a panel loaded) gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element !== document.body && element.closest && element.closest("main")) labelTables(element);
  });
})();
