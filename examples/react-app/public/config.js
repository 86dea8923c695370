// Runtime configuration, read before the app starts. Served as a file so a deployment (or the browser
// test) can point the built app at another backend without rebuilding: { apiUrl: 'http://host:port' }.
window.NUMENEON_CONFIG = window.NUMENEON_CONFIG || {};
