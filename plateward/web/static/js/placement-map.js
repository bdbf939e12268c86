/* The placement maps: cameras with their fields of view, sensitive sites with their entrances and
 * exits, notice signs and compliance gaps, over the offline base map (as the search maps).
 *
 * Nothing here reaches past this server: Leaflet comes from /static/vendor, tiles only from the
 * agency's own server when one is configured, otherwise the GeoJSON base in /static/map. Data
 * comes in a <script type="application/json"> block (the CSP forbids inline scripts). On the
 * compliance page a click on the map places a proposed camera: its latitude and longitude are
 * written into the proposal form. When the map has drawn its layers it sets data-ready="true".
 */
(function () {
  "use strict";

  var BASE_STYLE = { limit: { color: "#8a94a6", weight: 1, dashArray: "4 4", fill: false },
                     street: { color: "#b9c1cf", weight: 3 } };
  var VIEW = { color: "#1f4e8c", weight: 1, fillOpacity: 0.15 };
  var VIEW_REFUSED = { color: "#a4262c", weight: 2, fillOpacity: 0.3 };
  var SITE = { color: "#6b2c91", weight: 4 };

  function payloadOf(element) {
    var block = document.getElementById(element.dataset.payload || "");
    return block ? JSON.parse(block.textContent) : {};
  }

  function drawBase(map, url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        L.geoJSON(data, {
          style: function (f) { return BASE_STYLE[f.properties.kind] || BASE_STYLE.street; },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 3, weight: 1, color: "#8a94a6",
              fillColor: "#fff", fillOpacity: 1 });
          }
        }).addTo(map).bringToBack();
      });
  }

  function viewLayer(view, refused, className) {
    var style = L.extend({ className: className }, refused ? VIEW_REFUSED : VIEW);
    return L.geoJSON(view, { style: function () { return style; } });
  }

  function cameraLayers(cameras) {
    var group = L.featureGroup();
    cameras.forEach(function (c) {
      var refused = c.conflicts.length > 0;
      if (c.view) {
        viewLayer(c.view, refused, "camera-view" + (refused ? " refused" : "")).addTo(group);
      }
      if (c.lat !== null && c.lon !== null) {
        var text = c.code + " · " + c.name + " (" + c.status + (c.held ? ", held" : "") + ")";
        L.circleMarker([c.lat, c.lon], { radius: 5, weight: 2,
          color: refused || c.held ? "#a4262c" : "#1f4e8c", fillColor: "#fff", fillOpacity: 1,
          className: "camera-marker" }).bindTooltip(text).addTo(group);
      }
    });
    return group;
  }

  function siteLayers(sites) {
    var group = L.featureGroup();
    sites.forEach(function (s) {
      L.geoJSON(s.entrances, {
        style: function () { return L.extend({ className: "site-entrance" }, SITE); },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 5, color: SITE.color, fillColor: SITE.color,
            fillOpacity: 0.9, className: "site-entrance" });
        }
      }).bindTooltip(s.name + " · " + s.kind).addTo(group);
    });
    return group;
  }

  function pointLayers(points, style, className) {
    return L.featureGroup(points.map(function (p) {
      return L.circleMarker([p.lat, p.lon], L.extend({ className: className }, style))
        .bindTooltip(p.name || p.text);
    }));
  }

  function setupProposal(map, element, data) {
    var form = document.getElementById(element.dataset.form || "");
    if (!form) { return; }
    var lat = form.querySelector("[name='latitude']");
    var lon = form.querySelector("[name='longitude']");
    var marker = null;
    function place() {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value);
      if (isNaN(la) || isNaN(lo)) { return; }
      if (marker) { map.removeLayer(marker); }
      marker = L.circleMarker([la, lo], { radius: 7, weight: 3, color: "#111",
        fillColor: "#ffd400", fillOpacity: 1, className: "proposal-marker" }).addTo(map);
    }
    map.on("click", function (event) {
      lat.value = Math.round(event.latlng.lat * 1e6) / 1e6;
      lon.value = Math.round(event.latlng.lng * 1e6) / 1e6;
      place();
    });
    place();
    if (data.proposal && data.proposal.view) {
      var refused = data.proposal.conflicts.length > 0;
      var drawn = viewLayer(data.proposal.view, refused,
        "proposal-view" + (refused ? " refused" : " clear")).addTo(map);
      map.fitBounds(drawn.getBounds().pad(1.5), { maxZoom: 18 });
      return true;
    }
    return false;
  }

  function setup(element) {
    if (element.dataset.started) { return; }
    element.dataset.started = "true";
    var data = payloadOf(element);
    var map = L.map(element, { attributionControl: true, zoomSnap: 0.5,
      fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false });
    map.attributionControl.setPrefix("Leaflet");
    map.setView([37.33, -121.89], 11);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19,
        attribution: "Tiles: your agency's map server" }).addTo(map);
    }
    var cameras = cameraLayers(data.cameras || []).addTo(map);
    siteLayers(data.sites || []).addTo(map);
    pointLayers(data.signs || [], { radius: 4, color: "#2e7d32", fillColor: "#2e7d32",
      fillOpacity: 0.9 }, "sign-marker").addTo(map);
    pointLayers(data.gaps || [], { radius: 9, weight: 2, color: "#e07000", fill: false,
      dashArray: "3 3" }, "gap-marker").addTo(map);
    var fitted = setupProposal(map, element, data);
    if (!fitted) {
      var bounds = cameras.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
      }
    }
    if (!element.dataset.tiles && element.dataset.base) {
      drawBase(map, element.dataset.base);
    }
    element.dataset.ready = "true";  // for tests: the map has drawn its layers
  }

  function start() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-placement-map]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
