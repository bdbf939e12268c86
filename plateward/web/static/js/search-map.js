/* The search pages' maps: cameras, the reads found and the searched area over a plain base.
 *
 * Police networks are often closed, so nothing here reaches past this server: Leaflet is served
 * from /static/vendor, tiles come only from the agency's own server when one is configured
 * (data-tiles), and otherwise the base is the GeoJSON shipped in /static/map. The page passes its
 * data in a <script type="application/json"> block named by data-payload (the CSP forbids inline
 * scripts). On the search form the map also draws the area: a radius (click the centre) or a
 * polygon (click the corners), written into the form's fields.
 */
(function () {
  "use strict";

  var BASE_STYLE = { limit: { color: "#8a94a6", weight: 1, dashArray: "4 4", fill: false },
                     street: { color: "#b9c1cf", weight: 3 } };
  // Not interactive: clicks go through to the reads under it, and to the map when drawing.
  var NEAR_ZOOM = 14;
  var AREA_STYLE = { color: "#1f4e8c", weight: 2, fillOpacity: 0.08, interactive: false };

  function payloadOf(element) {
    var block = document.getElementById(element.dataset.payload || "");
    return block ? JSON.parse(block.textContent) : {};
  }

  function drawBase(map, url, fitWhenEmpty) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var layer = L.geoJSON(data, {
          style: function (f) { return BASE_STYLE[f.properties.kind] || BASE_STYLE.street; },
          pointToLayer: function (f, latlng) {
            var gateway = f.properties.kind === "gateway";
            return L.circleMarker(latlng, { radius: gateway ? 4 : 3, weight: 1,
              color: "#8a94a6", fillColor: gateway ? "#8a94a6" : "#fff", fillOpacity: 1 });
          },
          onEachFeature: function (f, featureLayer) {
            var street = f.properties.kind === "street";
            featureLayer.bindTooltip(f.properties.name, { permanent: true,
              direction: street ? "center" : "right", offset: street ? [0, 0] : [6, 0],
              className: "map-label " + (street ? "street" : "place") });
          }
        }).addTo(map);
        layer.bringToBack();
        if (fitWhenEmpty) { map.fitBounds(layer.getBounds(), { animate: false }); }
      });
  }

  function cameraLayer(cameras) {
    return L.featureGroup(cameras.filter(function (c) { return c.lat !== null && c.lon !== null; })
      .map(function (c) {
        return L.circleMarker([c.lat, c.lon], { radius: 5, weight: 2, color: "#5b6475",
          fillColor: "#fff", fillOpacity: 1, className: "camera-marker" })
          .bindTooltip(c.code + " · " + c.name);
      }));
  }

  /* Reads from a fixed camera share its place: one marker per place (within ~10 m), sized by
   * how many reads it holds, whose popup lists them with links to their detail pages. */
  var MAX_LISTED = 25;

  function placeOf(hit) { return hit.lat.toFixed(4) + "," + hit.lon.toFixed(4); }

  function placePopup(group) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = group.length + (group.length === 1 ? " read" : " reads") + " · " +
      group[0].camera;
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "map-reads";
    group.slice(0, MAX_LISTED).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.href;
      link.textContent = hit.plate;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" " + hit.time));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (group.length > MAX_LISTED) {
      box.appendChild(document.createTextNode("… and " + (group.length - MAX_LISTED) +
        " more in the table"));
    }
    return box;
  }

  function hitLayer(hits) {
    var places = {};
    var order = [];
    hits.filter(function (h) { return h.lat !== null && h.lon !== null; }).forEach(function (h) {
      var key = placeOf(h);
      if (!places[key]) { places[key] = []; order.push(key); }
      places[key].push(h);
    });
    return L.featureGroup(order.map(function (key) {
      var group = places[key];
      var size = 6 + Math.min(8, 2 * Math.log2(group.length));
      return L.circleMarker([group[0].lat, group[0].lon], { radius: size, weight: 1,
        color: "#7a1c20", fillColor: "#a4262c", fillOpacity: 0.8, className: "hit-marker" })
        .bindTooltip(group.length + (group.length === 1 ? " read" : " reads"))
        .bindPopup(placePopup(group));
    }));
  }

  function areaLayer(area) {
    if (area && area.center && area.radius_m) {
      return L.circle(area.center, L.extend({ radius: area.radius_m }, AREA_STYLE));
    }
    if (area && area.polygon && area.polygon.length) {
      return L.polygon(area.polygon, AREA_STYLE);
    }
    return null;
  }

  function fitTo(map, layers) {
    var bounds = null;
    layers.forEach(function (layer) {
      if (!layer || !layer.getBounds) { return; }
      var b = layer.getBounds();
      if (b.isValid()) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
    });
    // Not animated: the markers are where they will stay once the map says it is ready.
    if (bounds) { map.fitBounds(bounds.pad(0.15), { maxZoom: 15, animate: false }); }
    return bounds !== null;
  }

  /* ---- drawing the searched area on the form ---- */

  function fieldsOf(form) {
    var get = function (name) { return form.querySelector("[name='" + name + "']"); };
    return { lat: get("center_lat"), lon: get("center_lon"), radius: get("radius_m"),
             polygon: get("polygon") };
  }

  function round(value) { return Math.round(value * 1e6) / 1e6; }

  function typedArea(fields) {
    var lat = parseFloat(fields.lat.value), lon = parseFloat(fields.lon.value);
    var radius = parseFloat(fields.radius.value);
    if (fields.polygon.value) {
      var ring = fields.polygon.value.split(";").map(function (pair) {
        return pair.split(",").map(parseFloat);
      }).filter(function (p) { return p.length === 2 && !isNaN(p[0]) && !isNaN(p[1]); });
      return { polygon: ring };
    }
    if (!isNaN(lat) && !isNaN(lon) && !isNaN(radius) && radius > 0) {
      return { center: [lat, lon], radius_m: radius };
    }
    return null;
  }

  function setupDrawing(map, element, state) {
    var form = document.getElementById(element.dataset.form || "");
    if (!form) { return; }
    var fields = fieldsOf(form);
    var status = document.getElementById(element.dataset.status || "");
    var mode = "radius";
    var corners = [];

    function redraw(fit) {
      if (state.area) { map.removeLayer(state.area); }
      state.area = areaLayer(typedArea(fields));
      if (state.area) {
        state.area.addTo(map);
        if (fit) { fitTo(map, [state.area]); }
      }
      if (status) {
        var area = typedArea(fields);
        status.textContent = !area ? "No area drawn: the search covers every camera you choose."
          : area.polygon ? "Polygon with " + area.polygon.length + " corners."
          : "Circle of " + area.radius_m + " m around " + area.center.join(", ") + ".";
      }
    }

    element.parentNode.querySelectorAll("[data-draw]").forEach(function (button) {
      button.addEventListener("click", function () {
        mode = button.dataset.draw;
        element.parentNode.querySelectorAll("[data-draw]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        if (mode === "clear") {
          corners = [];
          fields.lat.value = fields.lon.value = fields.polygon.value = "";
          mode = "radius";
        } else if (mode === "polygon") {
          corners = [];
          fields.polygon.value = "";
        }
        redraw(false);
      });
    });

    map.on("click", function (event) {
      var lat = round(event.latlng.lat), lon = round(event.latlng.lng);
      if (mode === "polygon") {
        corners.push([lat, lon]);
        fields.polygon.value = corners.map(function (p) { return p.join(","); }).join(";");
        fields.lat.value = fields.lon.value = "";
      } else {
        fields.polygon.value = "";
        fields.lat.value = lat;
        fields.lon.value = lon;
        if (!fields.radius.value) { fields.radius.value = 500; }
      }
      redraw(false);
    });

    [fields.lat, fields.lon, fields.radius].forEach(function (input) {
      input.addEventListener("input", function () {
        fields.polygon.value = "";
        redraw(true);
      });
    });
    redraw(true);
  }

  function setup(element) {
    if (element.dataset.started) { return; }  // one map, however many times the script loads
    element.dataset.started = "true";
    var data = payloadOf(element);
    var map = L.map(element, { attributionControl: true, zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    map.setView([37.33, -121.89], 11);  // replaced by the data's bounds below
    function markNear() {  // intersection names only once zoomed in
      element.classList.toggle("near", map.getZoom() >= NEAR_ZOOM);
    }
    map.on("zoomend", markNear);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19,
        attribution: "Tiles: your agency's map server" }).addTo(map);
    }
    var cameras = cameraLayer(data.cameras || []).addTo(map);
    var shown = (data.hits || []).slice();
    var hits = hitLayer(shown).addTo(map);
    var state = { area: null };
    if (element.dataset.form) {
      setupDrawing(map, element, state);
    } else {
      state.area = areaLayer(data.area);
      if (state.area) { state.area.addTo(map); }
    }
    var fitted = fitTo(map, [hits, state.area]) || fitTo(map, [cameras]);
    if (!element.dataset.tiles && element.dataset.base) {
      drawBase(map, element.dataset.base, !fitted);
    }
    markNear();
    element.dataset.reads = String(shown.length);
    // A page that learns of more reads after loading (the live Alerts page) adds them here.
    element.addRead = function (hit) {
      if (hit.lat === null || hit.lon === null || isNaN(hit.lat) || isNaN(hit.lon)) { return; }
      shown.push(hit);
      map.removeLayer(hits);
      hits = hitLayer(shown).addTo(map);
      fitTo(map, [hits]);
      element.dataset.reads = String(shown.length);
    };
    element.dataset.ready = "true";  // for tests: the map has drawn its layers
  }

  function start() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-map]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
