// The search index against the content: random filter combinations
// (seeded) over a generated site of a few hundred exchanges and over the
// shipped site; for each, the page's results (every one, in order: title
// hits above summary hits above body hits, then newest first) must equal
// what tests/browser/oracle.mjs computes from the Markdown files alone.
//
//   cargo build && (cd tests/browser && npm ci && node --test search.test.mjs)
//
// SEARCH_SEED picks the seed (default 7); SEARCH_QUERIES the number of
// queries per site (default 60 on the generated site, 25 on the shipped one).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { chromium } from "playwright-core";

import { CHROMIUM, CHROMIUM_ARGS, REPO, detenteBinary, serve } from "./harness.mjs";
import { W, citySlug, expected, rng } from "./oracle.mjs";

const SEED = Number(process.env.SEARCH_SEED || 7);
const QUERIES = process.env.SEARCH_QUERIES ? Number(process.env.SEARCH_QUERIES) : null;

function build(root, out) {
  const r = spawnSync(detenteBinary(), ["build", "--root", root, "--output", out], { encoding: "utf8" });
  assert.equal(r.status, 0, `detente build failed:\n${r.stdout}\n${r.stderr}`);
}

// ---------------------------------------------------------------- a generated site

const WORDS = (
  "agreement alliance ambassador assurance balance bilateral border briefing cabinet capital ceasefire " +
  "channel coalition commerce commitment concern conference consensus consultation cooperation crisis " +
  "currency delegation dialogue diplomacy discussion dispute economy embassy emissions engagement envoy " +
  "escalation export framework guarantee harbour import initiative investment leadership maritime " +
  "negotiation negotiations negotiated negotiating observer outcome partnership policy policies proposal " +
  "protocol reciprocity region relations resolution restraint review sanction sanctions security " +
  "settlement stability statement strategy summit supply tariff tariffs tension treaty visit visited " +
  "running runs ran happy happiness generously généreux Zürich naïve coöperation CHINA’s"
).split(" ");
const CJK = ["中美关系", "王毅", "会谈", "贸易", "气候变化", "美方表示", "台湾", "日本", "한국"];
const CITIES = [
  ["Beijing", "CN"],
  ["Shanghai", "CN"],
  ["Washington", "US"],
  ["New York", "US"],
  ["Paris", "FR"],
  ["Tokyo", "JP"],
  ["Geneva", "CH"],
  ["Zürich", "CH"],
];
const FORMATS = ["in-person", "virtual", "phone", "sidelines"];

function sentence(r, min, max) {
  const n = min + r.below(max - min + 1);
  const out = [];
  for (let i = 0; i < n; i++) out.push(r.chance(0.06) ? r.pick(CJK) : r.pick(WORDS));
  return out.join(" ");
}

/** Writes a site of `n` exchanges under `root`; returns its exchanges and officials' countries. */
function generate(root, n, seed) {
  const r = rng(seed);
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write(
    "content/site.toml",
    'title = "Generated"\nlanguage = "en"\npaginate = 50\n[countries.US]\nname = "United States"\nshort = "US"\n' +
      '[countries.CN]\nname = "China"\nshort = "CN"\n[countries.FR]\nname = "France"\nshort = "FR"\n',
  );
  const countries = ["US", "CN", "FR"];
  const countryOf = new Map();
  const officials = [];
  for (let k = 0; k < 24; k++) {
    const slug = `official-${k}`;
    const country = countries[k % 3];
    countryOf.set(slug, country);
    officials.push(slug);
    write(`content/officials/${slug}.md`, `+++\nname = "Official Number${k}"\ncountry = "${country}"\n+++\nBio.\n`);
  }
  const issues = [];
  for (let k = 0; k < 8; k++) {
    issues.push(`issue-${k}`);
    write(`content/issues/issue-${k}.md`, `+++\nname = "Issue ${k}"\n+++\nAbout it.\n`);
  }
  const exchanges = [];
  for (let k = 0; k < n; k++) {
    const year = 2015 + r.below(10);
    const date = `${year}-${String(1 + r.below(12)).padStart(2, "0")}-${String(1 + r.below(28)).padStart(2, "0")}`;
    const slug = `${date}-x${String(k).padStart(4, "0")}`;
    const ofs = [];
    const want = 1 + r.below(3);
    while (ofs.length < want) {
      const o = r.pick(officials);
      if (!ofs.includes(o)) ofs.push(o);
    }
    const iss = [];
    const wantIssues = r.below(4);
    while (iss.length < wantIssues) {
      const i = r.pick(issues);
      if (!iss.includes(i)) iss.push(i);
    }
    const format = r.pick(FORMATS);
    const place = r.chance(0.7) ? r.pick(CITIES) : null;
    const title = `Talks ${k}: ${sentence(r, 2, 5)}`;
    const summary = sentence(r, 6, 12) + ".";
    const body = `${sentence(r, 20, 40)}.\n\nSome **${r.pick(WORDS)}** and _${r.pick(WORDS)}_ ${sentence(r, 10, 30)}; see [${r.pick(WORDS)}](https://example.org/docs/${k}).\n`;
    const toml = (s) => JSON.stringify(s);
    let front = `+++\ntitle = ${toml(title)}\ndate = ${date}\nformat = "${format}"\n`;
    if (place) front += `location = { city = ${toml(place[0])}, country = "${place[1]}" }\n`;
    front += `officials = [${ofs.map(toml).join(", ")}]\nissues = [${iss.map(toml).join(", ")}]\nsummary = ${toml(summary)}\n+++\n`;
    write(`content/exchanges/${slug}.md`, front + body);
    exchanges.push({
      slug,
      date,
      title,
      summary,
      body,
      format,
      officials: ofs,
      issues: iss,
      country: place ? place[1] : "",
      citySlug: place ? citySlug(place[0]) : "",
    });
  }
  return { exchanges, countryOf };
}

