-- drift.sql -- demo fixture: what some months of migrations and dashboard clicks do to the
-- OurVidz project while nobody updates inventory.yaml.
--
-- `auditor demo` applies it after platform.sql and ourvidz.sql; the audit then reports:
--   column-count          profiles (7 -> 9), api_models (19 -> 20)
--   table-undeclared      feature_flags
--   bucket-size-limit     system_assets (5 MiB -> 20 MiB)
--   bucket-legacy-in-use  sdxl_image_fast (3 objects)
--   doc-stale             12-profiles.md, 15-api_models.md (they list the columns before the migrations)
--   doc-missing           projects (not SQL: run.py leaves 60-projects.md out of the docs it audits)
-- and, in its security section:
--   function-definer-anon handle_new_user (SECURITY DEFINER, callable at /rest/v1/rpc/handle_new_user)
--   view-security-definer character_leaderboard (reads characters past its row level security)
--   bucket-visibility     reference_images (private -> public)
--   rls-no-policy         feature_flags
--
-- Same rules as ourvidz.sql: plain SQL, no meta-commands, no transaction control, no
-- percent signs.

-- Migration "profile display": two columns on profiles.
alter table public.profiles
  add column display_name text,
  add column avatar_url text;

-- Migration "model rate limits": one column on api_models.
alter table public.api_models
  add column rate_limit_per_minute integer;

-- Migration "feature flags": a table that never made it into the inventory.
create table public.feature_flags (
  key text primary key,
  enabled boolean not null default false,
  rollout_percent integer not null default 0 check (rollout_percent between 0 and 100),
  description text,
  updated_at timestamptz not null default now()
);
alter table public.feature_flags enable row level security;
insert into public.feature_flags (key, enabled, rollout_percent, description)
values
  ('video_generation_v2', true, 25, 'New WAN video pipeline'),
  ('roleplay_memory', false, 0, 'Long-term memory for character chats');

-- Dashboard: the per-file limit of system_assets raised from 5 MiB to 20 MiB.
update storage.buckets
   set file_size_limit = 20971520, updated_at = now()
 where id = 'system_assets';

-- An old worker still uploads to the legacy bucket sdxl_image_fast.  metadata.size is a
-- JSON number, as Supabase stores it.
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
select 'sdxl_image_fast', o.name, o.owner::uuid, o.owner,
       jsonb_build_object(
         'size', o.size,
         'mimetype', 'image/png',
         'cacheControl', 'max-age=3600',
         'contentLength', o.size,
         'httpStatusCode', 200
       )
  from (values
    ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/0.png',
     '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 1310720),
    ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/1.png',
     '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 1298432),
    ('3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61/0e9d8c7b-6a5f-4e4d-9c3b-2a1f0e9d8c7b/0.png',
     '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61', 1351680)
  ) as o(name, owner, size);

-- Migration "profile on sign-up": the usual trigger function that creates a profile for every
-- new auth user. It must run as its owner to write public.profiles, so it is SECURITY DEFINER;
-- nobody revoked EXECUTE, so anon can call it too, at /rest/v1/rpc/handle_new_user.
create function public.handle_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $fn$
begin
  insert into public.profiles (id) values (new.id);
  return new;
end;
$fn$;
create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- Migration "public leaderboard": a view over characters. Views run with their owner's rights
-- unless created with security_invoker, so this one returns every character, private ones
-- included, to anyone with the anon key (the default privileges grant it select).
create view public.character_leaderboard as
  select id, name, description, content_rating, is_public, created_at
    from public.characters;

insert into public.characters (user_id, name, description, is_public)
select id, 'Private test character', 'Only its owner should see it', false
  from public.profiles
 limit 1;

-- Dashboard: reference_images made public for a quick share link, never made private again.
update storage.buckets
   set public = true, updated_at = now()
 where id = 'reference_images';
