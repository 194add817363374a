/* fupan knowledge base: search, facets, sort, comparison and the zh/en switch.
 *
 * Loaded with a classic <script src> after data.js (window.FUPAN_SITE) and, on the index page,
 * MiniSearch's UMD build (window.MiniSearch): it works from file:// and fetches nothing.
 * Every piece of case text is put into the page with textContent, never as markup.
 * The page state (query, facets, sort, selection, language) lives in the URL hash, so a view is
 * a link: index.html#q=复盘&platform=tmall&sort=cr_index&dir=desc&lang=en.
 */
(function () {
  "use strict";

  var D = window.FUPAN_SITE;
  if (!D) { return; }

  /* ------------------------------------------------------------------ tokenizer
   * Twin of fupan/site/search.py (same rules, same ranges): NFKC + lower case; CJK runs give
   * character bigrams (a lone character gives itself; a run touching a Latin/digit run also
   * gives its touching character); Latin/digit runs give one word each. */
  var RUN = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2ebef}\u{30000}-\u{3134f}]+)|([0-9a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f]+)/gu;
  var CJK_FIRST = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2ebef}\u{30000}-\u{3134f}]/u;

  function tokenize(text) {
    var s = String(text == null ? "" : text).normalize("NFKC").toLowerCase();
    var out = [];
    var runs = [];
    var m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(s)) !== null) {
      runs.push({ cjk: m[1], word: m[2], start: m.index, end: m.index + m[0].length });
    }
    for (var k = 0; k < runs.length; k++) {
      var r = runs[k];
      if (r.cjk) {
        var cs = Array.from(r.cjk);
        if (cs.length === 1) { out.push(cs[0]); continue; }
        var before = k > 0 && runs[k - 1].word && runs[k - 1].end === r.start;
        var after = k + 1 < runs.length && runs[k + 1].word && runs[k + 1].start === r.end;
        if (before) { out.push(cs[0]); }
        for (var i = 0; i + 1 < cs.length; i++) { out.push(cs[i] + cs[i + 1]); }
        if (after) { out.push(cs[cs.length - 1]); }
      } else {
        out.push(r.word);
      }
    }
    return out;
  }

  function isCjk(token) { return CJK_FIRST.test(token); }

  /* ------------------------------------------------------------------ labels */
  var FACETS = ["platform", "category", "year", "provenance", "outcome"];
  var CHIPS = ["gmv_achievement", "gmv_index", "burst_multiple", "cr_index", "gmv_per_uv", "roas"];
  var METRICS = {};
  D.metrics.forEach(function (m) { METRICS[m.key] = m; });
  var CASES = {};
  D.cases.forEach(function (c) { CASES[c.id] = c; });
  var FACET_LABELS = {};
  FACETS.forEach(function (f) {
    FACET_LABELS[f] = {};
    (D.facets[f] || []).forEach(function (v) { FACET_LABELS[f][v.value] = v.label; });
  });

  var state = readState();

  function tr(key, args) {
    var entry = D.ui[key];
    var s = entry ? entry[state.lang] : key;
    if (args) {
      Object.keys(args).forEach(function (k) { s = s.split("{" + k + "}").join(String(args[k])); });
    }
    return s;
  }

  function facetLabel(facet, value) {
    var l = FACET_LABELS[facet][value];
    return l ? l[state.lang === "zh" ? 0 : 1] : value;
  }

  function metricLabel(key) { return METRICS[key][state.lang]; }

  /* ------------------------------------------------------------------ URL state */
  function list(params, key, splitCommas) {
    var out = [];
    params.getAll(key).forEach(function (v) {
      (splitCommas ? v.split(",") : [v]).forEach(function (x) {
        x = x.trim();
        if (x && out.indexOf(x) < 0) { out.push(x); }
      });
    });
    return out;
  }

  function readState() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    var f = {};
    FACETS.forEach(function (name) { f[name] = list(p, name, name !== "category"); });
    var sort = p.get("sort") || "";
    if (sort && sort !== "name" && !METRICS[sort]) { sort = ""; }
    var dir = p.get("dir");
    return {
      q: p.get("q") || "",
      lang: p.get("lang") === "en" ? "en" : "zh",
      f: f,
      sort: sort,
      dir: dir === "asc" || dir === "desc" ? dir : "",
      sel: list(p, "sel", true),
      ids: list(p, "ids", true)
    };
  }

  function stateHash() {
    var p = new URLSearchParams();
    if (state.q) { p.set("q", state.q); }
    FACETS.forEach(function (name) { state.f[name].forEach(function (v) { p.append(name, v); }); });
    if (state.sort) { p.set("sort", state.sort); }
    if (state.dir) { p.set("dir", state.dir); }
    if (state.sel.length) { p.set("sel", state.sel.join(",")); }
    if (state.ids.length) { p.set("ids", state.ids.join(",")); }
    if (state.lang === "en") { p.set("lang", "en"); }
    return p.toString().replace(/%2C/g, ",");
  }

  var lastHash = null;
  function writeState() {
    var h = stateHash();
    lastHash = h;
    var target = h ? "#" + h : location.pathname + location.search;
    try {
      history.replaceState(null, "", h ? "#" + h : location.href.split("#")[0]);
    } catch (e) {
      location.replace(target);
    }
  }

  function langSuffix(extra) {
    var p = new URLSearchParams();
    if (extra) { Object.keys(extra).forEach(function (k) { if (extra[k]) { p.set(k, extra[k]); } }); }
    if (state.lang === "en") { p.set("lang", "en"); }
    var s = p.toString().replace(/%2C/g, ",");
    return s ? "#" + s : "";
  }

  /* ------------------------------------------------------------------ DOM helpers */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) { return; }
        if (k === "text") { node.textContent = attrs[k]; }
        else if (k === "className") { node.className = attrs[k]; }
        else { node.setAttribute(k, attrs[k] === true ? "" : attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return node;
  }

  function $(sel) { return document.querySelector(sel); }
  function $all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }

  function applyLang() {
    var L = state.lang;
    document.documentElement.lang = L === "zh" ? "zh-CN" : "en";
    document.documentElement.setAttribute("data-lang", L);
    $all("[data-i18n]").forEach(function (n) { n.textContent = tr(n.getAttribute("data-i18n")); });
    $all("[data-i18n-placeholder]").forEach(function (n) { n.placeholder = tr(n.getAttribute("data-i18n-placeholder")); });
    $all("[data-i18n-title]").forEach(function (n) { n.title = tr(n.getAttribute("data-i18n-title")); });
    $all("[data-i18n-metric]").forEach(function (n) { n.textContent = metricLabel(n.getAttribute("data-i18n-metric")); });
    var tk = document.querySelector("title").getAttribute("data-i18n-title-key") || "site_title";
    document.title = tk === "site_title" ? tr("site_title") : tr(tk) + " · " + tr("site_title");
    $all("[data-nav]").forEach(function (a) { a.setAttribute("href", a.getAttribute("data-nav") + ".html" + langSuffix()); });
    var brand = $(".brand");
    if (brand) { brand.setAttribute("href", "index.html" + langSuffix()); }
  }

  function kpiBlock(c, key, highlight) {
    var m = METRICS[key];
    return el("div", { className: "kpi" + (highlight ? " sorted" : "") + (c.kpis[key] === null ? " missing" : ""),
                       "data-kpi": key, title: m["definition_" + state.lang] }, [
      el("dt", { text: metricLabel(key) }),
      el("dd", { text: c.display[key][state.lang] })
    ]);
  }

  function badge(text, cls) { return el("span", { className: "badge " + (cls || ""), text: text }); }

  function compareHref(ids) { return "compare.html" + langSuffix({ ids: ids.join(",") }); }

  /* ------------------------------------------------------------------ index page */
  var ms = null;
  function buildIndex() {
    ms = new window.MiniSearch({
      idField: "id",
      fields: D.search_fields,
      extractField: function (doc, field) { return field === "id" ? doc.id : doc.search[field]; },
      tokenize: function (text) { return tokenize(text); },
      processTerm: function (term) { return term; }
    });
    ms.addAll(D.cases);
  }

  /* Ids matching the query (AND over its tokens) with the fields they matched in, or null when
   * the query has no token (no filter). CJK bigrams match exactly; Latin words also as prefixes. */
  function searchIds(q) {
    if (!tokenize(q).length) { return null; }
    var res = ms.search(q, { combineWith: "AND", fuzzy: false, prefix: function (term) { return !isCjk(term); } });
    var out = new Map();
    res.forEach(function (r) {
      var fields = [];
      Object.keys(r.match).forEach(function (t) {
        r.match[t].forEach(function (f) { if (fields.indexOf(f) < 0) { fields.push(f); } });
      });
      out.set(r.id, fields);
    });
    return out;
  }

  function passes(c, except) {
    return FACETS.every(function (f) {
      return f === except || !state.f[f].length || state.f[f].indexOf(c[f]) >= 0;
    });
  }

  function effectiveDir() {
    if (state.dir) { return state.dir; }
    if (state.sort === "name") { return "asc"; }
    return state.sort && METRICS[state.sort] && !METRICS[state.sort].higher_is_better ? "asc" : "desc";
  }

  function byId(a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; }

  function sortCases(list) {
    var key = state.sort, dir = effectiveDir(), sign = dir === "asc" ? 1 : -1;
    if (!key) {
      return list.sort(function (a, b) {
        var sa = a.start || "", sb = b.start || "";
        return sa < sb ? 1 : sa > sb ? -1 : byId(a, b);
      });
    }
    if (key === "name") {
      var coll = new Intl.Collator(state.lang === "zh" ? "zh-CN" : "en");
      return list.sort(function (a, b) { return sign * coll.compare(a.name, b.name) || byId(a, b); });
    }
    return list.sort(function (a, b) {
      var va = a.kpis[key], vb = b.kpis[key];
      if (va === null && vb === null) { return byId(a, b); }
      if (va === null) { return 1; }   /* not measured: always last, whatever the direction */
      if (vb === null) { return -1; }
      return va === vb ? byId(a, b) : sign * (va < vb ? -1 : 1);
    });
  }

  function caseItem(c, matched) {
    var L = state.lang;
    var selected = state.sel.indexOf(c.id) >= 0;
    var name = c.report ? el("a", { href: c.report, text: c.label || c.name }) : el("span", { text: c.label || c.name });
    var meta = el("div", { className: "case-meta" }, [
      badge(facetLabel("platform", c.platform), "b-platform"),
      badge(facetLabel("category", c.category), "b-category"),
      badge(c.year, "b-year"),
      badge(facetLabel("provenance", c.provenance), "b-prov b-prov-" + c.provenance),
      badge(tr("outcome") + " · " + facetLabel("outcome", c.outcome), "b-outcome b-" + c.outcome),
      c.start ? el("span", { className: "period", text: c.start + " – " + (c.end || "") }) : null
    ]);
    var chips = CHIPS.slice();
    if (state.sort && METRICS[state.sort] && chips.indexOf(state.sort) < 0) { chips.push(state.sort); }
    var kpis = el("dl", { className: "kpis" }, chips.map(function (k) { return kpiBlock(c, k, k === state.sort); }));
    var lessons = el("div", { className: "case-lessons" });
    c.lessons.went_well.slice(0, 2).forEach(function (x) { lessons.appendChild(el("p", { className: "good", text: x })); });
    c.lessons.to_improve.slice(0, 2).forEach(function (x) { lessons.appendChild(el("p", { className: "bad", text: x })); });
    var tags = c.mechanics.concat(c.tags);
    var links = el("div", { className: "case-links" }, [
      c.report ? el("a", { className: "report-link", href: c.report, text: tr("report") })
               : el("span", { className: "no-report", text: tr("no_report") }),
      c.minutes ? el("a", { className: "minutes-link", href: c.minutes, text: tr("minutes") }) : null,
      c.peers.length
        ? el("a", { className: "peers-link", href: compareHref([c.id].concat(c.peers)), text: tr("compare_peers") + " (" + (c.peers.length + 1) + ")" })
        : el("a", { className: "peers-link", href: compareHref([c.id]), text: tr("compare_open") }),
      c.definitions_version !== D.definitions_version
        ? el("span", { className: "old-defs", text: tr("old_definitions", { v: c.definitions_version, cur: D.definitions_version }) }) : null,
      matched ? el("span", { className: "matched", text: tr("matched_in") + matched.map(function (f) { return tr("field_" + f); }).join(L === "zh" ? "、" : ", ") }) : null
    ]);
    return el("li", { className: "case" + (selected ? " selected" : ""), "data-id": c.id }, [
      el("div", { className: "case-head" }, [
        el("h2", { className: "case-name" }, [name]),
        el("label", { className: "select" }, [
          el("input", { type: "checkbox", className: "select-box", "data-select": c.id, checked: selected }),
          el("span", { text: tr("select_compare") })
        ])
      ]),
      meta,
      kpis,
      lessons.childNodes.length ? lessons : null,
      tags.length ? el("div", { className: "tags" }, tags.map(function (t) { return el("span", { className: "tag", text: t }); })) : null,
      links
    ]);
  }

  function renderIndex() {
    var q = $("#q");
    if (q.value !== state.q) { q.value = state.q; }
    var hits = searchIds(state.q);
    var inSearch = function (c) { return hits === null || hits.has(c.id); };
    $all("input[data-facet]").forEach(function (box) {
      var f = box.getAttribute("data-facet"), v = box.value;
      var n = D.cases.filter(function (c) { return c[f] === v && inSearch(c) && passes(c, f); }).length;
      box.checked = state.f[f].indexOf(v) >= 0;
      var lab = box.parentNode;
      lab.querySelector(".facet-label").textContent = facetLabel(f, v);
      lab.querySelector(".facet-count").textContent = String(n);
      lab.classList.toggle("zero", n === 0 && !box.checked);
    });
    var shown = sortCases(D.cases.filter(function (c) { return inSearch(c) && passes(c, null); }));
    var results = $("#results");
    results.textContent = "";
    shown.forEach(function (c) { results.appendChild(caseItem(c, hits ? hits.get(c.id) : null)); });
    $("#no-results").hidden = shown.length > 0;
    $("#count").textContent = tr("shown", { n: shown.length, total: D.cases.length });
    $("#sort").value = state.sort;
    var dirButton = $("#dir"), dir = effectiveDir();
    dirButton.setAttribute("data-dir", dir);
    dirButton.setAttribute("data-i18n", dir === "asc" ? "dir_asc" : "dir_desc");
    dirButton.textContent = tr(dir === "asc" ? "dir_asc" : "dir_desc");
    dirButton.disabled = !state.sort;
    var selBar = $("#selection");
    selBar.hidden = state.sel.length === 0;
    var link = $("#compare-selected");
    link.textContent = tr("compare_selected", { n: state.sel.length });
    link.setAttribute("href", compareHref(state.sel));
  }

  function initIndex() {
    buildIndex();
    $("#q").addEventListener("input", function (e) { state.q = e.target.value; writeState(); renderIndex(); });
    $("#facets").addEventListener("change", function (e) {
      var box = e.target;
      if (!box.matches("input[data-facet]")) { return; }
      var f = box.getAttribute("data-facet"), vals = state.f[f], i = vals.indexOf(box.value);
      if (box.checked && i < 0) { vals.push(box.value); }
      if (!box.checked && i >= 0) { vals.splice(i, 1); }
      writeState(); renderIndex();
    });
    $("#sort").addEventListener("change", function (e) { state.sort = e.target.value; state.dir = ""; writeState(); renderIndex(); });
    $("#dir").addEventListener("click", function () { state.dir = effectiveDir() === "asc" ? "desc" : "asc"; writeState(); renderIndex(); });
    $("#clear-filters").addEventListener("click", function () {
      state.q = ""; FACETS.forEach(function (f) { state.f[f] = []; }); writeState(); renderIndex();
    });
    $("#clear-selection").addEventListener("click", function () { state.sel = []; writeState(); renderIndex(); });
    $("#results").addEventListener("change", function (e) {
      var box = e.target;
      if (!box.matches("input[data-select]")) { return; }
      var id = box.getAttribute("data-select"), i = state.sel.indexOf(id);
      if (box.checked && i < 0) { state.sel.push(id); }
      if (!box.checked && i >= 0) { state.sel.splice(i, 1); }
      writeState(); renderIndex();
    });
  }

  /* ------------------------------------------------------------------ compare page */
  function best(values, higher) {
    var finite = values.filter(function (v) { return v !== null; });
    if (finite.length < 2) { return null; }
    var b = higher ? Math.max.apply(null, finite) : Math.min.apply(null, finite);
    return finite.every(function (v) { return v === b; }) ? null : b;
  }

  function lessonList(items) {
    if (!items.length) { return el("span", { className: "missing", text: "—" }); }
    return el("ul", null, items.map(function (x) { return el("li", { text: x }); }));
  }

  function renderCompare() {
    var known = state.ids.filter(function (id) { return CASES[id]; });
    var unknown = state.ids.filter(function (id) { return !CASES[id]; });
    var notes = $("#compare-notes");
    notes.textContent = "";
    if (unknown.length) { notes.appendChild(el("p", { className: "warn", text: tr("compare_unknown", { ids: unknown.join(", ") }) })); }
    var cs = known.map(function (id) { return CASES[id]; });
    var versions = Array.from(new Set(cs.map(function (c) { return c.definitions_version; })));
    if (versions.length > 1) { notes.appendChild(el("p", { className: "warn", text: tr("defs_mismatch", { versions: versions.join(", ") }) })); }
    var codes = Array.from(new Set(cs.map(function (c) { return c.currency; })));
    if (codes.length > 1) { notes.appendChild(el("p", { className: "warn", text: tr("currency_mismatch", { codes: codes.join(", ") }) })); }
    $("#compare-empty").hidden = cs.length > 0;
    var table = $("#compare-table");
    table.textContent = "";
    table.style.setProperty("--cols", String(Math.max(cs.length, 1)));
    if (cs.length) {
      var head = el("tr", null, [el("th", { scope: "col", className: "corner", text: tr("kpi") })].concat(cs.map(function (c) {
        return el("th", { scope: "col", className: "case-col", "data-id": c.id }, [
          c.report ? el("a", { href: c.report, text: c.label || c.name }) : el("span", { text: c.label || c.name }),
          el("button", { type: "button", className: "remove", "data-remove": c.id, title: tr("remove"), "aria-label": tr("remove") + " " + (c.label || c.name), text: "×" })
        ]);
      })));
      var body = el("tbody");
      var section = function (key) { body.appendChild(el("tr", { className: "section" }, [el("th", { colspan: String(cs.length + 1), scope: "colgroup", text: tr(key) })])); };
      var row = function (labelText, cells, attrs) {
        body.appendChild(el("tr", attrs || null, [el("th", { scope: "row", text: labelText })].concat(cells)));
      };
      section("section_facts");
      [["platform", function (c) { return facetLabel("platform", c.platform); }],
       ["category", function (c) { return facetLabel("category", c.category); }],
       ["year", function (c) { return c.year; }],
       ["provenance", function (c) { return facetLabel("provenance", c.provenance); }],
       ["outcome", function (c) { return facetLabel("outcome", c.outcome); }],
       ["period", function (c) { return c.start ? c.start + " – " + (c.end || "") : "—"; }],
       ["gmv", function (c) { return c.gmv[state.lang]; }],
       ["definitions_version", function (c) { return c.definitions_version || "—"; }]
      ].forEach(function (spec) {
        row(tr(spec[0]), cs.map(function (c) { return el("td", { text: spec[1](c) }); }), { "data-fact": spec[0] });
      });
      section("section_kpis");
      D.metrics.forEach(function (m) {
        var values = cs.map(function (c) { return c.kpis[m.key]; });
        /* no "best" between amounts in different currencies; cells that read the same as the best
         * one (29.0% and 29.0%) are all marked, and a mark on every measured cell is no mark */
        /* nor for a share of the mix (live GMV share): neither end of it is better */
        var b = (m.unit === "money" && codes.length > 1) || m.mix ? null : best(values, m.higher_is_better);
        var bestText = b === null ? null : cs[values.indexOf(b)].display[m.key][state.lang];
        var marked = cs.map(function (c, i) { return values[i] !== null && c.display[m.key][state.lang] === bestText; });
        if (marked.filter(Boolean).length === values.filter(function (v) { return v !== null; }).length) {
          marked = marked.map(function () { return false; });
        }
        var cells = cs.map(function (c, i) {
          var isBest = marked[i];
          return el("td", { className: (values[i] === null ? "missing" : "") + (isBest ? " best" : ""), "data-id": c.id }, [
            c.display[m.key][state.lang],
            isBest ? el("span", { className: "best-mark", text: tr("best_mark") }) : null
          ]);
        });
        body.appendChild(el("tr", { "data-kpi": m.key }, [
          el("th", { scope: "row", title: m["definition_" + state.lang] }, [
            el("a", { href: "glossary.html" + langSuffix(), text: metricLabel(m.key) })
          ])
        ].concat(cells)));
      });
      section("section_lessons");
      ["went_well", "to_improve"].forEach(function (k) {
        row(tr(k), cs.map(function (c) { return el("td", { className: "lessons" }, [lessonList(c.lessons[k])]); }), { "data-lessons": k });
      });
      table.appendChild(el("thead", null, [head]));
      table.appendChild(body);
    }
    $all("#pick-list li").forEach(function (li) {
      var box = li.querySelector("input[data-pick]"), c = CASES[box.value];
      box.checked = state.ids.indexOf(box.value) >= 0;
      li.querySelector(".pick-meta").textContent = [facetLabel("platform", c.platform), facetLabel("category", c.category), c.year].join(" · ");
    });
  }

  function initCompare() {
    $("#pick-list").addEventListener("change", function (e) {
      var box = e.target;
      if (!box.matches("input[data-pick]")) { return; }
      var i = state.ids.indexOf(box.value);
      if (box.checked && i < 0) { state.ids.push(box.value); }
      if (!box.checked && i >= 0) { state.ids.splice(i, 1); }
      writeState(); renderCompare();
    });
    $("#compare-table").addEventListener("click", function (e) {
      var b = e.target.closest("button[data-remove]");
      if (!b) { return; }
      state.ids = state.ids.filter(function (id) { return id !== b.getAttribute("data-remove"); });
      writeState(); renderCompare();
    });
  }

  /* ------------------------------------------------------------------ all pages */
  var page = document.body.getAttribute("data-page");
  function render() {
    applyLang();
    if (page === "index") { renderIndex(); }
    if (page === "compare") { renderCompare(); }
  }

  $("#lang-switch").addEventListener("click", function () {
    state.lang = state.lang === "zh" ? "en" : "zh";
    writeState(); render();
  });
  window.addEventListener("hashchange", function () {
    if (location.hash.replace(/^#/, "") === lastHash) { return; }
    state = readState(); render();
  });
  if (page === "index") { initIndex(); }
  if (page === "compare") { initCompare(); }
  render();
  document.documentElement.setAttribute("data-ready", "1");

  /* for the tests (tokenizer twin) and for anyone scripting the page */
  window.FupanSite = {
    tokenize: tokenize,
    search: function (q) { var h = ms ? searchIds(q) : null; return h === null ? null : Array.from(h.keys()).sort(); },
    state: function () { return JSON.parse(JSON.stringify(state)); }
  };
})();
