// Drives the console's pure modules from Node for tests/functional/test_console_modules.py:
// argv[2] is a JSON command; the answer is one JSON line on stdout.
import { CognitoClient, CognitoError } from "../../web/console/cognito.js";
import { ACTION_FIELDS, actionBody, actionPath } from "../../web/console/actions.js";
import { slaState } from "../../web/console/sla.js";

class Memory {
  constructor() { this.items = {}; }
  getItem(k) { return k in this.items ? this.items[k] : null; }
  setItem(k, v) { this.items[k] = String(v); }
  removeItem(k) { delete this.items[k]; }
}

const command = JSON.parse(process.argv[2]);
const out = {};
if (command.sla) {
  out.sla = command.sla.rows.map((row) => slaState(row, Date.parse(command.sla.now)));
}
if (command.actions) {
  out.fields = Object.fromEntries(Object.entries(ACTION_FIELDS).map(([a, fs]) => [a, fs.map((f) => f.name)]));
  out.bodies = command.actions.map(({ action, values, version, media_ids: ids }) =>
    ({ path: actionPath("DLK-1", action), body: actionBody(action, values, version, ids) }));
}
if (command.cognito) {
  const { endpoint, clientId, username, temporary, password } = command.cognito;
  let clock = Date.now();
  const storage = new Memory();
  const client = new CognitoClient({ endpoint, clientId, storage, now: () => clock });
  try {
    await client.signIn(username, "wrong-" + temporary);
  } catch (e) {
    out.wrong = e instanceof CognitoError ? e.type : String(e);
  }
  out.first = await client.signIn(username, temporary);
  out.challenged = await client.newPassword(password);
  const first = await client.idToken();
  out.stored = storage.getItem("phananh.console.session") !== null;
  clock = client.session.expiresAt; // past the refresh margin: the next call refreshes
  const refreshed = await client.idToken();
  out.refreshed = refreshed !== first && Boolean(refreshed);
  out.again = await new CognitoClient({ endpoint, clientId, storage: new Memory() }).signIn(username, password);
  const access = client.session.accessToken;
  await client.signOut();
  out.forgotten = storage.getItem("phananh.console.session") === null && client.session === null;
  out.access = access;
}
console.log(JSON.stringify(out));
