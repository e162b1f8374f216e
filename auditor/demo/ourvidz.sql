-- ourvidz.sql -- demo/test fixture: the OurVidz application on top of platform.sql.
--
-- Creates the 26 tables of the OurVidz app in schema public (RLS enabled on
-- every one), a few realistic RLS policies, a little seed data (two auth users
-- with profiles, etc.), and the app's 10 storage buckets -- 6 active ones with
-- a few objects each and 4 legacy ones that are empty.
--
-- Column names and types follow the real OurVidz schema.  For 18 tables the
-- number of columns is fixed, because the auditor checks it:
--   profiles 7, user_roles 4, user_activity_log 9, api_providers 12,
--   api_models 19, model_config_history 8, model_performance_logs 11,
--   model_test_results 30, negative_prompts 10, enhancement_presets 13,
--   compel_configs 10, user_collections 6, workspace_assets 18, scenes 10,
--   projects 14, prompt_ab_tests 13, usage_logs 8, admin_development_progress 14.
-- The other 8 (jobs, prompt_templates, conversations, messages, characters,
-- character_scenes, user_library, system_config) have no fixed count; they
-- use a realistic subset of their real columns.
--
-- Requires platform.sql to have been applied to the same (otherwise empty)
-- database.  Plain SQL: runs with psql -v ON_ERROR_STOP=1 -f and as one string
-- through psycopg 3's conn.execute(); no meta-commands, no COPY, no
-- transaction control, no percent signs.

-------------------------------------------------------------------------------
-- Users, roles, activity
-------------------------------------------------------------------------------

-- User profile (one row per auth.users row).                       7 columns
create table public.profiles (
  id uuid not null primary key references auth.users (id) on delete cascade,
  username text unique,
  subscription_status text default 'inactive',
  token_balance integer default 100,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  age_verified boolean default false
);

-- Role assignments.                                                 4 columns
create table public.user_roles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('admin', 'moderator', 'premium_user', 'basic_user', 'guest')),
  created_at timestamptz default now(),
  unique (user_id, role)
);

-- Activity tracking.                                                9 columns
create table public.user_activity_log (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete cascade,
  action text not null,
  resource_type text,
  resource_id text,
  metadata jsonb default '{}'::jsonb,
  ip_address inet,
  user_agent text,
  created_at timestamptz default now()
);
create index idx_user_activity_log_user_id on public.user_activity_log (user_id);
create index idx_user_activity_log_created_at on public.user_activity_log (created_at);

-------------------------------------------------------------------------------
-- External API providers and models
-------------------------------------------------------------------------------

-- External API provider configs.                                   12 columns
create table public.api_providers (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name text not null unique,
  display_name text not null,
  base_url text,
  docs_url text,
  auth_scheme text not null default 'bearer',
  auth_header_name text default 'Authorization',
  secret_name text,
  rate_limits jsonb not null default '{}'::jsonb,
  is_active boolean not null default true
);

-- AI models and their configs.                                     19 columns
create table public.api_models (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid references public.profiles (id) on delete set null,
  provider_id uuid not null references public.api_providers (id) on delete cascade,
  model_key text not null,
  version text,
  display_name text not null,
  modality text not null check (modality in ('image', 'video', 'chat', 'prompt', 'audio', 'embedding', 'roleplay')),
  task text not null check (task in ('generation', 'enhancement', 'moderation', 'style_transfer', 'upscale', 'roleplay', 'tts', 'stt', 'chat', 'embedding')),
  model_family text,
  endpoint_path text,
  input_defaults jsonb not null default '{}'::jsonb,
  capabilities jsonb not null default '{}'::jsonb,
  pricing jsonb not null default '{}'::jsonb,
  output_format text,
  is_active boolean not null default true,
  is_default boolean not null default false,
  priority integer not null default 0,
  unique (provider_id, model_key, version)
);
create index idx_api_models_provider on public.api_models (provider_id);

