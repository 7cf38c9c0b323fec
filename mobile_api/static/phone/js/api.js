// The mobile API client: bearer device token, the API's error shape {code, message, fields}.
import {kv} from "./db.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `服务器错误（${status}）`);
    this.status = status;
    this.code = body?.code || "http_" + status;
    this.fields = body?.fields || {};
  }
}

// A network failure (no signal, server unreachable): distinct from an answer of the server.
export class Offline extends Error {
  constructor() { super("无网络连接"); this.offline = true; }
}

export async function call(method, path, {json, form, query} = {}) {
  const token = await kv.get("token");
  const headers = {"X-App-Version": window.PHONE.appVersion};
  if (token) headers.Authorization = "Bearer " + token;
  let body;
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (form) body = form;
  const qs = query ? "?" + new URLSearchParams(query) : "";
  let response;
  try {
    response = await fetch(window.PHONE.api + path + qs, {method, headers, body, cache: "no-store"});
  } catch {
    throw new Offline();
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && path !== "/auth/token") await kv.del("token");
    throw new ApiError(response.status, data);
  }
  return data;
}
