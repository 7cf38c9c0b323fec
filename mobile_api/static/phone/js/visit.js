// A visit on the phone, offline: check-in with position, inspectors, checklist, findings with
// photos, samples with seals, outcome (rectification order, case, refusal), the business's
// signature or refusal, check-out. The same fields and rules as the station's services
// (inspections.services.visits); the server stays authoritative and its answer is shown per item.
import * as db from "./db.js";
import {distanceM, formatDistance, position} from "./geo.js";
import {downscale, signaturePad} from "./media.js";
import * as outbox from "./outbox.js";
import {fmtTime, formData, html, show, showErrors, toast} from "./ui.js";

const kv = db.kv;
// Fallback only, for a download made before the API carried the county's settings: the radius
// is the county's (download.county_settings), and the server flags the check-in with it on sync.
const GEOFENCE_FALLBACK_M = 300;
const geofenceM = (data) => data?.county_settings?.geofence_radius_m ?? GEOFENCE_FALLBACK_M;
const OUTCOMES = {compliant: "未发现问题", refused: "拒绝接受监督检查或抽样", rectification: "责令整改", case: "移送立案"};
const ANSWERS = {yes: "符合", no: "不符合", na: "不适用"};
const MIN_INSPECTORS = 2;

const text = (v, max) => (v || "").trim().slice(0, max);

async function here() {
  try { return await position(); } catch (err) { toast(err.message, "error"); return null; }
}

export async function startVisitForTask(task, button) {
  button.disabled = true;
  button.textContent = "正在定位…";
  const pos = await here();
  const b = task.business;
  const at = b.latitude != null ? {latitude: b.latitude, longitude: b.longitude} : null;
  const distance = pos && at ? Math.round(distanceM(pos, at)) : null;
  const visit = await outbox.create("visit", {
    task_id: task.id, business_id: b.id, business_name: b.name, business_kind: b.kind, peddler: null,
    inspectors: task.inspectors.map((p) => p.id), checked_in_at: new Date().toISOString(),
    checkin: pos && {latitude: pos.latitude, longitude: pos.longitude, accuracy_m: pos.accuracy_m},
    distance_m: distance, checklist_codes: task.checklist_codes, answers: {},
  }, {seal: true});
  location.hash = `#/visit/${visit.uuid}`;
}

// The second inspector of the pair joins, from this phone, the visit the colleague checked in
// on theirs (the API's visit_join, by task): queued like any object; the server answers when
// the colleague's check-in has reached it (until then: in progress, retried on the next sync).
export const joinVisitForTask = (task) => outbox.create("visit_join", {
  task_id: task.id, business_name: task.business.name, joined_at: new Date().toISOString()});

export async function peddlerScreen() {
  const profile = await kv.get("profile");
  const partners = profile?.partners || [];
  const view = show(html`<section class="card"><h1>流动商贩检查（集市）</h1>
    <form id="peddler" novalidate>
      <label>商贩位置<input name="peddler_location" maxlength="200" placeholder="如：某镇集市东口" required></label>
      <label>商贩情况<input name="peddler_description" maxlength="200" placeholder="姓名、外貌、车辆等" required></label>
      <label>所售种子<input name="goods_sold" maxlength="200"></label>
      <label class="check"><input type="checkbox" name="farmer_own_surplus"> 农民自繁自用的剩余常规种子</label>
      <fieldset><legend>同行执法人员（至少一名）</legend>${partners.map((p) => html`<label class="check">
        <input type="checkbox" name="partner" value="${p.id}"> ${p.name} <span class="muted">${p.enforcement_id}</span></label>`)}</fieldset>
      <button class="primary big">签到，开始检查</button>
    </form></section>`);
  view.querySelector("#peddler").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target, data = formData(form);
    const errors = {};
    if (!data.peddler_location) errors.peddler_location = ["请填写商贩位置"];
    if (!data.peddler_description) errors.peddler_description = ["请填写商贩情况"];
    const partnerIds = [...form.querySelectorAll("[name=partner]:checked")].map((i) => Number(i.value));
    if (!partnerIds.length) errors.partner = ["现场检查须由两名以上执法人员进行，请勾选同行执法人员"];
    if (!showErrors(form, errors)) return;
    const pos = await here();
    const visit = await outbox.create("visit", {
      task_id: null, business_id: null, business_name: "流动商贩：" + data.peddler_location, business_kind: "peddler",
      peddler: {location: text(data.peddler_location, 200), description: text(data.peddler_description, 200),
                goods_sold: text(data.goods_sold, 200), farmer_own_surplus: !!data.farmer_own_surplus,
                region_code: profile?.region_code || ""},
      inspectors: [profile?.id, ...partnerIds].filter(Boolean), checked_in_at: new Date().toISOString(),
      checkin: pos && {latitude: pos.latitude, longitude: pos.longitude, accuracy_m: pos.accuracy_m},
      distance_m: null, checklist_codes: null, answers: {},
    }, {seal: true});
    location.hash = `#/visit/${visit.uuid}`;
  });
}

