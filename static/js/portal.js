/* Small behaviours of the portal's pages, declared in the markup with data attributes (the
   Content-Security-Policy runs no inline script or on…= handler). Applied on page load and to
   every fragment htmx swaps in. */
(function () {
  "use strict";

  function apply(root) {
    root.querySelectorAll("[data-width]").forEach(function (bar) {
      // A progress bar's width: set through the CSSOM, which the policy allows.
      bar.style.width = Math.max(0, Math.min(100, Number(bar.getAttribute("data-width")) || 0)) + "%";
    });
  }

  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-check-all]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) {
      window.print();
    } else {
      var name = target.getAttribute("data-check-all");
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) { box.checked = target.checked; });
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(apply);
  } else {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  }
})();
