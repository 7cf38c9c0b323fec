// Follow-ups on the phone, offline: a complaint's follow-up (投诉复查: what was found, evidence
// photos, the inspectors' view) and a rectification order's conclusion (整改复查结论: rectified or
// not, what the re-inspection found). The same fields and rules as the services
// (inspections.services.people.record_complaint_follow_up, visits.conclude_rectification);
// each is one outbox record, synced with its client UUID, the server's answer shown here.
import * as db from "./db.js";
import * as outbox from "./outbox.js";
import {fmtTime, formData, html, show, showErrors, toast} from "./ui.js";
import {savePhoto, serverAnswer} from "./visit.js";

export const FOLLOW_UP_OUTCOMES = {substantiated: "投诉属实", partly: "部分属实", unsubstantiated: "投诉不属实",
                                   not_verifiable: "无法核实"};
const MAX_TEXT = 2000;

async function taskOf(taskId) {
  const data = await db.kv.get("download");
  return data?.tasks.find((t) => String(t.id) === String(taskId));
}

// The visit made on this phone for the task, if any: the follow-up names it.
async function visitOf(task) {
  return (await outbox.list()).find((r) => r.kind === "visit" && r.data.task_id === task.id);
}

// A screen's form: checked as the service would, then kept on the phone — a new record, or a
// correction of one the server refused (a new revision on top of it).
function onSave(form, validate, save) {
  form?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = formData(form);
    if (showErrors(form, validate(d))) await save(d);
  });
}
const keep = (editable, kind, fields) => (editable ? outbox.update(editable.uuid, fields) : outbox.create(kind, fields));
const visitUuid = (d, visit) => (d.with_visit && visit ? visit.uuid : null);

const missing = () => show(html`<p class="card">没有这个任务（可能已改派或完成）。<a href="#/">返回</a></p>`);

function visitChoice(visit) {
  return visit ? html`<label class="check"><input type="checkbox" name="with_visit" checked>
    在本次现场检查中复查（${fmtTime(visit.data.checked_in_at)} 签到）</label>` : "";
}

export async function complaintScreen(taskId) {
  const task = await taskOf(taskId);
  if (!task?.complaint) return missing();
  const c = task.complaint;
  const [records, visit, files] = await Promise.all([outbox.list(), visitOf(task), outbox.allFiles()]);
  const done = records.filter((r) => r.kind === "complaint_follow_up" && r.data.complaint_id === c.id);
  const editable = done.find((r) => r.status === "rejected" || r.status === "conflict");
  const view = show(html`
    <section class="card"><h1>投诉复查 · ${task.business.name}</h1>
      <p>${c.channel_label} · 受理 ${fmtTime(c.received_at)}</p>
      <p><b>投诉内容：</b>${c.description}</p>
      ${c.lot_text ? html`<p><b>涉及种子：</b>${c.lot_text}</p>` : ""}
      <p class="muted">复查后由站里办结并告知投诉人。</p>
    </section>
    ${done.map((r) => html`<section class="card follow-up" data-uuid="${r.uuid}"><h2>已记录的复查</h2>
      <p><b>${FOLLOW_UP_OUTCOMES[r.data.outcome]}</b> · ${fmtTime(r.data.followed_up_at)}</p><p>${r.data.found}</p>
      <p class="muted">证据照片 ${files.filter((f) => f.owner_uuid === r.uuid).length} 张 ·
        <b class="status ${r.status}">${outbox.STATUS[r.status]}</b></p>${serverAnswer(r)}</section>`)}
    ${done.length && !editable ? "" : html`<section class="card"><h2>${editable ? "更正复查记录" : "记录复查"}</h2>
      <form id="follow-up" novalidate>
        <label>复查情况<textarea name="found" rows="4" maxlength="${MAX_TEXT}" placeholder="现场查验了什么，发现了什么">${editable?.data.found || ""}</textarea></label>
        <label>复查结论<select name="outcome"><option value="">请选择</option>${Object.entries(FOLLOW_UP_OUTCOMES).map(([k, l]) => html`
          <option value="${k}" ${editable?.data.outcome === k ? "selected" : ""}>${l}</option>`)}</select></label>
        ${visitChoice(visit)}
        <label>证据照片<input type="file" name="photos" accept="image/*" capture="environment" multiple></label>
        <button class="primary big">保存复查记录</button>
      </form></section>`}
    <p><a href="#/task/${task.id}">返回任务</a> · <a href="#/outbox">上传与同步</a></p>`);
  const form = view.querySelector("#follow-up");
  onSave(form, (d) => {
    const errors = {};
    if (!d.found) errors.found = ["请填写复查情况"];
    else if (d.found.length > MAX_TEXT) errors.found = [`复查情况过长（最多${MAX_TEXT}字）`];
    if (!FOLLOW_UP_OUTCOMES[d.outcome]) errors.outcome = ["请选择复查结论"];
    return errors;
  }, async (d) => {
    const record = await keep(editable, "complaint_follow_up", {
      complaint_id: c.id, task_id: task.id, business_name: task.business.name, found: d.found, outcome: d.outcome,
      visit_uuid: visitUuid(d, visit), followed_up_at: new Date().toISOString(), photos: editable?.data.photos || []});
    for (const file of form.querySelector("[name=photos]").files) await savePhoto(record.uuid, file);
    toast("复查记录已保存在本机，有信号时自动上传");
    complaintScreen(taskId);
  });
}

