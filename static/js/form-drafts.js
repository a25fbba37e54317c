/* What the user typed survives a refused post (an oversized field answered 400 before the form could be
 * shown again): forms marked `data-keep-draft` save their fields in this tab's sessionStorage when they
 * are sent, and when the user comes back to the form with the browser's Back button the fields the
 * browser left empty are filled again. A normal visit to the form discards the draft.
 * The 400 page's [data-back] button goes back (no inline script: the CSP forbids it).
 */
(function () {
  "use strict";
  const MAX_CHARS = 100000; // a field this long is what the server refused: not kept
  const key = (form) => `safeground.draft:${window.location.pathname}:${form.getAttribute("action") || ""}`;
  const fields = (form) =>
    Array.from(form.elements).filter(
      (el) => el.name && !["password", "file", "submit", "button"].includes(el.type) && el.name !== "token" && el.name !== "csrfmiddlewaretoken",
    );

  function save(form) {
    const values = {};
    for (const el of fields(form)) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) (values[el.name] = values[el.name] || []).push(el.value);
      } else if (el.multiple) {
        values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
      } else if (el.value.length <= MAX_CHARS) {
        values[el.name] = el.value;
      }
    }
    try {
      window.sessionStorage.setItem(key(form), JSON.stringify(values));
    } catch {
      /* storage full or refused: nothing to keep */
    }
  }

  function restore(form) {
    let values;
    try {
      values = JSON.parse(window.sessionStorage.getItem(key(form)) || "null");
      window.sessionStorage.removeItem(key(form));
    } catch {
      return;
    }
    if (!values) return;
    const back = (performance.getEntriesByType("navigation")[0] || {}).type === "back_forward";
    if (!back) return; // a new visit starts afresh
    for (const el of fields(form)) {
      if (!(el.name in values)) continue;
      const value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = value.includes(el.value);
      else if (el.multiple) for (const o of el.options) o.selected = value.includes(o.value);
      else if (!el.value || el.tagName === "SELECT") el.value = value;
    }
    form.dataset.restored = "true";
  }

  for (const form of document.querySelectorAll("form[data-keep-draft]")) {
    restore(form);
    form.addEventListener("submit", () => save(form));
  }
  for (const button of document.querySelectorAll("[data-back]")) {
    button.addEventListener("click", () => window.history.back());
  }
})();
