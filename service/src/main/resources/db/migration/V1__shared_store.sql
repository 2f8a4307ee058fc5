-- The shared store (tagger.store.mode=shared): what every replica must agree on. Bulky bytes (dataset
-- examples, model bundles) live in the object store; rows here name them by key and content digest.

-- Training jobs and the queue. `job` is the job as the file store writes it (StoredJob), so both stores keep
-- one schema; the columns beside it are what the queue needs to query and lock.
CREATE TABLE train_jobs (
    id          text PRIMARY KEY,
    seq         bigserial NOT NULL,            -- submission order: the queue is FIFO
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    job         jsonb NOT NULL,
    examples    text,                          -- inline examples as JSON lines; dropped at a final state
    attempts    integer NOT NULL DEFAULT 0,    -- claims so far; also the fencing token of the current lease
    owner       text,                          -- the replica holding the lease
    lease_until timestamptz,
    rev         bigint NOT NULL DEFAULT 0,     -- bumped by every write: event streams read what changed
    CONSTRAINT train_jobs_status CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'))
);
CREATE INDEX train_jobs_queued ON train_jobs (seq) WHERE status = 'QUEUED';
CREATE INDEX train_jobs_running ON train_jobs (lease_until) WHERE status = 'RUNNING';
CREATE INDEX train_jobs_newest ON train_jobs (created_at DESC, id);

CREATE TABLE datasets (
    id          text PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    info        jsonb NOT NULL,
    object_key  text NOT NULL,
    digest      text NOT NULL
);

CREATE TABLE models (
    id          text PRIMARY KEY,
    version     text NOT NULL,
    files       jsonb NOT NULL,                -- relative path -> size in bytes, under models/<id>/<version>/
    bytes       bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row: the version every API replica serves.
CREATE TABLE served_model (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    id          text NOT NULL,
    version     text,
    deployed_at timestamptz NOT NULL
);

-- Each replica's heartbeat and what it serves, for GET /replicas.
CREATE TABLE replicas (
    id            text PRIMARY KEY,
    roles         text NOT NULL,
    model_id      text,
    model_version text,
    serving_since timestamptz,
    started_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL
);
