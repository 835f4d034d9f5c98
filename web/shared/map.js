// The map every page shares: Leaflet with the province's ward polygons as the base layer on a plain
// background. No tile server unless config.json names one (tile_url, off by default), so it works offline.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { api, config } from "./api.js";

const WARD_STYLE = { color: "#5b6b7a", weight: 1, fillColor: "#e8efe6", fillOpacity: 1 };

/** A map in `element`, with the wards drawn; resolves to { map, wards } once the polygons are in. */
export async function createMap(element, { onWardClick } = {}) {
  const map = L.map(element, { zoomSnap: 0.5, attributionControl: false, preferCanvas: false });
  map.setView([16, 106], 5); // Vietnam, until the province's own wards are in and the map fits them
  let settings, geojson;
  try {
    settings = await config();
    geojson = await api.get("/wards.geojson");
  } catch (error) {
    map.remove(); // Leaflet refuses a second map on the element: without this a retry could never draw one
    throw error;
  }
  if (settings.tile_url) {
    L.tileLayer(settings.tile_url, { attribution: settings.tile_attribution || "" }).addTo(map);
    L.control.attribution({ prefix: false }).addTo(map);
  }
  const wards = L.geoJSON(geojson, {
    style: () => (settings.tile_url ? { ...WARD_STYLE, fillOpacity: 0.15 } : WARD_STYLE),
    onEachFeature: (feature, layer) => {
      if (onWardClick) layer.on("click", (e) => onWardClick(e, feature));
    },
  }).addTo(map);
  keepFitted(map, element, wards.getBounds());
  return { map, wards };
}

/** `createMap`, or null once `notice` is shown in its place: on a cheap phone's patchy data the outlines may
 *  not load, and the page says so (with its own button to call this again) rather than an empty grey box. A call
 *  while one for the same element is still loading shares it (a double tap on the button makes one map). */
export function mapOrNotice(element, notice, options) {
  if (!loading.has(element)) {
    loading.set(element, (async () => {
      notice.hidden = true;
      element.hidden = false; // Leaflet measures the box it draws in
      try {
        return await createMap(element, options);
      } catch {
        element.hidden = true;
        notice.hidden = false;
        return null;
      } finally {
        loading.delete(element);
      }
    })());
  }
  return loading.get(element);
}

const loading = new WeakMap(); // element -> its map being made

/** Leaflet measures its box once: when the page's layout settles later (CSS, a rotated phone, a resized
 *  window) it must be told, and while nobody (the person or the page) has moved the map since it was fitted
 *  to the province, it fits the province again. */
function keepFitted(map, element, bounds) {
  let fitted = true, fitting = false;
  const fit = () => {
    if (!fitted || !bounds.isValid()) return;
    fitting = true; // not animated: Leaflet's animated zoom would report its start a frame later, as if moved
    map.fitBounds(bounds, { animate: false });
    fitting = false;
  };
  map.on("movestart zoomstart", () => { if (!fitting) fitted = false; });
  fit();
  new ResizeObserver(() => {
    map.invalidateSize();
    fit();
  }).observe(element);
}

/** A round marker (no image files: nothing for the CSP to allow but 'self'). */
export function pin(latlng, { draggable = false, color = "#c0392b" } = {}) {
  const icon = L.divIcon({ className: "pin", html: "", iconSize: [22, 22], iconAnchor: [11, 11] });
  const marker = L.marker(latlng, { icon, draggable, keyboard: true });
  marker.on("add", () => marker.getElement()?.style.setProperty("--pin", color));
  return marker;
}

export { L };
