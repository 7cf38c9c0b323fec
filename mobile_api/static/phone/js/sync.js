// Sync when there is signal: the outbox goes up in one batch (client UUIDs and revisions, the
// server answers per object), then photos and signatures one request each, so an interrupted
// upload resumes with the files still missing; finally the change feed refreshes the download.
// Runs by itself on start and when the browser comes online; one run at a time.
import {ApiError, call} from "./api.js";
import * as db from "./db.js";
import {download} from "./download.js";
import * as outbox from "./outbox.js";
import {fmtTime, html, show, toast} from "./ui.js";

const ENDPOINTS = {batch: "/sync", file: "/files"};

const BATCH_SIZE = 100;  // the API's limit per request
// The object types POST /sync accepts.
const SYNCED_KINDS = ["visit", "visit_join", "finding", "sampling", "complaint_follow_up", "rectification_review"];
const STATUS_OF = {created: "accepted", applied: "accepted", already_had: "already"};

// The server answers "in progress" for an object that waits on another not there yet (a
// colleague's check-in a join needs): tried again after this long while the app is open.
const RETRY_IN_PROGRESS_MS = 60_000;

let running = null, retry = null;
const progress = {phase: "", done: 0, total: 0, error: ""};

function report(fields) {
  Object.assign(progress, fields);
  window.dispatchEvent(new Event("sync-progress"));
}

export function startSync() {
  if (!running) running = runSync().finally(() => { running = null; });
  return running;
}

const pos = (p) => (p ? {latitude: p.latitude, longitude: p.longitude, accuracy_m: p.accuracy_m ?? null} : null);

// The phone's visit as the API's VisitData (mobile_api/endpoints/sync.py).
function visitData(d, me) {
  return {
    task_id: d.task_id, business_id: d.task_id ? null : d.business_id,
    peddler_location: d.peddler?.location || "", peddler_description: d.peddler?.description || "",
    goods_sold: d.peddler?.goods_sold || "", farmer_own_surplus: !!d.peddler?.farmer_own_surplus,
    region_code: d.peddler?.region_code || "", partner_ids: d.inspectors.filter((id) => id !== me),
    checked_in_at: d.checked_in_at, checkin: pos(d.checkin),
    checklist: Object.entries(d.answers || {}).map(([code, [answer, note]]) => ({code, answer, note})),
    checkout: d.checked_out_at ? {
      checked_out_at: d.checked_out_at, position: pos(d.checkout), outcome: d.outcome,
      refusal_account: d.refusal_account, rectification_items: d.rectification_items,
      rectification_days: d.rectification_days, case_summary: d.case_summary,
      ack_signature_file: d.ack_signature_file, ack_refused: d.ack_refused, ack_note: d.ack_note,
      record_serial_number: d.record_serial_number, order_serial_number: d.order_serial_number,
      inspector_signatures: d.inspector_signatures || []} : null,
  };
}

function samplingData(d) {
  return {visit_uuid: d.visit_uuid, lot_id: d.lot_id, crop_code: d.crop_code, variety_name: d.variety_name,
          lot_number: d.lot_number, producer_name: d.producer_name, lot_size_kg: d.lot_size_kg, packages: d.packages,
          test_seals: d.test_seal_numbers, backup_seals: d.backup_seal_numbers, backup_kept_at: d.backup_kept_at,
          sample_quantity_g: d.sample_quantity_g, business_signer: d.business_signer,
          business_refused_to_sign: d.business_refused_to_sign, business_signature_file: d.business_signature_file ?? null,
          sampled_at: d.sampled_at, serial_number: d.serial_number, inspector_signatures: d.inspector_signatures || []};
}

function wire(record, revision, me) {
  const d = revision.data;
  const data = {
    visit: () => visitData(d, me),
    visit_join: () => ({task_id: d.task_id, joined_at: d.joined_at}),
    finding: () => ({visit_uuid: d.visit_uuid, finding_type: d.finding_type, description: d.description,
                     checklist_item: d.checklist_item, photos: d.photos}),
    sampling: () => samplingData(d),
    complaint_follow_up: () => ({complaint_id: d.complaint_id, visit_uuid: d.visit_uuid, found: d.found, outcome: d.outcome,
                                 followed_up_at: d.followed_up_at, photos: d.photos}),
    rectification_review: () => ({order_id: d.order_id, rectified: d.rectified, note: d.note, visit_uuid: d.visit_uuid,
                                      concluded_at: d.concluded_at}),
  }[record.kind]();
  return {type: record.kind, uuid: record.uuid, revision: revision.revision_uuid,
          base_revision: revision.base_revision_uuid, recorded_at: revision.at, data};
}

// In dependency order: visits' check-ins, then findings and samplings (they name their visit
// and need it open), then the visits' later revisions (a checklist "no" then finds the
// phone's finding rather than making a second one; the check-out closes the visit last).
async function outgoing() {
  const me = (await db.kv.get("profile"))?.id;
  const records = (await outbox.list()).filter((r) => SYNCED_KINDS.includes(r.kind) && r.status !== "rejected" && r.status !== "conflict")
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  const first = [], findings = [], later = [];
  for (const record of records) {
    outbox.unsentRevisions(record).forEach((revision, i) => {
      const item = {record, revision, object: wire(record, revision, me)};
      if (record.kind !== "visit") findings.push(item);
      else (i === 0 && revision.sealed && !record.sent_revision_uuid ? first : later).push(item);
    });
  }
  return [...first, ...findings, ...later];
}

