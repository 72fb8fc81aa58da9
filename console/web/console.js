// The maillab console: reads the control API (docs/api.md) and changes faults through it.
"use strict";
const $ = (id) => document.getElementById(id);
const switched = new Map();  // preset name -> fault ids it added
let token = sessionStorage.getItem("maillab-token") || "";

async function api(method, path, body) {
  const headers = {"Content-Type": "application/json"};
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  if (response.status === 401 && !token) {
    token = prompt("Bearer token (--http-token)") || "";
    sessionStorage.setItem("maillab-token", token);
    return api(method, path, body);
  }
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function say(text, bad) {
  $("state").textContent = text;
  $("state").className = bad ? "bad" : "";
}

function text(parent, tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  parent.appendChild(el);
  return el;
}

function setCount(id, value) {
  const el = $(id);
  if (el) el.textContent = value === undefined ? "–" : String(value);
}

function renderStatus(status) {
  const pop3 = status.pop3 || {mailboxes: {}};
  setCount("count-pop3", Object.values(pop3.mailboxes).reduce((a, b) => a + b, 0));
  const smtp = status.smtp || {placements: {}};
  for (const where of ["mailbox", "ndr", "badmail", "forward"]) setCount("count-" + where, smtp.placements[where] || 0);
  setCount("count-sessions", (smtp.sessions || 0) + " sessions");
  const connector = status.connector || {};
  setCount("count-incoming", connector.incoming);
  setCount("count-failed", connector.failed);
}

async function refreshMailboxes() {
  try {
    const data = await api("GET", "/api/exchange/mailboxes");
    const list = $("mailboxes");
    list.replaceChildren();
    for (const mb of data.mailboxes) {
      const folders = Object.entries(mb.folders).map(([f, n]) => f + " " + n).join(", ") || "empty";
      text(list, "li", mb.address + ": " + folders);
    }
  } catch (e) { /* pop3d alone has no Exchange side */ }
}

async function refreshFaults() {
  const data = await api("GET", "/api/faults");
  const list = $("faults");
  list.replaceChildren();
  for (const f of data.faults) {
    const li = text(list, "li", f.id + " " + f.description + " (fired " + f.fired + ") ");
    const remove = text(li, "button", "Remove");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove fault " + f.id);
    remove.onclick = async () => { await api("DELETE", "/api/faults/" + f.id); refresh(); };
  }
  const live = new Set(data.faults.map((f) => f.id));
  for (const [name, ids] of switched) {
    if (!ids.some((id) => live.has(id))) {
      switched.delete(name);
      const box = document.querySelector(`input[data-preset="${CSS.escape(name)}"]`);
      if (box) box.checked = false;
    }
  }
}

async function toggle(box) {
  const name = box.dataset.preset;
  try {
    if (box.checked) {
      const data = await api("POST", "/api/faults", {spec: name, server: box.dataset.server});
      switched.set(name, data.added.map((f) => f.id));
      say(name + " on");
    } else {
      for (const id of switched.get(name) || []) await api("DELETE", "/api/faults/" + id);
      switched.delete(name);
      say(name + " off");
    }
  } catch (e) {
    box.checked = !box.checked;
    say(e.message, true);
  }
  refresh();
}

async function loadPresets() {
  const data = await api("GET", "/api/presets");
  const holder = $("presets");
  for (const p of data.presets) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.preset = p.name;
    box.dataset.server = p.server;
    box.onchange = () => toggle(box);
    label.appendChild(box);
    const span = text(label, "span", p.name + " ");
    text(span, "small", p.server + ": " + p.summary);
    holder.appendChild(label);
  }
}

async function refreshTranscripts() {
  const data = await api("GET", "/api/transcripts?limit=6");
  const pre = $("transcripts");
  pre.replaceChildren();
  for (const t of data.transcripts) {
    text(pre, "span", `--- ${t.server} session ${t.session}\n`);
    for (const l of t.lines) text(pre, "span", `${l.from}: ${l.text}\n`, /^[45]\d\d|^-ERR/.test(l.text) && l.from === "S" ? "refusal" : "");
  }
}

async function refreshEvents() {
  let data;
  try { data = await api("GET", "/api/events?limit=50"); } catch (e) { return; }
  const body = $("events").tBodies[0];
  body.replaceChildren();
  for (const ev of data.events.slice().reverse()) {
    const tr = document.createElement("tr");
    text(tr, "td", ev.type || "", ev.type || "");
    text(tr, "td", ev.time || "");
    text(tr, "td", ev.source || "");
    text(tr, "td", ev.category || "");
    text(tr, "td", ev.id === undefined ? "" : String(ev.id));
    text(tr, "td", ev.description || ev.text || "");
    body.appendChild(tr);
  }
}

function markStage(report) {
  for (const el of document.querySelectorAll(".place")) el.classList.remove("failing");
  if (!report) return;
  const stage = report.failed > 0 ? "smtp" : report.errors > 0 ? "pop3" : null;
  if (stage) document.querySelector(`.place[data-stage="${stage}"]`).classList.add("failing");
  $("cycle").textContent = `Last cycle: ${report.downloaded} downloaded, ${report.delivered} delivered, ` +
    `${report.failed} failed, ${report.errors} errors. ${report.problems.join("; ")}`;
}

