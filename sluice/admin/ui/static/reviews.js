// The Review page: the waiting calls, read from /api/reviews every second. Everything is
// built with textContent only, so whatever a tool call or a prompt holds is shown as text.
"use strict";

(function () {
  const POLL_MS = 1000;
  const list = document.getElementById("review-list");
  const empty = document.getElementById("review-empty");
  const state = document.getElementById("review-state");
  const decided = document.getElementById("review-decided");
  const mayDecide = list.dataset.mayDecide === "yes";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const cards = new Map();

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function field(dl, label, value) {
    if (value == null || value === "") return;
    dl.appendChild(el("dt", label));
    dl.appendChild(el("dd", value));
  }

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  function card(r) {
    const section = el("section", null, "review-card");
    section.id = "review-" + r.id;
    section.dataset.review = r.id;
    const head = el("h2", null);
    head.appendChild(el("span", r.tool, "mono review-tool"));
    head.appendChild(el("span", "", "review-left dim"));
    section.appendChild(head);
    section.appendChild(el("p", r.reason, "review-reason"));
    section.appendChild(el("pre", pretty(r.arguments), "review-arguments"));
    const dl = el("dl", null, "meta");
    field(dl, "User's last request", r.context);
    field(dl, "User", r.user);
    field(dl, "Team", r.team);
    field(dl, "Client", r.client);
    field(dl, "Policy", r.policy);
    field(dl, "Waiting since", new Date(r.created_at).toLocaleTimeString());
    field(dl, "If nobody decides", r.on_deadline);
    if (r.session) {
      dl.appendChild(el("dt", "Session"));
      const dd = el("dd", null);
      const link = el("a", r.session, "mono");
      link.href = "/sessions/" + encodeURIComponent(r.session);
      dd.appendChild(link);
      dl.appendChild(dd);
    }
    section.appendChild(dl);
    if (mayDecide) {
      const form = el("form", null, "review-decide");
      const note = el("textarea", null, "review-note");
      note.name = "note";
      note.rows = 2;
      note.maxLength = 2000;
      note.placeholder = "Note (shown to the user with a denial; kept in the event log)";
      note.setAttribute("aria-label", "Note");
      form.appendChild(note);
      const approve = el("button", "Approve", "primary review-approve");
      approve.type = "button";
      const deny = el("button", "Deny", "revoke review-deny");
      deny.type = "button";
      approve.addEventListener("click", function () { decide(r.id, "approve", note.value, section); });
      deny.addEventListener("click", function () { decide(r.id, "deny", note.value, section); });
      form.appendChild(approve);
      // Approve and remember: a standing approval (a policy version) for the team or session.
      for (const scope of ["team", "session"]) {
        if (!r[scope]) continue;
        const remember = el("button", "Approve for the " + scope, "review-remember-" + scope);
        remember.type = "button";
        remember.title = "Approve, and approve this identical call without asking for the whole " + scope;
        remember.addEventListener("click", function () { decide(r.id, "approve", note.value, section, scope); });
        form.appendChild(remember);
      }
      form.appendChild(deny);
      form.appendChild(el("span", "", "review-error error"));
      section.appendChild(form);
    }
    return section;
  }

  function left(section, deadline) {
    const seconds = Math.max(0, Math.round((new Date(deadline) - Date.now()) / 1000));
    section.querySelector(".review-left").textContent = " · " + seconds + " s left";
  }

  async function decide(id, decision, note, section, remember) {
    for (const button of section.querySelectorAll("button")) button.disabled = true;
    const error = section.querySelector(".review-error");
    try {
      const response = await fetch("/api/reviews/" + encodeURIComponent(id) + "/decision", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(remember ? { decision: decision, note: note, remember: remember } : { decision: decision, note: note }),
        credentials: "same-origin",
      });
      if (!response.ok) {
        const body = await response.json().catch(function () { return {}; });
        error.textContent = body.error || ("HTTP " + response.status);
      }
    } catch (e) {
      error.textContent = String(e);
    }
    for (const button of section.querySelectorAll("button")) button.disabled = false;
    refresh();
  }

  function showPending(reviews) {
    const ids = new Set(reviews.map(function (r) { return r.id; }));
    for (const [id, section] of cards) {
      if (!ids.has(id)) { section.remove(); cards.delete(id); }
    }
    for (const r of reviews) {
      let section = cards.get(r.id);
      if (!section) {
        section = card(r);
        cards.set(r.id, section);
        list.appendChild(section);
      }
      left(section, r.deadline_at);
    }
    empty.hidden = reviews.length > 0;
  }

  function showDecided(reviews) {
    decided.replaceChildren();
    for (const r of reviews) {
      const tr = el("tr", null, r.outcome === "allow" ? "ok" : "bad");
      tr.dataset.review = r.id;
      tr.appendChild(el("td", r.decided_at ? new Date(r.decided_at).toLocaleTimeString() : "", "time"));
      tr.appendChild(el("td", r.tool, "mono"));
      tr.appendChild(el("td", [r.user, r.team].filter(Boolean).join(" · ")));
      tr.appendChild(el("td", r.status + (r.status === "expired" ? " (" + r.outcome + ")" : "")));
      tr.appendChild(el("td", r.reviewer || "deadline"));
      tr.appendChild(el("td", r.note));
      decided.appendChild(tr);
    }
  }

  async function refresh() {
    try {
      const [pending, done] = await Promise.all([
        fetch("/api/reviews", { credentials: "same-origin" }),
        fetch("/api/reviews?status=decided&limit=20", { credentials: "same-origin" }),
      ]);
      if (!pending.ok || !done.ok) throw new Error("HTTP " + pending.status);
      showPending((await pending.json()).reviews);
      showDecided((await done.json()).reviews);
      state.textContent = "live";
      state.className = "state open";
    } catch (e) {
      state.textContent = "reconnecting…";
      state.className = "state closed";
    }
  }

  refresh();
  setInterval(refresh, POLL_MS);
})();
