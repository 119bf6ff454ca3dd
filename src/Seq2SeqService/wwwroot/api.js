// Calls to the service's native API, with the API key (if the person gave one) and problem+json errors.

const keyItem = 'seq2seq.apiKey';

// sessionStorage only: the key lives as long as the tab and never reaches disk-backed storage.
export const apiKey = {
  get: () => sessionStorage.getItem(keyItem),
  set: (value) => sessionStorage.setItem(keyItem, value),
  clear: () => sessionStorage.removeItem(keyItem),
};

/** A failed call: the HTTP status (0 when the service was unreachable) and the problem document. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** GET when body is undefined, otherwise POST of body as JSON; resolves to the parsed JSON answer. */
export async function call(path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const key = apiKey.get();
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  const init = { method: 'GET', headers };
  if (body !== undefined) {
    init.method = 'POST';
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, {});
  }

  const type = response.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    throw new ApiError(response.status, payload || {}, response.headers.get('Retry-After'));
  }
  return payload;
}
