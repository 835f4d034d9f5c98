// The API client every page uses: the base URL from /config.json (the stack's, or "/api" behind CloudFront),
// JSON in and out, the API's bilingual errors as ApiError (code, message, message_en, field).
/** `make()`'s promise, made once and kept while it holds; a failed one is forgotten, so the next call (a
 *  retry, a second press of a tab) makes it again instead of failing for as long as the page is open. */
export function keptUnlessFailed(make) {
  let kept;
  return () => (kept ??= make().catch((error) => {
    kept = undefined;
    throw error;
  }));
}

/** The stage's settings (/config.json), read once per page. */
export const config = keptUnlessFailed(() => fetch("/config.json", { cache: "no-cache" }).then((r) => r.json()));

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message_en || body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || "http_" + status;
    this.message_vi = body?.message || "";
    this.message_en = body?.message_en || "";
    this.field = body?.field || null;
    this.body = body || {};
  }
}

async function call(method, path, { body, headers = {}, token, idempotencyKey } = {}) {
  const { api_base: base } = await config();
  const h = { Accept: "application/json", ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (token) h["X-Tracking-Token"] = token; // a header, never the URL: the token stays out of every log
  if (idempotencyKey) h["Idempotency-Key"] = idempotencyKey;
  const response = await fetch(base + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text, message_en: text };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  get: (path, options) => call("GET", path, options),
  post: (path, body, options = {}) => call("POST", path, { ...options, body }),
};

/** A query string from an object, empty values left out. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? "?" + s : "";
}

/** Upload one file through a presigned POST, reporting progress (0..1); resolves when S3 has it. */
export function uploadPresigned(presigned, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(presigned.fields)) form.append(k, v);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", presigned.url);
    xhr.upload.addEventListener("progress", (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener("load", () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new ApiError(xhr.status, s3Error(xhr.responseText))),
    );
    xhr.addEventListener("error", () => reject(new ApiError(0, { code: "network" })));
    xhr.send(form);
  });
}

function s3Error(xml) {
  const code = /<Code>([^<]+)<\/Code>/.exec(xml || "")?.[1] || "upload_failed";
  const message = /<Message>([^<]+)<\/Message>/.exec(xml || "")?.[1] || code;
  return { code, message, message_en: message };
}
