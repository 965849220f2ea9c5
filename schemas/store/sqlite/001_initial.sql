-- Passerelle record store, SQLite dialect, migration 001.
-- Times are UTC ISO-8601 text with milliseconds (sortable); booleans are 0/1 integers.
-- Keep in step with ../postgres/001_initial.sql (same tables, columns and indexes).

CREATE TABLE id_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO id_counters (name, value) VALUES ('patient', 0), ('identity', 0), ('review', 0);

-- Canonical patients. A merged patient keeps its row with merged_into set (history stays readable).
CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    merged_into TEXT REFERENCES patients (id)
);
CREATE INDEX patients_merged_into ON patients (merged_into);

-- One row per source identity; the full IdentityRecord as JSON plus indexed columns.
CREATE TABLE identity_records (
    id TEXT PRIMARY KEY,
    natural_key TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    source TEXT,
    local_authority TEXT,
    local_value TEXT,
    ins TEXT,
    ins_oid TEXT,
    ins_valid INTEGER NOT NULL,
    status TEXT,
    birth_name_key TEXT,
    used_name_key TEXT,
    given_name_key TEXT,
    birth_date TEXT,
    sex TEXT,
    record_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX identity_records_patient ON identity_records (patient_id);
CREATE INDEX identity_records_local ON identity_records (local_value, local_authority);
CREATE INDEX identity_records_ins ON identity_records (ins);
CREATE INDEX identity_records_birth_name ON identity_records (birth_name_key, birth_date);
CREATE INDEX identity_records_used_name ON identity_records (used_name_key, birth_date);
CREATE INDEX identity_records_birth_date ON identity_records (birth_date);

-- Candidate retrieval: the identity engine's blocking keys (contain traits: never logged).
CREATE TABLE blocking_keys (
    key TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identity_records (id),
    PRIMARY KEY (key, identity_id)
) WITHOUT ROWID;
CREATE INDEX blocking_keys_identity ON blocking_keys (identity_id);

-- Record pairs that may never be linked automatically (review rejected, unmerge).
CREATE TABLE cannot_link (
    record_a TEXT NOT NULL,
    record_b TEXT NOT NULL,
    PRIMARY KEY (record_a, record_b)
) WITHOUT ROWID;
CREATE INDEX cannot_link_b ON cannot_link (record_b);

-- Append-only link history: one PasserelleIdentity.IndexChange per row (JSON) + who/when/why.
CREATE TABLE link_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    patient_id TEXT,
    other_patient_id TEXT,
    identity_id TEXT,
    review_id TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    score REAL,
    change_json TEXT NOT NULL
);
CREATE INDEX link_events_patient ON link_events (patient_id);
CREATE INDEX link_events_other_patient ON link_events (other_patient_id);
CREATE INDEX link_events_identity ON link_events (identity_id);

-- Review queue.
CREATE TABLE review_items (
    id TEXT PRIMARY KEY,
    identity_id TEXT NOT NULL REFERENCES identity_records (id),
    candidate_patient TEXT NOT NULL,
    candidate_identity TEXT NOT NULL,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    explanation_json TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT
);
CREATE INDEX review_items_state ON review_items (state, id);
CREATE INDEX review_items_identity ON review_items (identity_id);
CREATE INDEX review_items_candidate ON review_items (candidate_patient);

-- Documents: metadata columns, the model as JSON; original bytes and attachments apart.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_key TEXT NOT NULL UNIQUE,
    doc_root TEXT,
    doc_extension TEXT,
    set_key TEXT,
    version_number INTEGER,
    type_code TEXT,
    type_system TEXT,
    title TEXT,
    creation_time TEXT,
    patient_id TEXT REFERENCES patients (id),
    identity_id TEXT REFERENCES identity_records (id),
    source_name TEXT NOT NULL,
    format TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL,
    superseded_by INTEGER REFERENCES documents (id),
    model_json TEXT NOT NULL
);
CREATE INDEX documents_set ON documents (set_key, status);
CREATE INDEX documents_patient ON documents (patient_id, creation_time);
CREATE INDEX documents_identity ON documents (identity_id);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_type ON documents (type_code);

CREATE TABLE document_originals (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    bytes BLOB NOT NULL
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    ordinal INTEGER NOT NULL,
    media_type TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL
);
CREATE UNIQUE INDEX attachments_document ON attachments (document_id, ordinal);

-- Quarantine: inputs that could not be read or validated, with their reasons.
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    reason TEXT NOT NULL,
    diagnostics_json TEXT NOT NULL,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL,
    document_id INTEGER REFERENCES documents (id),
    updated_at TEXT NOT NULL
);
CREATE INDEX quarantine_state ON quarantine (state, id);
CREATE INDEX quarantine_sha256 ON quarantine (sha256);

-- Audit log: append-only.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- Ingest journal for resumable batches.
CREATE TABLE ingest_journal (
    run_id TEXT NOT NULL,
    source_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    outcome TEXT NOT NULL,
    document_id INTEGER,
    quarantine_id INTEGER,
    detail TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (run_id, source_key)
);
