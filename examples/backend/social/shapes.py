"""JSON shapes shared by the REST responses and the push frames (plain dicts, on purpose)."""


def ts(dt):
    # Same format as the live server's frames: 2026-11-25T21:22:20.991475+00:00
    return dt.isoformat()


def user_full(u):
    return {
        "id": u.id,
        "username": u.username,
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
    }


def user_public(u):
    return {"id": u.id, "username": u.username, "first_name": u.first_name, "last_name": u.last_name}


def user_brief(u):
    return {"id": u.id, "username": u.username}


def post_author(u):
    # Posts embed a richer author than the other shapes, as on the live server. This backend stores no
    # pictures, so profile_picture is always null (the live server: the picture's URL once one is set).
    return {**user_full(u), "date_joined": ts(u.date_joined), "profile_picture": None}


def friend_request(fr):
    return {
        "id": fr.id,
        "from_user": user_public(fr.from_user),
        "to_user": user_public(fr.to_user),
        "status": fr.status,
        "created_at": ts(fr.created_at),
    }


def message(m):
    return {
        "id": m.id,
        "sender": user_brief(m.sender),
        "receiver": user_brief(m.receiver),
        "content": m.content,
        "created_at": ts(m.created_at),
    }


def post(p):
    return {
        "id": p.id,
        "author": post_author(p.author),
        "content": p.content,
        "type": p.type,
        "created_at": ts(p.created_at),
        "wall_user": user_brief(p.wall_user) if p.wall_user_id else None,
    }


def comment(c):
    return {
        "id": c.id,
        "post_id": c.post_id,
        "author": user_public(c.author),
        "content": c.content,
        "created_at": ts(c.created_at),
    }
