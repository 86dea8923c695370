export const displayName = (user) => [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username;
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
