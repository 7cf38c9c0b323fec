// The outbox: every object recorded on the phone (visits with their checklist, findings,
// outcome and acknowledgement; peddler visits; samplings) is one record keyed by its client
// UUID, with a revision. A change after a revision was sent starts a new revision with its own
// id that builds on the sent one, as the mobile API's batch sync expects; photos and signatures
// are separate file records bound to their object's UUID and uploaded one by one.
import * as db from "./db.js";

export const uuid = () => crypto.randomUUID();
const now = () => new Date().toISOString();

// pending: not yet accepted by the server; the other states are the server's answer.
export const STATUS = {
  draft: "未完成", pending: "待上传", accepted: "已接收", already: "服务器已有",
  rejected: "被退回", conflict: "与服务器冲突", in_progress: "服务器处理中",
};

export async function create(kind, data) {
  const record = {uuid: uuid(), kind, data, revision: 1, revision_uuid: uuid(), base_revision_uuid: null,
                  sent_revision_uuid: null, status: "draft", answer: null, created_at: now(), updated_at: now()};
  await db.put("outbox", record);
  notify();
  return record;
}

export const get = (id) => db.get("outbox", id);
export const list = () => db.all("outbox");

// Apply a change. If the current revision already went to the server, this is a new revision.
export async function update(id, change, {status} = {}) {
  const record = await db.get("outbox", id);
  if (record.sent_revision_uuid === record.revision_uuid) {
    record.base_revision_uuid = record.revision_uuid;
    record.revision_uuid = uuid();
    record.revision += 1;
  }
  record.data = typeof change === "function" ? change(structuredClone(record.data)) : {...record.data, ...change};
  record.updated_at = now();
  record.status = status || (record.status === "draft" ? "draft" : "pending");
  record.answer = null;
  await db.put("outbox", record);
  notify();
  return record;
}

export async function setStatus(id, status, answer = null, fields = {}) {
  const record = await db.get("outbox", id);
  Object.assign(record, {status, answer, ...fields});
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
  Object.assign(file, fields);
  await db.put("files", file);
  notify();
}

export async function waiting() {
  const [records, files] = await Promise.all([list(), allFiles()]);
  return records.filter((r) => r.status === "pending" || r.status === "in_progress").length
    + files.filter((f) => !f.uploaded).length;
}

function notify() { window.dispatchEvent(new Event("outbox-changed")); }
