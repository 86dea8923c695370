// Where the reference backend lives: /config.js at run time, else VITE_API_URL at build time.
export const API_URL = (window.NUMENEON_CONFIG?.apiUrl || import.meta.env.VITE_API_URL || 'http://127.0.0.1:8000')
  .replace(/\/+$/, '');
