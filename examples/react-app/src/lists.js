// Lists of things with an `id`, as the contexts keep them.
export const withoutId = (list, id) => list.filter((item) => item.id !== id);
export const addOnce = (list, item) => (list.some((x) => x.id === item.id) ? list : [...list, item]);

// After a resync (the link was down, events may have been missed): the re-fetched list, where each
// item that was not shown before and passes `isTheirs` is marked `missed` (and stays marked).
export function markMissed(fetched, shown, isTheirs = () => true) {
  const before = new Map(shown.map((item) => [item.id, item]));
  return fetched.map((item) => ({ ...item, missed: before.has(item.id) ? !!before.get(item.id).missed : isTheirs(item) }));
}
export const countMissed = (list) => list.filter((item) => item.missed).length;