async function runConnector() {
  try {
    const report = await api("POST", "/api/connector/run");
    markStage(report);
    say("cycle done");
  } catch (e) { say(e.message, true); }
  refresh();
}

async function loadScenarios() {
  let data;
  try { data = await api("GET", "/api/scenarios"); } catch (e) { $("scenario-title").parentElement.hidden = true; return; }
  for (const s of data.scenarios) {
    const option = text($("scenario"), "option", s.id + ": " + s.title);
    option.value = s.id;
  }
  $("scenario").onchange = showScenario;
  showScenario();
}

async function showScenario() {
  const s = await api("GET", "/api/scenarios/" + encodeURIComponent($("scenario").value));
  const info = $("scenario-info");
  info.replaceChildren();
  text(info, "p", "Fault: " + s.fault);
  text(info, "p", "Symptoms: " + s.symptoms);
  text(info, "p", "Remedy: " + s.remedy);
  $("checks").replaceChildren();
}

async function runScenario() {
  const id = $("scenario").value;
  say("running " + id + "…");
  try {
    const [result] = await api("POST", "/api/scenarios/" + encodeURIComponent(id) + "/run", {profile: $("profile").value});
    const list = $("checks");
    list.replaceChildren();
    for (const c of result.checks) text(list, "li", `${c.step}: ${c.what} — ${c.detail}`, c.passed ? "pass" : "fail");
    say(id + (result.passed ? " passed" : " failed"), !result.passed);
  } catch (e) { say(e.message, true); }
}

// The player's stepped run: its own sandbox and simulators, one step per click.
let stepping = null;
const stepsPath = (id) => "/api/scenarios/" + encodeURIComponent(id) + "/steps";

function showStep(data) {
  const r = data.record;
  const next = data.next ? " — next: " + data.next.action : " — done";
  $("step-state").textContent = `Step ${data.taken} of ${data.total}: ${r.action} (${r.step}, line ${r.line})${next}`;
  const picture = $("step-picture");
  picture.replaceChildren();
  for (const p of r.picture) text(picture, "li", p.place + ": " + p.count).dataset.node = p.node;
  const list = $("checks");
  for (const e of r.events) text(list, "li", `${r.step}: event ${e.id} ${e.type} — ${e.description}`, "event " + e.type);
  for (const c of r.checks) text(list, "li", `${r.step}: ${c.what} — ${c.detail}`, c.passed ? "pass" : "fail");
  if (r.error) text(list, "li", r.error, "fail");
}

async function stepScenario() {
  const id = $("scenario").value;
  try {
    if (stepping !== id) {
      if (stepping) await endScenario();
      await api("POST", stepsPath(id), {profile: $("profile").value});
      stepping = id;
      $("checks").replaceChildren();
      $("end-scenario").disabled = false;
    }
    const data = await api("POST", stepsPath(id) + "/next");
    showStep(data);
    if (data.done) {
      stepping = null;
      $("end-scenario").disabled = true;
      say(id + (data.result.passed ? " passed" : " failed"), !data.result.passed);
    } else {
      say(id + ": step " + data.taken + " of " + data.total);
    }
  } catch (e) { say(e.message, true); }
}

async function endScenario() {
  const id = stepping || $("scenario").value;
  stepping = null;
  $("end-scenario").disabled = true;
  try { await api("DELETE", stepsPath(id)); say(id + ": stepped run ended"); } catch (e) { say(e.message, true); }
}

async function refresh() {
  try {
    renderStatus(await api("GET", "/api/status"));
    await Promise.all([refreshFaults(), refreshMailboxes(), refreshTranscripts(), refreshEvents()]);
  } catch (e) { say(e.message, true); }
}

let pending = null;
function soon() {
  if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 100);
}

async function start() {
  $("run-connector").onclick = runConnector;
  $("run-scenario").onclick = runScenario;
  $("step-scenario").onclick = stepScenario;
  $("end-scenario").onclick = endScenario;
  await loadPresets().catch((e) => say(e.message, true));
  await loadScenarios();
  await refresh();
  if (window.EventSource) {
    // EventSource cannot send the Authorization header: the stream takes the token in its URL.
    const stream = new EventSource("/api/stream" + (token ? "?access_token=" + encodeURIComponent(token) : ""));
    stream.addEventListener("status", (e) => { renderStatus(JSON.parse(e.data)); soon(); });
    for (const type of ["faults", "messages", "mailboxes", "scenario"]) stream.addEventListener(type, soon);
    stream.addEventListener("connector", (e) => { markStage(JSON.parse(e.data)); soon(); });
    stream.onopen = () => say("live");
    stream.onerror = () => say("stream lost; retrying", true);
  } else {
    setInterval(refresh, 2000);
    say("polling");
  }
}

start();
