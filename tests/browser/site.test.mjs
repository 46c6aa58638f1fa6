// Browser tests of the shipped site (the repository root is the site):
// builds it with the detente binary into a temp folder, serves it on
// 127.0.0.1, and drives Debian's Chromium through playwright-core.
//
//   cargo build && (cd tests/browser && npm ci && npm test)
//
// DETENTE_BIN picks the binary (default: the newest of target/{release,debug}/detente,
// honouring CARGO_TARGET_DIR); CHROMIUM the browser (default /usr/bin/chromium).
// Screenshots are written to tests/browser/screenshots/ (shown in the README).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { CHROMIUM, CHROMIUM_ARGS, REPO, detenteBinary, serve } from "./harness.mjs";
import { citySlug, expected } from "./oracle.mjs";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, "screenshots");
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// ---------------------------------------------------------------- content

/** The site's exchanges as written in content/exchanges/*.md (drafts left out). */
function readContent() {
  const dir = path.join(REPO, "content", "exchanges");
  const list = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".md") || /\.[a-z]{2,3}(-[A-Za-z0-9]+)*\.md$/.test(name)) continue;
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    const m = text.match(/^\uFEFF?\+\+\+\r?\n([\s\S]*?)\r?\n\+\+\+\r?\n?([\s\S]*)$/);
    assert.ok(m, `${name} has TOML front matter`);
    const front = m[1];
    const str = (key) => {
      const s = front.match(new RegExp(`^${key}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*")`, "m"));
      return s ? JSON.parse(s[1]) : "";
    };
    const arr = (key) => {
      const a = front.match(new RegExp(`^${key}\\s*=\\s*\\[([\\s\\S]*?)\\]`, "m"));
      return a ? [...a[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]) : [];
    };
    if (/^draft\s*=\s*true/m.test(front)) continue;
    const date = (front.match(/^date\s*=\s*(\d{4}-\d{2}-\d{2})/m) || [])[1];
    // A structured place: location = { city = "…", country = "…" }.
    const table = (front.match(/^location\s*=\s*\{([^}]*)\}/m) || [])[1] || "";
    const part = (key) => (table.match(new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`)) || [])[1] || "";
    list.push({
      country: part("country"),
      city: part("city"),
      slug: name.replace(/\.md$/, ""),
      title: str("title"),
      format: str("format"),
      summary: str("summary"),
      body: m[2],
      date,
      officials: arr("officials"),
      issues: arr("issues"),
    });
  }
  return list;
}

/** Each official's country, from content/officials/*.md. */
function readCountries() {
  const dir = path.join(REPO, "content", "officials");
  const map = new Map();
  for (const name of fs.readdirSync(dir)) {
    const m = fs.readFileSync(path.join(dir, name), "utf8").match(/^country\s*=\s*"([^"]*)"/m);
    if (m) map.set(name.replace(/\.md$/, ""), m[1]);
  }
  return map;
}

/** Each official's name, from content/officials/*.md. */
function readNames() {
  const dir = path.join(REPO, "content", "officials");
  const map = new Map();
  for (const name of fs.readdirSync(dir)) {
    const m = fs.readFileSync(path.join(dir, name), "utf8").match(/^name\s*=\s*"([^"]*)"/m);
    if (m) map.set(name.replace(/\.md$/, ""), m[1]);
  }
  return map;
}

const EXCHANGES = readContent();
const COUNTRY = readCountries();
const NAME = readNames();
const BY_SLUG = new Map(EXCHANGES.map((e) => [e.slug, e]));
const count = (pred) => EXCHANGES.filter(pred).length;
const countOf = (field) => {
  const c = new Map();
  for (const e of EXCHANGES) for (const v of e[field]) c.set(v, (c.get(v) || 0) + 1);
  return [...c.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};
const TOP_OFFICIAL = countOf("officials")[0][0];
const TOP_ISSUE = countOf("issues")[0][0];

/** An official and an issue whose exchanges overlap in part: both filters matter. */
function pickPair() {
  let best = null;
  for (const [o, no] of countOf("officials")) {
    for (const [i, ni] of countOf("issues")) {
      const both = count((e) => e.officials.includes(o) && e.issues.includes(i));
      if (both >= 2 && both < no && both < ni && (!best || both > best.both)) {
        best = { official: o, issue: i, both };
      }
    }
  }
  assert.ok(best, "the content has an official and an issue that overlap in part");
  return best;
}

/** A word of some summary that only its own exchange has (any form of it, in any field). */
function pickWord() {
  for (const e of EXCHANGES) {
    for (const word of e.summary.match(/[A-Za-z]{7,}/g) || []) {
      const found = expected({ q: word, officials: [], issues: [] }, EXCHANGES, COUNTRY);
      if (found.length === 1 && found[0] === e.slug) {
        return { word, slug: e.slug };
      }
    }
  }
  assert.fail("no summary has a word of its own");
}

const newestFirst = (slugs) =>
  [...slugs].sort((a, b) => {
    const [x, y] = [BY_SLUG.get(a), BY_SLUG.get(b)];
    return y.date.localeCompare(x.date) || a.localeCompare(b);
  });

// ---------------------------------------------------------------- build and serve

// ---------------------------------------------------------------- browser helpers

let out;
let server;
let base;
let browser;

before(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "detente-browser-"));
  const site = path.join(out, "site");
  const built = spawnSync(detenteBinary(), ["build", "--root", REPO, "--output", site], {
    encoding: "utf8",
  });
  assert.equal(built.status, 0, `detente build failed:\n${built.stdout}\n${built.stderr}`);
  const files = path.join(out, "files");
  const builtFiles = spawnSync(detenteBinary(), ["build", "--root", REPO, "--output", files, "--file-urls"], {
    encoding: "utf8",
  });
  assert.equal(builtFiles.status, 0, `detente build --file-urls failed:\n${builtFiles.stderr}`);
  server = await serve(site);
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

/**
 * A new page that records console errors, page errors and failed requests.
 * With `strict` off, requests the browser cancelled because the test moved
 * on to another page (net::ERR_ABORTED, e.g. a late favicon) are not counted.
 */
async function watchedPage(context, { strict = false } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    const error = r.failure()?.errorText;
    if (strict || error !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()} (${error})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

async function withContext(options, fn) {
  const context = await browser.newContext(options);
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

const slugOf = (href) => {
  const m = new URL(href, base).pathname.match(/\/exchanges\/([^/]+)\//);
  return m ? m[1] : null;
};

/**
 * Waits until the filter has shown its results (the index is loaded),
 * pressing "Show more" until every match is on the page.
 */
async function filtered(page) {
  for (;;) {
    const state = await page.waitForFunction(() => {
      const r = document.getElementById("filter-results");
      const text = document.getElementById("filter-count").textContent;
      // English, or the Chinese of /zh/ ("14 次交往中有 3 次符合条件").
      const m = text.match(/^(\d+) of \d+ exchange/) || text.match(/中有 (\d+) 次符合/);
      if (!r || r.hidden || !m) return false;
      const shown = document.querySelectorAll("#filter-list > li").length;
      const more = document.getElementById("filter-more");
      if (shown === Number(m[1])) return "done";
      return more && !more.disabled ? "more" : false;
    });
    if ((await state.jsonValue()) === "done") break;
    await page.click("#filter-more");
  }
  return page.$$eval("#filter-list .card-title a", (as) => as.map((a) => a.href));
}

const shownSlugs = async (page) => (await filtered(page)).map(slugOf);

async function axeViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const FIRST = EXCHANGES[EXCHANGES.length - 1].slug;
// The country most exchanges were held in, and its busiest city.
const placeCounts = (key) => {
  const counts = new Map();
  for (const e of EXCHANGES) if (key(e)) counts.set(key(e), (counts.get(key(e)) || 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};
const TOP_PLACE = placeCounts((e) => e.country)[0][0];
const TOP_CITY = placeCounts((e) => (e.country === TOP_PLACE && e.city ? e.city : ""))[0][0];
const YEAR = EXCHANGES[0].date.slice(0, 4);
const PAGES = {
  home: "/",
  year: `/years/${YEAR}/`,
  exchange: `/exchanges/${FIRST}/`,
  officials: "/officials/",
  official: `/officials/${TOP_OFFICIAL}/`,
  issues: "/issues/",
  issue: `/issues/${TOP_ISSUE}/`,
  "who met whom": "/who-met-whom/",
  places: "/places/",
  place: `/places/${TOP_PLACE.toLowerCase()}/`,
  city: `/places/${TOP_PLACE.toLowerCase()}/${citySlug(TOP_CITY)}/`,
  "zh home": "/zh/",
  "zh exchange": `/zh/exchanges/${FIRST}/`,
  "zh official": `/zh/officials/${TOP_OFFICIAL}/`,
  "not found": "/404.html",
  "filtered home": `/?official=${TOP_OFFICIAL}`,
};

// ---------------------------------------------------------------- tests

describe("every page type", () => {
  test("loads with no console error, no failed request, one h1 and the landmarks", async () => {
    await withContext({}, async (context) => {
      for (const [kind, url] of Object.entries(PAGES)) {
        const { page, problems } = await watchedPage(context, { strict: true });
        await page.goto(base + url, { waitUntil: "networkidle" });
        assert.deepEqual(problems, [], `${kind} page ${url}`);
        assert.equal(await page.locator("h1").count(), 1, `${kind}: one h1`);
        for (const landmark of ["header", "nav", "main#main", "footer"]) {
          assert.equal(await page.locator(landmark).count() >= 1, true, `${kind}: has ${landmark}`);
        }
        assert.equal(await page.locator("a.skip-link[href='#main']").count(), 1, `${kind}: skip link`);
        await page.close();
      }
    });
  });

  test("stays within a 360 px wide screen", async () => {
    await withContext({ viewport: { width: 360, height: 740 } }, async (context) => {
      for (const [kind, url] of Object.entries(PAGES)) {
        const { page } = await watchedPage(context);
        await page.goto(base + url, { waitUntil: "networkidle" });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${kind} page ${url} is ${width}px wide at 360px`);
        await page.close();
      }
    });
  });

  test("without JavaScript: no filter form, the whole list, plain links", async () => {
    await withContext({ javaScriptEnabled: false }, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(base + "/", { waitUntil: "networkidle" });
      assert.equal(await page.locator("#filter").isVisible(), false, "the form is hidden");
      const cards = await page.$$eval("#timeline-list .card-title a", (as) => as.map((a) => a.href));
      assert.deepEqual(cards.map(slugOf), newestFirst(EXCHANGES.map((e) => e.slug)));
      await page.click("nav[aria-label=Main] >> text=Who met whom");
      assert.match(page.url(), /\/who-met-whom\/$/);
      assert.equal(await page.locator("table.matrix a").count() > 0, true);
      await page.goBack();
      await page.click(`#timeline-list a[href$="exchanges/${FIRST}/"]`);
      assert.equal(await page.locator("h1").textContent(), BY_SLUG.get(FIRST).title);
      assert.deepEqual(problems, []);
    });
  });
});

