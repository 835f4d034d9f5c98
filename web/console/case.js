// The case file of one report (GET /staff/reports/{id}): what was reported, the reporter's contact when the
// API gives it (the IOC and the assigned agency only), the photos (a rendition each; the original on demand),
// a small map with the point and its ward, the history, and one form per entry of `allowed_actions` and
// `allowed_corrections` (relocate: a tap on the map fills its point).
// A 409 (someone acted first) draws the case again as it now stands and says what changed.
import { api, ApiError, keptUnlessFailed, uploadPresigned } from "../shared/api.js";
import { apiMessage, formatDate, t } from "../shared/i18n.js";
import { $, h } from "../shared/layout.js";
import { createMap, L, pin } from "../shared/map.js";
import { ACTION_FIELDS, actionBody, actionPath } from "./actions.js";
import { fillAgencies } from "./agencies.js";

let caseMap = null;

/** A catalogue word for an API code, the code itself when the catalogue has none (a new audit action). */
function word(prefix, code) {
  const text = t(prefix + code);
  return text === prefix + code ? code : text;
}

function input(action, f) {
  const id = `f-${action}-${f.name}`;
  const attrs = { id, name: f.name, required: f.required };
  if (f.kind === "long") return h("textarea", attrs);
  if (f.kind === "choice") {
    return h("select", attrs, f.choices.map((c) => h("option", { value: c }, c ? t(`console.choice.${f.name}.${c}`) : "—")));
  }
  if (f.kind === "file") return h("input", { ...attrs, type: "file", accept: "image/jpeg,image/png,image/webp", multiple: true });
  if (f.kind === "agency") return h("input", { ...attrs, type: "text", list: "agencies", autocomplete: "off" });
  return h("input", { ...attrs, type: f.kind === "number" ? "number" : "text", step: "any" });
}

/** Evidence photos go to S3 by the report's presigned POSTs first; their ids go with the result. */
async function uploadEvidence(c, files, headers) {
  const ids = [];
  for (const file of files) {
    const offer = await api.post(`/staff/reports/${encodeURIComponent(c.id)}/media`,
                                 { content_type: file.type, size: file.size }, headers);
    await uploadPresigned(offer, file, () => null);
    ids.push(offer.media_id);
  }
  return ids;
}

function photo(m) {
  const r = (m.renditions || []).find((x) => x.name !== "thumb") || (m.renditions || [])[0];
  const shown = r ? h("img", { src: r.url, alt: t("console.case.photo." + (m.purpose || "report")), width: r.width,
                              height: r.height, class: "evidence" }) : h("span", {}, word("console.media.", m.status || "pending"));
  return h("figure", { class: "photo", dataset: { media: m.media_id } }, shown,
    h("figcaption", {}, t("console.case.photo." + (m.purpose || "report")), " ",
      m.original_url ? h("a", { href: m.original_url, target: "_blank", rel: "noopener" }, t("console.case.original"))
        : m.original_removed_at ? h("span", { class: "help" }, t("console.case.original_removed")) : null));
}

/** The case map: made once and moved into each drawn case (removing a Leaflet map mid-animation throws). */
function caseMapElement() {
  caseMap ??= { el: h("div", { id: "case-map", class: "case-map" }), marker: null, proposed: null };
  caseMap.ready ??= keptUnlessFailed(() => createMap(caseMap.el, { onWardClick: (e) => proposePlace(e.latlng) }));
  return caseMap.el;
}

/** A tap on the case map proposes that point to the relocate form (the IOC corrects a misplaced report). */
async function proposePlace(latlng) {
  const lat = $("#f-relocate-lat");
  const lng = $("#f-relocate-lng");
  if (!lat || !lng) return;  // this case cannot be relocated (any more)
  lat.value = latlng.lat.toFixed(6);
  lng.value = latlng.lng.toFixed(6);
  const ward = $("#f-relocate-ward_code");
  if (ward) ward.value = "";  // the point decides the ward
  const { map } = await caseMap.ready();
  caseMap.proposed?.remove();
  caseMap.proposed = pin(latlng, { color: "#1d4ed8" }).addTo(map);
}

async function drawMap(c) {
  const { map, wards } = await caseMap.ready();
  caseMap.proposed?.remove();
  caseMap.proposed = null;
  const { lat, lng, ward_code: ward } = c.location || {};
  map.invalidateSize();
  wards.resetStyle();
  wards.eachLayer((layer) => {
    if (String(layer.feature?.properties?.code) === String(ward)) {
      layer.setStyle({ color: "#1d4ed8", weight: 3 });
      map.fitBounds(layer.getBounds(), { animate: false });
    }
  });
  caseMap.marker?.remove();
  caseMap.marker = lat != null && lng != null ? pin(L.latLng(lat, lng)).addTo(map) : null;
}

