import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RealtimeDevtools } from '@numeneon/realtime/devtools';
import App from './App.jsx';
import './styles.css';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
    {import.meta.env.DEV && <RealtimeDevtools />}
  </StrictMode>,
);
