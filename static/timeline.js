/* detente timeline filters — plain JavaScript, no framework, no network
 * beyond the site itself.
 *
 * Reads the index written at build time (search-index.js, loaded on first
 * use), keeps the filter state in the URL query (?official=…&issue=…), so a
 * filtered view can be shared, reloaded and reached with the back button,
 * and shows the matching exchanges in place of the page's own list. Without
 * JavaScript the form stays hidden and every page works through its links.
 */
(function () {
  "use strict";

  var form = document.getElementById("filter");
  if (!window.URLSearchParams || !window.history) {
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
  var marks = document.querySelectorAll(".timeline a.m[data-slug]");
  var statusDefault = Array.prototype.slice.call(status.childNodes).map(function (n) {
    return n.cloneNode(true);
  });
  var PAGE = 200;

  var index = null; // the loaded index, prepared
  var loading = false;
  var shown = 0; // how many matches are rendered
  var matches = [];

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
     index once it has loaded, so the page does not grow with the number of
     officials. A name (or "Name (Country)") picks its official; other
     text is kept as it is, and matches nothing. */

  function officialLabel(slug) {
    if (!slug) {
      return "";
    }
    return index && slug in index.labelOf ? index.labelOf[slug] : slug;
  }

  function pickedOfficial(el, fallback) {
    var text = el.value.trim();
    if (!text) {
      return "";
    }
    if (!index) {
      return fallback || text;
    }
    var key = fold(text);
    return key in index.byLabel ? index.byLabel[key] : text;
  }

  function fillPickers() {
    var datalist = document.getElementById("f-officials");
    if (!datalist || datalist.firstChild) {
      return;
    }
    index.raw.officials.forEach(function (row) {
      var option = document.createElement("option");
      option.value = index.labelOf[row[0]];
      datalist.appendChild(option);
    });
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

  /* ---- the index ---- */

  function fold(text) {
    text = String(text || "").toLowerCase();
    return text.normalize ? text.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : text;
  }

  function prepare(raw) {
    var bySlug = function (rows) {
      var map = Object.create(null);
      rows.forEach(function (row, i) {
        map[row[0]] = i;
      });
      return map;
    };
    var countries = Object.create(null);
    raw.countries.forEach(function (c) {
      countries[c[0]] = { name: c[1], short: c[2] };
    });
    // "Name (Country)" for each official; a name alone picks too when only
    // one official has it.
    var labelOf = Object.create(null);
    var byLabel = Object.create(null);
    var names = Object.create(null);
    raw.officials.forEach(function (row) {
      var country = countries[row[2]] ? countries[row[2]].name : row[2];
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
    return {
      raw: raw,
      labelOf: labelOf,
      byLabel: byLabel,
      official: bySlug(raw.officials),
      issue: bySlug(raw.issues),
      countries: countries,
      text: raw.exchanges.map(function (e) {
        return fold(e.title + " \n " + e.summary);
      })
    };
  }

  function load() {
    if (index || loading) {
      return;
    }
    loading = true;
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    script.async = true;
    script.onload = function () {
      var raw = window[form.getAttribute("data-global") || "detenteIndex"];
      if (raw && raw.exchanges) {
        index = prepare(raw);
        fillPickers();
        // Pickers set from the URL before the index came show slugs.
        [els.official, els.with].forEach(function (el) {
          if (el.value in index.labelOf) {
            el.value = index.labelOf[el.value];
          }
        });
        apply(readQuery(location.search));
      } else {
        failed();
      }
    };
    script.onerror = failed;
    document.head.appendChild(script);
  }

  function failed() {
    loading = false;
    setStatus("The filters could not be loaded; the full timeline is shown below.");
    showPageList();
  }

  /* ---- matching ---- */

  function matchAll(s) {
    var raw = index.raw;
    var officials = s.officials.map(function (o) {
      return o in index.official ? index.official[o] : -1;
    });
    var issues = s.issues.map(function (i) {
      return i in index.issue ? index.issue[i] : -1;
    });
    var words = fold(s.q).split(/\s+/).filter(Boolean);
    var from = s.from ? parseInt(s.from, 10) : -Infinity;
    var to = s.to ? parseInt(s.to, 10) : Infinity;
    var out = [];
    raw.exchanges.forEach(function (e, i) {
      if (e.year < from || e.year > to) {
        return;
      }
      if (s.format && e.format !== s.format) {
        return;
      }
      if (s.held && e.held !== s.held) {
        return;
      }
      if (s.city && e.city !== s.city) {
        return;
      }
      for (var a = 0; a < officials.length; a++) {
        if (e.officials.indexOf(officials[a]) < 0) {
          return;
        }
      }
      for (var b = 0; b < issues.length; b++) {
        if (e.issues.indexOf(issues[b]) < 0) {
          return;
        }
      }
      if (
        s.country &&
        !e.officials.some(function (o) {
          return raw.officials[o][2] === s.country;
        })
      ) {
        return;
      }
      for (var w = 0; w < words.length; w++) {
        if (index.text[i].indexOf(words[w]) < 0) {
          return;
        }
      }
      out.push(i);
    });
    return out;
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

  function card(e) {
    var raw = index.raw;
    var li = el("li", "card format-" + e.format);
    var meta = el("div", "card-meta");
    var time = el("time", "", e.dates);
    time.setAttribute("datetime", e.date);
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("span", "badge", e.format));
    if (e.location) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "location", e.location));
    }
    li.appendChild(meta);
    var h = el("h3", "card-title");
    h.appendChild(link(raw.exchange_url[0] + e.slug + raw.exchange_url[1], "", e.title));
    li.appendChild(h);
    var people = el("p", "officials");
    e.officials.forEach(function (o, k) {
      var row = raw.officials[o];
      var country = index.countries[row[2]] || { name: row[2], short: row[2] };
      var a = link(row[3], "official country-" + row[2]);
      var flag = el("span", "flag", country.short);
      flag.title = country.name;
      a.appendChild(flag);
      a.appendChild(document.createTextNode(" " + row[1]));
      if (k > 0) {
        people.appendChild(document.createTextNode(", "));
      }
      people.appendChild(a);
    });
    li.appendChild(people);
    if (e.summary) {
      li.appendChild(el("p", "summary", e.summary));
    }
    if (e.issues.length) {
      var tags = el("ul", "tags");
      tags.setAttribute("aria-label", "Issues");
      e.issues.forEach(function (i) {
        var item = el("li");
        item.appendChild(link(raw.issues[i][2], "", raw.issues[i][1]));
        tags.appendChild(item);
      });
      li.appendChild(tags);
    }
    return li;
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

  function renderMore() {
    var raw = index.raw;
    var end = Math.min(matches.length, shown + PAGE);
    var frag = document.createDocumentFragment();
    for (var k = shown; k < end; k++) {
      frag.appendChild(card(raw.exchanges[matches[k]]));
    }
    list.appendChild(frag);
    shown = end;
    var more = document.getElementById("filter-more");
    if (shown < matches.length) {
      if (!more) {
        more = el("button", "more", "");
        more.id = "filter-more";
        more.type = "button";
        more.addEventListener("click", renderMore);
        results.appendChild(more);
      }
      more.textContent = "Show " + Math.min(PAGE, matches.length - shown) + " more";
    } else if (more) {
      more.parentNode.removeChild(more);
    }
  }

  function apply(s) {
    if (!isActive(s)) {
      while (status.firstChild) {
        status.removeChild(status.firstChild);
      }
      statusDefault.forEach(function (n) {
        status.appendChild(n.cloneNode(true));
      });
      showPageList();
      return;
    }
    if (!index) {
      setStatus("Loading the filters…");
      if (pageList) {
        pageList.hidden = true;
      }
      load();
      return;
    }
    matches = matchAll(s);
    var total = index.raw.exchanges.length;
    setStatus(
      matches.length +
        " of " +
        total +
        (total === 1 ? " exchange matches." : " exchanges match.") +
        (matches.length === 0 ? " Try fewer filters." : "")
    );
    var hit = Object.create(null);
    matches.forEach(function (i) {
      hit[index.raw.exchanges[i].slug] = true;
    });
    for (var i = 0; i < marks.length; i++) {
      marks[i].classList.toggle("dim", !hit[marks[i].getAttribute("data-slug")]);
    }
    list.textContent = "";
    shown = 0;
    renderMore();
    results.hidden = false;
    if (pageList) {
      pageList.hidden = true;
    }
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
    typing = setTimeout(function () {
      // The first change of a search is a new history entry, the rest refine it.
      update(!typedSince);
      typedSince = true;
    }, 180);
  });
  // Choosing a suggestion commits at once; typing waits for Enter or a
  // change of focus (the form's change event).
  [els.official, els.with].forEach(function (el) {
    el.addEventListener("input", function () {
      if (index && fold(el.value.trim()) in index.byLabel) {
        typedSince = false;
        update(true);
      }
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
  form.addEventListener("focusin", load);
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
