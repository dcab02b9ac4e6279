// Assembles everything the browser loads into dist/assets: the pinned libraries from node_modules
// and our own files from src/. The Maven build packs dist/ into the frontend jar the server serves from.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const out = "dist/assets";
rmSync("dist", { recursive: true, force: true });
mkdirSync(`${out}/vendor/hljs`, { recursive: true });
mkdirSync(`${out}/vendor/xterm`, { recursive: true });

const vendor = {
  "node_modules/htmx.org/dist/htmx.min.js": "vendor/htmx.min.js",
  "node_modules/@highlightjs/cdn-assets/highlight.min.js": "vendor/hljs/highlight.min.js",
  "node_modules/@highlightjs/cdn-assets/styles/github.min.css": "vendor/hljs/github.min.css",
  "node_modules/@highlightjs/cdn-assets/styles/github-dark.min.css": "vendor/hljs/github-dark.min.css",
  // The terminal: xterm.js's browser build (a UMD script defining window.Terminal), its stylesheet and the
  // fit addon (window.FitAddon). src/terminal.js loads them only when a page offers a terminal.
  "node_modules/@xterm/xterm/lib/xterm.js": "vendor/xterm/xterm.js",
  "node_modules/@xterm/xterm/css/xterm.css": "vendor/xterm/xterm.css",
  "node_modules/@xterm/addon-fit/lib/addon-fit.js": "vendor/xterm/addon-fit.js",
};
// highlight.min.js carries the common languages; these are the extra ones the courses use.
for (const lang of ["django", "dockerfile", "pgsql"]) {
  vendor[`node_modules/@highlightjs/cdn-assets/languages/${lang}.min.js`] = `vendor/hljs/${lang}.min.js`;
}
for (const [from, to] of Object.entries(vendor)) cpSync(from, `${out}/${to}`);
cpSync("src", out, { recursive: true });
console.log(`frontend: assets written to ${out}`);
