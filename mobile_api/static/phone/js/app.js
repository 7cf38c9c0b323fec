// The phone app: boot, service worker, screens by hash route, login, the morning download,
// the day's route and the business page. Visits are in visit.js, sync in sync.js.
import {ApiError, call} from "./api.js";
import * as db from "./db.js";
import {download} from "./download.js";
import {complaintScreen, rectificationScreen} from "./followup.js";
import {distanceM, formatDistance, position} from "./geo.js";
import * as outbox from "./outbox.js";
import {scanScreen} from "./scan.js";
import {startSync, syncScreen} from "./sync.js";
import {fmtDate, fmtTime, formData, html, show, showErrors, toast} from "./ui.js";
import {joinVisitForTask, peddlerScreen, sampleScreen, serverAnswer, startVisitForTask, visitScreen} from "./visit.js";

const kv = db.kv;

// --- screens ---------------------------------------------------------------------------------
async function loginScreen() {
  const view = show(html`
    <section class="card">
      <h1>执法人员登录</h1>
      <p class="muted">登录一次后，本机保存设备令牌，无信号时也能工作。</p>
      <form id="login" novalidate>
        <label>用户名<input name="username" autocomplete="username" required></label>
        <label>密码<input name="password" type="password" autocomplete="current-password" required></label>
        <label>本机名称<input name="device_name" placeholder="如：张三的手机" maxlength="100"></label>
        <button class="primary big" type="submit">登录</button>
      </form>
    </section>`);
  view.querySelector("#login").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target, data = formData(form);
    const errors = {};
    if (!data.username) errors.username = ["请填写用户名"];
    if (!data.password) errors.password = ["请填写密码"];
    if (!showErrors(form, errors)) return;
    let deviceId = await kv.get("device_id");
    if (!deviceId) { deviceId = outbox.uuid(); await kv.set("device_id", deviceId); }
    form.querySelector("button").disabled = true;
    try {
      const issued = await call("POST", "/auth/token", {json: {
        username: data.username, password: data.password, device_id: deviceId,
        device_name: data.device_name || navigator.userAgent.slice(0, 100), app_version: window.PHONE.appVersion}});
      await kv.set("token", issued.token);
      await kv.set("user_id", issued.user_id);
      toast("登录成功，正在下载任务…");
      await download();
      location.hash = "#/";
      route();
    } catch (err) {
      form.querySelector("button").disabled = false;
      if (err instanceof ApiError) showErrors(form, {...err.fields, password: [err.message]}, err.message);
      else toast(err.message, "error");
    }
  });
}

// Nearest-neighbour order from where I stand: a walkable order for the day's stops.
function orderByDistance(tasks, here) {
  const left = tasks.map((t) => ({t, at: t.business.latitude != null ? {latitude: t.business.latitude, longitude: t.business.longitude} : null}));
  const out = [];
  let from = here;
  while (left.length) {
    let best = 0, bestD = Infinity;
    left.forEach((x, i) => {
      const d = from && x.at ? distanceM(from, x.at) : Infinity;
      if (d < bestD) { best = i; bestD = d; }
    });
    const [x] = left.splice(best, 1);
    out.push({task: x.t, fromHere: here && x.at ? distanceM(here, x.at) : null, leg: Number.isFinite(bestD) ? bestD : null});
    if (x.at) from = x.at;
  }
  return out;
}

const today = () => new Date().toLocaleDateString("sv-SE");

