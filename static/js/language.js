// Language switcher (templates/includes/language_switcher.html): submit the form as soon as a
// language is picked. The page works without this file: the form keeps its submit button, which
// is hidden only once this script runs. Kept out of the page so a strict CSP (no inline script)
// needs no exception.
"use strict";

document.querySelectorAll("form[data-language-switcher]").forEach((form) => {
  const select = form.querySelector("select[name=language]");
  const button = form.querySelector("button[type=submit]");
  if (!select) return;
  if (button) button.hidden = true;
  select.addEventListener("change", () => form.submit());
});
