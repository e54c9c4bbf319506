// Conditional questions: a fieldset with data-show-when="name=v1,v2;other=v3" is shown once any of the named radio
// groups has one of the listed values checked, and hidden (its ticks kept) otherwise. Without JavaScript every
// question stays visible with its own hint, so the form works either way.
(function () {
  "use strict";

  function applies(form, rule) {
    return rule.split(";").some(function (part) {
      var pieces = part.split("=");
      var checked = form.querySelector("input[name='" + pieces[0] + "']:checked");
      return checked !== null && pieces[1].split(",").indexOf(checked.value) !== -1;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      var dependants = form.querySelectorAll("[data-show-when]");
      if (!dependants.length) {
        return;
      }
      function update() {
        dependants.forEach(function (element) {
          element.hidden = !applies(form, element.dataset.showWhen);
        });
      }
      form.querySelectorAll(".no-js-hint").forEach(function (hint) {
        hint.hidden = true;
      });
      form.addEventListener("change", update);
      update();
    });
  });
})();