// The checklist items that apply: the download lists the codes per task; a peddler gets the
// items that apply to unregistered sellers.
function checklistFor(visit, items) {
  if (visit.data.checklist_codes) return items.filter((i) => visit.data.checklist_codes.includes(i.code));
  return items.filter((i) => i.applies_to.includes("all"));
}

function answerLine(item, saved) {
  const [answer, note] = saved || ["", ""];
  return html`<fieldset class="item" data-code="${item.code}"><legend>${item.text}</legend>
    <div class="choices">${Object.entries(ANSWERS).map(([v, label]) => html`
      <label class="choice ${v}"><input type="radio" name="a-${item.code}" value="${v}" ${answer === v ? "checked" : ""}> ${label}</label>`)}</div>
    <input name="n-${item.code}" value="${note}" maxlength="200" placeholder="说明（不符合时写明情况）">
  </fieldset>`;
}

export function serverAnswer(record) {
  if (!record.answer || record.status === "pending") return "";
  const a = record.answer;
  return html`<p class="answer ${record.status}">服务器：${outbox.STATUS[record.status]}${a.message ? "：" + a.message : ""}
    ${Object.entries(a.fields || {}).map(([k, v]) => html`<br>${k}：${v.join("；")}`)}</p>`;
}

// Everyone this phone knows by name who may be on the visit: my partners and the task's pair.
function knownPeople(visit, data, profile) {
  const people = [...(profile?.partners || [])];
  const task = data?.tasks.find((t) => t.id === visit.data.task_id);
  for (const p of task?.inspectors || []) if (!people.some((x) => x.id === p.id) && p.id !== profile?.id) people.push(p);
  return people;
}

// The visit's inspectors, me first: each signs the on-site documents on this phone (their
// signatures are the documents' review, as on the station's pages).
function signers(visit, people, profile) {
  const me = profile ? [{id: profile.id, name: profile.name}] : [];
  return [...me, ...people.filter((p) => visit.data.inspectors.includes(p.id) && p.id !== profile?.id)];
}

function inspectorSignatureFields(people) {
  return html`<fieldset id="inspector-signatures"><legend>执法人员签名</legend>
    <p class="muted small">每名执法人员在此本人签名，作为文书的审核签字。</p>
    ${people.map((p) => html`<div class="inspector-signature" data-inspector="${p.id}"><p>${p.name}</p>
      <canvas class="signature" aria-label="${p.name}签字区"></canvas>
      <button type="button" class="small clear">重签</button></div>`)}</fieldset>`;
}

function inspectorPads(view) {
  return [...view.querySelectorAll(".inspector-signature")].map((box) => {
    const pad = signaturePad(box.querySelector("canvas"));
    box.querySelector(".clear").addEventListener("click", () => pad.clear());
    return {inspectorId: Number(box.dataset.inspector), pad};
  });
}

