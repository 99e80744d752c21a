// The broker's API as the console calls it: every call carries the staff key from sessionStorage,
// which is the only place the key is kept (never a URL, a cookie or localStorage).

const KEY_NAME = 'samplebroker.staffKey';
const BASE = '/api';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY_NAME);
  },
  signIn(key) {
    sessionStorage.setItem(KEY_NAME, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY_NAME);
  },
};

/** A failed call: `status` is the HTTP status (0 when the broker could not be reached), `problem` its problem details. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem ?? null;
  }
}

/** Calls the API with the staff key; resolves to the JSON answer (null for 204) or rejects with an ApiError. */
export async function call(method, path, { body, key } = {}) {
  const headers = { Accept: 'application/json', 'X-Api-Key': key ?? session.key ?? '' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, null);
  }

  if (response.status === 204) {
    return null;
  }

  const type = response.headers.get('Content-Type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }

  return data;
}

export const get = (path, options) => call('GET', path, options);
export const post = (path, body) => call('POST', path, { body });
export const del = (path) => call('DELETE', path);

/** A query string from the set values of an object, empty ones left out. */
export function query(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) {
      params.set(name, String(value));
    }
  }

  const text = params.toString();
  return text ? `?${text}` : '';
}

/** What to tell a person about a failed call. */
export function explain(error) {
  if (!(error instanceof ApiError)) {
    return `Something went wrong in the console: ${error?.message ?? error}`;
  }

  switch (error.status) {
    case 0:
      return 'The broker cannot be reached. Check the network; the console keeps trying.';
    case 401:
      return 'This staff key is not accepted: it is wrong, or it has been revoked. Sign in with a valid staff key.';
    case 403:
      return 'This key belongs to an organisation, not to alliance staff. Sign in with a staff key.';
    case 503:
      return 'Storage is unreachable: the broker can neither read nor change anything right now, and nothing was changed. The console keeps trying.';
    default: {
      const fields = error.problem?.errors
        ? ' ' + Object.entries(error.problem.errors).map(([field, messages]) => `${field} ${messages.join(' ')}`).join(' ')
        : '';
      return `${error.message}${fields}`;
    }
  }
}
