import { useAuth } from './auth.js';
import AlertsMenu from './AlertsMenu.jsx';
import ConnectionStatus, { ConnectionProblem } from './ConnectionStatus.jsx';
import { Toasts } from './NotificationContext.jsx';

export default function TopBar() {
  const { user, signOut } = useAuth();
  return (
    <>
      <header className="topbar">
        <div className="bar">
          <h1>NUMENEON</h1>
          <ConnectionStatus />
          {user && <span className="grow" data-testid="current-user">@{user.username}</span>}
          {user && <AlertsMenu />}
          {user && <button type="button" data-testid="logout" onClick={signOut}>Sign out</button>}
        </div>
        <ConnectionProblem />
      </header>
      <Toasts />
    </>
  );
}
