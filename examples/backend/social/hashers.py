from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few iterations: this is a dev/test server that test suites start and
    fill with users many times; a login should cost microseconds, not ~0.3 s."""

    algorithm = "pbkdf2_sha256_fast"
    iterations = 1000
