// The REST client, as NUMENEON's (fetch instead of axios): the base URL follows the page's hostname,
// the access token comes from localStorage, and a 401 triggers one refresh
// (POST /api/auth/token/refresh/, rotated tokens written back to localStorage) and a retry.
// The AuthContext's `token` state is not updated by a refresh.
const PRODUCTION_HOST = "api.numeneon.example";
const isLocal = ["localhost", "127.0.0.1"].includes(window.location.hostname);
export const API_BASE_URL = isLocal ? "http://localhost:8000" : `https://${PRODUCTION_HOST}`;

export class ApiError extends Error {
  constructor(method, path, status, data) {
    super(data?.detail || `${method} ${path}: HTTP ${status}`);
    this.status = status;
    this.data = data;
  }
}

export function clearTokens() {
  localStorage.removeItem("accessToken");
  localStorage.removeItem("refreshToken");
}

// Concurrent 401s share one refresh: refresh tokens rotate.
let refreshing = null;
function refreshTokens() {
  refreshing ??= (async () => {
    const refresh = localStorage.getItem("refreshToken");
    if (!refresh) return null;
    const res = await fetch(`${API_BASE_URL}/api/auth/token/refresh/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh }),
    });
    if (!res.ok) return null;
    const data = await res.json();
    localStorage.setItem("accessToken", data.access);
    if (data.refresh) localStorage.setItem("refreshToken", data.refresh);
    return data.access;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function request(method, path, body, { authenticated = true, retry = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = authenticated ? localStorage.getItem("accessToken") : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${API_BASE_URL}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && authenticated && retry) {
    if (await refreshTokens()) return request(method, path, body, { retry: false });
    clearTokens();
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(method, path, res.status, data);
  return data;
}

const apiClient = {
  get: (path, options) => request("GET", path, undefined, options),
  post: (path, body, options) => request("POST", path, body, options),
};

export default apiClient;
