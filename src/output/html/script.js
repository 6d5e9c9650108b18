(function () {
  "use strict";
  var table = document.getElementById("containers");
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var shown = document.getElementById("shown");
  var fields = form.elements;
  function apply() {
    var status = fields.status.value, namespace = fields.namespace.value;
    var words = fields.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var keep = (!status || row.dataset.status === status) &&
        (!namespace || row.cells[0].textContent.split(":")[0] === namespace) &&
        words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) count++;
    });
    shown.textContent = count + " of " + rows.length + " containers shown";
  }
  var svg = "http://www.w3.org/2000/svg";
  function dots(d, className) {
    var path = document.createElementNS(svg, "path");
    path.setAttribute("d", d);
    if (className) path.setAttribute("class", className);
    return path;
  }
  rows.forEach(function (row) {
    var cell = row.cells[7];
    if (!cell || !cell.dataset.h) return;
    var drawing = document.createElementNS(svg, "svg");
    drawing.setAttribute("viewBox", "0 0 100 10");
    drawing.setAttribute("role", "img");
    drawing.setAttribute("aria-label", cell.title);
    drawing.appendChild(dots("M3 5H97"));
    drawing.appendChild(dots(cell.dataset.h.split(" ").map(function (x) { return "M" + x + " 5h0"; }).join(""), "b"));
    if (cell.dataset.c) drawing.appendChild(dots("M" + cell.dataset.c + " 5h0", "c"));
    cell.appendChild(drawing);
  });
  var preset = new URLSearchParams(location.hash.slice(1));
  ["status", "namespace", "q"].forEach(function (name) {
    if (preset.has(name)) fields[name].value = preset.get(name);
  });
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
  // Sorting by status lists what needs attention first.
  var rank = { failed: 0, update_available: 1, updated: 2, skipped: 3, up_to_date: 4 };
  function key(row, column) {
    if (column === 5) return rank[row.dataset.status];
    var cell = row.cells[column];
    if (!cell) return "";
    // A build time (in <i>) sorts as text; a tag without one comes first.
    if (column === 3 || column === 4) {
      var time = cell.querySelector("i");
      return time ? time.textContent : "";
    }
    return cell.textContent.toLowerCase();
  }
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, column), y = key(b, column);
        return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
      });
      var body = table.tBodies[0];
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
