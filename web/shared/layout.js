// What every portal page shares: the header's navigation and language switch, translation of the markup,
// and small DOM helpers (text only: nothing from the API is ever inserted as HTML).
import "./base.css";
import { languageSwitch, translate } from "./i18n.js";

const NAV = [
  ["/", "nav.report"],
  ["/tra-cuu", "nav.track"],
  ["/ket-qua", "nav.results"],
  ["/thong-ke", "nav.stats"],
];

/**
 * Render the header (site name, navigation, language switch) into <header id="site">, then translate.
 * The staff console passes its own `home` and no `nav`: an officer's header is not the citizens' menu.
 */
export function startPage({ nav = NAV, home = "/" } = {}) {
  const here = location.pathname.replace(/\/$/, "") || "/";
  const current = here === "/gui-phan-anh" ? "/" : here.startsWith("/theo-doi/") ? "/tra-cuu" : here;
  const header = document.getElementById("site");
  header.replaceChildren(...[
    h("a", { class: "brand", href: home, "data-i18n": "site.title" }),
    nav.length ? h("nav", {}, nav.map(([href, key]) =>
      h("a", { href, "data-i18n": key, "aria-current": href === current ? "page" : null }))) : null,
    h("div", { class: "langs", role: "group", "data-i18n-attr": "aria-label:lang.label" },
      h("button", { type: "button", "data-lang": "vi", lang: "vi" }, "Tiếng Việt"),
      h("button", { type: "button", "data-lang": "en", lang: "en" }, "English")),
  ].filter(Boolean));
  translate();
  languageSwitch();
}

/** An element with attributes and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Replace `el`'s children with `children`, leaving out null, undefined and false as h() does (the DOM's own
 *  replaceChildren writes them as the text "null"). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Show an API error next to the field it names (or in `fallback`), in the chosen language. */
export function showError(form, error, fallback, message) {
  const target = (error.field && form.querySelector(`[data-error-for="${cssEscape(error.field)}"]`)) || fallback;
  target.textContent = message;
  target.hidden = false;
  return target;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll(".error")) {
    el.textContent = "";
    el.hidden = true;
  }
}

function cssEscape(s) {
  return String(s).replace(/["\\]/g, "\\$&");
}