-- History of model configurations.                                  8 columns
create table public.model_config_history (
  id uuid primary key default gen_random_uuid(),
  model_type varchar(20) not null check (model_type in ('SDXL', 'WAN')),
  config_name varchar(100) not null,
  config_data jsonb not null,
  is_active boolean default false,
  created_by uuid references public.profiles (id),
  created_at timestamptz default now(),
  notes text
);

-- Daily per-model performance roll-up.                             11 columns
create table public.model_performance_logs (
  id uuid primary key default gen_random_uuid(),
  model_type varchar(20) not null check (model_type in ('SDXL', 'WAN')),
  date date not null,
  total_generations integer default 0,
  successful_generations integer default 0,
  failed_generations integer default 0,
  avg_generation_time_ms integer,
  avg_quality_rating numeric(3,2),
  total_processing_time_ms integer,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  unique (model_type, date)
);

-------------------------------------------------------------------------------
-- Characters, projects, scenes, jobs
-------------------------------------------------------------------------------

-- Roleplay characters.                           (no fixed count) 15 columns
create table public.characters (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  name text not null,
  description text not null,
  persona text,
  system_prompt text,
  traits text,
  appearance_tags text[],
  image_url text,
  reference_image_url text,
  voice_tone text,
  content_rating text not null default 'sfw',
  is_public boolean default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-- Storyboard projects.                                             14 columns
create table public.projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  title text,
  original_prompt text not null,
  enhanced_prompt text,
  media_type text not null check (media_type in ('image', 'video')),
  duration integer default 0,
  scene_count integer default 1,
  workflow_step text default 'configuration' check (workflow_step in ('configuration', 'character_selection', 'story_breakdown', 'storyboard_generation', 'video_generation', 'completed')),
  character_id uuid references public.characters (id),
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  preview_url text,
  reference_image_url text
);

-- Scenes of a project.                                             10 columns
create table public.scenes (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  scene_number integer not null,
  description text not null,
  enhanced_prompt text,
  image_url text,
  approved boolean default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  final_stitched_url text,
  unique (project_id, scene_number)
);

-- Background job queue for content generation.  (no fixed count) 15 columns
create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  api_model_id uuid references public.api_models (id) on delete set null,
  job_type text not null,
  status text default 'queued' check (status in ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  format text,
  quality text check (quality in ('fast', 'high')),
  original_prompt text,
  metadata jsonb default '{}'::jsonb,
  attempts integer default 0,
  error_message text,
  created_at timestamptz default now(),
  started_at timestamptz,
  completed_at timestamptz
);
create index idx_jobs_user_id on public.jobs (user_id);
create index idx_jobs_status on public.jobs (status);

-- A/B test results per generation.                                 30 columns
create table public.model_test_results (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete cascade,
  model_type varchar(20) not null check (model_type in ('SDXL', 'WAN', 'LORA')),
  model_version varchar(50),
  prompt_text text not null,
  success boolean not null default true,
  overall_quality integer check (overall_quality between 0 and 10),
  technical_quality integer check (technical_quality between 0 and 10),
  content_quality integer check (content_quality between 0 and 10),
  consistency integer check (consistency between 0 and 10),
  test_series varchar(100) not null,
  test_tier varchar(50) not null check (test_tier in ('artistic', 'explicit', 'unrestricted')),
  test_category varchar(100),
  test_metadata jsonb not null default '{}'::jsonb,
  job_id uuid references public.jobs (id) on delete set null,
  image_id uuid,
  video_id uuid,
  generation_time_ms integer,
  file_size_bytes integer,
  notes text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  original_prompt text,
  enhanced_prompt text,
  enhancement_strategy varchar(50),
  enhancement_time_ms integer,
  qwen_expansion_percentage numeric(7,2),
  compel_weights jsonb,
  baseline_quality numeric(3,2),
  quality_improvement numeric(7,2)
);

-------------------------------------------------------------------------------
-- Prompting
-------------------------------------------------------------------------------

