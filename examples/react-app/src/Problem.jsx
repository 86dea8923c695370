// What went wrong, in words, and a way to try again. role="alert": announced as it appears.
export default function Problem({ error, onRetry, testId }) {
  if (!error) return null;
  return (
    <p className="problem" role="alert" data-testid={testId}>
      {error.message}{' '}
      {onRetry && <button type="button" onClick={onRetry}>Try again</button>}
    </p>
  );
}