async function sendObjects() {
  const items = await outgoing();
  if (!items.length) return;
  const deviceId = await db.kv.get("device_id");
  report({phase: "上传检查记录", done: 0, total: items.length});
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    const chunk = items.slice(i, i + BATCH_SIZE);
    const answer = await call("POST", ENDPOINTS.batch, {json: {device_id: deviceId, app_version: window.PHONE.appVersion,
                                                               objects: chunk.map((x) => x.object)}});
    for (const result of answer.results) {
      const item = chunk.find((x) => x.object.uuid === result.uuid && x.object.revision === result.revision);
      if (!item) continue;
      await outbox.answered(item.record.uuid, result.revision, STATUS_OF[result.status] || result.status, result);
      for (const missing of result.missing_files || []) await outbox.markFile(missing, {uploaded: false});
    }
    if (answer.serial_blocks?.length) {
      const download = await db.kv.get("download");
      if (download) await db.kv.set("download", {...download, serial_blocks: answer.serial_blocks});
    }
    report({done: Math.min(items.length, i + chunk.length)});
  }
}

// One request per file, oldest first: an interruption resumes with the files still missing.
async function sendFiles() {
  const files = (await outbox.allFiles()).filter((f) => !f.uploaded).sort((a, b) => a.created_at.localeCompare(b.created_at));
  if (!files.length) return;
  report({phase: "上传照片和签名", done: 0, total: files.length});
  let done = 0;
  for (const file of files) {
    const form = new FormData();
    form.append("file", file.blob, file.name);
    form.append("object_uuid", file.owner_uuid);
    form.append("file_uuid", file.uuid);
    form.append("kind", file.role);
    if (file.taken_at) form.append("captured_at", file.taken_at);
    for (const key of ["latitude", "longitude", "accuracy_m"]) if (file[key] != null) form.append(key, String(file[key]));
    try {
      const answer = await call("POST", ENDPOINTS.file, {form});
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
    // Check-outs that waited for their signature, findings for their photos: once more.
    await sendObjects();
    await refreshChanges();
    report({phase: "同步完成", error: "", done: 0, total: 0});
    await db.kv.set("last_synced", new Date().toISOString());
    if (!retry && (await outbox.list()).some((r) => r.status === "in_progress")) {
      retry = setTimeout(() => { retry = null; startSync(); }, RETRY_IN_PROGRESS_MS);
    }
  } catch (err) {
    report({phase: "同步中断", error: err.offline ? "无网络，有信号时自动继续" : err.message});
  }
}

const FLAGS = {outside_geofence: "签到位置偏离登记地址超出本县允许半径", poor_accuracy: "签到定位精度不足"};
const KIND_LABELS = {visit: "检查", visit_join: "加入同事的检查", finding: "检查发现", sampling: "抽样", complaint_follow_up: "投诉复查",
                     rectification_review: "整改复查结论"};
const describe = (r) => ({visit: () => r.data.business_name, visit_join: () => r.data.business_name, finding: () => r.data.description,
                          sampling: () => `${r.data.variety_name} ${r.data.lot_number}`,
                          complaint_follow_up: () => `${r.data.business_name}：${r.data.found}`,
                          rectification_review: () => `${r.data.business_name}：${r.data.rectified ? "已整改" : "逾期未整改"}`}[r.kind]());
const screenOf = (r) => ({visit: `#/visit/${r.uuid}`, visit_join: `#/task/${r.data.task_id}`, complaint_follow_up: `#/complaint/${r.data.task_id}`,
                          rectification_review: `#/rectification/${r.data.task_id}`}[r.kind] || `#/visit/${r.data.visit_uuid}`);

export async function syncScreen() {
  const draw = async () => {
    const [records, files, last] = await Promise.all([outbox.list(), outbox.allFiles(), db.kv.get("last_synced")]);
    records.sort((a, b) => b.created_at.localeCompare(a.created_at));
    const left = files.filter((f) => !f.uploaded).length;
    const view = show(html`
      <section class="card"><h1>上传与同步</h1>
        <p>上次同步：${last ? fmtTime(last) : "从未"}</p>
        <p id="sync-progress" class="${progress.error ? "alert" : ""}">${progress.phase}${progress.total ? `（${progress.done}/${progress.total}）` : ""}${progress.error ? "：" + progress.error : ""}</p>
        <progress max="${progress.total || 1}" value="${progress.total ? progress.done : running ? 0 : 1}"></progress>
        <p>照片和签名：已上传 <b id="files-uploaded">${files.length - left}</b> / ${files.length}</p>
        <button id="sync" class="primary big">立即同步</button>
      </section>
      <ul class="list">${records.map((r) => html`<li class="outbox-item ${r.status}" data-uuid="${r.uuid}">
        <a href="${screenOf(r)}"><b>${KIND_LABELS[r.kind]}</b> ${describe(r)}</a>
        <span class="status ${r.status}">${outbox.STATUS[r.status]}</span> <span class="muted">第 ${r.revision} 版</span>
        ${r.answer?.message ? html`<p class="answer">${r.answer.message}</p>` : ""}
        ${(r.answer?.flags || []).map((f) => html`<p class="answer">服务器提示：${FLAGS[f] || f}</p>`)}
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