describe("filters", () => {
  test("an official and an issue narrow the list to exactly the exchanges with both; URL, reload and back keep it", async () => {
    const { official, issue, both } = pickPair();
    const expected = newestFirst(
      EXCHANGES.filter((e) => e.officials.includes(official) && e.issues.includes(issue)).map((e) => e.slug),
    );
    const officialOnly = newestFirst(EXCHANGES.filter((e) => e.officials.includes(official)).map((e) => e.slug));
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(base + "/", { waitUntil: "networkidle" });
      assert.equal(await page.locator("#filter").isVisible(), true, "the form is shown with JavaScript");

      // The picker suggests names; typing one picks the official.
      await page.click("#f-official");
      await page.waitForFunction(() => document.querySelectorAll("#f-officials option").length > 0);
      const suggestions = await page.$$eval("#f-officials option", (os) => os.length);
      assert.equal(suggestions, COUNTRY.size, "one suggestion per official, filled from the index");
      await page.fill("#f-official", NAME.get(official));
      await page.waitForURL((u) => u.searchParams.get("official") === official);
      assert.deepEqual(await shownSlugs(page), officialOnly);
      await page.selectOption("#f-issue", issue);
      await page.waitForURL((u) => u.searchParams.get("issue") === issue);
      assert.deepEqual(await shownSlugs(page), expected);
      assert.equal(expected.length, both);
      const status = await page.textContent("#filter-count");
      assert.match(status, new RegExp(`^${both} of ${EXCHANGES.length} exchanges match`));
      const url = new URL(page.url());
      assert.deepEqual(url.searchParams.getAll("official"), [official]);
      assert.deepEqual(url.searchParams.getAll("issue"), [issue]);
      assert.equal(await page.locator("#timeline-list").isVisible(), false, "the page's own list gives way");
      const dimmed = await page.$$eval(".timeline a.m:not(.dim)", (as) => as.map((a) => a.dataset.slug));
      assert.deepEqual([...dimmed].sort(), [...expected].sort(), "the chart highlights the matches");

      await page.reload({ waitUntil: "networkidle" });
      assert.deepEqual(await shownSlugs(page), expected, "reload keeps the filter");
      assert.ok((await page.inputValue("#f-official")).startsWith(`${NAME.get(official)} (`));
      assert.equal(await page.inputValue("#f-issue"), issue);

      await page.goBack();
      await page.waitForURL((u) => !u.searchParams.has("issue"));
      assert.deepEqual(await shownSlugs(page), officialOnly, "back returns to the official alone");
      assert.equal(await page.inputValue("#f-issue"), "");
      await page.goForward();
      await page.waitForURL((u) => u.searchParams.get("issue") === issue);
      assert.deepEqual(await shownSlugs(page), expected, "forward restores both");

      // Leave for an exchange and come back: the filtered view is still there.
      await page.click(`#filter-list a[href$="exchanges/${expected[0]}/"]`);
      await page.waitForURL(`**/exchanges/${expected[0]}/`);
      await page.goBack();
      assert.deepEqual(await shownSlugs(page), expected, "back from an exchange restores the filter");

      await page.click("#f-reset");
      await page.waitForURL((u) => u.search === "");
      assert.equal(await page.locator("#timeline-list").isVisible(), true);
      assert.equal(await page.locator("#filter-results").isVisible(), false);
      assert.deepEqual(problems, []);
    });
  });

  test("free text finds an exchange by a word of its summary", async () => {
    const { word, slug } = pickWord();
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(base + "/", { waitUntil: "networkidle" });
      await page.fill("#f-q", word.toUpperCase());
      await page.waitForURL((u) => u.searchParams.get("q") === word.toUpperCase());
      assert.deepEqual(await shownSlugs(page), [slug], `searching "${word}"`);
      assert.match(await page.textContent("#filter-count"), /^1 of \d+ exchange/);
      assert.deepEqual(problems, []);
    });
  });

  test("format, country and year range combine", async () => {
    const byFormat = new Map();
    for (const e of EXCHANGES) byFormat.set(e.format, (byFormat.get(e.format) || 0) + 1);
    // The rarest format that still has exchanges, and the year of its latest one.
    const [fmt] = [...byFormat.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0];
    const year = EXCHANGES.filter((e) => e.format === fmt).map((e) => e.date.slice(0, 4)).sort().pop();
    const inRange = (e) => e.format === fmt && e.date.slice(0, 4) === year;
    const expected = newestFirst(EXCHANGES.filter(inRange).map((e) => e.slug));
    const country = [...new Set(COUNTRY.values())].sort()[0];
    const withCountry = newestFirst(
      EXCHANGES.filter((e) => inRange(e) && e.officials.some((o) => COUNTRY.get(o) === country)).map((e) => e.slug),
    );
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(`${base}/?format=${fmt}&from=${year}&to=${year}`, { waitUntil: "networkidle" });
      assert.deepEqual(await shownSlugs(page), expected);
      assert.equal(await page.inputValue("#f-format"), fmt);
      assert.equal(await page.inputValue("#f-from"), year);
      assert.equal(await page.inputValue("#f-to"), year);
      await page.selectOption("#f-country", country);
      await page.waitForURL((u) => u.searchParams.get("country") === country);
      assert.deepEqual(await shownSlugs(page), withCountry);
      // An empty year range matches nothing, and says so.
      await page.selectOption("#f-from", String(Number(year)));
      await page.selectOption("#f-to", EXCHANGES[EXCHANGES.length - 1].date.slice(0, 4));
      if (EXCHANGES[EXCHANGES.length - 1].date.slice(0, 4) < year) {
        assert.deepEqual(await shownSlugs(page), []);
        assert.match(await page.textContent("#filter-count"), /^0 of/);
      }
      assert.deepEqual(problems, []);
    });
  });

  test("held in and city narrow to exactly the exchanges held there; URL, reload and back keep it", async () => {
    const inCountry = newestFirst(EXCHANGES.filter((e) => e.country === TOP_PLACE).map((e) => e.slug));
    const inCity = newestFirst(
      EXCHANGES.filter((e) => e.country === TOP_PLACE && e.city === TOP_CITY).map((e) => e.slug),
    );
    const cityValue = `${TOP_PLACE.toLowerCase()}/${citySlug(TOP_CITY)}`;
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(`${base}/`, { waitUntil: "networkidle" });
      await page.selectOption("#f-held", TOP_PLACE);
      await page.waitForURL((u) => u.searchParams.get("held") === TOP_PLACE);
      assert.deepEqual(await shownSlugs(page), inCountry);
      await page.selectOption("#f-city", cityValue);
      await page.waitForURL((u) => u.searchParams.get("city") === cityValue);
      assert.deepEqual(await shownSlugs(page), inCity);
      await page.reload({ waitUntil: "networkidle" });
      assert.deepEqual(await shownSlugs(page), inCity);
      assert.equal(await page.inputValue("#f-city"), cityValue);
      await page.goBack({ waitUntil: "networkidle" });
      assert.deepEqual(await shownSlugs(page), inCountry);
      // The place page's "explore on the timeline" link lands on the same list.
      await page.goto(`${base}/places/${TOP_PLACE.toLowerCase()}/`, { waitUntil: "networkidle" });
      await page.click(".timeline-link a");
      await page.waitForLoadState("networkidle");
      assert.deepEqual(await shownSlugs(page), inCountry);
      assert.deepEqual(problems, []);
    });
  });

  test("the language switcher keeps the page, and /zh/ filters work", async () => {
    const official = TOP_OFFICIAL;
    const expected = newestFirst(EXCHANGES.filter((e) => e.officials.includes(official)).map((e) => e.slug));
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(`${base}/officials/${official}/`, { waitUntil: "networkidle" });
      await page.click("nav.languages a[hreflang='zh']");
      await page.waitForLoadState("networkidle");
      assert.equal(new URL(page.url()).pathname, `/zh/officials/${official}/`);
      assert.equal(await page.getAttribute("html", "lang"), "zh");
      await page.click("nav.languages a[hreflang='en']");
      await page.waitForLoadState("networkidle");
      assert.equal(new URL(page.url()).pathname, `/officials/${official}/`);
      await page.goto(`${base}/zh/?official=${official}`, { waitUntil: "networkidle" });
      assert.deepEqual(await shownSlugs(page), expected);
      // The cards the script makes speak the page's language, as the
      // server's do: Chinese dates, format names and labels.
      const made = await page.$$eval("#filter-list > li", (cards) =>
        cards.map((c) => ({
          date: c.querySelector("time").textContent,
          badge: c.querySelector(".badge").textContent,
          tags: c.querySelector("ul.tags")?.getAttribute("aria-label") ?? "议题",
        })),
      );
      assert.ok(made.length > 0);
      for (const c of made) {
        assert.match(c.date, /^\d{4}年\d{1,2}月\d{1,2}(日|–)/, `a Chinese date: ${c.date}`);
        assert.doesNotMatch(c.badge, /[a-z]/, `a Chinese format name: ${c.badge}`);
        assert.equal(c.tags, "议题");
      }
      assert.deepEqual(problems, []);
    });
  });

  test("work from disk too (--file-urls, file://)", async () => {
    const { official, issue } = pickPair();
    const expected = newestFirst(
      EXCHANGES.filter((e) => e.officials.includes(official) && e.issues.includes(issue)).map((e) => e.slug),
    );
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      const home = `file://${path.join(out, "files", "index.html")}?official=${official}&issue=${issue}`;
      await page.goto(home, { waitUntil: "load" });
      const hrefs = await filtered(page);
      assert.deepEqual(
        hrefs.map((h) => h.match(/exchanges\/([^/]+)\/index\.html$/)?.[1]),
        expected,
        "file:// links end in index.html",
      );
      await page.click(`#filter-list a[href$="exchanges/${expected[0]}/index.html"]`);
      assert.equal(await page.locator("h1").textContent(), BY_SLUG.get(expected[0]).title);
      assert.deepEqual(problems, []);
    });
  });

  test("a who-met-whom cell links to exactly that pair's exchanges", async () => {
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(base + "/who-met-whom/", { waitUntil: "networkidle" });
      const cells = await page.$$eval("table.matrix td a", (as) =>
        as.map((a) => ({ href: a.href, n: Number(a.textContent) })),
      );
      assert.ok(cells.length > 0);
      const at = cells.reduce((best, c, i) => (c.n > cells[best].n ? i : best), 0);
      const cell = cells[at];
      const pair = new URL(cell.href).searchParams.getAll("official");
      assert.equal(pair.length, 2);
      const expected = newestFirst(
        EXCHANGES.filter((e) => pair.every((o) => e.officials.includes(o))).map((e) => e.slug),
      );
      assert.equal(cell.n, expected.length, `the cell of ${pair.join(" and ")} counts their exchanges`);
      await page.locator("table.matrix td a").nth(at).click();
      await page.waitForURL((u) => u.searchParams.getAll("official").length === 2);
      assert.deepEqual(await shownSlugs(page), expected);
      assert.deepEqual(problems, []);
    });
  });
});

