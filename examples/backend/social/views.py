import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.tokens import RefreshToken

from . import presence, receipts, shapes
from .events import push
from .models import Comment, FriendRequest, Message, Post

User = get_user_model()
MENTION_RE = re.compile(r"@([\w.+-]+)")


def bad(detail, code=status.HTTP_400_BAD_REQUEST):
    return Response({"detail": detail}, status=code)


def _str(data, key):
    v = data.get(key, "")
    return v.strip() if isinstance(v, str) else ""


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- auth

@api_view(["GET"])
@permission_classes([AllowAny])
def health(request):
    return Response({"status": "ok"})


@api_view(["POST"])
@permission_classes([AllowAny])
def signup(request):
    d = request.data if isinstance(request.data, dict) else {}
    email, username, password = _str(d, "email").lower(), _str(d, "username"), d.get("password")
    errors = {}
    if not email or "@" not in email:
        errors["email"] = ["A valid email is required."]
    if not username or not re.fullmatch(r"[\w.@+-]{1,150}", username):
        errors["username"] = ["A username of letters, digits and @.+-_ is required."]
    if not isinstance(password, str) or not password:
        errors["password"] = ["A password is required."]
    if not errors:
        if User.objects.filter(email__iexact=email).exists():
            errors["email"] = ["A user with this email already exists."]
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = ["A user with this username already exists."]
    if errors:
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    try:
        user = User.objects.create_user(
            username=username,
            email=email,
            password=password,
            first_name=_str(d, "first_name")[:150],
            last_name=_str(d, "last_name")[:150],
        )
    except IntegrityError:
        return Response({"username": ["A user with this username already exists."]}, status=400)
    return Response(shapes.user_full(user), status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([AllowAny])
def login(request):
    d = request.data if isinstance(request.data, dict) else {}
    email, password = _str(d, "email"), d.get("password")
    user = User.objects.filter(email__iexact=email).first() if email else None
    if (
        user is None
        or not isinstance(password, str)
        or not user.is_active
        or not user.check_password(password)
    ):
        return bad("No active account found with the given credentials", status.HTTP_401_UNAUTHORIZED)
    refresh = RefreshToken.for_user(user)
    return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


@api_view(["GET"])
def me(request):
    return Response(shapes.user_full(request.user))


@api_view(["GET"])
def users(request):
    q = request.query_params.get("search", "").strip()
    qs = User.objects.filter(is_active=True).exclude(id=request.user.id).order_by("id")
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
            | Q(email__iexact=q)
        )
    return Response([shapes.user_public(u) for u in qs[:50]])


# ---------------------------------------------------------------- friends

@api_view(["GET"])
def friends(request):
    ids = FriendRequest.friend_ids(request.user.id)
    return Response([shapes.user_public(u) for u in User.objects.filter(id__in=ids).order_by("id")])


@api_view(["GET"])
def friend_requests(request):
    qs = FriendRequest.objects.filter(to_user=request.user, status=FriendRequest.PENDING)
    qs = qs.select_related("from_user")
    return Response(
        [
            {"id": fr.id, "from_user": shapes.user_public(fr.from_user), "created_at": shapes.ts(fr.created_at)}
            for fr in qs
        ]
    )


@api_view(["POST"])
def send_friend_request(request, user_id):
    me_ = request.user
    target = get_object_or_404(User, id=user_id, is_active=True)
    if target.id == me_.id:
        return bad("You cannot send a friend request to yourself.")
    if target.id in FriendRequest.friend_ids(me_.id):
        return bad("You are already friends.")
    if FriendRequest.objects.filter(
        Q(from_user=me_, to_user=target) | Q(from_user=target, to_user=me_),
        status=FriendRequest.PENDING,
    ).exists():
        return bad("A friend request between you is already pending.")
    with transaction.atomic():
        fr = FriendRequest.objects.create(from_user=me_, to_user=target)
        push(target.id, "friend_request", {"request_id": fr.id, "from_user": shapes.user_public(me_)})
    return Response(shapes.friend_request(fr), status=status.HTTP_201_CREATED)


def _pending_for_me(request, request_id):
    return get_object_or_404(
        FriendRequest.objects.select_related("from_user", "to_user"),
        id=request_id,
        to_user=request.user,
        status=FriendRequest.PENDING,
    )


@api_view(["POST"])
def accept_friend_request(request, request_id):
    with transaction.atomic():
        fr = _pending_for_me(request, request_id)
        fr.status = FriendRequest.ACCEPTED
        fr.save(update_fields=["status"])
        # Only the ORIGINAL SENDER is told; `friend` is the user who accepted.
        push(fr.from_user_id, "friend_accepted", {"friend": shapes.user_public(request.user)})
        if "presence" in settings.NUMENEON_FEATURES:
            presence.introduce(fr.from_user_id, fr.to_user_id)
    return Response(shapes.friend_request(fr))


@api_view(["POST"])
def decline_friend_request(request, request_id):
    with transaction.atomic():
        fr = _pending_for_me(request, request_id)
        fr.status = FriendRequest.DECLINED
        fr.save(update_fields=["status"])
    return Response(shapes.friend_request(fr))


# ---------------------------------------------------------------- messages

