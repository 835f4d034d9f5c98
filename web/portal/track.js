// The tracking page: code + token (typed, or from the link's fragment, never a query string) -> status,
// due date, timeline, the published result with its evidence photos; rate it and reopen it as the API allows.
import { api, ApiError } from "../shared/api.js";
import { apiMessage, currentLang, formatDate, localName, onLanguage, t } from "../shared/i18n.js";
import { $, fill, h, startPage } from "../shared/layout.js";
import { readTrackingLink, trackingHash } from "./tracking-link.js";

startPage();
let shown = null; // { id, token, mine, open }

const name = localName;

function errorText(e) {
  return e instanceof ApiError && e.status ? apiMessage(e) : t("error.network");
}

async function lookUp(id, token) {
  const mine = await api.get(`/reports/${encodeURIComponent(id)}`, { token });
  let open = null;
  try {
    open = await api.get(`/public/reports/${encodeURIComponent(id)}`); // evidence, supports, a merge's survivor
  } catch {
    open = null; // not public (yet)
  }
  shown = { id, token, mine, open };
  history.replaceState(null, "", location.pathname + trackingHash(id, token));
  render();
}

function render() {
  if (!shown) return;
  const { mine, open } = shown;
  const box = $("#report");
  const merge = mine.merge || open?.merge;
  const evidence = (open?.evidence || []).map((p) => {
    const r = p.renditions.find((x) => x.name !== "thumb") || p.renditions[0];
    return r ? h("img", { src: r.url, alt: t("track.result"), width: r.width, height: r.height, class: "evidence" }) : null;
  });
  fill(box,
    h("div", { class: "card" },
      h("h2", {}, mine.id, " · ", h("span", { id: "status", class: "badge" }, t("status." + mine.status))),
      h("p", {}, mine.description),
      h("dl", { class: "codes" },
        h("dt", {}, t("track.agency")), h("dd", {}, name(mine.agency)),
        h("dt", {}, t("track.due")), h("dd", { id: "due" }, formatDate(mine.due_at))),
      h("p", {}, h("span", { class: "badge", id: "supports" },
        t("common.supports", { n: mine.support_count ?? open?.support_count ?? 0 }))),
      merge ? h("p", { id: "merged" }, t("track.merged", { id: merge.into }), " ",
        h("a", { href: `/ket-qua#${encodeURIComponent(merge.into)}` }, merge.into)) : null),
    mine.result ? h("div", { class: "card", id: "result" },
      h("h2", {}, t("track.result")), h("p", {}, mine.result.text), ...evidence) : null,
    mine.rejection ? rejectionCard(mine.rejection) : null,
    h("div", { class: "card" }, h("h2", {}, t("track.timeline")),
      h("ol", { id: "timeline" }, mine.history.map((e) =>
        h("li", {}, formatDate(e.at, true), " — ", t("status." + e.to))))),
    mine.status === "published" ? actions(mine) : null,
  );
  box.hidden = false;
}

/** Why a report was refused, in the words the IOC wrote for the public; a duplicate names the report it repeats
 *  (its code only: until that one is published it has no public page to link). */
function rejectionCard(rejection) {
  const original = rejection.duplicate_of;
  return h("div", { class: "card", id: "rejection" },
    h("h2", {}, t("track.rejected")), h("p", {}, rejection.public_reason),
    original ? h("p", {}, t("track.duplicate_of"), " ", h("strong", { class: "code" }, original)) : null);
}

function actions(mine) {
  const out = h("p", { class: "error", role: "alert", hidden: true });
  const rated = h("p", { id: "rated" });
  const rating = h("select", { id: "rating" }, [5, 4, 3, 2, 1].map((n) => h("option", { value: n }, String(n))));
  const comment = h("textarea", { id: "comment", maxlength: 2000 });
  const rate = async (event) => {
    event.preventDefault();
    try {
      const answer = await api.post(`/reports/${encodeURIComponent(shown.id)}/feedback`,
        { rating: Number(rating.value), comment: comment.value.trim() || undefined }, { token: shown.token });
      rated.textContent = t("track.rated", { score: answer.feedback?.rating ?? rating.value });
      out.hidden = true;
    } catch (e) {
      out.textContent = errorText(e);
      out.hidden = false;
    }
  };
  const reason = h("textarea", { id: "reopen-reason", maxlength: 4000 });
  const reopen = async (event) => {
    event.preventDefault();
    try {
      const answer = await api.post(`/reports/${encodeURIComponent(shown.id)}/reopen`,
        { reason: reason.value.trim() }, { token: shown.token });
      rated.textContent = t("track.reopened", { round: answer.round_label?.[currentLang()] ?? answer.round });
      await lookUp(shown.id, shown.token);
    } catch (e) {
      out.textContent = errorText(e);
      out.hidden = false;
    }
  };
  return h("div", { class: "card" },
    h("form", { id: "rate", onsubmit: rate },
      h("h2", {}, t("track.rate")),
      h("label", { for: "rating" }, t("track.rating")), rating,
      h("label", { for: "comment" }, t("track.comment")), comment,
      h("p", {}, h("button", { type: "submit", class: "primary" }, t("track.rate.submit")))),
    h("form", { id: "reopen", onsubmit: reopen },
      h("label", { for: "reopen-reason" }, t("track.reopen")), reason,
      h("p", {}, h("button", { type: "submit", class: "secondary" }, t("track.reopen")))),
    rated, out);
}

$("#lookup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("#lookup-error");
  error.hidden = true;
  try {
    await lookUp($("#code").value.trim(), $("#token").value.trim());
  } catch (e) {
    error.textContent = errorText(e);
    error.hidden = false;
  }
});

const link = readTrackingLink();
$("#code").value = link.id;
$("#token").value = link.token;
if (link.id && link.token) lookUp(link.id, link.token).catch((e) => {
  $("#lookup-error").textContent = errorText(e);
  $("#lookup-error").hidden = false;
});
onLanguage(render);
