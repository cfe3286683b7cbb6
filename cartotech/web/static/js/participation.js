// Suggestions for the participation forms: communes of the referential and
// organisations of the directory, as options of a <datalist> (the browser's own,
// accessible list). Choosing one fills the hidden id next to the field; without
// this script the server reads the typed text instead.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function wire(input, target, url, pick) {
    var list = document.getElementById(input.getAttribute("list"));
    var hidden = document.getElementById(target);
    if (!list || !hidden) { return; }
    var ids = {};
    var typed = hidden.value ? input.value : null;

    function sync() {
      if (Object.prototype.hasOwnProperty.call(ids, input.value)) {
        hidden.value = ids[input.value];
      } else if (input.value !== typed) {
        hidden.value = "";
      }
    }

    var search = debounce(function (query) {
      fetch(url(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) {
          ids = {};
          while (list.firstChild) { list.removeChild(list.firstChild); }
          (data.items || []).forEach(function (item) {
            var chosen = pick(item);
            if (!chosen || ids[chosen.label] !== undefined) { return; }
            ids[chosen.label] = String(chosen.id);
            var option = document.createElement("option");
            option.value = chosen.label; // text, never markup
            list.appendChild(option);
          });
          sync();
        })
        .catch(function () { /* the server reads the typed text */ });
    }, 200);

    input.addEventListener("input", function () {
      sync();
      if (input.value.trim().length >= 2) { search(input.value.trim()); }
    });
    input.addEventListener("change", sync);
  }

  document.querySelectorAll("[data-place-search]").forEach(function (input) {
    var levels = (input.dataset.placeLevels || "commune").split(",");
    wire(input, input.dataset.placeTarget, function (q) {
      return "/api/v1/territories?limit=20&q=" + encodeURIComponent(q);
    }, function (item) {
      return levels.indexOf(item.level) >= 0 ? { id: item.id, label: item.label || item.name } : null;
    });
  });

  document.querySelectorAll("[data-actor-search]").forEach(function (input) {
    wire(input, input.dataset.actorTarget, function (q) {
      return "/api/v1/actors?per_page=8&q=" + encodeURIComponent(q);
    }, function (item) {
      return { id: item.id, label: item.name };
    });
  });
})();
