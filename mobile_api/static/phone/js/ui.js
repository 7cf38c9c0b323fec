// Drawing screens: an escaping template tag, form helpers and messages.
const ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
export const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ESC[c]);

class Raw { constructor(s) { this.s = s; } toString() { return this.s; } }
export const raw = (s) => new Raw(s);

// html`<p>${value}</p>`: values are escaped, arrays joined, raw() and nested html`` kept.
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    const one = (x) => (x instanceof Raw ? x.s : x === false || x == null ? "" : esc(x));
    out += (Array.isArray(v) ? v.map(one).join("") : one(v)) + strings[i + 1];
  });
  return raw(out);
}

export function show(content) {
  const view = document.getElementById("view");
  view.innerHTML = String(content);
  window.scrollTo(0, 0);
  return view;
}

export function toast(message, kind = "info") {
  let box = document.getElementById("toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.setAttribute("role", "status");
    document.body.append(box);
  }
  box.className = "toast " + kind;
  box.textContent = message;
  clearTimeout(box._timer);
  box._timer = setTimeout(() => { box.className = "toast hidden"; }, 4000);
}

export function formData(form) {
  const data = {};
  for (const [key, value] of new FormData(form)) {
    if (value instanceof File) continue;
    data[key] = typeof value === "string" ? value.trim() : value;
  }
  return data;
}

// Messages per field under the inputs (name → [messages]) and one summary at the top.
export function showErrors(form, errors, summary = "请检查标出的内容。") {
  form.querySelectorAll(".field-error").forEach((e) => e.remove());
  form.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
  const names = Object.keys(errors);
  for (const name of names) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const p = document.createElement("p");
    p.className = "field-error";
    p.textContent = errors[name].join("；");
    if (input) { input.classList.add("invalid"); input.closest("label,fieldset,div")?.append(p); }
    else form.prepend(p);
  }
  if (names.length) toast(summary, "error");
  return names.length === 0;
}

export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", {hour12: false}) : "—");
export const fmtDate = (iso) => (iso ? String(iso).slice(0, 10) : "—");