async function homeScreen() {
  const [data, profile, last, records] = await Promise.all([kv.get("download"), kv.get("profile"), kv.get("last_synced"), outbox.list()]);
  const visitByTask = Object.fromEntries(records.filter((r) => r.kind === "visit" && r.data.task_id).map((r) => [r.data.task_id, r]));
  const joinByTask = Object.fromEntries(records.filter((r) => r.kind === "visit_join" && !["rejected", "conflict"].includes(r.status))
    .map((r) => [r.data.task_id, r]));
  const tasks = data?.tasks || [];
  const todays = tasks.filter((t) => !t.planned_on || t.planned_on <= today());
  const later = tasks.filter((t) => t.planned_on && t.planned_on > today());
  const view = show(html`
    <section class="card">
      <p><b>${profile?.name || ""}</b> <span class="muted">${profile?.enforcement_id || ""}</span></p>
      <p id="last-synced">上次同步：${last ? fmtTime(last) : "从未"}</p>
      <div class="row">
        <button id="download" class="primary">下载任务</button>
        <a class="button" href="#/outbox">上传与同步</a>
      </div>
      <div class="row">
        <a class="button" href="#/peddler">流动商贩检查</a>
        <a class="button" href="#/scan">扫种子标签</a>
      </div>
    </section>
    <h2>今日路线 <small id="here" class="muted">正在定位…</small></h2>
    <ol id="route" class="list">${todays.length ? "" : html`<li class="muted">今日没有任务。</li>`}</ol>
    ${later.length ? html`<h2>之后几天</h2><ul class="list">${later.map((t) => taskItem(t, null, visitByTask[t.id], joinByTask[t.id]))}</ul>` : ""}
    <p class="muted small">版本 ${window.PHONE.version}</p>`);
  const draw = (here) => {
    view.querySelector("#route").innerHTML = todays.length
      ? orderByDistance(todays, here).map(({task, fromHere}) => String(taskItem(task, fromHere, visitByTask[task.id], joinByTask[task.id]))).join("")
      : '<li class="muted">今日没有任务。</li>';
  };
  draw(null);
  // The fix may arrive after the inspector has left this screen: then there is nothing to redraw.
  const label = view.querySelector("#here");
  position({maxAge: 60000}).then((here) => {
    if (!label.isConnected) return;
    label.textContent = `（按距离排序，定位精度约 ${here.accuracy_m} 米）`;
    draw(here);
  }).catch((err) => { label.textContent = `（${err.message}）`; });
  view.querySelector("#download").addEventListener("click", async (e) => {
    e.target.disabled = true;
    try {
      await download({onProgress: (m) => { e.target.textContent = m; }});
      toast("下载完成");
      route();
    } catch (err) {
      toast(err.offline ? "无网络，无法下载；可继续使用已下载的数据。" : err.message, "error");
      e.target.disabled = false;
      e.target.textContent = "下载任务";
    }
  });
}

function taskItem(t, fromHere, visit, join) {
  const stopSale = t.stop_sale_lots.length;
  return html`<li><a class="task" href="#/task/${t.id}">
    <b>${t.business.name}</b>
    <span class="muted">${t.kind_label} · ${t.planned_on ? "计划 " + t.planned_on : "未排期"} · 期限 ${t.due_on}</span>
    <span>${t.business.address}</span>
    <span>${fromHere != null ? html`距此 <b class="distance">${formatDistance(fromHere)}</b>` : ""}
      ${stopSale ? html`<em class="alert">停售批次 ${stopSale}</em>` : ""}
      ${visit ? html`<em class="tag">${visit.data.checked_out_at ? "已检查" : "检查中"}</em>` : ""}
      ${join && !visit ? html`<em class="tag">已加入同事的检查</em>` : ""}</span>
  </a></li>`;
}