describe("charts", () => {
  test("every SVG mark links to its exchange and is named after it", async () => {
    await withContext({}, async (context) => {
      const { page, problems } = await watchedPage(context);
      await page.goto(base + "/", { waitUntil: "networkidle" });
      const marks = await page.$$eval("svg.tl a.m", (as) =>
        as.map((a) => ({ href: a.href.baseVal ?? a.getAttribute("href"), label: a.getAttribute("aria-label"), slug: a.dataset.slug })),
      );
      assert.deepEqual(marks.map((m) => slugOf(m.href)).sort(), EXCHANGES.map((e) => e.slug).sort());
      for (const m of marks) {
        assert.equal(slugOf(m.href), m.slug);
        assert.ok(m.label.startsWith(BY_SLUG.get(m.slug).title), `${m.slug}: "${m.label}"`);
      }
      // A mark is a keyboard-reachable link.
      const target = marks[0];
      await page.locator(`svg.tl a.m[data-slug="${target.slug}"]`).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL(`**/exchanges/${target.slug}/`);
      assert.equal(await page.locator("h1").textContent(), BY_SLUG.get(target.slug).title);

      // An official's chart shows that official's exchanges, and the bars count them per year.
      await page.goto(`${base}/officials/${TOP_OFFICIAL}/`, { waitUntil: "networkidle" });
      const theirs = await page.$$eval("svg.tl a.m", (as) => as.map((a) => a.dataset.slug));
      assert.deepEqual(
        theirs.sort(),
        EXCHANGES.filter((e) => e.officials.includes(TOP_OFFICIAL)).map((e) => e.slug).sort(),
      );
      const bars = await page.$$eval("svg.yb text.n", (t) => t.map((x) => Number(x.textContent)));
      assert.equal(bars.reduce((a, b) => a + b, 0), theirs.length);
      assert.deepEqual(problems, []);
    });
  });
});

