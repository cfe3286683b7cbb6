/*
 * cartotech maps: every element with [data-map] becomes a Leaflet map.
 *
 * No tile server is needed: the base layer is drawn from the referential's
 * outlines served by /api/v1/map. The attributes set by the templates decide
 * what is drawn (see drawMap). Everything comes from this server: Leaflet and
 * markercluster are vendored under /static/vendor.
 *
 * Data (actor and territory names) is only ever put in the page with
 * textContent or element properties, never parsed as HTML.
 *
 * Plain ES2018, no build step. Loaded with `defer` after Leaflet and
 * markercluster, so the document is parsed and `L` is defined when it runs.
 */
(function () {
  "use strict";

  // Metropolitan France, the default view.
  const FRANCE = [[41.3, -5.2], [51.1, 9.6]];

  // Sequential palette (ColorBrewer YlGnBu without its lightest step, so the
  // first class stays distinct from the grey of areas without actors).
  const PALETTE = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"];
  const EMPTY = "#f6f6f2";
  const OUTLINE = "#6b7785";
  // Legends start folded on maps narrower than this.
  const WIDE_MAP_PX = 480;
  // How many points the map asks for. The note about a capped map is shown
  // only when this cap is reached: the API's "truncated" also counts actors
  // that have no position, so it is not enough on its own.
  const POINT_LIMIT = 5000;

  // The directory's filter parameters: anything else in data-filters (level,
  // sort, page, lang) is not a filter and is dropped.
  const FILTER_KEYS = ["q", "type", "sector", "region", "departement", "epci", "label", "territory"];

  const LANG = document.documentElement.lang === "en" ? "en" : "fr";
  const NUMBER = new Intl.NumberFormat(LANG === "en" ? "en-GB" : "fr-FR");
  const TEXT = {
    fr: {
      legend: "Nombre d'acteurs",
      actors: (n) => (n === 1 ? "1 acteur" : `${NUMBER.format(n)} acteurs`),
      area: (name, n) => `${name} : ${TEXT.fr.actors(n)}`,
      see_territory: "Voir le territoire",
      truncated: (shown, total) =>
        `${NUMBER.format(shown)} acteurs placés sur la carte sur ${NUMBER.format(total)}`,
      error: "La carte n'a pas pu être chargée.",
      zoom_in: "Zoom avant",
      zoom_out: "Zoom arrière",
    },
    en: {
      legend: "Number of actors",
      actors: (n) => (n === 1 ? "1 actor" : `${NUMBER.format(n)} actors`),
      area: (name, n) => `${name}: ${TEXT.en.actors(n)}`,
      see_territory: "See the territory",
      truncated: (shown, total) =>
        `${NUMBER.format(shown)} of ${NUMBER.format(total)} actors placed on the map`,
      error: "The map could not be loaded.",
      zoom_in: "Zoom in",
      zoom_out: "Zoom out",
    },
  };
  const T = TEXT[LANG];

  // --- Small helpers --------------------------------------------------------

  /** An element with an optional class and text (never HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Keep only the non-empty directory filters of a query string. */
  function filterParams(query) {
    const params = new URLSearchParams();
    for (const [key, value] of new URLSearchParams(query || "")) {
      // An empty value ("type=" from a form left on "—") means "no filter".
      if (FILTER_KEYS.includes(key) && value.trim() !== "") params.append(key, value);
    }
    return params;
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  /** The page of a territory id such as fr:departement:59 (colons kept readable). */
  function territoryUrl(id) {
    return "/territories/" + encodeURIComponent(id).replace(/%3A/gi, ":");
  }

  /** A Leaflet control showing one short message in a corner. */
  function noteControl(map, text, position) {
    const control = L.control({ position: position || "topright" });
    control.onAdd = () => {
      const note = el("div", "map-note leaflet-bar", text);
      L.DomEvent.disableClickPropagation(note);
      return note;
    };
    control.addTo(map);
    return control;
  }

  // --- The map itself -------------------------------------------------------

  function createMap(container) {
    // maxZoom: markercluster needs one, and without tiles no layer provides it.
    const map = L.map(container, {
      zoomControl: false,
      attributionControl: false,
      minZoom: 2,
      maxZoom: 16,
      // Quarter zoom steps let fitBounds fill small maps instead of leaving
      // France a third of their size.
      zoomSnap: 0.25,
    });
    L.control.zoom({ zoomInTitle: T.zoom_in, zoomOutTitle: T.zoom_out }).addTo(map);
    L.control
      .attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
      .addAttribution("INSEE, IGN, Etalab")
      .addTo(map);
    map.fitBounds(FRANCE);
    // The wheel scrolls the page until the visitor chooses the map (click or
    // Tab), so that maps embedded in long pages do not trap scrolling.
    map.scrollWheelZoom.disable();
    map.once("focus", () => map.scrollWheelZoom.enable());

    const tileUrl = document.body.dataset.tileUrl;
    if (tileUrl) {
      // Tiles go in Leaflet's tile pane, under the outlines' overlay pane.
      L.tileLayer(tileUrl, { attribution: document.body.dataset.tileAttribution || "" }).addTo(map);
    }
    return map;
  }

  /** The départements' outlines, drawn plainly to situate a point or a territory. */
  const CONTEXT_URL = "/api/v1/map/outlines/departement.geojson";

  function contextLayer(outlines) {
    return L.geoJSON(outlines, {
      interactive: false,
      className: "context-area",
      style: { color: OUTLINE, weight: 0.6, fillColor: EMPTY, fillOpacity: tileOpacity(0.6) },
    });
  }

  /** Fill opacity: opaque without tiles (the outlines are the map), lighter over tiles. */
  function tileOpacity(opaque) {
    return document.body.dataset.tileUrl ? Math.min(opaque, 0.5) : opaque;
  }

  // --- Choropleth -----------------------------------------------------------

  /**
   * Upper bounds of the classes for counts from 1 to max. Counts are very
   * skewed (a metropolis has dozens of actors, most areas one or none), so
   * the classes grow geometrically; small maxima get one class per value.
   */
  function classBreaks(max) {
    if (max <= PALETTE.length) return Array.from({ length: max }, (_, i) => i + 1);
    const breaks = [];
    for (let i = 1; i <= PALETTE.length; i++) {
      const bound = Math.round(Math.pow(max, i / PALETTE.length));
      breaks.push(Math.max(bound, (breaks[i - 2] || 0) + 1));
    }
    breaks[breaks.length - 1] = max;
    return breaks;
  }

  /** One colour per class, spread over the palette when there are fewer classes. */
  function classColours(count) {
    if (count === 1) return [PALETTE[2]];
    return Array.from({ length: count }, (_, i) =>
      PALETTE[Math.round((i * (PALETTE.length - 1)) / (count - 1))]
    );
  }

  function colourFor(n, breaks, colours) {
    if (!n) return EMPTY;
    const index = breaks.findIndex((upper) => n <= upper);
    return colours[index === -1 ? colours.length - 1 : index];
  }

  /**
   * The legend, a <details> so that it can fold away: open on wide maps,
   * folded on narrow ones (a phone, the home page) where it would hide the map.
   */
  function legendControl(title, breaks, colours, open) {
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const box = el("details", "map-legend");
      box.open = open;
      box.appendChild(el("summary", "", title));
      // Clicks on the legend are for the legend, not for the area under it.
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      const rows = [["0", EMPTY]];
      breaks.forEach((upper, i) => {
        const lower = i === 0 ? 1 : breaks[i - 1] + 1;
        const label =
          lower === upper ? NUMBER.format(upper) : `${NUMBER.format(lower)}–${NUMBER.format(upper)}`;
        rows.push([label, colours[i]]);
      });
      for (const [label, colour] of rows) {
        const row = el("div");
        const swatch = el("i");
        swatch.style.background = colour;
        swatch.setAttribute("aria-hidden", "true");
        row.append(swatch, label);
        box.appendChild(row);
      }
      return box;
    };
    return control;
  }

  /** Popup of an area: its name, how many actors match, a link to its page. */
  function areaPopup(id, name, n) {
    const box = el("div", "map-popup");
    box.appendChild(el("strong", "", name));
    box.appendChild(el("div", "", T.actors(n)));
    const link = el("a", "", T.see_territory);
    link.href = territoryUrl(id);
    box.appendChild(link);
    return box;
  }

  async function drawChoropleth(map, container, filters) {
    const level = container.dataset.level;
    const params = new URLSearchParams(filters);
    params.set("level", level);
    const [outlines, result] = await Promise.all([
      getJSON(`/api/v1/map/outlines/${encodeURIComponent(level)}.geojson`),
      getJSON(`/api/v1/map/counts?${params}`),
    ]);
    const counts = result.counts || {};
    const breaks = classBreaks(Math.max(0, ...Object.values(counts)));
    const colours = classColours(breaks.length);

    L.geoJSON(outlines, {
      className: "choropleth-area", // set on every SVG path; tests find the areas by it
      style: (feature) => ({
        color: OUTLINE,
        weight: 0.7,
        fillColor: colourFor(counts[areaCode(feature)], breaks, colours),
        fillOpacity: tileOpacity(0.9),
      }),
      onEachFeature: (feature, layer) => {
        const code = areaCode(feature);
        const name = (result.names || {})[code] || feature.properties.name || code;
        const n = counts[code] || 0;
        // An element, not a string: Leaflet would parse a string as HTML.
        layer.bindTooltip(el("span", "", T.area(name, n)), { sticky: true });
        layer.bindPopup(() => areaPopup(feature.id, name, n));
      },
    }).addTo(map);
    const wide = container.clientWidth >= WIDE_MAP_PX;
    legendControl(container.dataset.legend || T.legend, breaks, colours, wide).addTo(map);
  }

  /** The code of an area feature: its `code` property, else the end of its id. */
  function areaCode(feature) {
    const props = feature.properties || {};
    return props.code || String(feature.id).split(":").pop();
  }

  // --- Actor points ---------------------------------------------------------

  /** Popup of an actor: its name as a link to its page. */
  function actorPopup(props) {
    const link = el("a", "", props.name);
    link.href = `/actors/${encodeURIComponent(props.id)}`;
    const box = el("div", "map-popup");
    box.appendChild(link);
    return box;
  }

  function actorMarker(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const props = feature.properties;
    // title and alt are set as properties by Leaflet: a hostile name stays text.
    const marker = L.marker([lat, lon], { title: props.name, alt: props.name });
    marker.bindPopup(() => actorPopup(props));
    return marker;
  }

  async function drawPoints(map, filters) {
    const params = new URLSearchParams(filters);
    params.set("limit", String(POINT_LIMIT));
    const data = await getJSON(`/api/v1/map/points?${params}`);
    const cluster = L.markerClusterGroup({ showCoverageOnHover: false });
    cluster.addLayers(data.features.map(actorMarker));
    map.addLayer(cluster);
    if (data.truncated && data.features.length >= POINT_LIMIT) {
      noteControl(map, T.truncated(data.features.length, data.total));
    }
    return cluster;
  }

  // --- One map per [data-map] element ---------------------------------------

  /** A territory's outline over the départements, the map fitted to it. */
  async function drawOutline(map, territoryId) {
    // Fetched together, added in order: the outline must end up on top.
    const [context, feature] = await Promise.all([
      getJSON(CONTEXT_URL),
      getJSON(`/api/v1/territories/${encodeURIComponent(territoryId)}/outline`),
    ]);
    contextLayer(context).addTo(map);
    const layer = L.geoJSON(feature, {
      interactive: false,
      className: "territory-outline",
      style: { color: "#083f7a", weight: 2, fillColor: PALETTE[0], fillOpacity: tileOpacity(0.5) },
    }).addTo(map);
    // No animation: this is the initial view, not a move the visitor asked for.
    map.fitBounds(layer.getBounds(), { padding: [8, 8], animate: false });
  }

  async function drawContext(map) {
    contextLayer(await getJSON(CONTEXT_URL)).addTo(map);
  }

  async function drawMap(map, container) {
    const data = container.dataset;
    const filters = filterParams(data.filters);

    if (data.point) {
      // An actor's mini map. Without tiles, a wider view (département level)
      // says more about where the actor is than a street-level zoom would.
      const [lat, lon] = data.point.split(",").map(Number);
      map.setView([lat, lon], 9, { animate: false });
      L.marker([lat, lon], { title: data.label || "", alt: data.label || "" }).addTo(map);
      await drawContext(map);
    } else if (data.level) {
      // Markers live in a pane above the areas', so both can load at once.
      await Promise.all([drawChoropleth(map, container, filters), drawPoints(map, filters)]);
    } else if (data.outline) {
      await Promise.all([drawOutline(map, data.outline), drawPoints(map, filters)]);
    } else if (data.territory) {
      // A commune or a group: no outline, so the actors decide the view.
      await drawContext(map);
      const cluster = await drawPoints(map, filters);
      const bounds = cluster.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 10, animate: false });
      }
    } else {
      await drawContext(map);
    }
  }

  function start() {
    if (typeof L === "undefined" || typeof L.markerClusterGroup !== "function") {
      console.error("cartotech map: Leaflet or markercluster is missing from /static/vendor");
      return;
    }
    for (const container of document.querySelectorAll("[data-map]")) {
      // data-map-state tells tests (and curious readers) when drawing is over.
      container.dataset.mapState = "loading";
      const map = createMap(container);
      drawMap(map, container)
        .then(() => {
          container.dataset.mapState = "ready";
        })
        .catch((error) => {
          console.error("cartotech map:", error);
          container.dataset.mapState = "error";
          noteControl(map, T.error);
        });
    }
  }

  start();
})();
