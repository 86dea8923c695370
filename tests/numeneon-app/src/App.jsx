// A minimal UI over the contexts, with data-testid hooks for tests/browser/migration.e2e.test.mjs.
import { useState } from "react";
import { useAuth, useFriends, useMessages, useNotifications, useWebSocket } from "./contexts";
import { displayName } from "./utils/names";

function TopBar() {
  const { user, logout } = useAuth();
  const { isConnected } = useWebSocket();
  return (
    <header>
      <strong>NUMENEON</strong>{" "}
      <span data-testid="connection-status" data-connected={String(isConnected)}>
        {isConnected ? "connected" : "disconnected"}
      </span>
      {user && (
        <>
          {" "}
          <span data-testid="current-user">{user.username}</span>{" "}
          <button data-testid="logout" onClick={logout}>
            Log out
          </button>
        </>
      )}
    </header>
  );
}

function LoginForm() {
  const { login } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      await login(email, password);
    } catch (err) {
      setError(err.message);
    }
  }
  return (
    <form onSubmit={submit}>
      <input data-testid="login-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      <input data-testid="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button data-testid="login-submit" type="submit">
        Log in
      </button>
      {error && <p data-testid="login-error">{error}</p>}
    </form>
  );
}

function UserSearch() {
  const { searchUsers, sendFriendRequest } = useFriends();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState([]);
  const [status, setStatus] = useState({});
  async function search(event) {
    event.preventDefault();
    setResults(await searchUsers(query));
  }
  async function add(u) {
    try {
      await sendFriendRequest(u.id);
      setStatus((s) => ({ ...s, [u.id]: "request sent" }));
    } catch (err) {
      setStatus((s) => ({ ...s, [u.id]: err.message }));
    }
  }
  return (
    <section>
      <form onSubmit={search}>
        <input data-testid="user-search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button data-testid="user-search-submit" type="submit">
          Search
        </button>
      </form>
      <ul>
        {results.map((u) => (
          <li key={u.id}>
            {displayName(u)}{" "}
            {status[u.id] ? (
              <em data-testid={`request-status-${u.username}`}>{status[u.id]}</em>
            ) : (
              <button data-testid={`add-friend-${u.username}`} onClick={() => add(u)}>
                Add friend
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Friends() {
  const { friends, pendingRequests, acceptFriendRequest } = useFriends();
  const { openConversation } = useMessages();
  return (
    <aside>
      <h3>Friend requests</h3>
      <ul>
        {pendingRequests.map((r) => (
          <li key={r.id} data-testid={`pending-request-${r.from_user.username}`}>
            {displayName(r.from_user)}{" "}
            <button data-testid={`accept-${r.from_user.username}`} onClick={() => acceptFriendRequest(r)}>
              Accept
            </button>
          </li>
        ))}
      </ul>
      <h3>Friends</h3>
      <ul>
        {friends.map((f) => (
          <li key={f.id}>
            <button data-testid={`friend-${f.username}`} onClick={() => openConversation(f)}>
              {displayName(f)}
            </button>
          </li>
        ))}
      </ul>
      <UserSearch />
    </aside>
  );
}

function Conversation() {
  const { activeFriend, messages, sendMessage } = useMessages();
  const [draft, setDraft] = useState("");
  if (!activeFriend) return null;
  async function submit(event) {
    event.preventDefault();
    if (!draft.trim()) return;
    await sendMessage(draft);
    setDraft("");
  }
  return (
    <section data-testid="conversation" data-with={activeFriend.username}>
      <h3>{displayName(activeFriend)}</h3>
      <ol>
        {messages.map((m) => (
          <li key={m.id} data-testid="message">
            {m.sender.username}: {m.content}
          </li>
        ))}
      </ol>
      <form onSubmit={submit}>
        <input data-testid="message-input" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button data-testid="message-send" type="submit">
          Send
        </button>
      </form>
    </section>
  );
}

function Toasts() {
  const { toast, clearToast } = useFriends();
  const { notifications } = useNotifications();
  return (
    <section>
      {toast && (
        <p data-testid="toast" onClick={clearToast}>
          {toast}
        </p>
      )}
      <ul>
        {notifications.map((n) => (
          <li key={n.id} data-testid="notification" data-type={n.type}>
            {n.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function App() {
  const { user, isLoading } = useAuth();
  return (
    <>
      <TopBar />
      {isLoading ? null : user ? (
        <main>
          <Toasts />
          <Friends />
          <Conversation />
        </main>
      ) : (
        <LoginForm />
      )}
    </>
  );
}
