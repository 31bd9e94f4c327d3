// SCADA operator HMI over the api-gateway: no framework, no build step. Screens are hash routes
// (#/overview, #/device/ID, #/alarms, #/commands); live data comes over SSE read with fetch() so the
// bearer token travels in a header, never in a URL.
"use strict";

const TOKEN_KEY = "scada.token";
const state = {
  token: sessionStorage.getItem(TOKEN_KEY), role: null, subject: null,
  devices: new Map(),       // id -> {info (registry), live (latest JSON)}
  alarms: new Map(),        // alert id -> AlertRecord
  kpis: [], streams: [], screen: null, device: null, series: new Map(), range: "5m",
  commandLog: [],
};
const $ = (sel, root = document) => root.querySelector(sel);
const h = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
};
const isOperator = () => state.role === "operator" || state.role === "admin";
const fmt = v => typeof v === "number" ? (Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 100 ? v.toFixed(1) : +v.toFixed(3)) : v === true ? "on" : v === false ? "off" : String(v ?? "–");
const UNITS = { oee: "OEE", ph: "pH", kw: "kW", co2: "CO₂", l1: "L1", l2: "L2", l3: "L3" };
const label = name => name.replace(/[_.]/g, " ").replace(/\b(oee|ph|kw|co2|l1|l2|l3)\b/gi, w => UNITS[w.toLowerCase()] || w);
const ago = ms => { if (!ms) return "–"; const s = Math.round((Date.now() - ms) / 1000); return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : new Date(ms).toLocaleString(); };
// A path segment: percent-encoded, but ':' and '@' kept (alarm ids contain ':'; the gateway matches raw segments).
const seg = text => encodeURIComponent(text).replace(/%3A/gi, ":").replace(/%40/g, "@");
const time = ms => ms ? new Date(ms).toLocaleTimeString() : "–";

function toast(text) {
  const t = $("#toast"); t.textContent = text; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 5000);
}

// ---- API -----------------------------------------------------------------------------------------
class ApiError extends Error { constructor(status, detail) { super(detail); this.status = status; } }

async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { signOut("Your token was not accepted; sign in again."); throw new ApiError(401, "unauthorized"); }
  if (!response.ok) {
    let detail = response.statusText;
    try { const p = await response.json(); detail = p.detail || p.title || detail; } catch (_) { /* not a problem body */ }
    throw new ApiError(response.status, detail);
  }
  return raw ? response : response.json();
}

async function pages(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items); cursor = page.next_cursor;
  } while (cursor && items.length < 5000);
  return items;
}

// ---- live streams (SSE over fetch, reconnecting) -----------------------------------------------------
class LiveStream {
  constructor(path, onEvent) { this.path = path; this.onEvent = onEvent; this.lastID = null; this.open = false; this.stopped = false; this.controller = null; }
  start() { this.loop(); return this; }
  stop() { this.stopped = true; this.open = false; if (this.controller) this.controller.abort(); }
  async loop() {
    let delay = 500;
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        const headers = { Authorization: `Bearer ${state.token}`, Accept: "text/event-stream" };
        if (this.lastID) headers["Last-Event-ID"] = this.lastID;
        const response = await fetch(this.path, { headers, signal: this.controller.signal, cache: "no-store" });
        if (response.status === 401) { signOut("Your token was not accepted; sign in again."); return; }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        this.open = true; delay = 500; updateConnection();
        await this.read(response.body.getReader());
      } catch (_) { /* network error or abort: reconnect below */ }
      this.open = false; updateConnection();
      if (this.stopped) return;
      await new Promise(r => setTimeout(r, delay)); delay = Math.min(delay * 2, 10000);
    }
  }
  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end); buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        let event = "message", data = [], id = null;
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":"), field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = text; else if (field === "data") data.push(text); else if (field === "id") id = text;
        }
        if (id) this.lastID = id;
        if (data.length) { try { this.onEvent(event, JSON.parse(data.join("\n"))); } catch (_) { /* not JSON: ignore */ } }
      }
    }
  }
}

