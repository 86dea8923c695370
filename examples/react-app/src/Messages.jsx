import { useEffect, useState } from 'react';
import { useAuth } from './auth.js';
import { useMessages } from './MessageContext.jsx';
import { displayName } from './names.js';

export default function Messages({ friend }) {
  const { user } = useAuth();
  const { messages, open, send } = useMessages();
  const [draft, setDraft] = useState('');
  const friendId = friend?.id ?? null;

  useEffect(() => open(friendId), [open, friendId]);

  if (!friend) return <section className="panel muted">Pick a friend to start a conversation.</section>;

  async function submit(event) {
    event.preventDefault();
    if (!draft.trim()) return;
    await send(draft);
    setDraft('');
  }

  return (
    <section className="panel conversation" data-testid="conversation" data-with={friend.username}>
      <h3>Conversation with {displayName(friend)}</h3>
      <ol className="messages">
        {messages.map((m) => (
          <li key={m.id} data-testid="message" className={m.sender.id === user.id ? 'mine' : 'theirs'}>
            <small>{m.sender.username}</small> {m.content}
          </li>
        ))}
      </ol>
      <form onSubmit={submit}>
        <input data-testid="message-input" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Write a message" />
        <button data-testid="message-send" type="submit">Send</button>
      </form>
    </section>
  );
}