// Each drawn signature as a PNG bound to its document's object (uploaded like a photo), named
// per inspector in the object: [{inspector_id, file_uuid}] as the API takes them.
async function saveInspectorSignatures(ownerUuid, pads) {
  const out = [];
  for (const {inspectorId, pad} of pads) {
    if (pad.isEmpty()) continue;
    const file = await outbox.addFile(ownerUuid, "signature", await pad.toBlob(),
                                      {name: `inspector-${inspectorId}.png`, taken_at: new Date().toISOString()});
    out.push({inspector_id: inspectorId, file_uuid: file.uuid});
  }
  return out;
}

export async function visitScreen(id) {
  const visit = await outbox.get(id);
  if (!visit) { show(html`<p class="card">没有这次检查。<a href="#/">返回</a></p>`); return; }
  const [data, profile, files, findings, samplings] = await Promise.all([
    kv.get("download"), kv.get("profile"), outbox.allFiles(), outbox.ofVisit(id, "finding"), outbox.ofVisit(id, "sampling")]);
  findings.sort((a, b) => a.created_at.localeCompare(b.created_at));
  const v = visit.data;
  const closed = !!v.checked_out_at;
  const items = checklistFor(visit, data?.checklist_items || []);
  const types = data?.finding_types || [];
  const people = knownPeople(visit, data, profile);
  const photosOf = (f) => files.filter((x) => x.owner_uuid === f.uuid);
  const far = v.distance_m != null && v.distance_m > geofenceM(data);

  const view = show(html`
    <section class="card">
      <h1>${v.business_name}</h1>
      <p>签到 ${fmtTime(v.checked_in_at)}${v.checkin ? html` · 定位精度 ${v.checkin.accuracy_m} 米` : html` · <em class="alert">无定位</em>`}</p>
      ${v.distance_m != null ? html`<p class="${far ? "alert" : ""}" id="distance">距登记地址 ${formatDistance(v.distance_m)}${far ? "，偏离登记地址较远，请核实是否在经营场所" : ""}</p>` : ""}
      ${closed ? html`<p class="ok">已签退 ${fmtTime(v.checked_out_at)} · ${OUTCOMES[v.outcome]}</p>` : ""}
      <p class="muted">记录状态：<b class="status ${visit.status}">${outbox.STATUS[visit.status]}</b>（第 ${visit.revision} 版）</p>
      ${serverAnswer(visit)}
    </section>

    <section class="card"><h2>检查人员</h2>
      <p id="people">${[profile?.name, ...people.filter((p) => v.inspectors.includes(p.id)).map((p) => p.name)].join("、")}</p>
      <p class="muted">现场检查须两名以上执法人员。同事到场后可在此加入，或由同事在其手机上加入本次检查。</p>
      ${closed || !people.some((p) => !v.inspectors.includes(p.id)) ? "" : html`<form id="partners" novalidate>
        ${people.filter((p) => !v.inspectors.includes(p.id)).map((p) => html`<label class="check">
          <input type="checkbox" name="partner" value="${p.id}"> ${p.name} <span class="muted">${p.enforcement_id || ""}</span></label>`)}
        <button class="small">加入同行执法人员</button></form>`}
    </section>

    <section class="card"><h2>检查项目</h2>
      <form id="checklist" novalidate>${items.map((i) => answerLine(i, v.answers[i.code]))}
        ${closed ? "" : html`<button class="primary">保存检查结果</button>`}</form>
    </section>

    <section class="card"><h2>检查发现</h2>
      <ul id="findings">${findings.map((f) => html`<li class="finding"><b>${(types.find((t) => t.code === f.data.finding_type) || {}).label || f.data.finding_type}</b>
        ${f.data.description}<span class="muted">（照片 ${photosOf(f).length} 张）</span> <b class="status ${f.status}">${outbox.STATUS[f.status]}</b>${serverAnswer(f)}
        ${closed ? "" : html`<label class="button small">拍照<input type="file" accept="image/*" capture="environment" data-finding="${f.uuid}" class="photo-input" hidden></label>`}</li>`)}</ul>
      ${closed ? "" : html`<form id="finding" novalidate>
        <label>问题类型<select name="finding_type"><option value="">请选择</option>${types.map((t) => html`<option value="${t.code}">${t.label}</option>`)}</select></label>
        <label>问题描述<textarea name="description" maxlength="2000" rows="2"></textarea></label>
        <label>照片<input type="file" name="photo" accept="image/*" capture="environment"></label>
        <button class="primary">记录问题</button></form>`}
    </section>

    <section class="card"><h2>抽样</h2>
      <ul>${samplings.map((s) => html`<li>${s.data.crop_name} ${s.data.variety_name} 批号 ${s.data.lot_number}：
        检验封签 ${s.data.test_seal_numbers.join("、")}；备份封签 ${s.data.backup_seal_numbers.join("、")}
        <b class="status ${s.status}">${outbox.STATUS[s.status]}</b>${serverAnswer(s)}</li>`)}</ul>
      ${closed ? "" : html`<a class="button" href="#/visit/${id}/sample" id="add-sample">扦样</a>`}
    </section>

    ${closed ? "" : html`<section class="card"><h2>结论与签退</h2>
      <form id="close" novalidate>
        <label>检查结论<select name="outcome"><option value="">请选择</option>${Object.entries(OUTCOMES).map(([k, l]) => html`<option value="${k}">${l}</option>`)}</select></label>
        <div data-for="rectification" hidden>
          <label>整改事项（每行一项，空则用检查发现）<textarea name="rectification_items" rows="3"></textarea></label>
          <label>整改期限（日）<input name="rectification_days" type="number" min="1" max="180" inputmode="numeric" placeholder="默认按本县设置"></label>
        </div>
        <div data-for="refused" hidden><label>拒绝检查的情况<textarea name="refusal_account" rows="2"></textarea></label></div>
        <div data-for="case" hidden><label>案情摘要<textarea name="case_summary" rows="3"></textarea></label></div>
        <fieldset><legend>经营者签字确认</legend>
          <canvas id="signature" class="signature" aria-label="签字区"></canvas>
          <button type="button" id="clear-signature" class="small">重签</button>
          <label class="check"><input type="checkbox" name="ack_refused"> 经营者拒绝签字</label>
          <label>拒签情况<input name="ack_note" maxlength="200"></label>
        </fieldset>
        ${inspectorSignatureFields(signers(visit, people, profile))}
        <button class="primary big">签退，结束检查</button>
      </form></section>`}
    <p><a href="#/">返回任务</a> · <a href="#/outbox">上传与同步</a></p>`);

  if (closed) return;
  // A later revision names the partners; the server adds them to the visit (join_visit).
  view.querySelector("#partners")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const ids = [...e.target.querySelectorAll("[name=partner]:checked")].map((i) => Number(i.value));
    if (!showErrors(e.target, ids.length ? {} : {partner: ["请勾选到场的同行执法人员"]})) return;
    await outbox.update(id, (d) => ({...d, inspectors: [...new Set([...d.inspectors, ...ids])]}));
    toast("同行执法人员已加入（本机），有信号时上传");
    visitScreen(id);
  });
  view.querySelector("#checklist").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target, answers = {}, errors = {};
    for (const item of items) {
      const answer = form.querySelector(`[name="a-${item.code}"]:checked`)?.value;
      const note = text(form.querySelector(`[name="n-${item.code}"]`).value, 200);
      if (!answer) continue;
      if (answer === "no" && !note) errors[`n-${item.code}`] = ["不符合时请写明情况"];
      answers[item.code] = [answer, note];
    }
    if (!Object.keys(answers).length) errors[`a-${items[0]?.code}`] = ["请至少回答一项"];
    if (!showErrors(form, errors)) return;
    // A "no" records the item's finding once, as the server does (answer_checklist); made
    // here, it has a UUID the phone can bind photos to.
    for (const [code, [answer, note]] of Object.entries(answers)) {
      const item = items.find((i) => i.code === code);
      if (answer === "no" && !findings.some((f) => f.data.checklist_item === code)) {
        await outbox.create("finding", {visit_uuid: id, finding_type: item.finding_type, description: note || item.text,
                                        checklist_item: code, photos: []});
      }
    }
    await outbox.update(id, (d) => ({...d, answers: {...d.answers, ...answers}}));
    toast("检查结果已保存在本机");
    visitScreen(id);
  });
  view.querySelector("#finding").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target, data = formData(form), errors = {};
    if (!types.some((t) => t.code === data.finding_type)) errors.finding_type = ["请选择问题类型"];
    if (!data.description) errors.description = ["请填写问题描述"];
    if (!showErrors(form, errors)) return;
    const finding = await outbox.create("finding", {visit_uuid: id, finding_type: data.finding_type,
      description: data.description.slice(0, 2000), checklist_item: null, photos: []});
    const photo = form.querySelector("[name=photo]").files[0];
    if (photo) await savePhoto(finding.uuid, photo);
    toast("问题已记录在本机");
    visitScreen(id);
  });
  view.querySelectorAll(".photo-input").forEach((input) => input.addEventListener("change", async () => {
    if (input.files[0] && (await savePhoto(input.dataset.finding, input.files[0]))) visitScreen(id);
  }));
  const pad = signaturePad(view.querySelector("#signature"));
  view.querySelector("#clear-signature").addEventListener("click", () => pad.clear());
  const pads = inspectorPads(view);
  const closeForm = view.querySelector("#close");
  closeForm.querySelector("[name=outcome]").addEventListener("change", (e) => {
    closeForm.querySelectorAll("[data-for]").forEach((d) => { d.hidden = d.dataset.for !== e.target.value; });
  });
  closeForm.addEventListener("submit", (e) => {
    e.preventDefault();
    checkOut(visit, findings, closeForm, pad, pads, data).catch((err) => toast("未能保存：" + err.message, "error"));
  });
}

