// The page shell every HTML entry shares (doctype, head, the header the layout fills in): the entries hold
// only their <main> and their script, and this Vite plugin wraps them before the build reads their tags.
const HEAD = `<meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Phản ánh hiện trường</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">`;

export function pageShell() {
  return {
    name: "phananh-page-shell",
    transformIndexHtml: {
      order: "pre",
      handler: (html) =>
        `<!doctype html>\n<html lang="vi">\n<head>\n  ${HEAD}\n</head>\n<body>\n  <header id="site"></header>\n${html}</body>\n</html>\n`,
    },
  };
}
