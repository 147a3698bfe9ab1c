// piflow map: the page's behaviour. Written for this page, no library. Every inventory text is
// put in the page with textContent, never as markup.
"use strict";
(function () {
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    document.body.setAttribute("data-errors", String(errors));
  });
  var D = JSON.parse(document.getElementById("map-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function svgEl(id) { return id ? document.getElementById(id) : null; }

  // Indices: inventory node id -> drawn node; target id -> findings.
  var nodeOf = {};
  D.nodes.forEach(function (n, i) { n.members.forEach(function (m) { nodeOf[m.id] = i; }); });
  var findingsOf = {};
  D.findings.forEach(function (f, i) { (findingsOf[f.target] = findingsOf[f.target] || []).push(i); });
  var codes = {};
  D.findings.forEach(function (f) { if (!f.waived) codes[f.code] = true; });

  function fieldNames(list) { return list.map(function (f) { return D.fields[f].name; }).join(", "); }
  function basisText(b) {
    return Object.keys(b).map(function (r) { return r + ": " + b[r]; }).join("; ") || "—";
  }
  function row(dl, term, value) {
    if (value === undefined || value === null || value === "") return;
    dl.appendChild(el("dt", term));
    dl.appendChild(el("dd", value));
  }
  function findingList(ids, into) {
    if (!ids.length) return;
    var ul = el("ul", null, "findings");
    ids.forEach(function (i) {
      var f = D.findings[i];
      var li = el("li", null, f.waived ? "waived" : f.severity);
      li.appendChild(el("b", f.code + " (" + f.severity + (f.waived ? ", waived" : "") + ")"));
      li.appendChild(el("span", " " + f.message + (f.law ? " — " + f.law : "")));
      ul.appendChild(li);
    });
    into.appendChild(ul);
  }
  function flowBlock(fi) {
    var f = D.flows[fi];
    var box = el("section", null, "flow");
    box.appendChild(el("h3", f.fromName + " → " + f.toName));
    var dl = el("dl");
    row(dl, "flow 数据流", f.id + (f.sdk ? " (SDK " + f.sdk + ")" : ""));
    row(dl, "kind 类型", f.kind);
    row(dl, "purpose 目的", D.purposes[f.purpose].name);
    row(dl, "retention 保存期限", D.purposes[f.purpose].retention);
    row(dl, "fields 字段", fieldNames(f.fields));
    row(dl, "basis 合法性基础", basisText(f.bases));
    row(dl, "consents 同意", f.consents.join(", ") || "—");
    row(dl, "mechanism 出境机制", f.mechanism || (f.crossBorder ? "none 无" : ""));
    row(dl, "countries 国家", f.countries.join(" → ") + (f.crossBorder ? " (cross-border 跨境)" : ""));
    box.appendChild(dl);
    findingList(f.findings, box);
    return box;
  }
  function show(title, sub, build) {
    var d = $("details");
    d.textContent = "";
    d.appendChild(el("h2", title));
    if (sub) d.appendChild(el("p", sub, "sub"));
    build(d);
  }
  function showNode(i) {
    var n = D.nodes[i];
    var sub = n.members.length === 1
      ? [n.members[0].kind + (n.members[0].role ? " · " + n.members[0].role : ""), n.members[0].countries.join(", "), "id " + n.members[0].id].join(" · ")
      : n.members.length + " members (collapsed 已合并)";
    show(n.name, sub, function (d) {
      if (n.members.length > 1) {
        var ul = el("ul", null, "members");
        n.members.forEach(function (m) { ul.appendChild(el("li", m.name + " (" + m.id + ", " + m.countries.join(", ") + ")")); });
        d.appendChild(ul);
      }
      n.members.forEach(function (m) { findingList(findingsOf[m.id] || [], d); });
      var flows = [];
      D.flows.forEach(function (f, fi) { if (nodeOf[f.from] === i || nodeOf[f.to] === i) flows.push(fi); });
      d.appendChild(el("p", flows.length + " flows 条数据流", "sub"));
      flows.slice(0, 300).forEach(function (fi) { d.appendChild(flowBlock(fi)); });
      if (flows.length > 300) d.appendChild(el("p", "+" + (flows.length - 300) + " more", "sub"));
    });
    highlight(function (f) { return nodeOf[f.from] === i || nodeOf[f.to] === i; });
  }
  function showEdge(k) {
    var e = D.edges[k];
    show(D.nodes[e.from].name + " → " + D.nodes[e.to].name, e.flows.length + " flows 条数据流", function (d) {
      e.flows.slice(0, 300).forEach(function (fi) { d.appendChild(flowBlock(fi)); });
    });
    var set = {};
    e.flows.forEach(function (fi) { set[fi] = true; });
    highlight(function (f, fi) { return set[fi]; });
  }
  function showField(fid) {
    var f = D.fields[fid];
    $("f-field").value = String(fid);
    apply();
    show(f.name, f.category + (f.sensitive ? " · sensitive 敏感" : "") + " · id " + f.id, function (d) {
      findingList(findingsOf[f.id] || [], d);
      var hops = [];
      D.flows.forEach(function (fl, fi) { if (fl.fields.indexOf(fid) >= 0) hops.push(fi); });
      d.appendChild(el("p", "trace 流向: " + hops.length + " flows", "sub"));
      hops.slice(0, 300).forEach(function (fi) { d.appendChild(flowBlock(fi)); });
    });
  }

  // Highlighting: the drawn edges of matching flows and their ends; everything else dimmed.
  function highlight(match) {
    var edges = {}, nodes = {}, count = 0, any = false;
    D.flows.forEach(function (f, fi) {
      if (!match(f, fi)) return;
      count += 1;
      any = true;
      if (f.edge !== null) edges[f.edge] = true;
      nodes[nodeOf[f.from]] = true;
      nodes[nodeOf[f.to]] = true;
    });
    D.edges.forEach(function (e, k) {
      var g = svgEl(e.svg);
      if (g) g.setAttribute("class", "edge" + (edges[k] ? " on" : " dim"));
    });
    D.nodes.forEach(function (n, i) {
      var g = svgEl(n.svg);
      if (g) g.setAttribute("class", "node" + (nodes[i] ? " on" : " dim"));
    });
    $("status").textContent = any ? count + " of " + D.flows.length + " flows" : "no flow matches 无匹配";
  }
  function clearHighlight() {
    D.edges.forEach(function (e) { var g = svgEl(e.svg); if (g) g.setAttribute("class", "edge"); });
    D.nodes.forEach(function (n) { var g = svgEl(n.svg); if (g) g.setAttribute("class", "node"); });
    $("status").textContent = D.flows.length + " flows · " + D.nodes.length + " nodes" + (D.collapsed ? " (collapsed 已合并)" : "");
  }

  // Filters: a flow shows when it matches every chosen one.
  function apply() {
    var field = $("f-field").value, node = $("f-party").value, country = $("f-country").value, code = $("f-finding").value;
    if (!field && !node && !country && !code) { clearHighlight(); return; }
    highlight(function (f) {
      if (field && f.fields.indexOf(Number(field)) < 0) return false;
      if (node && f.from !== node && f.to !== node) return false;
      if (country && f.countries.indexOf(country) < 0) return false;
      if (code && !f.findings.some(function (i) { return D.findings[i].code === code && !D.findings[i].waived; })) return false;
      return true;
    });
  }
  function options(select, items) {
    items.forEach(function (it) {
      var o = el("option", it[1]);
      o.value = it[0];
      select.appendChild(o);
    });
  }
  options($("f-field"), D.fields.map(function (f, i) { return [String(i), f.name + " (" + f.id + ")"]; }));
  var members = [];
  D.nodes.forEach(function (n) { n.members.forEach(function (m) { members.push([m.id, m.name + " (" + m.id + ")"]); }); });
  members.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
  options($("f-party"), members);
  var countries = {};
  D.flows.forEach(function (f) { f.countries.forEach(function (c) { countries[c] = true; }); });
  options($("f-country"), Object.keys(countries).sort().map(function (c) { return [c, c]; }));
  options($("f-finding"), Object.keys(codes).sort().map(function (c) { return [c, c]; }));
  ["f-field", "f-party", "f-country", "f-finding"].forEach(function (id) { $(id).addEventListener("change", apply); });
  $("clear").addEventListener("click", function () {
    ["f-field", "f-party", "f-country", "f-finding"].forEach(function (id) { $(id).value = ""; });
    $("search").value = "";
    $("results").textContent = "";
    clearHighlight();
  });

  // Search: names and ids of nodes, fields, purposes and flows.
  function search(q) {
    var ul = $("results");
    ul.textContent = "";
    q = q.trim().toLowerCase();
    if (!q) return;
    var hits = [];
    var has = function (s) { return s && String(s).toLowerCase().indexOf(q) >= 0; };
    D.nodes.forEach(function (n, i) {
      if (n.members.length === 1) {
        if (has(n.name) || has(n.members[0].id)) hits.push(["node", i, n.name]);
        return;
      }
      // A member of a collapsed group: found by its own name, shown with its group.
      n.members.forEach(function (m) {
        if (has(m.name) || has(m.id)) hits.push(["node", i, m.name + " — in " + n.name]);
      });
    });
    D.fields.forEach(function (f, i) { if (has(f.name) || has(f.id)) hits.push(["field", i, f.name]); });
    D.flows.forEach(function (f, i) { if (has(f.id)) hits.push(["flow", i, f.id + ": " + f.fromName + " → " + f.toName]); });
    hits.slice(0, 50).forEach(function (h) {
      var li = el("li", h[2], "hit");
      li.setAttribute("data-kind", h[0]);
      li.appendChild(el("small", " " + h[0]));
      li.addEventListener("click", function () {
        if (h[0] === "node") showNode(h[1]);
        else if (h[0] === "field") showField(h[1]);
        else {
          var f = D.flows[h[1]];
          show(f.fromName + " → " + f.toName, "flow " + f.id, function (d) { d.appendChild(flowBlock(h[1])); });
          highlight(function (x, fi) { return fi === h[1]; });
        }
      });
      ul.appendChild(li);
    });
    if (!hits.length) ul.appendChild(el("li", "nothing found 未找到", "none"));
    return hits.length;
  }
  $("search").addEventListener("input", function () { search($("search").value); });

  // Clicks on the drawing.
  var bySvg = {};
  D.nodes.forEach(function (n, i) { bySvg[n.svg] = ["node", i]; });
  D.edges.forEach(function (e, k) { bySvg[e.svg] = ["edge", k]; });
  $("canvas").addEventListener("click", function (ev) {
    var t = ev.target;
    while (t && t !== this) {
      var hit = t.id && bySvg[t.id];
      if (hit) {
        if (hit[0] === "node") showNode(hit[1]); else showEdge(hit[1]);
        return;
      }
      t = t.parentNode;
    }
  });

  // Zoom: the drawing starts fitted to the window's width; + and − scale it from there.
  var svg = $("canvas").querySelector("svg");
  var zoom = 0;
  function setZoom(z) {
    zoom = z;
    if (!svg) return;
    if (z === 0) { svg.style.width = "100%"; return; }
    var base = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal.width : 1000;
    svg.style.width = Math.round(base * z) + "px";
  }
  function current() {
    if (zoom) return zoom;
    var base = svg && svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
    return base ? $("canvas").clientWidth / base : 1;
  }
  $("zoom-in").addEventListener("click", function () { setZoom(current() * 1.25); });
  $("zoom-out").addEventListener("click", function () { setZoom(current() / 1.25); });
  $("zoom-fit").addEventListener("click", function () { setZoom(0); });
  setZoom(0);

  // `#q=text` searches, `#field=id` traces a field: a link can open the map on a question.
  var hash = decodeURIComponent(location.hash.replace(/^#/, ""));
  clearHighlight();
  if (hash.indexOf("q=") === 0) {
    $("search").value = hash.slice(2);
    search(hash.slice(2));
  } else if (hash.indexOf("field=") === 0) {
    var id = hash.slice(6);
    D.fields.forEach(function (f, i) { if (f.id === id) showField(i); });
  }
  var loaded = performance.getEntriesByType ? performance.getEntriesByType("resource").length : 0;
  document.body.setAttribute("data-resources", String(loaded));
  document.body.setAttribute("data-errors", String(errors));
  document.body.setAttribute("data-ready", "1");
})();
