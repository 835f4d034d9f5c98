// The report page: place on the map (tap, drag, or the browser's location) -> ward from /wards/lookup,
// nearby candidates to support instead, category with its SLA, description, contact, photos uploaded straight
// to S3 after the report is accepted. One Idempotency-Key per draft, kept across a reload, so a double tap or a
// reload never makes two reports.
import { api, ApiError, query, uploadPresigned } from "../shared/api.js";
import { apiMessage, currentLang, formatDate, onLanguage, t } from "../shared/i18n.js";
import { $, clearErrors, h, showError, startPage } from "../shared/layout.js";
import { mapOrNotice, pin } from "../shared/map.js";
import { trackingHash } from "./tracking-link.js";

const CHANNEL = "web";
const KEY_STORE = "phananh.report-key";
const POLL_MS = 1500;
const POLL_LIMIT = 60;

startPage();
const form = $("#report");
const state = { point: null, marker: null, map: null, categories: [], ward: null };

function draftKey(renew = false) {
  let key = renew ? null : sessionStorage.getItem(KEY_STORE);
  if (!key) {
    key = "web-" + crypto.randomUUID();
    sessionStorage.setItem(KEY_STORE, key);
  }
  return key;
}

// -- categories ----------------------------------------------------------------------------
async function loadCategories() {
  const { categories } = await api.get("/categories");
  state.categories = categories;
  onLanguage(renderCategories);
}

function renderCategories() {
  const select = $("#category");
  const chosen = select.value;
  select.replaceChildren(
    h("option", { value: "" }, t("report.category.choose")),
    ...state.categories.map((c) => h("option", { value: c.code }, currentLang() === "en" ? c.name_en : c.name)),
  );
  select.value = chosen;
  showSla();
}

function showSla() {
  const c = state.categories.find((x) => x.code === $("#category").value);
  $("#category-sla").textContent = c ? t("report.category.sla", { days: c.sla_working_days[CHANNEL] }) : "";
}

$("#category").addEventListener("change", () => {
  showSla();
  loadNearby();
});

// -- place ---------------------------------------------------------------------------------
/** The chosen point: its pin (once the map is there: a point from "My location" needs no map) and its ward. */
async function setPoint(latlng) {
  state.point = { lat: +latlng.lat.toFixed(6), lng: +latlng.lng.toFixed(6) };
  placePin();
  const ward = $("#ward");
  const error = form.querySelector('[data-error-for="location"]');
  error.hidden = true;
  ward.textContent = t("report.ward.looking");
  try {
    state.ward = await api.get("/wards/lookup" + query(state.point));
    ward.textContent = state.ward.ward_name;
  } catch (e) {
    state.ward = null;
    ward.textContent = t("report.ward.none");
    error.textContent = e instanceof ApiError && e.status ? apiMessage(e) : t("error.network");
    error.hidden = false;
  }
  loadNearby();
}

function placePin() {
  if (!state.map || !state.point) return;
  if (!state.marker) {
    state.marker = pin(state.point, { draggable: true }).addTo(state.map);
    state.marker.on("dragend", () => setPoint(state.marker.getLatLng()));
  } else {
    state.marker.setLatLng(state.point);
  }
}

/** The ward map. On a cheap phone's patchy data it may fail to load: the page says so and offers to try
 *  again, and "My location" still works without it (the ward comes from the API either way). */
async function startMap() {
  const map = (await mapOrNotice($("#map"), $("#map-failed")))?.map ?? null;
  if (!map || map === state.map) return; // not loaded, or already wired (a double tap on "load again")
  state.map = map;
  map.on("click", (e) => setPoint(e.latlng));
  // keyboard: arrows pan (Leaflet), Enter or Space puts the pin at the map's centre
  map.getContainer().addEventListener("keydown", (e) => {
    if (e.target !== map.getContainer() || (e.key !== "Enter" && e.key !== " ")) return;
    e.preventDefault();
    setPoint(map.getCenter());
  });
  if (state.point) {
    map.setView(state.point, 16);
    placePin();
  }
}

$("#map-retry").addEventListener("click", () => startMap());
$("#locate").addEventListener("click", () => {
  navigator.geolocation?.getCurrentPosition(
    (p) => {
      const latlng = { lat: p.coords.latitude, lng: p.coords.longitude };
      state.map?.setView(latlng, 16);
      setPoint(latlng);
    },
    () => {
      const error = form.querySelector('[data-error-for="location"]');
      error.textContent = t("report.need_place");
      error.hidden = false;
    },
  );
});

// -- nearby: support one instead ---------------------------------------------------------------
async function loadNearby() {
  const category = $("#category").value;
  const box = $("#nearby");
  if (!state.point || !category || !state.ward) {
    box.hidden = true;
    return;
  }
  try {
    const { items } = await api.get("/reports/nearby" + query({ ...state.point, category }));
    renderNearby(items);
  } catch {
    box.hidden = true;
  }
}

function renderNearby(items) {
  const box = $("#nearby");
  box.hidden = items.length === 0;
  $("#nearby-list").replaceChildren(...items.map(nearbyCard));
}

