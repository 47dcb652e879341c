"""Argon2id with OWASP's minimum parameters, sized for a small district server.

Django's default Argon2 (100 MiB, 8 lanes) costs about 0.9 s of CPU per login on a 2-core
server, so 50 cadres logging in at the start of a posyandu day queue for most of a minute,
and a burst of wrong passwords is a denial of service. OWASP's Password Storage Cheat Sheet
lists m=19 MiB, t=2, p=1 as an equivalent minimum for Argon2id (about 0.2 s here). Existing
hashes with other parameters are re-hashed at the next login (``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB = 19 MiB
    parallelism = 1