-- Prompt-enhancement system prompts.            (no fixed count) 15 columns
create table public.prompt_templates (
  id uuid primary key default gen_random_uuid(),
  template_name varchar not null,
  enhancer_model text not null,
  target_model text,
  job_type text,
  use_case varchar not null,
  content_mode varchar not null default 'nsfw',
  system_prompt text not null,
  token_limit integer default 512,
  version integer default 1,
  is_active boolean default true,
  metadata jsonb default '{}'::jsonb,
  created_by uuid references auth.users (id),
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-- Negative prompts per model and content mode.                     10 columns
create table public.negative_prompts (
  id uuid primary key default gen_random_uuid(),
  model_type varchar not null default 'sdxl',
  content_mode varchar not null default 'nsfw',
  negative_prompt text not null,
  is_active boolean default true,
  priority integer default 1,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  created_by uuid references auth.users (id),
  description text,
  constraint unique_negative_prompt_per_model_mode unique (model_type, content_mode, negative_prompt)
);

-- Presets combining Qwen expansion and Compel weights.              13 columns
create table public.enhancement_presets (
  id uuid primary key default gen_random_uuid(),
  preset_name varchar(100) not null unique,
  preset_description text,
  enable_qwen boolean not null default false,
  enable_compel boolean not null default false,
  auto_enhancement boolean not null default false,
  qwen_settings jsonb,
  compel_weights jsonb,
  avg_quality_with_preset numeric(3,2),
  usage_count integer default 0,
  is_recommended boolean default false,
  created_at timestamptz default now(),
  created_by uuid references auth.users (id)
);

-- Compel weight configurations.                                     10 columns
create table public.compel_configs (
  id uuid primary key default gen_random_uuid(),
  config_name varchar(100) not null,
  weights jsonb not null,
  config_hash varchar(64) not null unique,
  total_tests integer default 0,
  avg_quality numeric(3,2),
  avg_consistency numeric(3,2),
  is_active boolean default false,
  created_at timestamptz default now(),
  created_by uuid references auth.users (id)
);

-------------------------------------------------------------------------------
-- Chat / roleplay
-------------------------------------------------------------------------------

-- Chat sessions.                                 (no fixed count) 10 columns
create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  character_id uuid references public.characters (id) on delete set null,
  user_character_id uuid references public.characters (id) on delete set null,
  project_id uuid references public.projects (id) on delete set null,
  title text not null default 'New Conversation',
  conversation_type text not null default 'general',
  status text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_conversations_user_id on public.conversations (user_id);

-- Chat messages.                                  (no fixed count) 6 columns
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  sender text not null check (sender in ('user', 'assistant')),
  content text not null,
  message_type text not null default 'text',
  created_at timestamptz not null default now()
);
create index idx_messages_conversation_id on public.messages (conversation_id);

