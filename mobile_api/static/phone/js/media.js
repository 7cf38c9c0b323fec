// Photos downscaled on the phone before upload (saves data on weak signal) and a signature pad.
// Downscaling through a canvas drops EXIF, so the capture time and position travel as fields.
export const MAX_EDGE = 1600;
export const JPEG_QUALITY = 0.82;

export async function downscale(file, maxEdge = MAX_EDGE) {
  const bitmap = await createImageBitmap(file, {imageOrientation: "from-image"}).catch(() => null);
  if (!bitmap) throw new Error("无法读取这张照片，请重拍");
  const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, w, h);
  bitmap.close?.();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  return {blob, width: w, height: h};
}

// Touch/pen/mouse drawing on a canvas; .isEmpty() tells whether anything was signed.
export function signaturePad(canvas) {
  const ctx = canvas.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = rect.width * ratio;
  canvas.height = rect.height * ratio;
  ctx.scale(ratio, ratio);
  ctx.lineWidth = 2.5;
  ctx.lineCap = "round";
  ctx.strokeStyle = "#000";
  let drawing = false, strokes = 0;
  const at = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true; canvas.setPointerCapture(e.pointerId);
    ctx.beginPath(); ctx.moveTo(...at(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    ctx.lineTo(...at(e)); ctx.stroke(); strokes += 1;
  });
  const end = () => { drawing = false; };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  return {
    isEmpty: () => strokes === 0,
    clear: () => { ctx.clearRect(0, 0, canvas.width, canvas.height); strokes = 0; },
    toBlob: () => new Promise((resolve) => {
      // White background: a transparent PNG prints black on black in some viewers.
      const out = document.createElement("canvas");
      out.width = canvas.width; out.height = canvas.height;
      const o = out.getContext("2d");
      o.fillStyle = "#fff"; o.fillRect(0, 0, out.width, out.height); o.drawImage(canvas, 0, 0);
      out.toBlob(resolve, "image/png");
    }),
  };
}