export async function rectificationScreen(taskId) {
  const task = await taskOf(taskId);
  const order = task?.rectification_orders.find((o) => o.id === task.rectification_id);
  if (!order) return missing();
  const [records, visit] = await Promise.all([outbox.list(), visitOf(task)]);
  const done = records.find((r) => r.kind === "rectification_review" && r.data.order_id === order.id);
  const editable = done && (done.status === "rejected" || done.status === "conflict") ? done : null;
  const view = show(html`
    <section class="card"><h1>整改复查 · ${task.business.name}</h1>
      <p>责令整改通知书 <b>${order.serial || "—"}</b>，${order.issued_on} 下达，期限至 <b>${order.deadline_on}</b></p>
      <ol>${order.items.map((i) => html`<li>${i}</li>`)}</ol>
    </section>
    ${done ? html`<section class="card conclusion" data-uuid="${done.uuid}"><h2>复查结论</h2>
      <p><b>${done.data.rectified ? "已整改" : "逾期未整改"}</b> · ${fmtTime(done.data.concluded_at)}</p>
      <p>${done.data.note || ""}</p><p><b class="status ${done.status}">${outbox.STATUS[done.status]}</b></p>${serverAnswer(done)}</section>` : ""}
    ${done && !editable ? "" : html`<section class="card"><h2>${editable ? "更正复查结论" : "作出复查结论"}</h2>
      <form id="conclusion" novalidate>
        <fieldset><legend>整改情况</legend><div class="choices">
          <label class="choice yes"><input type="radio" name="rectified" value="yes" ${editable?.data.rectified === true ? "checked" : ""}> 已整改</label>
          <label class="choice no"><input type="radio" name="rectified" value="no" ${editable?.data.rectified === false ? "checked" : ""}> 逾期未整改</label>
        </div></fieldset>
        <label>复查情况（未整改的必填）<textarea name="note" rows="4" maxlength="${MAX_TEXT}" placeholder="逐项写明复查时看到的情况">${editable?.data.note || ""}</textarea></label>
        ${visitChoice(visit)}
        <p class="muted">复查时的照片和问题请在现场检查中记录。</p>
        <button class="primary big">保存复查结论</button>
      </form></section>`}
    <p><a href="#/task/${task.id}">返回任务</a> · <a href="#/outbox">上传与同步</a></p>`);
  onSave(view.querySelector("#conclusion"), (d) => {
    const errors = {};
    if (!d.rectified) errors.rectified = ["请选择整改情况"];
    if (d.rectified === "no" && !d.note) errors.note = ["未整改的，须填写复查情况"];
    if ((d.note || "").length > MAX_TEXT) errors.note = [`复查情况过长（最多${MAX_TEXT}字）`];
    return errors;
  }, async (d) => {
    await keep(editable, "rectification_review", {
      order_id: order.id, task_id: task.id, business_name: task.business.name, rectified: d.rectified === "yes",
      note: d.note || "", visit_uuid: visitUuid(d, visit), concluded_at: new Date().toISOString()});
    toast("复查结论已保存在本机，有信号时自动上传");
    rectificationScreen(taskId);
  });
}
