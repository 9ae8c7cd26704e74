// Synoptic UI: small enhancements only; every page works without script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Filters apply as soon as a list choice changes.
  document.querySelectorAll("select.auto-submit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // One open citation at a time within a sentence list, so the evidence stays readable.
  document.querySelectorAll("details.cite").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      document.querySelectorAll("details.cite[open]").forEach(function (other) {
        if (other !== details && other.parentElement === details.parentElement) { other.open = false; }
      });
    });
  });
  // Bring the cited evidence of an article into view.
  var target = document.querySelector(".m-target");
  if (target) { target.scrollIntoView({block: "center"}); }
});
