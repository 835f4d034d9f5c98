// The build's pages: name -> HTML entry. A second front end (the staff console) adds its entries here and
// shares web/shared/ (i18n catalogue, API client, map, styles). Clean URLs -> files: routes.json.
export const pages = {
  report: "index.html",
  "tra-cuu": "tra-cuu/index.html",
  "ket-qua": "ket-qua/index.html",
  "thong-ke": "thong-ke/index.html",
  console: "dieu-hanh/index.html",
};