describe("layout stability", () => {
  // Showing the filters must not push the list down. timeline.js is held
  // back, as on a slow network, so that anything it changes after the first
  // paint counts; every layout shift is summed (Cumulative Layout Shift).
  for (const [name, viewport] of [
    ["phone", { width: 360, height: 740 }],
    ["desktop", { width: 1280, height: 800 }],
  ]) {
    test(`the home page does not shift as its script runs (${name})`, async () => {
      await withContext({ viewport }, async (context) => {
        const { page, problems } = await watchedPage(context);
        await page.addInitScript(() => {
          window.__shifts = [];
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              if (!e.hadRecentInput) {
                const nodes = e.sources.map((s) => s.node && (s.node.id || s.node.className || s.node.nodeName));
                window.__shifts.push({ value: e.value, nodes });
              }
            }
          }).observe({ type: "layout-shift", buffered: true });
        });
        let delayed = 0;
        await page.route(/\/timeline\.[0-9a-f]+\.js$/, (route) => {
          delayed += 1;
          setTimeout(() => route.continue(), 500);
        });
        await page.goto(base + "/", { waitUntil: "networkidle" });
        // The load event (which networkidle waits for) follows the deferred
        // script; a moment more for any shift it caused to be reported.
        await page.waitForTimeout(300);
        assert.equal(delayed, 1, "the script was held back");
        assert.equal(await page.locator("#filter-box").isVisible(), true, "the filters are shown");
        assert.equal(
          await page.locator("#filter").isVisible(),
          name === "desktop",
          "open on wide screens, folded on phones",
        );
        const shifts = await page.evaluate(() => window.__shifts);
        const total = shifts.reduce((sum, s) => sum + s.value, 0);
        assert.equal(total, 0, `layout shifts: ${JSON.stringify(shifts)}`);
        assert.deepEqual(problems, []);
      });
    });
  }
});

