/* Bench entry: Enter moves to the next field; results and errors are computed as you type.
   Mirrors labs/calculations.py (GB/T 3543) in exact integer arithmetic; the server recomputes on
   save and is authoritative. */
(function () {
  "use strict";
  var form = document.getElementById("worksheet");
  if (!form) return;
  var index = form.dataset.index;
  var bands = JSON.parse(document.getElementById("replicate-bands").textContent || "[]");
  var out = document.getElementById("computed");
  var warn = document.getElementById("warning");
  var SCALE = 6;

  function field(name) { return form.elements[name]; }
  function text(name) { var f = field(name); return f ? f.value.trim() : ""; }
  function setError(name, message) {
    var el = form.querySelector('[data-for="' + name + '"]');
    if (el) el.textContent = message || "";
    var input = field(name);
    if (input && input.closest) input.closest(".field").classList.toggle("has-error", !!message);
  }
  function clearErrors() {
    form.querySelectorAll("small.error").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
  }
  // A decimal string as a BigInt scaled by 10^6 (null when empty, NaN-like error when bad).
  function scaled(value) {
    if (value === "") return null;
    if (!/^\d+(\.\d{0,6})?$/.test(value)) throw new Error("不是有效数字");
    var parts = value.split(".");
    var frac = (parts[1] || "").padEnd(SCALE, "0");
    return BigInt(parts[0]) * 10n ** BigInt(SCALE) + BigInt(frac);
  }
  // round half up of x / y for non-negative BigInts (四舍五入)
  function roundDiv(x, y) { return (2n * x + y) / (2n * y); }
  function fmt(tenthsOrHundredths, places) {
    var neg = tenthsOrHundredths < 0n, v = neg ? -tenthsOrHundredths : tenthsOrHundredths;
    var s = v.toString().padStart(places + 1, "0");
    return (neg ? "-" : "") + s.slice(0, s.length - places) + "." + s.slice(s.length - places);
  }
  function show(html, warning) {
    out.textContent = html;
    warn.hidden = !warning;
    warn.textContent = warning || "";
  }
  function read(names) {
    var values = {}, bad = false;
    names.forEach(function (n) {
      try { values[n] = scaled(text(n)); } catch (e) { setError(n, e.message); bad = true; }
    });
    return bad ? null : values;
  }

  var compute = {
    germination: function () {
      var normals = [], sums = [], ok = true;
      for (var i = 1; i <= 4; i++) {
        var total = 0, filled = false;
        ["normal", "abnormal", "fresh", "hard", "dead"].forEach(function (k) {
          var name = "r" + i + "_" + k, v = text(name);
          if (v === "") return;
          filled = true;
          if (!/^\d+$/.test(v)) { setError(name, "应为非负整数"); ok = false; return; }
          total += parseInt(v, 10);
        });
        var n = text("r" + i + "_normal");
        if (!filled || n === "") { ok = false; continue; }
        if (total !== 100) { setError("r" + i + "_normal", "第" + i + "次重复：各类合计 " + total + " 粒，应为 100 粒"); ok = false; }
        normals.push(parseInt(n, 10)); sums.push(total);
      }
      if (!ok || normals.length !== 4) return show("", "");
      var sum = normals.reduce(function (a, b) { return a + b; }, 0);
      var mean = Number(roundDiv(BigInt(sum), 4n));
      var range = Math.max.apply(null, normals) - Math.min.apply(null, normals);
      var key = Math.min(mean <= 50 ? 101 - mean : mean, 99), limit = null;
      bands.forEach(function (b) { if (b[0] <= key && key <= b[1]) limit = Number(b[2]); });
      var line = "发芽率 " + mean + "%，重复间最大差距 " + range + (limit === null ? "" : "，容许差 " + limit);
      show(line, limit !== null && range > limit
        ? "重复间最大差距 " + range + " 超过容许差 " + limit + "（平均 " + mean + "%），须重新试验" : "");
    },
    cleanliness: function () {
      var v = read(["working_sample_g", "pure_seed_g", "other_seeds_g", "inert_matter_g"]);
      if (!v || Object.keys(v).some(function (k) { return v[k] === null; })) return show("", "");
      if (v.working_sample_g === 0n) { setError("working_sample_g", "送验样品重量须大于 0"); return show("", ""); }
      var parts = {pure_seed: v.pure_seed_g, other_seeds: v.other_seeds_g, inert_matter: v.inert_matter_g};
      var total = parts.pure_seed + parts.other_seeds + parts.inert_matter;
      if (total === 0n) { setError("pure_seed_g", "各成分重量之和须大于 0"); return show("", ""); }
      var pct = {}, sum = 0n, largest = "pure_seed";
      Object.keys(parts).forEach(function (k) {
        pct[k] = roundDiv(parts[k] * 1000n, total); sum += pct[k];
        if (parts[k] > parts[largest]) largest = k;
      });
      pct[largest] += 1000n - sum;
      var diff = total > v.working_sample_g ? total - v.working_sample_g : v.working_sample_g - total;
      var diffPct = roundDiv(diff * 10000n, v.working_sample_g);  // hundredths of a percent
      function shown(x) { return x === 0n ? "-0-" : fmt(x, 1); }
      show("净种子 " + shown(pct.pure_seed) + "%，其他植物种子 " + shown(pct.other_seeds) + "%，杂质 " +
           shown(pct.inert_matter) + "%；重量差 " + fmt(diffPct, 2) + "%",
           diffPct > 500n ? "各成分重量之和与试样重量相差 " + fmt(diffPct, 2) + "%，超过 5%，须重新分析" : "");
    },
    moisture: function () {
      var names = ["m1_dish_g", "m1_wet_g", "m1_dry_g", "m2_dish_g", "m2_wet_g", "m2_dry_g"];
      var v = read(names);
      if (!v || names.some(function (n) { return v[n] === null; })) return show("", "");
      var dets = [], ok = true;
      [1, 2].forEach(function (i) {
        var dish = v["m" + i + "_dish_g"], wet = v["m" + i + "_wet_g"], dry = v["m" + i + "_dry_g"];
        if (wet <= dish) { setError("m" + i + "_wet_g", "第" + i + "次测定：烘前重须大于铝盒重"); ok = false; return; }
        if (dry < dish || dry > wet) { setError("m" + i + "_dry_g", "第" + i + "次测定：烘后重应在铝盒重与烘前重之间"); ok = false; return; }
        dets.push(roundDiv((wet - dry) * 10000n, wet - dish));  // hundredths of a percent
      });
      if (!ok) return show("", "");
      var diff = dets[0] > dets[1] ? dets[0] - dets[1] : dets[1] - dets[0];
      var mean = roundDiv(dets[0] + dets[1], 20n);  // tenths
      show("水分 " + fmt(mean, 1) + "%（" + fmt(dets[0], 2) + "、" + fmt(dets[1], 2) + "，相差 " + fmt(diff, 2) + "）",
           diff > 20n ? "两次测定相差 " + fmt(diff, 2) + " 个百分点，超过 0.2，须重新测定" : "");
    },
    purity: function () {
      var n = text("examined"), off = text("off_types");
      if (n === "" || off === "") return show("", "");
      if (!/^\d+$/.test(n)) { setError("examined", "应为非负整数"); return show("", ""); }
      if (!/^\d+$/.test(off)) { setError("off_types", "应为非负整数"); return show("", ""); }
      var N = BigInt(n), O = BigInt(off);
      if (N === 0n) { setError("examined", "鉴定株（粒）数须大于 0"); return show("", ""); }
      if (O > N) { setError("off_types", "异型株（粒）数不能多于鉴定数"); return show("", ""); }
      show("品种纯度 " + fmt(roundDiv((N - O) * 1000n, N), 1) + "%", "");
    }
  };

  function recompute() { clearErrors(); compute[index](); }
  form.addEventListener("input", recompute);
  form.addEventListener("change", recompute);
  // Keyboard order at the bench: Enter moves to the next field instead of submitting.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    event.preventDefault();
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input:not([type=hidden]), select"));
    var next = inputs[inputs.indexOf(event.target) + 1];
    if (next) next.focus();
  });
  if (form.querySelector("input[value]:not([value=''])")) recompute();
})();
