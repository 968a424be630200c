// docbatch dashboard: batches with live progress, documents and their errors, a document
// view with highlighted entities, recover and cancel. No libraries, no CDN.
// Untrusted text (paths, reasons, document text) is only ever set as textContent.
"use strict";

const TOKEN_KEY = "docbatch.token";
const TERMINAL = new Set(["completed", "completed_with_failures", "cancelled"]);
const views = ["token-view", "list-view", "batch-view", "document-view", "search-view", "entity-view"];
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
    `${batch.failed} failed` +
    (batch.recovering ? ` (${batch.recovering} being recovered)` : "") +
    ` · ${batch.cancelled} cancelled of ${batch.total} · ` +
    `${batch.pages} pages · rate ${rate} · ETA ${eta}` +
    (batch.ocr_pages_total
      ? ` · OCR of big scans ${batch.ocr_pages_done} / ${batch.ocr_pages_total} pages`
      : "");
  $("batch-summary").dataset.percent = Math.round(batch.percent);
  // Failures a recovery batch is already running again are not offered twice.
  $("recover").disabled = !(batch.failed - (batch.recovering || 0) > 0 && TERMINAL.has(batch.state));
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

// ---- search and entities -------------------------------------------------------------

function snippetNode(parts) {
  const span = el("span", null, "snippet");
  for (const part of parts) {
    span.appendChild(part.hit ? el("mark", part.text, "hit") : document.createTextNode(part.text));
  }
  return span;
}

async function renderSearch(query) {
  show("search-view");
  $("search-q").value = query;
  $("search-title").textContent = `pages matching ${query}`;
  const result = await api("/api/search?limit=50&q=" + encodeURIComponent(query));
  const list = $("hits");
  list.replaceChildren();
  if (!result.hits.length) list.appendChild(el("li", "no page matches", "muted"));
  for (const hit of result.hits) {
    const item = el("li", null, "hit-row");
    const link = el("a", `${hit.path} · page ${hit.page}`);
    link.href = `#/document/${hit.document_id}/${encodeURIComponent(query)}`;
    item.appendChild(link);
    item.appendChild(el("br"));
    item.appendChild(snippetNode(hit.snippet));
    list.appendChild(item);
  }
}

async function renderEntity(name) {
  show("entity-view");
  $("entity-title").textContent = `entities matching ${name}`;
  const found = await api("/api/entities?name=" + encodeURIComponent(name));
  const box = $("entities");
  box.replaceChildren();
  if (!found.length) box.appendChild(el("p", "no entity matches", "muted"));
  for (const entity of found) {
    const section = el("section", null, "entity");
    section.appendChild(el("h3", `${entity.name} (${entity.type}, match ${Math.round(entity.score)})`));
    if (entity.aliases.length) section.appendChild(el("p", "also: " + entity.aliases.join(", "), "muted"));
    const table = el("table");
    const head = el("tr");
    for (const title of ["document", "page", "as", "text", "times"]) head.appendChild(el("th", title));
    table.appendChild(head);
    for (const where of entity.occurrences) {
      const row = el("tr");
      const cell = el("td");
      const link = el("a", where.path);
      link.href = `#/document/${where.document_id}/${encodeURIComponent(where.text)}`;
      cell.appendChild(link);
      row.appendChild(cell);
      for (const value of [where.page, where.role || "-", where.text, where.count]) {
        row.appendChild(el("td", String(value)));
      }
      table.appendChild(row);
    }
    section.appendChild(table);
    const edges = el("ul", null, "edges");
    for (const edge of entity.relationships) {
      edges.appendChild(el("li",
        `${edge.source.name} —${edge.type}→ ${edge.target.name} (${edge.documents} documents)`));
    }
    section.appendChild(edges);
    box.appendChild(section);
  }
}

function queryWords(query) {
  return query.toLowerCase().split(/[^\p{L}\p{N}*]+/u)
    .filter((w) => w && !["and", "or", "not"].includes(w))
    .map((w) => w.replace(/\*+$/, ""));
}

function searchHighlighted(page, words) {
  const pre = el("pre");
  if (!words.length) { pre.textContent = page.text; return pre; }
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`\\b(?:${escaped.join("|")})\\p{L}*`, "giu");
  let cursor = 0;
  for (const match of page.text.matchAll(pattern)) {
    pre.appendChild(document.createTextNode(page.text.slice(cursor, match.index)));
    pre.appendChild(el("mark", match[0], "hit"));
    cursor = match.index + match[0].length;
  }
  pre.appendChild(document.createTextNode(page.text.slice(cursor)));
  return pre;
}

async function renderDocument(documentId, query) {
  show("document-view");
  const doc = await api("/api/documents/" + documentId);
  $("doc-back").href = "#/batch/" + doc.batch_id;
  $("doc-title").textContent = doc.path;
  $("doc-title").dataset.state = doc.state;
  $("doc-summary").textContent =
    `${doc.state} at ${doc.stage} · ${count(doc.page_count ?? "?", "page")} ` +
    `(${doc.ocr_pages ?? 0} OCR) · ${count(doc.chunks.length, "chunk")} · ` +
    `${count(doc.mentions.length, "entity", "entities")} · attempts ${doc.attempts}`;
  $("doc-error").textContent = doc.error_reason
    ? `failed in ${doc.error_stage}: ${doc.error_category}/${doc.error_code}: ${doc.error_reason}` : "";
  const types = [...new Set(doc.mentions.map((m) => m.type))].sort();
  $("legend").replaceChildren(...types.map((t) => el("mark", t, "t-" + t)));
  const pages = $("pages");
  pages.replaceChildren();
  for (const page of doc.pages) {
    const box = el("section", null, "page");
    box.appendChild(el("h3", `page ${page.number}${page.ocr ? " (OCR)" : ""}`));
    box.appendChild(query ? searchHighlighted(page, queryWords(query)) : highlighted(page, doc.mentions));
    pages.appendChild(box);
  }
  const first = pages.querySelector("mark.hit");
  if (first) first.scrollIntoView({ block: "center" });
}

// ---- routing -----------------------------------------------------------------------

// "1 chunk", "3 chunks": a count with its noun in the right number.
function count(n, one, many = one + "s") {
  return `${n} ${n === 1 ? one : many}`;
}

async function route() {
  stopLive();
  message("");
  const [, kind, id, extra] = location.hash.split("/");
  try {
    if (kind === "batch" && id) {
      await renderBatch(id);
    } else if (kind === "document" && id) {
      await renderDocument(id, extra ? decodeURIComponent(extra) : "");
    } else if (kind === "search" && id) {
      await renderSearch(decodeURIComponent(id));
    } else if (kind === "entity" && id) {
      await renderEntity(decodeURIComponent(id));
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
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = $("search-q").value.trim();
  if (query) location.hash = "#/search/" + encodeURIComponent(query);
});
$("entity-lookup").addEventListener("click", () => {
  const name = $("search-q").value.trim();
  if (name) location.hash = "#/entity/" + encodeURIComponent(name);
});
$("recover").addEventListener("click", () => batchAction("recover"));
$("cancel").addEventListener("click", () => batchAction("cancel"));
$("doc-filter").addEventListener("change", () => {
  renderDocuments(location.hash.split("/")[2]).catch((e) => message(e.message));
});
window.addEventListener("hashchange", route);
route();
