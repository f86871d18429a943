-- ops/write-shapes.sh: 4,000 asset streams of its own (version 1, one event, a document), the
-- one-call shape's function, and the raw baseline's table. Run on a store the service's db-apply made.
create or replace function assetledger.shapes_uuid(n int) returns uuid language sql immutable as
$$ select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
insert into assetledger.mt_streams (tenant_id, id, type, version) select 'NL', assetledger.shapes_uuid(n), 'asset', 1 from generate_series(0, 3999) n;
insert into assetledger.mt_events (seq_id, id, stream_id, version, data, type, tenant_id)
  select nextval('assetledger.mt_events_sequence'), gen_random_uuid(), assetledger.shapes_uuid(n), 1, '{}', 'asset_registered', 'NL' from generate_series(0, 3999) n;
insert into assetledger.mt_doc_asset (tenant_id, id, data, mt_version, mt_dotnet_type)
  select 'NL', assetledger.shapes_uuid(n), '{"id": "814e91d9-33c4-4c37-9f86-dda0fb0022ad", "kind": "BankAccount", "caseId": "54d28bdf-9652-4ca8-9ae3-c37b716df8b7", "holder": "Shell company B.V.", "orders": [], "status": "Identified", "version": 29, "location": "NL", "chainHash": "bc0cedb619acecc2202fdae82bac6dab856b6a909780e870c0e2a41df86a4092", "updatedAt": "2026-12-08T03:00:28.8839637Z", "description": "Current account 1065", "identifiers": {"iban": "NL91ABNA0417164300"}, "caseAgencies": ["FIOD"], "hasDeadlines": false, "latestValuation": {"liens": null, "value": {"amount": 98894.00, "currency": "EUR", "minorUnit": 2}, "method": "Appraisal", "valuer": "Bench valuer", "valuedOn": "2026-03-01"}}'::jsonb, 1, 'AssetLedger.Assets.Asset' from generate_series(0, 3999) n;

create or replace function assetledger.shapes_append_group(t text, holder bigint, ids uuid[], types text[], dtypes text[], datas jsonb[],
  headers jsonb[], corrs text[], causs text[], users text[], ts timestamptz, docs jsonb[], rec_ids text[], recs jsonb[]) returns void
language plpgsql as $fn$
begin
  perform assetledger.al_guard_write(holder);
  with u as (
    update assetledger.mt_streams s set version = s.version + 1 from unnest(ids) as x(id)
    where s.tenant_id = t and s.id = x.id returning s.id, s.version),
  ev as (
    insert into assetledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, user_name)
    select nextval('assetledger.mt_events_sequence'), gen_random_uuid(), u.id, u.version, x.d, x.ty, ts, t, x.dt, x.c, x.ca, x.h, x.us
    from u join unnest(ids, datas, types, dtypes, corrs, causs, headers, users) as x(id, d, ty, dt, c, ca, h, us) on x.id = u.id),
  doc as (
    insert into assetledger.mt_doc_asset (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified)
    select t, u.id, x.doc, u.version, 'AssetLedger.Assets.Asset', transaction_timestamp() from u join unnest(ids, docs) as x(id, doc) on x.id = u.id
    on conflict (tenant_id, id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified)
  insert into assetledger.mt_doc_commandrecord (tenant_id, id, data, mt_dotnet_type, mt_version)
    select t, x.k, x.r, 'AssetLedger.Api.Infrastructure.CommandRecord', gen_random_uuid() from unnest(rec_ids, recs) as x(k, r);
end
$fn$;

create table public.shapes_raw (id uuid primary key, data jsonb not null);
