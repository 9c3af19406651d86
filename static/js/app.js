// Tenantry's only script. It is loaded from the portal itself (the CSP
// allows no inline script) and the pages work without it.
(function () {
  "use strict";
  // Ask before a destructive action: <form data-confirm="Suspend Acme?">.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      ev.preventDefault();
    }
  });
})();
