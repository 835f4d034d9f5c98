// The agency boxes' suggestions (<datalist id="agencies">): the province's agencies as GET /staff/agencies
// lists them (the IOC, departments, police, then every ward's People's Committee), code as the value and
// the name in the chosen language as the label. Read once per sign-in; the boxes accept only a code.
import { api } from "../shared/api.js";
import { localName } from "../shared/i18n.js";
import { $, h } from "../shared/layout.js";

let listed = null;

/** Fill #agencies from the API (`auth()` gives the request headers); a failed read leaves the box free text. */
export async function fillAgencies(auth) {
  const list = $("#agencies");
  if (!list) return;
  listed ??= auth().then((options) => api.get("/staff/agencies", options)).then((b) => b.agencies)
    .catch(() => { listed = null; return []; });
  const agencies = await listed;
  list.replaceChildren(...agencies.map((a) => h("option", { value: a.id }, localName(a))));
}
