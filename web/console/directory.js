// The staff directory for the province admin (/staff/directory/...): the list in pages, an invitation
// (Cognito e-mails the temporary password), disable / enable, and a move to another role or agency.
// The API refuses everyone else; the console shows this panel to the province admin only.
import { api, ApiError, query } from "../shared/api.js";
import { apiMessage, t } from "../shared/i18n.js";
import { $, h } from "../shared/layout.js";
import { fillAgencies } from "./agencies.js";

export const ROLES = ["agency_officer", "agency_lead", "ioc_operator", "hotline_operator", "province_admin"];

let auth;
let rows = [];
let cursor = null;

function fail(el, error) {
  el.textContent = error instanceof ApiError ? apiMessage(error) : t("console.error.network");
  el.hidden = false;
}

function roleSelect(id, name) {
  return h("select", { id, name }, ROLES.map((r) => h("option", { value: r }, t("console.role." + r))));
}

async function change(path, body) {
  return api.post("/staff/directory/users" + path, body, await auth());
}

function userRow(u) {
  const toggle = u.enabled ? "disable" : "enable";
  return h("tr", { dataset: { user: u.username } },
    h("td", {}, u.username), h("td", {}, u.name || ""), h("td", {}, u.email || ""),
    h("td", {}, t("console.role." + u.role)), h("td", {}, u.agency_id || "—"),
    h("td", { class: "state" }, t(u.enabled ? "console.directory.enabled" : "console.directory.disabled")),
    h("td", {}, h("button", { type: "button", onclick: () => act(`/${encodeURIComponent(u.username)}/${toggle}`) },
      t("console.directory." + toggle))));
}

async function act(path, body = {}) {
  const error = $("#directory-error");
  error.hidden = true;
  try {
    const done = await change(path, body);
    $("#directory-notice").textContent = t("console.directory.done." + done.action, { username: done.user.username });
    $("#directory-notice").hidden = false;
    await list();
    return true;
  } catch (e) {
    fail(error, e);
    return false;
  }
}

async function list(more = false) {
  const page = await api.get("/staff/directory/users" + query({ limit: 50, cursor: more ? cursor : null }), await auth());
  rows = more ? rows.concat(page.items || []) : page.items || [];
  cursor = page.next_cursor || null;
  $("#directory tbody").replaceChildren(...rows.map(userRow));
  $("#directory-more").hidden = !cursor;
}

const CONTROLS = {
  role: (id) => roleSelect(id, "role"),
  agency_id: (id) => h("input", { id, name: "agency_id", list: "agencies" }),
  email: (id) => h("input", { id, name: "email", type: "email", required: true }),
};
const LABELS = { username: "console.username", name: "console.directory.name", email: "console.directory.email",
                 role: "console.directory.role", agency_id: "console.field.agency_id" };

/** One admin form of `names`; its filled, trimmed, non-empty values go to `send(values)` → [path, body]. */
function adminForm(id, titleKey, names, send) {
  const form = h("form", { class: "card action", id }, h("h3", {}, t(titleKey)),
    names.map((name) => {
      const control = (CONTROLS[name] || ((cid) => h("input", { id: cid, name, required: true })))(`${id}-${name}`);
      return h("p", {}, h("label", { for: `${id}-${name}` }, t(LABELS[name])), control);
    }),
    h("button", { type: "submit" }, t(titleKey)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(form).entries()]
      .map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v !== ""));
    if (await act(...send(values))) form.reset();
  });
  return form;
}

/** The panel's forms and list, drawn in the chosen language; `getAuth()` gives the request headers. */
export async function showDirectory(getAuth) {
  auth = getAuth;
  const invite = adminForm("invite", "console.directory.invite", ["username", "name", "email", "role", "agency_id"],
                           (values) => ["", values]);
  const move = adminForm("move", "console.directory.move", ["username", "role", "agency_id"],
                         ({ username, ...change }) => [`/${encodeURIComponent(username)}/move`, change]);
  $("#directory-forms").replaceChildren(invite, move);
  $("#directory-more").onclick = () => list(true).catch((e) => fail($("#directory-error"), e));
  $("#directory").hidden = false;
  await Promise.all([list(), fillAgencies(auth)]);
}
