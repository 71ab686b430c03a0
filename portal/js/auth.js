// Sign-in by OpenID Connect, authorization code with PKCE (RFC 7636), as a public client: the
// same code path against Microsoft Entra External ID and against the local host's provider.
// The access token lives in sessionStorage (this tab only, gone when the tab closes); the
// PKCE verifier, state and nonce live there only between leaving for the provider and coming back.

const SESSION = "portal.session";
const PENDING = "portal.pending";

/** The URL the provider sends the browser back to: the portal's own page. */
export function redirectUri() {
  return window.location.origin + window.location.pathname.replace(/index\.html$/, "");
}

let discovered = null;

async function metadata(authority) {
  if (!discovered) {
    const response = await fetch(`${authority}/.well-known/openid-configuration`, { credentials: "omit" });
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    discovered = await response.json();
  }
  return discovered;
}

function randomText(bytes) {
  return base64url(window.crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(buffer) {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function claimsOf(jwt) {
  try {
    const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(window.atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

/** Leaves for the provider's sign-in page; `returnTo` is the portal route to come back to. */
export async function signIn(config, uiLanguage, returnTo) {
  const provider = await metadata(config.authority);
  const verifier = randomText(48);
  const pending = { verifier, state: randomText(24), nonce: randomText(24), returnTo };
  const challenge = base64url(await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  window.sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(provider.authorization_endpoint);
  const query = {
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    response_type: "code",
    response_mode: "query",
    scope: config.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ui_locales: uiLanguage,
  };
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  window.location.assign(url.toString());
}

/**
 * Completes a sign-in when the page was opened by the provider's redirect (`?code=` or
 * `?error=`): checks the state, redeems the code with the verifier, keeps the tokens, and
 * clears the query from the address bar. Returns the route to go back to, or null when this
 * page load is not a redirect. Throws with the reason when the sign-in failed.
 */
export async function completeSignIn(config) {
  const params = new URLSearchParams(window.location.search);
  if (!params.has("code") && !params.has("error")) return null;
  const pending = JSON.parse(window.sessionStorage.getItem(PENDING) || "null");
  window.sessionStorage.removeItem(PENDING);
  window.history.replaceState(null, "", redirectUri() + (pending?.returnTo || "#/"));
  if (params.has("error")) throw new Error(params.get("error_description") || params.get("error"));
  if (!pending || params.get("state") !== pending.state) throw new Error("state mismatch");
  const provider = await metadata(config.authority);
  const response = await fetch(provider.token_endpoint, {
    method: "POST",
    credentials: "omit",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: params.get("code"),
      redirect_uri: redirectUri(),
      client_id: config.client_id,
      code_verifier: pending.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.access_token) throw new Error(tokens.error_description || tokens.error || response.status);
  const identity = tokens.id_token ? claimsOf(tokens.id_token) : claimsOf(tokens.access_token);
  if (tokens.id_token && identity.nonce !== pending.nonce) throw new Error("nonce mismatch");
  const session = {
    accessToken: tokens.access_token,
    expiresAt: Date.now() + (Number(tokens.expires_in) || 3600) * 1000,
    name: identity.name || identity.email || identity.preferred_username || "",
    email: identity.email || identity.preferred_username || "",
  };
  window.sessionStorage.setItem(SESSION, JSON.stringify(session));
  return pending.returnTo || "#/";
}

/** The current session ({accessToken, name}) while its token is valid, else null. */
export function session() {
  const stored = JSON.parse(window.sessionStorage.getItem(SESSION) || "null");
  if (!stored || stored.expiresAt - 30_000 < Date.now()) return null;
  return stored;
}

/** Forgets the session; with a provider that offers it, signs out there too. */
export async function signOut(config) {
  window.sessionStorage.removeItem(SESSION);
  const provider = await metadata(config.authority).catch(() => ({}));
  if (provider.end_session_endpoint) {
    const url = new URL(provider.end_session_endpoint);
    url.searchParams.set("post_logout_redirect_uri", redirectUri());
    window.location.assign(url.toString());
  }
}

/** Forgets the session without leaving (the API refused the token). */
export function forget() {
  window.sessionStorage.removeItem(SESSION);
}
