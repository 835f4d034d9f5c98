// The fields each staff action's form asks for (POST /staff/reports/{id}/actions, chalicelib/schemas/actions.py;
// relocate is POST /staff/reports/{id}/location): the case file draws exactly its `allowed_actions` and
// `allowed_corrections`, each as a small form of these fields. Kinds: text (default), long, number, choice (a
// select of `choices`), agency (a text box with the agencies' datalist), file (evidence photos, uploaded
// before the action is sent).

export const REJECT_REASONS = ["spam", "duplicate", "out_of_scope", "insufficient_information"];
export const ENFORCEMENT_TYPES = ["reminder", "written_commitment", "record", "fine"];

export const ACTION_FIELDS = {
  assign: [{ name: "agency_id", required: true, kind: "agency" }, { name: "note" }],
  forward: [{ name: "agency_id", kind: "agency" }, { name: "note" }],
  reject: [{ name: "reason_code", required: true, kind: "choice", choices: REJECT_REASONS },
           { name: "public_reason", required: true, kind: "long" }, { name: "duplicate_of" }],
  accept: [{ name: "note" }],
  return_to_ioc: [{ name: "reason", required: true, kind: "long" },
                  { name: "suggested_agency_id", required: true, kind: "agency" }],
  request_extension: [{ name: "working_days", required: true, kind: "number" }, { name: "reason", required: true }],
  approve_extension: [{ name: "note" }],
  deny_extension: [{ name: "reason" }],
  submit_result: [{ name: "text", required: true, kind: "long" }, { name: "evidence", kind: "file" },
                  { name: "enforcement_type", kind: "choice", choices: ["", ...ENFORCEMENT_TYPES] },
                  { name: "amount_vnd", kind: "number" }],
  send_back_result: [{ name: "reason", required: true, kind: "long" }],
  approve_result: [{ name: "note" }],
  merge: [{ name: "into", required: true }, { name: "note" }],
  relocate: [{ name: "lat", kind: "number" }, { name: "lng", kind: "number" }, { name: "ward_code" },
             { name: "note" }],
};

const NUMBERS = new Set(["working_days", "amount_vnd", "lat", "lng"]);

/** Where a filled form goes: relocate has its own resource, every other action the actions one. */
export function actionPath(id, action) {
  const base = `/staff/reports/${encodeURIComponent(id)}`;
  return action === "relocate" ? base + "/location" : base + "/actions";
}

/**
 * The request body of a filled form: empty optional fields left out, numbers as numbers, the case's version,
 * a result's uploaded `media_ids` and its measure as `enforcement` (one, with its fine in VND).
 */
export function actionBody(action, values, version, mediaIds = []) {
  const body = action === "relocate" ? { version } : { action, version };
  for (const field of ACTION_FIELDS[action] || []) {
    if (field.kind === "file" || field.name === "enforcement_type" || field.name === "amount_vnd") continue;
    const raw = String(values[field.name] ?? "").trim();
    if (raw === "") continue;
    body[field.name] = NUMBERS.has(field.name) ? Number(raw) : raw;
  }
  if (action === "submit_result") {
    body.media_ids = mediaIds;
    const type = String(values.enforcement_type ?? "").trim();
    const amount = String(values.amount_vnd ?? "").trim();
    body.enforcement = type ? [amount ? { type, amount_vnd: Number(amount) } : { type }] : [];
  }
  return body;
}
