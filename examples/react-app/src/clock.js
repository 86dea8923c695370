// Time for people: whole seconds until a moment, and a message's time of day.
import { useEffect, useState } from 'react';

// Seconds left until `at` (a Date.now() value; null: none), re-rendering while it counts down.
export function useSecondsUntil(at) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (at == null) return undefined;
    const timer = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [at]);
  return at == null ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// "14:05" today, "1 Dec 2026, 14:05" otherwise.
export function formatTime(iso) {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? timeOfDay.format(date) : dayAndTime.format(date);
}
