/* The story map of one cluster, drawn as SVG from the JSON of GET /clusters/{id}.
 *
 *   copytrace.storyMap(container, map, {openPair: fn(source, derived), expand: fn(bundleId), expandAll: fn()})
 *
 * All layout (lanes, x positions, arrow paths, bundles) is computed by
 * copytrace/render/story_map.py, which also draws the scan report's maps, so
 * this file only turns the JSON into elements and wires clicks and hovers:
 * an arrow opens its pair side by side, a node shows its article and edges,
 * hovering shows score and share reused. Returns {ms}: the drawing time.
 */
(function (root) {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = { yes: "#009e73", no: "#d55e00", unknown: "#8a8a8a" };  // same as story_map.COLOURS
  var DASHES = { wholly: "", partially: "7 4" };  // anything else: dotted
  var RADIUS = 7, BUNDLE_RADIUS = 10, LANE = 46, TOP = 46;

  function credit(c) { return c === true ? "yes" : c === false ? "no" : "unknown"; }
  function creditWords(c) { return c === true ? "credits its source" : c === false ? "no credit" : "credit unknown"; }
  function pct(x) { return x == null ? "unknown" : Math.round(x * 100) + "%"; }
  function when(t) { return t ? t.replace("T", " ").slice(0, 16) : "time unknown"; }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function edgeText(e, nodes) {
    var name = function (id) { var n = nodes[id]; return n ? (n.title || n.id) : id; };
    var who = name(e.source_node) + " \u2192 " + name(e.derived_node);
    if (e.count > 1) who += " (" + e.count + " copies, " + (e.credited_count || 0) + " credit the source)";
    return who + "\n" + e.label + " derived \u00b7 score " + e.score.toFixed(2) + " \u00b7 " +
      pct(e.reused) + " of the copy reused \u00b7 " + creditWords(e.credited) +
      (e.directed ? "" : " \u00b7 direction unknown");
  }

  function legend() {
    var p = el("p", "sm-legend");
    [["sm-key-solid", "wholly derived"], ["sm-key-dashed", "partially derived"], ["sm-key-dotted", "not compared"]]
      .forEach(function (k) { var s = el("span", k[0], k[1]); p.appendChild(s); });
    [["yes", "credits its source"], ["no", "no credit"], ["unknown", "credit unknown"]].forEach(function (k) {
      var s = el("span", "sm-key-colour", "\u25a0 " + k[1]);
      s.style.color = COLOURS[k[0]];
      p.appendChild(s);
    });
    p.appendChild(el("span", "", "\u25c9 root \u00b7 a number: near-identical copies bundled \u00b7 arrow width: score"));
    return p;
  }

  function draw(container, map, handlers) {
    var start = performance.now();
    handlers = handlers || {};
    container.textContent = "";
    container.classList.add("story");
    var byId = {};
    map.nodes.forEach(function (n) { byId[n.id] = n; });

    var head = el("p", "sm-caption",
      map.size + " articles" + (map.bundles ? ", " + map.bundles + " bundles of near-identical copies" : "") +
      ". " + (map.note || "Left to right: publication order.") + " Lanes: outlets." +
      (map.other_links ? " " + map.other_links + " further links between these articles are not drawn." : ""));
    if (map.order === "provenance") head.classList.add("sm-note");
    container.appendChild(head);
    if (map.bundles && handlers.expandAll) {
      var all = el("button", "secondary sm-expand-all", "Expand all bundles");
      all.type = "button";
      all.addEventListener("click", handlers.expandAll);
      container.appendChild(all);
    }
    container.appendChild(legend());

    var svg = svgEl("svg", { width: map.width, height: map.height, viewBox: "0 0 " + map.width + " " + map.height,
      class: "story-map", role: "img", "aria-label": "story map: " + map.size + " articles" });
    var defs = svgEl("defs", {});
    var uid = "sm" + Math.random().toString(36).slice(2, 8);
    Object.keys(COLOURS).forEach(function (k) {
      var m = svgEl("marker", { id: uid + "-" + k, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9,
        markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto" });
      m.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: COLOURS[k] }));
      defs.appendChild(m);
    });
    svg.appendChild(defs);
    map.lanes.forEach(function (lane, k) {
      svg.appendChild(svgEl("rect", { x: 0, y: lane.y - LANE / 2, width: map.width, height: LANE,
        class: "sm-lane-band" + (k % 2 ? "" : " sm-odd") }));
      var label = svgEl("text", { x: 8, y: lane.y + 4, class: "sm-lane" });
      label.textContent = (lane.outlet.length > 22 ? lane.outlet.slice(0, 21) + "\u2026" : lane.outlet) + " (" + lane.count + ")";
      svg.appendChild(label);
    });
    map.ticks.forEach(function (t) {
      var tick = svgEl("text", { x: t.x, y: TOP - 6, class: "sm-tick", "text-anchor": "middle" });
      tick.textContent = t.label;
      svg.appendChild(tick);
    });
    var edges = svgEl("g", { class: "sm-edges" });
    map.edges.forEach(function (e, i) {
      var g = svgEl("g", { class: "sm-edge", "data-edge": i, "data-source": e.source, "data-derived": e.derived,
        tabindex: 0, role: "button" });
      var attrs = { d: e.path, class: "sm-line", fill: "none", stroke: COLOURS[credit(e.credited)],
        "stroke-width": (1 + 4 * e.score).toFixed(1) };
      var dash = e.label in DASHES ? DASHES[e.label] : "2 3";
      if (dash) attrs["stroke-dasharray"] = dash;
      if (e.directed) attrs["marker-end"] = "url(#" + uid + "-" + credit(e.credited) + ")";
      g.appendChild(svgEl("path", attrs));
      g.appendChild(svgEl("path", { d: e.path, class: "sm-hit", fill: "none", stroke: "transparent", "stroke-width": 10 }));
      edges.appendChild(g);
    });
    svg.appendChild(edges);
    var nodes = svgEl("g", { class: "sm-nodes" });
    map.nodes.forEach(function (n, i) {
      var r = n.count > 1 ? BUNDLE_RADIUS : RADIUS;
      var g = svgEl("g", { class: "sm-article" + (n.root ? " is-root" : "") + (n.count > 1 ? " is-bundle" : ""),
        "data-node": i, "data-id": n.id, "data-lane": n.lane, tabindex: 0, role: "button" });
      if (n.root) g.appendChild(svgEl("circle", { cx: n.x, cy: n.y, r: r + 4, class: "sm-ring" }));
      g.appendChild(svgEl("circle", { cx: n.x, cy: n.y, r: r, class: "sm-node" }));
      if (n.count > 1) {
        var c = svgEl("text", { x: n.x, y: n.y + 3.5, class: "sm-count", "text-anchor": "middle" });
        c.textContent = n.count;
        g.appendChild(c);
      }
      nodes.appendChild(g);
    });
    svg.appendChild(nodes);
    var scroller = el("div", "sm-scroll");
    scroller.appendChild(svg);
    container.appendChild(scroller);
    var tip = el("div", "sm-tip");
    tip.hidden = true;
    container.appendChild(tip);
    var info = el("div", "sm-info");
    info.hidden = true;
    container.appendChild(info);

    function nodeText(n) {
      if (n.count > 1) return n.count + " near-identical copies (" + n.outlet + "), from " + when(n.published_at);
      return (n.title || n.id) + "\n" + n.outlet + " \u00b7 " + when(n.published_at) + (n.root ? " \u00b7 root" : "");
    }

    function showTip(text, event) {
      tip.textContent = text;
      tip.hidden = false;
      var box = container.getBoundingClientRect();
      tip.style.left = (event.clientX - box.left + 14) + "px";
      tip.style.top = (event.clientY - box.top + 14) + "px";
    }

    function pairButton(e, text) {
      var b = el("button", "secondary sm-open", text);
      b.type = "button";
      b.addEventListener("click", function () { if (handlers.openPair) handlers.openPair(e.source, e.derived); });
      return b;
    }

    function edgeLine(e, dir) {
      var li = el("li", "");
      var other = byId[dir === "in" ? e.source_node : e.derived_node];
      li.appendChild(document.createTextNode((dir === "in" ? "from " : "to ") + (other ? (other.title || other.id) + " (" +
        other.outlet + ")" : "?") + ": " + e.label + ", score " + e.score.toFixed(2) + ", " + pct(e.reused) +
        " reused, " + creditWords(e.credited) + " "));
      li.appendChild(pairButton(e, "Side by side"));
      return li;
    }

    function showNode(n) {
      info.textContent = "";
      info.hidden = false;
      info.appendChild(el("h4", "sm-info-title", n.count > 1 ? n.count + " near-identical copies" : (n.title || n.id)));
      info.appendChild(el("p", "sm-info-meta", n.outlet + " \u00b7 " + when(n.published_at) +
        (n.count > 1 ? "" : " \u00b7 id " + n.id) + (n.root ? " \u00b7 the root (likely origin)" : "")));
      var ins = map.edges.filter(function (e) { return e.derived_node === n.id; });
      var outs = map.edges.filter(function (e) { return e.source_node === n.id; });
      info.appendChild(el("p", "", "Reuses (" + ins.length + "):"));
      var ul = el("ul", "sm-in");
      ins.forEach(function (e) { ul.appendChild(edgeLine(e, "in")); });
      info.appendChild(ul);
      info.appendChild(el("p", "", "Reused by (" + outs.length + "):"));
      var ol = el("ul", "sm-out");
      outs.forEach(function (e) { ol.appendChild(edgeLine(e, "out")); });
      info.appendChild(ol);
      if (n.count > 1) {
        var members = el("ul", "sm-members");
        n.members.forEach(function (m) {
          members.appendChild(el("li", "", (m.title || m.id) + " (" + m.outlet + ", " + when(m.published_at) + ")"));
        });
        info.appendChild(members);
        if (handlers.expand) {
          var b = el("button", "secondary sm-expand", "Expand this bundle");
          b.type = "button";
          b.addEventListener("click", function () { handlers.expand(n.id); });
          info.appendChild(b);
        }
      }
    }

    function target(event) {
      var t = event.target.closest ? event.target.closest("[data-edge],[data-node]") : null;
      return t && svg.contains(t) ? t : null;
    }
    function activate(t) {
      if (t.hasAttribute("data-edge")) {
        var e = map.edges[+t.getAttribute("data-edge")];
        if (handlers.openPair) handlers.openPair(e.source, e.derived);
      } else {
        svg.querySelectorAll(".is-selected").forEach(function (x) { x.classList.remove("is-selected"); });
        t.classList.add("is-selected");
        showNode(map.nodes[+t.getAttribute("data-node")]);
      }
    }
    svg.addEventListener("click", function (event) { var t = target(event); if (t) activate(t); });
    svg.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      var t = target(event);
      if (t) { event.preventDefault(); activate(t); }
    });
    svg.addEventListener("mouseover", function (event) {
      var t = target(event);
      if (!t) { tip.hidden = true; return; }
      showTip(t.hasAttribute("data-edge") ? edgeText(map.edges[+t.getAttribute("data-edge")], byId)
        : nodeText(map.nodes[+t.getAttribute("data-node")]), event);
    });
    svg.addEventListener("mouseleave", function () { tip.hidden = true; });
    var ms = performance.now() - start;
    container.setAttribute("data-draw-ms", ms.toFixed(1));
    return { ms: ms };
  }

  root.copytrace = Object.assign(root.copytrace || {}, { storyMap: draw });
})(window);
