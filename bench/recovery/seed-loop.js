// Recovery benchmark: the seed app's hand-written WebSocketContext logic (what the SDK replaces), no React.
// One socket at `url?token=`, reconnect after 1, 2, 4, 8, 16 s, give up after 5 failed attempts, a
// successful open resets the count; no heartbeat, no de-duplication, the token is read once.
const MAX_ATTEMPTS = 5;

export function seedLoop({ url, token, WebSocket, onOpen, onClose, onMessage, onGiveUp }) {
  let attempts = 0;
  let ws = null;
  let timer = null;
  let disposed = false;

  function connect() {
    ws = new WebSocket(`${url}?token=${token}`);
    ws.onopen = () => {
      attempts = 0;
      onOpen();
    };
    ws.onmessage = (ev) => onMessage(JSON.parse(ev.data));
    ws.onerror = () => {};
    ws.onclose = () => {
      onClose();
      if (disposed) return;
      if (attempts < MAX_ATTEMPTS) {
        attempts++;
        timer = setTimeout(connect, 1000 * 2 ** (attempts - 1));
      } else {
        onGiveUp();
      }
    };
  }

  connect();
  return {
    close() {
      disposed = true;
      clearTimeout(timer);
      ws.close();
    },
  };
}
