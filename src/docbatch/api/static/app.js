// docbatch dashboard: batches with live progress, documents and their errors, a document
// view with highlighted entities, recover and cancel. No libraries, no CDN.
// Untrusted text (paths, reasons, document text) is only ever set as textContent.
"use strict";

const TOKEN_KEY = "docbatch.token";
const TERMINAL = new Set(["completed", "completed_with_failures", "cancelled"]);
const views = ["token-view", "list-view", "batch-view", "document-view"];
let timer = null;
let stream = null;

const $ = (id) => document.getElementById(id);

function show(view) {
  for (const id of views) $(id).hidden = id !== view;
}

function message(text) {
  $("message").textContent = text || "";
  $("message").hidden = !text;
}

// The same-origin CSRF token the page's response set as a cookie; the server refuses
// a state change that is not JSON, has no Authorization header and lacks this header.
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)docbatch_csrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  $("logout").hidden = !token;
  const headers = { "X-Docbatch-CSRF": csrfToken() };
  if (token) headers.Authorization = "Bearer " + token;
  return headers;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { ...authHeaders(), ...(options.headers || {}) },
  });
  if (response.status === 401) {
    show("token-view");
    throw new Error("a valid API token is required");
  }
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return response.json();
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function progressBar(batch, big) {
  const bar = $("batch-bar");
  const wrap = big ? bar.parentElement : el("span");
  const inner = big ? bar : el("div");
  if (!big) {
    wrap.className = "bar";
    wrap.appendChild(inner);
  }
  wrap.dataset.percent = Math.round(batch.percent);
  inner.style.width = batch.percent + "%";
  // Green for completed, red for failed, in proportion within the finished part.
  const done = batch.completed + batch.failed + batch.cancelled;
  const ok = done ? (100 * batch.completed) / done : 100;
  inner.style.background = `linear-gradient(90deg, #16a34a ${ok}%, #dc2626 ${ok}%)`;
  return wrap;
}

function stopLive() {
  if (timer) clearInterval(timer);
  if (stream) stream.abort();
  timer = null;
  stream = null;
  $("live").textContent = "";
}

// ---- batch list --------------------------------------------------------------------

async function renderList() {
  const batches = await api("/api/batches?limit=50");
  const body = $("batches").tBodies[0];
  body.replaceChildren();
  for (const batch of batches) {
    const row = el("tr");
    row.dataset.id = batch.id;
    row.dataset.state = batch.state;
    row.appendChild(el("td", batch.name || batch.id.slice(0, 8)));
    row.appendChild(el("td", batch.state, "state-" + batch.state));
    row.appendChild(el("td", batch.priority));
    const cell = el("td", "", "progress");
    cell.appendChild(progressBar(batch, false));
    cell.appendChild(el("span", Math.round(batch.percent) + "\u00a0%", "pct"));
    row.appendChild(cell);
    row.appendChild(el("td", batch.completed + batch.failed + batch.cancelled + "/" + batch.total));
    row.appendChild(el("td", batch.failed, batch.failed ? "state-failed" : ""));
    row.appendChild(el("td", new Date(batch.created_at).toLocaleString()));
    row.addEventListener("click", () => { location.hash = "#/batch/" + batch.id; });
    body.appendChild(row);
  }
  $("live").textContent = "updated " + new Date().toLocaleTimeString();
}

async function submitBatch(event) {
  event.preventDefault();
  const files = $("files").files;
  const paths = $("paths").value.split("\n").map((p) => p.trim()).filter(Boolean);
  const priority = $("priority").value;
  let options;
  if (files.length) {
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    form.append("priority", priority);
    options = { method: "POST", body: form };
  } else if (paths.length) {
    options = {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ paths, priority }),
    };
  } else {
    $("submit-status").textContent = "choose files or give server paths";
    return;
  }
  $("submit").disabled = true;
  try {
    const batch = await api("/api/batches", options);
    $("submit-status").textContent = "submitted " + batch.id;
    $("paths").value = "";
    $("files").value = "";
    location.hash = "#/batch/" + batch.id;
  } catch (error) {
    $("submit-status").textContent = error.message;
  } finally {
    $("submit").disabled = false;
  }
}

// ---- one batch ---------------------------------------------------------------------

function showBatch(batch) {
  $("batch-title").textContent = (batch.name || "batch") + " " + batch.id;
  $("batch-title").dataset.state = batch.state;
  progressBar(batch, true);
  const eta = batch.eta_seconds == null ? "-" : Math.round(batch.eta_seconds) + " s";
  const rate = batch.rate_docs_per_s == null ? "-" : batch.rate_docs_per_s + " docs/s";
  $("batch-summary").textContent =
    `${batch.state} · ${Math.round(batch.percent)} % · ${batch.completed} completed · ` +
    `${batch.failed} failed · ${batch.cancelled} cancelled of ${batch.total} · ` +
    `${batch.pages} pages · rate ${rate} · ETA ${eta}`;
  $("batch-summary").dataset.percent = Math.round(batch.percent);
  $("recover").disabled = !(batch.failed > 0 && TERMINAL.has(batch.state));
  $("cancel").disabled = TERMINAL.has(batch.state);
}

