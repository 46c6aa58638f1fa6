// Search budgets, measured in Chromium on a built site (benches/search_bench.sh
// builds the sites and runs this).
//
//   node benches/search_bench.mjs SITE_DIR [--word W] [--words a,b,…] [--pagefind]
//
// Serves SITE_DIR on 127.0.0.1 with gzip (as a static host would: text
// files compressed at level 6, Pagefind's already compressed files as
// they are) and prints:
//
// - the home page's own size: its HTML, stylesheets and scripts, gzipped;
// - bytes fetched (transferSize: compressed bodies and headers) from the
//   first use of the form until the first result is on screen, and until
//   the first page of results is, for a one-official query picked in the
//   picker (the officials' names included), the same from the URL, and a
//   one-word text query;
// - the time from the last keystroke to results on screen, median of 20
//   queries typed into a warm page;
// - with --pagefind: Pagefind's index size (SITE_DIR/pagefind, made by
//   `npx pagefind@1 --site SITE_DIR` beforehand) and the bytes its JS API
//   fetches for the same word until the first result's data is in.
//
// playwright-core comes from tests/browser/node_modules (npm ci there).

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, "../tests/browser/package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const dir = path.resolve(args[0] || "public");
const opt = (name, dflt) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : dflt;
};
const WORD = opt("--word", "ceasefire");
const WORDS = opt(
  "--words",
  "agreement,ambassador,bilateral,cabinet,channel,coalition,commerce,consensus,crisis,delegation," +
    "dialogue,embassy,envoy,framework,harbour,investment,maritime,memorandum,protocol,tariff",
).split(",");
const PAGEFIND = args.includes("--pagefind");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
};
const gzipped = new Map();
function body(file) {
  const type = TYPES[path.extname(file)];
  const raw = fs.readFileSync(file);
  if (!type) return { raw, type: "application/octet-stream", gz: false };
  if (!gzipped.has(file)) gzipped.set(file, zlib.gzipSync(raw, { level: 6 }));
  return { raw: gzipped.get(file), type, gz: true };
}

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    const b = body(file);
    const headers = { "content-type": b.type, "cache-control": "no-cache", "content-length": b.raw.length };
    if (b.gz) headers["content-encoding"] = "gzip";
    res.writeHead(200, headers);
    res.end(b.raw);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The data of a detente shard read from disk. */
