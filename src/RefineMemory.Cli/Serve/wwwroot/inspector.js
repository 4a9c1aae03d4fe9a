// The inspector: asks /api/search for one query's refined search and its plain ranking, and draws what the
// pipeline's diagnostics say (judged documents, rank movement, loss curve, angle, judge calls, time per stage).
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const svgNs = "http://www.w3.org/2000/svg";
  const tokenKey = "refine-serve-token";

  // A link such as http://host:5077/#token=... hands the page its token once; it is kept for this tab only,
  // and the fragment (which never reaches the server) leaves the address bar and the history.
  function takeTokenFromFragment() {
    const token = new URLSearchParams(location.hash.slice(1)).get("token");
    if (!token) return false;
    sessionStorage.setItem(tokenKey, token);
    history.replaceState(null, "", location.pathname);
    return true;
  }
  takeTokenFromFragment();
  window.addEventListener("hashchange", () => {
    if (takeTokenFromFragment()) loadCollections().catch(err => status(err.message, true));
  });

  async function api(path, body) {
    const headers = { "Accept": "application/json" };
    const token = sessionStorage.getItem(tokenKey);
    if (token) headers["Authorization"] = "Bearer " + token;
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method: body ? "POST" : "GET", headers, body: body ? JSON.stringify(body) : undefined });
    if (response.status === 401) { $("token-form").hidden = false; throw new Error("This server needs its token: enter it above."); }
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.error || `The server answered ${response.status}.`);
    return json;
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  async function loadCollections() {
    const info = await api("/api/collections");
    const select = $("collection");
    select.replaceChildren(...info.collections.map(name => new Option(name, name, false, name === info.defaultCollection)));
    $("strategy").replaceChildren(...info.strategies.map(name => new Option(name, name, false, name === info.strategy)));
    $("feedback").value = info.feedback;
    $("feedback").max = info.maxFeedback;
    $("refine").checked = info.refine;
    $("token-form").hidden = true;
    status(info.collections.length ? "" : "The memory has no collections yet: ingest some documents first.");
  }

  function item(hit, judgedById, movement) {
    const li = document.createElement("li");
    li.dataset.id = hit.id;
    const judged = judgedById.get(hit.id);
    if (judged && judged.score !== null) li.className = judged.score >= 0.5 ? "judged-relevant" : "judged-irrelevant";
    const head = document.createElement("div");
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = `${hit.rank}. ${hit.id}`;
    head.append(id, badge(`cos ${hit.score.toFixed(3)}`));
    if (judged) head.append(badge(judged.score === null ? "judge failed" : `judge ${judged.score.toFixed(2)}`, "judge"));
    if (movement) head.append(movement);
    const text = document.createElement("div");
    text.className = "text";
    text.textContent = hit.text;
    li.append(head, text);
    return li;
  }

  function badge(text, kind) {
    const b = document.createElement("span");
    b.className = "badge" + (kind ? " badge-" + kind : "");
    b.textContent = text;
    return b;
  }

  function movementOf(hit, beforeRanks) {
    const before = beforeRanks.get(hit.id) ?? hit.rank_before;
    const m = document.createElement("span");
    if (before === null || before === undefined) { m.className = "badge move-up"; m.textContent = "new"; return m; }
    const delta = before - hit.rank;
    if (delta === 0) return null;
    m.className = "badge " + (delta > 0 ? "move-up" : "move-down");
    m.textContent = (delta > 0 ? "▲" : "▼") + Math.abs(delta);
    return m;
  }

  // Lines from each document's row before to its row after, measured from the rows as laid out.
  function drawSlope() {
    const svg = $("slope");
    const box = svg.getBoundingClientRect();
    const height = $("rankings").getBoundingClientRect().height;
    svg.setAttribute("viewBox", `0 0 120 ${height}`);
    svg.setAttribute("height", height);
    svg.replaceChildren();
    const middle = li => { const r = li.getBoundingClientRect(); return r.top + r.height / 2 - box.top; };
    const afterRows = new Map([...$("after").children].map(li => [li.dataset.id, li]));
    for (const li of $("before").children) {
      const target = afterRows.get(li.dataset.id);
      const from = [...$("before").children].indexOf(li), to = target ? [...$("after").children].indexOf(target) : -1;
      const line = document.createElementNS(svgNs, "line");
      line.setAttribute("x1", 4); line.setAttribute("y1", middle(li));
      line.setAttribute("x2", 116); line.setAttribute("y2", target ? middle(target) : height - 2);
      line.setAttribute("stroke", !target ? "#c2410c" : to < from ? "#1a8f3c" : to > from ? "#d97706" : "#99a");
      line.setAttribute("stroke-width", 2);
      if (!target) line.setAttribute("stroke-dasharray", "4 3");
      line.dataset.id = li.dataset.id;
      svg.append(line);
    }
  }

  function drawLoss(loss) {
    const svg = $("loss");
    svg.replaceChildren();
    const w = 360, h = 200, pad = 28;
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    if (!loss.length) {
      const t = document.createElementNS(svgNs, "text");
      t.setAttribute("x", 20); t.setAttribute("y", h / 2);
      t.textContent = "not refined: no loss curve";
      svg.append(t);
      return;
    }
    const min = Math.min(...loss), max = Math.max(...loss);
    const span = max - min || 1;
    const points = loss.map((v, i) => `${pad + (w - 2 * pad) * (loss.length === 1 ? 0 : i / (loss.length - 1))},${h - pad - (h - 2 * pad) * (v - min) / span}`);
    const line = document.createElementNS(svgNs, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#7c3aed");
    line.setAttribute("stroke-width", 2);
    svg.append(line);
    for (const [text, x, y] of [[max.toPrecision(4), 2, pad - 6], [min.toPrecision(4), 2, h - pad + 14], [`${loss.length} steps`, w - 80, h - 6]]) {
      const label = document.createElementNS(svgNs, "text");
      label.setAttribute("x", x); label.setAttribute("y", y); label.setAttribute("font-size", 11);
      label.textContent = text;
      svg.append(label);
    }
  }

  function showSummary(result) {
    const d = result.diagnostics, t = result.timings;
    const facts = [
      ["refined", d.refined ? "yes" : "no" + (d.skippedReason ? ` (${d.skippedReason})` : "")],
      ["judge calls", d.judgeCalls], ["judgements", d.judgements], ["rounds", d.feedbackRounds],
      ["angle turned", d.step ? `${d.step.angleTurned.toFixed(3)} rad (${(d.step.angleTurned * 180 / Math.PI).toFixed(1)}°)` : "–"],
      ["Adam steps", d.step ? d.step.stepsTaken : "–"], ["total", `${t.total.toFixed(0)} ms`],
    ];
    if (d.note) facts.push(["note", d.note]);
    $("facts").replaceChildren(...facts.map(([k, v]) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v; dd.dataset.fact = k;
      div.append(dt, dd);
      return div;
    }));
    $("stages").replaceChildren(...["embed", "retrieve", "judge", "refine", "rescore"].map(stage => {
      const s = document.createElement("span");
      s.className = "stage-" + stage;
      s.style.flexGrow = Math.max(t[stage], 0.001);
      s.title = `${stage}: ${t[stage].toFixed(1)} ms`;
      s.textContent = `${stage} ${t[stage].toFixed(0)} ms`;
      return s;
    }));
  }

  function showJudged(judged) {
    $("judged").tBodies[0].replaceChildren(...judged.map(j => {
      const tr = document.createElement("tr");
      const cells = [j.id, j.rankBefore, j.score === null ? null : j.score.toFixed(3), j.cosineBefore.toFixed(4), j.cosineAfter === null ? "–" : j.cosineAfter.toFixed(4)];
      cells.forEach((c, i) => {
        const td = document.createElement("td");
        if (i === 2 && c === null) { td.className = "failed"; td.textContent = j.failure; } else td.textContent = c;
        tr.append(td);
      });
      return tr;
    }));
  }

  async function search(event) {
    event.preventDefault();
    $("search").disabled = true;
    status("Searching: the judge reads the sample, then the query is refined…");
    try {
      const result = await api("/api/search", {
        query: $("query").value, collection: $("collection").value, top: Number($("top").value),
        feedback: Number($("feedback").value), strategy: $("strategy").value, refine: $("refine").checked,
      });
      const before = result.before.results, after = result.tool.results;
      const judgedById = new Map(result.diagnostics.judged.map(j => [j.id, j]));
      const beforeRanks = new Map(before.map(h => [h.id, h.rank]));
      $("before").replaceChildren(...before.map(h => item(h, judgedById, null)));
      $("after").replaceChildren(...after.map(h => item(h, judgedById, movementOf(h, beforeRanks))));
      for (const id of ["summary", "rankings", "details"]) $(id).hidden = false;
      drawSlope();
      drawLoss(result.diagnostics.loss);
      showSummary(result);
      showJudged(result.diagnostics.judged);
      status(`Done: ${after.length} results, ${result.diagnostics.judgements} documents judged in ${result.diagnostics.judgeCalls} calls.`);
    } catch (e) {
      status(e.message, true);
    } finally {
      $("search").disabled = false;
    }
  }

  $("token-form").addEventListener("submit", e => {
    e.preventDefault();
    sessionStorage.setItem(tokenKey, $("token").value.trim());
    loadCollections().catch(err => status(err.message, true));
  });
  $("search-form").addEventListener("submit", search);
  loadCollections().catch(err => status(err.message, true));
})();
