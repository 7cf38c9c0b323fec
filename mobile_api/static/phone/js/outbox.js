// The outbox: every object recorded on the phone (a visit with its check-in, checklist and
// check-out; each finding; each sampling) is one record keyed by its client UUID. The mobile
// API's batch sync takes revisions: each has its own UUID and names the revision it builds on.
// A change to a revision the server already has (or refused) starts a new revision; unsent
// changes are folded into the current one. A revision can be "sealed" so later edits do not
// fold into it (a visit's check-in is sealed: it reaches the server before its findings, and
// the checklist after them). Photos and signatures are file records bound to their object.
import * as db from "./db.js";

export const uuid = () => crypto.randomUUID();
const now = () => new Date().toISOString();

export const STATUS = {
  pending: "待上传", accepted: "已接收", already: "服务器已有", rejected: "被退回", conflict: "与服务器冲突",
  in_progress: "服务器处理中", waiting_files: "等待照片/签名",
};

export async function create(kind, data, {seal = false} = {}) {
  const record = {uuid: uuid(), kind, data, revision: 1, revision_uuid: uuid(), base_revision_uuid: null,
                  sealed: [], dirty: true, sent_revision_uuid: null, status: "pending", answer: null,
                  created_at: now(), updated_at: now()};
  if (seal) sealCurrent(record);
  await db.put("outbox", record);
  notify();
  return record;
}

function sealCurrent(record) {
  record.sealed.push({revision_uuid: record.revision_uuid, base_revision_uuid: record.base_revision_uuid,
                      data: structuredClone(record.data), at: record.updated_at});
  newRevision(record, record.revision_uuid);
  record.dirty = false;
}

function newRevision(record, base) {
  record.base_revision_uuid = base;
  record.revision_uuid = uuid();
  record.revision += 1;
}

export const get = (id) => db.get("outbox", id);
export const list = () => db.all("outbox");
export const ofVisit = async (visitUuid, kind) => (await list()).filter((r) => r.kind === kind && r.data.visit_uuid === visitUuid);

export async function update(id, change) {
  const record = await db.get("outbox", id);
  if (record.sent_revision_uuid === record.revision_uuid) newRevision(record, record.revision_uuid);
  else if (record.status === "rejected" || record.status === "conflict") {
    // The server answered this revision id already: a correction must be a new revision on
    // top of what the server holds.
    newRevision(record, record.sent_revision_uuid);
  }
  record.data = typeof change === "function" ? change(structuredClone(record.data)) : {...record.data, ...change};
  record.dirty = true;
  record.updated_at = now();
  record.status = "pending";
  record.answer = null;
  await db.put("outbox", record);
  notify();
  return record;
}

// The revisions of a record the server has not accepted yet, oldest first.
export function unsentRevisions(record) {
  const out = record.sealed.map((s) => ({...s, sealed: true}));
  if (record.dirty) {
    out.push({revision_uuid: record.revision_uuid, base_revision_uuid: record.base_revision_uuid,
              data: record.data, at: record.updated_at, sealed: false});
  }
  return out;
}

// Record the server's answer to one revision. Accepted → it becomes the base of what follows.
export async function answered(id, revisionUuid, status, answer) {
  const record = await db.get("outbox", id);
  const ok = status === "accepted" || status === "already";
  if (ok) {
    record.sent_revision_uuid = revisionUuid;
    record.sealed = record.sealed.filter((s) => s.revision_uuid !== revisionUuid);
    if (record.revision_uuid === revisionUuid) record.dirty = false;
  }
  const left = record.sealed.length > 0 || record.dirty;
  record.status = ok && left ? "pending" : status;
  record.answer = answer;
  await db.put("outbox", record);
  notify();
  return record;
}

export async function setStatus(id, status, answer = null) {
  const record = await db.get("outbox", id);
  Object.assign(record, {status, answer});
  await db.put("outbox", record);
  notify();
  return record;
}

export async function addFile(ownerUuid, role, blob, meta) {
  const file = {uuid: uuid(), owner_uuid: ownerUuid, role, blob, ...meta, uploaded: false, answer: null, created_at: now()};
  await db.put("files", file);
  notify();
  return file;
}
export const filesOf = (ownerUuid) => db.byIndex("files", "owner", ownerUuid);
export const allFiles = () => db.all("files");
export async function markFile(id, fields) {
  const file = await db.get("files", id);
  if (!file) return;
  Object.assign(file, fields);
  await db.put("files", file);
  notify();
}

export async function waiting() {
  const [records, files] = await Promise.all([list(), allFiles()]);
  return records.filter((r) => ["pending", "in_progress", "waiting_files"].includes(r.status)).length
    + files.filter((f) => !f.uploaded).length;
}

function notify() { window.dispatchEvent(new Event("outbox-changed")); }
