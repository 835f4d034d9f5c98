// Results map and list: published, closed and rejected reports from /public/reports (GeoJSON), filtered and
// paged by cursor, drawn over the ward polygons; #<id> opens one report's public page.
import { api, query } from "../shared/api.js";
import { formatDate, localName, onLanguage, t } from "../shared/i18n.js";
import { $, fill, h, startPage } from "../shared/layout.js";
import { L, mapOrNotice } from "../shared/map.js";

const STATUSES = ["published", "closed", "rejected"];
const PAGE = 20;
// A result published while the page is open appears without a reload: the first page is read again when it is
// this old and the page is in view (not while the reader has paged further down, which a refresh would undo).
const REFRESH_MS = 2 * 60 * 1000;
startPage();
const state = { features: [], cursor: null, layer: null, map: null, categories: [], wards: [], filters: {},
  paged: false, loadedAt: 0, shownAt: null };

const label = localName;

function options(select, items, toOption) {
  const chosen = select.value;
  select.replaceChildren(h("option", { value: "" }, t("results.filter.all")), ...items.map(toOption));
  select.value = chosen;
}

function renderFilters() {
  options($("#f-category"), state.categories, (c) => h("option", { value: c.code }, label(c)));
  options($("#f-ward"), state.wards, (w) => h("option", { value: w.code }, w.name));
  options($("#f-status"), STATUSES, (s) => h("option", { value: s }, t("status." + s)));
}

function filters() {
  const f = new FormData($("#filters"));
  return Object.fromEntries([...f.entries()].filter(([, v]) => v));
}

async function load(more = false) {
  const params = { ...state.filters, format: "geojson", limit: PAGE, cursor: more ? state.cursor : undefined };
  const page = await api.get("/public/reports" + query(params));
  state.features = more ? [...state.features, ...page.features] : page.features;
  state.cursor = page.next_cursor;
  state.paged = more;
  if (!more) state.loadedAt = Date.now();
  render();
}

function refreshIfStale() {
  if (document.visibilityState !== "visible" || state.paged || !state.loadedAt) return;
  if (Date.now() - state.loadedAt >= REFRESH_MS) load().catch(() => {}); // a failed refresh keeps what is shown
}

function render() {
  const list = $("#list");
  list.replaceChildren(...state.features.map((f) => {
    const p = f.properties;
    return h("li", { dataset: { report: f.id } },
      h("a", { href: "#" + encodeURIComponent(f.id) }, h("strong", {}, f.id)), " · ",
      h("span", { class: "badge" }, t("status." + p.status)), " · ", label(p.category), " · ", p.ward_name || "",
      h("br"), h("span", { class: "help" }, formatDate(p.published_at || p.closed_at || p.received_at)), " ",
      h("span", { class: "badge" }, t("common.supports", { n: p.support_count ?? 0 })));
  }));
  $("#empty").hidden = !state.loadedAt || state.features.length > 0; // "no results" only once it has read
  $("#more").hidden = !state.cursor;
  if (state.map) {
    state.layer?.remove();
    state.layer = L.layerGroup(state.features.filter((f) => f.geometry).map((f) => {
      const [lng, lat] = f.geometry.coordinates;
      return L.circleMarker([lat, lng], { radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 1 })
        .on("click", () => (location.hash = encodeURIComponent(f.id)));
    })).addTo(state.map);
  }
}

async function showDetail() {
  const id = decodeURIComponent(location.hash.replace(/^#/, ""));
  const box = $("#detail");
  if (!id) {
    box.hidden = true;
    return;
  }
  try {
    const r = await api.get(`/public/reports/${encodeURIComponent(id)}`);
    const photos = (r.evidence || []).map((p) => {
      const x = p.renditions.find((y) => y.name !== "thumb") || p.renditions[0];
      return x ? h("img", { src: x.url, alt: t("track.result"), width: x.width, height: x.height, class: "evidence" }) : null;
    });
    fill(box,
      h("h2", {}, r.id, " · ", t("status." + r.status)),
      h("p", {}, label(r.category), " · ", r.location.ward_name || "", " · ", label(r.agency)),
      h("p", {}, r.description),
      r.result ? h("p", {}, h("strong", {}, t("track.result")), ": ", r.result.text) : null,
      r.rejection ? h("p", { id: "detail-rejection" }, h("strong", {}, t("track.rejected")), ": ",
        r.rejection.public_reason) : null,
      ...photos,
      h("p", {}, h("span", { class: "badge" }, t("common.supports", { n: r.support_count ?? 0 }))),
    );
    box.hidden = false;
    state.shownAt = r.location.lat != null ? [r.location.lat, r.location.lng] : null;
    if (state.shownAt && state.map) state.map.setView(state.shownAt, 12);
  } catch {
    box.hidden = true;
  }
}

const listFailed = () => ($("#list-failed").hidden = false); // what is shown stays; the button tries again
$("#filters").addEventListener("submit", (e) => {
  e.preventDefault();
  state.filters = filters();
  $("#list-failed").hidden = true;
  load().catch(listFailed);
});
$("#more").addEventListener("click", () => load(true).catch(listFailed));
window.addEventListener("hashchange", showDetail);
document.addEventListener("visibilitychange", refreshIfStale);
setInterval(refreshIfStale, 30 * 1000);

/** The map, on its own: on patchy data it may fail while the list loads, and the page says so and offers to
 *  load it again; once it is there it draws what is listed. */
async function startMap() {
  const map = (await mapOrNotice($("#map"), $("#map-failed")))?.map ?? null;
  if (!map || map === state.map) return; // not loaded, or already drawn (a double tap on "load again")
  state.map = map;
  render();
  if (state.shownAt) state.map.setView(state.shownAt, 12); // the report opened before the map arrived
}

/** The filters' lists and the first page of results; a failure says so, with a button to try again. */
async function start() {
  $("#list-failed").hidden = true;
  try {
    if (!state.categories.length) {
      const [{ categories }, wards] = await Promise.all([api.get("/categories"), api.get("/wards")]);
      state.categories = categories;
      state.wards = wards.wards || wards.items || [];
      renderFilters();
    }
    await load();
    showDetail();
  } catch {
    listFailed();
  }
}

onLanguage(() => {
  renderFilters();
  render();
});
$("#map-retry").addEventListener("click", () => startMap());
$("#list-retry").addEventListener("click", () => start());
startMap();
start();