describe("accessibility", () => {
  for (const scheme of ["light", "dark"]) {
    test(`axe finds no serious or critical violation (${scheme} scheme)`, async () => {
      await withContext({ colorScheme: scheme }, async (context) => {
        const pages = scheme === "light" ? PAGES : { home: PAGES.home, exchange: PAGES.exchange, "who met whom": PAGES["who met whom"] };
        for (const [kind, url] of Object.entries(pages)) {
          const { page } = await watchedPage(context);
          await page.goto(base + url, { waitUntil: "networkidle" });
          if (kind === "filtered home") await filtered(page);
          assert.deepEqual(await axeViolations(page), [], `${kind} page ${url}`);
          await page.close();
        }
      });
    });
  }
});

// ---------------------------------------------------------------- media

/** The CRC-32 of PNG chunks. */
function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** A w × h PNG: a sky-to-ground gradient with a sun, like a photograph. */
function photoPng(w, h) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      const sun = Math.hypot(x - w * 0.7, y - h * 0.3) < h * 0.12;
      const i = row + 1 + x * 3;
      raw[i] = sun ? 250 : (60 + (y * 120) / h) | 0;
      raw[i + 1] = sun ? 220 : (90 + (x * 80) / w) | 0;
      raw[i + 2] = sun ? 120 : (200 - (y * 100) / h) | 0;
    }
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("media", () => {
  // The shipped site has no images: a copy of its content gets two photos
  // on its oldest exchange, is built and served on its own.
  let mediaServer;
  let mediaBase;
  const PAGE = `/exchanges/${FIRST}/`;
  before(async () => {
    const root = path.join(out, "media-site");
    fs.cpSync(path.join(REPO, "content"), path.join(root, "content"), { recursive: true });
    fs.mkdirSync(path.join(root, "content", "media"), { recursive: true });
    fs.writeFileSync(path.join(root, "content", "media", "talks.png"), photoPng(1600, 1000));
    fs.writeFileSync(path.join(root, "content", "media", "table.png"), photoPng(800, 800));
    const entry = path.join(root, "content", "exchanges", `${FIRST}.md`);
    const text = fs.readFileSync(entry, "utf8");
    const media =
      '[[media]]\nsrc = "/media/talks.png"\nalt = "The two delegations across the table"\n' +
      'caption = "The talks"\ncredit = "U.S. Department of State"\nlicense = "Public domain"\n' +
      '[[media]]\nsrc = "/media/table.png"\nalt = "The table before the talks"\n';
    fs.writeFileSync(entry, text.replace(/\n\+\+\+\r?\n/, `\n${media}+++\n`));
    const site = path.join(out, "media-public");
    const built = spawnSync(detenteBinary(), ["build", "--root", root, "--output", site], { encoding: "utf8" });
    assert.equal(built.status, 0, `detente build failed:\n${built.stdout}\n${built.stderr}`);
    mediaServer = await serve(site);
    mediaBase = `http://127.0.0.1:${mediaServer.address().port}`;
  });
  after(async () => {
    await new Promise((resolve) => (mediaServer ? mediaServer.close(resolve) : resolve()));
  });

  for (const [name, viewport] of [
    ["phone", { width: 360, height: 740 }],
    ["desktop", { width: 1280, height: 800 }],
  ]) {
    test(`an exchange page with images does not shift as they load (${name})`, async () => {
      await withContext({ viewport }, async (context) => {
        const { page, problems } = await watchedPage(context, { strict: true });
        await page.addInitScript(() => {
          window.__shifts = [];
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              if (!e.hadRecentInput) window.__shifts.push(e.value);
            }
          }).observe({ type: "layout-shift", buffered: true });
        });
        // The images arrive late, as on a slow network: only their boxes,
        // sized by width and height, can keep the text below in place.
        let held = 0;
        await page.route(/\/media\//, (route) => {
          held += 1;
          setTimeout(() => route.continue(), 600);
        });
        await page.goto(mediaBase + PAGE, { waitUntil: "networkidle" });
        await page.locator("figure.media img").last().scrollIntoViewIfNeeded();
        await page.waitForLoadState("networkidle");
        await page.waitForTimeout(300);
        assert.ok(held >= 2, `the images were held back (${held})`);
        const images = await page.$$eval("figure.media img", (imgs) =>
          imgs.map((i) => ({
            loaded: i.complete && i.naturalWidth > 0,
            ratio: i.getBoundingClientRect().width / i.getBoundingClientRect().height,
            lazy: i.loading,
            src: i.currentSrc,
          })),
        );
        assert.equal(images.length, 2);
        for (const i of images) assert.ok(i.loaded, `loaded: ${JSON.stringify(i)}`);
        assert.ok(Math.abs(images[0].ratio - 1.6) < 0.02, `aspect ratio ${images[0].ratio}`);
        assert.equal(images[0].lazy, "auto", "the first image is not lazy");
        assert.equal(images[1].lazy, "lazy");
        assert.match(images[0].src, /\.webp$/, "the browser takes the WebP");
        const shifts = await page.evaluate(() => window.__shifts);
        assert.equal(shifts.reduce((a, b) => a + b, 0), 0, `layout shifts: ${JSON.stringify(shifts)}`);
        assert.deepEqual(problems, []);
      });
    });
  }

  test("axe finds no serious or critical violation on pages with images", async () => {
    for (const scheme of ["light", "dark"]) {
      await withContext({ colorScheme: scheme }, async (context) => {
        // The exchange page with its figures, and a list of cards with the
        // thumbnail (a year page: the home page's axe check is the one above).
        for (const url of [PAGE, `/years/${BY_SLUG.get(FIRST).date.slice(0, 4)}/`]) {
          const { page } = await watchedPage(context);
          await page.goto(mediaBase + url, { waitUntil: "networkidle" });
          assert.ok((await page.locator("img").count()) > 0, `${url} shows an image`);
          assert.deepEqual(await axeViolations(page), [], `${url} (${scheme})`);
          await page.close();
        }
      });
    }
  });
});

