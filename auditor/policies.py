"""Which API roles may list a bucket's files, judged from storage.objects' SELECT policies.

Pure: works on the ObjectsAccess the reader collected. The judgement reads each policy's USING
expression as PostgreSQL prints it (pg_policies.qual), the way a reviewer would:
- a policy applies to a bucket when its expression names that bucket as a string literal, or
  does not mention bucket_id at all (then it applies to every bucket);
- a policy that depends on who asks (auth.uid(), auth.jwt(), current_user, an owner column)
  lets each user list their own files only, not everybody's;
- `auth.role()` in the expression keeps the anonymous role out (it compares with
  'authenticated' in practice).
It is a reading, not a proof: an unusual expression may be judged either way, and restrictive
policies (which could narrow a permissive one) are not read, so findings built on it are warnings.
"""

from __future__ import annotations

import re

from auditor.model import ObjectsAccess, ObjectsPolicy

_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_PER_USER = re.compile(r"\bauth\.(?:uid|jwt)\s*\(|\bcurrent_user\b|\bsession_user\b|\bowner(?:_id)?\b")
_ROLE_CHECK = re.compile(r"\bauth\.role\s*\(")


def listers(access: ObjectsAccess, bucket_id: str) -> list[tuple[str, str]]:
    """(role, why) for each API role that can list every file of the bucket, in API_ROLES order.

    `why` completes a sentence: 'through policy "..."' or 'because row level security is off ...'.
    """
    found: list[tuple[str, str]] = []
    for role, privileged in (("anon", access.anon_can_read), ("authenticated", access.authenticated_can_read)):
        if not privileged:
            continue
        if not access.rls_enabled:
            found.append((role, "because row level security is off on storage.objects"))
            continue
        policy = next((p for p in access.policies if _lets_list(p, role, bucket_id)), None)
        if policy is not None:
            found.append((role, f'through policy "{policy.name}"'))
    return found


def _lets_list(policy: ObjectsPolicy, role: str, bucket_id: str) -> bool:
    if "public" not in policy.roles and role not in policy.roles:
        return False
    if policy.qual is None:
        return True
    literals = [match.replace("''", "'") for match in _LITERAL.findall(policy.qual)]
    code = _LITERAL.sub("''", policy.qual)  # keywords inside string literals do not count
    if "bucket_id" in code and bucket_id not in literals:
        return False
    if _PER_USER.search(code):
        return False
    return not (role == "anon" and _ROLE_CHECK.search(code))
