from django.conf import settings
from django.db import models
from django.db.models import Q

User = settings.AUTH_USER_MODEL


class FriendRequest(models.Model):
    PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"
    STATUS_CHOICES = [(s, s) for s in (PENDING, ACCEPTED, DECLINED)]

    from_user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sent_friend_requests")
    to_user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="received_friend_requests")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    @staticmethod
    def friend_ids(user_id):
        """Ids of the users who are friends of user_id (an accepted request either way)."""
        rows = FriendRequest.objects.filter(
            Q(from_user_id=user_id) | Q(to_user_id=user_id), status=FriendRequest.ACCEPTED
        ).values_list("from_user_id", "to_user_id")
        return {a if b == user_id else b for a, b in rows}

    @staticmethod
    def are_friends(a_id, b_id):
        return FriendRequest.objects.filter(
            Q(from_user_id=a_id, to_user_id=b_id) | Q(from_user_id=b_id, to_user_id=a_id),
            status=FriendRequest.ACCEPTED,
        ).exists()


class Message(models.Model):
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sent_messages")
    receiver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="received_messages")
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Post(models.Model):
    TYPES = ["thoughts", "media", "milestones"]

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
    wall_user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="wall_posts", null=True, blank=True
    )
    content = models.TextField()
    type = models.CharField(max_length=20, default="thoughts", choices=[(t, t) for t in TYPES])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="comments")
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class PushCounter(models.Model):
    """Resume extension: the last event id given to a user's frames (per-user, increasing by one)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True)
    last_seq = models.BigIntegerField(default=0)


class PushEvent(models.Model):
    """Resume extension: a user's recent frames, bounded by count and age, kept for replay."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_events")
    seq = models.BigIntegerField()
    frame = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["user", "seq"], name="unique_push_seq")]


class ReadMark(models.Model):
    """Read receipts extension: the newest of `other`'s messages to `reader` that `reader` has read."""

    reader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="read_marks")
    other = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    up_to = models.BigIntegerField()  # a Message id; only ever grows
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reader", "other"], name="unique_read_mark")]
