-- The same group of three as one statement with no function: the one-call shape's data-modifying CTE
-- sent as a prepared statement of its own, the status cache's guard a CTE of it, BEGIN and COMMIT
-- pipelined with it. As in one-call.sql, versions are incremented rather than compared.
\set r random(0, 497)
\set a :client_id * 500 + :r
\set b :a + 1
\set c :a + 2
\startpipeline
begin;
with g as (select assetledger.al_guard_write(4294971430) as ok), x as (select * from unnest(array[assetledger.shapes_uuid(:a), assetledger.shapes_uuid(:b), assetledger.shapes_uuid(:c)], array[:ev::jsonb, :ev::jsonb, :ev::jsonb], array[:hd::jsonb, :hd::jsonb, :hd::jsonb], array[:doc::jsonb, :doc::jsonb, :doc::jsonb], array[gen_random_uuid()::text, gen_random_uuid()::text, gen_random_uuid()::text], array[:rec::jsonb, :rec::jsonb, :rec::jsonb]) as x(id, d, h, doc, k, r)), u as (update assetledger.mt_streams s set version = s.version + 1 from x where s.tenant_id = 'NL' and s.id = x.id and (select ok from g) returning s.id, s.version), ev as (insert into assetledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, user_name) select nextval('assetledger.mt_events_sequence'), gen_random_uuid(), u.id, u.version, x.d, 'asset_valued', now(), 'NL', 'AssetLedger.Assets.AssetValued, AssetLedger.Core', :corr, :caus, x.h, 'bench-investigator' from u join x on x.id = u.id), doc as (insert into assetledger.mt_doc_asset (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified) select 'NL', u.id, x.doc, u.version, 'AssetLedger.Assets.Asset', transaction_timestamp() from u join x on x.id = u.id on conflict (tenant_id, id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified) insert into assetledger.mt_doc_commandrecord (tenant_id, id, data, mt_dotnet_type, mt_version) select 'NL', x.k, x.r, 'AssetLedger.Api.Infrastructure.CommandRecord', gen_random_uuid() from x join u on u.id = x.id;
commit;
\endpipeline