/**
 * Draw the case `id` in #case. `auth()` gives the request headers; `notice(fresh)` the line shown above it;
 * `changed()` is called after an action went through (the queue reloads).
 */
export async function openCase(id, { auth, notice = () => "", changed = () => null }) {
  const c = await api.get("/staff/reports/" + encodeURIComponent(id), await auth());
  const said = notice(c);
  const contact = c.reporter ? [c.reporter.name, c.reporter.phone, c.reporter.email].filter(Boolean).join(" · ") : "";
  const where = [c.location?.address, c.location?.ward_name].filter(Boolean).join(", ");
  const again = (n) => openCase(c.id, { auth, notice: n, changed });
  $("#case").replaceChildren(...[
    h("h2", {}, t("console.case.heading", { id: c.id })),
    h("p", { class: "notice", id: "case-notice", role: "status", hidden: !said }, said),
    h("dl", { class: "facts" },
      h("dt", {}, t("console.case.status")), h("dd", { id: "case-status" }, t("console.status." + c.status)),
      h("dt", {}, t("console.case.category")), h("dd", {}, c.category?.name || ""),
      h("dt", {}, t("console.case.agency")), h("dd", { id: "case-agency" }, c.agency?.name || ""),
      h("dt", {}, t("console.case.where")), h("dd", {}, where),
      h("dt", {}, t("console.case.due")), h("dd", {}, c.due_at ? formatDate(c.due_at, true) : ""),
      contact ? [h("dt", {}, t("console.case.contact")), h("dd", { id: "case-contact" }, contact)] : null,
      c.support_count ? [h("dt", {}, t("console.case.supports")),
        h("dd", { id: "case-supports" }, t("common.supports", { n: c.support_count }))] : null),
    h("p", { class: "description" }, c.description || ""),
    c.result ? h("p", { id: "case-result" }, t("console.case.result"), " ", c.result.text || "") : null,
    h("div", { class: "photos" }, (c.media || []).map(photo)),
    caseMapElement(),
    h("h3", {}, t("console.case.history")),
    h("ol", { class: "history" }, (c.history || []).map((e) =>
      h("li", {}, `${formatDate(e.at, true)} · ${word("console.action.", e.action)} · ${e.from ? word("console.status.", e.from) + " → " : ""}`
        + `${word("console.status.", e.to)}${e.actor ? " · " + e.actor : ""}${e.note ? " · " + e.note : ""}`))),
    h("div", { class: "actions" },
      [...(c.allowed_actions || []), ...(c.allowed_corrections || [])].filter((a) => ACTION_FIELDS[a])
        .map((a) => actionForm(c, a, { auth, again, changed }))),
  ].filter(Boolean));
  $("#case").hidden = false;
  await Promise.all([drawMap(c).catch(() => null), fillAgencies(auth)]);  // the case is usable without its map
  return c;
}

function actionForm(c, action, { auth, again, changed }) {
  const fields = ACTION_FIELDS[action].map((f) =>
    h("p", {}, h("label", { for: `f-${action}-${f.name}` }, t("console.field." + f.name)), input(action, f)));
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "card action", dataset: { action } },
    h("h3", {}, t("console.action." + action)),
    action === "relocate" ? h("p", { class: "help" }, t("console.relocate.help")) : null, ...fields, error,
    h("button", { type: "submit" }, t("console.action." + action)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    const values = Object.fromEntries(new FormData(form).entries());
    try {
      const headers = await auth();
      const files = [...(form.querySelector('input[type="file"]')?.files || [])];
      const mediaIds = files.length ? await uploadEvidence(c, files, headers) : [];
      await api.post(actionPath(c.id, action), actionBody(action, values, c.version, mediaIds), headers);
      await again(() => t("console.case.done", { action: t("console.action." + action) }));
      changed();
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status === 409) {
        // Someone acted first: the case as it now stands, and what changed.
        await again((fresh) => t("console.case.changed", {
          was: t("console.status." + c.status), status: t("console.status." + fresh.status) }));
        return;
      }
      error.textContent = err instanceof ApiError ? apiMessage(err) : t("console.error.network");
      error.hidden = false;
    }
  });
  return form;
}