/** The shipped site's exchanges, read from content/ (drafts left out). */
function shipped() {
  const dir = path.join(REPO, "content", "exchanges");
  const exchanges = [];
  for (const name of fs.readdirSync(dir).sort()) {
    // Translations (`<slug>.<lang>.md`) are not exchanges of their own.
    if (!name.endsWith(".md") || /\.[a-z]{2,3}(-[A-Za-z0-9]+)*\.md$/.test(name)) continue;
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    const m = text.match(/^\uFEFF?\+\+\+\r?\n([\s\S]*?)\r?\n\+\+\+\r?\n?([\s\S]*)$/);
    const front = m[1];
    if (/^draft\s*=\s*true/m.test(front)) continue;
    const str = (key) => {
      const s = front.match(new RegExp(`^${key}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*")`, "m"));
      return s ? JSON.parse(s[1]) : "";
    };
    const arr = (key) => {
      const a = front.match(new RegExp(`^${key}\\s*=\\s*\\[([\\s\\S]*?)\\]`, "m"));
      return a ? [...a[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]) : [];
    };
    const table = (front.match(/^location\s*=\s*\{([^}]*)\}/m) || [])[1] || "";
    const part = (key) => (table.match(new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`)) || [])[1] || "";
    exchanges.push({
      slug: name.replace(/\.md$/, ""),
      date: front.match(/^date\s*=\s*(\d{4}-\d{2}-\d{2})/m)[1],
      title: str("title"),
      summary: str("summary"),
      body: m[2],
      format: str("format"),
      officials: arr("officials"),
      issues: arr("issues"),
      country: part("country"),
      citySlug: part("city") ? citySlug(part("city")) : "",
    });
  }
  const countryOf = new Map();
  for (const name of fs.readdirSync(path.join(REPO, "content", "officials"))) {
    const m = fs.readFileSync(path.join(REPO, "content", "officials", name), "utf8").match(/^country\s*=\s*"([^"]*)"/m);
    if (m) countryOf.set(name.replace(/\.md$/, ""), m[1]);
  }
  return { exchanges, countryOf };
}

// ---------------------------------------------------------------- random queries

/** A random filter state over `site`, each filter on with some chance. */
function randomState(r, site) {
  const ex = site.exchanges;
  const some = r.pick(ex); // filters drawn from one exchange, so some match
  const other = r.pick(ex);
  const s = { officials: [], issues: [] };
  if (r.chance(0.35)) s.officials.push(r.pick(some.officials));
  if (r.chance(0.15)) {
    const o = r.chance(0.7) ? r.pick(some.officials) : r.pick(other.officials);
    if (!s.officials.includes(o)) s.officials.push(o);
  }
  if (r.chance(0.25) && some.issues.length) s.issues.push(r.pick(some.issues));
  if (r.chance(0.08) && other.issues.length && !s.issues.includes(other.issues[0])) s.issues.push(other.issues[0]);
  if (r.chance(0.25)) s.format = r.chance(0.8) ? some.format : r.pick(FORMATS);
  if (r.chance(0.15)) s.country = site.countryOf.get(r.pick(some.officials));
  if (r.chance(0.2) && some.country) s.held = some.country;
  if (r.chance(0.15) && some.country) s.city = `${some.country.toLowerCase()}/${some.citySlug}`;
  if (r.chance(0.25)) {
    const y = Number(some.date.slice(0, 4));
    s.from = String(y - r.below(3));
    if (r.chance(0.6)) s.to = String(y + r.below(2));
  }
  if (r.chance(0.55)) {
    // Words of the exchange's own text, the last one cut short at times.
    const tokens = W.segments(`${some.title} ${some.summary} ${some.body}`)
      .map((seg) => `${some.title} ${some.summary} ${some.body}`.slice(seg.start, seg.end))
      .filter((w) => !/^\d+$/.test(w));
    const words = [];
    const n = 1 + r.below(2);
    for (let k = 0; k < n; k++) words.push(r.pick(tokens));
    let q = words.join(" ");
    const last = words[words.length - 1];
    if (r.chance(0.3) && last.length > 4 && !W.isCjk(last.codePointAt(0))) q = q.slice(0, q.length - r.below(3) - 1);
    if (r.chance(0.2)) q = q.toUpperCase();
    if (r.chance(0.1)) q = r.pick(CJK).slice(0, 1 + r.below(2));
    s.q = q;
  }
  if (!s.officials.length && !s.issues.length && !s.format && !s.country && !s.held && !s.city && !s.from && !s.q) {
    s.format = some.format;
  }
  return s;
}

function query(s) {
  const p = new URLSearchParams();
  for (const o of s.officials) p.append("official", o);
  for (const i of s.issues) p.append("issue", i);
  for (const k of ["format", "country", "held", "city", "from", "to", "q"]) if (s[k]) p.append(k, s[k]);
  return `?${p}`;
}

/** The slugs the page shows for `url`, pressing "Show more" to the end, and the count it states. */
async function results(page, url) {
  await page.goto(url, { waitUntil: "load" });
  for (;;) {
    const state = await page.waitForFunction(() => {
      const r = document.getElementById("filter-results");
      const m = document.getElementById("filter-count").textContent.match(/^(\d+) of (\d+) exchange/);
      if (!r || r.hidden || !m) return false;
      const shown = document.querySelectorAll("#filter-list > li").length;
      const more = document.getElementById("filter-more");
      if (shown === Number(m[1]) && !more) return "done";
      return more && !more.disabled ? "more" : false;
    });
    if ((await state.jsonValue()) === "done") break;
    await page.click("#filter-more");
  }
  const count = Number((await page.textContent("#filter-count")).match(/^(\d+)/)[1]);
  const slugs = await page.$$eval("#filter-list .card-title a", (as) =>
    as.map((a) => new URL(a.href).pathname.match(/\/exchanges\/([^/]+)\//)[1]),
  );
  return { count, slugs };
}

// ---------------------------------------------------------------- tests

let tmp;
let browser;
const sites = {};
const servers = [];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "detente-search-"));
  const gen = generate(path.join(tmp, "gen"), 300, SEED);
  build(path.join(tmp, "gen"), path.join(tmp, "gen-out"));
  build(REPO, path.join(tmp, "shipped-out"));
  for (const [name, data, out] of [
    ["generated", gen, "gen-out"],
    ["shipped", shipped(), "shipped-out"],
  ]) {
    const server = await serve(path.join(tmp, out));
    servers.push(server);
    sites[name] = { ...data, base: `http://127.0.0.1:${server.address().port}` };
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("search results equal the content's", () => {
  for (const [name, n] of [
    ["generated", 60],
    ["shipped", 25],
  ]) {
    test(`${QUERIES ?? n} random filter combinations on the ${name} site`, async () => {
      const site = sites[name];
      const r = rng(SEED * 31 + name.length);
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      let nonEmpty = 0;
      let texts = 0;
      try {
        for (let k = 0; k < (QUERIES ?? n); k++) {
          const s = randomState(r, site);
          const want = expected(s, site.exchanges, site.countryOf);
          const got = await results(page, site.base + "/" + query(s));
          assert.deepEqual(got.slugs, want, `${name} ${query(s)}`);
          assert.equal(got.count, want.length, `${name} ${query(s)}: the count`);
          if (want.length) nonEmpty += 1;
          if (s.q && want.length) texts += 1;
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(errors, []);
      assert.ok(nonEmpty >= (QUERIES ?? n) / 3, `most queries find something (${nonEmpty})`);
      assert.ok(texts >= 3, `some text queries find something (${texts})`);
    });
  }

  test("words found are marked in titles and summaries", async () => {
    const site = sites.generated;
    const e = site.exchanges.find((x) => /negotiations/i.test(x.title));
    assert.ok(e, "a title with 'negotiations'");
    const context = await browser.newContext();
    const page = await context.newPage();
    const got = await results(page, `${site.base}/?q=negotiating`);
    assert.ok(got.slugs.includes(e.slug));
    const marks = await page.$$eval("#filter-list mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.length > 0, "some words are marked");
    for (const m of marks) assert.equal(W.stem(W.fold(m)), "negoti", `marked: ${m}`);
    // The first results are title hits.
    const first = await page.$eval("#filter-list .card-title", (h) => h.querySelector("mark") !== null);
    assert.ok(first, "the first result has the word in its title");
    await context.close();
  });
});
