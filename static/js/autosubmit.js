// A <select data-autosubmit> submits its form when changed (the filter menus); a file, not an
// onchange attribute, because the Content-Security-Policy allows no inline handlers.
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
});
