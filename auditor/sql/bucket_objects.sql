-- Object count and total bytes per bucket, in one round trip. Sizes live in metadata->>'size';
-- a malformed value counts as zero bytes instead of failing the audit.
select
    bucket_id,
    count(*) as object_count,
    coalesce(sum(case when metadata->>'size' ~ '^[0-9]{1,18}$' then (metadata->>'size')::bigint end), 0)
        as total_bytes
from storage.objects
group by bucket_id
order by bucket_id
