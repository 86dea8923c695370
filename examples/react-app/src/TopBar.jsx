import { useAuth } from './auth.js';
import ConnectionStatus from './ConnectionStatus.jsx';
import { useNotifications } from './NotificationContext.jsx';

export default function TopBar() {
  const { user, signOut } = useAuth();
  const { toasts, dismiss } = useNotifications();
  return (
    <header className="topbar">
      <strong>NUMENEON</strong>
      <ConnectionStatus />
      {user && <span data-testid="current-user">{user.username}</span>}
      {user && <button data-testid="logout" onClick={signOut}>Sign out</button>}
      <ul className="toasts" data-testid="toasts">
        {toasts.map((t) => (
          <li key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind} onClick={() => dismiss(t.id)}>
            {t.text}
          </li>
        ))}
      </ul>
    </header>
  );
}
