/* detente search words: how the text typed in the search field becomes
 * index terms — the same rules as src/render/search/words.rs, which made
 * the index (a Rust test runs both on a word list and compares them).
 *
 * fold: lowercase, accents removed, ’ read as '.
 * words: runs of letters and digits, an apostrophe between two included;
 *   words over 40 characters are left out.
 * stem: Snowball's English (Porter2) stemmer, for words of ASCII letters.
 * CJK: a run of Chinese, Japanese or Korean characters gives its bigrams
 *   plus its last character alone.
 *
 * Loaded by timeline.js on first use; sets window.detenteWords (or
 * module.exports under node).
 */
(function (root) {
  "use strict";

  var MAX_WORD = 40;

  function fold(text) {
    text = String(text || "").toLowerCase();
    if (text.normalize) {
      text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
    }
    return text.replace(/\u2019/g, "'");
  }

  function isCjk(cp) {
    return (
      (cp >= 0x3040 && cp <= 0x30ff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0x20000 && cp <= 0x2fa1f) ||
      (cp >= 0x30000 && cp <= 0x3134f)
    );
  }

  var ALNUM = /^[\p{Alphabetic}\p{N}]$/u;

  function isWord(ch) {
    return ALNUM.test(ch) && !isCjk(ch.codePointAt(0));
  }

  /* ---- Snowball English (Porter2), as in the rust-stemmers crate ---- */

  var EXCEPTIONS = {
    skis: "ski",
    skies: "sky",
    dying: "die",
    lying: "lie",
    tying: "tie",
    idly: "idl",
    gently: "gentl",
    ugly: "ugli",
    early: "earli",
    only: "onli",
    singly: "singl",
    sky: "sky",
    news: "news",
    howe: "howe",
    atlas: "atlas",
    cosmos: "cosmos",
    bias: "bias",
    andes: "andes"
  };
  var EXCEPTIONS2 = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];

  function vowel(c) {
    return c !== undefined && "aeiouy".indexOf(c) >= 0;
  }

  /** The longest of `list` that `w` ends with, or "". */
  function suffix(w, list) {
    var best = "";
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      if (s.length > best.length && w.length >= s.length && w.slice(w.length - s.length) === s) {
        best = s;
      }
    }
    return best;
  }

  /** Short syllable ending just before index `at` of `w`. */
  function shortv(w, at) {
    var a = w[at - 1];
    var b = w[at - 2];
    var c = w[at - 3];
    if (at >= 3 && a !== undefined && "aeiouywxY".indexOf(a) < 0 && vowel(b) && !vowel(c)) {
      return true;
    }
    return at === 2 && !vowel(a) && vowel(b);
  }

  function hasVowel(w, from, to) {
    for (var i = from; i < to; i++) {
      if (vowel(w[i])) {
        return true;
      }
    }
    return false;
  }

  var STEP2 = {
    tional: "tion",
    enci: "ence",
    anci: "ance",
    abli: "able",
    entli: "ent",
    izer: "ize",
    ization: "ize",
    ational: "ate",
    ation: "ate",
    ator: "ate",
    alism: "al",
    aliti: "al",
    alli: "al",
    fulness: "ful",
    ousli: "ous",
    ousness: "ous",
    iveness: "ive",
    iviti: "ive",
    biliti: "ble",
    bli: "ble",
    ogi: "og",
    fulli: "ful",
    lessli: "less",
    li: ""
  };
  var STEP3 = {
    tional: "tion",
    ational: "ate",
    alize: "al",
    icate: "ic",
    iciti: "ic",
    ical: "ic",
    ful: "",
    ness: "",
    ative: ""
  };
  var STEP4 = [
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
    "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"
  ];

  function stem(word) {
    if (!/^[a-z']+$/.test(word)) {
      return word;
    }
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) {
      return EXCEPTIONS[word];
    }
    if (word.length < 3) {
      return word;
    }
    var w = word;
    // prelude
    if (w[0] === "'") {
      w = w.slice(1);
    }
    var yFound = false;
    if (w[0] === "y") {
      w = "Y" + w.slice(1);
      yFound = true;
    }
    w = w.replace(/([aeiouy])y/g, function (m, v) {
      yFound = true;
      return v + "Y";
    });
    // mark_regions
    var p1 = w.length;
    var p2 = w.length;
    var pre = "";
    ["gener", "commun", "arsen"].forEach(function (p) {
      if (w.slice(0, p.length) === p) {
        pre = p;
      }
    });
    var i = 0;
    var ok = true;
    if (pre) {
      p1 = pre.length;
    } else {
      while (i < w.length && !vowel(w[i])) i++;
      i++;
      while (i < w.length && vowel(w[i])) i++;
      i++;
      if (i > w.length) {
        ok = false;
      } else {
        p1 = i;
      }
    }
    if (ok) {
      i = p1;
      while (i < w.length && !vowel(w[i])) i++;
      i++;
      while (i < w.length && vowel(w[i])) i++;
      i++;
      if (i <= w.length) {
        p2 = i;
      }
    }
    var s;
    var start;
    // Step_1a
    s = suffix(w, ["'", "'s'", "'s"]);
    w = w.slice(0, w.length - s.length);
    s = suffix(w, ["sses", "ied", "ies", "s", "ss", "us"]);
    start = w.length - s.length;
    if (s === "sses") {
      w = w.slice(0, start) + "ss";
    } else if (s === "ied" || s === "ies") {
      w = w.slice(0, start) + (start >= 2 ? "i" : "ie");
    } else if (s === "s") {
      if (start >= 1 && hasVowel(w, 0, start - 1)) {
        w = w.slice(0, start);
      }
    }
    if (EXCEPTIONS2.indexOf(w) < 0) {
      // Step_1b
      s = suffix(w, ["ed", "eed", "ing", "edly", "eedly", "ingly"]);
      start = w.length - s.length;
      if (s === "eed" || s === "eedly") {
        if (start >= p1) {
          w = w.slice(0, start) + "ee";
        }
      } else if (s && hasVowel(w, 0, start)) {
        w = w.slice(0, start);
        var t = suffix(w, ["bb", "dd", "ff", "gg", "bl", "mm", "nn", "pp", "rr", "at", "tt", "iz"]);
        if (t === "at" || t === "bl" || t === "iz") {
          w += "e";
        } else if (t) {
          w = w.slice(0, w.length - 1);
        } else if (w.length === p1 && shortv(w, w.length)) {
          w += "e";
        }
      }
      // Step_1c
      var last = w[w.length - 1];
      if ((last === "y" || last === "Y") && w.length >= 3 && !vowel(w[w.length - 2])) {
        w = w.slice(0, w.length - 1) + "i";
      }
      // Step_2
      s = suffix(w, Object.keys(STEP2));
      start = w.length - s.length;
      if (s && start >= p1) {
        if (s === "ogi") {
          if (w[start - 1] === "l") {
            w = w.slice(0, start) + "og";
          }
        } else if (s === "li") {
          if (w[start - 1] !== undefined && "cdeghkmnrt".indexOf(w[start - 1]) >= 0) {
            w = w.slice(0, start);
          }
        } else {
          w = w.slice(0, start) + STEP2[s];
        }
      }
      // Step_3
      s = suffix(w, Object.keys(STEP3));
      start = w.length - s.length;
      if (s && start >= p1) {
        if (s !== "ative" || start >= p2) {
          w = w.slice(0, start) + STEP3[s];
        }
      }
      // Step_4
      s = suffix(w, STEP4);
      start = w.length - s.length;
      if (s && start >= p2) {
        if (s !== "ion" || w[start - 1] === "s" || w[start - 1] === "t") {
          w = w.slice(0, start);
        }
      }
      // Step_5
      s = suffix(w, ["e", "l"]);
      start = w.length - s.length;
      if (s === "e") {
        if (start >= p2 || (start >= p1 && !shortv(w, start))) {
          w = w.slice(0, start);
        }
      } else if (s === "l") {
        if (start >= p2 && w[start - 1] === "l") {
          w = w.slice(0, start);
        }
      }
    }
    // postlude
    if (yFound) {
      w = w.replace(/Y/g, "y");
    }
    return w;
  }

  /* ---- text to terms ---- */

  /**
   * The tokens of `text`, in order: { term, word, cjk, start, end } with
   * `word` the folded word (or CJK run), `start`/`end` its place in the
   * folded text. With `stemming` off, terms are the folded words.
   */
  function tokens(text, stemming) {
    var s = fold(text);
    var chars = Array.from(s);
    var at = []; // UTF-16 offset of each character
    var off = 0;
    for (var c = 0; c < chars.length; c++) {
      at.push(off);
      off += chars[c].length;
    }
    at.push(off);
    var out = [];
    var k = 0;
    while (k < chars.length) {
      var ch = chars[k];
      var start = k;
      if (isCjk(ch.codePointAt(0))) {
        while (k < chars.length && isCjk(chars[k].codePointAt(0))) k++;
        var run = chars.slice(start, k).join("");
        for (var b = start; b + 1 < k; b++) {
          out.push({ term: chars[b] + chars[b + 1], word: run, cjk: true, start: at[b], end: at[b + 2] });
        }
        out.push({ term: chars[k - 1], word: run, cjk: true, start: at[k - 1], end: at[k], last: true, single: k - start === 1 });
      } else if (isWord(ch)) {
        for (;;) {
          while (k < chars.length && isWord(chars[k])) k++;
          if (k + 1 < chars.length && chars[k] === "'" && isWord(chars[k + 1])) {
            k++;
            continue;
          }
          break;
        }
        if (k - start <= MAX_WORD) {
          var word = chars.slice(start, k).join("");
          out.push({ term: stemming ? stem(word) : word, word: word, cjk: false, start: at[start], end: at[k] });
        }
      } else {
        k++;
      }
    }
    return { folded: s, tokens: out };
  }

  /** The terms of `text`, in order (repeats included). */
  function terms(text, stemming) {
    return tokens(text, stemming).tokens.map(function (t) {
      return t.term;
    });
  }

  /**
   * The words and CJK runs of `text` as written (not folded), for marking
   * matches: [{ start, end, cjk }] in UTF-16 offsets.
   */
  function segments(text) {
    var out = [];
    var chars = Array.from(String(text || ""));
    var off = 0;
    var k = 0;
    var at = function () {
      return off;
    };
    while (k < chars.length) {
      var ch = chars[k];
      var start = at();
      if (isCjk(ch.codePointAt(0))) {
        while (k < chars.length && isCjk(chars[k].codePointAt(0))) {
          off += chars[k].length;
          k++;
        }
        out.push({ start: start, end: off, cjk: true });
      } else if (isWord(ch)) {
        for (;;) {
          while (k < chars.length && isWord(chars[k])) {
            off += chars[k].length;
            k++;
          }
          if (k + 1 < chars.length && (chars[k] === "'" || chars[k] === "\u2019") && isWord(chars[k + 1])) {
            off += 1;
            k++;
            continue;
          }
          break;
        }
        out.push({ start: start, end: off, cjk: false });
      } else {
        off += ch.length;
        k++;
      }
    }
    return out;
  }

  var api = {
    fold: fold,
    stem: stem,
    tokens: tokens,
    terms: terms,
    segments: segments,
    isCjk: isCjk,
    MAX_WORD: MAX_WORD
  };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.detenteWords = api;
  }
})(typeof window !== "undefined" ? window : this);
