// Sign-in by OpenID Connect, authorization code with PKCE (RFC 7636), as a public client, for
// either app on the one origin (the portal against Entra External ID, the console against the
// staff's Entra ID, both against the local host's providers). Each app names itself and its one
// redirect URI with configureSignIn; its keys in sessionStorage carry its name, and a session
// remembers the authority it came from, so the two apps' tokens (and two issuers') never mix.
// The access token lives in sessionStorage (this tab only, gone when the tab closes); the PKCE
// verifier, state and nonce live there only between leaving for the provider and coming back.

let app = "portal";
let redirect = null;
/** The authority this app signs in at, from its config document (completeSignIn names it). */
let authority = null;

/** Names the app (`portal`, `console`: the prefix of its sessionStorage keys) and its redirect
 * URI: the app's page, fixed by where the app's own module is served (`new URL("../",
 * import.meta.url)`), never by the address the page was opened at, so it is always the one URI
 * registered at the provider (Entra compares them exactly). */
export function configureSignIn(name, redirectTo) {
  app = name;
  redirect = redirectTo;
}

function sessionKey() {
  return `${app}.session`;
}

function pendingKey() {
  return `${app}.pending`;
}

/** The URL the provider sends the browser back to (see configureSignIn). */
export function redirectUri() {
  if (!redirect) throw new Error("configureSignIn first");
  return redirect;
}

/** Why a sign-in failed, as one of SIGN_IN_FAILURES (the page shows a fixed message for each,
 * never text from the address bar or the provider). */
export class SignInError extends Error {
  constructor(failure) {
    super(failure);
    this.failure = SIGN_IN_FAILURES.includes(failure) ? failure : "other";
  }
}

/** The kinds of failure, each with a message `auth.failure.<kind>` in both languages. */
export const SIGN_IN_FAILURES = ["denied", "unavailable", "discovery", "token", "identity", "other"];

/** The provider's `error` codes (RFC 6749, OpenID Connect) the page tells apart. */
const PROVIDER_ERRORS = {
  access_denied: "denied",
  consent_required: "denied",
  interaction_required: "denied",
  login_required: "denied",
  server_error: "unavailable",
  temporarily_unavailable: "unavailable",
};

/** Whether `hash` is one of the portal's routes (`#/…`); other fragments are in-page links. */
export function isRoute(hash) {
  return typeof hash === "string" && hash.startsWith("#/");
}

/**
 * The issuers a provider's discovery document may name for `authority`: the authority itself
 * (OpenID Connect Discovery 1.0, 4.3) and, for a Microsoft Entra External ID authority
 * `https://<subdomain>.ciamlogin.com/<tenant-id>/v2.0`, the tenant's own form
 * `https://<tenant-id>.ciamlogin.com/<tenant-id>/v2.0`, which its discovery document names.
 */
export function expectedIssuers(authority) {
  const base = authority.replace(/\/+$/, "");
  const issuers = [base];
  const url = new URL(base);
  const tenant = url.pathname.match(/^\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0$/i);
  if (url.protocol === "https:" && url.hostname.endsWith(".ciamlogin.com") && tenant) {
    const id = tenant[1].toLowerCase();
    issuers.push(`https://${id}.ciamlogin.com/${id}/v2.0`);
  }
  return issuers;
}

let discovered = null;

