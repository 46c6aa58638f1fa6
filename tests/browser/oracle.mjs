// What a filter query should find, computed from the content alone: the
// browser tests compare the page's results with it. Words are made by
// static/search-words.js (the Rust test tests/search_words.rs checks that
// it makes the same terms as the index writer); everything else — which
// exchanges have which official, issue, format, country or place, the
// year range, prefix matching, intersecting and ranking — is done here
// again, from the Markdown files, without the built index.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const W = require("../../static/search-words.js");

/** A Markdown body as the index reads its text: link targets left out. */
export function bodyText(md) {
  return md.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1");
}

/** The first paragraph of a body (the summary when none is given). */
function firstParagraph(md) {
  const para = md
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p && !p.startsWith("#"));
  return para ? bodyText(para).replace(/[*_`]/g, "").replace(/\s+/g, " ") : "";
}

/** Each term of an exchange with its best field: title 3, summary 2, body 1. */
export function docTerms(e, stem) {
  const m = new Map();
  const add = (text, w) => {
    for (const t of W.terms(text, stem)) if (!(m.get(t) >= w)) m.set(t, w);
  };
  add(e.title, 3);
  add(e.summary || firstParagraph(e.body || ""), 2);
  add(bodyText(e.body || ""), 1);
  return m;
}

/**
 * The query's words, as the page reads them: exact terms, and prefixes
 * for the last word typed (two characters or more) and for a single CJK
 * character; the last character of a longer CJK run is not a word.
 */
export function queryWords(q, stem) {
  const toks = W.tokens(q, stem).tokens;
  const out = [];
  toks.forEach((t, k) => {
    if (t.cjk) {
      if (t.single) out.push({ prefixes: [t.term] });
      else if (!t.last) out.push({ exact: t.term });
    } else if (k === toks.length - 1 && t.word.length >= 2) {
      out.push({ prefixes: [t.term, t.word] });
    } else {
      out.push({ exact: t.term });
    }
  });
  return out;
}

/**
 * The slugs `state` matches among `exchanges` (each with slug, date,
 * title, summary, body, format, officials, issues, country and city of
 * its place), best first. `countryOf` maps an official to their country.
 */
export function expected(state, exchanges, countryOf, stem = true) {
  const words = state.q ? queryWords(state.q, stem) : [];
  const hits = [];
  for (const e of exchanges) {
    const year = Number(e.date.slice(0, 4));
    if (state.from && year < Number(state.from)) continue;
    if (state.to && year > Number(state.to)) continue;
    if (!(state.officials || []).every((o) => e.officials.includes(o))) continue;
    if (!(state.issues || []).every((i) => e.issues.includes(i))) continue;
    if (state.format && e.format !== state.format) continue;
    if (state.country && !e.officials.some((o) => countryOf.get(o) === state.country)) continue;
    if (state.held && e.country !== state.held) continue;
    if (state.city && (!e.country || `${e.country.toLowerCase()}/${e.citySlug}` !== state.city)) continue;
    let score = 0;
    if (state.q) {
      if (!words.length) continue;
      const terms = e._terms || (e._terms = docTerms(e, stem));
      let all = true;
      for (const w of words) {
        let best = 0;
        for (const [t, weight] of terms) {
          const ok = w.prefixes ? w.prefixes.some((p) => t.startsWith(p)) : t === w.exact;
          if (ok && weight > best) best = weight;
        }
        if (!best) {
          all = false;
          break;
        }
        score += best;
      }
      if (!all) continue;
    }
    hits.push({ e, score });
  }
  hits.sort(
    (a, b) =>
      b.score - a.score || b.e.date.localeCompare(a.e.date) || (a.e.slug < b.e.slug ? -1 : a.e.slug > b.e.slug ? 1 : 0),
  );
  return hits.map((h) => h.e.slug);
}

/** A city's slug as detente makes it (lowercase letters and digits, dashes). */
export function citySlug(name) {
  return name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "");
}

/** A small deterministic random source (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}
