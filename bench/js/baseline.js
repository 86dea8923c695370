// The hand-written pure-JS pipeline every SDK figure is compared with: JSON.parse, a bounded
// de-duplication window (a ring of the last `capacity` keys plus a Set for lookup — evicting through
// Set.values().next() would halve its speed) and Map dispatch to the type's handlers.
import { KEY_OF } from './frames.js';

export class PureJsPipeline {
  constructor({ capacity = 1024 } = {}) {
    this.handlers = new Map();  // type → handler[]
    this.ring = new Array(capacity).fill(undefined);
    this.next = 0;
    this.seen = new Set();
  }

  subscribe(type, handler) {
    const list = this.handlers.get(type);
    if (list) list.push(handler);
    else this.handlers.set(type, [handler]);
  }

  // Returns true when the frame reached a handler.
  ingest(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return false;
    }
    const type = frame?.type;
    const list = this.handlers.get(type);
    if (!list) return false;
    const data = frame.data !== undefined ? frame.data : frame;
    const keyOf = KEY_OF[type];
    const id = keyOf ? keyOf(data) : undefined;
    if (id !== undefined) {
      const key = `${type}:${id}`;
      if (this.seen.has(key)) return false;
      const old = this.ring[this.next];
      if (old !== undefined) this.seen.delete(old);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.ring.length;
      this.seen.add(key);
    }
    for (let i = 0; i < list.length; i++) list[i](data, frame);
    return true;
  }
}