describe("a right-to-left language", () => {
  test("Arabic pages are rtl, mirror, stay within a phone's width and pass axe", async () => {
    // A new site from `detente init`, with an Arabic edition (its own
    // interface strings for a few keys, English beneath).
    const root = path.join(out, "rtl-site");
    const init = spawnSync(detenteBinary(), ["init", root], { encoding: "utf8" });
    assert.equal(init.status, 0, init.stderr);
    fs.appendFileSync(path.join(root, "content", "site.toml"), '\n[languages.ar]\ntitle = "الجدول الزمني"\n');
    fs.mkdirSync(path.join(root, "i18n"), { recursive: true });
    fs.writeFileSync(
      path.join(root, "i18n", "ar.toml"),
      '[nav]\ntimeline = "الجدول الزمني"\nofficials = "المسؤولون"\nissues = "القضايا"\n',
    );
    // The exchange translated; its officials not (their pages fall back).
    fs.writeFileSync(
      path.join(root, "content", "exchanges", "2023-06-18-doe-li-beijing.ar.md"),
      '+++\ntitle = "محادثات في بكين"\n+++\nتحدثا لساعات.\n',
    );
    const site = path.join(out, "rtl-public");
    const built = spawnSync(detenteBinary(), ["build", "--root", root, "--output", site], { encoding: "utf8" });
    assert.equal(built.status, 0, built.stderr);
    const rtlServer = await serve(site);
    const rtlBase = `http://127.0.0.1:${rtlServer.address().port}`;
    try {
      await withContext({ viewport: { width: 360, height: 780 } }, async (context) => {
        for (const url of ["/ar/", "/ar/officials/", "/"]) {
          const { page, problems } = await watchedPage(context);
          await page.goto(rtlBase + url, { waitUntil: "networkidle" });
          const dir = await page.evaluate(() => getComputedStyle(document.body).direction);
          assert.equal(dir, url.startsWith("/ar/") ? "rtl" : "ltr", `${url}: direction`);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(wide <= 360, `${url}: ${wide} px wide at 360`);
          assert.deepEqual(await axeViolations(page), [], url);
          assert.deepEqual(problems, [], url);
          await page.close();
        }
        // A card's accent border sits on its start side: the right in Arabic.
        const page = await context.newPage();
        // Arabic is named in Arabic in the switcher (no lang.name given).
        await page.goto(rtlBase + "/", { waitUntil: "networkidle" });
        assert.equal(await page.textContent("nav.languages a[hreflang='ar']"), "العربية");
        await page.goto(rtlBase + "/ar/", { waitUntil: "networkidle" });
        const border = await page.$eval(".card", (c) => {
          const s = getComputedStyle(c);
          return [s.borderRightWidth, s.borderLeftWidth];
        });
        assert.deepEqual(border, ["4px", "1px"], "accent on the right");
        // An untranslated official's page is an English island, left to right.
        await page.goto(rtlBase + "/ar/officials/jane-doe/", { waitUntil: "networkidle" });
        const article = await page.$eval("article", (a) => [a.lang, a.dir, getComputedStyle(a).direction]);
        assert.deepEqual(article, ["en", "ltr", "ltr"]);
      });
    } finally {
      await new Promise((resolve) => rtlServer.close(resolve));
    }
  });
});

