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

async function send(path, body, accept) {
  const headers = { Accept: accept };
  const key = apiKey.get();
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  const init = { method: 'GET', headers };
  if (body instanceof FormData) {
    // The browser writes the multipart Content-Type with its boundary.
    init.method = 'POST';
    init.body = body;
  } else if (body !== undefined) {
    init.method = 'POST';
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError(0, {});
  }
}

/** GET when body is undefined, otherwise POST of body (FormData as multipart, anything else as JSON); resolves to the parsed JSON answer. */
export async function call(path, body) {
  return answerOf(await send(path, body, 'application/json, application/problem+json'));
}

/**
 * POST of body as JSON, answered as Server-Sent Events: calls onSentence with each sentence event as it arrives
 * and resolves to the final answer (the `done` event), or throws the `error` event as an ApiError.
 */
export async function stream(path, body, onSentence) {
  const response = await send(path, body, 'text/event-stream, application/problem+json');
  if (!(response.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
    return answerOf(response);
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      throw new ApiError(0, {});
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('');
      if (name === 'sentence') {
        onSentence(JSON.parse(data));
      } else if (name === 'done') {
        reader.cancel();
        return JSON.parse(data);
      } else if (name === 'error') {
        const problem = JSON.parse(data);
        reader.cancel();
        throw new ApiError(problem.status, problem, problem.retry_after);
      }
    }
  }
}

/** GET of a file; resolves to it as a Blob. */
export async function download(path) {
  const response = await send(path, undefined, '*/*');
  if (!response.ok) {
    return answerOf(response);
  }
  return response.blob();
}

async function answerOf(response) {
  const type = response.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    throw new ApiError(response.status, payload || {}, response.headers.get('Retry-After'));
  }
  return payload;
}
