// The Policies page: chains in force from GET /api/policies, one form per policy generated
// from its JSON Schema, validated with POST /api/policies/validate and applied with
// PUT /api/policies. Text from the server is inserted with textContent only.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const isAdmin = document.querySelector('meta[name="role"]').content === "admin";
  const MASK = "********";
  let settings = null;

  function el(tag, props, text) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    if (text != null) node.textContent = String(text);
    return node;
  }

  function showError(message) {
    const box = document.getElementById("policies-error");
    box.textContent = message;
    box.classList.toggle("hidden", !message);
  }

  async function api(method, url, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (csrf) headers["X-CSRF-Token"] = csrf;
    const response = await fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, data };
  }

  function resolve(schema, root) {
    if (schema && schema.$ref) {
      const name = schema.$ref.split("/").pop();
      return resolve((root.$defs || {})[name] || {}, root);
    }
    if (schema && schema.anyOf) {
      const options = schema.anyOf.filter(function (s) { return s.type !== "null"; });
      if (options.length === 1) return Object.assign({}, resolve(options[0], root), {
        description: schema.description, default: schema.default, nullable: true,
      });
    }
    return schema || {};
  }

  function kindOf(prop) {
    if (prop.writeOnly) return "secret";
    if (prop.enum) return "enum";
    if (prop.type === "boolean") return "boolean";
    if (prop.type === "integer" || prop.type === "number") return "number";
    if (prop.type === "string") return "string";
    if (prop.type === "array" && prop.items && prop.items.type === "string" && !prop.items.enum) return "lines";
    return "json";
  }

  function field(key, raw, root, config) {
    const prop = Object.assign({}, raw, resolve(raw, root));
    const kind = kindOf(prop);
    const present = Object.prototype.hasOwnProperty.call(config, key);
    const value = present ? config[key] : prop.default;
    const id = "f-" + Math.random().toString(36).slice(2);
    const label = el("label", { htmlFor: id }, prop.title || key);
    let input;
    if (kind === "boolean") {
      input = el("input", { type: "checkbox", checked: !!value });
    } else if (kind === "enum") {
      input = el("select");
      for (const option of prop.enum) input.appendChild(el("option", { value: JSON.stringify(option) }, option));
      input.value = JSON.stringify(value);
    } else if (kind === "number") {
      input = el("input", { type: "number", step: prop.type === "integer" ? "1" : "any" });
      input.value = value == null ? "" : String(value);
    } else if (kind === "secret") {
      input = el("input", { type: "password", value: value == null ? "" : MASK, readOnly: true,
        title: "secret: set it in the config file or the environment" });
    } else if (kind === "string") {
      input = el("input", { type: "text" });
      input.value = value == null ? "" : String(value);
    } else if (kind === "lines") {
      input = el("textarea", { rows: 3 });
      input.value = (value || []).join("\n");
    } else {
      input = el("textarea", { rows: 4 });
      input.value = value === undefined ? "" : JSON.stringify(value, null, 2);
    }
    input.id = id;
    input.name = key;
    input.dataset.kind = kind;
    input.dataset.initial = kind === "boolean" ? String(input.checked) : input.value;
    const help = [prop.description || ""];
    if (prop.default !== undefined && kind !== "secret") help.push("default: " + JSON.stringify(prop.default));
    return [label, input, el("div", { className: "field-help" }, help.filter(Boolean).join(" · "))];
  }

  function read(input) {
    const kind = input.dataset.kind;
    if (kind === "boolean") return input.checked;
    if (kind === "enum") return JSON.parse(input.value);
    if (kind === "number") return input.value === "" ? null : Number(input.value);
    if (kind === "lines") return input.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    if (kind === "json") {
      if (input.value.trim() === "") return null;
      try { return JSON.parse(input.value); } catch (e) { throw new Error(input.name + ": not valid JSON"); }
    }
    return input.value;
  }

  function changed(input) {
    const now = input.dataset.kind === "boolean" ? String(input.checked) : input.value;
    return now !== input.dataset.initial;
  }

  function proposal(where, index, form) {
    const copy = JSON.parse(JSON.stringify({
      policies: settings.policies.map(strip),
      chains: Object.fromEntries(Object.entries(settings.chains).map(function (e) { return [e[0], e[1].map(strip)]; })),
      select: settings.select,
      approvals: settings.approvals || [],
    }));
    const list = where === null ? copy.policies : copy.chains[where];
    const entry = list[index];
    entry.config = entry.config || {};
    for (const input of form.querySelectorAll("[data-kind]")) {
      if (input.dataset.kind !== "secret" && changed(input)) entry.config[input.name] = read(input);
    }
    return copy;
  }

  function strip(entry) {
    return { name: entry.name, config: entry.config || {} };
  }

  function result(form, ok, message) {
    const box = form.querySelector(".result");
    box.textContent = message;
    box.className = "result " + (ok ? "ok" : "bad");
  }

  function errorsText(data) {
    if (!data) return "the server did not answer with JSON";
    const errors = data.errors || [];
    const parts = errors.map(function (e) { return typeof e === "string" ? e : (e.loc ? e.loc + ": " : "") + (e.msg || e.message || JSON.stringify(e)); });
    return parts.length ? parts.join("; ") : (data.error || "invalid");
  }

  function policyCard(where, index, entry) {
    const card = document.getElementById("policy-template").content.firstElementChild.cloneNode(true);
    card.dataset.policy = entry.name;
    card.dataset.chain = where === null ? "default" : where;
    card.querySelector(".policy-name").textContent = entry.name;
    card.querySelector(".policy-hooks").textContent = (entry.hooks || []).join(", ");
    card.querySelector(".policy-description").textContent = entry.description || "";
    const form = card.querySelector("form");
    const fields = form.querySelector(".fields");
    const schema = entry.schema || { properties: {} };
    const config = entry.config || {};
    for (const [key, prop] of Object.entries(schema.properties || {})) {
      for (const node of field(key, prop, schema, config)) form.insertBefore(node, fields);
    }
    fields.remove();
    if (!isAdmin) {
      for (const control of form.querySelectorAll("input, select, textarea, button")) control.disabled = true;
      form.querySelector(".apply").title = "read only: log in with the admin key to change policies";
    }
    form.querySelector(".validate").addEventListener("click", async function () {
      let body;
      try { body = proposal(where, index, form); } catch (e) { return result(form, false, e.message); }
      const answer = await api("POST", "/api/policies/validate", body);
      if (answer.status === 200 && answer.data && answer.data.valid) result(form, true, "valid");
      else result(form, false, answer.status === 200 ? errorsText(answer.data) : "refused (" + answer.status + "): " + errorsText(answer.data));
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      let body;
      try { body = proposal(where, index, form); } catch (e) { return result(form, false, e.message); }
      body.comment = form.querySelector(".comment").value;
      const answer = await api("PUT", "/api/policies", body);
      if (answer.status === 200) {
        await load();  // re-renders every card: report in this policy's new one
        const chain = where === null ? "default" : where;
        const fresh = document.querySelectorAll('.chain[data-chain="' + CSS.escape(chain) + '"] .policy')[index];
        result((fresh || card).querySelector("form"), true,
          "applied as version " + answer.data.version.id + "; workers follow within seconds");
      } else {
        result(form, false, "refused (" + answer.status + "): " + errorsText(answer.data));
      }
    });
    return card;
  }

  function render() {
    const source = settings.source || {};
    document.getElementById("policies-source").textContent = source.kind === "version" && source.version
      ? "In force: version " + source.version.id + " (" + source.version.action + ", " + source.version.created_at + ")"
      : "In force: the config file";
    const routes = document.querySelector("#policies-routes tbody");
    routes.replaceChildren();
    for (const r of settings.routes || []) {
      const tr = el("tr");
      for (const v of [r.path, r.format, r.provider, r.chain]) tr.appendChild(el("td", {}, v));
      routes.appendChild(tr);
    }
    const rules = document.querySelector("#policies-select tbody");
    rules.replaceChildren();
    (settings.select || []).forEach(function (rule, i) {
      const tr = el("tr");
      const when = Object.entries(rule).filter(function (e) { return e[0] !== "chain"; })
        .map(function (e) { return e[0] + " = " + JSON.stringify(e[1]); }).join(", ");
      for (const v of [i + 1, when || "always", rule.chain]) tr.appendChild(el("td", {}, v));
      rules.appendChild(tr);
    });
    if (!(settings.select || []).length) rules.appendChild(el("tr", {}, "")).appendChild(el("td", { colSpan: 3, className: "hint" }, "No rules: every request gets its route's chain."));
    renderApprovals();
    const chains = document.getElementById("policies-chains");
    chains.replaceChildren();
    const groups = [[null, settings.policies]].concat(Object.entries(settings.chains || {}));
    for (const [name, entries] of groups) {
      const box = el("section", { className: "chain" });
      box.dataset.chain = name === null ? "default" : name;
      box.appendChild(el("h2", {}, name === null ? "Chain: default" : "Chain: " + name));
      if (!entries.length) box.appendChild(el("p", { className: "hint" }, "No policy: requests pass unchanged."));
      entries.forEach(function (entry, i) { box.appendChild(policyCard(name, i, entry)); });
      chains.appendChild(box);
    }
  }

  // Standing approvals: calls reviewers approved for good; revoking one applies the
  // settings in force without it, as a new version.
  function renderApprovals() {
    const body = document.querySelector("#policies-approvals tbody");
    body.replaceChildren();
    const approvals = settings.approvals || [];
    approvals.forEach(function (a, i) {
      const tr = el("tr");
      tr.dataset.review = a.review || "";
      tr.appendChild(el("td", { className: "mono" }, a.tool));
      tr.appendChild(el("td")).appendChild(el("pre", { className: "mono" }, a.arguments));
      tr.appendChild(el("td", {}, a.team ? "team " + a.team : "session " + a.session));
      tr.appendChild(el("td", {}, a.approved_by + (a.note ? ": " + a.note : "")));
      const cell = el("td");
      if (isAdmin) {
        const revoke = el("button", { type: "button", className: "revoke-approval" }, "Revoke");
        revoke.addEventListener("click", async function () {
          revoke.disabled = true;
          const copy = JSON.parse(JSON.stringify({
            policies: settings.policies.map(strip),
            chains: Object.fromEntries(Object.entries(settings.chains).map(function (e) { return [e[0], e[1].map(strip)]; })),
            select: settings.select,
            approvals: approvals.filter(function (_, j) { return j !== i; }),
          }));
          copy.comment = "revoked the standing approval of review " + (a.review || "?");
          const answer = await api("PUT", "/api/policies", copy);
          if (answer.status === 200) { await load(); return; }
          revoke.disabled = false;
          showError("Could not revoke (" + answer.status + "): " + errorsText(answer.data));
        });
        cell.appendChild(revoke);
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    });
    if (!approvals.length) body.appendChild(el("tr")).appendChild(el("td", { colSpan: 5, className: "hint" }, "None: every escalated call goes to a reviewer."));
  }

  async function load() {
    const answer = await api("GET", "/api/policies");
    if (answer.status !== 200) {
      showError("Could not read the policies (" + answer.status + "): " + errorsText(answer.data));
      return;
    }
    showError("");
    settings = answer.data;
    render();
  }

  load();
})();
