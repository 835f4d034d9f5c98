// The staff sign-in, straight to Cognito's JSON API with fetch (no SDK shipped to the browser):
// USER_PASSWORD_AUTH, the NEW_PASSWORD_REQUIRED challenge of an invited user, REFRESH_TOKEN_AUTH a minute
// before the ID token expires, GlobalSignOut. Tokens live in sessionStorage only (gone with the tab).

const STORE_KEY = "phananh.console.session";
const REFRESH_MARGIN_MS = 60 * 1000;

export class CognitoError extends Error {
  constructor(type, message) {
    super(message || type);
    this.type = type; // e.g. NotAuthorizedException, InvalidPasswordException
  }
}

async function send(endpoint, target, body) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService." + target },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(data.__type || response.headers.get("x-amzn-errortype") || "http_" + response.status);
    throw new CognitoError(type.split("#").pop().split(":")[0], data.message || data.Message);
  }
  return data;
}

/** The `exp` (ms) of a JWT, read without checking it: the API checks; this only schedules the refresh. */
export function expiresAt(jwt) {
  const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload)).exp * 1000;
}

export class CognitoClient {
  /** `endpoint`: https://cognito-idp.REGION.amazonaws.com/ (or the local stack's); `storage`: sessionStorage. */
  constructor({ endpoint, clientId, storage = globalThis.sessionStorage, now = () => Date.now() }) {
    Object.assign(this, { endpoint, clientId, storage, now });
    this.session = JSON.parse(storage?.getItem(STORE_KEY) || "null");
  }

  _keep(result, username) {
    const refresh = result.RefreshToken || this.session?.refreshToken;
    this.session = { username, idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: refresh,
                     expiresAt: expiresAt(result.IdToken) };
    this.storage?.setItem(STORE_KEY, JSON.stringify(this.session));
    return { signedIn: true };
  }

  /** `{signedIn: true}` or `{challenge: "NEW_PASSWORD_REQUIRED"}` (then call `newPassword`). */
  async signIn(username, password) {
    const data = await send(this.endpoint, "InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH", ClientId: this.clientId, AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    if (data.ChallengeName) {
      this.pending = { username, challenge: data.ChallengeName, session: data.Session };
      return { challenge: data.ChallengeName };
    }
    return this._keep(data.AuthenticationResult, username);
  }

  async newPassword(password) {
    const { username, challenge, session } = this.pending || {};
    if (challenge !== "NEW_PASSWORD_REQUIRED") throw new CognitoError("NoChallenge");
    const data = await send(this.endpoint, "RespondToAuthChallenge", {
      ChallengeName: challenge, ClientId: this.clientId, Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
    });
    this.pending = null;
    return this._keep(data.AuthenticationResult, username);
  }

  /** The ID token for the API's Authorization header, refreshed first when it is about to expire. */
  async idToken() {
    if (!this.session) return null;
    if (this.now() > this.session.expiresAt - REFRESH_MARGIN_MS) {
      const data = await send(this.endpoint, "InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: this.clientId,
        AuthParameters: { REFRESH_TOKEN: this.session.refreshToken },
      });
      this._keep(data.AuthenticationResult, this.session.username);
    }
    return this.session.idToken;
  }

  /** Every token of the user revoked (all devices), then forgotten here even if Cognito is unreachable. */
  async signOut() {
    const token = this.session?.accessToken;
    this.session = null;
    this.storage?.removeItem(STORE_KEY);
    if (token) await send(this.endpoint, "GlobalSignOut", { AccessToken: token });
  }
}