function shardData(rel) {
  const text = fs.readFileSync(path.join(dir, rel), "utf8");
  return JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")")));
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// In the page: when cards appear, and the bytes fetched since a mark.
const PROBE = () => {
  window.__cards = [];
  window.__inputs = [];
  document.addEventListener("input", () => window.__inputs.push(performance.now()), true);
  const start = () => {
    const list = document.getElementById("filter-list");
    if (!list) return;
    new MutationObserver(() => {
      window.__cards.push({ t: performance.now(), n: list.children.length, q: location.search });
    }).observe(list, { childList: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.__list = (from, to) =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.startTime >= from && e.responseEnd <= to)
      .map((e) => `${e.name.replace(/^.*\//, "")} ${e.transferSize} ${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)}`);
  window.__bytes = (from, to, only) =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.startTime >= from && e.responseEnd <= to && (!only || e.name.includes(only)))
      .reduce((n, e) => n + e.transferSize, 0);
};

async function firstCards(page, since, want) {
  await page.waitForFunction(
    ([since, want]) => window.__cards.some((c) => c.t >= since && c.n >= want),
    [since, want],
    { timeout: 60000 },
  );
  return page.evaluate(
    ([since, want]) => window.__cards.find((c) => c.t >= since && c.n >= want).t,
    [since, want],
  );
}

async function main() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const out = [];
  const say = (line) => {
    out.push(line);
    console.log(line);
  };

  // The home page's own bytes.
  const home = fs.readFileSync(path.join(dir, "index.html"), "utf8");
  const linked = [...home.matchAll(/<(?:link rel="stylesheet" href|script src)="\.\/([^"]+)"/g)].map((m) => m[1]);
  const words = (home.match(/data-words="\.\/([^"]+)"/) || [])[1];
  const gz = (rel) => zlib.gzipSync(fs.readFileSync(path.join(dir, rel)), { level: 6 }).length;
  const html = gz("index.html");
  const css = linked.filter((f) => f.endsWith(".css")).reduce((n, f) => n + gz(f), 0);
  const js = linked.filter((f) => f.endsWith(".js")).reduce((n, f) => n + gz(f), 0) + (words ? gz(words) : 0);
  const manifest = shardData("search/manifest.js");
  say(`site: ${dir}, ${manifest.total} exchanges`);
  say(`home page (gzip): HTML ${kb(html)}, CSS ${kb(css)}, JS ${kb(js)} (timeline.js and search-words.js): ${kb(html + css + js)}`);
  const mbytes = fs.statSync(path.join(dir, "search/manifest.js")).size;
  say(`manifest: ${kb(mbytes)} (${kb(gz("search/manifest.js"))} gzipped)`);
  const files = fs.readdirSync(path.join(dir, "search"));
  const total = files.reduce((n, f) => n + fs.statSync(path.join(dir, "search", f)).size, 0);
  say(`index: ${files.length} files, ${(total / 1048576).toFixed(1)} MiB`);

  // A one-official query: the official with the median number of exchanges.
  const people = shardData(`search/${manifest.officials}.js`);
  const ranked = [...people].sort((a, b) => a[3] - b[3] || (a[0] < b[0] ? -1 : 1));
  const official = ranked[Math.floor(ranked.length / 2)];
  const countries = Object.fromEntries(manifest.countries.map((c) => [c[0], c[1]]));
  const label = `${official[1]} (${countries[official[2]] || official[2]})`;

  const fresh = async () => {
    const context = await browser.newContext();
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    return { context, page };
  };

  {
    const { context, page } = await fresh();
    await page.goto(base + "/", { waitUntil: "networkidle" });
    const t0 = await page.evaluate(() => performance.now());
    await page.focus("#f-official");
    await page.waitForFunction(() => document.querySelectorAll("#f-officials option").length > 0);
    await page.fill("#f-official", label);
    const first = await firstCards(page, t0, 1);
    const pageDone = await firstCards(page, t0, Math.min(25, official[3]));
    await page.waitForTimeout(200);
    const b1 = await page.evaluate(([a, b]) => window.__bytes(a, b), [t0, first]);
    const b2 = await page.evaluate(([a, b]) => window.__bytes(a, b), [t0, pageDone]);
    say(`one official, picked (${official[0]}, ${official[3]} exchanges): ${kb(b1)} before the first result, ${kb(b2)} for the first page`);
    if (process.env.VERBOSE) console.log((await page.evaluate(([a, b]) => window.__list(a, b), [t0, first])).join("\n"));
    await context.close();
  }
  {
    const { context, page } = await fresh();
    await page.goto(`${base}/?official=${official[0]}`, { waitUntil: "load" });
    const first = await firstCards(page, 0, 1);
    const pageDone = await firstCards(page, 0, Math.min(25, official[3]));
    const b1 = await page.evaluate((b) => window.__bytes(0, b, "/search"), first);
    const b2 = await page.evaluate((b) => window.__bytes(0, b, "/search"), pageDone);
    say(`one official, from the URL: ${kb(b1)} of search files before the first result, ${kb(b2)} for the first page`);
    await context.close();
  }
  let latencies = [];
  {
    const { context, page } = await fresh();
    await page.goto(base + "/", { waitUntil: "networkidle" });
    const t0 = await page.evaluate(() => performance.now());
    await page.focus("#f-q");
    await page.fill("#f-q", WORD);
    const first = await firstCards(page, t0, 1);
    const five = await firstCards(page, t0, 5);
    const all = await firstCards(page, t0, 25);
    await page.waitForTimeout(300);
    const count = await page.textContent("#filter-count");
    const b1 = await page.evaluate(([a, b]) => window.__bytes(a, b), [t0, first]);
    const b5 = await page.evaluate(([a, b]) => window.__bytes(a, b), [t0, five]);
    const b25 = await page.evaluate(([a, b]) => window.__bytes(a, b), [t0, all]);
    say(
      `one word ("${WORD}": ${count.split(".")[0]}): ${kb(b1)} before the first result, ` +
        `${kb(b5)} for the first five, ${kb(b25)} for the first page`,
    );
    if (process.env.VERBOSE) console.log((await page.evaluate(([a, b]) => window.__list(a, b), [t0, first])).join("\n"));
    // Keystroke to results: each word typed into the warm page.
    for (const w of WORDS) {
      await page.fill("#f-q", "");
      await page.waitForTimeout(100);
      const before = await page.evaluate(() => performance.now());
      await page.type("#f-q", w, { delay: 10 });
      await page.waitForFunction(
        ([w, since]) =>
          new URLSearchParams(location.search).get("q") === w &&
          window.__cards.some((c) => c.t >= since && c.q.includes(`q=${w}`) && c.n >= 1),
        [w, before],
        { timeout: 60000 },
      );
      const t = await page.evaluate(
        ([w, since]) => {
          const last = window.__inputs.filter((x) => x >= since).pop();
          const shown = window.__cards.find((c) => c.t >= since && c.q.includes(`q=${w}`) && c.n >= 1).t;
          return shown - last;
        },
        [w, before],
      );
      latencies.push(t);
    }
    say(
      `keystroke to results, ${latencies.length} words typed: median ${median(latencies).toFixed(1)} ms ` +
        `(min ${Math.min(...latencies).toFixed(1)}, max ${Math.max(...latencies).toFixed(1)})`,
    );
    await context.close();
  }

  if (PAGEFIND) {
    const pf = path.join(dir, "pagefind");
    let size = 0;
    let count = 0;
    const walk = (d) => {
      for (const f of fs.readdirSync(d)) {
        const p = path.join(d, f);
        if (fs.statSync(p).isDirectory()) walk(p);
        else {
          size += fs.statSync(p).size;
          count += 1;
        }
      }
    };
    walk(pf);
    say(`pagefind: index ${count} files, ${(size / 1048576).toFixed(1)} MiB`);
    const { context, page } = await fresh();
    await page.goto(base + "/404.html", { waitUntil: "networkidle" });
    // Pagefind fetches from a web worker: count at the network level.
    const fetched = [];
    context.on("requestfinished", async (r) => {
      const sizes = await r.sizes().catch(() => null);
      if (sizes) fetched.push([r.url(), sizes.responseBodySize + sizes.responseHeadersSize]);
    });
    const res = await page.evaluate(async (word) => {
      const pagefind = await import("/pagefind/pagefind.js");
      await pagefind.init();
      const r = await pagefind.search(word);
      const first = await r.results[0].data();
      const five = await Promise.all(r.results.slice(0, 5).map((x) => x.data()));
      return { n: r.results.length, first: first.url, five: five.length };
    }, WORD);
    await page.waitForTimeout(500);
    const b = fetched.reduce((n, f) => n + f[1], 0);
    if (process.env.VERBOSE) console.log(fetched.map((f) => `${f[0].replace(/^.*\/pagefind\//, "")} ${f[1]}`).join("\n"));
    say(`pagefind, "${WORD}" (${res.n} results): ${kb(b)} fetched until the first five results' data is in`);
    await context.close();
  }
  await browser.close();
  server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
