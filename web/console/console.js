// The staff console's page (/dieu-hanh): sign-in (and an invited user's new password), sign-out, and the
// role's queues with SLA badges, cursor paging and counts refreshed every minute without a reload; a row
// opens its case file (case.js); the map of open reports (open-map.js); the province admin's staff
// directory (directory.js).
// Cognito's endpoint and app client come from /config.json (`cognito_endpoint`, `cognito_client_id`).
import { api, ApiError, config, query } from "../shared/api.js";
import { apiMessage, localName, onLanguage, t } from "../shared/i18n.js";
import { $, clearErrors, h, startPage } from "../shared/layout.js";
import { openCase } from "./case.js";
import { showDirectory } from "./directory.js";
import { showOpenMap } from "./open-map.js";
import { CognitoClient } from "./cognito.js";
import { ageDays, queuesFor } from "./queues.js";
import { slaBadge } from "./sla.js";
import "./console.css";

const REFRESH_MS = 60 * 1000;
const PAGE = 50;
let cognito;
let me;
let current;
let cursor = null;
let rows = [];
let loaded = false; // the current queue has been read at least once
let names = { categories: {}, wards: {} };

function say(el, text) {
  el.textContent = text;
  el.hidden = !text;
}

function message(error) {
  if (error instanceof ApiError) return apiMessage(error);
  const key = "console.error." + (error.type || "network");
  const text = t(key);
  return text === key ? t("console.error.network") : text;
}

async function auth() {
  return { headers: { Authorization: "Bearer " + (await cognito.idToken()) } };
}

async function staff(path) {
  return api.get(path, await auth());
}

/** Open a case file; `reveal` scrolls it into view (opened by its code or a link: on a phone it is below the
 *  queue, out of sight). */
function showCase(id, reveal = false) {
  openCase(id, { auth, changed: () => load() })
    .then(() => reveal && $("#case").scrollIntoView({ block: "start" }))
    .catch((e) => say($("#queue-error"), message(e)));
}

/** Queues, the map of open reports, or (the province admin) the staff directory. */
async function showView(view) {
  for (const tab of document.querySelectorAll("#views button")) {
    tab.setAttribute("aria-pressed", String(tab.dataset.view === view));
    $("#" + tab.dataset.view).hidden = tab.dataset.view !== view;
  }
  $("#case").hidden = true;
  say($("#queue-error"), "");
  try {
    if (view === "map-view") await showOpenMap({ staff, query, open: showCase });
    if (view === "directory") await showDirectory(auth);
    if (view === "queue-view") load();
  } catch (error) {
    say($("#queue-error"), message(error));
  }
}

const label = localName;

/** Category and ward names for the queue's codes (two cached public lists; the codes stay if they fail). */
async function loadNames() {
  const [cats, wards] = await Promise.all([api.get("/categories"), api.get("/wards")]);
  names = { categories: Object.fromEntries(cats.categories.map((c) => [c.code, c])),
            wards: Object.fromEntries(wards.wards.map((w) => [String(w.code), w.name])) };
}

// The roles keep a row a row for screen readers where a phone's stylesheet lays the queue out as cards.
function row(r) {
  const badge = slaBadge(r);
  return h("tr", { role: "row", dataset: { id: r.id }, onclick: () => showCase(r.id) },
    h("td", { role: "cell" }, h("span", { class: "badge sla-" + badge.state }, t(badge.key, badge.vars))),
    h("td", { role: "cell" }, label(names.categories[r.category]) || r.category),
    h("td", { role: "cell" }, names.wards[r.ward_code] || r.ward_code),
    h("td", { role: "cell" }, t("console.age", { days: ageDays(r.received_at) })),
    h("td", { role: "cell", class: "description" }, r.description, r.support_count
      ? [" ", h("span", { class: "badge supports" }, t("common.supports", { n: r.support_count }))]
      : null)); // more supporters, more attention
}

