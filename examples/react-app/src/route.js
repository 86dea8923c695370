// The open conversation lives in the URL (?chat=<username>): a reload or a shared link reopens it and
// Back closes it. One query parameter and the History API are all it takes, so no router library.
import { useCallback, useSyncExternalStore } from 'react';

const read = () => new URLSearchParams(window.location.search).get('chat');
function subscribe(onChange) {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
}

export const chatHref = (username) => (username ? `?chat=${encodeURIComponent(username)}` : window.location.pathname);

// [username or null, setChat(username or null)]
export function useChat() {
  const chat = useSyncExternalStore(subscribe, read);
  const setChat = useCallback((username) => {
    if (username === read()) return;
    window.history.pushState(null, '', chatHref(username));
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, []);
  return [chat, setChat];
}