async function taskScreen(id) {
  const data = await kv.get("download");
  const task = data?.tasks.find((t) => String(t.id) === id);
  if (!task) { show(html`<p class="card">没有这个任务（可能已改派或完成）。<a href="#/">返回</a></p>`); return; }
  const b = task.business;
  const records = await outbox.list();
  const visit = records.find((r) => r.kind === "visit" && r.data.task_id === task.id);
  // Joined from this phone (the colleague checked in on theirs): no second check-in here,
  // unless the server refused the join (task reassigned or done meanwhile). The latest join
  // counts: one refused can be tried again.
  const join = records.filter((r) => r.kind === "visit_join" && r.data.task_id === task.id)
    .sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  const joined = join && !["rejected", "conflict"].includes(join.status);
  const pair = task.inspectors.length > 1;
  const view = show(html`
    <section class="card">
      <h1>${b.name}</h1>
      <p>${b.kind_label} · ${b.status === "active" ? "在业" : b.status}</p>
      <p>${b.address}</p>
      <p>法定代表人：${b.legal_representative || "—"}　联系人：${b.contact_name || "—"}
        ${b.contact_phone ? html`<a href="tel:${b.contact_phone}">${b.contact_phone}</a>` : ""}</p>
      <p class="muted">统一社会信用代码 ${b.credit_code || "—"}</p>
      <p>任务：${task.kind_label}，期限 ${task.due_on}；检查人员：${task.inspectors.map((p) => p.name).join("、")}</p>
      ${task.reasons.length ? html`<p class="muted">原因：${task.reasons.join("；")}</p>` : ""}
      ${task.complaint ? html`<p><b>投诉内容：</b>${task.complaint.description}</p>
        <a class="button big" id="complaint-follow-up" href="#/complaint/${task.id}">投诉复查</a>` : ""}
      ${task.rectification_id && task.rectification_orders.some((o) => o.id === task.rectification_id)
        ? html`<a class="button big" id="rectification-conclusion" href="#/rectification/${task.id}">整改复查结论</a>` : ""}
      ${visit ? html`<a class="button primary big" href="#/visit/${visit.uuid}">继续检查</a>`
              : joined ? "" : html`<button id="checkin" class="primary big">签到，开始检查</button>`}
      ${join ? html`<div id="joined"><p>已加入同事的检查（${fmtTime(join.data.joined_at)}）
          <b class="status ${join.status}">${outbox.STATUS[join.status]}</b></p>${serverAnswer(join)}</div>` : ""}
      ${!visit && !joined && pair ? html`<button id="join-visit" class="big">加入同事的检查</button>
        <p class="muted small">同事已在其手机上签到的，点此加入其检查，不必再签到；由签到的手机签退。</p>` : ""}
    </section>
    ${task.stop_sale_lots.length ? html`<section class="card alert-card"><h2>停售批次</h2><ul>
      ${task.stop_sale_lots.map((l) => html`<li class="stop-sale"><b>${l.variety}</b> 批号 ${l.lot_number} · ${l.producer} · 库存 ${l.quantity_kg} 千克</li>`)}
      </ul></section>` : ""}
    <section class="card"><h2>许可证</h2>${b.licences.length ? html`<ul>${b.licences.map((l) => html`
      <li class="${l.is_valid ? "" : "alert"}"><b>${l.number}</b> ${l.status_label}<br>
      <span class="muted">${l.crops} · 有效期至 ${fmtDate(l.expires_on)} · ${l.issuing_organ}</span></li>`)}</ul>` : html`<p class="muted">无</p>`}</section>
    <section class="card"><h2>备案</h2>${b.filings.length ? html`<ul>${b.filings.map((f) => html`
      <li><b>${f.type}</b> ${f.principal}（${f.principal_licence_number}）<br><span class="muted">
      备案 ${f.filed_on}${f.is_late ? "（逾期备案）" : ""} · ${f.varieties}</span></li>`)}</ul>` : html`<p class="muted">无</p>`}</section>
    <section class="card"><h2>未结整改通知</h2>${task.rectification_orders.length ? html`<ul>${task.rectification_orders.map((o) => html`
      <li><b>${o.serial}</b> 期限 ${o.deadline_on}<br><span class="muted">${o.items.join("；")}</span></li>`)}</ul>` : html`<p class="muted">无</p>`}</section>
    <section class="card"><h2>库存批次</h2>${task.lots_held.length ? html`<ul>${task.lots_held.map((l) => html`
      <li class="${l.under_stop_sale ? "stop-sale" : ""}"><b>${l.crop} ${l.variety}</b> 批号 ${l.lot_number}${l.under_stop_sale ? html` <em class="alert">停售</em>` : ""}<br>
      <span class="muted">${l.producer} · 库存 ${l.quantity_kg} 千克</span></li>`)}</ul>` : html`<p class="muted">台账中无库存</p>`}</section>`);
  view.querySelector("#checkin")?.addEventListener("click", (e) => startVisitForTask(task, e.target));
  view.querySelector("#join-visit")?.addEventListener("click", async (e) => {
    e.target.disabled = true;
    await joinVisitForTask(task);
    toast("已加入同事的检查（本机），有信号时上传");
    taskScreen(id);
  });
}

async function outboxBadge() {
  const n = await outbox.waiting();
  const badge = document.getElementById("outbox-badge");
  badge.hidden = n === 0;
  badge.querySelector("b").textContent = n;
}

function netStatus() {
  document.getElementById("net").textContent = navigator.onLine ? "" : "离线";
}

// --- routing ---------------------------------------------------------------------------------
export async function route() {
  const token = await kv.get("token");
  const [, name, arg, sub] = (location.hash || "#/").split("/");
  if (!token) return loginScreen();
  if (name === "task") return taskScreen(arg);
  if (name === "visit" && sub === "sample") return sampleScreen(arg);
  if (name === "visit") return visitScreen(arg);
  if (name === "peddler") return peddlerScreen();
  if (name === "complaint") return complaintScreen(arg);
  if (name === "rectification") return rectificationScreen(arg);
  if (name === "outbox") return syncScreen();
  if (name === "scan") return scanScreen(arg);
  return homeScreen();
}

async function boot() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(window.PHONE.sw, {scope: window.PHONE.shell})
      .catch((err) => console.warn("service worker", err));
  }
  window.addEventListener("hashchange", route);
  window.addEventListener("outbox-changed", outboxBadge);
  window.addEventListener("online", () => { netStatus(); startSync(); });
  window.addEventListener("offline", netStatus);
  netStatus();
  outboxBadge();
  await route().catch((err) => show(html`<p class="card alert">出错了：${err.message}</p>`));
  // The first screen is drawn and its handlers attached: what bench/bench_phone_app.py times.
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
  if (await kv.get("token")) startSync();
}

boot();
