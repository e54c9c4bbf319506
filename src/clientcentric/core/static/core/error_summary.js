// Move the focus to a form's error summary when the page comes back with errors (core/error_summary.html).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