function render() {
  $("#queue tbody").replaceChildren(...rows.map(row));
  $("#queue-empty").hidden = !loaded || rows.length > 0; // said once the queue was read, never while it loads
  $("#more").hidden = !cursor;
  for (const tab of document.querySelectorAll("#queues button")) {
    tab.setAttribute("aria-pressed", String(tab.dataset.queue === current.id));
  }
}

async function load(more = false) {
  say($("#queue-error"), "");
  try {
    const page = await staff("/staff/reports" + query({ ...current.params(Date.now()), limit: PAGE,
                                                          cursor: more ? cursor : null }));
    const kept = (page.items || []).filter(current.keep || (() => true));
    rows = more ? rows.concat(kept) : kept;
    cursor = page.next_cursor || null;
    loaded = true;
    render();
  } catch (error) {
    say($("#queue-error"), message(error));
  }
}

/** The tabs, the signed-in line and the rows in the chosen language (no fetch: a language switch redraws). */
function drawDesk() {
  const queues = queuesFor(me.role);
  current ??= queues[0];
  $("#queues").replaceChildren(...queues.map((q) =>
    h("button", { type: "button", dataset: { queue: q.id }, onclick: () => { current = q; loaded = false; load(); } },
      t(q.key))));
  say($("#who"), t("console.signed_in_as", { username: me.username, role: t("console.role." + me.role) }));
  render();
}

function showDesk() {
  $("#sign-in").hidden = true;
  $("#new-password").hidden = true;
  $("#desk").hidden = false;
  $('#views [data-view="directory"]').hidden = me.role !== "province_admin";
  drawDesk();
  load();
}

async function signedIn() {
  me = await staff("/staff/me");
  await loadNames().catch(() => null);
  showDesk();
  openLinked();
}

/** A report code as a caller reads it out or a link carries it: trimmed, upper case. */
function reportCode(text) {
  return (text || "").trim().toUpperCase();
}

/** `/dieu-hanh#DLK-7KQ3-M9XD` opens that case once signed in (a link in a notice, a colleague's message). */
function openLinked() {
  let id;
  try {
    id = reportCode(decodeURIComponent(location.hash.replace(/^#/, "")));
  } catch {
    return; // a malformed link (a stray %) opens nothing
  }
  if (id && me) showCase(id, true);
}

function wire() {
  $("#sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(event.target);
    try {
      const result = await cognito.signIn($("#username").value.trim(), $("#password").value);
      if (result.challenge === "NEW_PASSWORD_REQUIRED") {
        $("#sign-in").hidden = true;
        $("#new-password").hidden = false;
        return;
      }
      await signedIn();
    } catch (error) {
      say($("#sign-in-error"), message(error));
    }
  });
  $("#new-password").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(event.target);
    try {
      await cognito.newPassword($("#new-password-input").value);
      await signedIn();
    } catch (error) {
      say($("#new-password-error"), message(error));
    }
  });
  $("#sign-out").addEventListener("click", async () => {
    // Forgotten here whatever Cognito answers; a failed revocation leaves tokens that expire in 15 minutes.
    await cognito.signOut().catch(() => null);
    location.reload();
  });
  $("#more").addEventListener("click", () => load(true));
  // any case by its code, whatever its state or queue: the hotline caller's, a closed one, a merged one
  $("#find").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = reportCode($("#find-id").value);
    say($("#queue-error"), id ? "" : t("console.find.missing"));
    if (id) showCase(id, true);
  });
  window.addEventListener("hashchange", openLinked);
  for (const tab of document.querySelectorAll("#views button")) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
  }
  setInterval(() => !$("#queue-view").hidden && !$("#desk").hidden && !cursor && load(), REFRESH_MS);
}

async function main() {
  startPage({ nav: [], home: "/dieu-hanh" });
  const settings = await config();
  if (!settings.cognito_endpoint || !settings.cognito_client_id) {
    say($("#sign-in-error"), t("console.error.config"));
    return;
  }
  cognito = new CognitoClient({ endpoint: settings.cognito_endpoint, clientId: settings.cognito_client_id });
  wire();
  onLanguage(() => me && drawDesk());
  if (cognito.session) await signedIn().catch(() => cognito.signOut().catch(() => null));
}

main();
