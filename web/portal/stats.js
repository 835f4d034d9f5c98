// Statistics: the month's province figures and the agency ranking from /public/stats, as a table and a bar
// chart (plain elements sized by CSS: no chart library), with the minimum-sample rule in one line.
import { api, ApiError, query } from "../shared/api.js";
import { apiMessage, localName, onLanguage, t } from "../shared/i18n.js";
import { $, h, startPage } from "../shared/layout.js";

startPage();
let data = null;

const label = localName;
const pct = (x) => (x === null || x === undefined ? "—" : Math.round(x * 100) + "%");

function row(cells, header = false) {
  return h("tr", {}, cells.map((c) => h(header ? "th" : "td", header ? { scope: "col" } : {}, c)));
}

function render() {
  if (!data) return;
  const p = data.province;
  const top = Math.max(1, ...data.ranking.map((r) => r.score || 0));
  $("#figures").replaceChildren(
    h("h2", {}, t("stats.province"), " · ", data.month),
    h("table", { id: "province" },
      row([t("stats.received"), t("stats.resolved"), t("stats.on_time"), t("stats.late")], true),
      row([p.received, p.resolved, pct(p.on_time_rate), p.resolved_late])),
    h("h2", {}, t("stats.ranking")),
    h("p", { class: "help", id: "rule" }, t("stats.rule", { n: data.ranking_min_sample })),
    h("table", { id: "ranking" },
      row(["#", t("stats.agency"), t("stats.received"), t("stats.on_time"), t("stats.score")], true),
      ...data.ranking.map((r) => row([r.rank, label(r), r.received, pct(r.on_time_rate),
        h("span", {}, h("span", { class: "bar", "aria-hidden": "true", dataset: { w: r.score } }),
          " ", (r.score ?? 0).toFixed(2))]))),
  );
  for (const bar of document.querySelectorAll(".bar")) bar.style.width = (Number(bar.dataset.w) / top) * 6 + "rem";
}

/** The month's figures; a failed read keeps what is shown and says why (the API's bilingual message, or the
 *  network), with a button to read it again. */
async function load() {
  const failed = $("#stats-failed");
  failed.hidden = true;
  try {
    data = await api.get("/public/stats" + query({ month: $("#month").value }));
  } catch (e) {
    $("#stats-failed-text").textContent = e instanceof ApiError && e.status ? apiMessage(e) : t("error.network");
    failed.hidden = false;
    return;
  }
  $("#month").value = data.month;
  render();
}

$("#month").addEventListener("change", load);
$("#stats-retry").addEventListener("click", load);
onLanguage(render);
load();
