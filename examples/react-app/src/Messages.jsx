// The open conversation: loads, errors, "no messages yet", what was missed, times, and a composer that
// keeps a message it could not send; with the server's extensions, whether the friend is online, typing,
// and has seen my messages.
import { Fragment, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTypingNotifier, useWebSocket } from '@numeneon/realtime/react';
import { useAuth } from './auth.js';
import { formatTime } from './clock.js';
import { PresenceDot, TypingNote, useSeen } from './Extensions.jsx';
import { useFriends } from './FriendsContext.jsx';
import { countMissed } from './lists.js';
import { useMessages } from './MessageContext.jsx';
import { displayName, plural } from './names.js';
import Problem from './Problem.jsx';
import { useChat } from './route.js';

function Thread({ friend }) {
  const { user } = useAuth();
  const { online } = useWebSocket();
  const { messages, loaded, problem, open, reload, send } = useMessages();
  const seen = useSeen(friend.id, user.id, messages);
  const typing = useTypingNotifier(friend.id);
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [notSent, setNotSent] = useState(null);
  const list = useRef(null);
  const atNewest = useRef(true);  // scrolled to the bottom: stay there as messages come in

  useEffect(() => {
    open(friend.id);
    return () => open(null);
  }, [open, friend.id]);
  useLayoutEffect(() => {
    if (atNewest.current && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages]);

  // A message that cannot be sent is refused, never lost: the draft stays until the server has it.
  async function submit(event) {
    event?.preventDefault();
    const content = draft.trim();
    if (!content || sending) return;
    if (!online) {
      setNotSent(new Error('Not sent: you are offline. Your message is kept; send it when you are back online.'));
      return;
    }
    typing.stop();
    setSending(true);
    setNotSent(null);
    try {
      await send(content);
      atNewest.current = true;
      setDraft((current) => (current.trim() === content ? '' : current));
    } catch (err) {
      setNotSent(new Error(`Not sent: ${err.message}`));
    } finally {
      setSending(false);
    }
  }

  const firstMissed = messages.findIndex((m) => m.missed);
  return (
    <section className="panel conversation" aria-labelledby="conversation-title" data-testid="conversation" data-with={friend.username}>
      <div className="row">
        <h2 id="conversation-title">Conversation with {displayName(friend)}</h2>
        <PresenceDot user={friend} showText testId="conversation-presence" />
      </div>
      <Problem error={problem} onRetry={reload} testId="conversation-error" />
      {loaded && messages.length === 0 && <p className="muted" data-testid="no-messages">No messages yet. Say hello!</p>}
      {messages.length > 0 && (
        <ol className="messages" ref={list} tabIndex={0} aria-label={`Messages with ${displayName(friend)}`}
          onScroll={(e) => { atNewest.current = e.target.scrollHeight - e.target.scrollTop - e.target.clientHeight < 40; }}>
          {messages.map((m, i) => (
            <Fragment key={m.id}>
              {i === firstMissed && (
                <li className="missed-note" data-testid="missed-note">{plural(countMissed(messages), 'new message')} while you were away</li>
              )}
              <li data-testid="message" data-missed={m.missed || undefined} className={m.sender.id === user.id ? 'mine' : 'theirs'}>
                <span className="meta">
                  {m.sender.id === user.id ? 'you' : m.sender.username} · <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
                </span>
                {m.content}
                {m.id === seen && <span className="seen" data-testid="seen">Seen</span>}
              </li>
            </Fragment>
          ))}
        </ol>
      )}
      <TypingNote friend={friend} />
      <form className="row" onSubmit={submit}>
        <label htmlFor="message-input" className="visually-hidden">Message to {displayName(friend)}</label>
        <input id="message-input" className="grow" data-testid="message-input" autoComplete="off" placeholder="Write a message"
          value={draft} onChange={(e) => { setDraft(e.target.value); typing.onInput(); }} onBlur={typing.stop} />
        <button data-testid="message-send" type="submit" disabled={sending}>Send</button>
      </form>
      <Problem error={notSent} onRetry={submit} testId="send-error" />
    </section>
  );
}

// The conversation named in the URL (?chat=username), once the friends list says who that is.
export default function Conversation() {
  const [chat] = useChat();
  const { friends, loaded } = useFriends();
  const friend = friends.find((f) => f.username === chat);
  if (friend) return <Thread key={friend.id} friend={friend} />;
  return (
    <section className="panel">
      <p className="muted">
        {!chat ? 'Pick a friend to start a conversation.' : loaded ? `@${chat} is not one of your friends.` : 'Loading the conversation…'}
      </p>
    </section>
  );
}
