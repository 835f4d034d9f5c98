// The agency boxes' suggestions (<datalist id="agencies">): the ward committees (UBND, the default agency of
// every report, `ubnd-<ward code>`) from the wards the map already loads; any other code may be typed.
import { api } from "../shared/api.js";
import { $, h } from "../shared/layout.js";

/** Fill #agencies once, from the wards' GeoJSON features (fetched when not given). */
export async function fillAgencies(features) {
  const list = $("#agencies");
  if (!list || list.children.length) return;
  const wards = features || (await api.get("/wards.geojson")).features;
  list.replaceChildren(...wards.map((f) => f.properties)
    .map((p) => h("option", { value: `ubnd-${p.code}` }, `UBND ${p.name}`)));
}
