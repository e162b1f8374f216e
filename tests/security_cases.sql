-- One case of every security rule, applied to the OurVidz fixture after its snapshot was taken
-- (tests/test_api_surface.py). Each object is named after the rule it breaks. The fixture's
-- grants are Supabase's: anon and authenticated get every new table, view and function of public.

-- rls-disabled: a declared table (row level security expected on) whose protection was dropped.
drop policy "Users can view their own usage" on public.usage_logs;
alter table public.usage_logs disable row level security;

-- rls-policies-ignored: policies left on a table whose row level security was turned off.
alter table public.jobs disable row level security;

-- table-exposed: a new table without row level security, readable through the API.
create table public.exposed_leads (email text);
insert into public.exposed_leads values ('someone@example.com');

-- table-exposed, on a partition: row level security on the parent (with a policy), off on one of
-- its partitions, which the Data API serves as a table of its own (so it is read, and inventoried,
-- as a table). The other partition, with it on, is neither read nor inventoried.
create table public.partitioned_events (id int, owner uuid) partition by range (id);
create table public.partitioned_events_2025 partition of public.partitioned_events for values from (0) to (100);
create table public.partitioned_events_2026 partition of public.partitioned_events for values from (100) to (200);
alter table public.partitioned_events enable row level security;
alter table public.partitioned_events_2026 enable row level security;
create policy "Owners read their events" on public.partitioned_events for select to authenticated
  using (auth.uid() = owner);
insert into public.partitioned_events values (1, null);

-- rls-no-policy: a new table with row level security on and no policy.
create table public.unreadable_notes (body text);
alter table public.unreadable_notes enable row level security;

-- bucket-visibility: a private bucket made public.
update storage.buckets set public = true where id = 'image_high';

-- bucket-listable: a public bucket whose files anyone can list.
create policy "Anyone can list avatars" on storage.objects for select to anon using (bucket_id = 'avatars');

-- function-definer-anon: SECURITY DEFINER, executable by PUBLIC (hence anon) as created.
create function public.definer_for_anon() returns bigint language sql security definer
  as 'select count(*) from public.profiles';

-- function-definer-authenticated: SECURITY DEFINER, executable by signed-in users only.
create function public.definer_for_authenticated() returns bigint language sql security definer
  as 'select count(*) from public.profiles';
revoke execute on function public.definer_for_authenticated() from public, anon;
grant execute on function public.definer_for_authenticated() to authenticated;

-- A SECURITY INVOKER function anon can call, and a SECURITY DEFINER one nobody of the API can:
-- neither is a finding.
create function public.invoker_for_anon() returns int language sql as 'select 1';
create function public.definer_for_nobody() returns int language sql security definer as 'select 1';
revoke execute on function public.definer_for_nobody() from public, anon, authenticated;

-- view-security-definer: a view with its owner's rights over a table with row level security.
create view public.definer_view as select id, name, is_public from public.characters;
insert into public.characters (user_id, name, description, is_public)
select id, 'Private character', 'Only its owner may see it', false from public.profiles limit 1;

-- A view with its caller's rights: not a finding.
create view public.invoker_view with (security_invoker = on) as select id, name from public.characters;

-- matview-exposed: materialized views have no row level security.
create materialized view public.exposed_matview as select user_id, count(*) as n from public.characters group by 1;

-- foreign-table-exposed: a foreign table (a wrapper with no handler is enough to declare one).
create foreign data wrapper surface_test_wrapper;
create server surface_test_server foreign data wrapper surface_test_wrapper;
create foreign table public.exposed_foreign (id int) server surface_test_server;

-- auth-users-exposed: a view over auth.users, readable through the API.
create view public.auth_users_view as select id, email from auth.users;

-- policy-always-true: anyone may update every row of a table with row level security on.
create policy "Anyone can update providers" on public.api_providers for update to anon using (true);
