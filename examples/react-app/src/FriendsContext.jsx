// Friends and pending requests: loaded over REST, kept live by pushes, re-fetched on resync (where
// what had been missed is marked and announced).
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useClientEvent, useWebSocket } from '@numeneon/realtime/react';
import { useAuth } from './auth.js';
import { addOnce, markMissed, withoutId } from './lists.js';
import { plural } from './names.js';
import { useNotifications } from './NotificationContext.jsx';
import { api } from './session.js';

const FriendsContext = createContext(null);
export const useFriends = () => useContext(FriendsContext);

const fetchAll = () => Promise.all([api('GET', '/api/friends/'), api('GET', '/api/friends/requests/')]);

export function FriendsProvider({ children }) {
  const { user } = useAuth();
  const { subscribe } = useWebSocket();
  const { notify } = useNotifications();
  const [friends, setFriends] = useState([]);
  const [requests, setRequests] = useState([]);  // [{ id, from_user, missed? }]
  const [loaded, setLoaded] = useState(false);
  const [problem, setProblem] = useState(null);  // the last load failed: an ApiError

  const load = useCallback(async () => {
    try {
      const [f, r] = await fetchAll();
      setFriends(f);
      setRequests(r);
      setLoaded(true);
      setProblem(null);
    } catch (err) {
      setProblem(err);
    }
  }, []);

  useEffect(() => {
    setFriends([]);
    setRequests([]);
    setLoaded(false);
    setProblem(null);
    if (user) load();
  }, [user, load]);

  // The latest handler sees what is on screen, so the re-fetch can be compared with it.
  useClientEvent('resync', async () => {
    try {
      const [f, r] = await fetchAll();
      setFriends(markMissed(f, friends));
      setRequests(markMissed(r, requests));
      setProblem(null);
      const missed = r.filter((request) => !requests.some((shown) => shown.id === request.id)).length;
      if (missed > 0) notify('missed:requests', 'missed', `${plural(missed, 'new friend request')} while you were away`);
    } catch (err) {
      setProblem(err);
    }
  });

  useEffect(() => subscribe('friend_request', (data) => {
    setRequests((list) => addOnce(list, { id: data.request_id, from_user: data.from_user }));
  }), [subscribe]);
  useEffect(() => subscribe('friend_accepted', (data) => {
    setFriends((list) => addOnce(list, data.friend));
  }), [subscribe]);

  const accept = useCallback(async (request) => {
    await api('POST', `/api/friends/accept/${request.id}/`);
    setRequests((list) => withoutId(list, request.id));
    setFriends((list) => addOnce(list, request.from_user));
  }, []);
  const decline = useCallback(async (request) => {
    await api('POST', `/api/friends/decline/${request.id}/`);
    setRequests((list) => withoutId(list, request.id));
  }, []);
  const sendRequest = useCallback((userId) => api('POST', `/api/friends/request/${userId}/`), []);
  const search = useCallback((q) => api('GET', `/api/users/?search=${encodeURIComponent(q)}`), []);

  return (
    <FriendsContext.Provider value={{ friends, requests, loaded, problem, reload: load, accept, decline, sendRequest, search }}>
      {children}
    </FriendsContext.Provider>
  );
}
