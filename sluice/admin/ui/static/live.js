// Live activity: one EventSource on /api/live; rows are built with textContent only, so
// whatever a prompt or a tool call holds is shown as text, never as markup.
"use strict";

(function () {
  const MAX_ROWS = 500;
  const rows = document.getElementById("live-rows");
  const state = document.getElementById("live-state");
  const empty = document.getElementById("live-empty");
  const filters = document.getElementById("live-filters");
  const models = document.getElementById("live-models");
  const pause = document.getElementById("live-pause");
  const seen = new Set();
  const knownModels = new Set();
  let paused = false;
  let held = [];

  function cell(tr, text, className) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (className) td.className = className;
    tr.appendChild(td);
    return td;
  }

  function time(iso) {
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString();
  }

  function num(value) {
    return value == null ? "–" : Math.round(value).toLocaleString();
  }

  function row(x) {
    const tr = document.createElement("tr");
    tr.dataset.model = x.model || "";
    tr.dataset.outcome = x.outcome;
    tr.id = "live-" + x.id;
    if (x.blocked_tool_calls > 0) tr.classList.add("has-blocked");
    cell(tr, time(x.started_at), "time").title = x.started_at;
    cell(tr, x.model || "unknown");
    cell(tr, x.client || "", "mono");
    cell(tr, [x.user_id, x.team].filter(Boolean).join(" · "));
    cell(tr, num(x.input_tokens) + " / " + num(x.output_tokens), "num");
    cell(tr, x.ttft_ms == null ? "–" : num(x.ttft_ms) + " ms", "num");
    const outcome = cell(tr, "");
    const badge = document.createElement("span");
    badge.className = "badge outcome-" + x.outcome;
    badge.textContent = x.outcome;
    outcome.appendChild(badge);
    const decisions = cell(tr, "");
    if (x.blocked_tool_calls > 0) {
      const b = document.createElement("strong");
      b.className = "blocked-tools";
      b.textContent = x.blocked_tool_calls + " tool call(s) blocked. ";
      decisions.appendChild(b);
    }
    for (const d of x.decisions) {
      const div = document.createElement("div");
      div.className = "decision action-" + d.action;
      div.textContent = d.policy + " " + d.action + (d.reason ? ": " + d.reason : "");
      decisions.appendChild(div);
    }
    if (x.session_id) {
      const link = document.createElement("a");
      link.href = "/sessions/" + encodeURIComponent(x.session_id) + "#ex-" + encodeURIComponent(x.id);
      link.textContent = "transcript";
      link.className = "open-session";
      decisions.appendChild(link);
    }
    tr.dataset.text = tr.textContent.toLowerCase();
    return tr;
  }

  function matches(tr) {
    const form = new FormData(filters);
    const model = String(form.get("model") || "").toLowerCase();
    const outcome = String(form.get("outcome") || "");
    const text = String(form.get("text") || "").toLowerCase();
    return (!model || tr.dataset.model.toLowerCase().includes(model))
      && (!outcome || tr.dataset.outcome === outcome)
      && (!text || tr.dataset.text.includes(text));
  }

  function applyFilters() {
    for (const tr of rows.children) tr.hidden = !matches(tr);
  }

  function add(x) {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    if (x.model && !knownModels.has(x.model)) {
      knownModels.add(x.model);
      const option = document.createElement("option");
      option.value = x.model;
      models.appendChild(option);
    }
    const tr = row(x);
    tr.classList.add("new");
    tr.hidden = !matches(tr);
    rows.insertBefore(tr, rows.firstChild);
    while (rows.children.length > MAX_ROWS) {
      const last = rows.lastChild;
      seen.delete(last.id.slice(5));
      rows.removeChild(last);
    }
    empty.hidden = true;
  }

  function connect() {
    const source = new EventSource("/api/live");
    source.addEventListener("open", function () {
      state.textContent = "live";
      state.className = "state open";
    });
    source.addEventListener("exchange", function (event) {
      const x = JSON.parse(event.data);
      if (paused) held.push(x); else add(x);
    });
    source.addEventListener("error", function () {
      // EventSource retries by itself while the server answers; after a 401 it stops.
      state.textContent = source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting…";
      state.className = "state closed";
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
  }

  filters.addEventListener("input", applyFilters);
  filters.addEventListener("submit", function (event) { event.preventDefault(); });
  pause.addEventListener("click", function () {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused) { held.forEach(add); held = []; }
  });
  connect();
})();
