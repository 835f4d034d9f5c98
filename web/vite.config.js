// One multi-page build for every front end the province serves. Each entry of `pages.js` is an HTML page;
// the staff console adds its own entries there (e.g. `console`), and shares web/shared/ with the portal.
import { defineConfig } from "vite";
import { resolve } from "node:path";
import { pages } from "./pages.js";
import { pageShell } from "./shell.js";

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: "/",
  publicDir: "public",
  plugins: [pageShell()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0, // no data: URIs: the CSP allows images from 'self' only
    modulePreload: { polyfill: false }, // the polyfill is an inline script the CSP would refuse
    rollupOptions: {
      input: Object.fromEntries(Object.entries(pages).map(([name, file]) => [name, resolve(root, file)])),
    },
  },
});
