// bantin site search: reads the index files written at build time
// (docs/search.md) and shows results, with no server and no dependencies.
// Folding must match src/search/text.rs: lowercase, NFD, no marks, đ -> d.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.fetch) return;
  var base = root.getAttribute("data-index");
  var form = root.querySelector(".search-form");
  var input = document.getElementById("search-q");
  var sortSel = document.getElementById("search-sort");
  var sectionSel = document.getElementById("search-section");
  var yearSel = document.getElementById("search-year");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE = 10;
  var WORD = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var cache = {};
  var meta = null;
  var shown = 0;
  var ranked = [];
  var run = 0;

  function fold(w) {
    return w.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d");
  }
  function spelling(w) {
    return w.toLowerCase().normalize("NFC");
  }
  function fileName(t) {
    var out = "";
    for (var ch of t) {
      out += /[a-z0-9]/.test(ch) ? ch : "_" + ch.codePointAt(0).toString(16) + "_";
    }
    return out;
  }
  // A file of the index; a shard no term starts with does not exist, so
  // for those (`optional`) a 404 means "no entries".
  function get(path, optional) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) {
        if (optional && r.status === 404) return {};
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  function words(text) {
    return (text.match(WORD) || []).filter(function (w) { return [...w].length <= 40; });
  }
  // Words, and quoted phrases as lists of words.
  function parse(q) {
    var phrases = [], terms = [];
    q = q.replace(/["“”]([^"“”]*)["“”]?/g, function (_, p) {
      var ws = words(p);
      if (ws.length > 1) phrases.push(ws.map(fold));
      terms.push.apply(terms, ws);
      return " ";
    });
    terms.push.apply(terms, words(q));
    var seen = {}, out = [];
    terms.forEach(function (w) {
      var s = spelling(w), f = fold(s);
      if (!seen[s]) { seen[s] = 1; out.push({ spelling: s, folded: f, exact: s !== f }); }
    });
    return { terms: out, phrases: phrases };
  }
  // A term's data from its shard, or from its own file when the shard says 1.
  function lookup(folded, positions) {
    var shard = fileName([...folded].slice(0, 2).join(""));
    var kind = positions ? "sp/" : "s/";
    return get(kind + shard + ".json", true).then(function (s) {
      var v = s[folded];
      if (v === 1) return get((positions ? "wp/" : "w/") + fileName(folded) + ".json");
      return v || {};
    });
  }
  // doc -> {score, exact} for one query term, all spellings merged.
  function postings(term, variants) {
    var docs = new Map();
    Object.keys(variants).forEach(function (sp) {
      var a = variants[sp], d = 0, same = sp === term.spelling;
      for (var i = 0; i < a.length; i += 2) {
        d += a[i];
        var e = docs.get(d) || { score: 0, exact: false };
        e.score += a[i + 1] * (same && term.exact ? 4 : 1);
        if (same) e.exact = true;
        docs.set(d, e);
      }
    });
    return docs;
  }
  // doc -> sorted positions of a folded term (any spelling).
  function positionsOf(variants) {
    var docs = new Map();
    Object.keys(variants).forEach(function (sp) {
      var a = variants[sp], d = 0, i = 0;
      while (i < a.length) {
        d += a[i];
        var n = a[i + 1], p = 0, ps = docs.get(d) || [];
        for (var k = 0; k < n; k++) { p += a[i + 2 + k]; ps.push(p); }
        docs.set(d, ps);
        i += 2 + n;
      }
    });
    return docs;
  }
  function hasPhrase(lists) {
    var first = lists[0];
    for (var i = 0; i < first.length; i++) {
      var ok = true;
      for (var k = 1; k < lists.length && ok; k++) ok = lists[k].indexOf(first[i] + k) >= 0;
      if (ok) return true;
    }
    return false;
  }
  function yearOf(d) {
    var y = null;
    meta.years.forEach(function (r) { if (r[1] <= d) y = r[0]; });
    return y;
  }
  function idf(df) {
    return Math.log(1 + meta.n / (1 + df));
  }

  function search(q, sort, section, year) {
    var parsed = parse(q);
    if (!parsed.terms.length) return Promise.resolve([]);
    return get("meta.json").then(function (m) {
      meta = m;
      var needs = parsed.terms.map(function (t) { return lookup(t.folded, false); });
      needs.push(section !== "" ? get("c/" + section + ".json") : Promise.resolve(null));
      return Promise.all(needs);
    }).then(function (got) {
      var inSection = got.pop();
      var maps = parsed.terms.map(function (t, i) { return postings(t, got[i]); });
      maps.sort(function (a, b) { return a.size - b.size; });
      var allowed = null;
      if (inSection) {
        allowed = new Set();
        var d = 0;
        inSection.forEach(function (x) { d += x; allowed.add(d); });
      }
      var hits = [];
      maps[0].forEach(function (_, d) {
        if (allowed && !allowed.has(d)) return;
        if (year !== "" && String(yearOf(d)) !== year) return;
        var score = 0, exact = 0;
        for (var i = 0; i < maps.length; i++) {
          var e = maps[i].get(d);
          if (!e) return;
          score += e.score * idf(maps[i].size);
          if (e.exact) exact++;
        }
        hits.push({ d: d, score: score, exact: exact });
      });
      if (!parsed.phrases.length || !hits.length) return hits;
      var folded = [];
      parsed.phrases.forEach(function (p) { p.forEach(function (f) { if (folded.indexOf(f) < 0) folded.push(f); }); });
      return Promise.all(folded.map(function (f) { return lookup(f, true); })).then(function (ps) {
        var pos = {};
        folded.forEach(function (f, i) { pos[f] = positionsOf(ps[i]); });
        return hits.filter(function (h) {
          return parsed.phrases.every(function (p) {
            return hasPhrase(p.map(function (f) { return pos[f].get(h.d) || []; }));
          });
        });
      });
    }).then(function (hits) {
      hits.sort(sort === "date"
        ? function (a, b) { return b.d - a.d; }
        : function (a, b) { return b.exact - a.exact || b.score - a.score || b.d - a.d; });
      return hits;
    });
  }

  // `text` as nodes, with the words of the query in <mark>.
  function highlight(el, text, folded) {
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      if (folded.has(fold(m[0]))) {
        el.appendChild(document.createTextNode(text.slice(last, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        el.appendChild(mark);
        last = m.index + m[0].length;
      }
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }
  function pathUrl(p) {
    var b = base.replace(/[^/]+\/index\/$/, "");
    return b.replace(/\/$/, "") + p;
  }
  function showMore(my, folded) {
    var page = ranked.slice(shown, shown + PAGE);
    shown += page.length;
    more.hidden = shown >= ranked.length;
    return Promise.all(page.map(function (h) {
      return get("d/" + Math.floor(h.d / meta.chunk) + ".json").then(function (c) { return c[h.d % meta.chunk]; });
    })).then(function (docs) {
      if (my !== run) return;
      docs.forEach(function (doc) {
        var li = document.createElement("li");
        li.className = "search-result";
        if (doc.i) {
          var img = document.createElement("img");
          img.src = doc.i; img.alt = ""; img.loading = "lazy"; img.className = "search-thumb";
          li.appendChild(img);
        }
        var h = document.createElement("h2");
        var a = document.createElement("a");
        a.href = pathUrl(doc.u);
        highlight(a, doc.t, folded);
        h.appendChild(a);
        li.appendChild(h);
        var info = document.createElement("p");
        info.className = "meta";
        var time = document.createElement("time");
        time.dateTime = doc.d;
        time.textContent = doc.d.split("-").reverse().join("/");
        info.appendChild(time);
        if (doc.s >= 0) info.appendChild(document.createTextNode(" · " + meta.sections[doc.s]));
        li.appendChild(info);
        var x = document.createElement("p");
        x.className = "search-snippet";
        highlight(x, doc.x, folded);
        li.appendChild(x);
        list.appendChild(li);
      });
    });
  }

  function fromUrl() {
    var p = new URLSearchParams(location.search);
    input.value = p.get("q") || "";
    sortSel.value = p.get("sort") || "";
    if (sectionSel) sectionSel.value = p.get("section") || "";
    yearSel.value = p.get("year") || "";
  }
  function toUrl() {
    var p = new URLSearchParams();
    p.set("q", input.value);
    if (sortSel.value) p.set("sort", sortSel.value);
    if (sectionSel && sectionSel.value) p.set("section", sectionSel.value);
    if (yearSel.value) p.set("year", yearSel.value);
    history.replaceState(null, "", location.pathname + "?" + p.toString());
  }
  function go() {
    var my = ++run;
    var started = performance.now();
    var q = input.value.trim();
    list.textContent = "";
    more.hidden = true;
    root.removeAttribute("data-done");
    if (!q) { status.textContent = ""; return; }
    status.textContent = root.getAttribute("data-loading");
    var folded = new Set(parse(q).terms.map(function (t) { return t.folded; }));
    search(q, sortSel.value, sectionSel ? sectionSel.value : "", yearSel.value).then(function (hits) {
      if (my !== run) return;
      ranked = hits; shown = 0;
      status.textContent = hits.length
        ? hits.length.toLocaleString("vi") + " " + root.getAttribute("data-results")
        : root.getAttribute("data-none");
      return showMore(my, folded);
    }).then(function () {
      // How long the search took, for benchmarks (docs/benchmark.md).
      if (my === run) {
        root.setAttribute("data-ms", String(Math.round(performance.now() - started)));
        root.setAttribute("data-done", "");
      }
    }, function () {
      if (my === run) { status.textContent = root.getAttribute("data-failed"); root.setAttribute("data-done", ""); }
    });
  }

  root.querySelector(".search-filters").hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); toUrl(); go(); });
  [sortSel, sectionSel, yearSel].forEach(function (s) {
    if (s) s.addEventListener("change", function () { toUrl(); go(); });
  });
  more.addEventListener("click", function () {
    var folded = new Set(parse(input.value).terms.map(function (t) { return t.folded; }));
    var first = list.children.length;
    showMore(run, folded).then(function () {
      var li = list.children[first];
      var a = li && li.querySelector("a");
      if (a) a.focus();
    });
  });
  window.addEventListener("popstate", function () { fromUrl(); go(); });
  fromUrl();
  go();
})();
