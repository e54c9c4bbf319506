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
    // Escape closes the open menu, wherever the focus is, and gives the focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && NARROW.matches && button.getAttribute("aria-expanded") === "true") {
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
            // A cell across the whole row ("nothing yet") belongs to no one column.
            var label = (cell.colSpan || 1) >= names.length ? "" : names[column];
            if (!cell.hasAttribute("data-label") && label !== undefined) cell.setAttribute("data-label", label);
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("responsive-table");
    });
  }

  // The name a scrolling table's region is announced by: its caption, else the nearest heading before it.
  function tableName(table) {
    if (table.caption) return text(table.caption);
    for (var node = table; node && node.tagName !== "MAIN"; node = node.parentElement) {
      for (var previous = node.previousElementSibling; previous; previous = previous.previousElementSibling) {
        if (/^H[1-6]$/.test(previous.tagName)) return text(previous);
      }
    }
    return "";
  }

  // A table wider than the page (an analyst's fourteen columns) scrolls inside its own box instead of widening
  // the page; the box becomes a named, focusable region only while it scrolls, so keyboards can scroll it too
  // (Heydon Pickering's «Inclusive Components: data tables»).
  function fitTables(root) {
    var tables = root.tagName === "TABLE" ? [root] : root.querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.classList.contains("table-keep") || table.parentElement.closest("table")) return;
      var box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      markScrolling(box);
    });
  }

  function markScrolling(box) {
    var table = box.querySelector("table");
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      var name = table ? tableName(table) : "";
      if (name) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      }
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  // The error summary takes the focus when the page opens, so a screen reader announces it first (GOV.UK).
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    labelTables(document);
    fitTables(document);
    focusErrorSummary();
  });
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      Array.prototype.forEach.call(document.querySelectorAll("main .table-scroll"), markScrolling);
    }, 150);
  });
  // Content htmx swaps in (a queue refreshed, a panel loaded) gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element !== document.body && element.closest && element.closest("main")) {
      labelTables(element);
      if (element.tagName === "TABLE" || element.closest("table") === null) fitTables(element);
    }
  });
})();
