import { useState } from 'react';
import { useAuth } from './auth.js';

export default function Login() {
  const { signIn } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  }

  return (
    <form className="panel login" onSubmit={submit}>
      <h2>Sign in</h2>
      <label>
        Email
        <input data-testid="login-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        Password
        <input data-testid="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <button data-testid="login-submit" type="submit" disabled={busy}>Sign in</button>
      {error && <p className="error" data-testid="login-error">{error}</p>}
    </form>
  );
}
