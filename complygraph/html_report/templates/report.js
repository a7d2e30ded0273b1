// Expand or fold every tree at once, and print with every tree open (a folded <details> prints folded).
(function () {
  "use strict";
  function setAll(open) {
    document.querySelectorAll("#bom details").forEach(function (d) { d.open = open; });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }
  window.addEventListener("beforeprint", function () { setAll(true); });
  document.documentElement.setAttribute("data-ready", "1");
})();
