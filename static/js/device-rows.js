/* The devices of a product submission, as rows (safeground/workbench/device_rows.py renders them and
 * reads them back): add and remove rows, a model chosen from the catalogue sets its category, and a
 * position can be picked on the drawing map (the next click there; drawing pauses meanwhile).
 * Without this script the form still works with the rows the server renders.
 */
(function () {
  "use strict";

  for (const box of document.querySelectorAll("[data-device-rows]")) {
    const body = box.querySelector("tbody");
    const template = box.querySelector("template[data-row-template]");
    const list = document.getElementById(`${box.dataset.deviceRows}-models`);
    const categoryOf = Object.fromEntries(
      Array.from(list ? list.options : []).map((o) => [o.value.toLowerCase(), o.dataset.category]),
    );
    let next = body.querySelectorAll("[data-row]").length;

    function wire(row) {
      for (const button of row.querySelectorAll("[hidden]")) button.hidden = false;
      row.querySelector("[data-remove-row]").addEventListener("click", () => {
        row.remove();
        if (!body.querySelector("[data-row]")) add();
      });
      const model = row.querySelector("[data-model]");
      const category = row.querySelector("[data-category]");
      model.addEventListener("change", () => {
        const known = categoryOf[model.value.trim().toLowerCase()];
        if (known) category.value = known;
      });
      const pick = row.querySelector("[data-pick]");
      const mapEl = document.getElementById("draw-map");
      if (!mapEl || !mapEl.sgMap) {
        pick.hidden = true;
        return;
      }
      pick.addEventListener("click", () => {
        const map = mapEl.sgMap;
        map.sgPicking = true;
        pick.setAttribute("aria-pressed", "true");
        mapEl.classList.add("is-picking");
        mapEl.scrollIntoView({ block: "nearest" });
        map.once("click", (event) => {
          row.querySelector("input[name$='-position']").value =
            `${event.lngLat.lat.toFixed(6)}, ${event.lngLat.lng.toFixed(6)}`;
          map.sgPicking = false;
          pick.removeAttribute("aria-pressed");
          mapEl.classList.remove("is-picking");
        });
      });
    }

    function add() {
      const html = template.innerHTML.replace(/__n__/g, String(next++));
      body.insertAdjacentHTML("beforeend", html);
      const row = body.lastElementChild;
      wire(row);
      return row;
    }

    for (const row of body.querySelectorAll("[data-row]")) wire(row);
    const adder = box.querySelector("[data-add-row]");
    adder.hidden = false;
    adder.addEventListener("click", () => add().querySelector("input").focus());
  }
})();
