// Sync when there is signal: the outbox goes up in one batch (client UUIDs and revisions, the
// server answers per object), then photos and signatures one request each, so an interrupted
// upload resumes with the files still missing; finally the change feed refreshes the download.
// Runs by itself on start and when the browser comes online; one run at a time.
import {ApiError, call} from "./api.js";
import * as db from "./db.js";
import * as outbox from "./outbox.js";
import {fmtTime, html, show, toast} from "./ui.js";

// The batch-sync and file-upload operations of the mobile API (issue 7). Kept in one place:
// they are the only coupling between this module and those endpoints' shapes.
export const ENDPOINTS = {batch: "/sync", file: (owner) => `/objects/${owner}/files`};
const BATCH_SIZE = 50;

let running = null;
const progress = {phase: "", done: 0, total: 0, error: ""};

function report(fields) {
  Object.assign(progress, fields);
  window.dispatchEvent(new Event("sync-progress"));
}

export function startSync() {
  if (!running) running = runSync().finally(() => { running = null; });
  return running;
}

function wireObject(r) {
  return {kind: r.kind, client_uuid: r.uuid, revision: r.revision, revision_uuid: r.revision_uuid,
          base_revision_uuid: r.base_revision_uuid, client_updated_at: r.updated_at, data: r.data};
}

async function sendObjects() {
  const deviceId = await db.kv.get("device_id");
  const pending = (await outbox.list()).filter((r) => r.status === "pending" || r.status === "in_progress")
    // Visits before their samplings: a sampling names its visit's UUID.
    .sort((a, b) => (a.kind === "visit" ? 0 : 1) - (b.kind === "visit" ? 0 : 1) || a.created_at.localeCompare(b.created_at));
  report({phase: "上传检查记录", done: 0, total: pending.length});
  for (let i = 0; i < pending.length; i += BATCH_SIZE) {
    const chunk = pending.slice(i, i + BATCH_SIZE);
    const answer = await call("POST", ENDPOINTS.batch, {json: {device_id: deviceId, objects: chunk.map(wireObject)}});
    for (const result of answer.results) {
      const record = chunk.find((r) => r.uuid === result.client_uuid && r.revision_uuid === result.revision_uuid);
      if (!record) continue;
      const status = {created: "accepted", applied: "accepted", already: "already"}[result.status] || result.status;
      // The revision counts as sent once the server has it; a later change is a new revision.
      const sent = status === "accepted" || status === "already" ? {sent_revision_uuid: record.revision_uuid} : {};
      await outbox.setStatus(record.uuid, status, result, sent);
      for (const missing of result.missing_files || []) await outbox.markFile(missing, {uploaded: false});
    }
    report({done: Math.min(pending.length, i + chunk.length)});
  }
}

async function sendFiles() {
  const records = Object.fromEntries((await outbox.list()).map((r) => [r.uuid, r]));
  // A file goes up once its object is on the server (the upload is bound to the object's UUID).
  const files = (await outbox.allFiles()).filter((f) => !f.uploaded && ["accepted", "already"].includes(records[f.owner_uuid]?.status));
  report({phase: "上传照片和签名", done: 0, total: files.length});
  let done = 0;
  for (const file of files) {
    const form = new FormData();
    form.append("file", file.blob, file.name);
    for (const key of ["uuid", "role", "finding_uuid", "taken_at", "latitude", "longitude", "accuracy_m"]) {
      if (file[key] != null) form.append(key === "uuid" ? "client_uuid" : key, String(file[key]));
    }
    try {
      const answer = await call("POST", ENDPOINTS.file(file.owner_uuid), {form});
      await outbox.markFile(file.uuid, {uploaded: true, answer});
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;  // no signal: stop here, resume from this file next time
      await outbox.markFile(file.uuid, {answer: {code: err.code, message: err.message, fields: err.fields}});
    }
    report({done: ++done});
  }
}

// The change feed: anything about my tasks, their businesses, lots or the catalogue changed
// since the download → download again (one request), so the phone never works on stale lists.
async function refreshChanges() {
  let since = await db.kv.get("cursor");
  if (since == null) return;
  report({phase: "检查服务器变更", done: 0, total: 0});
  let changed = false, varieties = false;
  for (;;) {
    const page = await call("GET", "/changes", {query: {since, limit: 500}});
    changed ||= page.changes.some((c) => c.kind !== "variety");
    varieties ||= page.changes.some((c) => c.kind === "variety");
    since = page.cursor;
    if (!page.has_more) break;
  }
  if (changed || varieties) {
    const {download} = await import("./app.js");
    await download();
  } else {
    await db.kv.set("cursor", since);
    await db.kv.set("last_synced", new Date().toISOString());
  }
}

async function runSync() {
  if (!(await db.kv.get("token"))) return;
  report({error: ""});
  try {
    await sendObjects();
    await sendFiles();
    await refreshChanges();
    report({phase: "同步完成", error: ""});
    await db.kv.set("last_synced", new Date().toISOString());
  } catch (err) {
    report({phase: "同步中断", error: err.offline ? "无网络，有信号时自动继续" : err.message});
  }
}

export async function syncScreen() {
  const draw = async () => {
    const [records, files, last] = await Promise.all([outbox.list(), outbox.allFiles(), db.kv.get("last_synced")]);
    records.sort((a, b) => b.created_at.localeCompare(a.created_at));
    const left = files.filter((f) => !f.uploaded).length;
    const view = show(html`
      <section class="card"><h1>上传与同步</h1>
        <p>上次同步：${last ? fmtTime(last) : "从未"}</p>
        <p id="sync-progress" class="${progress.error ? "alert" : ""}">${progress.phase}${progress.total ? `（${progress.done}/${progress.total}）` : ""}${progress.error ? "：" + progress.error : ""}</p>
        <progress max="${progress.total || 1}" value="${progress.done}"></progress>
        <p>照片和签名：已上传 <b id="files-uploaded">${files.length - left}</b> / ${files.length}</p>
        <button id="sync" class="primary big">立即同步</button>
      </section>
      <ul class="list">${records.map((r) => html`<li class="outbox-item ${r.status}" data-uuid="${r.uuid}">
        <a href="#/visit/${r.kind === "visit" ? r.uuid : r.data.visit_uuid}"><b>${r.kind === "visit" ? "检查" : "抽样"}</b>
        ${r.kind === "visit" ? r.data.business_name : `${r.data.variety_name} ${r.data.lot_number}`}</a>
        <span class="status ${r.status}">${outbox.STATUS[r.status]}</span> <span class="muted">第 ${r.revision} 版</span>
        ${r.answer?.message ? html`<p class="answer">${r.answer.message}</p>` : ""}
        ${Object.entries(r.answer?.fields || {}).map(([k, v]) => html`<p class="answer">${k}：${v.join("；")}</p>`)}
        ${r.status === "conflict" && r.answer?.server ? html`<details><summary>服务器版本</summary><pre>${JSON.stringify(r.answer.server, null, 1)}</pre></details>` : ""}
      </li>`)}</ul>`);
    view.querySelector("#sync").addEventListener("click", () => startSync());
  };
  const redraw = () => { if (location.hash.startsWith("#/outbox")) draw(); };
  window.addEventListener("sync-progress", redraw);
  window.addEventListener("hashchange", () => window.removeEventListener("sync-progress", redraw), {once: true});
  await draw();
  startSync().then(() => toast(progress.error ? progress.error : progress.phase, progress.error ? "error" : "info"));
}
