// The map of open reports (GET /staff/reports?due_before=..., the open-reports index): one pin per placed
// report, coloured by its SLA badge (sla.js, the same state the queues show); a pin opens the case file.
// An agency's staff see their agency's reports only (the API scopes the list).
// Every page is read, one after another (the list is cursor-paged), and drawn as it arrives under a line
// saying how many have been read; past MAX_PINS the map stops and says it shows only the first ones.
import { keptUnlessFailed } from "../shared/api.js";
import { currentLang, onLanguage, t } from "../shared/i18n.js";
import { $, h } from "../shared/layout.js";
import { createMap, L, pin } from "../shared/map.js";
import { slaBadge } from "./sla.js";

export const SLA_COLOURS = { on_track: "#15803d", due_today: "#ca8a04", overdue: "#b91c1c", closed: "#475569" };
// At most this many reports are read and drawn: a province IOC's busy night fits, and a cheap phone still
// pans 2,000 Leaflet markers; past it the map says so (the queues page through the rest).
export const MAX_PINS = 2000;
const PAGE_SIZE = 100; // the API's largest page (rules/listing.py MAX_LIMIT)
const YEAR_MS = 365 * 24 * 3600 * 1000;

// the map, created by the first call (a second press of the tab waits for it; one that failed is made again)
const drawn = keptUnlessFailed(() => createMap($("#open-map")).then((made) => ({ ...made, layer: null })));
let latest = 0; // the newest call: an older one still reading stops drawing
let shown = null; // the status line and the counts last drawn, drawn again in a newly chosen language

/** The cap and page size: the constants, or smaller ones the page sets on #open-map (data-max-pins, data-page-size). */
function sizes(element) {
  const given = (value, fallback) => Math.max(1, Math.min(Number.parseInt(value, 10) || fallback, fallback));
  return { max: given(element.dataset.maxPins, MAX_PINS), size: given(element.dataset.pageSize, PAGE_SIZE) };
}

function say(key, n) {
  shown.status = { key, n };
  const line = $("#open-map-status");
  line.textContent = key ? t(key, { n: n.toLocaleString(currentLang() === "en" ? "en" : "vi-VN") }) : "";
  line.hidden = !key;
}

function legend(counts) {
  shown.counts = counts;
  $("#open-map-legend").replaceChildren(...Object.keys(SLA_COLOURS).filter((s) => s !== "closed").map((s) =>
    h("li", { dataset: { state: s } }, h("span", { class: "swatch swatch-" + s }),
      t("console.map.legend." + s, { n: counts[s] || 0 }))));
}

/** Draw (or redraw) #open-map, page by page; `open(id)` shows a report's case file. A failed page keeps
 * what was drawn, says so, and throws (the console shows the error). Resolves to the number of pins. */
export async function showOpenMap({ staff, query, open }) {
  const call = (latest += 1);
  const element = $("#open-map");
  const { max, size } = sizes(element);
  const view = $("#map-view");
  const map = await drawn();
  if (call !== latest) return 0;
  map.layer?.remove();
  const layer = (map.layer = L.layerGroup().addTo(map.map));
  map.map.invalidateSize(false); // no animated pan: a pin clicked now stays where it is
  const due = new Date(Date.now() + YEAR_MS).toISOString();
  const counts = {};
  shown = {};
  let read = 0;
  let pins = 0;
  let cursor = null;
  legend(counts);
  view.setAttribute("aria-busy", "true");
  try {
    do {
      say("console.map.loading", read);
      // one more than the cap in all: a row past it is what tells "there are more" from "exactly the cap"
      const page = await staff("/staff/reports" + query({ due_before: due, limit: Math.min(size, max + 1 - read),
                                                          cursor }));
      if (call !== latest) return pins;
      const rows = page.items || [];
      cursor = page.next_cursor || null;
      for (const r of rows.slice(0, max - read)) {
        const badge = slaBadge(r);
        counts[badge.state] = (counts[badge.state] || 0) + 1;
        if (r.lat == null || r.lng == null) continue;
        pins += 1;
        layer.addLayer(pin(L.latLng(r.lat, r.lng), { color: SLA_COLOURS[badge.state] })
          .bindTooltip(`${r.id} · ${t(badge.key, badge.vars)}`)
          .on("click", () => open(r.id)));
      }
      read += rows.length;
      legend(counts);
    } while (cursor && read <= max);
  } catch (error) {
    if (call !== latest) return pins;
    say("console.map.partial", read);
    throw error;
  } finally {
    if (call === latest) view.removeAttribute("aria-busy");
  }
  if (read > max) say("console.map.capped", max);
  else say(null, 0);
  return pins;
}

onLanguage(() => shown && (say(shown.status.key, shown.status.n), legend(shown.counts)));
