// Builds the frontend into ../openimis/web/build (served by `openimis serve` under /front/).
// The @openimis/fe-* packages ship compiled ES modules, so esbuild only bundles and minifies them.
//
//   npm run build                 production build
//   npm run build -- --sourcemap  the same with source maps
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "..", "openimis", "web", "build");
const staging = `${target}.tmp-${process.pid}`;
const PUBLIC_URL = "/front";
const API_URL = "/api";
const COMPRESSIBLE = /\.(js|css|svg|html|json|txt|map)$/;
const started = Date.now();

function step(message) {
  console.log(`[build] ${message}`);
}

const generated = spawnSync(process.execPath, [join(root, "scripts", "generate-modules.mjs")], { stdio: "inherit" });
if (generated.status !== 0) process.exit(generated.status ?? 1);

rmSync(staging, { recursive: true, force: true });
mkdirSync(join(staging, "static"), { recursive: true });

step("bundling with esbuild ...");
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["src/index.jsx"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019", "chrome90", "firefox88", "safari14"],
  platform: "browser",
  outdir: join(staging, "static"),
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  publicPath: `${PUBLIC_URL}/static`,
  loader: { ".svg": "file", ".woff2": "file", ".woff": "file", ".png": "file" },
  jsx: "transform",
  inject: ["src/free-globals.js"],
  define: {
    "process.env.NODE_ENV": JSON.stringify("production"),
    "process.env.PUBLIC_URL": JSON.stringify(PUBLIC_URL),
    "process.env.REACT_APP_API_URL": JSON.stringify(API_URL),
    "process.env": "{}",
    global: "window",
    // fe-core 1.11's RequireAuth calls useTranslations(module, ...) with a free `module` (webpack supplied one):
    // without a module name the translations fall back to the plain message ids, as they do under webpack.
    module: "undefined",
  },
  sourcemap: process.argv.includes("--sourcemap") ? "linked" : false,
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});

step(`bundled in ${((Date.now() - started) / 1000).toFixed(1)}s`);
const outputs = Object.keys(result.metafile.outputs).map((file) => join(root, file));
const entry = outputs.find((file) => /index-[^/]*\.js$/.test(file));
const css = outputs.find((file) => /index-[^/]*\.css$/.test(file));
if (!entry) throw new Error("esbuild produced no index-*.js");

const template = readFileSync(join(root, "public", "index.html"), "utf8");
let html = template
  .replaceAll("%PUBLIC_URL%", PUBLIC_URL)
  .replace("%JS%", `${PUBLIC_URL}/static/${basename(entry)}`);
html = css
  ? html.replace("%CSS%", `${PUBLIC_URL}/static/${basename(css)}`)
  : html.replace(/\s*<link rel="stylesheet" href="%CSS%" \/>/, "");
writeFileSync(join(staging, "index.html"), html);
copyFileSync(join(root, "src", "logo.svg"), join(staging, "favicon.svg"));

// Pre-compressed copies, served by openimis.web when the browser accepts them.
let raw = 0;
let gzip = 0;
let brotli = 0;
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
}
walk(staging);
for (const path of files) {
  const data = readFileSync(path);
  const shipped = !path.endsWith(".map") && !path.endsWith(".LEGAL.txt");
  if (shipped) raw += data.length;
  if (!COMPRESSIBLE.test(path) || data.length < 1024) continue;
  const gz = gzipSync(data, { level: 9 });
  const br = brotliCompressSync(data, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, br);
  if (shipped) {
    gzip += gz.length;
    brotli += br.length;
  }
}

const lock = readFileSync(join(root, "package-lock.json"));
const info = {
  built_at: new Date().toISOString(),
  package_lock_sha256: createHash("sha256").update(lock).digest("hex"),
  entry: `static/${basename(entry)}`,
  bytes: { raw, gzip, brotli },
  build_seconds: (Date.now() - started) / 1000,
};
writeFileSync(join(staging, "build-info.json"), JSON.stringify(info, null, 2) + "\n");

// Swap the new build in at once, so a running server never serves half a build.
const old = `${target}.old-${process.pid}`;
if (existsSync(target)) renameSync(target, old);
renameSync(staging, target);
rmSync(old, { recursive: true, force: true });

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const entryBytes = statSync(join(target, "static", basename(entry))).size;
step(`main bundle ${basename(entry)}: ${mb(entryBytes)} (gzip ${mb(statSync(join(target, "static", basename(entry) + ".gz")).size)})`);
step(`all files: ${mb(raw)} raw, ${mb(gzip)} gzip, ${mb(brotli)} brotli`);
step(`done in ${info.build_seconds.toFixed(1)}s -> ${relative(process.cwd(), target) || target}`);
