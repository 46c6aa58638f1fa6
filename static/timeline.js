/* detente timeline filters — plain JavaScript, no framework, no network
 * beyond the site itself.
 *
 * Reads the search index written at build time (search/manifest.js and
 * the shards it names, each a script calling window.detenteShard(name,
 * data), so that it works from file:// too), fetching only the shards a
 * query needs: the lists of the officials, issues, formats, countries and
 * places chosen, the terms of the words typed, and the cards of the
 * results shown. Keeps the filter state in the URL query
 * (?official=…&issue=…&q=…), so a filtered view can be shared, reloaded
 * and reached with the back button, and shows the matching exchanges in
 * place of the page's own list, a page at a time. Without JavaScript the
 * form stays hidden and every page works through its links.
 */
(function () {
  "use strict";

  var form = document.getElementById("filter");
  if (!window.URLSearchParams || !window.history || !window.Promise) {
    return;
  }
  // Later pages of the list link to the first one, which has the form
  // (already shown by the page's inline script, with the default templates).
  Array.prototype.forEach.call(document.querySelectorAll(".filter-link"), function (p) {
    p.hidden = false;
  });
  if (!form) {
    return;
  }
  var field = function (name) {
    return form.querySelector("#f-" + name);
  };
  var els = {
    q: field("q"),
    official: field("official"),
    with: field("with"),
    issue: field("issue"),
    format: field("format"),
    country: field("country"),
    held: field("held"),
    city: field("city"),
    from: field("from"),
    to: field("to")
  };
  var status = document.getElementById("filter-count");
  var results = document.getElementById("filter-results");
  var list = document.getElementById("filter-list");
  var pageList = document.getElementById("timeline-list");
  var root = form.getAttribute("data-root") || "./";
  // The words the script prints, in the page's language (data-strings,
  // from i18n/<lang>.toml); English where a page gives none.
  var strings = {};
  try {
    strings = JSON.parse(form.getAttribute("data-strings") || "{}");
  } catch (err) {
    strings = {};
  }
  function say(key, fallback, values) {
    var text = typeof strings[key] === "string" ? strings[key] : fallback;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }
  var manifestUrl = form.getAttribute("data-index") || root + "search/manifest.js";
  var folder = manifestUrl.slice(0, manifestUrl.lastIndexOf("/") + 1);
  var wordsUrl = form.getAttribute("data-words");
  var callback = form.getAttribute("data-global") || "detenteShard";
  var marks = document.querySelectorAll(".timeline a.m[data-i]");
  var statusDefault = Array.prototype.slice.call(status.childNodes).map(function (n) {
    return n.cloneNode(true);
  });
  /** Results shown at first, and added by each "Show more". */
  var PAGE = 25;
  /** Cards whose chunks are fetched before the rest of a page's. */
  var FIRST = 5;
  /** Milliseconds of quiet in the search field before it is searched. */
  var TYPING_PAUSE = 30;
  /** A prefix reaching over more term shards than this is matched whole. */
  var PREFIX_SHARDS = 8;

  var M = null; // the manifest, prepared
  var people = null; // the officials' names, once loaded (pickers)
  var shown = 0; // how many matches are rendered
  var matches = [];
  var found = null; // what the query matched: { terms }
  var generation = 0; // the query being shown; older ones stop

  var box = document.getElementById("filter-box");

  /* ---- state <-> URL <-> form ---- */

  function emptyState() {
    return {
      q: "",
      officials: [],
      issues: [],
      format: "",
      country: "",
      held: "",
      city: "",
      from: "",
      to: ""
    };
  }

  function readQuery(search) {
    var p = new URLSearchParams(search);
    var nonEmpty = function (v) {
      return v !== "";
    };
    var s = emptyState();
    s.q = (p.get("q") || "").trim();
    s.officials = unique(p.getAll("official").filter(nonEmpty));
    s.issues = unique(p.getAll("issue").filter(nonEmpty));
    s.format = p.get("format") || "";
    s.country = p.get("country") || "";
    s.held = p.get("held") || "";
    s.city = p.get("city") || "";
    s.from = p.get("from") || "";
    s.to = p.get("to") || "";
    return s;
  }

  function unique(list) {
    return list.filter(function (v, i) {
      return list.indexOf(v) === i;
    });
  }

  function toQuery(s) {
    var p = new URLSearchParams();
    s.officials.forEach(function (o) {
      p.append("official", o);
    });
    s.issues.forEach(function (i) {
      p.append("issue", i);
    });
    ["format", "country", "held", "city", "from", "to", "q"].forEach(function (k) {
      if (s[k]) {
        p.append(k, s[k]);
      }
    });
    var text = p.toString();
    return text ? "?" + text : "";
  }

  function readForm(previous) {
    var s = emptyState();
    s.q = els.q.value.trim();
    s.officials = unique(
      [pickedOfficial(els.official, previous.officials[0]), pickedOfficial(els.with, previous.officials[1])].filter(Boolean)
    );
    // Officials beyond the two the form shows are kept from the URL.
    previous.officials.slice(2).forEach(function (o) {
      if (s.officials.indexOf(o) < 0) {
        s.officials.push(o);
      }
    });
    s.issues = value(els.issue, previous.issues[0]) ? [value(els.issue, previous.issues[0])] : [];
    previous.issues.slice(1).forEach(function (i) {
      if (s.issues.indexOf(i) < 0) {
        s.issues.push(i);
      }
    });
    // A facet with one value has no picker: keep what the URL said.
    s.format = value(els.format, previous.format);
    s.country = value(els.country, previous.country);
    // Sites without places have no place pickers: keep what the URL said.
    s.held = value(els.held, previous.held);
    s.city = value(els.city, previous.city);
    s.from = els.from.value;
    s.to = els.to.value;
    return s;
  }


  /* The official pickers are text fields with suggestions filled from the
     officials' shard on first use, so the page does not grow with the
     number of officials. A name (or "Name (Country)") picks its official;
     other text is kept as it is, and matches nothing. */

  function officialLabel(slug) {
    if (!slug) {
      return "";
    }
    return people && slug in people.labelOf ? people.labelOf[slug] : slug;
  }

  function pickedOfficial(el, fallback) {
    var text = el.value.trim();
    if (!text) {
      return "";
    }
    if (!people) {
      return fallback || text;
    }
    var key = fold(text);
    return key in people.byLabel ? people.byLabel[key] : text;
  }

  function fillPickers() {
    var datalist = document.getElementById("f-officials");
    if (!datalist || datalist.firstChild) {
      return;
    }
    var frag = document.createDocumentFragment();
    people.rows.forEach(function (row) {
      var option = document.createElement("option");
      option.value = people.labelOf[row[0]];
      frag.appendChild(option);
    });
    datalist.appendChild(frag);
  }

  /** Loads the officials' names for the pickers (once). */
  function loadPeople() {
    return loadManifest()
      .then(function () {
        return shard(M.raw.officials);
      })
      .then(function (rows) {
        if (!people) {
          people = preparePeople(rows);
          fillPickers();
          // Pickers set from the URL before the names came show slugs.
          [els.official, els.with].forEach(function (el) {
            if (el.value in people.labelOf) {
              el.value = people.labelOf[el.value];
            }
          });
        }
        return people;
      });
  }

  function preparePeople(rows) {
    // "Name (Country)" for each official; a name alone picks too when only
    // one official has it.
    var labelOf = Object.create(null);
    var byLabel = Object.create(null);
    var names = Object.create(null);
    rows.forEach(function (row) {
      var country = M.countries[row[2]] ? M.countries[row[2]].name : row[2];
      labelOf[row[0]] = row[1] + " (" + country + ")";
      byLabel[fold(labelOf[row[0]])] = row[0];
      byLabel[fold(row[0])] = row[0];
      names[fold(row[1])] = (names[fold(row[1])] || []).concat(row[0]);
    });
    Object.keys(names).forEach(function (name) {
      if (names[name].length === 1 && !(name in byLabel)) {
        byLabel[name] = names[name][0];
      }
    });
    return { rows: rows, labelOf: labelOf, byLabel: byLabel };
  }

  /** A picker's value, or `fallback` where the form has no such picker. */
  function value(el, fallback) {
    return el ? el.value : fallback || "";
  }

  function setSelect(el, value) {
    if (!el) {
      return;
    }
    el.value = value || "";
    if (el.value !== (value || "")) {
      el.value = "";
    }
  }

  function writeForm(s) {
    els.q.value = s.q;
    els.official.value = officialLabel(s.officials[0]);
    els.with.value = officialLabel(s.officials[1]);
    setSelect(els.issue, s.issues[0]);
    setSelect(els.format, s.format);
    setSelect(els.country, s.country);
    setSelect(els.held, s.held);
    setSelect(els.city, s.city);
    setSelect(els.from, s.from);
    setSelect(els.to, s.to);
  }

  function isActive(s) {
    return Boolean(
      s.q ||
        s.officials.length ||
        s.issues.length ||
        s.format ||
        s.country ||
        s.held ||
        s.city ||
        s.from ||
        s.to
    );
  }

  function fold(text) {
    if (window.detenteWords) {
      return window.detenteWords.fold(text);
    }
    text = String(text || "").toLowerCase();
    return text.normalize ? text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC") : text;
  }

  /* ---- shards ---- */

  var pending = Object.create(null); // shard name -> what its script gave
  var loaded = Object.create(null); // shard name -> Promise of its data

  window[callback] = function (name, data) {
    if (pending[name]) {
      pending[name].data = data;
      pending[name].given = true;
    }
  };

  function script(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = src;
      el.async = true;
      el.onload = resolve;
      el.onerror = function () {
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(el);
    });
  }

  /** The data of shard `name` (its script runs once; later calls share it). */
  function shard(name, url) {
    if (!loaded[name]) {
      var slot = (pending[name] = { given: false, data: null });
      loaded[name] = script(url || folder + name + ".js").then(
        function () {
          delete pending[name];
          if (!slot.given) {
            throw new Error("shard " + name + " gave nothing");
          }
          return slot.data;
        },
        function (err) {
          delete pending[name];
          delete loaded[name];
          throw err;
        }
      );
    }
    return loaded[name];
  }

  var manifestPromise = null;
  function loadManifest() {
    if (!manifestPromise) {
      var words = wordsUrl && !window.detenteWords ? script(wordsUrl) : Promise.resolve();
      manifestPromise = Promise.all([shard("manifest", manifestUrl), words]).then(
        function (got) {
          M = prepare(got[0]);
          return M;
        },
        function (err) {
          manifestPromise = null;
          throw err;
        }
      );
    }
    return manifestPromise;
  }

  function prepare(raw) {
    var countries = Object.create(null);
    raw.countries.forEach(function (c) {
      countries[c[0]] = { name: c[1], short: c[2] };
    });
    return {
      raw: raw,
      countries: countries,
      stem: raw.stem === "en",
      text: raw.text,
      textKeys: raw.text.map(function (e) {
        return e[0];
      })
    };
  }

  /** The index of the last key of `keys` (sorted) not after `key`, or -1. */
  function floorIndex(keys, key) {
    var lo = 0;
    var hi = keys.length - 1;
    var at = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] <= key) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return at;
  }

  /** Ascending ids of facet `name`'s `value` (empty when it has none). */
  function facet(name, key) {
    var map = M.raw.facets[name] || [];
    var at = floorIndex(
      map.map(function (e) {
        return e[0];
      }),
      key
    );
    if (at < 0) {
      return Promise.resolve({ ids: [] });
    }
    return shard(map[at][1]).then(function (data) {
      var list = Object.prototype.hasOwnProperty.call(data, key) ? data[key] : [];
      var ids = new Array(list.length);
      var prev = -1;
      for (var i = 0; i < list.length; i++) {
        prev += list[i];
        ids[i] = prev;
      }
      return { ids: ids };
    });
  }

  /* ---- free text ---- */

  /**
   * The query's words: each { exact } or { prefixes } (the last word
   * typed, and a single CJK character, match as prefixes).
   */
  function queryWords(q) {
    var W = window.detenteWords;
    if (!W) {
      return [];
    }
    var toks = W.tokens(q, M.stem).tokens;
    var out = [];
    toks.forEach(function (t, k) {
      if (t.cjk) {
        if (t.single) {
          out.push({ prefixes: [t.term], show: t.word });
        } else if (!t.last) {
          out.push({ exact: t.term, show: t.word });
        }
        return;
      }
      if (k === toks.length - 1 && t.word.length >= 2) {
        var prefixes = t.term === t.word ? [t.word] : [t.term, t.word];
        out.push({ prefixes: prefixes, exact: t.term, show: t.word });
      } else {
        out.push({ exact: t.term, show: t.word });
      }
    });
    return out;
  }

  /** Shard indexes (into M.text) holding the terms of `word`. */
  function textShards(word) {
    var keys = M.textKeys;
    var want = Object.create(null);
    var add = function (from, to) {
      for (var i = Math.max(from, 0); i <= to; i++) {
        want[i] = true;
      }
    };
    if (word.prefixes) {
      var spans = word.prefixes.map(function (p) {
        return [floorIndex(keys, p), floorIndex(keys, p + "\uffff")];
      });
      var width = spans.reduce(function (n, s) {
        return n + s[1] - Math.max(s[0], 0) + 1;
      }, 0);
      if (width <= PREFIX_SHARDS) {
        spans.forEach(function (s) {
          add(s[0], s[1]);
        });
        return Object.keys(want).map(Number);
      }
      word.prefixes = null; // too wide: the word itself
    }
    add(floorIndex(keys, word.exact), floorIndex(keys, word.exact));
    return Object.keys(want).map(Number);
  }

  /** Ascending ids with the best weight of any term `word` matches. */
  function textList(word, terms) {
    return Promise.all(
      textShards(word).map(function (i) {
        return shard(M.text[i][1]);
      })
    ).then(function (datas) {
      var lists = [];
      datas.forEach(function (data) {
        Object.keys(data).forEach(function (term) {
          var hit = word.prefixes
            ? word.prefixes.some(function (p) {
                return term.slice(0, p.length) === p;
              })
            : term === word.exact;
          if (hit) {
            terms[term] = true;
            lists.push(data[term]);
          }
        });
      });
      var decode = function (list) {
        var ids = new Array(list.length);
        var ws = new Array(list.length);
        var prev = -1;
        for (var i = 0; i < list.length; i++) {
          prev += list[i] >> 2;
          ids[i] = prev;
          ws[i] = list[i] & 3;
        }
        return { ids: ids, w: ws };
      };
      if (lists.length === 1) {
        return decode(lists[0]);
      }
      var best = new Map();
      lists.forEach(function (list) {
        var d = decode(list);
        for (var i = 0; i < d.ids.length; i++) {
          var had = best.get(d.ids[i]);
          if (had === undefined || had < d.w[i]) {
            best.set(d.ids[i], d.w[i]);
          }
        }
      });
      var ids = Array.from(best.keys()).sort(function (a, b) {
        return a - b;
      });
      return {
        ids: ids,
        w: ids.map(function (id) {
          return best.get(id);
        })
      };
    });
  }

  /* ---- matching ---- */

  /** Ids within [lo, hi] in both lists (ascending), scores summed. */
  function intersect(a, b) {
    var ids = [];
    var w = [];
    var i = 0;
    var j = 0;
    while (i < a.ids.length && j < b.ids.length) {
      var x = a.ids[i];
      var y = b.ids[j];
      if (x < y) {
        i++;
      } else if (y < x) {
        j++;
      } else {
        ids.push(x);
        w.push((a.w ? a.w[i] : 0) + (b.w ? b.w[j] : 0));
        i++;
        j++;
      }
    }
    return { ids: ids, w: w };
  }

  /** The ids of the exchanges matching `s`, best first, and the terms matched. */
  function run(s) {
    var jobs = [];
    s.officials.forEach(function (o) {
      jobs.push(facet("official", o));
    });
    s.issues.forEach(function (i) {
      jobs.push(facet("issue", i));
    });
    ["format", "country", "held", "city"].forEach(function (k) {
      if (s[k]) {
        jobs.push(facet(k, s[k]));
      }
    });
    var terms = Object.create(null);
    var words = s.q ? queryWords(s.q) : [];
    words.forEach(function (word) {
      jobs.push(textList(word, terms));
    });
    var text = words.length > 0;
    if (s.q && !words.length) {
      jobs.push(Promise.resolve({ ids: [] })); // only punctuation: nothing
    }
    return Promise.all(jobs).then(function (lists) {
      // The years: a range of ids.
      var lo = 0;
      var hi = M.raw.total - 1;
      if (s.from || s.to) {
        var from = s.from ? parseInt(s.from, 10) : -Infinity;
        var to = s.to ? parseInt(s.to, 10) : Infinity;
        lo = Infinity;
        hi = -1;
        M.raw.years.forEach(function (y) {
          if (y[0] >= from && y[0] <= to) {
            lo = Math.min(lo, y[1]);
            hi = Math.max(hi, y[1] + y[2] - 1);
          }
        });
      }
      var out;
      if (!lists.length) {
        out = { ids: [], w: null };
        for (var id = lo; id <= hi; id++) {
          out.ids.push(id);
        }
      } else {
        lists.sort(function (a, b) {
          return a.ids.length - b.ids.length;
        });
        out = lists[0].w ? lists[0] : { ids: lists[0].ids, w: null };
        for (var k = 1; k < lists.length; k++) {
          out = intersect(out, lists[k]);
        }
      }
      var order = [];
      for (var n = 0; n < out.ids.length; n++) {
        if (out.ids[n] >= lo && out.ids[n] <= hi) {
          order.push(n);
        }
      }
      // Title hits above summary hits above body hits, then newest first.
      order.sort(function (a, b) {
        var sa = text && out.w ? out.w[a] : 0;
        var sb = text && out.w ? out.w[b] : 0;
        return sb - sa || out.ids[b] - out.ids[a];
      });
      return {
        terms: terms,
        ids: order.map(function (n) {
          return out.ids[n];
        })
      };
    });
  }

  /* ---- rendering ---- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function link(url, className, text) {
    var a = el("a", className, text);
    a.href = root + url;
    return a;
  }

  /** `text` with the words the query matched in <mark>, into `node`. */
  function marked(node, text) {
    var W = window.detenteWords;
    var terms = found && found.terms;
    if (!W || !terms || !Object.keys(terms).length) {
      node.textContent = text;
      return node;
    }
    var hit = function (t) {
      return terms[t] === true;
    };
    var spans = [];
    W.segments(text).forEach(function (seg) {
      var part = text.slice(seg.start, seg.end);
      if (!seg.cjk) {
        if (W.terms(part, M.stem).some(hit)) {
          spans.push([seg.start, seg.end]);
        }
        return;
      }
      var chars = Array.from(part);
      var off = seg.start;
      for (var k = 0; k < chars.length; k++) {
        var len = chars[k].length;
        var pair = k + 1 < chars.length ? chars[k] + chars[k + 1] : null;
        if (pair && hit(W.fold(pair))) {
          spans.push([off, off + len + chars[k + 1].length]);
        } else if (k === chars.length - 1 && hit(W.fold(chars[k]))) {
          spans.push([off, off + len]);
        }
        off += len;
      }
    });
    var at = 0;
    spans.forEach(function (sp) {
      var from = Math.max(sp[0], at);
      if (from >= sp[1]) {
        return;
      }
      if (from > at) {
        node.appendChild(document.createTextNode(text.slice(at, from)));
      }
      node.appendChild(el("mark", "", text.slice(from, sp[1])));
      at = sp[1];
    });
    if (at < text.length) {
      node.appendChild(document.createTextNode(text.slice(at)));
    }
    return node;
  }

  /**
   * A card: [slug, title, date, dates, format, location, officials, issues,
   * summary, lang, dir] (lang: the language of its text when it is not the
   * page's; dir: its direction when that differs from the page's).
   */
  function card(c) {
    var suffix = M.raw.suffix;
    var li = el("li", "card format-" + c[4]);
    if (c[9]) {
      li.setAttribute("lang", c[9]);
    }
    if (c[10]) {
      li.setAttribute("dir", c[10]);
    }
    var meta = el("div", "card-meta");
    var time = el("time", "", c[3]);
    time.setAttribute("datetime", c[2]);
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("span", "badge", say("format." + c[4], c[4])));
    if (c[5]) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "location", c[5]));
    }
    li.appendChild(meta);
    var h = el("h3", "card-title");
    h.appendChild(marked(link("exchanges/" + c[0] + suffix, ""), c[1]));
    li.appendChild(h);
    var officials = el("p", "officials");
    c[6].forEach(function (o, k) {
      var country = M.countries[o[2]] || { name: o[2], short: o[2] };
      var a = link("officials/" + o[0] + suffix, "official country-" + o[2]);
      var flag = el("span", "flag", country.short);
      flag.title = country.name;
      a.appendChild(flag);
      a.appendChild(document.createTextNode(" " + o[1]));
      if (k > 0) {
        officials.appendChild(document.createTextNode(", "));
      }
      officials.appendChild(a);
    });
    li.appendChild(officials);
    if (c[8]) {
      li.appendChild(marked(el("p", "summary"), c[8]));
    }
    if (c[7].length) {
      var tags = el("ul", "tags");
      tags.setAttribute("aria-label", say("issues", "Issues"));
      c[7].forEach(function (i) {
        var issue = M.raw.issues[i];
        var item = el("li");
        item.appendChild(link("issues/" + issue[0] + suffix, "", issue[1]));
        tags.appendChild(item);
      });
      li.appendChild(tags);
    }
    return li;
  }

  /** The card of exchange `id`, from its chunk. */
  function cardOf(id) {
    var chunk = Math.floor(id / M.raw.chunk);
    var name = "c" + chunk + "-" + M.raw.cards.substr(chunk * 6, 6);
    return shard(name).then(function (cards) {
      return cards[id - chunk * M.raw.chunk];
    });
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function showPageList() {
    results.hidden = true;
    if (pageList) {
      pageList.hidden = false;
    }
    for (var i = 0; i < marks.length; i++) {
      marks[i].classList.remove("dim");
    }
  }

  /** Shows the next page of matches, each card as soon as its chunk is in. */
  function renderMore() {
    var mine = generation;
    var end = Math.min(matches.length, shown + PAGE);
    var ids = matches.slice(shown, end);
    shown = end;
    var more = document.getElementById("filter-more");
    if (more) {
      more.disabled = true;
    }
    // The chunks of the first few cards first, then the rest: the top of
    // the list comes in with as few bytes as it needs.
    var head = ids.slice(0, FIRST);
    var cards = head.map(cardOf);
    var rest = Promise.all(cards).then(function () {
      return ids.slice(FIRST).map(cardOf);
    });
    cards = cards.concat(
      ids.slice(FIRST).map(function (id, k) {
        return rest.then(function (later) {
          return later[k];
        });
      })
    );
    var done = cards.reduce(function (before, got) {
      return before.then(function () {
        return got.then(function (c) {
          if (mine === generation) {
            list.appendChild(card(c));
          }
        });
      });
    }, Promise.resolve());
    return done.then(
      function () {
        if (mine === generation) {
          moreButton();
        }
      },
      function () {
        if (mine === generation) {
          failed();
        }
      }
    );
  }

  function moreButton() {
    var more = document.getElementById("filter-more");
    if (shown < matches.length) {
      if (!more) {
        more = el("button", "more", "");
        more.id = "filter-more";
        more.type = "button";
        more.addEventListener("click", renderMore);
        results.appendChild(more);
      }
      more.disabled = false;
      more.textContent = say("more", "Show {n} more", { n: Math.min(PAGE, matches.length - shown) });
    } else if (more) {
      more.parentNode.removeChild(more);
    }
  }

  function failed() {
    setStatus(say("failed", "The filters could not be loaded; the full timeline is shown below."));
    showPageList();
  }

  function apply(s) {
    var mine = ++generation;
    if (!isActive(s)) {
      while (status.firstChild) {
        status.removeChild(status.firstChild);
      }
      statusDefault.forEach(function (n) {
        status.appendChild(n.cloneNode(true));
      });
      showPageList();
      return Promise.resolve();
    }
    if (!M) {
      setStatus(say("loading", "Loading the filters…"));
      if (pageList) {
        pageList.hidden = true;
      }
    }
    return loadManifest()
      .then(function () {
        return run(s);
      })
      .then(function (got) {
        if (mine !== generation) {
          return;
        }
        found = { terms: got.terms };
        matches = got.ids;
        var total = M.raw.total;
        setStatus(
          say(total === 1 ? "match_one" : "match_other", total === 1 ? "{n} of {total} exchange matches." : "{n} of {total} exchanges match.", {
            n: matches.length,
            total: total
          }) + (matches.length === 0 ? say("none", " Try fewer filters.") : "")
        );
        var hit = Object.create(null);
        matches.forEach(function (id) {
          hit[id] = true;
        });
        for (var i = 0; i < marks.length; i++) {
          marks[i].classList.toggle("dim", !hit[marks[i].getAttribute("data-i")]);
        }
        list.textContent = "";
        var more = document.getElementById("filter-more");
        if (more) {
          more.parentNode.removeChild(more);
        }
        shown = 0;
        results.hidden = false;
        if (pageList) {
          pageList.hidden = true;
        }
        return renderMore().then(function () {
          // The pickers name the officials of the URL once the names are in.
          if (mine === generation && s.officials.length && !people) {
            loadPeople().catch(function () {});
          }
        });
      })
      .catch(function () {
        if (mine === generation) {
          failed();
        }
      });
  }

  /* ---- events ---- */

  var current = readQuery(location.search);

  function update(push) {
    var next = readForm(current);
    var query = toQuery(next);
    if (query !== toQuery(current)) {
      var url = location.pathname + query + location.hash;
      try {
        if (push) {
          history.pushState(null, "", url);
        } else {
          history.replaceState(null, "", url);
        }
      } catch (err) {
        /* file:// pages may refuse; the filter still works */
      }
    }
    current = next;
    apply(current);
  }

  var typing = null;
  var typedSince = false;
  els.q.addEventListener("input", function () {
    clearTimeout(typing);
    // Results follow the typing at once (a pause of a few milliseconds
    // lets fast typing through); only the shards a word needs are fetched.
    typing = setTimeout(function () {
      // The first change of a search is a new history entry, the rest refine it.
      update(!typedSince);
      typedSince = true;
    }, TYPING_PAUSE);
  });
  // Choosing a suggestion commits at once; typing waits for Enter or a
  // change of focus (the form's change event).
  [els.official, els.with].forEach(function (el) {
    el.addEventListener("input", function () {
      if (people && fold(el.value.trim()) in people.byLabel) {
        typedSince = false;
        update(true);
      }
    });
    el.addEventListener("focus", function () {
      loadPeople().catch(function () {});
    });
  });
  form.addEventListener("change", function (ev) {
    if (ev.target !== els.q) {
      typedSince = false;
      update(true);
    }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(typing);
    update(!typedSince);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      typedSince = false;
      update(true);
    }, 0);
  });
  form.addEventListener("focusin", function () {
    loadManifest().catch(function () {});
  });
  window.addEventListener("popstate", function () {
    current = readQuery(location.search);
    typedSince = false;
    writeForm(current);
    if (box && isActive(current)) {
      box.open = true;
    }
    apply(current);
  });

  writeForm(current);
  // The page's inline script has already shown the box (so that showing it
  // does not push the list down); a template without it gets it shown here.
  if (box && box.hidden) {
    box.hidden = false;
    // Open on wide screens, or whenever a filter is on; phones start folded.
    if (isActive(current) || !window.matchMedia || window.matchMedia("(min-width: 48rem)").matches) {
      box.open = true;
    }
  }
  apply(current);
})();
