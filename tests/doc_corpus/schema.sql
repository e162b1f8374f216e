-- The database the corpus pages are judged against: a photo and video processing app
-- ("Darkroom"), invented for these tests. Each page's sidecar says what the page states and
-- which finding (if any) it must get against these tables and buckets.

create type job_status as enum ('queued', 'running', 'done', 'failed');

create table public.jobs (
  id uuid primary key,
  user_id uuid not null,
  status job_status not null default 'queued',
  kind text not null,
  payload jsonb not null default '{}',
  result jsonb,
  attempts integer not null default 0,
  priority integer not null default 0,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.accounts (
  id uuid primary key,
  email text not null,
  display_name text,
  avatar_path text,
  tier text not null default 'free',
  credits integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.albums (
  id uuid primary key,
  owner_id uuid not null,
  title text not null,
  description text,
  cover_asset_id uuid,
  visibility text not null default 'private',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.assets (
  id uuid primary key,
  album_id uuid,
  owner_id uuid not null,
  storage_path text not null,
  mime_type text not null,
  bytes bigint not null,
  width integer,
  height integer,
  duration_ms integer,
  checksum text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table public.tags (id uuid primary key, name text not null unique, color text);

create table public.asset_tags (
  asset_id uuid not null,
  tag_id uuid not null,
  added_at timestamptz not null default now(),
  added_by uuid,
  primary key (asset_id, tag_id)
);

create table public.presets (
  id uuid primary key,
  name text not null,
  settings jsonb not null,
  is_default boolean not null default false,
  created_by uuid,
  created_at timestamptz not null default now()
);

create table public.comments (
  id uuid primary key,
  asset_id uuid not null,
  author_id uuid not null,
  body text not null,
  edited boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.reactions (
  id bigint generated always as identity primary key,
  comment_id uuid not null,
  user_id uuid not null,
  emoji text not null,
  created_at timestamptz not null default now(),
  unique (comment_id, user_id, emoji)
);

create table public.invoices (
  id uuid primary key,
  account_id uuid not null,
  number text not null,
  amount_cents integer not null,
  currency text not null default 'EUR',
  status text not null,
  issued_at timestamptz not null,
  paid_at timestamptz,
  pdf_path text
);

create table public.webhooks (
  id uuid primary key,
  account_id uuid not null,
  url text not null,
  events text[] not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create table public.webhook_deliveries (
  id bigint generated always as identity primary key,
  webhook_id uuid not null,
  event text not null,
  status_code integer,
  attempt integer not null default 1,
  delivered_at timestamptz not null default now()
);

create table public.audit_events (
  id bigint generated always as identity primary key,
  actor_id uuid,
  action text not null,
  target_table text not null,
  target_id text,
  details jsonb,
  created_at timestamptz not null default now()
);

create table public.exports (
  id uuid primary key,
  owner_id uuid not null,
  format text not null,
  status text not null,
  file_path text,
  expires_at timestamptz,
  created_at timestamptz not null default now()
);

create table public.sessions_log (
  id bigint generated always as identity primary key,
  account_id uuid not null,
  ip inet,
  user_agent text,
  started_at timestamptz not null default now(),
  ended_at timestamptz
);

create table public.feature_toggles (
  key text primary key,
  enabled boolean not null default false,
  rollout_percent integer not null default 0,
  note text,
  updated_at timestamptz not null default now()
);

create table public.share_links (
  id uuid primary key,
  asset_id uuid not null,
  token text not null unique,
  expires_at timestamptz,
  max_views integer,
  views integer not null default 0,
  created_by uuid not null,
  created_at timestamptz not null default now()
);

create table public.notifications (
  id uuid primary key,
  recipient_id uuid not null,
  kind text not null,
  payload jsonb,
  read_at timestamptz,
  created_at timestamptz not null default now()
);

create table public.devices (
  id uuid primary key,
  account_id uuid not null,
  platform text not null,
  push_token text,
  last_seen_at timestamptz,
  created_at timestamptz not null default now()
);

create table public.folders (
  id uuid primary key,
  owner_id uuid not null,
  parent_id uuid,
  name text not null,
  created_at timestamptz not null default now()
);

create table public.checklists (
  id uuid primary key,
  owner_id uuid not null,
  title text not null,
  items jsonb not null default '[]',
  done boolean not null default false,
  created_at timestamptz not null default now()
);

create table public.api_keys (
  id uuid primary key,
  account_id uuid not null,
  prefix text not null,
  hashed_key text not null,
  scopes text[] not null default '{}',
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);

create table public.members (
  id uuid primary key,
  org_id uuid not null,
  account_id uuid not null,
  role text not null,
  invited_by uuid,
  joined_at timestamptz not null default now(),
  last_active_at timestamptz
);

create table public.plans (
  id uuid primary key,
  name text not null,
  monthly_cents integer not null,
  credits_per_month integer not null,
  active boolean not null default true
);

create table public.billing_events (
  id bigint generated always as identity primary key,
  invoice_id uuid,
  kind text not null,
  payload jsonb not null,
  received_at timestamptz not null default now()
);

create table public.coupons (
  id uuid primary key,
  code text not null unique,
  percent_off integer not null,
  max_uses integer,
  expires_at timestamptz
);

create table public.refunds (
  id uuid primary key,
  invoice_id uuid not null,
  amount_cents integer not null,
  reason text,
  created_at timestamptz not null default now()
);

create table public.newsletter_subscriptions (
  id uuid primary key,
  email text not null,
  confirmed_at timestamptz,
  created_at timestamptz not null default now()
);

create table public.payouts (
  id uuid primary key,
  account_id uuid not null,
  amount_cents integer not null,
  paid_at timestamptz
);

create table public.login_attempts (
  id bigint generated always as identity primary key,
  email text not null,
  succeeded boolean not null,
  attempted_at timestamptz not null default now()
);

create table public.shoots (
  id uuid primary key,
  title text not null,
  starts_at timestamptz not null,
  location text,
  owner_id uuid not null
);

create table public.support_tickets (
  id bigint generated always as identity primary key,
  account_id uuid,
  subject text not null,
  status text not null default 'open',
  assigned_to uuid,
  created_at timestamptz not null default now()
);

create table public.ticket_events (
  id bigint generated always as identity primary key,
  ticket_id bigint not null,
  kind text not null,
  payload jsonb,
  at timestamptz not null default now()
);

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
  ('originals', 'originals', false, 52428800, array['image/heic', 'image/jpeg', 'image/png']),
  ('thumbnails', 'thumbnails', true, 5242880, array['image/webp']),
  ('export-archives', 'export-archives', false, 524288000, array['application/zip']),
  ('avatars', 'avatars', true, 1048576, array['image/jpeg', 'image/png']),
  ('scratch', 'scratch', false, null, null),
  ('watermarks', 'watermarks', false, 2097152, array['image/png', 'image/svg+xml']),
  ('uploads', 'uploads', true, 5000000, array['image/png', 'image/jpeg', 'image/webp']),
  ('attachments', 'attachments', false, 10485760, array['image/*', 'application/pdf']);
