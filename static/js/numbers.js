/* Numbers as the server writes them for this language (Django's formats: decimal and thousand
 * separators, grouping), so that a figure reads the same on the map as on the dashboard. The page gives
 * them on <html data-numbers='{"decimal": ",", "thousand": ".", "grouping": 0}'> (portal/numbers.py).
 * `SafeGroundNumbers.formatter(min, max)` has an Intl-like `format(value)`.
 */
window.SafeGroundNumbers = (function () {
  "use strict";
  let spec = {};
  try {
    spec = JSON.parse(document.documentElement.dataset.numbers || "{}");
  } catch {
    spec = {};
  }
  const decimal = spec.decimal || ".";
  const thousand = spec.thousand === undefined ? "," : spec.thousand;
  const grouping = spec.grouping === undefined ? 3 : Number(spec.grouping);
  const groups = grouping > 0 && thousand ? new RegExp(`\\B(?=(\\d{${grouping}})+(?!\\d))`, "g") : null;

  /** `value` with at least `min` and at most `max` decimals, grouped as the language groups. */
  function format(value, min = 0, max = min) {
    const n = Number(value);
    if (!Number.isFinite(n)) return String(value);
    const fixed = Math.abs(n).toFixed(max);
    let [whole, fraction = ""] = fixed.split(".");
    fraction = fraction.replace(/0+$/, "");
    if (fraction.length < min) fraction = fraction.padEnd(min, "0");
    if (groups) whole = whole.replace(groups, thousand);
    const sign = n < 0 && Number(fixed) !== 0 ? "-" : "";
    return sign + whole + (fraction ? decimal + fraction : "");
  }

  return { format, formatter: (min = 0, max = min) => ({ format: (value) => format(value, min, max) }) };
})();