-- Images generated for a character within a scene.  (no fixed count) 10 cols
create table public.character_scenes (
  id uuid primary key default gen_random_uuid(),
  character_id uuid references public.characters (id) on delete cascade,
  scene_id uuid references public.scenes (id) on delete set null,
  conversation_id uuid references public.conversations (id) on delete cascade,
  job_id uuid references public.jobs (id),
  image_url text not null,
  scene_prompt text not null,
  generation_metadata jsonb default '{}'::jsonb,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-------------------------------------------------------------------------------
-- Library and workspace
-------------------------------------------------------------------------------

-- User collections.                                                  6 columns
create table public.user_collections (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null,
  description text,
  asset_count integer default 0,
  created_at timestamptz default now()
);

-- The user's saved content library.             (no fixed count) 15 columns
create table public.user_library (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  collection_id uuid references public.user_collections (id) on delete set null,
  asset_type text not null check (asset_type in ('image', 'video')),
  storage_path text not null,
  thumbnail_path text,
  file_size_bytes bigint not null,
  mime_type text not null,
  original_prompt text not null,
  model_used text not null,
  custom_title text,
  tags text[] default '{}',
  is_favorite boolean default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create index idx_user_library_user_id on public.user_library (user_id);

-- Temporary generation output awaiting save/discard.                18 columns
create table public.workspace_assets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  asset_type text not null check (asset_type in ('image', 'video')),
  temp_storage_path text not null,
  file_size_bytes bigint not null,
  mime_type text not null,
  duration_seconds numeric(10,3),
  job_id uuid not null,
  asset_index integer not null default 0,
  generation_seed bigint not null,
  original_prompt text not null,
  model_used text not null,
  generation_settings jsonb default '{}'::jsonb,
  created_at timestamptz default now(),
  expires_at timestamptz default (now() + interval '7 days'),
  thumbnail_path text,
  width integer,
  height integer,
  unique (user_id, job_id, asset_index)
);

-------------------------------------------------------------------------------
-- Testing, usage, admin, config
-------------------------------------------------------------------------------

-- A/B tests of prompt enhancement.                                  13 columns
create table public.prompt_ab_tests (
  id uuid primary key default gen_random_uuid(),
  test_name varchar(100) not null,
  test_series varchar(100) not null,
  baseline_config jsonb not null,
  enhanced_config jsonb not null,
  total_participants integer default 0,
  baseline_avg_quality numeric(3,2),
  enhanced_avg_quality numeric(3,2),
  quality_improvement numeric(3,2),
  confidence_level numeric(3,2),
  is_complete boolean default false,
  created_at timestamptz default now(),
  completed_at timestamptz
);

-- Credit usage.                                                      8 columns
create table public.usage_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  action text not null,
  credits_consumed integer default 1,
  metadata jsonb,
  created_at timestamptz default now(),
  format text,
  quality text
);

