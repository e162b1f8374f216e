-- Who the session is (skipped checks name the role) and the server's version.
select current_user as role, current_setting('server_version') as server_version
