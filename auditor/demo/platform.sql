-- platform.sql -- demo/test fixture: the Supabase platform layer.
--
-- Builds, inside an EMPTY database, the parts of a Supabase project that the
-- platform (not the application) owns: the API roles, the auth / storage /
-- extensions schemas, auth.users + auth.uid(), the storage tables with their
-- current Supabase columns, and Supabase-like grants.  Apply it first, then an
-- application fixture such as ourvidz.sql.
--
-- It is plain SQL on purpose: it must run both through
--   psql -v ON_ERROR_STOP=1 -f platform.sql
-- and as one string through psycopg 3's conn.execute(sql_text), so it has no
-- psql meta-commands, no COPY ... FROM stdin, no transaction control and no
-- percent signs.  Tested on PostgreSQL 15; written for 15, 17 and 18.
--
-- Roles are cluster-wide, so they are created idempotently: another database
-- in the same cluster may already have created them (or be creating them
-- concurrently).  Everything else assumes a fresh, empty database.

-------------------------------------------------------------------------------
-- Roles (cluster-wide, idempotent)
-------------------------------------------------------------------------------
do $$
begin
  create role anon nologin noinherit;
exception when duplicate_object or unique_violation then
  raise notice 'role anon already exists, skipping';
end
$$;

do $$
begin
  create role authenticated nologin noinherit;
exception when duplicate_object or unique_violation then
  raise notice 'role authenticated already exists, skipping';
end
$$;

do $$
begin
  create role service_role nologin noinherit bypassrls;
exception when duplicate_object or unique_violation then
  raise notice 'role service_role already exists, skipping';
end
$$;

do $$
begin
  create role authenticator nologin noinherit;
exception when duplicate_object or unique_violation then
  raise notice 'role authenticator already exists, skipping';
end
$$;

do $$
begin
  create role supabase_storage_admin nologin noinherit;
exception when duplicate_object or unique_violation then
  raise notice 'role supabase_storage_admin already exists, skipping';
end
$$;

do $$
begin
  create role supabase_auth_admin nologin noinherit;
exception when duplicate_object or unique_violation then
  raise notice 'role supabase_auth_admin already exists, skipping';
end
$$;

-- authenticator (PostgREST's login role) switches into the API roles.
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (
      select 1
        from pg_auth_members m
        join pg_roles g on g.oid = m.roleid
        join pg_roles u on u.oid = m.member
       where g.rolname = r and u.rolname = 'authenticator'
    ) then
      begin
        execute 'grant ' || quote_ident(r) || ' to authenticator';
      exception when duplicate_object or unique_violation then
        null;  -- granted concurrently by another database's fixture
      end;
    end if;
  end loop;
end
$$;

-------------------------------------------------------------------------------
-- Schemas
-------------------------------------------------------------------------------
create schema auth;
create schema storage;
create schema extensions;

-------------------------------------------------------------------------------
-- auth
-------------------------------------------------------------------------------
create table auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud varchar(255),
  role varchar(255),
  email text,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  phone text unique default null,
  phone_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  banned_until timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';
create index users_instance_id_idx on auth.users (instance_id);
create index users_is_anonymous_idx on auth.users (is_anonymous);

-- Same definition as Supabase's: the subject of the request's JWT.
create function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

-------------------------------------------------------------------------------
-- storage
-------------------------------------------------------------------------------
create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');

create table storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD',
  versioning_status text not null default 'DISABLED'
);
create unique index bname on storage.buckets using btree (name);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';

create table storage.objects (
  id uuid not null default gen_random_uuid() primary key,
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb,
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
create index name_prefix_search on storage.objects using btree (name text_pattern_ops);
create index idx_objects_bucket_id_name on storage.objects (bucket_id, name collate "C");
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';

-- A real Supabase project carries a dropped column on storage.objects
-- (pg_attribute keeps it with attisdropped = true); reproduce that.
alter table storage.objects add column level integer;
alter table storage.objects drop column level;

create table storage.migrations (
  id integer not null primary key,
  name varchar(100) not null unique,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp
);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.migrations enable row level security;

-------------------------------------------------------------------------------
-- Grants (as on a Supabase project)
-------------------------------------------------------------------------------
grant usage on schema public to anon, authenticated, service_role;
grant usage on schema extensions to anon, authenticated, service_role;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema storage to anon, authenticated, service_role;

grant execute on function auth.uid() to anon, authenticated, service_role;

-- Tables, sequences and functions the application creates in public later
-- (e.g. by ourvidz.sql) are reachable by the API roles; RLS decides the rows.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

grant all on all tables in schema storage to service_role;
grant all on all sequences in schema storage to service_role;
grant select, insert, update, delete on storage.buckets to anon, authenticated;
grant select, insert, update, delete on storage.objects to anon, authenticated;

grant all on schema storage to supabase_storage_admin;
grant all on all tables in schema storage to supabase_storage_admin;
grant all on schema auth to supabase_auth_admin;
grant all on all tables in schema auth to supabase_auth_admin;
