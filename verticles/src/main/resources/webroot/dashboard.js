"use strict";

(() => {
  const POLL_MS = 3000;
  const KEY_STORE = "kerec.apiKey";
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  const apiKey = () => sessionStorage.getItem(KEY_STORE) || "";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function api(path) {
    const headers = { Accept: "application/json" };
    if (apiKey()) headers["X-API-Key"] = apiKey();
    const response = await fetch(path, { headers });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401 || response.status === 403) {
      throw new Error((body.error || "not allowed") + " — enter an API key above");
    }
    return { status: response.status, body };
  }

  const num = (x, digits = 3) => (typeof x === "number" ? x.toFixed(digits).replace(/\.?0+$/, "") || "0" : "—");

  /* API key */

  function showKeyState() {
    $("key-state").textContent = apiKey() ? "key set for this tab" : "no key";
  }
  $("api-key").value = apiKey();
  showKeyState();
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("api-key").value.trim();
    if (value) sessionStorage.setItem(KEY_STORE, value);
    else sessionStorage.removeItem(KEY_STORE);
    showKeyState();
    pollStatus();
  });

  /* Live recommendations */

  let socket = null;
  let frames = 0;
  let previous = null;

  function setConn(state) {
    $("conn-state").textContent = state;
    $("conn-state").dataset.state = state;
    $("unwatch").disabled = state !== "open" && state !== "connecting";
  }

  function liveUrl(userId) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let url = `${scheme}//${location.host}/v1/live?userId=${encodeURIComponent(userId)}`;
    if (apiKey()) url += `&access_token=${encodeURIComponent(apiKey())}`;
    return url;
  }

  function watch(userId) {
    if (socket) socket.close();
    frames = 0;
    previous = null;
    $("frame-count").textContent = "0";
    $("last-update").textContent = "never";
    $("recs").replaceChildren();
    $("changes").textContent = `watching ${userId}…`;
    setConn("connecting");
    const ws = new WebSocket(liveUrl(userId));
    socket = ws;
    ws.onopen = () => socket === ws && setConn("open");
    ws.onerror = () => socket === ws && setConn("error");
    ws.onclose = (e) => {
      if (socket !== ws) return;
      setConn("closed");
      if (frames === 0) {
        $("changes").textContent = "the live feed closed before any frame"
          + (apiKey() ? "" : " (does the API need a key?)");
      }
    };
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "recommendations") render(frame);
    };
  }

  const RELATION = {
    complement: "complements", "also-bought": "bought with", "similar-customers": "customers also bought",
    "similar-title": "similar title", "same-entity": "same need",
  };

  function becausePath(b, channel) {
    const link = (entity) => {
      const a = el("a", { "data-entity": entity }, entity);
      a.addEventListener("click", () => exploreEntity(entity));
      return a;
    };
    return el("span", { class: "because" },
      "because: bought ", el("b", {}, b.triggerItemId), " (", link(b.triggerEntity), `) → ${RELATION[channel] || "complements"} → `,
      link(b.entity), ` · edge ${num(b.edgeWeight)}`);
  }

  function render(frame) {
    frames += 1;
    const before = new Map((previous ? previous.items : []).map((it, i) => [it.itemId, i]));
    const now = new Set(frame.items.map((it) => it.itemId));
    const added = [];
    const list = frame.items.map((it, i) => {
      const li = el("li", { "data-item-id": it.itemId, "data-channel": it.channel || "" });
      const title = el("span", { class: "title" }, it.title || it.itemId, el("span", { class: "item-id" }, it.itemId));
      title.append(el("span", { class: "badge channel" }, it.channel || "?"));
      if (previous && !before.has(it.itemId)) {
        li.classList.add("new");
        title.append(el("span", { class: "tag" }, "new"));
        added.push(it.itemId);
      } else if (previous && before.get(it.itemId) !== i) {
        const delta = before.get(it.itemId) - i;
        li.classList.add("moved");
        title.append(el("span", { class: "tag rank-change" }, delta > 0 ? `▲${delta}` : `▼${-delta}`));
      }
      li.append(title, el("span", { class: "score" }, num(it.score, 4)));
      li.append(it.because ? becausePath(it.because, it.channel) : el("span", { class: "because" }, "popular"));
      return li;
    });
    $("recs").replaceChildren(...list);
    const removed = previous ? previous.items.map((it) => it.itemId).filter((id) => !now.has(id)) : [];
    $("frame-count").textContent = String(frames);
    $("last-update").textContent = new Date().toLocaleTimeString();
    $("fallback-flag").hidden = !frame.fallback;
    $("changes").textContent = !previous
      ? `first frame for ${frame.userId}: ${frame.items.length} items`
      : `changed: ${added.length} new${added.length ? " (" + added.join(", ") + ")" : ""}, `
        + `${removed.length} gone${removed.length ? " (" + removed.join(", ") + ")" : ""}`;
    previous = frame;
  }

  $("watch-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const userId = $("user-id").value.trim();
    if (userId) watch(userId);
  });
  $("unwatch").addEventListener("click", () => socket && socket.close());

  /* Entity explorer */

  function drawGraph(entity, complements) {
    const g = $("graph");
    g.replaceChildren();
    const n = complements.length;
    const radius = n <= 1 ? 130 : 160;
    const maxWeight = Math.max(1e-9, ...complements.map((c) => c.weight));
    const nodes = complements.map((c, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
      return { c, x: radius * Math.cos(angle) * 1.3, y: radius * Math.sin(angle) };
    });
    nodes.forEach(({ c, x, y }) => {
      g.append(svg("line", {
        class: "edge", x1: 0, y1: 0, x2: x, y2: y, "data-entity": c.entity,
        "stroke-width": (1 + 7 * (c.weight / maxWeight)).toFixed(2),
      }));
      g.append(svg("text", { class: "weight", x: x * 0.5, y: y * 0.5 - 4, "text-anchor": "middle" }, num(c.weight)));
    });
    nodes.forEach(({ c, x, y }) => {
      const node = svg("g", { class: "node neighbour", "data-entity": c.entity, transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` });
      node.append(svg("title", {}, `${c.entity}: weight ${num(c.weight)}, confidence ${num(c.confidence)}, ${c.source}`
        + (c.reason ? ` (${c.reason})` : "")));
      node.append(svg("circle", { r: 8 + 8 * (c.weight / maxWeight) }));
      node.append(svg("text", { y: -20, "text-anchor": "middle" }, c.entity));
      node.addEventListener("click", () => exploreEntity(c.entity));
      g.append(node);
    });
    const center = svg("g", { class: "node center", "data-entity": entity });
    center.append(svg("circle", { r: 20 }));
    center.append(svg("text", { y: 36, "text-anchor": "middle" }, entity));
    g.append(center);
  }

  async function exploreEntity(entity) {
    $("entity").value = entity;
    $("explore-state").textContent = `loading ${entity}…`;
    try {
      const { status, body } = await api(`/v1/entities/${encodeURIComponent(entity)}/complements?k=12`);
      if (status !== 200) throw new Error(body.error || `HTTP ${status}`);
      const complements = body.complements || [];
      $("explore-state").textContent = complements.length
        ? `${body.entity}: ${complements.length} complement${complements.length === 1 ? "" : "s"} (click one to explore it)`
        : `${body.entity}: no complements judged yet`;
      $("explorer").dataset.entity = body.entity;
      drawGraph(body.entity, complements);
      $("complements").tBodies[0].replaceChildren(...complements.map((c) => {
        const name = el("a", { "data-entity": c.entity, href: "#" }, c.entity);
        name.addEventListener("click", (e) => { e.preventDefault(); exploreEntity(c.entity); });
        return el("tr", {}, el("td", {}, name), el("td", { class: "num" }, num(c.weight)),
          el("td", { class: "num" }, num(c.confidence)),
          el("td", { title: c.model || "" }, c.source || ""), el("td", { class: "reason" }, c.reason || ""));
      }));
    } catch (e) {
      $("explore-state").textContent = `could not load ${entity}: ${e.message}`;
    }
  }

  $("explore-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const entity = $("entity").value.trim().toLowerCase();
    if (entity) exploreEntity(entity);
  });

  /* Status */

  function facts(target, rows) {
    $(target).replaceChildren(...rows.filter(([, v]) => v !== undefined && v !== null).flatMap(([k, v]) => [
      el("dt", {}, k), el("dd", { "data-fact": k }, typeof v === "object" ? JSON.stringify(v) : String(v)),
    ]));
  }

  function judgeFacts(judge) {
    const d = judge.details || {};
    const rows = [["status", judge.status], ["provider", d.provider], ["model", d.model],
      ["pairs judged", d.pairsJudged], ["complementary", d.complementary], ["runs", d.runs],
      ["idle", d.idle === undefined ? "" : String(d.idle)], ["knowledge", d.knowledge]];
    if (d.queue) rows.push(["queue", Object.entries(d.queue).map(([k, v]) => `${k} ${v}`).join(", ")]);
    if (d.inFlight !== undefined) rows.push(["in flight", d.inFlight]);
    if (d.breaker) rows.push(["breaker", d.breaker]);
    if (d.spend) {
      const s = d.spend;
      rows.push(["spend today", `${s.tokensToday} tokens${s.dailyCap ? " of " + s.dailyCap : ""}`]);
      rows.push(["spend total", `${s.tokensTotal} tokens${s.totalCap ? " of " + s.totalCap : ""}`]);
    }
    if (!d.queue && !d.breaker) rows.push(["queue / spend / breaker", `none: the ${d.provider} provider calls no LLM`]);
    rows.push(["degraded", d.degraded], ["last error", d.lastError]);
    facts("judge", rows);
  }

  async function pollStatus() {
    try {
      const health = await fetch("/health").then((r) => r.json());
      $("overall").textContent = health.status;
      $("overall").className = `badge ${health.status}`;
      const components = health.components || {};
      $("components").replaceChildren(...Object.entries(components).map(([name, c]) =>
        el("div", { class: "component", "data-component": name }, `${name} `,
          el("span", { class: `badge ${c.status}` }, c.status))));
      const graph = (components.graph || {}).details || {};
      const ingest = (components.ingest || {}).details || {};
      const accepted = ingest.accepted || {};
      facts("ingest", [["items", graph.items], ["purchases", graph.purchases], ["users", graph.users],
        ["entities", graph.entities], ["bills", graph.bills], ["complement edges", graph.complements],
        ["accepted since start", accepted.items !== undefined ? `${accepted.items} items, ${accepted.events} events` : undefined],
        ["duplicates since start", ingest.duplicates], ["rejected since start", ingest.rejected],
        ["feedback clicks / exposures", graph.feedbackExposures !== undefined
          ? `${graph.feedbackClicks} / ${graph.feedbackExposures}` : undefined]]);
      const judge = await api("/v1/judge/status");
      if (judge.status !== 200) throw new Error(judge.body.error || `judge status: HTTP ${judge.status}`);
      judgeFacts(judge.body);
      $("status-error").hidden = true;
    } catch (e) {
      $("status-error").hidden = false;
      $("status-error").textContent = e.message;
    }
    $("status-at").textContent = new Date().toLocaleTimeString();
  }

  /* Experiments */

  const pct = (e) => (e ? `${num(100 * e.value, 2)}% [${num(100 * e.low, 2)}, ${num(100 * e.high, 2)}]` : "—");

  function experimentTable(report) {
    const rows = report.arms.map((arm) => {
      const vs = arm.vsControl && arm.vsControl.conversion;
      return el("tr", { "data-arm": arm.name },
        el("td", {}, arm.name), el("td", { class: "num" }, `${num(100 * arm.share, 1)}%`),
        el("td", { class: "num", "data-count": "users" }, arm.users),
        el("td", { class: "num", "data-count": "exposures" }, arm.exposures),
        el("td", { class: "num", "data-count": "clicks" }, arm.clicks),
        el("td", { class: "num", "data-count": "purchases" }, arm.purchases),
        el("td", { class: "num", "data-count": "conversion" }, pct(arm.conversion)),
        el("td", { class: "num" }, vs ? `${num(100 * vs.value, 2)} pts [${num(100 * vs.low, 2)}, ${num(100 * vs.high, 2)}], p ${num(vs.pValue, 3)}`
          : (arm.name === report.control ? "control" : "—")));
    });
    return el("div", { class: "experiment", "data-experiment": report.name },
      el("h3", {}, report.name),
      el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["arm", "share", "users", "exposures", "clicks", "purchases", "conversion",
          "vs control"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)));
  }

  async function pollExperiments() {
    try {
      const answer = await api("/v1/experiments");
      const reports = (answer.body && answer.body.experiments) || [];
      $("experiments").hidden = reports.length === 0;
      $("experiment-tables").replaceChildren(...reports.map(experimentTable));
    } catch (e) {
      $("experiments").hidden = true;
    }
  }

  $("poll-seconds").textContent = String(POLL_MS / 1000);
  pollStatus();
  setInterval(pollStatus, POLL_MS);
  pollExperiments();
  setInterval(pollExperiments, POLL_MS);

  const params = new URLSearchParams(location.search);
  if (params.get("user")) {
    $("user-id").value = params.get("user");
    watch(params.get("user"));
  }
  if (params.get("entity")) exploreEntity(params.get("entity"));
})();