async function renderDocuments(batchId) {
  const state = $("doc-filter").value;
  const query = state ? "&state=" + state : "";
  const documents = await api(`/api/batches/${batchId}/documents?limit=500${query}`);
  const body = $("documents").tBodies[0];
  body.replaceChildren();
  for (const doc of documents) {
    const row = el("tr");
    row.dataset.id = doc.id;
    row.dataset.state = doc.state;
    row.appendChild(el("td", doc.path));
    row.appendChild(el("td", doc.state, "state-" + doc.state));
    row.appendChild(el("td", doc.stage));
    row.appendChild(el("td", doc.page_count == null ? "" : doc.page_count));
    const error = doc.error_reason ? `${doc.error_category}/${doc.error_code}: ${doc.error_reason}` : "";
    row.appendChild(el("td", error, "error"));
    row.addEventListener("click", () => { location.hash = "#/document/" + doc.id; });
    body.appendChild(row);
  }
}

async function refreshBatch(batchId) {
  const batch = await api("/api/batches/" + batchId);
  showBatch(batch);
  await renderDocuments(batchId);
  return batch;
}

// Server-sent events read with fetch, so the Authorization header can be sent
// (EventSource cannot send headers).
async function follow(batchId) {
  stream = new AbortController();
  const response = await fetch(`/api/batches/${batchId}/events`, {
    headers: authHeaders(), signal: stream.signal,
  });
  if (!response.ok || !response.body) throw new Error("event stream unavailable");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let lastDocs = 0;
  $("live").textContent = "live";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const kind = (frame.match(/^event: (.*)$/m) || [])[1];
      const data = (frame.match(/^data: (.*)$/m) || [])[1];
      if (kind === "status" && data) {
        const status = JSON.parse(data);
        const batch = await api("/api/batches/" + batchId);
        showBatch(batch);
        const done = status.completed + status.failed + status.cancelled;
        if (done !== lastDocs) { lastDocs = done; await renderDocuments(batchId); }
      }
    }
  }
  await refreshBatch(batchId);
  $("live").textContent = "finished";
}

async function renderBatch(batchId) {
  show("batch-view");
  $("action-status").textContent = "";
  const batch = await refreshBatch(batchId);
  if (!TERMINAL.has(batch.state)) {
    follow(batchId).catch(() => {
      // No stream (proxy, old browser): poll instead.
      if (!timer) timer = setInterval(() => refreshBatch(batchId).catch(message), 2000);
    });
  }
}

async function batchAction(action) {
  const batchId = location.hash.split("/")[2];
  $("action-status").textContent = action + "…";
  try {
    const batch = await api(`/api/batches/${batchId}/${action}`, { method: "POST" });
    if (action === "recover") {
      $("action-status").textContent = "recovery batch " + batch.id;
      location.hash = "#/batch/" + batch.id;
    } else {
      $("action-status").textContent = "cancelled";
      await refreshBatch(batchId);
    }
  } catch (error) {
    $("action-status").textContent = error.message;
  }
}

// ---- one document ------------------------------------------------------------------

function highlighted(page, mentions) {
  const pre = el("pre");
  const start = page.start;
  const end = start + page.text.length;
  const inside = mentions
    .filter((m) => m.start >= start && m.end <= end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let cursor = 0;
  for (const mention of inside) {
    const from = mention.start - start;
    if (from < cursor) continue; // overlapping mention: keep the first
    pre.appendChild(document.createTextNode(page.text.slice(cursor, from)));
    const mark = el("mark", page.text.slice(from, mention.end - start), "t-" + mention.type);
    mark.title = `${mention.type}: ${mention.normalized}`;
    mark.dataset.type = mention.type;
    pre.appendChild(mark);
    cursor = mention.end - start;
  }
  pre.appendChild(document.createTextNode(page.text.slice(cursor)));
  return pre;
}

async function renderDocument(documentId) {
  show("document-view");
  const doc = await api("/api/documents/" + documentId);
  $("doc-back").href = "#/batch/" + doc.batch_id;
  $("doc-title").textContent = doc.path;
  $("doc-title").dataset.state = doc.state;
  $("doc-summary").textContent =
    `${doc.state} at ${doc.stage} · ${doc.page_count ?? "?"} pages (${doc.ocr_pages ?? 0} OCR) · ` +
    `${doc.chunks.length} chunks · ${doc.mentions.length} entities · attempts ${doc.attempts}`;
  $("doc-error").textContent = doc.error_reason
    ? `failed in ${doc.error_stage}: ${doc.error_category}/${doc.error_code}: ${doc.error_reason}` : "";
  const types = [...new Set(doc.mentions.map((m) => m.type))].sort();
  $("legend").replaceChildren(...types.map((t) => el("mark", t, "t-" + t)));
  const pages = $("pages");
  pages.replaceChildren();
  for (const page of doc.pages) {
    const box = el("section", null, "page");
    box.appendChild(el("h3", `page ${page.number}${page.ocr ? " (OCR)" : ""}`));
    box.appendChild(highlighted(page, doc.mentions));
    pages.appendChild(box);
  }
}

// ---- routing -----------------------------------------------------------------------

async function route() {
  stopLive();
  message("");
  const [, kind, id] = location.hash.split("/");
  try {
    if (kind === "batch" && id) {
      await renderBatch(id);
    } else if (kind === "document" && id) {
      await renderDocument(id);
    } else {
      show("list-view");
      await renderList();
      timer = setInterval(() => renderList().catch((e) => message(e.message)), 2000);
    }
  } catch (error) {
    message(error.message);
  }
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  $("token").value = "";
  route();
});
$("logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); route(); });
$("submit-form").addEventListener("submit", submitBatch);
$("recover").addEventListener("click", () => batchAction("recover"));
$("cancel").addEventListener("click", () => batchAction("cancel"));
$("doc-filter").addEventListener("change", () => {
  renderDocuments(location.hash.split("/")[2]).catch((e) => message(e.message));
});
window.addEventListener("hashchange", route);
route();