-- Development task tracking for the admin portal.                   14 columns
create table public.admin_development_progress (
  id uuid primary key default gen_random_uuid(),
  feature_name varchar(100) not null,
  feature_category varchar(50) not null,
  status varchar(20) not null check (status in ('not_started', 'in_progress', 'completed', 'blocked')),
  priority varchar(10) not null check (priority in ('P0', 'P1', 'P2')),
  assigned_to varchar(100),
  estimated_hours integer,
  actual_hours integer,
  start_date date,
  completion_date date,
  notes text,
  blockers text,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-- System-wide config cache (a single row, id = 1).  (no fixed count) 6 cols
create table public.system_config (
  id bigint primary key default 1,
  config jsonb not null default '{}'::jsonb,
  version integer not null default 1,
  updated_by uuid references auth.users (id),
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
comment on table public.system_config is 'Stores application-wide configuration settings';

-------------------------------------------------------------------------------
-- Row level security: enabled on every table
-------------------------------------------------------------------------------
alter table public.profiles enable row level security;
alter table public.user_roles enable row level security;
alter table public.user_activity_log enable row level security;
alter table public.api_providers enable row level security;
alter table public.api_models enable row level security;
alter table public.model_config_history enable row level security;
alter table public.model_performance_logs enable row level security;
alter table public.characters enable row level security;
alter table public.projects enable row level security;
alter table public.scenes enable row level security;
alter table public.jobs enable row level security;
alter table public.model_test_results enable row level security;
alter table public.prompt_templates enable row level security;
alter table public.negative_prompts enable row level security;
alter table public.enhancement_presets enable row level security;
alter table public.compel_configs enable row level security;
alter table public.conversations enable row level security;
alter table public.messages enable row level security;
alter table public.character_scenes enable row level security;
alter table public.user_collections enable row level security;
alter table public.user_library enable row level security;
alter table public.workspace_assets enable row level security;
alter table public.prompt_ab_tests enable row level security;
alter table public.usage_logs enable row level security;
alter table public.admin_development_progress enable row level security;
alter table public.system_config enable row level security;

create policy "Users can view their own profile" on public.profiles
  for select using (auth.uid() = id);
create policy "Users can update their own profile" on public.profiles
  for update using (auth.uid() = id);

create policy "Users can view their own roles" on public.user_roles
  for select using (auth.uid() = user_id);

create policy "Users can manage their own library" on public.user_library
  for all to authenticated
  using (auth.uid() = user_id)
  with check (auth.uid() = user_id);

create policy "Users can view their own jobs" on public.jobs
  for select using (auth.uid() = user_id);

create policy "Users can view messages in their conversations" on public.messages
  for select using (
    exists (
      select 1 from public.conversations c
       where c.id = messages.conversation_id and c.user_id = auth.uid()
    )
  );

create policy "Admin can manage system config" on public.system_config
  for all to authenticated
  using (
    exists (
      select 1 from public.user_roles r
       where r.user_id = auth.uid() and r.role = 'admin'
    )
  );

-- Every other table: its owner's rows, the active catalogue for signed-in users, or admins.
create policy "Users can view their own activity" on public.user_activity_log
  for select to authenticated using (auth.uid() = user_id);
create policy "Users can view their own test results" on public.model_test_results
  for select to authenticated using (auth.uid() = user_id);
create policy "Users can view their own usage" on public.usage_logs
  for select to authenticated using (auth.uid() = user_id);

create policy "Users can manage their own conversations" on public.conversations
  for all to authenticated using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy "Users can manage their own collections" on public.user_collections
  for all to authenticated using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy "Users can manage their own workspace" on public.workspace_assets
  for all to authenticated using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy "Users can manage their own projects" on public.projects
  for all to authenticated using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy "Users can manage scenes of their projects" on public.scenes
  for all to authenticated using (
    exists (select 1 from public.projects p where p.id = scenes.project_id and p.user_id = auth.uid())
  );
create policy "Users can view public characters and their own" on public.characters
  for select to authenticated using (is_public or auth.uid() = user_id);
create policy "Users can view scenes of their characters" on public.character_scenes
  for select to authenticated using (
    exists (select 1 from public.characters c where c.id = character_scenes.character_id and c.user_id = auth.uid())
  );

create policy "Signed-in users can read active providers" on public.api_providers
  for select to authenticated using (is_active);
create policy "Signed-in users can read active models" on public.api_models
  for select to authenticated using (is_active);
create policy "Signed-in users can read active templates" on public.prompt_templates
  for select to authenticated using (is_active);
create policy "Signed-in users can read active negative prompts" on public.negative_prompts
  for select to authenticated using (is_active);
create policy "Signed-in users can read enhancement presets" on public.enhancement_presets
  for select to authenticated using (true);
create policy "Signed-in users can read active compel configs" on public.compel_configs
  for select to authenticated using (is_active);

create policy "Admins can manage model config history" on public.model_config_history
  for all to authenticated
  using (exists (select 1 from public.user_roles r where r.user_id = auth.uid() and r.role = 'admin'));
create policy "Admins can manage model performance logs" on public.model_performance_logs
  for all to authenticated
  using (exists (select 1 from public.user_roles r where r.user_id = auth.uid() and r.role = 'admin'));
create policy "Admins can manage A/B tests" on public.prompt_ab_tests
  for all to authenticated
  using (exists (select 1 from public.user_roles r where r.user_id = auth.uid() and r.role = 'admin'));
create policy "Admins can manage development progress" on public.admin_development_progress
  for all to authenticated
  using (exists (select 1 from public.user_roles r where r.user_id = auth.uid() and r.role = 'admin'));

-- avatars is a public bucket: its files are served by URL without any policy. Listing is
-- limited to each user's own folder (a policy for every avatar would let anyone list them all).
create policy "Users can list their own avatars" on storage.objects
  for select to authenticated
  using (bucket_id = 'avatars' and split_part(name, '/', 1) = auth.uid()::text);
create policy "Users can upload their own avatar" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'avatars' and split_part(name, '/', 1) = auth.uid()::text);

-------------------------------------------------------------------------------
-- Seed data
-------------------------------------------------------------------------------
insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
                        email_confirmed_at, last_sign_in_at,
                        raw_app_meta_data, raw_user_meta_data, is_super_admin)
values
  ('00000000-0000-0000-0000-000000000000', '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61',
   'authenticated', 'authenticated', 'admin@ourvidz.example', '',
   now(), now(),
   '{"provider": "email", "providers": ["email"]}', '{"username": "ourvidz_admin"}', false),
  ('00000000-0000-0000-0000-000000000000', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62',
   'authenticated', 'authenticated', 'creator@ourvidz.example', '',
   now(), now(),
   '{"provider": "email", "providers": ["email"]}', '{"username": "night_creator"}', false);

