// Progressive enhancement for the server-rendered pages: every page works without this file.
// 1. Search-box suggestions (WAI-ARIA combobox with a listbox popup, fed by /api/suggest).
// 2. The mode switch resubmits the search at once.  3. Facets fold away on phones.  4. Draft counter.
(function () {
  "use strict";

  function suggestionsOf(data) {
    // The API may answer a bare list or wrap it; accept both shapes.
    if (Array.isArray(data)) return data;
    return data.suggestions || data.items || data.hits || [];
  }

  function initCombobox(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.getAttribute("data-suggest");
    if (!list || !url) return;
    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(item) {
      if (item && item.url) window.location.href = item.url;
    }

    function render(found) {
      list.innerHTML = "";
      items = found.slice(0, 8);
      if (!items.length) { close(); return; }
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        // textContent only: suggestion text never becomes markup.
        li.textContent = item.title || item.doc_number || "";
        if (item.title && item.doc_number) {
          var sub = document.createElement("span");
          sub.className = "sub";
          sub.textContent = item.doc_number;
          li.appendChild(sub);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); go(item); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { if (mine === seq) render(suggestionsOf(data)); })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && items.length) {
        e.preventDefault();
        setActive((active + 1) % items.length);
      } else if (e.key === "ArrowUp" && items.length) {
        e.preventDefault();
        setActive(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        go(items[active]);
      } else if (e.key === "Escape" && !list.hidden) {
        // First Escape closes the popup; only a second one clears the field (the browser's default).
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function initModeSwitch(form) {
    var q = form.querySelector("input[name=q]");
    form.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", function () { if (q && q.value.trim()) form.submit(); });
    });
  }

  function initCounter(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var max = parseInt(area.getAttribute("data-max"), 10);
    if (!out || !max) return;
    function update() {
      var n = area.value.length;
      out.textContent = n + " / " + max + " 字";
      out.classList.toggle("over", n > max);
    }
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[role=combobox]").forEach(initCombobox);
    document.querySelectorAll("form.search-form").forEach(initModeSwitch);
    document.querySelectorAll("textarea[data-max]").forEach(initCounter);
    var facets = document.querySelector("details.facets");
    if (facets && window.matchMedia("(max-width: 760px)").matches) facets.open = false;
  });
})();