// The photo is bound to its owner (a finding, a complaint follow-up: uploaded with the owner's
// UUID) and listed in the owner's photos.
export async function savePhoto(findingUuid, file) {
  try {
    const pos = await position({timeout: 5000, maxAge: 60000}).catch(() => null);
    const {blob, width, height} = await downscale(file);
    const saved = await outbox.addFile(findingUuid, "photo", blob, {
      name: file.name || "photo.jpg", taken_at: new Date(file.lastModified || Date.now()).toISOString(),
      latitude: pos?.latitude ?? null, longitude: pos?.longitude ?? null, accuracy_m: pos?.accuracy_m ?? null,
      width, height, size: blob.size});
    await outbox.update(findingUuid, (d) => ({...d, photos: [...d.photos, saved.uuid]}));
    toast(`照片已保存（${width}×${height}，${Math.round(blob.size / 1024)} KB）`);
    return true;
  } catch (err) {
    toast(err.message, "error");
    return false;
  }
}

// The next number of my reserved block for an on-site document, used once on this phone.
async function takeSerial(download, docType) {
  const used = (await kv.get("used_serials")) || [];
  for (const block of download?.serial_blocks || []) {
    if (block.doc_type !== docType) continue;
    const n = block.free_numbers.find((x) => !used.includes(`${docType}:${block.year}:${x}`));
    if (n != null) {
      used.push(`${docType}:${block.year}:${n}`);
      await kv.set("used_serials", used);
      return n;
    }
  }
  return null;  // none left: the server numbers the document when it syncs
}

