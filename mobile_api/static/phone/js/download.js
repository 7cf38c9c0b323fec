// The morning download: my tasks (businesses, licences, filings, open orders, lots held and
// under stop-sale, checklist items, sampling rules, reserved numbers), my profile and partners,
// and the variety catalogue page by page. Kept in IndexedDB for the day offline.
import {call} from "./api.js";
import {kv} from "./db.js";

export async function download({onProgress = () => {}} = {}) {
  onProgress("下载任务…");
  const tasks = await call("GET", "/tasks", {query: {days: 7}});
  onProgress("下载个人信息…");
  const profile = await call("GET", "/me");
  const varieties = [];
  let after = 0;
  for (;;) {
    onProgress(`下载品种目录（${varieties.length}）…`);
    const page = await call("GET", "/varieties", {query: {after, limit: 500}});
    varieties.push(...page.items);
    if (page.next_after == null) break;
    after = page.next_after;
  }
  await kv.set("download", tasks);
  await kv.set("profile", profile);
  await kv.set("varieties", varieties);
  await kv.set("cursor", tasks.cursor);
  await kv.set("last_synced", new Date().toISOString());
  return tasks;
}