async function metadata(authority) {
  if (!discovered) {
    let document_;
    try {
      const response = await fetch(`${authority}/.well-known/openid-configuration`, { credentials: "omit" });
      document_ = response.ok ? await response.json() : null;
    } catch {
      document_ = null;
    }
    const issuer = typeof document_?.issuer === "string" ? document_.issuer.replace(/\/+$/, "") : null;
    if (!issuer || !expectedIssuers(authority).includes(issuer)) throw new SignInError("discovery");
    discovered = document_;
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

/** The app roles an access token names (`roles`), for what a page offers; the API decides
 * what each role may do, whatever the page shows. */
function rolesOf(claims) {
  return Array.isArray(claims.roles) ? claims.roles.filter((role) => typeof role === "string") : [];
}

/** Leaves for the provider's sign-in page; `returnTo` is the portal route to come back to. */
export async function signIn(config, uiLanguage, returnTo) {
  const provider = await metadata(config.authority);
  const verifier = randomText(48);
  const pending = { verifier, state: randomText(24), nonce: randomText(24), returnTo: isRoute(returnTo) ? returnTo : "#/" };
  const challenge = base64url(await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  window.sessionStorage.setItem(pendingKey(), JSON.stringify(pending));
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

function pendingSignIn() {
  try {
    const pending = JSON.parse(window.sessionStorage.getItem(pendingKey()) || "null");
    return pending && typeof pending.state === "string" && pending.state ? pending : null;
  } catch {
    return null;
  }
}

/** Whether the ID token's claims are those of this sign-in: issued by the provider for this
 * client, with this sign-in's nonce, not expired (OpenID Connect Core 3.1.3.7; the token came
 * straight from the token endpoint over TLS, so its signature is not checked here). */
function identityHolds(claims, provider, config, nonce) {
  const audience = claims.aud;
  const forUs = Array.isArray(audience)
    ? audience.includes(config.client_id) && (audience.length === 1 || claims.azp === config.client_id)
    : audience === config.client_id;
  return forUs
    && typeof claims.iss === "string" && claims.iss === provider.issuer
    && typeof claims.nonce === "string" && claims.nonce === nonce
    && typeof claims.exp === "number" && claims.exp * 1000 > Date.now() - 60_000;
}

/**
 * Completes a sign-in when the page was opened by the provider's redirect (`?code=` or
 * `?error=`) for the sign-in this tab started (a pending one whose `state` matches): redeems
 * the code with the verifier, checks the ID token, keeps the session. Any query is cleared from
 * the address bar; one that does not answer a pending sign-in is ignored. Returns the route to
 * go back to, or null when this page load is not such a redirect. Throws a SignInError.
 */
export async function completeSignIn(config) {
  authority = config.authority;
  if (!window.location.search) return null;
  const params = new URLSearchParams(window.location.search);
  const pending = pendingSignIn();
  const answers = (params.has("code") || params.has("error")) && pending !== null
    && params.get("state") === pending.state;
  const returnTo = answers && isRoute(pending.returnTo) ? pending.returnTo : window.location.hash || "#/";
  window.history.replaceState(null, "", redirectUri() + returnTo);
  if (!answers) return null;
  window.sessionStorage.removeItem(pendingKey());
  if (params.has("error")) throw new SignInError(PROVIDER_ERRORS[params.get("error")] || "other");
  const provider = await metadata(config.authority);
  let response;
  let tokens;
  try {
    response = await fetch(provider.token_endpoint, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: params.get("code") || "",
        redirect_uri: redirectUri(),
        client_id: config.client_id,
        code_verifier: pending.verifier,
      }),
    });
    tokens = await response.json();
  } catch {
    throw new SignInError("token");
  }
  if (!response.ok || typeof tokens?.access_token !== "string" || typeof tokens.id_token !== "string") {
    throw new SignInError("token");
  }
  const identity = claimsOf(tokens.id_token);
  if (!identityHolds(identity, provider, config, pending.nonce)) throw new SignInError("identity");
  const session = {
    accessToken: tokens.access_token,
    expiresAt: Date.now() + (Number(tokens.expires_in) || 3600) * 1000,
    name: identity.name || identity.email || identity.preferred_username || "",
    email: identity.email || identity.preferred_username || "",
    subject: identity.oid || identity.sub || "",
    roles: rolesOf(claimsOf(tokens.access_token)),
    authority: config.authority,
  };
  window.sessionStorage.setItem(sessionKey(), JSON.stringify(session));
  return returnTo;
}


/** The current session ({accessToken, name, email, subject}) while its token is valid and came
 * from this app's authority, else null. */
export function session() {
  let stored = null;
  try {
    stored = JSON.parse(window.sessionStorage.getItem(sessionKey()) || "null");
  } catch {
    stored = null;
  }
  if (!stored || stored.expiresAt - 30_000 < Date.now()) return null;
  if (authority && stored.authority !== authority) return null;
  return stored;
}

/** Forgets the session; with a provider that offers it, signs out there too. */
export async function signOut(config) {
  window.sessionStorage.removeItem(sessionKey());
  const provider = await metadata(config.authority).catch(() => ({}));
  if (provider.end_session_endpoint) {
    const url = new URL(provider.end_session_endpoint);
    url.searchParams.set("post_logout_redirect_uri", redirectUri());
    window.location.assign(url.toString());
  }
}

/** Forgets the session without leaving (the API refused the token). */
export function forget() {
  window.sessionStorage.removeItem(sessionKey());
}