@api_view(["POST"])
def send_message(request):
    d = request.data if isinstance(request.data, dict) else {}
    receiver_id, content = _int(d.get("receiver_id")), _str(d, "content")
    if receiver_id is None:
        return bad("receiver_id is required.")
    if not content:
        return bad("content is required.")
    receiver = get_object_or_404(User, id=receiver_id, is_active=True)
    if receiver.id == request.user.id:
        return bad("You cannot message yourself.")
    with transaction.atomic():
        m = Message.objects.create(sender=request.user, receiver=receiver, content=content)
        # The receiver only: the sender gets nothing.
        push(
            receiver.id,
            "new_message",
            {
                "id": m.id,
                "sender": shapes.user_brief(request.user),
                "content": m.content,
                "created_at": shapes.ts(m.created_at),
            },
        )
    return Response(shapes.message(m), status=status.HTTP_201_CREATED)


@api_view(["GET"])
def conversation(request, user_id):
    other = get_object_or_404(User, id=user_id)
    me_ = request.user
    qs = Message.objects.filter(
        Q(sender=me_, receiver=other) | Q(sender=other, receiver=me_)
    ).select_related("sender", "receiver").order_by("created_at", "id")
    return Response([shapes.message(m) for m in qs])


@api_view(["GET", "POST"])
def read_marks(request, user_id):
    """Read receipts extension (404 when off, as on the live server): GET both marks, POST {up_to} mine."""
    if "read_receipts" not in settings.NUMENEON_FEATURES:
        raise Http404
    other = get_object_or_404(User, id=user_id)
    if request.method == "POST":
        d = request.data if isinstance(request.data, dict) else {}
        up_to = d.get("up_to")
        if not isinstance(up_to, int) or isinstance(up_to, bool):
            return bad("up_to must be a message id.")
        receipts.advance(request.user.id, other.id, up_to)
        mark = receipts.mark(request.user.id, other.id)
        return Response({"up_to": mark.up_to if mark else None})
    return Response(receipts.state(request.user.id, other.id))


# ---------------------------------------------------------------- posts and comments

@api_view(["GET", "POST"])
def posts(request):
    if request.method == "GET":
        # Feed: my posts, my friends' posts, and posts on my wall; newest first.
        ids = FriendRequest.friend_ids(request.user.id) | {request.user.id}
        qs = Post.objects.filter(Q(author_id__in=ids) | Q(wall_user=request.user))
        qs = qs.select_related("author", "wall_user")[:100]
        return Response([shapes.post(p) for p in qs])

    d = request.data if isinstance(request.data, dict) else {}
    content = _str(d, "content")
    if not content:
        return bad("content is required.")
    ptype = _str(d, "type") or "thoughts"
    if ptype not in Post.TYPES:
        return bad(f"type must be one of {Post.TYPES}.")
    wall_user = None
    if d.get("wall_user_id") not in (None, ""):
        wall_id = _int(d.get("wall_user_id"))
        if wall_id is None:
            return bad("wall_user_id must be a user id.")
        wall_user = get_object_or_404(User, id=wall_id, is_active=True)
    author = request.user
    with transaction.atomic():
        p = Post.objects.create(author=author, wall_user=wall_user, content=content, type=ptype)
        data = shapes.post(p)
        for friend_id in sorted(FriendRequest.friend_ids(author.id)):
            push(friend_id, "new_post", data)
        if wall_user is not None and wall_user.id != author.id:
            push(
                wall_user.id,
                "wall_post",
                {
                    "message": f"{author.username} posted on your wall",
                    "post": data,
                    "author": shapes.user_brief(author),
                },
            )
    return Response(data, status=status.HTTP_201_CREATED)


@api_view(["GET", "POST"])
def post_comments(request, post_id):
    p = get_object_or_404(Post.objects.select_related("author", "wall_user"), id=post_id)
    if request.method == "GET":
        qs = p.comments.select_related("author")
        return Response([shapes.comment(c) for c in qs])

    d = request.data if isinstance(request.data, dict) else {}
    content = _str(d, "content")
    if not content:
        return bad("content is required.")
    me_ = request.user
    with transaction.atomic():
        c = Comment.objects.create(post=p, author=me_, content=content)
        post_data = shapes.post(p)
        if p.author_id != me_.id:
            push(
                p.author_id,
                "post_comment",
                {
                    "message": f"{me_.username} commented on your post",
                    "commenter": shapes.user_public(me_),
                    "post": post_data,
                    "comment": shapes.comment(c),
                },
            )
        seen = set()
        for name in MENTION_RE.findall(content):
            name = name.rstrip(".")
            key = name.lower()
            if not name or key in seen:
                continue
            seen.add(key)
            target = User.objects.filter(username__iexact=name, is_active=True).first()
            if target is None or target.id == me_.id:
                continue
            push(
                target.id,
                "comment_reply",
                {
                    "message": f"{me_.username} mentioned you in a reply",
                    "replier": shapes.user_public(me_),
                    "reply": {"content": c.content, "id": c.id},
                    "post": {"id": p.id},
                    "mentioned_username": target.username,
                },
            )
    return Response(shapes.comment(c), status=status.HTTP_201_CREATED)
