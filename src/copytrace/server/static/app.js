/* The page: two views over the HTTP API; all drawing is done by render.js. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  function showTab(name) {
    ["compare", "archive", "clusters"].forEach(function (t) {
      $("tab-" + t).setAttribute("aria-selected", String(t === name));
      $("view-" + t).hidden = t !== name;
    });
  }
  $("tab-compare").addEventListener("click", function () { showTab("compare"); });
  $("tab-archive").addEventListener("click", function () { showTab("archive"); });
  $("tab-clusters").addEventListener("click", function () {
    showTab("clusters");
    if (!$("clusters").children.length) loadClusters();
  });

  async function call(url, options) {
    var response = await fetch(url, options);
    var body = await response.json().catch(function () { return {}; });
    if (!response.ok) throw new Error(body.detail || response.status + " " + response.statusText);
    return body;
  }

  function busy(button, status, text) {
    button.disabled = !!text;
    status.className = "status";
    status.textContent = text || "";
  }

  function done(button, status, text) {
    button.disabled = false;
    status.className = "status";
    status.textContent = text || "";
  }

  function fail(button, status, err) {
    button.disabled = false;
    status.className = "error";
    status.textContent = err.message;
  }

  /* Uploaded files go to the server as they are (it detects encodings and extracts
     HTML), so the offsets refer to the texts it returns, which are what we draw. */
  $("compare-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var button = $("compare-button"), status = $("compare-status");
    var fa = $("file-a").files[0], fb = $("file-b").files[0];
    var paraphrase = $("paraphrase").checked;
    var options;
    if (fa || fb) {
      var form = new FormData();
      form.append("a", fa || new Blob([$("text-a").value], { type: "text/plain" }), fa ? fa.name : "a.txt");
      form.append("b", fb || new Blob([$("text-b").value], { type: "text/plain" }), fb ? fb.name : "b.txt");
      form.append("paraphrase", String(paraphrase));
      options = { method: "POST", body: form };
    } else {
      options = {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ a: $("text-a").value, b: $("text-b").value, paraphrase: paraphrase }),
      };
    }
    busy(button, status, "Comparing\u2026");
    try {
      var c = await call("/compare?include_text=true", options);
      done(button, status, "");
      copytrace.render($("result"), {
        comparison: c,
        texts: c.texts,
        titles: { a: fa ? fa.name : "Article A", b: fb ? fb.name : "Article B" },
      });
      $("result").scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (err) {
      fail(button, status, err);
    }
  });

  $("query-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var button = $("query-button"), status = $("query-status");
    var text = $("query-text").value;
    busy(button, status, "Searching\u2026");
    $("matches").textContent = "";
    $("match-view").textContent = "";
    try {
      var found = await call("/query", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: text }),
      });
      done(button, status, found.matches.length ? found.matches.length + " matching articles" : "No article in the archive shares text with this one.");
      found.matches.forEach(function (m) {
        var open = document.createElement("button");
        open.className = "secondary";
        open.textContent = "Side by side";
        open.addEventListener("click", function () {
          copytrace.render($("match-view"), {
            comparison: m.comparison,
            texts: { a: text, b: m.text },
            titles: { a: "Your article", b: m.title || m.id },
          });
          $("match-view").scrollIntoView({ behavior: "smooth", block: "start" });
        });
        var li = document.createElement("li");
        var head = document.createElement("div");
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = m.label.charAt(0).toUpperCase() + m.label.slice(1) + " derived";
        head.appendChild(label);
        head.appendChild(document.createTextNode(
          " \u00b7 score " + m.score.toFixed(2) + " \u00b7 " + (m.title || m.id) +
          (m.outlet ? " (" + m.outlet + ")" : "") + (m.published_at ? ", " + m.published_at.slice(0, 10) : "")));
        li.appendChild(head);
        li.appendChild(open);
        $("matches").appendChild(li);
      });
    } catch (err) {
      fail(button, status, err);
    }
  });

  /* The cluster browser: a page of clusters at a time; a member opens beside its root. */
  var PAGE = 25;

  function describe(m) {
    return (m.title || m.id) + (m.outlet ? " (" + m.outlet + ")" : "") +
      (m.published_at ? ", " + m.published_at.slice(0, 10) : "");
  }

  async function openPair(root, member, status) {
    status.className = "status";
    status.textContent = "Comparing\u2026";
    try {
      var docs = await Promise.all([root, member].map(function (id) {
        return call("/documents/" + encodeURIComponent(id));
      }));
      var c = await call("/compare?include_text=true", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          a: docs[0].text, a_id: docs[0].id, a_meta: { outlet: docs[0].outlet, published_at: docs[0].published_at },
          b: docs[1].text, b_id: docs[1].id, b_meta: { outlet: docs[1].outlet, published_at: docs[1].published_at },
        }),
      });
      status.textContent = "";
      copytrace.render($("cluster-view"), {
        comparison: c,
        texts: c.texts,
        titles: { a: describe(docs[0]), b: describe(docs[1]) },
      });
      $("cluster-view").scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (err) {
      status.className = "error";
      status.textContent = err.message;
    }
  }

  /* A cluster's story map (storymap.js draws it): an arrow opens its pair, a bundle can be expanded. */
  async function showStory(id, target, status, options) {
    status.className = "status";
    status.textContent = "Drawing the story map\u2026";
    var query = [];
    if (options.bundle === false) query.push("bundle=false");
    (options.expand || []).forEach(function (b) { query.push("expand=" + encodeURIComponent(b)); });
    try {
      var map = await call("/clusters/" + id + (query.length ? "?" + query.join("&") : ""));
      status.textContent = "";
      copytrace.storyMap(target, map, {
        openPair: function (source, derived) { openPair(source, derived, status); },
        expand: function (bundle) {
          showStory(id, target, status, { expand: (options.expand || []).concat([bundle]) });
        },
        expandAll: function () { showStory(id, target, status, { bundle: false }); },
      });
    } catch (err) {
      status.className = "error";
      status.textContent = err.message;
    }
  }

  async function loadClusters() {
    var status = $("clusters-status"), more = $("clusters-more");
    var offset = $("clusters").children.length;
    busy(more, status, "Finding clusters\u2026");
    try {
      var found = await call("/clusters?limit=" + PAGE + "&offset=" + offset);
      done(more, status, found.total ? found.total + " clusters" : "No two archived articles are near copies.");
      more.hidden = offset + found.clusters.length >= found.total;
      found.clusters.forEach(function (c) {
        var li = document.createElement("li");
        var head = document.createElement("div");
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = c.size + " articles";
        var root = c.members.filter(function (m) { return m.id === c.root; })[0];
        head.appendChild(label);
        head.appendChild(document.createTextNode(" \u00b7 root: " + describe(root) + " "));
        var mapButton = document.createElement("button");
        mapButton.className = "secondary story-button";
        mapButton.type = "button";
        mapButton.textContent = "Story map";
        var story = document.createElement("div");
        mapButton.addEventListener("click", function () { showStory(c.cluster, story, status, {}); });
        head.appendChild(mapButton);
        li.appendChild(head);
        li.appendChild(story);
        var list = document.createElement("ul");
        list.className = "members";
        c.members.forEach(function (m) {
          if (m.id === c.root) return;
          var item = document.createElement("li");
          var open = document.createElement("button");
          open.className = "secondary";
          open.textContent = "Beside the root";
          open.addEventListener("click", function () { openPair(c.root, m.id, status); });
          item.appendChild(document.createTextNode(describe(m) + " "));
          item.appendChild(open);
          list.appendChild(item);
        });
        li.appendChild(list);
        $("clusters").appendChild(li);
      });
    } catch (err) {
      fail(more, status, err);
    }
  }
  $("clusters-more").addEventListener("click", loadClusters);
})();
