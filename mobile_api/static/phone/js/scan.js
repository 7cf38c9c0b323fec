// Seed-bag QR: decoded on the phone by the browser's BarcodeDetector where it exists, else the
// photo is sent to the server (zxing-cpp) when online. With signal the server's cross-check is
// the answer; offline the phone checks the downloaded catalogue and lists, marked provisional.
import {call} from "./api.js";
import * as db from "./db.js";
import {html, show, toast} from "./ui.js";

const CAPTIONS = /^(品种名称|品种|生产经营者名称|生产经营者|单元识别代码|追溯网址|追溯地址)[:：]\s*/;

// The four lines of DOMAIN.md section 6 (the server's parser is the authority).
export function parseLabel(text) {
  const lines = text.replace(/\r\n/g, "\n").split("\n").map((l) => l.replace(CAPTIONS, "").trim()).filter(Boolean);
  if (lines.length < 4) return null;
  return {variety: lines[0], producer: lines[1], unit_code: lines[2], trace_url: lines[3]};
}

async function detect(file) {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const detector = new window.BarcodeDetector({formats: ["qr_code"]});
    const found = await detector.detect(await createImageBitmap(file));
    return found[0]?.rawValue || null;
  } catch { return null; }
}

// Offline: what the morning download can say, each answer marked as provisional.
async function provisional(label, businessId) {
  const [varieties, data] = await Promise.all([db.kv.get("varieties"), db.kv.get("download")]);
  const variety = (varieties || []).find((v) => v.name === label.variety);
  const task = data?.tasks.find((t) => t.business.id === businessId);
  const lots = task ? task.lots_held.filter((l) => l.variety === label.variety && l.producer === label.producer) : [];
  const yes = (ok, reason) => ({ok, reason: reason + "（离线初判）"});
  return {
    provisional: true, label,
    variety_approved: variety ? yes(!variety.withdrawn_on && !!(variety.approval_number || variety.registration_number),
      variety.withdrawn_on ? `品种已于 ${variety.withdrawn_on} 退出` : `审定/登记编号 ${variety.approval_number || variety.registration_number || "无"}`)
      : yes(false, "下载的品种目录中没有该品种"),
    variety_approved_here: variety ? yes(variety.approved_here, variety.approved_here ? "适宜本地种植" : "未审定适宜本地") : yes(null, "无法判断"),
    lot_in_ledger: task ? yes(lots.length > 0, lots.length ? "该门店台账中有此品种和生产者的批次" : "该门店台账中没有此批次") : yes(null, "未选择门店"),
    under_stop_sale: task ? yes(lots.some((l) => l.under_stop_sale), lots.some((l) => l.under_stop_sale) ? "批次在停售中" : "未发现停售") : yes(null, "未选择门店"),
    producer_licensed: yes(null, "生产经营者许可须联网核验"),
  };
}

const NAMES = {producer_licensed: "生产经营者持证", variety_approved: "品种已审定/登记", variety_approved_here: "适宜本地",
               lot_in_ledger: "批次在台账中", under_stop_sale: "被停售"};

function answer(result) {
  const mark = (ok) => (ok === true ? "是" : ok === false ? "否" : "无法判断");
  return html`<section class="card ${result.provisional ? "provisional" : ""}" id="scan-result">
    <h2>${result.provisional ? "离线初判（联网后以服务器为准）" : "核验结果"}</h2>
    <p><b>${result.label.variety}</b> · ${result.label.producer}<br><span class="muted">${result.label.unit_code}</span></p>
    <ul>${Object.entries(NAMES).map(([k, name]) => html`<li class="check-${result[k].ok}">${name}：<b>${mark(result[k].ok)}</b>
      <span class="muted">${result[k].reason}</span></li>`)}</ul></section>`;
}

export async function scanScreen() {
  const data = await db.kv.get("download");
  const view = show(html`<section class="card"><h1>扫种子标签二维码</h1>
    <form id="scan" novalidate>
      <label>所在门店<select name="business_id"><option value="">（不在门店）</option>
        ${(data?.tasks || []).map((t) => html`<option value="${t.business.id}">${t.business.name}</option>`)}</select></label>
      <label class="button big">拍摄二维码<input type="file" name="photo" accept="image/*" capture="environment" hidden></label>
      <label>或输入标签文字（四行）<textarea name="text" rows="4"></textarea></label>
      <button class="primary">核验</button>
    </form><div id="result"></div></section>`);
  const form = view.querySelector("#scan");
  const out = view.querySelector("#result");
  const check = async (text, photo) => {
    const businessId = form.business_id.value ? Number(form.business_id.value) : null;
    try {
      let result;
      if (text) {
        result = await call("POST", "/scans/seed-bag", {json: {text, business_id: businessId}});
      } else {
        const upload = new FormData();
        upload.append("photo", photo);
        if (businessId) upload.append("business_id", String(businessId));
        result = await call("POST", "/scans/seed-bag/photo", {form: upload});
      }
      out.innerHTML = String(answer(result));
    } catch (err) {
      if (!err.offline) { toast(err.message, "error"); return; }
      const label = text && parseLabel(text);
      if (!label) { toast("无网络：照片需联网由服务器识别；可手动输入标签文字离线初判", "error"); return; }
      out.innerHTML = String(answer(await provisional(label, businessId)));
    }
  };
  form.photo.addEventListener("change", async () => {
    const photo = form.photo.files[0];
    if (!photo) return;
    const text = await detect(photo);
    if (text) form.text.value = text;
    await check(text, photo);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = form.text.value.trim();
    if (!text) { toast("请拍摄二维码或输入标签文字", "error"); return; }
    check(text, null);
  });
}
