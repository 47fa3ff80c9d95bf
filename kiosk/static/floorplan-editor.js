/* The floorplan editor's map canvas: one floor of the draft drawn with Leaflet over its image.
 *
 * The canvas only posts the editor's own forms (move, add, connect) through htmx, with the
 * draft revision the page shows; the server answers with the editor's panels, which htmx swaps
 * in, and the canvas then redraws the floor from /floor-data. Everything it does can also be
 * done with the forms alone, without script.
 *
 * Strict CSP: no inline script or style. Leaflet positions its panes and markers through the
 * CSSOM (element.style), which `style-src 'self'` does not block (only style attributes in
 * markup and <style> elements are), so the policy stays as it is. Names are put into the page
 * with textContent only: a name with markup in it stays text.
 */
(function () {
  "use strict";

  var canvas = document.getElementById("floor-canvas");
  if (!canvas || !window.L || !window.htmx) {
    return;
  }
  var L = window.L;
  var htmx = window.htmx;
  var status = document.getElementById("canvas-status");
  // System admins look at the map; only facility admins move things on it.
  var canEdit = canvas.getAttribute("data-can-edit") === "true";
  var STEP_M = 0.5;
  var BIG_STEP_M = 5;
  var SAVE_AFTER_MS = 400;

  var map = L.map(canvas, {
    crs: L.CRS.Simple,
    minZoom: -4,
    maxZoom: 6,
    zoomSnap: 0.25,
    keyboard: false,
    attributionControl: false,
    boxZoom: false
  });
  var imageLayer = null;
  var drawn = L.layerGroup().addTo(map);
  var markers = {};
  var lines = {};
  var tool = "select";
  var connectFrom = "";
  var pendingMove = null;
  var moveTimer = null;
  var fitted = false;
  var floorImage = null;
  var scaleFrom = null;

  function panels() {
    return document.getElementById("editor-panels");
  }

  function selectedId() {
    var element = panels();
    return element ? element.getAttribute("data-selected") || "" : "";
  }

  function word(name, id) {
    return (canvas.getAttribute("data-word-" + name) || "").replace("{id}", id || "");
  }

  function say(text) {
    status.textContent = text;
  }

  function formValue(name) {
    var input = panels().querySelector("input[name='" + name + "']");
    return input ? input.value : "";
  }

  /* Post one of the editor's operations; htmx swaps the panels from the answer. */
  function post(values) {
    values.csrf_token = formValue("csrf_token");
    values.revision = panels().getAttribute("data-revision");
    values.floor = canvas.getAttribute("data-floor");
    return htmx.ajax("POST", formAction(), {
      target: "#editor-panels",
      select: "#editor-panels",
      swap: "outerHTML",
      values: values
    });
  }

  function formAction() {
    var form = panels().querySelector("form[action$='/edit']");
    return form ? form.getAttribute("action") : canvas.getAttribute("data-editor") + "edit";
  }

  function showEditor(select) {
    var url = canvas.getAttribute("data-editor") + "?floor=" +
      encodeURIComponent(canvas.getAttribute("data-floor")) +
      (select ? "&select=" + encodeURIComponent(select) : "");
    return htmx.ajax("GET", url, {
      target: "#editor-panels",
      select: "#editor-panels",
      swap: "outerHTML"
    });
  }

  function point(x, y) {
    return L.latLng(y, x);
  }

  function rounded(value) {
    return Math.round(value * 10) / 10;
  }

  function nodeIcon(node) {
    var classes = "floor-node node-" + node.kind + (node.staff ? " is-staff" : "");
    return L.divIcon({ className: classes, iconSize: [18, 18] });
  }

  function placeIcon(place) {
    var label = document.createElement("span");
    label.className = "place-label";
    label.textContent = place.name;
    if (place.section === "kiosks") {
      var arrow = document.createElement("span");
      arrow.className = "kiosk-heading";
      arrow.textContent = "↑";
      // Rotating one element through the CSSOM: allowed under the strict CSP.
      arrow.style.transform = "rotate(" + (place.heading || 0) + "deg)";
      label.insertBefore(arrow, label.firstChild);
    }
    return L.divIcon({ className: "floor-place place-" + place.section, html: label, iconSize: null });
  }

  function drawNode(node) {
    var marker = L.marker(point(node.x, node.y), {
      icon: nodeIcon(node),
      draggable: canEdit,
      keyboard: false,
      title: node.name ? node.id + " · " + node.name : node.id
    });
    marker.on("click", function () {
      nodeClicked(node.id);
    });
    marker.on("dragend", function () {
      var at = marker.getLatLng();
      say(word("moved", node.id));
      post({ operation: "move-node", node: node.id, x: rounded(at.lng), y: rounded(at.lat), select: node.id });
    });
    marker.addTo(drawn);
    marker.getElement().setAttribute("data-node", node.id);
    markers[node.id] = marker;
  }

  function drawEdge(edge) {
    var classes = "floor-edge edge-" + edge.kind + (edge.staff ? " is-staff" : "") +
      (edge.one_way ? " is-one-way" : "");
    var line = L.polyline([point(edge.from[0], edge.from[1]), point(edge.to[0], edge.to[1])], {
      className: classes,
      weight: 6,
      bubblingMouseEvents: false
    });
    line.on("click", function () {
      showEditor(edge.id);
    });
    line.addTo(drawn);
    lines[edge.id] = line;
  }

  function drawPlace(place, nodes) {
    var node = nodes[place.node];
    if (!node) {
      return;
    }
    var marker = L.marker(point(node.x, node.y), {
      icon: placeIcon(place),
      keyboard: false,
      interactive: true,
      zIndexOffset: -100
    });
    marker.on("click", function () {
      showEditor(place.id);
    });
    marker.addTo(drawn);
    markers[place.id] = marker;
  }

  /* The map needs a view before layers are added (Leaflet adds them once it has one). */
  function fitOnce(data, bounds) {
    if (fitted) {
      return;
    }
    fitted = true;
    if (!bounds && data.nodes.length) {
      bounds = L.latLngBounds(data.nodes.map(function (n) { return point(n.x, n.y); }));
    }
    if (bounds) {
      map.fitBounds(bounds.pad(0.05));
    } else {
      map.setView([0, 0], 0);
    }
  }

  function draw(data) {
    drawn.clearLayers();
    markers = {};
    lines = {};
    if (imageLayer) {
      map.removeLayer(imageLayer);
      imageLayer = null;
    }
    var bounds = null;
    floorImage = data.image;
    if (data.image) {
      bounds = L.latLngBounds(data.image.south_west, data.image.north_east);
    }
    fitOnce(data, bounds);
    if (bounds) {
      imageLayer = L.imageOverlay(data.image.url, bounds, { className: "floor-image" }).addTo(map);
      imageLayer.bringToBack();
    }
    // The floor below (or above), faint and out of reach of the mouse, to line this one up with.
    data.reference.forEach(function (pair) {
      L.polyline([point(pair[0][0], pair[0][1]), point(pair[1][0], pair[1][1])], {
        className: "reference-edge",
        interactive: false,
        weight: 3
      }).addTo(drawn);
    });
    var nodes = {};
    data.nodes.forEach(function (node) {
      nodes[node.id] = node;
    });
    data.edges.forEach(drawEdge);
    data.places.forEach(function (place) {
      drawPlace(place, nodes);
    });
    data.nodes.forEach(drawNode);
    highlight();
  }

  function highlight() {
    var selected = selectedId();
    Object.keys(markers).forEach(function (id) {
      var element = markers[id].getElement();
      if (element) {
        element.classList.toggle("is-selected", id === selected);
        element.classList.toggle("is-connect-start", id === connectFrom);
      }
    });
    Object.keys(lines).forEach(function (id) {
      var element = lines[id].getElement();
      if (element) {
        element.classList.toggle("is-selected", id === selected);
      }
    });
  }

  function reload() {
    var url = canvas.getAttribute("data-floor-data");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(draw)
      .catch(function (problem) {
        say(word("failed"));
        window.console.error(problem);
      });
  }

  function nodeClicked(id) {
    if (tool !== "connect") {
      say(word("selected", id));
      showEditor(id);
      return;
    }
    if (!connectFrom) {
      connectFrom = id;
      highlight();
      say(word("connect-second", id));
      return;
    }
    var from = connectFrom;
    connectFrom = "";
    if (from !== id) {
      post({ operation: "connect", from: from, to: id, kind: "corridor" });
    }
  }

  /* A clicked site point in the floor image's own units (pixels from its top-left corner). */
  function imageUnits(latlng) {
    var origin = floorImage.origin;
    var perUnit = floorImage.metres_per_unit;
    return [rounded((latlng.lng - origin[0]) / perUnit), rounded((origin[1] - latlng.lat) / perUnit)];
  }

  function fillScaleForm(first, second) {
    var form = document.getElementById("scale-form");
    if (!form) {
      return;
    }
    var values = { x1: first[0], y1: first[1], x2: second[0], y2: second[1] };
    Object.keys(values).forEach(function (name) {
      form.querySelector("[name='" + name + "']").value = values[name];
    });
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
    say(word("scale-done"));
    form.querySelector("[name='distance_m']").focus();
  }

  function scaleClicked(latlng) {
    if (!floorImage) {
      say(word("no-image"));
      return;
    }
    if (!scaleFrom) {
      scaleFrom = imageUnits(latlng);
      say(word("scale-second"));
      return;
    }
    var first = scaleFrom;
    scaleFrom = null;
    fillScaleForm(first, imageUnits(latlng));
  }

  map.on("click", function (event) {
    if (tool === "scale") {
      scaleClicked(event.latlng);
    } else if (tool === "add") {
      post({
        operation: "add-node",
        x: rounded(event.latlng.lng),
        y: rounded(event.latlng.lat),
        kind: "corridor"
      });
    }
  });

  function chooseTool(name) {
    tool = name;
    connectFrom = "";
    scaleFrom = null;
    document.querySelectorAll("[data-tool]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-tool") === name));
    });
    canvas.classList.toggle("is-adding", name === "add" || name === "scale");
    if (name === "add") {
      say(word("added"));
    } else if (name === "connect") {
      say(word("connect-first"));
    } else if (name === "scale") {
      say(word(floorImage ? "scale-first" : "no-image"));
    }
    highlight();
  }

  var toolbar = document.querySelector(".canvas-tools");
  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tool]");
      if (button) {
        chooseTool(button.getAttribute("data-tool"));
      }
    });
  }

  /* Arrow keys move the selected node on the canvas at once and save once the keys rest,
     so a run of presses is one edit against one revision. */
  function nudge(dx, dy) {
    var id = selectedId();
    var marker = markers[id];
    if (!canEdit || !marker) {
      return false;
    }
    var at = marker.getLatLng();
    var moved = L.latLng(rounded(at.lat + dy), rounded(at.lng + dx));
    marker.setLatLng(moved);
    pendingMove = { operation: "move-node", node: id, x: moved.lng, y: moved.lat, select: id };
    window.clearTimeout(moveTimer);
    moveTimer = window.setTimeout(function () {
      var values = pendingMove;
      pendingMove = null;
      say(word("moved", values.node));
      post(values);
    }, SAVE_AFTER_MS);
    return true;
  }

  /* [ and ] turn the selected kiosk's heading arrow 15 degrees (with Shift, { and }: 90) and
     save it through the kiosk's own form once the keys rest, as a move does. */
  var TURNS = { "[": -15, "]": 15, "{": -90, "}": 90 };
  var turnTimer = null;

  function turn(degrees) {
    var heading = document.getElementById("edit-kiosk-heading");
    var marker = markers[selectedId()];
    if (!canEdit || !heading || !marker) {
      return false;
    }
    var value = (((Number(heading.value) || 0) + degrees) % 360 + 360) % 360;
    heading.value = String(value);
    var arrow = marker.getElement() && marker.getElement().querySelector(".kiosk-heading");
    if (arrow) {
      arrow.style.transform = "rotate(" + value + "deg)";
    }
    window.clearTimeout(turnTimer);
    turnTimer = window.setTimeout(function () {
      var values = {};
      new FormData(heading.form).forEach(function (entry, name) {
        values[name] = entry;
      });
      say(word("turned", values.id));
      post(values);
    }, SAVE_AFTER_MS);
    return true;
  }

  var ARROWS = {
    ArrowUp: [0, 1],
    ArrowDown: [0, -1],
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0]
  };

  canvas.addEventListener("keydown", function (event) {
    if (TURNS[event.key] !== undefined) {
      if (turn(TURNS[event.key])) {
        event.preventDefault();
      }
      return;
    }
    var arrow = ARROWS[event.key];
    if (arrow) {
      var step = event.shiftKey ? BIG_STEP_M : STEP_M;
      if (nudge(arrow[0] * step, arrow[1] * step)) {
        event.preventDefault();
      }
      return;
    }
    if (event.key === "Enter" && selectedId()) {
      event.preventDefault();
      var form = document.getElementById("selected-element");
      if (form) {
        form.focus();
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      connectFrom = "";
      say(word("cleared"));
      showEditor("");
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "editor-panels") {
      reload();
    }
  });
  /* A selection made from a list or a check goes on from the selected element's panel, so a
     keyboard user is one Tab away from its forms and from "Move it on the map". */
  document.body.addEventListener("htmx:afterSettle", function (event) {
    highlight();
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var panel = document.getElementById("selected-element");
    if (panel && source && source.closest && source.closest(".element-list, .issue-list")) {
      panel.focus();
    }
  });

  /* "Move it on the map" and "Turn it on the map" (links to the canvas) hand the keyboard to
     the map. */
  document.body.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.to-canvas");
    if (link) {
      event.preventDefault();
      canvas.focus();
      say(word("selected", selectedId()));
    }
  });

  reload();
})();
