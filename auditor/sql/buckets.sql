-- Every storage bucket as a JSON object, in one round trip. to_jsonb(b) takes whatever
-- columns this project's storage schema version has (older ones lack file_size_limit and
-- allowed_mime_types, newer ones add type and versioning_status) without naming them.
select to_jsonb(b) as bucket
from storage.buckets b
order by b.id