describe("detente serve", () => {
  test("a failed edit shows the overlay headed in the page's language, and a good one takes it away", async () => {
    // A copy of the site, served by detente itself.
    const root = path.join(out, "serve-site");
    for (const dir of ["content", "templates", "static", "i18n"]) {
      if (fs.existsSync(path.join(REPO, dir))) fs.cpSync(path.join(REPO, dir), path.join(root, dir), { recursive: true });
    }
    const { spawn } = await import("node:child_process");
    const child = spawn(detenteBinary(), ["serve", "--port", "0", "--root", root, "--output", path.join(out, "serve-out")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise((resolve, reject) => {
        let seen = "";
        child.stdout.on("data", (chunk) => {
          seen += chunk;
          const m = seen.match(/http:\/\/[^\s]+/);
          if (m) resolve(m[0].replace(/\/$/, ""));
        });
        child.on("exit", (code) => reject(new Error(`detente serve exited with ${code}`)));
      });
      const exchange = path.join(root, "content", "exchanges", "2023-06-18-blinken-qin-beijing.md");
      const original = fs.readFileSync(exchange, "utf8");
      await withContext({}, async (context) => {
        const pages = {};
        for (const [lang, at] of [["en", "/"], ["zh", "/zh/"]]) {
          pages[lang] = await context.newPage();
          await pages[lang].goto(url + at, { waitUntil: "load" });
        }
        // Give the event streams a moment to connect, then break the exchange.
        await new Promise((r) => setTimeout(r, 500));
        fs.writeFileSync(exchange, original.replace(/^format = ".*"$/m, 'format = "carrier-pigeon"'));
        const headings = { en: "detente: the last edit did not build", zh: "detente：最近一次修改未能构建" };
        for (const [lang, page] of Object.entries(pages)) {
          const overlay = page.locator("#detente-error");
          await overlay.waitFor({ timeout: 15000 });
          assert.equal(await overlay.getAttribute("role"), "alert");
          const heading = overlay.locator("p");
          assert.equal(await heading.textContent(), headings[lang], `${lang} heading`);
          assert.equal(await heading.getAttribute("lang"), lang);
          const text = overlay.locator("pre");
          assert.equal(await text.getAttribute("lang"), "en", "the error itself is in English");
          assert.match(await text.textContent(), /carrier-pigeon/);
          assert.match(await text.textContent(), /2023-06-18-blinken-qin-beijing\.md:\d+:\d+/);
        }
        // A page opened while the error lasts shows it too.
        const late = await context.newPage();
        await late.goto(url + "/zh/officials/", { waitUntil: "load" });
        await late.locator("#detente-error").waitFor({ timeout: 15000 });
        assert.equal(await late.locator("#detente-error p").textContent(), headings.zh);
        // Mended: every tab reloads without the overlay.
        fs.writeFileSync(exchange, original);
        for (const page of [...Object.values(pages), late]) {
          await page.waitForFunction(() => !document.getElementById("detente-error"), null, { timeout: 15000 });
        }
      });
    } finally {
      child.kill();
    }
  });
});

describe("screenshots", () => {
  test("home (desktop and phone) and an official page, for the README", async () => {
    const shots = [
      ["home-desktop.png", PAGES.home, { viewport: { width: 1280, height: 900 } }],
      ["home-phone.png", PAGES.home, { viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
      ["official-desktop.png", PAGES.official, { viewport: { width: 1280, height: 900 } }],
      ["who-met-whom-dark.png", PAGES["who met whom"], { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
    ];
    for (const [name, url, options] of shots) {
      await withContext(options, async (context) => {
        const page = await context.newPage();
        await page.goto(base + url, { waitUntil: "networkidle" });
        const file = path.join(SHOTS, name);
        await page.screenshot({ path: file });
        assert.ok(fs.statSync(file).size > 1000, `${name} was written`);
      });
    }
  });
});
