// The hand-written pure-JS pipeline every SDK figure is compared with, as fast as a careful developer
// would write it: JSON.parse, Map dispatch, per type a Set of the raw ids seen, and one ring of the last
// `capacity` ids (with their type's Set) for eviction, the same window the SDK keeps. No per-frame key
// string; evicting through Set.values().next() would halve its speed. What it does not do that the SDK does: ids compare by identity (12 and "12" are two
// events), no schema, no depth or size limit, no count of what it dropped and why.
import { KEY_OF } from './frames.js';

export class PureJsPipeline {
  constructor({ capacity = 1024 } = {}) {
    this.types = new Map();  // type → { handlers, keyOf, seen }
    this.ringIds = new Array(capacity).fill(undefined);
    this.ringSets = new Array(capacity).fill(undefined);
    this.next = 0;
  }

  subscribe(type, handler) {
    const entry = this.types.get(type);
    if (entry) {
      entry.handlers.push(handler);
      return;
    }
    this.types.set(type, { handlers: [handler], keyOf: KEY_OF[type], seen: new Set() });
  }

  // Returns true when the frame reached a handler.
  ingest(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return false;
    }
    const entry = this.types.get(frame?.type);
    if (!entry) return false;
    const data = frame.data !== undefined ? frame.data : frame;
    const id = entry.keyOf ? entry.keyOf(data) : undefined;
    if (id !== undefined) {
      const { seen } = entry;
      if (seen.has(id)) return false;
      const at = this.next;
      this.ringSets[at]?.delete(this.ringIds[at]);
      this.ringIds[at] = id;
      this.ringSets[at] = seen;
      this.next = at + 1 === this.ringIds.length ? 0 : at + 1;
      seen.add(id);
    }
    const { handlers } = entry;
    for (let i = 0; i < handlers.length; i++) handlers[i](data, frame);
    return true;
  }
}
