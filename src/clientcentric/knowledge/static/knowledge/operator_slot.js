// The server renders the text to insert; here it only goes into the answer box. The box itself stays the same
// element, so whatever listens to it (the plain-Russian check) sees the change.
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.detail.target.id !== "kb-insert-result") return;
  var box = document.getElementById("id_text");
  var version = document.getElementById("id_template_version");
  box.value = document.getElementById("kb-insert-text").value;
  if (version) version.value = document.getElementById("kb-insert-version").value;
  box.dispatchEvent(new Event("change", { bubbles: true }));
  box.focus();
});
