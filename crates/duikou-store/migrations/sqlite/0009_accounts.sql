-- Accounts that hold (issue #21): failed logins kept per account and client address, so every app server refuses
-- the same guessing; API tokens that expire. Times of failures are Unix milliseconds, compared as numbers.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    address TEXT,
    at_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_username_idx ON login_failures (username, at_ms);
CREATE INDEX login_failures_address_idx ON login_failures (address, at_ms);
CREATE INDEX login_failures_at_idx ON login_failures (at_ms);

-- Tokens issued before expiry existed get the default 90 days from now; a NULL expiry is refused.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+90 days');
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);
