-- Which of the Data API's roles exist. Plain PostgreSQL has neither anon nor authenticated:
-- the checks that need them are then reported as skipped, with this as the reason.
select rolname from pg_roles where rolname = any(%(roles)s) order by rolname
