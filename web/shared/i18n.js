// The language switch and the string catalogue: Vietnamese by default, English on request, remembered in
// localStorage. Markup carries only keys (data-i18n="key", data-i18n-attr="placeholder:key"); text comes from here.
import vi from "./catalogue/vi.json";
import en from "./catalogue/en.json";

const CATALOGUES = { vi, en };
const STORE_KEY = "phananh.lang";
let lang = "vi";
try {
  const kept = localStorage.getItem(STORE_KEY);
  if (kept && CATALOGUES[kept]) lang = kept;
} catch {
  /* storage off: Vietnamese */
}

export function currentLang() {
  return lang;
}

/** An API entry's name in the chosen language (`name_en` when English is chosen and it has one). */
export function localName(x) {
  return x && (lang === "en" ? x.name_en || x.name : x.name);
}

/** The string for `key` in the chosen language, `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = CATALOGUES[lang][key] ?? CATALOGUES.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** An API error's message in the chosen language (the API answers both). An ApiError's own `message` is the
 *  English one (an Error's message is for logs): the Vietnamese is `message_vi`. */
export function apiMessage(error) {
  const vi = error.message_vi || error.message;
  return lang === "en" ? error.message_en || vi : vi || error.message_en;
}

/** Fill every data-i18n element under `root`. */
export function translate(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(",")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

const listeners = [];
/** Run `fn` now and after every language change (pages re-render what they built from data). */
export function onLanguage(fn) {
  listeners.push(fn);
  fn(lang);
}

export function setLang(next) {
  if (!CATALOGUES[next]) return;
  lang = next;
  try {
    localStorage.setItem(STORE_KEY, next);
  } catch {
    /* not remembered */
  }
  translate();
  for (const fn of listeners) fn(lang);
}

/** Wire the header's language buttons (any element with data-lang). */
export function languageSwitch(root = document) {
  for (const button of root.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLang(button.dataset.lang));
  }
  onLanguage((l) => {
    for (const button of root.querySelectorAll("[data-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === l));
    }
  });
}

/** A date (ISO string) as the chosen language writes it, in Vietnam's time. */
export function formatDate(iso, withTime = false) {
  if (!iso) return "";
  const options = { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "vi-VN", options).format(new Date(iso));
}
