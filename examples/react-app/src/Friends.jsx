import { useState } from 'react';
import { useFriends } from './FriendsContext.jsx';
import { displayName } from './names.js';

function FindUsers() {
  const { search, sendRequest } = useFriends();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState([]);
  const [sent, setSent] = useState({});  // user id → 'sent' | error text

  async function find(event) {
    event.preventDefault();
    setResults(await search(query));
  }
  async function add(user) {
    try {
      await sendRequest(user.id);
      setSent((s) => ({ ...s, [user.id]: 'request sent' }));
    } catch (err) {
      setSent((s) => ({ ...s, [user.id]: err.message }));
    }
  }

  return (
    <section>
      <h3>Find users</h3>
      <form onSubmit={find}>
        <input data-testid="user-search" placeholder="name or username" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button data-testid="user-search-submit" type="submit">Search</button>
      </form>
      <ul>
        {results.map((u) => (
          <li key={u.id} data-testid={`search-result-${u.username}`}>
            {displayName(u)} <small>@{u.username}</small>{' '}
            {sent[u.id] ? <em data-testid={`request-status-${u.username}`}>{sent[u.id]}</em>
              : <button data-testid={`add-friend-${u.username}`} onClick={() => add(u)}>Add friend</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Friends({ onOpenChat }) {
  const { friends, requests, accept } = useFriends();
  return (
    <aside className="panel">
      <section>
        <h3>Friend requests</h3>
        {requests.length === 0 && <p className="muted">none</p>}
        <ul>
          {requests.map((r) => (
            <li key={r.id} data-testid={`pending-request-${r.from_user.username}`}>
              {displayName(r.from_user)}{' '}
              <button data-testid={`accept-${r.from_user.username}`} onClick={() => accept(r)}>Accept</button>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h3>Friends</h3>
        {friends.length === 0 && <p className="muted">none yet</p>}
        <ul>
          {friends.map((f) => (
            <li key={f.id}>
              <button className="link" data-testid={`friend-${f.username}`} onClick={() => onOpenChat(f)}>{displayName(f)}</button>
            </li>
          ))}
        </ul>
      </section>
      <FindUsers />
    </aside>
  );
}