function updateConnection() {
  const el = $("#connection"), text = $("#connection-text");
  const open = state.streams.filter(s => s.open).length;
  const cls = !state.streams.length ? "offline" : open === state.streams.length ? "live" : open ? "reconnecting" : "reconnecting";
  el.className = `conn conn-${cls}`;
  text.textContent = cls === "live" ? "live" : cls === "offline" ? "offline" : "reconnecting…";
  el.dataset.state = cls;
}

// ---- sign-in -------------------------------------------------------------------------------------
async function signIn(token) {
  state.token = token;
  const me = await api("/api/v1/me");
  state.role = me.role; state.subject = me.subject;
  sessionStorage.setItem(TOKEN_KEY, token);
  $("#role").textContent = `${me.role}`; $("#role").title = `signed in as ${me.subject}`; $("#role").hidden = false;
  $("#sign-out").hidden = false; $("#nav").hidden = false;
  document.body.dataset.role = me.role;
  for (const el of document.querySelectorAll(".op-only")) el.hidden = !isOperator();
  await loadAll();
  state.streams = [
    new LiveStream("/api/v1/telemetry/stream", onTelemetry).start(),
    new LiveStream("/api/v1/alerts/stream", onAlert).start(),
  ];
  updateConnection();
  state.kpiTimer = setInterval(loadKPIs, 10000);
  state.tick = setInterval(() => { if (state.screen === "overview") renderPlant(); }, 5000);
  route();
}

function signOut(message) {
  for (const s of state.streams) s.stop();
  state.streams = []; clearInterval(state.kpiTimer); clearInterval(state.tick);
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null; state.role = null;
  $("#role").hidden = true; $("#sign-out").hidden = true; $("#nav").hidden = true;
  delete document.body.dataset.role;
  updateConnection();
  show("signin");
  $("#signin-error").textContent = message || "";
}

async function loadAll() {
  const [devices, alarms] = await Promise.all([pages("/api/v1/devices?limit=1000"), pages("/api/v1/alerts?limit=1000")]);
  for (const info of devices) state.devices.set(info.device_id, { info, live: state.devices.get(info.device_id)?.live || null });
  for (const a of alarms) state.alarms.set(a.alert_id, a);
  // Current values: each device's detail carries its last stored values; the telemetry stream keeps them fresh.
  const ids = devices.map(d => d.device_id);
  const workers = Array.from({ length: 6 }, async () => {
    while (ids.length) {
      const id = ids.shift();
      try {
        const detail = await api(`/api/v1/devices/${seg(id)}`);
        const entry = state.devices.get(id);
        entry.info = Object.assign({}, entry.info, detail);
        const values = Object.entries(detail.last_values || {});
        entry.ranges = Object.fromEntries(values.filter(([k]) => k.startsWith("ranges.")));
        if (!entry.live) entry.live = { device_id: id, metrics: Object.fromEntries(values.filter(([k]) => !k.startsWith("ranges."))), states: {}, event_time: detail.last_values_at };
      } catch (_) { /* device vanished: keep the list entry */ }
    }
  });
  await Promise.all(workers);
  await loadKPIs();
}

async function loadKPIs() {
  try { state.kpis = (await api("/api/v1/analytics/latest")).items; } catch (_) { return; }
  if (state.screen === "overview") renderKPIs();
}

// ---- live events -----------------------------------------------------------------------------------
let renderPending = false, alarmsChanged = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; renderCurrent(true); });
}

function onTelemetry(event, data) {
  const id = data.device_id;
  if (!id) return;
  const entry = state.devices.get(id) || { info: { device_id: id, device_type: data.device_type, site: data.site, line: data.line, completeness: {} }, live: null };
  // The tank's range message arrives as a record of its own (ranges.* only): keep its values apart and keep the
  // device's last ordinary values on screen.
  const metrics = Object.entries(data.metrics || {});
  if (metrics.length && metrics.every(([k]) => k.startsWith("ranges."))) {
    entry.ranges = Object.assign(entry.ranges || {}, data.metrics);
    state.devices.set(id, entry);
    scheduleRender();
    return;
  }
  entry.live = data;
  entry.info.status = data.status; entry.info.online = data.online; entry.info.last_seen = data.event_time || entry.info.last_seen;
  state.devices.set(id, entry);
  if (state.screen === "device" && state.device === id && state.range === "5m" && data.event_time) {
    for (const [name, v] of Object.entries(data.metrics || {})) {
      const s = state.series.get(name) || [];
      if (!s.length || s[s.length - 1].t < data.event_time) s.push({ t: data.event_time, v });
      while (s.length && s[0].t < Date.now() - 5 * 60000) s.shift();
      state.series.set(name, s);
    }
  }
  scheduleRender();
}

