// The headless demo: the reference backend on its embedded default (SQLite + in-memory channel layer),
// two SDK clients (User A and User B), and the seed's steps: friend request, acceptance, message.
// Prints a timeline of what the SDK delivered, with the REST → event latency, and leaves nothing running.
import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';
import { Api, startBackend } from '../../tests/support/backend.mjs';

const t0 = performance.now();
const stamp = () => `${(performance.now() - t0).toFixed(0).padStart(6)} ms`;
const line = (who, text) => console.log(`${stamp()}  ${who.padEnd(7)} ${text}`);

async function connectUser(api, baseUrl, label, credentials) {
  const client = await createClient({
    baseUrl,
    WebSocket,
    logger: null,
    // A fresh token whenever the SDK says the last one may be stale.
    getToken: async ({ reason }) => {
      if (reason === 'initial' || reason === 'reconnect') return credentials.access;
      const fresh = await api.refresh(credentials.refresh).catch(() => null);
      if (!fresh) return null;
      Object.assign(credentials, fresh);
      return fresh.access;
    },
  });
  client.on('state', (s) => line(label, `state ${s.from} → ${s.to} (${s.reason})`));
  client.on('resync', (r) => line(label, `resync after ${r.downtimeMs} ms down: re-fetch over REST`));
  client.on('error', (e) => line(label, `error ${e.code}: ${e.message}`));
  client.subscribe('connection_established', (d) => line(label, `event connection_established: "${d.message}"`));
  const opened = new Promise((resolve) => client.on('open', resolve));
  client.connect();
  await opened;
  return client;
}

// Runs `action` and resolves with the data of the next `type` event `client` delivers, and the latency.
async function expectEvent(client, type, action) {
  const start = performance.now();
  const arrived = new Promise((resolve) => {
    const off = client.subscribe(type, (data) => {
      off();
      resolve([data, performance.now() - start]);
    });
  });
  const [result, [data, ms]] = await Promise.all([action(), arrived]);
  return { result, data, ms };
}

const backend = await startBackend();
const clients = [];
try {
  line('backend', `reference backend up at ${backend.baseUrl} (SQLite + in-memory channel layer)`);
  const api = new Api(backend.baseUrl);
  const alice = await api.createUser('alice', { first_name: 'Alice', last_name: 'Anders' });
  const bob = await api.createUser('bob', { first_name: 'Bob', last_name: 'Brown' });
  line('REST', `signed up and logged in: alice (id ${alice.user.id}) and bob (id ${bob.user.id})`);

  const a = await connectUser(api, backend.baseUrl, 'User A', alice);
  const b = await connectUser(api, backend.baseUrl, 'User B', bob);
  clients.push(a, b);

  line('User A', 'POST /api/friends/request/ → bob');
  const request = await expectEvent(b, 'friend_request', () => api.sendFriendRequest(alice.access, bob.user.id));
  line('User B', `event friend_request #${request.data.request_id} from ${request.data.from_user.first_name} ${request.data.from_user.last_name} (@${request.data.from_user.username})  [${request.ms.toFixed(1)} ms after the REST call]`);

  line('User B', `POST /api/friends/accept/${request.data.request_id}/`);
  const accepted = await expectEvent(a, 'friend_accepted', () => api.acceptFriendRequest(bob.access, request.data.request_id));
  line('User A', `event friend_accepted: "${accepted.data.friend.first_name} ${accepted.data.friend.last_name} accepted your friend request!"  [${accepted.ms.toFixed(1)} ms]`);

  line('User A', 'POST /api/messages/ → bob: "hello bob"');
  const message = await expectEvent(b, 'new_message', () => api.sendMessage(alice.access, bob.user.id, 'hello bob'));
  line('User B', `event new_message #${message.data.id} from @${message.data.sender.username}: "${message.data.content}"  [${message.ms.toFixed(1)} ms]`);

  const stats = b.stats();
  line('User B', `stats: ${stats.framesReceived} frames received, ${stats.framesDelivered} delivered, ${stats.duplicates} duplicates, ${stats.rejected} rejected`);
  for (const client of clients) {
    const closed = new Promise((resolve) => client.on('state', (s) => s.to === 'closed' && resolve()));
    client.close();
    await closed;
  }
  const ms = [request.ms, accepted.ms, message.ms];
  console.log(`\nREST → event latency: ${ms.map((m) => `${m.toFixed(1)} ms`).join(', ')} (friend_request, friend_accepted, new_message)`);
  console.log('demo OK: friend request, acceptance and message delivered through the SDK');
} finally {
  for (const c of clients) c.dispose();
  await backend.stop();
}
