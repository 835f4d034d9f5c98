// The tracking link carries the code and the token in the fragment (#id=..&token=..): a browser never sends
// the fragment to any server, so the token stays out of CloudFront's, API Gateway's and the stack's logs.
export function trackingHash(id, token) {
  return "#" + new URLSearchParams({ id, token }).toString();
}

/** {id, token} from the page's fragment (and the code from /theo-doi/<id>, the SMS link's path). */
export function readTrackingLink(loc = location) {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ""));
  const fromPath = /^\/theo-doi\/([^/]+)/.exec(loc.pathname)?.[1];
  return { id: params.get("id") || (fromPath ? decodeURIComponent(fromPath) : ""), token: params.get("token") || "" };
}