function onAlert(event, data) {
  if (event !== "alert" || !data.alert_id) return;
  const known = state.alarms.get(data.alert_id);
  if (known && (known.sequence || 0) > (data.sequence || 0)) return;
  state.alarms.set(data.alert_id, data);
  alarmsChanged = true;
  scheduleRender();
}

// ---- alarms helpers --------------------------------------------------------------------------------
const needsAttention = a => ["active_unacknowledged", "active_acknowledged", "returned_unacknowledged"].includes(a.state);
const priorityOf = a => a.priority || (a.severity === "critical" ? 1 : a.severity === "warning" ? 2 : 3);
const activeAlarms = () => [...state.alarms.values()].filter(needsAttention)
  .sort((a, b) => priorityOf(a) - priorityOf(b) || (b.event_time - a.event_time));
const alarmsOf = id => activeAlarms().filter(a => a.device_id === id).length;

function updateAlarmCount() {
  const n = activeAlarms().length, c = $("#nav-alarm-count");
  c.textContent = n; c.classList.toggle("zero", n === 0); c.setAttribute("aria-label", `${n} active alarms`);
}

// ---- screens ---------------------------------------------------------------------------------------
function show(name) {
  state.screen = name;
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== `screen-${name}`;
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.screen === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

function route() {
  if (!state.role) { show("signin"); return; }
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  const screen = parts[0] || "overview";
  if (screen === "device" && parts[1]) {
    const id = decodeURIComponent(parts[1]);
    if (state.device !== id) { state.device = id; state.series = new Map(); }
    show("device"); loadHistory();
  } else if (screen === "alarms") { show("alarms"); }
  else if (screen === "commands" && isOperator()) { show("commands"); renderCommandDevices(); }
  else { show("overview"); }
  renderCurrent(false);
}

function renderCurrent(live) {
  updateAlarmCount();
  if (state.screen === "overview") renderPlant();
  else if (state.screen === "device") renderDevice(live);
  else if (state.screen === "alarms" && (!live || alarmsChanged)) { alarmsChanged = false; renderAlarms(); }
  else if (state.screen === "commands") renderCommandState();
}

// Overview: sites → lines → device cards.
function renderKPIs() {
  const box = $("#kpis"); box.replaceChildren();
  const tiles = [];
  for (const item of state.kpis) {
    const flat = [];
    const walk = (prefix, v, depth) => {
      if (typeof v === "number") flat.push([prefix, v]);
      else if (v && typeof v === "object" && depth < 2) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
    };
    walk("", item.value, 0);
    const preferred = flat.filter(([k]) => /oee|power|comfort|availability|performance|quality|energy/i.test(k));
    for (const [k, v] of (preferred.length ? preferred : flat).slice(0, 6)) tiles.push({ key: item.key, name: k, v });
  }
  if (!tiles.length) { box.append(h("p", { class: "muted" }, "No plant KPIs yet (the analytics stream is empty).")); return; }
  for (const t of tiles.slice(0, 12)) {
    const pct = /oee|availability|performance|quality|comfort/i.test(t.name) && t.v <= 1.0001 && t.v >= 0;
    box.append(h("div", { class: "kpi", "data-kpi": `${t.key}:${t.name}` },
      h("div", { class: "label" }, label(t.name)),
      h("div", { class: "value" }, pct ? `${(t.v * 100).toFixed(1)} %` : fmt(t.v)),
      h("div", { class: "key", title: t.key }, t.key)));
  }
}

function completenessBadge(info) {
  const c = info.completeness || {};
  if (c.ratio === null || c.ratio === undefined) return h("span", { class: "badge", title: "no sequence numbers stored yet" }, "data –");
  const pct = c.ratio * 100, cls = pct >= 99.9 ? "good" : pct >= 98 ? "warn" : "bad";
  return h("span", { class: `badge ${cls}`, "data-completeness": c.ratio, title: `${c.stored} of ${c.expected} samples stored, ${c.missing} missing, ${c.duplicates} duplicates` },
    `data ${pct >= 99.95 ? "100" : pct.toFixed(1)} %`);
}

// Online by its status (birth/last will); a device without a status record that sent data in the last 30 s is
// shown as "reporting" rather than greyed out.
function liveness(info) {
  if (info.online === true || info.status === "online") return "online";
  if ((!info.status || info.status === "unknown") && info.last_seen && Date.now() - info.last_seen < 30000) return "reporting";
  return "offline";
}

function statusBadge(info) {
  const state = liveness(info);
  return h("span", { class: `badge ${state === "offline" ? "offline" : "online"}`, "data-status": state, title: `status: ${info.status || "unknown"}` },
    state === "offline" ? (info.status || "unknown") : state);
}

function deviceCard(entry) {
  const { info, live } = entry, id = info.device_id, n = alarmsOf(id);
  const online = liveness(info) !== "offline";
  const metrics = Object.entries(live?.metrics || {}).filter(([k]) => !k.startsWith("ranges.")).slice(0, 6);
  const states = Object.entries(live?.states || {}).slice(0, 2);
  return h("a", { class: `device ${online ? "" : "offline"} ${n ? "alarmed" : ""}`, href: `#/device/${seg(id)}`, "data-device": id,
                  "aria-label": `${id}, ${online ? "online" : "offline"}${n ? `, ${n} active alarms` : ""}` },
    h("div", { class: "device-top" }, h("span", { class: "device-name" }, id), h("span", { class: "device-type" }, label(info.device_type || ""))),
    h("div", { class: "badges" }, statusBadge(info), completenessBadge(info),
      n ? h("span", { class: "badge alarm", "data-alarms": n }, `${n} alarm${n > 1 ? "s" : ""}`) : null),
    h("dl", { class: "metrics" }, ...metrics.flatMap(([k, v]) => [h("dt", { title: k }, label(k)), h("dd", { "data-metric": k }, fmt(v))]),
      ...states.flatMap(([k, v]) => [h("dt", {}, label(k)), h("dd", { "data-state": k }, fmt(v))])),
    h("div", { class: "muted small updated" }, `updated ${ago(live?.event_time || info.last_seen)}`));
}

function renderPlant() {
  if (!$("#kpis").childElementCount) renderKPIs();
  const box = $("#plant"); box.replaceChildren();
  if (!state.devices.size) { box.append(h("p", { class: "empty" }, "No devices have reported yet.")); return; }
  const sites = new Map();
  for (const entry of [...state.devices.values()].sort((a, b) => a.info.device_id.localeCompare(b.info.device_id))) {
    const site = entry.info.site || entry.live?.site || "unassigned", line = entry.info.line || entry.live?.line || "—";
    if (!sites.has(site)) sites.set(site, new Map());
    const lines = sites.get(site);
    if (!lines.has(line)) lines.set(line, []);
    lines.get(line).push(entry);
  }
  for (const [site, lines] of [...sites].sort()) {
    const section = h("section", { class: "site", "aria-label": `Site ${site}` }, h("h3", {}, `Site ${site}`));
    for (const [line, entries] of [...lines].sort()) {
      section.append(h("h4", { class: "line-title" }, `Line ${line}`), h("div", { class: "devices" }, entries.map(deviceCard)));
    }
    box.append(section);
  }
}

// Device page: live values, completeness, one trend chart per metric.
const RANGES = { "5m": 5 * 60000, "1h": 3600000, "6h": 6 * 3600000, "24h": 86400000, "7d": 7 * 86400000 };
const RESOLUTION = { "5m": "raw", "1h": "1m", "6h": "1m", "24h": "1m", "7d": "1h" };

async function loadHistory() {
  const id = state.device, range = state.range, to = Date.now(), from = to - RANGES[range];
  const path = `/api/v1/devices/${seg(id)}/history?from=${from}&to=${to}&resolution=${RESOLUTION[range]}`;
  $("#csv-link").href = `${path}&format=csv`;
  $("#range-info").textContent = range === "5m" ? "raw samples, live" : RESOLUTION[range] === "1m" ? "1-minute rollups (avg, min–max band)" : "1-hour rollups (avg, min–max band)";
  try {
    const series = new Map();
    let path2 = path;
    for (let page = 0; page < 5 && path2; page++) {
      const answer = await api(path2);
      for (const p of answer.points) {
        if (p.values) for (const [k, v] of Object.entries(p.values)) { if (!series.has(k)) series.set(k, []); series.get(k).push({ t: p.t, v }); }
        if (p.stats) for (const [k, s] of Object.entries(p.stats)) { if (!series.has(k)) series.set(k, []); series.get(k).push({ t: p.t, v: s.avg, min: s.min, max: s.max }); }
      }
      path2 = answer.next_cursor ? `${path}&cursor=${encodeURIComponent(answer.next_cursor)}` : null;
    }
    if (state.device !== id || state.range !== range) return;
    state.series = series; state.seriesFrom = from;
  } catch (e) { if (e.status !== 401) toast(`History: ${e.message}`); }
  renderDevice(false);
}

function renderDevice(live) {
  const entry = state.devices.get(state.device);
  $("#device-title").textContent = state.device;
  if (entry) {
    $("#device-status").replaceWith(Object.assign(statusBadge(entry.info), { id: "device-status" }));
    $("#device-completeness").replaceWith(Object.assign(completenessBadge(entry.info), { id: "device-completeness" }));
    const values = $("#device-values"); values.replaceChildren();
    for (const [k, v] of Object.entries(entry.live?.metrics || {}).filter(([k]) => !k.startsWith("ranges."))) values.append(h("div", { class: "value-tile" }, h("div", { class: "label" }, label(k)), h("div", { class: "value", "data-metric": k }, fmt(v))));
    for (const [k, v] of Object.entries(entry.live?.states || {})) values.append(h("div", { class: "value-tile" }, h("div", { class: "label" }, label(k)), h("div", { class: "value", "data-state": k }, fmt(v))));
  }
  if (live && state.range !== "5m") return;
  const to = Date.now(), from = state.range === "5m" ? to - RANGES["5m"] : state.seriesFrom || to - RANGES[state.range];
  const charts = $("#charts"); charts.replaceChildren();
  const names = [...state.series.keys()].filter(n => !n.startsWith("ranges.")).sort();
  if (!names.length) charts.append(h("p", { class: "empty" }, "No history in this range yet."));
  for (const name of names) {
    const title = `${label(name)} trend, ${$("#range").selectedOptions[0].textContent}`;
    charts.append(h("figure", { class: "chart", "data-chart": name }, h("figcaption", {}, h("strong", {}, label(name))),
      TrendChart.draw(title, { points: state.series.get(name), from, to })));
  }
}

async function downloadCSV(event) {
  event.preventDefault();
  try {
    const response = await api($("#csv-link").getAttribute("href"), { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const a = h("a", { href: url, download: `${state.device}-${state.range}.csv` });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) { if (e.status !== 401) toast(`CSV export: ${e.message}`); }
}

// Alarms: active table with actions, recent table, one alarm's history.
function alarmRow(a, withActions) {
  const p = priorityOf(a), unacked = a.state === "active_unacknowledged" || a.state === "returned_unacknowledged";
  const cells = [
    h("td", { class: "prio" }, `P${p} ${a.severity}`),
    h("td", {}, h("a", { href: `#/device/${seg(a.device_id)}` }, a.device_id)),
    h("td", {}, h("div", {}, a.message || a.rule), h("div", { class: "muted small" }, `${a.rule}${a.metric ? " · " + a.metric : ""}`)),
    h("td", {}, a.value === undefined || a.value === null ? "–" : fmt(a.value), a.threshold !== undefined && a.threshold !== null ? h("span", { class: "muted" }, ` / ${fmt(a.threshold)}`) : null),
    h("td", { "data-alarm-state": a.state }, label(a.state), a.shelved_until ? h("div", { class: "muted small" }, `until ${new Date(a.shelved_until).toLocaleString()}`) : null),
    h("td", {}, time(withActions ? (a.raised_at || a.event_time) : a.event_time)),
  ];
  if (withActions) {
    const actions = h("div", { class: "actions" });
    if (isOperator()) {
      if (unacked) actions.append(h("button", { type: "button", class: "primary", "data-action": "ack", "aria-label": `Acknowledge ${a.alert_id}`, onclick: () => alarmAction(a, "ack") }, "Ack"));
      if (a.state === "shelved") actions.append(h("button", { type: "button", "data-action": "unshelve", "aria-label": `Unshelve ${a.alert_id}`, onclick: () => alarmAction(a, "unshelve") }, "Unshelve"));
      else {
        const select = h("select", { "aria-label": `Shelve duration for ${a.alert_id}` }, ["1h", "8h", "24h"].map(d => h("option", { value: d }, d)));
        actions.append(select, h("button", { type: "button", "data-action": "shelve", "aria-label": `Shelve ${a.alert_id}`, onclick: () => alarmAction(a, "shelve", { duration: select.value }) }, "Shelve"));
      }
    }
    actions.append(h("button", { type: "button", "aria-label": `History of ${a.alert_id}`, onclick: () => showHistory(a.alert_id) }, "History"));
    cells.push(h("td", {}, actions));
  } else {
    cells.push(h("td", {}, h("button", { type: "button", "aria-label": `History of ${a.alert_id}`, onclick: () => showHistory(a.alert_id) }, "History")));
  }
  return h("tr", { class: `prio-${Math.min(p, 4)} ${unacked ? "unacked" : ""}`, "data-alert": a.alert_id }, cells);
}

function renderAlarms() {
  const active = activeAlarms().concat([...state.alarms.values()].filter(a => a.state === "shelved"));
  const body = $("#active-alarms tbody"); body.replaceChildren();
  if (!active.length) body.append(h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No active alarms.")));
  for (const a of active) body.append(alarmRow(a, true));
  const recent = [...state.alarms.values()].sort((a, b) => b.event_time - a.event_time).slice(0, 50);
  const rbody = $("#recent-alarms tbody"); rbody.replaceChildren();
  if (!recent.length) rbody.append(h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No alarms yet.")));
  for (const a of recent) rbody.append(alarmRow(a, false));
}

async function alarmAction(alarm, action, extra = {}) {
  try {
    const answer = await api(`/api/v1/alerts/${seg(alarm.alert_id)}/${action}`, { method: "POST", body: { comment: `from the HMI by ${state.subject}`, ...extra } });
    if (answer.alert_id && answer.state) onAlert("alert", answer);
    toast(answer.status === "pending" ? `${action}: sent, waiting for the detector` : `${action}: ${label(answer.state || "done")}`);
  } catch (e) { if (e.status !== 401) toast(`${action} failed: ${e.message}`); }
}

async function showHistory(id) {
  const box = $("#alarm-history"); box.hidden = false;
  $("#alarm-history-title").textContent = `History of ${id}`;
  try {
    const detail = await api(`/api/v1/alerts/${seg(id)}`);
    const body = $("tbody", box); body.replaceChildren();
    for (const t of detail.transitions || []) body.append(h("tr", {}, h("td", {}, new Date(t.event_time).toLocaleString()), h("td", {}, t.transition || "–"),
      h("td", {}, label(t.state || "")), h("td", {}, fmt(t.value)), h("td", {}, t.message || "")));
    if (!(detail.transitions || []).length) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No stored transitions yet.")));
    const list = $("#alarm-history-actions"); list.replaceChildren();
    for (const a of detail.actions || []) list.append(h("li", {}, `${new Date(a.at).toLocaleString()}: ${a.action} by ${a.user}${a.comment ? ` — “${a.comment}”` : ""}`));
  } catch (e) { if (e.status !== 401) toast(`History: ${e.message}`); }
}

// Commands: fish tank heater, controller takeover, target ranges; setpoints and power of other devices.
const TANK_MEASUREMENTS = ["temperature", "ph", "dissolved_oxygen", "ammonia", "water_level"];
const SETPOINTS = { vehicle: ["target_speed"], energy_meter: ["base_load"], cnc_machine: ["spindle_speed", "feed_rate"], environment_monitor: ["temperature"], manufacturing_line: ["line_speed"] };

function renderCommandDevices() {
  const select = $("#command-device"), current = select.value;
  const ids = [...state.devices.values()].map(e => e.info).sort((a, b) => (a.device_type === "fish_tank" ? 0 : 1) - (b.device_type === "fish_tank" ? 0 : 1) || a.device_id.localeCompare(b.device_id));
  select.replaceChildren(...ids.map(d => h("option", { value: d.device_id }, `${d.device_id} (${label(d.device_type || "device")})`)));
  if (current && ids.some(d => d.device_id === current)) select.value = current;
  renderCommandPanel();
}

function renderCommandState() {
  const id = $("#command-device").value, entry = state.devices.get(id);
  if (!entry) return;
  const m = entry.live?.metrics || {}, s = entry.live?.states || {};
  const bits = Object.entries(s).map(([k, v]) => `${label(k)}: ${fmt(v)}`).concat(Object.entries(m).filter(([k]) => !k.startsWith("ranges.")).slice(0, 3).map(([k, v]) => `${label(k)} ${fmt(v)}`));
  $("#command-live").textContent = bits.join(" · ");
  const heater = $("#heater-state"); if (heater) heater.textContent = fmt(s.heater);
  const current = $("#range-current"), measurement = $("#range-measurement");
  if (current && measurement) {
    const r = entry.ranges || {};
    const lo = r[`ranges.${measurement.value}.min`], hi = r[`ranges.${measurement.value}.max`];
    current.textContent = lo === undefined || hi === undefined ? "not reported yet" : `${fmt(lo)} – ${fmt(hi)}`;
  }
  const ctl = $("#controller-state"); if (ctl) ctl.textContent = s.controller || "–";
}

function commandCard(title, ...content) { return h("div", { class: "card" }, h("h3", {}, title), ...content); }

function renderCommandPanel() {
  const id = $("#command-device").value, entry = state.devices.get(id), panel = $("#command-panel");
  panel.replaceChildren();
  if (!entry) { panel.append(h("p", { class: "empty" }, "No device selected.")); return; }
  const type = entry.info.device_type;
  if (type === "fish_tank") {
    panel.append(commandCard("Heater",
      h("p", { class: "state-line" }, "Heater is ", h("strong", { id: "heater-state" }, "–")),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", id: "heater-on", onclick: () => sendCommand(id, "set_heater", { on: true }) }, "Heater on"),
        h("button", { type: "button", id: "heater-off", onclick: () => sendCommand(id, "set_heater", { on: false }) }, "Heater off"))));
    panel.append(commandCard("Controller",
      h("p", { class: "state-line" }, "Controller: ", h("strong", { id: "controller-state" }, "–")),
      h("div", { class: "actions" },
        h("button", { type: "button", id: "takeover", onclick: () => sendCommand(id, "set_controller", { mode: "external" }) }, "Take over (external)"),
        h("button", { type: "button", id: "release", onclick: () => sendCommand(id, "set_controller", { mode: "builtin" }) }, "Hand back (built-in)"))));
    const measurement = h("select", { id: "range-measurement" }, TANK_MEASUREMENTS.map(n => h("option", { value: n }, label(n))));
    const min = h("input", { id: "range-min", type: "number", step: "any", value: "24", required: true });
    const max = h("input", { id: "range-max", type: "number", step: "any", value: "27", required: true });
    measurement.addEventListener("change", renderCommandState);
    panel.append(commandCard("Target range",
      h("p", { class: "state-line" }, "Current range: ", h("strong", { id: "range-current" }, "–")),
      h("form", { id: "range-form", onsubmit: e => { e.preventDefault(); sendCommand(id, "set_range", { measurement: measurement.value, min: Number(min.value), max: Number(max.value) }); } },
        h("label", { for: "range-measurement" }, "Measurement", measurement), h("label", { for: "range-min" }, "Min", min), h("label", { for: "range-max" }, "Max", max),
        h("button", { type: "submit", class: "primary", id: "range-apply" }, "Apply range"))));
  } else {
    panel.append(commandCard("Power", h("div", { class: "actions" },
      h("button", { type: "button", class: "primary", onclick: () => sendCommand(id, "set_power", { on: true }) }, "Power on"),
      h("button", { type: "button", onclick: () => sendCommand(id, "set_power", { on: false }) }, "Power off"))));
    const names = SETPOINTS[type] || [];
    if (names.length) {
      const name = h("select", { id: "setpoint-name" }, names.map(n => h("option", { value: n }, label(n))));
      const value = h("input", { id: "setpoint-value", type: "number", step: "any", required: true });
      panel.append(commandCard("Setpoint", h("form", { onsubmit: e => { e.preventDefault(); sendCommand(id, "set_setpoint", { name: name.value, value: Number(value.value) }); } },
        h("label", { for: "setpoint-name" }, "Setpoint", name), h("label", { for: "setpoint-value" }, "Value", value),
        h("button", { type: "submit", class: "primary" }, "Apply setpoint"))));
    }
  }
  renderCommandState();
}

/** Shows a command's answer (sent, acked or rejected by the device) in the result line and the command log. */
function showCommandAnswer(result, entry, answer) {
  const ack = answer.ack || {};
  entry.status = answer.status || "pending"; entry.reason = ack.reason || "";
  result.className = `result ${entry.status}`; result.dataset.status = entry.status;
  result.textContent = entry.status === "pending" ? `${entry.command}: no ack from ${entry.device} yet (command ${answer.command_id}), waiting…`
    : `${entry.command}: ${entry.device} ${entry.status}${entry.reason ? ` — ${entry.reason}` : ""}`;
  const log = $("#command-log tbody"); log.replaceChildren(...state.commandLog.slice(0, 20).map(c => h("tr", { "data-ack": c.status },
    h("td", {}, time(c.at)), h("td", {}, c.device), h("td", {}, c.command), h("td", {}, JSON.stringify(c.params)), h("td", {}, c.status), h("td", {}, c.reason))));
}

async function sendCommand(device, command, params) {
  const result = $("#command-result");
  result.className = "result pending"; result.dataset.status = "sending"; result.textContent = `${command} sent to ${device}, waiting for the device's ack…`;
  for (const b of document.querySelectorAll("#command-panel button")) b.disabled = true;
  try {
    let answer = await api(`/api/v1/devices/${seg(device)}/commands?wait_ms=5000`, { method: "POST", body: { command, params } });
    const entry = { at: Date.now(), device, command, params, status: answer.status || "pending", reason: "" };
    state.commandLog.unshift(entry);
    showCommandAnswer(result, entry, answer);
    // A device that answers later than the request's wait: follow the command until its ack is stored (or 60 s).
    const followUntil = Date.now() + 60000;
    while ((answer.status || "pending") === "pending" && answer.command_id && Date.now() < followUntil) {
      await new Promise(resolve => setTimeout(resolve, 1000));
      answer = await api(`/api/v1/commands/${seg(answer.command_id)}`);
      showCommandAnswer(result, entry, answer);
    }
  } catch (e) {
    result.className = "result rejected"; result.textContent = `${command} failed: ${e.message}`;
  } finally {
    for (const b of document.querySelectorAll("#command-panel button")) b.disabled = false;
  }
}

// ---- wiring ----------------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  $("#signin-form").addEventListener("submit", async e => {
    e.preventDefault();
    $("#signin-error").textContent = "";
    const button = $("#signin-button"); button.disabled = true;
    try { await signIn($("#token").value.trim()); $("#token").value = ""; }
    catch (err) { if (err.status !== 401) signOut(`Sign-in failed: ${err.message}`); }
    finally { button.disabled = false; }
  });
  $("#sign-out").addEventListener("click", () => signOut());
  $("#range").addEventListener("change", e => { state.range = e.target.value; state.series = new Map(); loadHistory(); });
  $("#csv-link").addEventListener("click", downloadCSV);
  $("#command-device").addEventListener("change", renderCommandPanel);
  window.addEventListener("hashchange", route);
  if (state.token) signIn(state.token).catch(() => signOut("Sign in again."));
  else show("signin");
});
