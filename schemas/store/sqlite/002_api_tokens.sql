-- API tokens of the HTTP service (`passerelle tokens create|list|revoke`).
-- Only the SHA-256 of the secret is kept; a token is found by that hash. Revoked tokens stay
-- (with the time of revocation) so that audit entries naming them remain explained.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'review', 'admin')),
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT
);