insert into public.profiles (id, username, subscription_status, token_balance, age_verified)
values
  ('3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61', 'ourvidz_admin', 'active', 1000, true),
  ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 'night_creator', 'inactive', 100, true);

insert into public.user_roles (user_id, role)
values
  ('3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61', 'admin'),
  ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 'basic_user');

insert into public.api_providers (name, display_name, base_url, docs_url, auth_scheme, auth_header_name, secret_name, rate_limits)
values
  ('replicate', 'Replicate', 'https://api.replicate.com/v1', 'https://replicate.com/docs',
   'bearer', 'Authorization', 'REPLICATE_API_TOKEN', '{"requests_per_minute": 600}'),
  ('openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1', 'https://openrouter.ai/docs',
   'bearer', 'Authorization', 'OPENROUTER_API_KEY', '{}');

insert into public.api_models (created_by, provider_id, model_key, version, display_name, modality, task,
                               model_family, input_defaults, capabilities, pricing, output_format,
                               is_active, is_default, priority)
select '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61', p.id, m.model_key, m.version, m.display_name, m.modality, m.task,
       m.model_family, m.input_defaults::jsonb, m.capabilities::jsonb, m.pricing::jsonb, m.output_format,
       true, m.is_default, m.priority
  from (values
    ('replicate', 'lucataco/realistic-vision-v5.1', 'ac732df8', 'RV5.1', 'image', 'generation', 'rv51',
     '{"steps": 25, "guidance_scale": 7, "scheduler": "EulerA"}', '{"sizes": ["512x768", "768x512"]}',
     '{"per_image": 0.0023}', 'png', true, 10),
    ('openrouter', 'mistralai/mistral-nemo', null, 'Mistral Nemo (roleplay)', 'roleplay', 'roleplay', 'mistral',
     '{"temperature": 0.8, "max_tokens": 1024}', '{"streaming": true}',
     '{"per_1k_tokens": 0.00013}', 'text', true, 5)
  ) as m(provider, model_key, version, display_name, modality, task, model_family,
         input_defaults, capabilities, pricing, output_format, is_default, priority)
  join public.api_providers p on p.name = m.provider;

insert into public.prompt_templates (template_name, enhancer_model, target_model, job_type, use_case,
                                     content_mode, system_prompt, token_limit, created_by)
values ('SDXL Prompt Enhance - SFW', 'qwen_instruct', 'sdxl', 'image', 'enhancement', 'sfw',
        'You are an expert prompt engineer for SDXL. Expand the user prompt with lighting, composition and style details.',
        75, '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61');

insert into public.negative_prompts (model_type, content_mode, negative_prompt, priority, description)
values ('sdxl', 'sfw', 'blurry, low quality, bad anatomy, extra fingers, watermark, text', 1,
        'Baseline SDXL quality negatives');

insert into public.admin_development_progress (feature_name, feature_category, status, priority,
                                               assigned_to, estimated_hours, start_date)
values
  ('Roleplay character scenes', 'roleplay', 'in_progress', 'P1', 'ourvidz_admin', 16, date '2025-08-01'),
  ('Storage bucket cleanup', 'infrastructure', 'not_started', 'P2', null, 4, null);

insert into public.user_collections (id, user_id, name, description, asset_count)
values ('c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62',
        'Favourites', 'Best generations', 1);

insert into public.user_library (user_id, collection_id, asset_type, storage_path, file_size_bytes,
                                 mime_type, original_prompt, model_used, tags, is_favorite)
values ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 'c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8', 'image',
        '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/images/neon-city-01.png', 1843200, 'image/png',
        'neon city street at night, rain', 'sdxl', '{city,night}', true);

insert into public.system_config (id, config, updated_by)
values (1, '{"defaultImageModel": "sdxl", "defaultVideoModel": "wan", "maintenanceMode": false}',
        '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61');

