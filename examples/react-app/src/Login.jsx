// Sign in, or create an account (then signed in at once).
import { useState } from 'react';
import { useAuth } from './auth.js';
import Problem from './Problem.jsx';

const SIGN_UP_FIELDS = [
  ['first_name', 'First name (optional)', 'text', 'given-name', false],
  ['last_name', 'Last name (optional)', 'text', 'family-name', false],
  ['username', 'Username', 'text', 'username', true],
];

export default function Login() {
  const { signIn, signUp } = useAuth();
  const [mode, setMode] = useState('sign-in');  // or 'sign-up'
  const [fields, setFields] = useState({ email: '', password: '', username: '', first_name: '', last_name: '' });
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'sign-up';

  async function submit(event) {
    event?.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      if (signingUp) await signUp(fields);
      else await signIn(fields.email, fields.password);
    } catch (err) {
      setProblem(err);
      setBusy(false);
    }
  }
  const input = (name, label, type, autoComplete, required) => (
    <label key={name}>
      {label}
      <input data-testid={`${signingUp ? 'signup' : 'login'}-${name}`} name={name} type={type} autoComplete={autoComplete} required={required}
        value={fields[name]} onChange={(e) => setFields((f) => ({ ...f, [name]: e.target.value }))} />
    </label>
  );

  return (
    <main className="panel narrow">
      <form className="login" onSubmit={submit} data-testid={`${mode}-form`}>
        <h2>{signingUp ? 'Create an account' : 'Sign in'}</h2>
        {signingUp && SIGN_UP_FIELDS.map((f) => input(...f))}
        {input('email', 'Email', 'email', 'email', true)}
        {input('password', 'Password', 'password', signingUp ? 'new-password' : 'current-password', true)}
        <button data-testid={`${signingUp ? 'signup' : 'login'}-submit`} type="submit" disabled={busy}>
          {signingUp ? 'Create account' : 'Sign in'}
        </button>
        {/* A server that cannot be reached is not a wrong password: say which, and offer to try again. */}
        <Problem error={problem} onRetry={problem?.status === 0 || problem?.status >= 500 ? submit : null} testId="login-error" />
      </form>
      <p>
        {signingUp ? 'Already have an account?' : 'New here?'}{' '}
        <button type="button" className="link" data-testid="switch-mode" onClick={() => { setMode(signingUp ? 'sign-in' : 'sign-up'); setProblem(null); }}>
          {signingUp ? 'Sign in' : 'Create an account'}
        </button>
      </p>
    </main>
  );
}
