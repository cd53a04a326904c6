/* The side-by-side view of one comparison, shared by the web page and the
 * standalone HTML report (render/html.py inlines this file).
 *
 *   copytrace.render(container, {comparison, texts: {a, b}, titles: {a, b}})
 *
 * `comparison` is the comparison JSON (README: "The JSON of one comparison"); every span is [start, end) into texts.a
 * or texts.b, counted in Unicode code points (Python's str indices). JavaScript
 * strings index UTF-16 units, where an emoji or other astral character takes
 * two, so marksFor converts every span before the text is cut. Overlapping marks (a changed number inside a paraphrase) are drawn
 * by cutting the text at every mark boundary and giving each piece the classes
 * of all marks that cover it.
 */
(function (root) {
  "use strict";

  var CHANGE_KINDS = ["number", "date", "entity", "attribution", "hedge", "negation", "other"];
  var LEGEND = [
    ["m-verbatim", "verbatim passage", "same words in both"],
    ["m-paraphrase", "paraphrase", "same meaning, other words"],
    ["m-quote", "quote", "quoted speech found in both"],
    ["m-added", "added", "in the derived text only"],
    ["m-dropped", "dropped", "in the source only"],
    ["m-credit", "credited source", "who the text credits"],
    ["m-boiler", "boilerplate", "promotion / navigation, not scored"],
  ];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  /* Which text is the source: per verdict.direction, `a` when unknown (README: "The JSON of one comparison"). */
  function roles(c) {
    return c.verdict.direction === "b->a" ? { source: "b", derived: "a" } : { source: "a", derived: "b" };
  }

  /* Every mark on one side: {start, end, cls: [...], pair, title}. */
  function marksFor(c, side, texts) {
    var marks = [];
    var other = side === "a" ? "b" : "a";
    var r = roles(c);
    function add(span, cls, extra) {
      if (!span || span[1] <= span[0]) return;
      marks.push(Object.assign({ start: span[0], end: span[1], cls: cls }, extra || {}));
    }
    (c.passages || []).forEach(function (p, i) {
      var kind = p.kind || "verbatim";
      add(p[side], ["m-" + kind, "m-pair"], {
        pair: "p" + i,
        title: kind + " passage (" + Math.round((p.score || 0) * 100) + "%): click to see it in the other text",
      });
    });
    (c.quotes || []).forEach(function (q, i) {
      add(q[side], ["m-quote", q.altered ? "m-quote-altered" : ""], {
        pair: "q" + i,
        title: q.altered ? "quote, altered between the texts" : "quote, same in both texts",
      });
    });
    (c.changes || []).forEach(function (ch, i) {
      var mine = side === "a" ? ch.a_text : ch.b_text;
      var theirs = side === "a" ? ch.b_text : ch.a_text;
      add(ch[side], ["m-change", "k-" + ch.kind], {
        change: "c" + i,
        title: ch.kind + " changed: \u201c" + mine + "\u201d \u2192 \u201c" + theirs + "\u201d in the other text",
      });
    });
    if (side === r.derived) (c.added || []).forEach(function (s) { add(s, ["m-added"], { title: "added: no source in the other text" }); });
    if (side === r.source) (c.dropped || []).forEach(function (s) { add(s, ["m-dropped"], { title: "dropped: left out of the other text" }); });
    (c.attributions || []).forEach(function (t) {
      if (t.doc === side) add(t.span, ["m-credit"], { title: "credits: " + t.source });
    });
    (c.boilerplate || []).forEach(function (b) {
      if (b.doc === side) add(b.span, ["m-boiler"], { title: "boilerplate (kept out of the scores)" });
    });
    var unit = utf16Index(texts[side]);
    return marks.filter(function (m) { return m.start < unit.length; }).map(function (m) {
      m.start = unit.at(m.start);
      m.end = unit.at(Math.min(m.end, unit.length));
      return m;
    });
  }

  /* Code-point offset -> UTF-16 index in `text`, and the text's length in code
   * points. Without surrogate pairs the two counts agree and no table is built. */
  function utf16Index(text) {
    if (!/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text)) {
      return { length: text.length, at: function (i) { return i; } };
    }
    var starts = [];  // starts[k] = UTF-16 index of code point k
    for (var u = 0; u < text.length; u++) {
      starts.push(u);
      var hi = text.charCodeAt(u);
      if (hi >= 0xD800 && hi <= 0xDBFF && u + 1 < text.length) {
        var lo = text.charCodeAt(u + 1);
        if (lo >= 0xDC00 && lo <= 0xDFFF) u++;  // a pair is one code point
      }
    }
    starts.push(text.length);
    return { length: starts.length - 1, at: function (i) { return starts[i]; } };
  }

  /* The text of one side as a fragment of plain and marked pieces. */
  function markedText(text, marks) {
    var cuts = [0, text.length];
    marks.forEach(function (m) { cuts.push(m.start, m.end); });
    cuts = Array.from(new Set(cuts)).sort(function (x, y) { return x - y; });
    var frag = document.createDocumentFragment();
    var firstOfPair = {};
    for (var i = 0; i + 1 < cuts.length; i++) {
      var s = cuts[i], e = cuts[i + 1];
      var piece = text.slice(s, e);
      var on = marks.filter(function (m) { return m.start <= s && e <= m.end; });
      if (!on.length) { frag.appendChild(document.createTextNode(piece)); continue; }
      var cls = [], pairs = [], titles = [], changes = [];
      // the innermost passage first: a click on a verbatim run inside a paraphrase means the run
      on.sort(function (x, y) { return (x.end - x.start) - (y.end - y.start); });
      on.forEach(function (m) {
        m.cls.forEach(function (k) { if (k && cls.indexOf(k) < 0) cls.push(k); });
        if (m.pair) pairs.push(m.pair);
        if (m.change) changes.push(m.change);
        if (m.title && titles.indexOf(m.title) < 0) titles.push(m.title);
      });
      var span = el("span", { class: cls.join(" "), title: titles.join("\n"), text: piece });
      if (pairs.length) {
        span.setAttribute("data-pair", pairs.join(" "));
        if (!firstOfPair[pairs[0]]) {  // one tab stop per passage, not per piece
          firstOfPair[pairs[0]] = true;
          span.setAttribute("tabindex", "0");
          span.setAttribute("role", "button");
        }
      }
      if (changes.length) span.setAttribute("data-change", changes.join(" "));
      frag.appendChild(span);
    }
    return frag;
  }

  function legend() {
    var items = LEGEND.map(function (l) {
      return el("li", {}, [el("span", { class: "swatch " + l[0], text: l[1] }), el("span", { class: "legend-note", text: " " + l[2] })]);
    });
    var kinds = CHANGE_KINDS.map(function (k) {
      return el("li", {}, [el("span", { class: "swatch m-change k-" + k, text: k })]);
    });
    return el("section", { class: "legend", "aria-label": "legend" }, [
      el("h3", { text: "Legend" }),
      el("ul", { class: "legend-marks" }, items),
      el("h4", { text: "Changed facts, by kind" }),
      el("ul", { class: "legend-kinds" }, kinds),
    ]);
  }

  function pct(x) { return x == null ? "\u2013" : Math.round(x * 100) + "%"; }

  function summary(c, titles) {
    var r = roles(c);
    var name = function (side) { return titles[side] || c[side].id; };
    var dir = c.verdict.direction === "unknown" ? "direction unknown"
      : name(r.source) + " \u2192 " + name(r.derived);
    var credited = c.credited == null ? "credit unknown" : c.credited ? "credits its source" : "does not credit its source";
    var counts = {};
    (c.passages || []).forEach(function (p) { counts[p.kind] = (counts[p.kind] || 0) + 1; });
    return el("section", { class: "summary verdict-" + c.verdict.label, "aria-label": "verdict" }, [
      el("p", { class: "verdict" }, [
        el("strong", { text: c.verdict.label.charAt(0).toUpperCase() + c.verdict.label.slice(1) + " derived" }),
        el("span", { text: " \u00b7 score " + (c.verdict.score || 0).toFixed(2) + " \u00b7 " + dir }),
      ]),
      el("p", {
        class: "figures",
        text: (counts.verbatim || 0) + " verbatim, " + (counts.paraphrase || 0) + " paraphrased, " +
          (c.changes || []).filter(function (ch) { return ch.factual !== false; }).length +
          " changed facts \u00b7 reused: " + name("a") + " " + pct((c.coverage || {}).a) +
          ", " + name("b") + " " + pct((c.coverage || {}).b) + " \u00b7 " + name(r.derived) + " " + credited,
      }),
    ]);
  }

  function changeList(c, container) {
    if (!(c.changes || []).length) return null;
    var r = roles(c);
    var rows = c.changes.map(function (ch, i) {
      // read as the story travelled: the source's words, then the derived text's
      var was = r.source === "a" ? ch.a_text : ch.b_text, now = r.source === "a" ? ch.b_text : ch.a_text;
      var li = el("li", { class: "change-row", tabindex: "0", "data-change": "c" + i }, [
        el("span", { class: "badge m-change k-" + ch.kind, text: ch.kind }),
        el("span", { class: "was", text: " " + (was || "\u2205") }),
        el("span", { text: " \u2192 " }),
        el("span", { class: "now", text: now || "\u2205" }),
      ]);
      var go = function () {
        container.querySelectorAll('.pane [data-change~="c' + i + '"]').forEach(function (n, k) {
          flash(n);
          if (k === 0) n.scrollIntoView({ block: "center", behavior: "smooth" });
        });
      };
      li.addEventListener("click", go);
      li.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
      return li;
    });
    return el("section", { class: "changes", "aria-label": "changed facts" }, [
      el("h3", { text: "Changes (" + c.changes.filter(function (ch) { return ch.factual !== false; }).length +
        " of facts, " + c.changes.filter(function (ch) { return ch.factual === false; }).length +
        " of wording), source \u2192 derived" }),
      el("ol", {}, rows),
    ]);
  }

  function flash(node) {
    node.classList.add("is-flash");
    setTimeout(function () { node.classList.remove("is-flash"); }, 1500);
  }

  /* Click a passage: highlight it on both sides and bring its counterpart into view. */
  function wirePairs(container) {
    function activate(target) {
      var pair = (target.getAttribute("data-pair") || "").split(" ")[0];
      if (!pair) return;
      container.querySelectorAll(".is-active").forEach(function (n) { n.classList.remove("is-active"); });
      var here = target.closest(".pane");
      var counterpart = null;
      container.querySelectorAll('[data-pair~="' + pair + '"]').forEach(function (n) {
        n.classList.add("is-active");
        if (!counterpart && n.closest(".pane") !== here) counterpart = n;
      });
      if (counterpart) counterpart.scrollIntoView({ block: "center", behavior: "smooth" });
    }
    container.addEventListener("click", function (e) {
      var t = e.target.closest("[data-pair]");
      if (t && container.contains(t)) activate(t);
    });
    container.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      var t = e.target.closest("[data-pair]");
      if (t) { e.preventDefault(); activate(t); }
    });
  }

  function render(container, data) {
    var c = data.comparison, texts = data.texts, titles = data.titles || {};
    var r = roles(c);
    container.textContent = "";
    container.classList.add("ct-view");
    var panes = ["a", "b"].map(function (side) {
      var role = side === r.source ? "source" : "derived";
      if (c.verdict.direction === "unknown") role = side === "a" ? "taken as source" : "taken as derived";
      return el("article", { class: "pane pane-" + side, "aria-label": "text " + side }, [
        el("header", {}, [
          el("h2", { text: titles[side] || c[side].id }),
          el("span", { class: "role", text: role + " \u00b7 " + c[side].length.toLocaleString() + " characters" }),
        ]),
        el("div", { class: "text", "data-side": side }, [markedText(texts[side], marksFor(c, side, texts))]),
      ]);
    });
    container.appendChild(summary(c, titles));
    container.appendChild(legend());
    container.appendChild(el("div", { class: "sides" }, panes));
    var changes = changeList(c, container);
    if (changes) container.appendChild(changes);
    wirePairs(container);
    return container;
  }

  root.copytrace = { render: render, marksFor: marksFor, utf16Index: utf16Index };
})(window);
