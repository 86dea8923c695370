// @numeneon/realtime/devtools: the <RealtimeDevtools /> panel and the inspector it reads, for
// development. Its own entry: nothing in the main or React entries imports it, so an app that does not
// import it ships none of it.
export { RealtimeDevtools } from './panel.js';
export { createInspector, inspectorFor } from './inspector.js';
export { pageClients } from './registry.js';