function nearbyCard(item) {
  const out = h("p", { class: "help", "aria-live": "polite" });
  const count = h("span", { class: "badge" }, t("common.supports", { n: item.support_count ?? 0 }));
  const support = async (event) => {
    const phone = $("#phone").value.trim();
    if (!phone) {
      out.textContent = t("report.nearby.need_phone");
      $("#phone").focus();
      return;
    }
    event.target.disabled = true;
    try {
      const name = $("#name").value.trim();
      const answer = await api.post(`/reports/${encodeURIComponent(item.id)}/support`, name ? { phone, name } : { phone });
      count.textContent = t("common.supports", { n: answer.support_count });
      out.textContent = t("report.nearby.supported", { id: answer.id });
    } catch (e) {
      out.textContent = e instanceof ApiError && e.status ? apiMessage(e) : t("error.network");
      event.target.disabled = false;
    }
  };
  return h("div", { class: "card", dataset: { report: item.id } },
    h("p", {}, h("strong", {}, item.id), " · ", t("status." + item.status), " · ",
      t("report.nearby.distance", { m: item.distance_m })),
    h("p", {}, item.description),
    h("p", {}, count, " ", h("a", { href: `/ket-qua#${encodeURIComponent(item.id)}` }, t("results.open"))),
    h("button", { type: "button", class: "secondary", onclick: support }, t("report.nearby.support")),
    out);
}

// -- files ---------------------------------------------------------------------------------
$("#files").addEventListener("change", () => {
  $("#file-list").replaceChildren(...[...$("#files").files].map((f) =>
    h("li", {}, f.name, " ", h("span", { class: "state" }, t("file.waiting")),
      h("progress", { max: 1, value: 0, "aria-label": f.name }), h("p", { class: "error", hidden: true }))));
});

async function uploadAll(answer) {
  const items = [...$("#file-list").children];
  const files = [...$("#files").files];
  const pending = [];
  for (const [i, file] of files.entries()) {
    const row = items[i];
    const mark = (key) => (row.querySelector(".state").textContent = t(key));
    try {
      mark("file.uploading");
      const offer = await api.post(`/reports/${encodeURIComponent(answer.id)}/media`,
        { content_type: file.type || "application/octet-stream", size: file.size }, { token: answer.tracking_token });
      await uploadPresigned(offer, file, (p) => (row.querySelector("progress").value = p));
      mark("file.done");
      pending.push([offer.media_id, row]);
    } catch (e) {
      mark("file.failed");
      const err = row.querySelector(".error");
      err.textContent = e instanceof ApiError && e.status ? apiMessage(e) : t("error.network");
      err.hidden = false;
    }
  }
  await watchMedia(answer, pending);
}

/** Poll the reporter's view until every uploaded file is ready or rejected (the thumbnailer's verdict). */
async function watchMedia(answer, pending) {
  for (let round = 0; pending.length && round < POLL_LIMIT; round++) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const view = await api.get(`/reports/${encodeURIComponent(answer.id)}`, { token: answer.tracking_token });
    for (const m of view.media || []) {
      const at = pending.findIndex(([id]) => id === m.media_id);
      if (at < 0 || !["ready", "rejected"].includes(m.status)) continue;
      const [, row] = pending.splice(at, 1)[0];
      row.dataset.status = m.status;
      row.querySelector(".state").textContent = t(m.status === "ready" ? "file.ready" : "file.failed");
      if (m.status === "rejected" && m.reason) {
        const err = row.querySelector(".error");
        err.textContent = typeof m.reason === "object" ? m.reason[currentLang()] || m.reason.vi : m.reason;
        err.hidden = false;
      }
    }
  }
}

// -- submit ----------------------------------------------------------------------------------
function body() {
  const reporter = {};
  const name = $("#name").value.trim();
  const phone = $("#phone").value.trim();
  if (name) reporter.name = name;
  if (phone) reporter.phone = phone;
  const b = { channel: CHANNEL, category: $("#category").value, description: $("#description").value.trim() };
  if (state.point) b.location = state.point;
  if (Object.keys(reporter).length) b.reporter = reporter;
  return b;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const button = $("#submit");
  if (button.disabled) return;
  if (!state.point) {
    showError(form, { field: "location" }, $("#form-error"), t("report.need_place"));
    return;
  }
  button.disabled = true;
  button.textContent = t("report.sending");
  try {
    let answer;
    try {
      answer = await api.post("/reports", body(), { idempotencyKey: draftKey() });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 422 && /idempotency/.test(e.code))) throw e;
      answer = await api.post("/reports", body(), { idempotencyKey: draftKey(true) }); // the draft changed
    }
    sessionStorage.removeItem(KEY_STORE);
    showDone(answer);
    await uploadAll(answer);
  } catch (e) {
    const message = e instanceof ApiError && e.status ? apiMessage(e) : t("error.network");
    showError(form, e, $("#form-error"), message).scrollIntoView?.({ block: "center" });
  } finally {
    button.disabled = false;
    button.textContent = t("report.submit");
  }
});

function showDone(answer) {
  const link = "/tra-cuu" + trackingHash(answer.id, answer.tracking_token);
  const advice = answer.advice ? answer.advice[currentLang()] || answer.advice.vi : null;
  const done = $("#done");
  done.classList.toggle("urgent", Boolean(advice));
  done.replaceChildren(
    ...(advice ? [h("p", { class: "error", role: "alert" }, t("done.urgent"), ": ", advice)] : []),
    h("h2", {}, t("done.heading")),
    h("dl", { class: "codes" },
      h("dt", {}, t("done.code")), h("dd", { id: "done-id", class: "code" }, answer.id),
      h("dt", {}, t("done.token")), h("dd", { id: "done-token", class: "code" }, answer.tracking_token),
      h("dt", {}, t("done.agency")), h("dd", {}, answer.agency_name, answer.ward_name ? ` (${answer.ward_name})` : ""),
      h("dt", {}, t("done.due")), h("dd", { id: "done-due" }, formatDate(answer.due_at))),
    h("p", { class: "help" }, t("done.keep")),
    h("p", {}, h("a", { class: "button", id: "done-link", href: link }, t("done.link"))),
  );
  done.hidden = false;
  done.focus();
}

loadCategories().catch(() => showError(form, {}, $("#form-error"), t("error.network")));
startMap();
