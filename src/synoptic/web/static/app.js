// Synoptic UI: small enhancements only; every page works without script.
"use strict";
// Handlers are delegated from the document, so content a live page swaps in behaves the same.
// Filters apply as soon as a list choice changes.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select instanceof HTMLSelectElement && select.matches("select.auto-submit") && select.form) {
    select.form.submit();
  }
});
// One open citation at a time within a sentence list, so the evidence stays readable
// ("toggle" does not bubble: it is caught on its way down).
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.matches("details.cite") || !details.open) { return; }
  document.querySelectorAll("details.cite[open]").forEach(function (other) {
    if (other !== details && other.parentElement === details.parentElement) { other.open = false; }
  });
}, true);
document.addEventListener("DOMContentLoaded", function () {
  // Bring the cited evidence of an article into view.
  var target = document.querySelector(".m-target");
  if (target) { target.scrollIntoView({block: "center"}); }
});

// Live pages: while the store changes (`synoptic watch`, `serve --watch`, uploads), the story list
// and an open story page reload their content in place. A cheap endpoint says which analysis run is
// the latest; only when it changed is the page fetched again. Articles, conflicts and stories not
// seen on the last visit to this page are marked "new".
(function () {
  var POLL_MS = 4000;  // a new article shows within seconds; one indexed query per open page per tick
  var body = document.body;
  if (!body || body.dataset.run === undefined || !window.fetch || !window.DOMParser) { return; }
  var key = "synoptic.seen:" + location.pathname;
  var baseline = load();

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function values(selector, attribute) {
    return Array.prototype.map.call(document.querySelectorAll(selector), function (el) {
      return el.getAttribute(attribute);
    });
  }
  function snapshot() {
    var stories = {};
    document.querySelectorAll("[data-story]").forEach(function (el) {
      stories[el.getAttribute("data-story")] = el.getAttribute("data-articles");
    });
    return {articles: values("[data-article-id]", "data-article-id"),
            conflicts: values("[data-conflict]", "data-conflict"), stories: stories};
  }
  function badge(el, text) {
    el.classList.add("is-new");
    if (el.querySelector(".new-badge")) { return; }
    var mark = document.createElement("span");
    mark.className = "new-badge";
    mark.textContent = text;
    var slot = el.querySelector("td, h4, .story-title") || el;
    slot.appendChild(mark);
  }
  function markNew() {
    if (!baseline) { return; }
    document.querySelectorAll("[data-article-id]").forEach(function (el) {
      if (baseline.articles.indexOf(el.getAttribute("data-article-id")) < 0) { badge(el, "new"); }
    });
    document.querySelectorAll("[data-conflict]").forEach(function (el) {
      if (baseline.conflicts.indexOf(el.getAttribute("data-conflict")) < 0) { badge(el, "new"); }
    });
    document.querySelectorAll("[data-story]").forEach(function (el) {
      var before = baseline.stories[el.getAttribute("data-story")];
      if (before === undefined) { badge(el, "new"); }
      else if (before !== el.getAttribute("data-articles")) { badge(el, "updated"); }
    });
  }
  function remember() {
    var now = snapshot();
    var old = load();
    if (old) {  // keep what this page showed earlier too (a filtered view shows only part)
      now.articles = now.articles.concat(old.articles.filter(function (a) { return now.articles.indexOf(a) < 0; }));
      now.conflicts = now.conflicts.concat(old.conflicts.filter(function (c) { return now.conflicts.indexOf(c) < 0; }));
      Object.keys(old.stories).forEach(function (s) { if (!(s in now.stories)) { now.stories[s] = old.stories[s]; } });
    }
    try { localStorage.setItem(key, JSON.stringify(now)); } catch (e) { /* private mode: nothing kept */ }
    if (!baseline) { baseline = now; }
  }
  function busy() {
    var el = document.activeElement;
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }
  function refresh(run) {
    return fetch(location.href, {headers: {Accept: "text/html"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main) { return; }
        main.replaceWith(document.importNode(fresh, true));
        body.dataset.run = run;
        var number = document.querySelector(".run-number");
        if (number) { number.textContent = run; }
        markNew();
        remember();
        document.dispatchEvent(new CustomEvent("synoptic:updated", {detail: {run: run}}));
      });
  }
  function poll() {
    if (document.hidden || busy()) { return; }
    fetch("/api/v1/changes?since=" + encodeURIComponent(body.dataset.run), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.changed) { return refresh(String(data.run)); }
      })
      .catch(function () { /* server restarting: try again at the next tick */ });
  }
  markNew();
  remember();
  setInterval(poll, POLL_MS);
})();