async function checkOut(shown, findings, form, pad, pads, download) {
  // Read again: the inspectors ticked on this screen were saved after it was drawn.
  const visit = await outbox.get(shown.uuid);
  const d = formData(form), v = visit.data, errors = {};
  if (!OUTCOMES[d.outcome]) errors.outcome = ["请选择检查结论"];
  if (v.inspectors.length < MIN_INSPECTORS) errors.outcome = ["现场检查须由两名以上执法人员进行，请勾选同行执法人员"];
  if (d.outcome === "compliant" && findings.length) errors.outcome = ["已记录检查发现，结论不能为“未发现问题”"];
  if (d.outcome === "rectification" && !v.business_id) errors.outcome = ["流动商贩无登记主体，不能下达整改通知"];
  if (d.outcome === "refused" && !d.refusal_account) errors.refusal_account = ["请记录拒绝检查的情况"];
  if (d.outcome === "case" && !d.case_summary) errors.case_summary = ["请填写案情摘要"];
  const items = (d.rectification_items || "").split("\n").map((s) => s.trim()).filter(Boolean);
  if (d.outcome === "rectification" && !items.length && !findings.length) errors.rectification_items = ["请填写整改事项"];
  const days = d.rectification_days ? Number(d.rectification_days) : null;
  if (d.outcome === "rectification" && days != null && !(Number.isInteger(days) && days >= 1 && days <= 180)) {
    errors.rectification_days = ["整改期限须在1到180日之间"];
  }
  const refused = !!d.ack_refused;
  if (pad.isEmpty() && !refused) errors.ack_note = ["请经营者签字确认，或记录其拒绝签字"];
  if (refused && !d.ack_note) errors.ack_note = ["经营者拒绝签字的，须记录情况"];
  if (!showErrors(form, errors)) return;
  const pos = await here();
  const signature = refused ? null
    : await outbox.addFile(visit.uuid, "signature", await pad.toBlob(), {name: "signature.png", taken_at: new Date().toISOString()});
  const inspectorSignatures = await saveInspectorSignatures(visit.uuid, pads);
  const record = await takeSerial(download, "visit_record");
  const order = d.outcome === "rectification" ? await takeSerial(download, "rectification_order") : null;
  await outbox.update(visit.uuid, (x) => ({...x, outcome: d.outcome, refusal_account: d.refusal_account || "",
    rectification_items: items, rectification_days: days, case_summary: d.case_summary || "",
    ack_refused: refused, ack_note: (d.ack_note || "").slice(0, 200), ack_signature_file: signature?.uuid ?? null,
    inspector_signatures: inspectorSignatures,
    record_serial_number: record, order_serial_number: order, checked_out_at: new Date().toISOString(),
    checkout: pos && {latitude: pos.latitude, longitude: pos.longitude, accuracy_m: pos.accuracy_m}}));
  toast("已签退，检查记录保存在本机，有信号时自动上传");
  location.hash = "#/";
}

