// The side panel: pending requests (accept / decline), friends (each opens its conversation, with an
// unread count and whether they are online), and a user search that knows who is already a friend or
// was already asked.
import { useState } from 'react';
import { PresenceDot } from './Extensions.jsx';
import { useFriends } from './FriendsContext.jsx';
import { useMessages } from './MessageContext.jsx';
import { displayName } from './names.js';
import Problem from './Problem.jsx';
import { chatHref, useChat } from './route.js';

const Handle = ({ user }) => <small className="muted">@{user.username}</small>;
const Missed = () => <span className="badge">new</span>;

function Requests() {
  const { requests, accept, decline } = useFriends();
  const [problem, setProblem] = useState(null);  // { error, retry }

  async function act(action, request) {
    setProblem(null);
    try {
      await action(request);
    } catch (error) {
      setProblem({ error, retry: () => act(action, request) });
    }
  }

  return (
    <section>
      <h2>Friend requests</h2>
      {requests.length === 0 && <p className="muted">No pending requests.</p>}
      <ul>
        {requests.map((r) => (
          <li key={r.id} className="row" data-testid={`pending-request-${r.from_user.username}`} data-missed={r.missed || undefined}>
            <span className="grow">{displayName(r.from_user)} <Handle user={r.from_user} /> {r.missed && <Missed />}</span>
            <button type="button" data-testid={`accept-${r.from_user.username}`} onClick={() => act(accept, r)}>Accept</button>
            <button type="button" data-testid={`decline-${r.from_user.username}`} onClick={() => act(decline, r)}>Decline</button>
          </li>
        ))}
      </ul>
      <Problem error={problem?.error} onRetry={problem?.retry} testId="request-error" />
    </section>
  );
}

function FriendList() {
  const { friends, loaded } = useFriends();
  const { unread } = useMessages();
  const [chat, setChat] = useChat();

  function open(event, username) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;  // new tab: let the link work
    event.preventDefault();
    setChat(username);
  }

  return (
    <section>
      <h2>Friends</h2>
      {loaded && friends.length === 0 && <p className="muted">No friends yet: find someone below.</p>}
      <ul>
        {friends.map((f) => (
          <li key={f.id} className="row">
            <a href={chatHref(f.username)} data-testid={`friend-${f.username}`} aria-current={chat === f.username ? 'page' : undefined}
              onClick={(e) => open(e, f.username)}>{displayName(f)}<PresenceDot user={f} /></a>
            {f.missed && <Missed />}
            {unread[f.id] > 0 && <span className="badge" data-testid={`unread-${f.username}`}>{unread[f.id]} unread</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FindUsers() {
  const { friends, requests, search, sendRequest } = useFriends();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null);      // { query, users } of the last search
  const [problem, setProblem] = useState(null);
  const [sent, setSent] = useState({});          // user id → true | the ApiError

  async function find(event) {
    event?.preventDefault();
    setProblem(null);
    try {
      setFound({ query, users: await search(query) });
    } catch (err) {
      setProblem(err);
    }
  }
  async function add(user) {
    try {
      await sendRequest(user.id);
      setSent((s) => ({ ...s, [user.id]: true }));
    } catch (err) {
      setSent((s) => ({ ...s, [user.id]: err }));
    }
  }
  // Derived from the live lists, so "request sent" becomes "friends" once it is accepted.
  function relation(user) {
    if (friends.some((f) => f.id === user.id)) return 'friends';
    if (requests.some((r) => r.from_user.id === user.id)) return 'wants to be your friend';
    if (sent[user.id] === true) return 'request sent';
    return null;
  }

  return (
    <section>
      <h2>Find users</h2>
      <form role="search" onSubmit={find}>
        <label htmlFor="user-search">Name or username</label>
        <div className="row">
          <input id="user-search" type="search" data-testid="user-search" value={query} onChange={(e) => setQuery(e.target.value)} />
          <button data-testid="user-search-submit" type="submit">Search</button>
        </div>
      </form>
      <Problem error={problem} onRetry={find} testId="search-error" />
      {found?.users.length === 0 && <p className="muted" data-testid="search-empty">No users match “{found.query}”.</p>}
      <ul>
        {found?.users.map((u) => {
          const status = relation(u);
          return (
            <li key={u.id} data-testid={`search-result-${u.username}`}>
              <div className="row">
                <span className="grow">{displayName(u)} <Handle user={u} /><PresenceDot user={u} testId={`search-presence-${u.username}`} /></span>
                {status ? <em data-testid={`request-status-${u.username}`}>{status}</em>
                  : <button type="button" data-testid={`add-friend-${u.username}`} onClick={() => add(u)}>Add friend</button>}
              </div>
              {!status && sent[u.id] instanceof Error && <Problem error={sent[u.id]} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export default function Friends() {
  const { loaded, problem, reload } = useFriends();
  return (
    <div className="panel sidebar">
      {!loaded && !problem && <p className="muted" role="status">Loading your friends…</p>}
      <Problem error={problem} onRetry={reload} testId="friends-error" />
      <Requests />
      <FriendList />
      <FindUsers />
    </div>
  );
}
