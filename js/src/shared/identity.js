// Which tabs may share a connection: the user a token names, and the group name built from it.
//
// A JWT's payload is read without checking its signature, only to group tabs: the server still checks
// every token, and a token naming another user than the group's is never used for it (the facade's
// token check). A token that is not a JWT, or names nobody, means no sharing unless shareKey is given.

function base64UrlDecode(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

// The user a token names: its payload's user_id (what simplejwt writes), else sub; null for anything else.
export function tokenUser(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1]));
    const user = payload?.user_id ?? payload?.sub;
    if ((typeof user === 'string' && user !== '') || (typeof user === 'number' && Number.isFinite(user))) return String(user);
  } catch {
    // not base64url, not JSON: not a JWT
  }
  return null;
}

// One group per socket URL and identity; the app's own key and a token's user never meet.
export function groupName(url, { shareKey, user }) {
  return `numeneon-realtime|${url}|${shareKey != null ? `key:${shareKey}` : `user:${user}`}`;
}
