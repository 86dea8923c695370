// The bell in the top bar: desktop alerts (permission asked on click), sounds (on/off, volume) and a Test button, wired by @numeneon/realtime/alerts to the open conversation.
import { useEffect, useId, useRef, useState } from 'react';
import { defaultFormat, useAlertSounds, useDesktopAlerts } from '@numeneon/realtime/alerts';
import { useAuth } from './auth.js';
import { useFriends } from './FriendsContext.jsx';
import { useChat } from './route.js';
import './AlertsMenu.css';

function DesktopControl({ desktop }) {
  const { supported, permission } = desktop;
  const box = useRef(null);
  // The button goes once the browser has answered: focus moves to the answer, not to the page.
  async function enable() {
    await desktop.request();
    box.current?.focus();
  }
  let content;
  if (!supported) content = <p className="muted">This browser cannot show desktop alerts.</p>;
  else if (permission === 'granted') content = <p>On: shown while NUMENEON is in the background.</p>;
  else if (permission === 'denied') content = <p>Blocked for this site. Allow notifications in the browser&apos;s site settings to turn them on.</p>;
  else {
    content = (
      <>
        <button type="button" data-testid="desktop-alerts-enable" onClick={enable}>Turn on desktop alerts</button>
        <p className="muted">Your browser will ask you first.</p>
      </>
    );
  }
  return <div ref={box} tabIndex={-1} data-testid="desktop-alerts" data-permission={supported ? permission : 'unsupported'}>{content}</div>;
}

function SoundControls({ sounds }) {
  const volume = Math.round(sounds.volume * 100);
  return (
    <>
      <label className="row">
        <input type="checkbox" data-testid="sounds-on" checked={!sounds.muted} onChange={(e) => sounds.setMuted(!e.target.checked)} />
        Play sounds
      </label>
      <label className="alerts-volume">
        Volume
        <input type="range" data-testid="sounds-volume" min="0" max="100" step="10" value={volume} disabled={sounds.muted}
          aria-valuetext={`${volume}%`} onChange={(e) => sounds.setVolume(Number(e.target.value) / 100)} />
      </label>
    </>
  );
}

export default function AlertsMenu() {
  const { user } = useAuth();
  const [chat, setChat] = useChat();
  const { friends } = useFriends();
  const [open, setOpen] = useState(false);
  const [tested, setTested] = useState('');
  const root = useRef(null);
  const button = useRef(null);
  const panelId = useId();
  const titleId = useId();

  // What is on screen: the open conversation, while the page is visible (the hooks ask only then).
  const isVisible = (frame) => frame.type === 'new_message' && frame.data.sender.username === chat;
  const desktop = useDesktopAlerts({
    userId: user?.id,
    isVisible,
    icon: '/favicon.svg',
    // A message frame names the sender by username only; the friends list has the full name.
    format: {
      new_message: (frame, info) => {
        const friend = friends.find((f) => f.id === frame.data.sender.id);
        return friend ? defaultFormat({ ...frame, data: { ...frame.data, sender: friend } }, info) : undefined;
      },
    },
    onClick: (frame) => {
      if (frame.type === 'new_message') setChat(frame.data.sender.username);
      if (frame.type === 'friend_accepted') setChat(frame.data.friend.username);
    },
  });
  const sounds = useAlertSounds({ userId: user?.id, isVisible });

  useEffect(() => {
    if (!open) return undefined;
    const outside = (e) => {
      if (!root.current?.contains(e.target)) setOpen(false);
    };
    const escape = (e) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  function test() {
    const shown = desktop.test();
    const played = sounds.test();
    setTested([
      shown ? 'Desktop alert shown.' : 'Desktop alerts are off.',
      played ? 'Sound played.' : 'Sounds are off.',
    ].join(' '));
  }

  return (
    <div className="alerts-menu" ref={root}>
      <button type="button" ref={button} className="bell" data-testid="alerts-button" aria-expanded={open} aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
        </svg>
        <span className="visually-hidden">Alerts and sounds</span>
      </button>
      {open && (
        <section id={panelId} className="alerts-panel" aria-labelledby={titleId} data-testid="alerts-panel">
          <h2 id={titleId}>Alerts and sounds</h2>
          <h3>Desktop alerts</h3>
          <DesktopControl desktop={desktop} />
          <h3>Sounds</h3>
          <SoundControls sounds={sounds} />
          <div className="row alerts-test">
            <button type="button" data-testid="alerts-test" onClick={test}>Test</button>
            <p role="status" data-testid="alerts-test-result">{tested}</p>
          </div>
        </section>
      )}
    </div>
  );
}
