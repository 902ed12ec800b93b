// Search-as-you-type for the form fields marked data-pick (pairings, orgs, people, projects, needs, regions).
// The field itself stays in the form, hidden, and carries what the server reads (an id, a region's code, or the
// text typed); a visible box beside it shows names, asks /api/v1/pick/{kind}?q= as the user types and offers the
// answers in a <datalist>. Without this script the field is the plain text box it always was.
(function () {
  "use strict";
  function setup(field) {
    var kind = field.getAttribute("data-pick");
    var box = document.createElement("input");
    var list = document.createElement("datalist");
    var chosen = {};
    var asked = 0;
    var timer = null;
    box.type = "text";
    box.id = field.id;
    box.value = field.getAttribute("data-shown") || field.value;
    box.placeholder = field.placeholder;
    box.autocomplete = "off";
    ["aria-invalid", "aria-describedby"].forEach(function (a) {
      if (field.hasAttribute(a)) box.setAttribute(a, field.getAttribute(a));
    });
    field.id = field.id + "_value";
    list.id = field.id + "_choices";
    box.setAttribute("list", list.id);
    field.type = "hidden";
    field.parentNode.insertBefore(box, field);
    field.parentNode.insertBefore(list, field);
    function look(text) {
      var mine = ++asked;
      fetch("/api/v1/pick/" + kind + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (!answer || mine !== asked) return;
          chosen = {};
          list.textContent = "";
          answer.items.forEach(function (it) {
            var label = it.hint ? it.name + "（" + it.hint + "）" : it.name;
            var option = document.createElement("option");
            chosen[label] = it.value;
            option.value = label;
            list.appendChild(option);
          });
          if (Object.prototype.hasOwnProperty.call(chosen, box.value)) field.value = chosen[box.value];
        })
        .catch(function () { /* the typed text is sent as it is */ });
    }
    box.addEventListener("input", function () {
      var text = box.value;
      if (Object.prototype.hasOwnProperty.call(chosen, text)) {
        field.value = chosen[text];
        return;
      }
      // typed, not chosen: the server reads it as typed (a place's name) or says what is wrong
      field.value = text;
      clearTimeout(timer);
      if (text.trim()) timer = setTimeout(function () { look(text.trim()); }, 200);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-pick]"), setup);
})();
