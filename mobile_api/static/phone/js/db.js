// IndexedDB, promise-shaped. Stores: kv (token, profile, the morning download, catalogue),
// outbox (work recorded on the phone, one record per object revision) and files (photos and
// signatures as Blobs, uploaded one by one). Everything here survives reloads and restarts.
const NAME = "seedreg-phone";
const VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("kv");
        const outbox = db.createObjectStore("outbox", {keyPath: "uuid"});
        outbox.createIndex("status", "status");
        const files = db.createObjectStore("files", {keyPath: "uuid"});
        files.createIndex("owner", "owner_uuid");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function store(name, mode = "readonly") {
  const db = await open();
  return db.transaction(name, mode).objectStore(name);
}

export async function get(name, key) { return done((await store(name)).get(key)); }
export async function put(name, value, key) { return done((await store(name, "readwrite")).put(value, key)); }
export async function del(name, key) { return done((await store(name, "readwrite")).delete(key)); }
export async function all(name) { return done((await store(name)).getAll()); }
export async function byIndex(name, index, value) { return done((await store(name)).index(index).getAll(value)); }
export async function clear(name) { return done((await store(name, "readwrite")).clear()); }

export const kv = {
  get: (key) => get("kv", key),
  set: (key, value) => put("kv", value, key),
  del: (key) => del("kv", key),
};
