// Position from the browser (needs a secure context: HTTPS, or localhost in tests) and distances.
// maxAge 0 for check-in and check-out (a fresh fix); the route may reuse a recent one.
export function position({timeout = 15000, maxAge = 0} = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error("此浏览器不支持定位")); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({latitude: p.coords.latitude, longitude: p.coords.longitude,
                      accuracy_m: Math.round(p.coords.accuracy), at: new Date(p.timestamp).toISOString()}),
      (e) => reject(new Error(e.code === 1 ? "未允许定位，请在浏览器设置中允许" : "无法获取定位")),
      {enableHighAccuracy: true, timeout, maximumAge: maxAge});
  });
}

// Great-circle distance in metres (haversine; the server uses geodesic distance, within 0.5 %).
export function distanceM(a, b) {
  const rad = Math.PI / 180, R = 6371008.8;
  const dLat = (b.latitude - a.latitude) * rad, dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

export function formatDistance(m) {
  if (m == null || Number.isNaN(m)) return "—";
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} 公里`;
}
