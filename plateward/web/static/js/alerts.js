// The Alerts page: new hot-list alerts arrive as server-sent events and are added to the table
// without a reload. The browser's EventSource reconnects by itself, sending the last alert id.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var table = document.getElementById("alerts");
  if (!status || !table || !window.EventSource) { return; }
  var body = table.tBodies[0];
  var source = new EventSource("/alerts/stream?after=" + encodeURIComponent(status.dataset.newest || "0"));
  source.addEventListener("ready", function () {
    status.textContent = "Live: new alerts appear here as they happen.";
  });
  source.onerror = function () { status.textContent = "Reconnecting for live alerts…"; };
  source.addEventListener("alert", function (event) {
    var holder = document.createElement("tbody");
    holder.innerHTML = event.data;  // the server's own rendered row (escaped by the template)
    var row = holder.firstElementChild;
    if (!row || document.getElementById(row.id)) { return; }
    row.classList.add("new");
    body.insertBefore(row, body.firstChild);
    var none = document.getElementById("no-alerts");
    if (none) { none.remove(); }
    var map = document.getElementById("alerts-map");
    if (map && map.addRead && row.dataset.lat) {  // the read where it was taken, on the map
      map.addRead({ lat: parseFloat(row.dataset.lat), lon: parseFloat(row.dataset.lon),
        plate: row.dataset.plate, time: row.dataset.time, camera: row.dataset.camera,
        href: "/alerts/" + row.dataset.alert });
    }
  });
})();
