// Bundle the card into one ES module that Home Assistant serves: `npm run build [-- OUTFILE]`.
// Deterministic: the same source and lockfile give the same bytes (CI compares them with the committed file).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const committed = path.join(here, "..", "custom_components", "media_request_tracker", "frontend",
  "media-request-tracker-card.js");
const outfile = path.resolve(process.argv[2] ?? committed);

await build({
  entryPoints: [path.join(here, "src", "media-request-tracker-card.ts")],
  outfile,
  bundle: true,
  format: "esm",
  target: "es2021",
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
});
console.log(`built ${path.relative(process.cwd(), outfile)}`);