-------------------------------------------------------------------------------
-- Storage buckets (id = name): 6 active, 4 legacy (private, no limit, empty)
-------------------------------------------------------------------------------
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('avatars',          'avatars',          true,  null,     '{image/png,image/jpeg,image/webp}'),
  ('reference_images', 'reference_images', false, 10485760, '{image/png,image/jpeg,image/webp}'),
  ('system_assets',    'system_assets',    true,  5242880,  null),
  ('user-library',     'user-library',     false, 52428800, null),
  ('videos',           'videos',           true,  null,     '{video/mp4,video/webm}'),
  ('workspace-temp',   'workspace-temp',   false, 52428800, null),
  ('image_high',       'image_high',       false, null,     null),
  ('sdxl_image_fast',  'sdxl_image_fast',  false, null,     null),
  ('sdxl_image_high',  'sdxl_image_high',  false, null,     null),
  ('video_high',       'video_high',       false, null,     null);

-- Objects: 2-4 per active bucket, none in the legacy ones.  metadata.size is a
-- JSON number, as Supabase stores it.
insert into storage.objects (bucket_id, name, owner, owner_id, metadata)
select o.bucket_id, o.name, o.owner::uuid, o.owner,
       jsonb_build_object(
         'size', o.size,
         'mimetype', o.mimetype,
         'cacheControl', 'max-age=3600',
         'contentLength', o.size,
         'httpStatusCode', 200
       )
  from (values
    ('avatars', '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61/avatar.png', '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61', 12345, 'image/png'),
    ('avatars', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/avatar.webp', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 20480, 'image/webp'),
    ('reference_images', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/ref-portrait.jpg', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 734003, 'image/jpeg'),
    ('reference_images', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/ref-pose.png', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 1258291, 'image/png'),
    ('system_assets', 'placeholders/character-default.png', null, 48213, 'image/png'),
    ('system_assets', 'branding/logo.svg', null, 3172, 'image/svg+xml'),
    ('system_assets', 'branding/og-image.jpg', null, 215040, 'image/jpeg'),
    ('user-library', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/images/neon-city-01.png', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 1843200, 'image/png'),
    ('user-library', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/videos/neon-city-01.mp4', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 9437184, 'video/mp4'),
    ('videos', '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61/intro-teaser.mp4', '3f0c6a52-8d41-4c6e-9b7a-1e2d3c4b5a61', 15728640, 'video/mp4'),
    ('videos', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/beach-walk.webm', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 6291456, 'video/webm'),
    ('workspace-temp', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/5d1e0f3a-7b2c-4d8e-9f01-a2b3c4d5e6f7/0.png', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 1572864, 'image/png'),
    ('workspace-temp', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/5d1e0f3a-7b2c-4d8e-9f01-a2b3c4d5e6f7/1.png', '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 1605632, 'image/png')
  ) as o(bucket_id, name, owner, size, mimetype);

insert into public.workspace_assets (user_id, asset_type, temp_storage_path, file_size_bytes, mime_type,
                                     job_id, asset_index, generation_seed, original_prompt, model_used,
                                     generation_settings, width, height)
values
  ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 'image',
   '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/5d1e0f3a-7b2c-4d8e-9f01-a2b3c4d5e6f7/0.png', 1572864, 'image/png',
   '5d1e0f3a-7b2c-4d8e-9f01-a2b3c4d5e6f7', 0, 1234567890, 'lighthouse at dawn, oil painting', 'sdxl',
   '{"steps": 25, "guidance_scale": 7.5}', 1024, 1024),
  ('9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62', 'image',
   '9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c62/5d1e0f3a-7b2c-4d8e-9f01-a2b3c4d5e6f7/1.png', 1605632, 'image/png',
   '5d1e0f3a-7b2c-4d8e-9f01-a2b3c4d5e6f7', 1, 1234567891, 'lighthouse at dawn, oil painting', 'sdxl',
   '{"steps": 25, "guidance_scale": 7.5}', 1024, 1024);
