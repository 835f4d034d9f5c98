// The map of open reports (GET /staff/reports?due_before=..., the open-reports index): one pin per placed
// report, coloured by its SLA badge (sla.js, the same state the queues show); a pin opens the case file.
// An agency's staff see their agency's reports only (the API scopes the list).
import { t } from "../shared/i18n.js";
import { $, h } from "../shared/layout.js";
import { createMap, L, pin } from "../shared/map.js";
import { slaBadge } from "./sla.js";

export const SLA_COLOURS = { on_track: "#15803d", due_today: "#ca8a04", overdue: "#b91c1c", closed: "#475569" };
const PAGES = 5;
const YEAR_MS = 365 * 24 * 3600 * 1000;

let drawn = null;

/** Every open report the caller may see, up to PAGES pages of 100 (a map is a glance, the queues page on). */
async function openReports(staff, query) {
  const rows = [];
  let cursor = null;
  for (let n = 0; n < PAGES; n += 1) {
    const page = await staff("/staff/reports" + query({ due_before: new Date(Date.now() + YEAR_MS).toISOString(),
                                                        limit: 100, cursor }));
    rows.push(...(page.items || []));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return rows;
}

/** Draw (or redraw) #open-map; `open(id)` shows a report's case file. */
export async function showOpenMap({ staff, query, open }) {
  const rows = await openReports(staff, query);
  if (!drawn) drawn = { ...(await createMap($("#open-map"))), layer: null };
  drawn.layer?.remove();
  const placed = rows.filter((r) => r.lat != null && r.lng != null);
  drawn.layer = L.layerGroup(placed.map((r) => {
    const badge = slaBadge(r);
    return pin(L.latLng(r.lat, r.lng), { color: SLA_COLOURS[badge.state] })
      .bindTooltip(`${r.id} · ${t(badge.key, badge.vars)}`)
      .on("click", () => open(r.id));
  })).addTo(drawn.map);
  const counts = {};
  for (const r of rows) counts[slaBadge(r).state] = (counts[slaBadge(r).state] || 0) + 1;
  $("#open-map-legend").replaceChildren(...Object.keys(SLA_COLOURS).filter((s) => s !== "closed").map((s) =>
    h("li", { dataset: { state: s } }, h("span", { class: "swatch swatch-" + s }),
      t("console.map.legend." + s, { n: counts[s] || 0 }))));
  drawn.map.invalidateSize(false);  // no animated pan: a pin clicked now stays where it is
  return placed.length;
}
