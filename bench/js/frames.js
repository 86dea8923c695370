// The deterministic frame mix shared by every JS benchmark: a line-for-line port of make_frames() in
// bench/native/ingest_bench.cpp (same xorshift stream, same shares, byte-identical frames).
//   new_message 60%, friend_request 15%, new_post 15%, friend_accepted 5%, post_comment 5%;
//   optional duplicates (a copy of an earlier frame) and wall_post frames nobody subscribes to.

export const SUBSCRIBED_TYPES = ['new_message', 'friend_request', 'new_post', 'friend_accepted', 'post_comment'];

// The dedupe key of each type, as docs/PROTOCOL.md defines it (what the pure-JS baseline extracts).
export const KEY_OF = {
  new_message: (d) => d.id,
  friend_request: (d) => d.request_id,
  new_post: (d) => d.id,
  post_comment: (d) => d.comment?.id,
  wall_post: (d) => d.post?.id,
};

const MASK = (1n << 64n) - 1n;

export function makeFrames(n, duplicateShare = 0, unsubscribedShare = 0) {
  const out = [];
  let x = 88172645463325252n;
  const rnd = () => {
    x ^= (x << 13n) & MASK;
    x ^= x >> 7n;
    x ^= (x << 17n) & MASK;
    return x;
  };
  const mod = (m) => Number(rnd() % BigInt(m));
  const text = (len) => {
    let s = '';
    while (s.length < len) s += 'lorem ipsum dolor sit amet ';
    return s.slice(0, len);
  };
  for (let i = 0; i < n; ++i) {
    const u = mod(10000) / 10000;
    if (i > 0 && u < duplicateShare) {
      out.push(out[mod(out.length)]);
      continue;
    }
    const id = String(i + 1);
    if (u < duplicateShare + unsubscribedShare) {
      out.push(`{"type":"wall_post","data":{"message":"alice wrote on your wall","post":{"id":${id},"content":"${text(100 + mod(400))}"},"author":{"id":2,"username":"alice"}}}`);
      continue;
    }
    const pick = mod(100);
    if (pick < 60) {
      out.push(`{"type":"new_message","data":{"id":${id},"sender":{"id":2,"username":"alice"},"content":"${text(20 + mod(400))}","created_at":"2026-11-25T21:22:20.991475+00:00"}}`);
    } else if (pick < 75) {
      out.push(`{"type":"friend_request","data":{"request_id":${id},"from_user":{"id":2,"username":"alice","first_name":"Alice","last_name":"Anders"}}}`);
    } else if (pick < 90) {
      out.push(`{"type":"new_post","data":{"id":${id},"author":{"id":2,"username":"alice","first_name":"Alice","last_name":"Anders"},"content":"${text(100 + mod(1200))}","type":"thoughts","created_at":"2026-11-25T21:22:20.991475+00:00","likes_count":0,"comment_count":0}}`);
    } else if (pick < 95) {
      out.push(`{"type":"friend_accepted","data":{"friend":{"id":${id},"username":"bob","first_name":"Bob","last_name":"Brown"}}}`);
    } else {
      out.push(`{"type":"post_comment","data":{"message":"bob commented","commenter":{"id":3,"username":"bob"},"post":{"id":9},"comment":{"id":${id},"content":"${text(40 + mod(200))}"}}}`);
    }
  }
  return out;
}

export const avgBytes = (frames) => frames.reduce((s, f) => s + Buffer.byteLength(f), 0) / frames.length;
