export const displayName = (u) => [u.first_name, u.last_name].filter(Boolean).join(" ") || u.username;
