-- AssetLedger production database roles (S6: the service's role cannot UPDATE or DELETE event rows).
--
--   assetledger_owner  owns the schema "assetledger" and every object in it; applies the schema
--                      (`dotnet AssetLedger.Api.dll db-apply` with the owner's connection string).
--   assetledger_app    the service's login: reads and appends events, keeps the stream heads and
--                      the document tables (projections, idempotency records) current, and can
--                      never UPDATE, DELETE or TRUNCATE a row of assetledger.mt_events.
--
-- Run it as a superuser (or a role that may create roles and is a member of the schema's current
-- owner), connected to the service's database, with ops/db-roles.sh or any client:
--     psql -X -v ON_ERROR_STOP=1 -1 -f ops/db-roles.sql "<admin connection>"
-- It is plain SQL (no psql meta-commands) and idempotent: run it after every `db-apply`, as
-- often as you like. Each run converges the grants to exactly the set below. Roles are
-- cluster-wide, so it tolerates roles that exist already (another database of the same cluster).
-- Passwords are not set here: ops/db-roles.sh sets them from the environment, or use \password.
-- See docs/database-roles.md.

SET client_min_messages = warning;

-- 1. Roles ------------------------------------------------------------------------------------
-- Guarded creation; a concurrent run in another database may create the role between the check
-- and the CREATE, which is fine too.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'assetledger_owner') THEN
        BEGIN
            CREATE ROLE assetledger_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'assetledger_app') THEN
        BEGIN
            CREATE ROLE assetledger_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;

    -- The app role must not be able to act as the owner (or a superuser) in any way.
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'assetledger_app' AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'assetledger_app is a superuser or bypasses row security: refusing to continue';
    END IF;
    IF pg_catalog.pg_has_role('assetledger_app', 'assetledger_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'assetledger_app is a member of assetledger_owner: it would own the event table. Revoke the membership first.';
    END IF;
END
$roles$;

-- 2. Database and schema -----------------------------------------------------------------------
-- CONNECT only: the schema is created here, so neither role needs CREATE on the database (db-apply
-- finds the schema and creates its tables in it as the schema's owner).
DO $database$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO assetledger_owner, assetledger_app', current_database());
END
$database$;

CREATE SCHEMA IF NOT EXISTS assetledger AUTHORIZATION assetledger_owner;
ALTER SCHEMA assetledger OWNER TO assetledger_owner;
REVOKE ALL ON SCHEMA assetledger FROM PUBLIC;
REVOKE ALL ON SCHEMA assetledger FROM assetledger_app;
GRANT USAGE ON SCHEMA assetledger TO assetledger_app;

-- 3. Ownership of what exists already ----------------------------------------------------------
-- A schema first created by another role (a superuser, an earlier deployment) is handed to the
-- owner: tables (their owned sequences follow), free-standing sequences, views, functions, types.
DO $ownership$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS obj, c.relkind
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'assetledger'
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.relowner <> 'assetledger_owner'::regrole
          -- a sequence owned by a column moves with its table
          AND NOT (c.relkind = 'S' AND EXISTS (
                SELECT FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')))
        ORDER BY c.relkind <> 'r', c.relname
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO assetledger_owner',
            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                           WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.obj);
    END LOOP;

    FOR r IN
        SELECT p.oid::regprocedure AS obj, p.prokind
        FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'assetledger' AND p.proowner <> 'assetledger_owner'::regrole
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO assetledger_owner',
            CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, r.obj);
    END LOOP;

    FOR r IN
        SELECT t.oid::regtype AS obj, t.typtype
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'assetledger' AND t.typowner <> 'assetledger_owner'::regrole
          AND t.typtype IN ('c', 'd', 'e', 'r')
          -- row types of tables and array types follow their table or element type
          AND (t.typtype <> 'c' OR EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO assetledger_owner',
            CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.obj);
    END LOOP;
END
$ownership$;

-- 4. Privileges on what exists -----------------------------------------------------------------
-- Converged, not accumulated: every relation's grants to the app role are revoked and granted
-- again, so a privilege granted by hand (say UPDATE on mt_events) does not survive a run.
DO $grants$
DECLARE
    r record;
    privileges text;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS obj, c.relname, c.relkind
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'assetledger' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    LOOP
        EXECUTE format('REVOKE ALL ON TABLE %s FROM assetledger_app', r.obj);
        EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC', r.obj);
        privileges := CASE
            -- the event log: read and append, nothing else (no UPDATE, DELETE, TRUNCATE)
            WHEN r.relname = 'mt_events' THEN 'SELECT, INSERT'
            -- stream heads: Marten inserts a stream's row and moves its version on every append
            WHEN r.relname = 'mt_streams' THEN 'SELECT, INSERT, UPDATE'
            -- documents: projections, idempotency records, case references (upserts, deletes)
            WHEN r.relname LIKE 'mt\_doc\_%' THEN 'SELECT, INSERT, UPDATE, DELETE'
            -- Marten's bookkeeping (async projection progress and its high-water mark, hi/lo
            -- id blocks): rows that describe processing, not history
            WHEN r.relname IN ('mt_event_progression', 'mt_event_projection_floors', 'mt_high_water_skips', 'mt_hilo')
                THEN 'SELECT, INSERT, UPDATE, DELETE'
            -- anything else (a table a later Marten version adds): read and append only, until
            -- someone decides otherwise here
            WHEN r.relkind IN ('r', 'p') THEN 'SELECT, INSERT'
            ELSE 'SELECT'
        END;
        EXECUTE format('GRANT %s ON TABLE %s TO assetledger_app', privileges, r.obj);
    END LOOP;
END
$grants$;

-- The event table, named once more so that nobody reading this file has to trust the loop above.
DO $events$
BEGIN
    IF to_regclass('assetledger.mt_events') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE assetledger.mt_events FROM assetledger_app, PUBLIC;
    END IF;
END
$events$;

REVOKE ALL ON ALL SEQUENCES IN SCHEMA assetledger FROM PUBLIC;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA assetledger TO assetledger_app;
-- Marten's functions (mt_quick_append_events, mt_upsert_*, mt_insert_*, mt_update_*, ...) run
-- with the caller's rights (SECURITY INVOKER): EXECUTE lets the app call them, and the table
-- privileges above still decide what they may do.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA assetledger TO assetledger_app;

-- 5. Objects the owner creates later (the next db-apply) -----------------------------------------
-- Default privileges cannot tell mt_events from a document table, so new tables get the safe
-- minimum, SELECT and INSERT: the app can never UPDATE or DELETE event rows, even in a table
-- created after this run. Run this script again after db-apply to give new document tables
-- their UPDATE and DELETE.
ALTER DEFAULT PRIVILEGES FOR ROLE assetledger_owner IN SCHEMA assetledger REVOKE ALL ON TABLES FROM assetledger_app;
ALTER DEFAULT PRIVILEGES FOR ROLE assetledger_owner IN SCHEMA assetledger GRANT SELECT, INSERT ON TABLES TO assetledger_app;
ALTER DEFAULT PRIVILEGES FOR ROLE assetledger_owner IN SCHEMA assetledger GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO assetledger_app;
ALTER DEFAULT PRIVILEGES FOR ROLE assetledger_owner IN SCHEMA assetledger GRANT EXECUTE ON FUNCTIONS TO assetledger_app;
ALTER DEFAULT PRIVILEGES FOR ROLE assetledger_owner IN SCHEMA assetledger GRANT USAGE ON TYPES TO assetledger_app;
