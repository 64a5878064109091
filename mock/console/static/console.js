// The mock's QA console. Plain JavaScript over the documented control API
// (openapi/mock-control.yaml); no library, no build step, nothing loaded
// from anywhere but the mock itself.
"use strict";

const TOKEN_KEY = "mockControlToken";
const SESSION_KEY = "mockConsoleSession";
const VENDORS = ["care360", "cl2c", "r1discover"];
const VENDOR_LABEL = { care360: "Care360", cl2c: "CL2C", r1discover: "R1 Discover" };
const LOCKING = ["Approved", "Assigned", "InProgress", "NoDecision", "Rejected"];
const LOCKED_FIELDS = "firstName, lastName, dob, gender";
const JOURNAL_KEEP = 2000;

// ---------- small helpers ----------

const $ = (sel, root = document) => root.querySelector(sel);

// h builds an element: h("td", {class: "x", onclick: fn}, "text", child...).
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c) el.append(c);
  return el;
}

function pretty(text) {
  if (text === undefined || text === null || text === "") return "(none)";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function statusClass(status) {
  if (!status) return "s0";
  return "s" + String(status)[0];
}

function statusWords(status) {
  if (!status) return "no answer";
  if (status < 300) return "success";
  if (status < 400) return "redirect";
  if (status < 500) return "client error";
  return "server error";
}

function statusBadge(status) {
  return h("span", { class: "badge " + statusClass(status), title: statusWords(status) },
    status ? String(status) : "—", h("span", { class: "sr-only" }, " " + statusWords(status)));
}

function clock(iso) {
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

let noticeTimer = null;

function notice(text, bad) {
  const n = $("#notice");
  clearTimeout(noticeTimer);
  if (text && !bad) noticeTimer = setTimeout(() => { n.hidden = true; }, 8000);
  n.textContent = text;
  n.classList.toggle("bad", !!bad);
  n.hidden = !text;
}

function showErrors(el, err) {
  const list = err && err.errors ? err.errors : [String(err)];
  el.textContent = list.join("\n");
  el.hidden = false;
}

// ---------- control API ----------

class ControlError extends Error {
  constructor(status, errors) {
    super(errors.join("; "));
    this.status = status;
    this.errors = errors;
  }
}

const api = {
  token: sessionStorage.getItem(TOKEN_KEY) || "",
  session: sessionStorage.getItem(SESSION_KEY) || "",

  // call sends one control request. Every request carries the token header
  // and a JSON content type (GETs included), which the mock asks of control
  // calls; session "" means the default world.
  async call(method, path, opts = {}) {
    const session = opts.session === undefined ? this.session : opts.session;
    const headers = { "Content-Type": opts.type || "application/json", "X-Mock-Control-Token": this.token };
    if (session) headers["X-Mock-Session"] = session;
    const res = await fetch(path, { method, headers, body: opts.body, cache: "no-store", credentials: "omit" });
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { /* YAML or empty */ }
    if (res.status === 401) {
      tokenPrompt(data && data.errors ? data.errors.join(" ") : "The mock wants a control token.");
    }
    if (!res.ok) throw new ControlError(res.status, data && Array.isArray(data.errors) ? data.errors : [`${res.status} ${text}`]);
    return { status: res.status, data, text };
  },
  get(path, opts) { return this.call("GET", path, opts).then((r) => r.data); },
};

// A fixture document as the user picked it: JSON stays JSON, anything
// else goes as YAML.
async function documentBody(file) {
  const text = await file.text();
  try { JSON.parse(text); return { body: text, type: "application/json" }; } catch { return { body: text, type: "application/yaml" }; }
}

// ---------- token prompt ----------

function tokenPrompt(reason) {
  const p = $("#token-prompt");
  const e = $("#token-error");
  e.textContent = api.token ? "That token was refused: " + reason : reason;
  e.hidden = false;
  p.hidden = false;
  $("#main").hidden = true;
  $("#token-input").focus();
}

function initToken() {
  $("#token-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    api.token = $("#token-input").value;
    sessionStorage.setItem(TOKEN_KEY, api.token);
    try {
      await api.get("/__mock/health");
      $("#token-prompt").hidden = true;
      $("#main").hidden = false;
      $("#token-input").value = "";
      start();
    } catch { /* the prompt stays with the reason */ }
  });
  $("#token-change").addEventListener("click", () => tokenPrompt("Enter the control token."));
}

// ---------- views and scope ----------

const views = {};
let current = "";

function route() {
  const name = (location.hash || "#journal").slice(1).split("/")[0];
  const view = views[name] ? name : "journal";
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.view === view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  for (const v of Object.keys(views)) $("#view-" + v).hidden = v !== view;
  if (current !== view) {
    current = view;
    notice(""); // a notice belongs to the view it came from
    views[view].show();
  }
}

async function refreshSessions() {
  let list = [];
  try { list = (await api.get("/__mock/sessions", { session: "" })).sessions; } catch { return []; }
  const sel = $("#session-select");
  const names = list.map((s) => s.name);
  if (api.session && !names.includes(api.session)) names.push(api.session);
  names.sort();
  // Rebuilt only when the list changed, so an open list is not disturbed.
  const shown = [...sel.options].map((o) => o.value).slice(1);
  if (sel.options.length === 0 || shown.join("\n") !== names.join("\n")) {
    sel.replaceChildren(h("option", { value: "" }, "default world"), ...names.map((n) => h("option", { value: n }, n)));
  }
  sel.value = api.session;
  return list;
}

function useSession(name) {
  api.session = name;
  sessionStorage.setItem(SESSION_KEY, name);
  $("#session-select").value = name;
  journal.reset();
  refreshSessions();
  views[current].show();
  notice(name ? `Scoped to session ${name}.` : "Scoped to the default world.");
}

// ---------- journal ----------

const journal = {
  entries: [],
  lastSeq: 0,
  selected: null,
  faultsSeen: {},
  timer: null,
  busy: false,

  reset() {
    this.entries = [];
    this.lastSeq = 0;
    this.selected = null;
    $("#journal-detail").hidden = true;
    this.render();
  },

  async poll() {
    if (this.busy || !$("#f-live").checked && this.entries.length) return;
    this.busy = true;
    const session = api.session;
    try {
      const page = await api.get("/__mock/requests?since=" + this.lastSeq);
      if (session !== api.session) return;
      if (page.entries.length) {
        this.entries.push(...page.entries);
        if (this.entries.length > JOURNAL_KEEP) this.entries.splice(0, this.entries.length - JOURNAL_KEEP);
        this.lastSeq = page.entries[page.entries.length - 1].seq;
        this.render();
      } else {
        renderCharts(this.entries);
      }
    } catch { /* shown by the next successful poll or the token prompt */ } finally { this.busy = false; }
  },

  matches(e) {
    const vendor = $("#f-vendor").value, method = $("#f-method").value;
    const status = $("#f-status").value.trim().toLowerCase(), text = $("#f-text").value.trim().toLowerCase();
    if (vendor && e.vendor !== vendor) return false;
    if (method && e.method !== method) return false;
    if ($("#f-faulted").checked && !e.fault) return false;
    if (status) {
      const s = String(e.status);
      if (/^\dxx$/.test(status) ? s[0] !== status[0] : s !== status) return false;
    }
    if (text) {
      const hay = [e.path, e.query, e.body, e.responseBody, e.credential, e.fault, JSON.stringify(e.headers)].join("\n").toLowerCase();
      if (!hay.includes(text)) return false;
    }
    return true;
  },

  render() {
    const rows = this.entries.filter((e) => this.matches(e)).reverse();
    $("#journal-count").textContent = `${rows.length} of ${this.entries.length} requests shown` + (api.session ? ` in session ${api.session}` : " in the default world");
    const tbody = $("#journal-table tbody");
    tbody.replaceChildren(...rows.slice(0, 500).map((e) => h("tr", { "data-seq": e.seq, class: e.seq === this.selected ? "selected" : null },
      h("td", {}, e.seq),
      h("td", { class: "mono" }, clock(e.time)),
      h("td", {}, e.vendor || "—"),
      h("td", {}, h("button", { type: "button", class: "link mono open", "aria-label": `Open request ${e.seq}: ${e.method} ${e.path}`, onclick: () => this.open(e.seq) },
        `${e.method} ${e.path}${e.query ? "?" + e.query : ""}`)),
      h("td", {}, statusBadge(e.status)),
      h("td", { class: "mono" }, e.durationMs.toFixed(1)),
      h("td", {}, e.fault ? h("span", { class: "fault-mark" }, "⚡ " + e.fault) : ""),
      h("td", { class: "mono" }, e.credential || ""))));
    if (!rows.length) tbody.append(h("tr", {}, h("td", { colspan: 8, class: "muted" }, this.entries.length ? "No request matches the filters." : "No requests yet: send one to a vendor path.")));
    renderCharts(this.entries);
  },

  async open(seq) {
    const e = this.entries.find((x) => x.seq === seq);
    if (!e) return;
    this.selected = seq;
    this.render();
    const d = $("#journal-detail");
    const rule = e.faultRule || this.faultsSeen[e.fault];
    const headers = Object.keys(e.headers).sort().map((k) => [h("dt", {}, k), h("dd", { class: "mono" }, e.headers[k])]);
    d.replaceChildren(
      h("h3", { id: "detail-title", tabindex: "-1" }, `Request ${e.seq}: ${e.method} ${e.path}`),
      h("dl", { class: "kv" },
        h("dt", {}, "Fault applied"), h("dd", { id: "detail-fault" }, e.fault ? [h("span", { class: "fault-mark" }, "⚡ " + e.fault + " "), rule ? describeRule(rule) : "(rule no longer known)"] : "none"),
        h("dt", {}, "Fixture account"), h("dd", { id: "detail-account" }, e.credential
          ? [h("span", { class: "mono" }, e.credential + " "), h("button", { type: "button", class: "link", onclick: () => state.showAccount(e.credential) }, "show in State")]
          : "none (no credential, or one no account holds)"),
        h("dt", {}, "Served"), h("dd", {}, `${e.time} in ${e.durationMs.toFixed(1)} ms`)),
      h("div", { class: "side" },
        h("section", { "aria-label": "Request" },
          h("h4", {}, "Request"),
          h("p", { class: "mono" }, `${e.method} ${e.path}${e.query ? "?" + e.query : ""}`),
          h("dl", { class: "kv" }, headers),
          h("pre", { class: "code", tabindex: "0", "aria-label": "Request body" }, pretty(e.body))),
        h("section", { "aria-label": "Response" },
          h("h4", {}, "Response"),
          h("p", {}, statusBadge(e.status), " ", statusWords(e.status)),
          h("pre", { class: "code", tabindex: "0", "aria-label": "Response body" }, pretty(e.responseBody)))));
    d.hidden = false;
    $("#detail-title").focus();
  },

  init() {
    for (const id of ["#f-vendor", "#f-method", "#f-status", "#f-text", "#f-faulted"]) {
      $(id).addEventListener("input", () => this.render());
    }
    $("#journal-filters").addEventListener("submit", (ev) => ev.preventDefault());
    $("#journal-clear").addEventListener("click", async () => {
      try {
        await api.call("DELETE", "/__mock/requests");
        this.entries = [];
        this.render();
        notice("Journal cleared.");
      } catch (err) { notice(err.message, true); }
    });
  },

  show() {
    this.render();
    this.poll();
  },
};

function describeRule(r) {
  const parts = [];
  const m = r.match || {};
  parts.push(`matches ${m.method || "any method"} ${m.path || "any path"}${m.credential ? " with credential " + m.credential : ""}`);
  if (r.latency) {
    const l = r.latency;
    parts.push("delays " + [l.fixedMs ? l.fixedMs + " ms" : "", l.randomMaxMs !== undefined ? `${l.randomMinMs || 0}–${l.randomMaxMs} ms at random` : ""].filter(Boolean).join(" + "));
  }
  if (r.drop) parts.push("drops the connection");
  if (r.unavailable) parts.push("answers 503");
  if (r.rateLimit) parts.push("answers 429" + (r.rateLimit.retryAfterSeconds !== undefined ? `, Retry-After ${r.rateLimit.retryAfterSeconds}` : ""));
  if (r.vendorError) parts.push(`answers ${r.vendorError.status} "${r.vendorError.message}" in the vendor's envelope`);
  if (r.response) parts.push(`answers ${r.response.status} with a given body`);
  if (r.applyFirst) parts.push("after carrying the request out");
  return parts.join("; ");
}

// ---------- chart: requests by status per vendor, last 10 minutes ----------

const CHART_MINUTES = 10;
const CLASSES = [
  { key: "2", label: "2xx", fill: "url(#p2)" },
  { key: "4", label: "4xx", fill: "url(#p4)" },
  { key: "5", label: "5xx", fill: "url(#p5)" },
  { key: "0", label: "no answer", fill: "url(#p0)" },
];

// Patterns as well as colours, so the chart reads without colour.
function chartPatterns() {
  return svg("defs", {},
    svg("pattern", { id: "p2", width: 4, height: 4, patternUnits: "userSpaceOnUse" }, svg("rect", { width: 4, height: 4, fill: "#2da44e" })),
    svg("pattern", { id: "p4", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { width: 6, height: 6, fill: "#f5d76e" }), svg("rect", { width: 2, height: 6, fill: "#9a6700" })),
    svg("pattern", { id: "p5", width: 6, height: 6, patternUnits: "userSpaceOnUse" },
      svg("rect", { width: 6, height: 6, fill: "#ff8182" }), svg("path", { d: "M0 0L6 6M6 0L0 6", stroke: "#82071e", "stroke-width": 1.5 })),
    svg("pattern", { id: "p0", width: 5, height: 5, patternUnits: "userSpaceOnUse" },
      svg("rect", { width: 5, height: 5, fill: "#d0d7de" }), svg("circle", { cx: 2.5, cy: 2.5, r: 1.2, fill: "#24292f" })));
}

function renderCharts(entries) {
  const box = $("#charts");
  const now = Date.now();
  const start = now - CHART_MINUTES * 60000;
  const counts = {};
  for (const v of VENDORS) counts[v] = Array.from({ length: CHART_MINUTES }, () => ({ 2: 0, 4: 0, 5: 0, 0: 0 }));
  for (const e of entries) {
    const t = Date.parse(e.time);
    if (!counts[e.vendor] || t < start) continue;
    const bucket = Math.min(CHART_MINUTES - 1, Math.floor((t - start) / 60000));
    const cls = e.status ? (e.status >= 500 ? "5" : e.status >= 400 ? "4" : "2") : "0";
    counts[e.vendor][bucket][cls]++;
  }
  const W = 200, H = 60, bw = W / CHART_MINUTES;
  const charts = VENDORS.map((v) => {
    const buckets = counts[v];
    const max = Math.max(1, ...buckets.map((b) => b[2] + b[4] + b[5] + b[0]));
    const totals = { 2: 0, 4: 0, 5: 0, 0: 0 };
    const bars = [];
    buckets.forEach((b, i) => {
      let y = H;
      for (const c of CLASSES) {
        totals[c.key] += b[c.key];
        if (!b[c.key]) continue;
        const hgt = (b[c.key] / max) * (H - 4);
        y -= hgt;
        bars.push(svg("rect", { x: i * bw + 1, y, width: bw - 2, height: hgt, fill: c.fill, stroke: "#24292f", "stroke-width": 0.5 },
          svg("title", {}, document.createTextNode(`${CHART_MINUTES - i} min ago: ${b[c.key]} × ${c.label}`))));
      }
    });
    const summary = CLASSES.map((c) => `${c.label} ${totals[c.key]}`).join(", ");
    return h("figure", { class: "chart", "data-vendor": v },
      h("h3", {}, VENDOR_LABEL[v]),
      svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${VENDOR_LABEL[v]} requests in the last ${CHART_MINUTES} minutes by status: ${summary}` },
        chartPatterns(), svg("line", { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, stroke: "#57606a" }), bars),
      h("p", { class: "mono" }, summary));
  });
  const legend = h("div", { class: "legend", "aria-hidden": "true" }, CLASSES.map((c) =>
    h("span", {}, svg("svg", { width: 14, height: 14 }, chartPatterns(), svg("rect", { width: 14, height: 14, fill: c.fill, stroke: "#24292f" })), " " + c.label)),
  h("span", { class: "muted" }, `one bar per minute, oldest left, last ${CHART_MINUTES} minutes`));
  box.replaceChildren(...charts, legend);
}

// ---------- state ----------

const state = {
  doc: null,
  vendor: "care360",
  account: null, // id of the selected organization, tenant or company
  user: null, // key of the selected user
  token: null, // r1discover token index to highlight

  async load() {
    try {
      this.doc = await api.get("/__mock/state");
      const c = this.doc.care360 || {}, l = this.doc.cl2c || {}, r = this.doc.r1discover || {};
      const users = (list) => (list || []).reduce((n, a) => n + (a.users || []).length, 0);
      $("#state-summary").textContent = `Care360: ${(c.organizations || []).length} organizations, ${users(c.organizations)} users, ${(c.authIdentities || []).length} auth-only identities · ` +
        `CL2C: ${(l.tenants || []).length} tenants, ${users(l.tenants)} users · R1 Discover: ${(r.companies || []).length} companies, ${users(r.companies)} users, ${(r.tokens || []).length} tokens` +
        (api.session ? ` · session ${api.session}` : " · default world");
    } catch (err) {
      this.doc = null;
      $("#state-summary").textContent = "The state could not be read: " + err.message;
    }
    this.render();
  },

  accounts(vendor) {
    const d = this.doc || {};
    if (vendor === "care360") return ((d.care360 || {}).organizations || []).map((o) => ({ id: o.id, label: `${o.name} (${o.id})`, raw: o, users: o.users || [] }));
    if (vendor === "cl2c") return ((d.cl2c || {}).tenants || []).map((t) => ({ id: t.id, label: t.id, raw: t, users: t.users || [] }));
    return ((d.r1discover || {}).companies || []).map((c) => ({ id: String(c.id), label: `${c.name || "company"} (${c.id})`, raw: c, users: c.users || [] }));
  },

  userKey(vendor, u) { return vendor === "care360" ? (u.id || u.email) : vendor === "cl2c" ? u.id : u.clientId; },
  userLabel(vendor, u) { return vendor === "care360" ? u.email : vendor === "cl2c" ? (u.userName || u.id) : (u.username || u.clientId); },

  render() {
    for (const t of document.querySelectorAll(".vendor-tabs [role=tab]")) {
      const on = t.dataset.vendor === this.vendor;
      t.setAttribute("aria-selected", on);
      t.tabIndex = on ? 0 : -1;
    }
    const body = $("#state-body");
    body.setAttribute("aria-labelledby", "tab-" + this.vendor);
    if (!this.doc) { body.replaceChildren(h("p", { class: "muted" }, "No state loaded.")); return; }
    const q = $("#state-search").value.trim().toLowerCase();
    const all = this.accounts(this.vendor);
    const accounts = q ? all.filter((a) => JSON.stringify(a.raw).toLowerCase().includes(q)) : all;
    if (!accounts.some((a) => a.id === this.account)) this.account = accounts.length ? accounts[0].id : null;
    const account = all.find((a) => a.id === this.account);
    const noun = { care360: "Organizations", cl2c: "Tenants", r1discover: "Companies" }[this.vendor];

    const left = h("div", {}, h("h3", {}, noun),
      h("ul", { class: "accounts" }, accounts.map((a) => h("li", {}, h("button", {
        type: "button", "aria-pressed": String(a.id === this.account), "data-account": a.id,
        onclick: () => { this.account = a.id; this.user = null; this.render(); },
      }, `${a.label} · ${a.users.length} users`)))),
      accounts.length ? null : h("p", { class: "muted" }, "Nothing matches."),
      this.vendor === "care360" ? this.authIdentities() : null,
      this.vendor === "r1discover" ? this.tokens() : null);

    let users = account ? account.users : [];
    if (q && account && !account.label.toLowerCase().includes(q)) {
      const hits = users.filter((u) => JSON.stringify(u).toLowerCase().includes(q));
      if (hits.length) users = hits;
    }
    if (!users.some((u) => this.userKey(this.vendor, u) === this.user)) this.user = null;
    const middle = h("div", {}, account ? this.accountInfo(account) : null, h("h3", {}, "Users"),
      h("table", { class: "grid", id: "state-users" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "User"), h("th", { scope: "col" }, "Name"),
          this.vendor === "care360" ? [h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "Cases")] : h("th", { scope: "col" }, "Email"))),
        h("tbody", {}, users.map((u) => {
          const key = this.userKey(this.vendor, u);
          const locked = this.vendor === "care360" && (u.cases || []).some((c) => LOCKING.includes(c.status));
          return h("tr", { class: key === this.user ? "selected" : null, "data-user": key },
            h("td", {}, h("button", { type: "button", class: "link", onclick: () => { this.user = key; this.render(); $("#user-title").focus(); } }, this.userLabel(this.vendor, u))),
            h("td", {}, [u.firstName, u.lastName].filter(Boolean).join(" ")),
            this.vendor === "care360"
              ? [h("td", {}, u.role || "USER"), h("td", {}, `${(u.cases || []).length}`, locked ? h("span", { class: "lock" }, " ■ locked") : "")]
              : h("td", {}, u.email || ""));
        }))));

    const user = users.find((u) => this.userKey(this.vendor, u) === this.user);
    const right = h("div", {}, user ? this.userDetail(user) : h("p", { class: "muted" }, "Choose a user to see its fields" + (this.vendor === "care360" ? " and cases." : ".")));
    body.replaceChildren(left, middle, right);
  },

  accountInfo(a) {
    const r = a.raw;
    const rows = [];
    if (r.apiKeys) rows.push(["API keys", r.apiKeys.join(", ") || "none"]);
    if (this.vendor === "r1discover") {
      rows.push(["Locations", (r.locations || []).join(", ")], ["Programs", (r.programs || []).join(", ")], ["Practitioners", (r.practitioners || []).join(", ")]);
    }
    return h("dl", { class: "kv" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", { class: "mono" }, v)]));
  },

  authIdentities() {
    const ids = ((this.doc.care360 || {}).authIdentities || []);
    return [h("h3", {}, "Auth-only identities"), h("ul", {}, ids.map((i) => h("li", { class: "mono" }, i.email))), ids.length ? null : h("p", { class: "muted" }, "none")];
  },

  tokens() {
    const tokens = ((this.doc.r1discover || {}).tokens || []);
    return [h("h3", {}, "Tokens"), h("table", { class: "grid", id: "state-tokens" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Token"), h("th", { scope: "col" }, "Companies"))),
      h("tbody", {}, tokens.map((t, i) => h("tr", { class: String(i) === this.token ? "selected" : null },
        h("td", {}, `r1discover.${i}`), h("td", { class: "mono" }, t.token), h("td", {}, t.companies.join(", "))))))];
  },

  userDetail(u) {
    const fields = Object.keys(u).filter((k) => k !== "cases").map((k) => [h("dt", {}, k), h("dd", { class: "mono" }, typeof u[k] === "object" ? JSON.stringify(u[k]) : String(u[k]))]);
    const parts = [h("h3", { id: "user-title", tabindex: "-1" }, this.userLabel(this.vendor, u)), h("dl", { class: "kv" }, fields)];
    if (this.vendor === "care360") {
      const cases = u.cases || [];
      const locking = cases.filter((c) => LOCKING.includes(c.status));
      parts.push(h("h4", {}, "Cases"),
        h("p", { id: "lock-summary", class: locking.length ? "lock" : "" }, locking.length
          ? `■ Locked: ${LOCKED_FIELDS} cannot change (case ${locking.map((c) => `${c.id} ${c.status}`).join(", ")}).`
          : `Not locked: no case in ${LOCKING.join(", ")}; ${LOCKED_FIELDS} may change.`),
        h("table", { class: "grid", id: "user-cases" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Case"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Locks"))),
          h("tbody", {}, cases.map((c) => h("tr", {}, h("td", { class: "mono" }, c.id), h("td", {}, c.status),
            h("td", {}, LOCKING.includes(c.status) ? h("span", { class: "lock" }, "■ locks " + LOCKED_FIELDS) : "nothing"))),
          cases.length ? null : h("tr", {}, h("td", { colspan: 3, class: "muted" }, "no cases")))));
    }
    const editor = h("textarea", { id: "user-editor", "aria-describedby": "user-editor-help", spellcheck: "false" }, JSON.stringify(u, null, 2));
    const errors = h("p", { class: "error", role: "alert", hidden: true });
    parts.push(h("h4", {}, h("label", { for: "user-editor" }, "Edit this user (JSON)")),
      h("p", { id: "user-editor-help", class: "muted" }, "Saving replaces the whole state with the current document and this user changed (PUT /__mock/state); the mock checks it as a whole and refuses it with every problem listed."),
      editor, errors,
      h("button", { type: "button", id: "user-save", onclick: () => this.saveUser(u, editor.value, errors) }, "Save user"));
    return parts;
  },

  async saveUser(original, text, errors) {
    errors.hidden = true;
    let edited;
    try { edited = JSON.parse(text); } catch (err) { showErrors(errors, { errors: ["Not JSON: " + err.message] }); return; }
    let doc;
    try { doc = await api.get("/__mock/state"); } catch (err) { showErrors(errors, err); return; }
    const key = this.userKey(this.vendor, original);
    const account = this.accounts.call({ doc }, this.vendor).find((a) => a.id === this.account);
    const i = account ? account.users.findIndex((u) => this.userKey(this.vendor, u) === key) : -1;
    if (i < 0) { showErrors(errors, { errors: ["The user is no longer in the state; refresh."] }); return; }
    account.users[i] = edited;
    try {
      await api.call("PUT", "/__mock/state", { body: JSON.stringify(doc) });
      this.user = this.userKey(this.vendor, edited);
      notice("User saved.");
      await this.load();
    } catch (err) { showErrors(errors, err); }
  },

  // showAccount opens a journal entry's account reference ("care360.org_demo").
  showAccount(ref) {
    const [vendor, ...rest] = ref.split(".");
    const id = rest.join(".");
    this.vendor = vendor;
    this.user = null;
    this.token = null;
    if (vendor === "r1discover") {
      this.token = id;
      this.account = null;
      const t = ((this.doc || {}).r1discover || {}).tokens;
      if (t && t[id]) this.account = String(t[id].companies[0]);
    } else {
      this.account = id;
    }
    $("#state-search").value = "";
    location.hash = "#state";
  },

  init() {
    for (const t of document.querySelectorAll(".vendor-tabs [role=tab]")) {
      t.addEventListener("click", () => { this.vendor = t.dataset.vendor; this.account = null; this.user = null; this.render(); });
      t.addEventListener("keydown", (ev) => {
        if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
        const i = (VENDORS.indexOf(this.vendor) + (ev.key === "ArrowRight" ? 1 : 2)) % 3;
        this.vendor = VENDORS[i]; this.account = null; this.user = null; this.render();
        $("#tab-" + this.vendor).focus();
      });
    }
    $("#state-search").addEventListener("input", () => this.render());
    $("#state-refresh").addEventListener("click", () => this.load());
    $("#state-export").addEventListener("click", async () => {
      try {
        const r = await api.call("GET", "/__mock/state");
        download(`mock-state-${api.session || "default"}.json`, JSON.stringify(JSON.parse(r.text), null, 2) + "\n", "application/json");
      } catch (err) { notice(err.message, true); }
    });
    $("#state-import").addEventListener("click", async () => {
      const f = $("#state-import-file").files[0];
      if (!f) { notice("Choose a fixture document first.", true); return; }
      try {
        const d = await documentBody(f);
        await api.call("PUT", "/__mock/state", d);
        notice(`State replaced with ${f.name}.`);
        await this.load();
      } catch (err) { notice("The document was refused, nothing changed:\n" + (err.errors || [err.message]).join("\n"), true); }
    });
    $("#state-reset").addEventListener("click", () => { $("#state-reset-confirm").hidden = false; $("#state-reset-confirm").focus(); });
    $("#state-reset-confirm").addEventListener("click", async () => {
      $("#state-reset-confirm").hidden = true;
      try { await api.call("POST", "/__mock/reset"); notice("Back to the startup fixtures."); await this.load(); } catch (err) { notice(err.message, true); }
    });
  },

  show() { this.load(); },
};

// ---------- faults: a form built from the control document's FaultRule schema ----------

const faults = {
  doc: null,
  timer: null,

  resolve(schema) {
    let s = schema || {};
    while (s.$ref) s = this.doc.components.schemas[s.$ref.split("/").pop()];
    if (s.allOf && s.allOf.length === 1) return { ...this.resolve(s.allOf[0]), description: s.description || this.resolve(s.allOf[0]).description };
    return s;
  },

  async buildForm() {
    if (this.doc) return;
    this.doc = await api.get("/__mock/openapi.json");
    const rule = this.resolve({ $ref: "#/components/schemas/FaultRule" });
    $("#fault-schema-description").textContent = rule.description || "";
    $("#fault-fields").replaceChildren(...this.fields(rule, "fault", rule.required || []));
    const examples = (((((this.doc.paths["/__mock/faults"] || {}).post || {}).requestBody || {}).content || {})["application/json"] || {}).examples || {};
    this.examples = examples;
    $("#fault-example").replaceChildren(h("option", { value: "" }, "(empty)"),
      ...Object.entries(examples).map(([k, ex]) => h("option", { value: k }, ex.summary || k)));
  },

  // fields renders one input per schema property, named by its JSON path,
  // with the property's description as its help text.
  fields(schema, path, required) {
    const out = [];
    for (const [name, raw] of Object.entries(schema.properties || {})) {
      const s = this.resolve(raw);
      if (s.readOnly || raw.readOnly) continue;
      const id = `${path}.${name}`;
      const help = s.description || raw.description || "";
      const req = required.includes(name) ? " (required)" : "";
      if (s.type === "object" && s.properties) {
        out.push(h("fieldset", { "data-path": id }, h("legend", {}, name + req), help ? h("p", { class: "help muted" }, help) : null, this.fields(s, id, s.required || [])));
        continue;
      }
      const helpId = help ? id + ".help" : null;
      let input;
      if (s.type === "boolean") {
        input = h("input", { type: "checkbox", id, "data-kind": "boolean", "aria-describedby": helpId });
        out.push(h("div", { class: "field" }, h("label", { class: "check" }, input, name + req), help ? h("span", { class: "help", id: helpId }, help) : null));
        continue;
      }
      const limits = [s.minimum !== undefined ? `≥ ${s.minimum}` : "", s.maximum !== undefined ? `≤ ${s.maximum}` : ""].filter(Boolean).join(", ");
      if (s.enum) {
        input = h("select", { id, "data-kind": "string", "aria-describedby": helpId }, h("option", { value: "" }, ""), s.enum.map((v) => h("option", {}, v)));
      } else if (s.type === "integer" || s.type === "number") {
        input = h("input", { type: "number", id, "data-kind": s.type, min: s.minimum, max: s.maximum, step: s.type === "integer" ? 1 : "any", "aria-describedby": helpId });
      } else if (!s.type || s.type === "object") {
        input = h("textarea", { id, "data-kind": "json", rows: 3, placeholder: s.type === "object" ? '{"Name": "value"}' : "any JSON value", "aria-describedby": helpId });
      } else {
        input = h("input", { id, "data-kind": "string", "aria-describedby": helpId });
      }
      const kind = s.type === "object" ? "JSON object" : !s.type ? "JSON" : s.type;
      out.push(h("div", { class: "field" }, h("label", { for: id }, `${name}${req} `, h("span", { class: "muted" }, `${kind}${limits ? ", " + limits : ""}`)), input,
        help ? h("span", { class: "help", id: helpId }, help) : null));
    }
    return out;
  },

  // collect reads the form into a rule; empty fields and empty groups are
  // left out, so the mock's own checks decide what is missing.
  collect() {
    const rule = {};
    const problems = [];
    for (const el of document.querySelectorAll("#fault-fields [data-kind]")) {
      let v;
      if (el.dataset.kind === "boolean") { if (!el.checked) continue; v = true; }
      else {
        const text = el.value.trim();
        if (text === "") continue;
        if (el.dataset.kind === "integer" || el.dataset.kind === "number") v = Number(text);
        else if (el.dataset.kind === "json") { try { v = JSON.parse(text); } catch { problems.push(`${el.id.slice(6)}: not JSON`); continue; } }
        else v = text;
      }
      const keys = el.id.split(".").slice(1);
      let o = rule;
      for (const k of keys.slice(0, -1)) o = o[k] = o[k] || {};
      o[keys[keys.length - 1]] = v;
    }
    if (!rule.match) rule.match = {};
    return { rule, problems };
  },

  fill(rule, prefix = "fault") {
    for (const el of document.querySelectorAll("#fault-fields [data-kind]")) {
      if (prefix === "fault") { if (el.dataset.kind === "boolean") el.checked = false; else el.value = ""; }
    }
    const walk = (o, path) => {
      for (const [k, v] of Object.entries(o)) {
        const id = `${path}.${k}`;
        const el = document.getElementById(id);
        if (el && el.dataset.kind === "boolean") el.checked = !!v;
        else if (el && el.dataset.kind === "json") el.value = JSON.stringify(v);
        else if (el) el.value = v;
        else if (v && typeof v === "object") walk(v, id);
      }
    };
    walk(rule, prefix);
  },

  async list() {
    let list;
    try { list = (await api.get("/__mock/faults")).faults; } catch { return; }
    for (const r of list) journal.faultsSeen[r.id] = r;
    const tbody = $("#faults-table tbody");
    tbody.replaceChildren(...list.map((r) => {
      const m = r.match || {};
      const remaining = r.times ? `${r.times - (r.hits || 0)} of ${r.times}` : "until deleted";
      return h("tr", { "data-fault": r.id },
        h("td", { class: "mono" }, r.id),
        h("td", { class: "mono" }, `${m.method || "any"} ${m.path || "any path"}${m.credential ? " · " + m.credential : ""}`),
        h("td", {}, describeRule(r).replace(/^matches [^;]*(; )?/, "")),
        h("td", {}, String(r.hits || 0)),
        h("td", {}, remaining),
        h("td", {}, h("button", { type: "button", "aria-label": "Delete " + r.id, onclick: async () => {
          try { await api.call("DELETE", "/__mock/faults/" + encodeURIComponent(r.id)); notice(`Deleted ${r.id}.`); } catch (err) { notice(err.message, true); }
          this.list();
        } }, "Delete")));
    }));
    if (!list.length) tbody.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No rules: every request gets its real answer.")));
  },

  init() {
    $("#fault-example").addEventListener("change", (ev) => {
      const ex = this.examples[ev.target.value];
      this.fill(ex ? ex.value : {});
    });
    $("#fault-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const errors = $("#fault-errors");
      errors.hidden = true;
      const { rule, problems } = this.collect();
      if (problems.length) { showErrors(errors, { errors: problems }); return; }
      try {
        const r = await api.call("POST", "/__mock/faults", { body: JSON.stringify(rule) });
        journal.faultsSeen[r.data.id] = r.data;
        notice(`Added ${r.data.id}${api.session ? " to session " + api.session : ""}.`);
        this.list();
      } catch (err) { showErrors(errors, err); }
    });
    $("#faults-clear").addEventListener("click", async () => {
      try { await api.call("DELETE", "/__mock/faults"); notice("Every rule deleted."); } catch (err) { notice(err.message, true); }
      this.list();
    });
  },

  async show() {
    try { await this.buildForm(); } catch (err) { showErrors($("#fault-errors"), err); }
    this.list();
  },
};

// ---------- sessions ----------

const sessions = {
  async show() {
    const list = await refreshSessions();
    const row = (name, s) => h("tr", { "data-session": name, class: name === api.session ? "selected" : null },
      h("th", { scope: "row" }, name || "default world", name === api.session ? h("span", { class: "muted" }, " (in use)") : ""),
      h("td", {}, s ? clock(s.createdAt) : "startup"), h("td", {}, s ? clock(s.lastUsedAt) : ""),
      h("td", {},
        h("button", { type: "button", disabled: name === api.session, onclick: () => useSession(name) }, "Use"), " ",
        h("button", { type: "button", "aria-label": `Reset ${name || "the default world"}`, onclick: async () => {
          try { await api.call("POST", "/__mock/reset", { session: name }); notice(`${name || "The default world"} is back to the startup fixtures.`); } catch (err) { notice(err.message, true); }
        } }, "Reset"), " ",
        name ? h("button", { type: "button", class: "danger", "aria-label": `Delete session ${name}`, onclick: async () => {
          if (api.session === name) useSession("");
          try { await api.call("DELETE", "/__mock/sessions/" + encodeURIComponent(name), { session: "" }); notice(`Deleted session ${name}.`); } catch (err) { notice(err.message, true); }
          this.show();
        } }, "Delete") : null));
    $("#sessions-table tbody").replaceChildren(row("", null), ...list.map((s) => row(s.name, s)));
  },

  init() {
    $("#session-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const errors = $("#session-errors");
      errors.hidden = true;
      const name = $("#session-name").value.trim();
      const source = document.querySelector("input[name=session-source]:checked").value;
      try {
        if (source === "file") {
          const f = $("#session-file").files[0];
          if (!f) { showErrors(errors, { errors: ["Choose a fixture document."] }); return; }
          await api.call("PUT", "/__mock/sessions/" + encodeURIComponent(name) + "/state", { ...(await documentBody(f)), session: "" });
        } else {
          // Resetting a named session creates it from the startup fixtures.
          await api.call("POST", "/__mock/reset", { session: name });
        }
        $("#session-name").value = "";
        useSession(name);
        this.show();
      } catch (err) { showErrors(errors, err); }
    });
  },
};

// ---------- recordings and replays ----------

const recordings = {
  lastRecording: null,

  show() {
    if (!$("#record-name").value) $("#record-name").value = "recorded-" + (api.session || "default");
  },

  async replay(body, type, label) {
    const errors = $("#replay-errors");
    errors.hidden = true;
    const out = $("#replay-report");
    out.hidden = true;
    try {
      const r = await api.call("POST", "/__mock/replays", { body, type, session: "" });
      this.report(r.data, label);
    } catch (err) { showErrors(errors, err); }
  },

  report(rep, label) {
    const out = $("#replay-report");
    const passed = rep.steps.filter((s) => s.outcome === "passed").length;
    const expectText = (x) => {
      const parts = [x.noAnswer ? "no answer (timeout or dropped connection)" : `status ${x.status}`];
      if (!x.schema) parts.push("(no schema check)");
      for (const b of x.body) parts.push(b.pattern !== undefined ? `${b.path} matches /${b.pattern}/` : `${b.path} = ${JSON.stringify(b.value)}`);
      return parts;
    };
    const words = { passed: "✔ passed", failed: "✘ failed", notRun: "– not run" };
    out.replaceChildren(
      h("h3", { id: "replay-report-title", tabindex: "-1", class: "report-head " + (rep.passed ? "passed" : "failed") },
        `${rep.passed ? "✔ PASSED" : "✘ FAILED"}: ${rep.name} — ${passed} of ${rep.steps.length} steps met their expectations (${label}, session ${rep.session})`),
      h("p", {}, h("button", { type: "button", onclick: () => { useSession(rep.session); location.hash = "#journal"; } }, `Open session ${rep.session} in the journal`)),
      h("table", { class: "grid", id: "replay-steps" },
        h("thead", {}, h("tr", {}, ["#", "Step", "Request", "Expected", "Got", "Outcome"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rep.steps.map((s, i) => h("tr", { "data-outcome": s.outcome },
          h("td", {}, i + 1), h("td", {}, s.name), h("td", { class: "mono" }, `${s.method} ${s.path}`),
          h("td", {}, (() => {
            const lines = expectText(s.expect).map((t) => h("li", { class: "mono" }, t));
            if (lines.length <= 6) return h("ul", {}, lines);
            return [h("ul", {}, lines.slice(0, 4)), h("details", {}, h("summary", {}, `${lines.length - 4} more checks`), h("ul", {}, lines.slice(4)))];
          })()),
          h("td", {}, s.status !== undefined ? statusBadge(s.status) : s.outcome === "notRun" ? "" : "no answer",
            s.responseBody ? h("details", {}, h("summary", {}, "body"), h("pre", { class: "code" }, pretty(s.responseBody))) : null),
          h("td", {}, h("span", { class: "outcome-" + s.outcome }, words[s.outcome]), s.problem ? h("pre", { class: "code error" }, s.problem) : null))))));
    out.hidden = false;
    $("#replay-report-title").focus();
  },

  init() {
    $("#record-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const name = $("#record-name").value.trim() || "recorded";
      try {
        const r = await api.call("GET", "/__mock/requests?format=scenario&name=" + encodeURIComponent(name));
        this.lastRecording = { name, text: r.text };
        const file = name.replace(/[^A-Za-z0-9._-]+/g, "-") + ".yaml";
        download(file, r.text, "application/yaml");
        const steps = (r.text.match(/journal: (\d+) requests/) || [])[1] || "0";
        $("#record-result").textContent = `Recorded ${steps} requests of ${api.session ? "session " + api.session : "the default world"} as ${file} (downloaded).`;
        $("#record-result").hidden = false;
        $("#record-preview").textContent = r.text;
        $("#record-preview").hidden = false;
        $("#replay-recording").disabled = false;
      } catch (err) { notice(err.message, true); }
    });
    $("#replay-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = $("#replay-file").files[0];
      if (!f) { showErrors($("#replay-errors"), { errors: ["Choose a scenario file."] }); return; }
      const text = await f.text();
      let type = "application/yaml";
      try { JSON.parse(text); type = "application/json"; } catch { /* YAML */ }
      this.replay(text, type, f.name);
    });
    $("#replay-recording").addEventListener("click", () => {
      if (this.lastRecording) this.replay(this.lastRecording.text, "application/yaml", "recording " + this.lastRecording.name);
    });
  },
};

// ---------- start ----------

views.journal = journal;
views.state = state;
views.faults = faults;
views.sessions = sessions;
views.recordings = recordings;

let started = false;

function start() {
  if (started) { current = ""; route(); return; }
  started = true;
  refreshSessions();
  route();
  setInterval(() => journal.poll(), 1000);
  setInterval(() => { if (current === "faults") faults.list(); }, 2000);
  setInterval(refreshSessions, 5000);
}

async function boot() {
  initToken();
  journal.init();
  state.init();
  faults.init();
  sessions.init();
  recordings.init();
  window.addEventListener("hashchange", route);
  $("#session-select").addEventListener("change", (ev) => useSession(ev.target.value));
  try {
    await api.get("/__mock/health");
  } catch (err) {
    if (err.status === 401) return; // the prompt is up; start after the token
    notice("The mock did not answer: " + err.message, true);
  }
  start();
}

boot();