// --- sampling -------------------------------------------------------------------------------
// As inspections.services.sampling.primary_samples_for, counting each package as a container
// (the county's small-package grouping is a setting the download does not carry; the server
// computes the figure on the form).
function primarySamples(rules, packages) {
  const rule = rules.filter((r) => r.containers_from <= packages).sort((a, b) => b.containers_from - a.containers_from)[0];
  if (!rule) return {count: null, rule: ""};
  return {count: rule.per_container ? rule.primary_samples * packages : rule.primary_samples, rule: rule.rule};
}

const seals = (s) => (s || "").split(/[\s,，、;；]+/).map((x) => x.trim()).filter(Boolean);

export async function sampleScreen(visitUuid) {
  const [visit, data, varieties, profile] = await Promise.all([outbox.get(visitUuid), kv.get("download"), kv.get("varieties"),
                                                               kv.get("profile")]);
  if (!visit) { show(html`<p class="card">没有这次检查。<a href="#/">返回</a></p>`); return; }
  const task = data?.tasks.find((t) => t.id === visit.data.task_id);
  const rules = data?.sampling_rules || [];
  const view = show(html`<section class="card"><h1>扦样 · ${visit.data.business_name}</h1>
    <form id="sample" novalidate>
      ${task?.lots_held.length ? html`<label>台账批次<select name="lot_id"><option value="">（不在台账中）</option>
        ${task.lots_held.map((l) => html`<option value="${l.lot_id}">${l.variety} ${l.lot_number}${l.under_stop_sale ? "（停售）" : ""}</option>`)}</select></label>` : ""}
      <label>作物<select name="crop_code"><option value="">请选择</option>${rules.map((r) => html`<option value="${r.crop_code}">${r.crop_name}</option>`)}</select></label>
      <label>品种名称（标签）<input name="variety_name" maxlength="60" list="variety-list"></label>
      <datalist id="variety-list">${(varieties || []).slice(0, 2000).map((x) => html`<option value="${x.name}">`)}</datalist>
      <label>批号（标签）<input name="lot_number" maxlength="60"></label>
      <label>生产经营者（标签）<input name="producer_name" maxlength="100"></label>
      <label>种子批重量（千克）<input name="lot_size_kg" type="number" step="0.01" min="0" inputmode="decimal"></label>
      <label>件数（袋）<input name="packages" type="number" min="1" inputmode="numeric"></label>
      <p id="rule" class="muted"></p>
      <label>抽样数量（克）<input name="sample_quantity_g" type="number" min="1" inputmode="numeric" placeholder="空则按规程送验样品量"></label>
      <label>检验样品封签编号（多个用空格分隔）<input name="test_seals" maxlength="200"></label>
      <label>备份样品封签编号<input name="backup_seals" maxlength="200"></label>
      <label>备份样品保存地点<input name="backup_kept_at" maxlength="100"></label>
      <fieldset><legend>被抽样单位签字</legend>
        <label>签字人<input name="business_signer" maxlength="50"></label>
        <canvas id="business-signature" class="signature" aria-label="被抽样单位签字区"></canvas>
        <button type="button" id="clear-business-signature" class="small">重签</button>
        <label class="check"><input type="checkbox" name="business_refused_to_sign"> 被抽样单位拒绝签字</label>
      </fieldset>
      ${inspectorSignatureFields(signers(visit, knownPeople(visit, data, profile), profile))}
      <button class="primary big">保存抽样记录</button>
    </form></section>`);
  const form = view.querySelector("#sample");
  const pad = signaturePad(view.querySelector("#business-signature"));
  view.querySelector("#clear-business-signature").addEventListener("click", () => pad.clear());
  const pads = inspectorPads(view);
  const hint = () => {
    const d = formData(form), rule = rules.find((r) => r.crop_code === d.crop_code);
    const prim = primarySamples(data?.primary_sample_rules || [], Number(d.packages) || 0);
    view.querySelector("#rule").textContent = [
      rule ? `${rule.crop_name}：种子批不超过 ${rule.max_lot_kg} 千克；建议抽样 ${2 * rule.submitted_sample_g} 克（检验样品和备份样品各 ${rule.submitted_sample_g} 克）` : "",
      prim.count ? `初次样品 ${prim.count} 个（${prim.rule}）` : ""].filter(Boolean).join("；");
  };
  form.addEventListener("input", hint);
  form.querySelector("[name=lot_id]")?.addEventListener("change", (e) => {
    const lot = task.lots_held.find((l) => String(l.lot_id) === e.target.value);
    if (!lot) return;
    form.variety_name.value = lot.variety;
    form.lot_number.value = lot.lot_number;
    form.producer_name.value = lot.producer;
    const crop = rules.find((r) => r.crop_name === lot.crop);
    if (crop) form.crop_code.value = crop.crop_code;
    hint();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = formData(form), errors = {};
    const rule = rules.find((r) => r.crop_code === d.crop_code);
    if (!rule) errors.crop_code = ["请选择作物"];
    if (!d.variety_name) errors.variety_name = ["请填写品种名称"];
    if (!d.lot_number) errors.lot_number = ["请填写批号"];
    const kg = Number(d.lot_size_kg), packages = Number(d.packages), grams = Number(d.sample_quantity_g);
    if (!(kg > 0)) errors.lot_size_kg = ["请填写种子批重量"];
    else if (rule && kg > rule.max_lot_kg) errors.lot_size_kg = [`超过${rule.crop_name}种子批最大重量 ${rule.max_lot_kg} 千克，应分批扦样`];
    if (!(Number.isInteger(packages) && packages >= 1)) errors.packages = ["请填写件数"];
    // Empty: the rule's submitted-sample weight, as the server fills it in.
    if (d.sample_quantity_g && !(Number.isInteger(grams) && grams >= 1)) errors.sample_quantity_g = ["抽样数量应为正整数（克）"];
    const test = seals(d.test_seals), backup = seals(d.backup_seals);
    if (!test.length) errors.test_seals = ["请填写检验样品封签编号"];
    if (!backup.length) errors.backup_seals = ["请填写备份样品封签编号"];
    if (test.some((s) => backup.includes(s)) || new Set(test).size !== test.length || new Set(backup).size !== backup.length) {
      errors.backup_seals = ["封签编号不能重复"];
    }
    if (!d.backup_kept_at) errors.backup_kept_at = ["请填写备份样品保存地点"];
    // As the service: a signature (drawn, or the signer's name) or a recorded refusal.
    const refused = !!d.business_refused_to_sign;
    if (!refused && pad.isEmpty() && !d.business_signer) errors.business_signer = ["请被抽样单位签字，或记录其拒绝签字"];
    if (!showErrors(form, errors)) return;
    const prim = primarySamples(data?.primary_sample_rules || [], packages);
    const variety = (varieties || []).find((x) => x.name === d.variety_name && x.crop_code === d.crop_code);
    const serial = await takeSerial(data, "sampling_form");
    const sampling = await outbox.create("sampling", {
      visit_uuid: visitUuid, business_id: visit.data.business_id, lot_id: d.lot_id ? Number(d.lot_id) : null,
      crop_code: d.crop_code, crop_name: rule.crop_name, variety_id: variety?.id ?? null, variety_name: d.variety_name,
      lot_number: d.lot_number, producer_name: d.producer_name || "", lot_size_kg: d.lot_size_kg, packages,
      primary_samples: prim.count, suggested_sample_g: 2 * rule.submitted_sample_g, sample_quantity_g: d.sample_quantity_g ? grams : null,
      sampling_rule_note: prim.rule, test_seal_numbers: test, backup_seal_numbers: backup, backup_kept_at: d.backup_kept_at,
      business_signer: d.business_signer || "", business_refused_to_sign: refused, business_signature_file: null,
      sampled_at: new Date().toISOString(), serial_number: serial, inspector_signatures: []});
    // The signatures are PNGs bound to the sampling record, uploaded like photos; the record is
    // not sent yet, so naming the files folds into its first revision.
    const signature = !refused && !pad.isEmpty() ? await outbox.addFile(sampling.uuid, "signature", await pad.toBlob(),
      {name: "business-signature.png", taken_at: new Date().toISOString()}) : null;
    const inspectorSignatures = await saveInspectorSignatures(sampling.uuid, pads);
    if (signature || inspectorSignatures.length) {
      await outbox.update(sampling.uuid, {business_signature_file: signature?.uuid ?? null,
                                          inspector_signatures: inspectorSignatures});
    }
    toast("抽样记录已保存在本机");
    location.hash = `#/visit/${visitUuid}`;
  });
}
