// Calls to the service's API: the key the user entered (kept for this browser session only, sent as Bearer),
// problem+json errors as ApiError, server-sent events read through fetch (EventSource cannot send a header).

const KEY = 'tagger.console.key';
// The API lives beside the console: /console/ -> /, so the console also works behind a path prefix.
const BASE = location.pathname.replace(/console\/.*$/, '');

export const keys = {
  get: () => sessionStorage.getItem(KEY),
  set: (k) => k ? sessionStorage.setItem(KEY, k) : sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem, method, path) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.method = method;
    this.path = path;
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  const k = keys.get();
  if (k) h.Authorization = 'Bearer ' + k;
  return h;
}

export function url(path) {
  return BASE + path.replace(/^\//, '');
}

/** One call; resolves to the parsed body (or null for 204), rejects with ApiError. */
export async function call(method, path, { json, body, type } = {}) {
  const init = { method, headers: headers({ Accept: 'application/json, application/problem+json' }) };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
    if (type) init.headers['Content-Type'] = type;
  }
  let r;
  try {
    r = await fetch(url(path), init);
  } catch (e) {
    throw new ApiError(0, { detail: 'the service could not be reached: ' + e.message }, method, path);
  }
  const text = await r.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 300) }; }
  }
  if (!r.ok) throw new ApiError(r.status, data, method, path);
  return data;
}

export const get = (p) => call('GET', p);
export const post = (p, json) => call('POST', p, { json });
export const del = (p) => call('DELETE', p);

/** Downloads a file the API answers with (the key rides in a header, so no plain link). */
export async function download(path, filename) {
  const r = await fetch(url(path), { headers: headers() });
  if (!r.ok) {
    let problem = null;
    try { problem = await r.json(); } catch { /* not JSON */ }
    throw new ApiError(r.status, problem, 'GET', path);
  }
  const blob = await r.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return blob.size;
}

/**
 * Reads a text/event-stream, calling onEvent(name, data) for each event, until the stream ends or the signal
 * aborts. Resolves when the server closes the stream.
 */
export async function events(path, onEvent, signal) {
  const r = await fetch(url(path), { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!r.ok) {
    let problem = null;
    try { problem = await r.json(); } catch { /* not JSON */ }
    throw new ApiError(r.status, problem, 'GET', path);
  }
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let name = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
