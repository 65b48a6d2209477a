/// One numbered schema step. Its statements run in one transaction together with the row that
/// records it in `schema_migrations`, so a step is either fully applied or not at all.
struct SQLiteMigration: Sendable {
    let version: Int
    let name: String
    /// One statement each: a connection runs one statement per call and refuses a second.
    let statements: [String]
}

/// The schema, in order. Never edit a released step; append a new one.
enum SQLiteMigrations {
    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at REAL NOT NULL
        )
        """

    static let all: [SQLiteMigration] = [
        SQLiteMigration(version: 1, name: "prompts", statements: [
            """
            CREATE TABLE prompts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                task_type TEXT NOT NULL,
                version INTEGER NOT NULL,
                text TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN
                    ('candidate', 'canary', 'active', 'retired', 'rejected', 'rolled_back')),
                parent_id INTEGER REFERENCES prompts(id),
                author TEXT NOT NULL,
                reason TEXT,
                evidence TEXT NOT NULL DEFAULT '[]',
                created_at REAL NOT NULL,
                UNIQUE (task_type, version)
            )
            """,
            // The database itself guarantees the invariants the roles rely on, whatever a bug does.
            "CREATE UNIQUE INDEX prompts_one_active ON prompts(task_type) WHERE status = 'active'",
            "CREATE UNIQUE INDEX prompts_one_canary ON prompts(task_type) WHERE status = 'canary'",
            // The worker's per-request lookup binds the status as a parameter, which the partial
            // indexes above cannot serve.
            "CREATE INDEX prompts_task_type_status ON prompts(task_type, status)",
            """
            CREATE TABLE prompt_status_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                prompt_id INTEGER NOT NULL REFERENCES prompts(id),
                status TEXT NOT NULL,
                reason TEXT,
                at REAL NOT NULL
            )
            """,
            "CREATE INDEX prompt_status_history_prompt ON prompt_status_history(prompt_id, id)",
            "CREATE INDEX prompt_status_history_status ON prompt_status_history(status, id)",
        ]),
        SQLiteMigration(version: 2, name: "execution_logs", statements: [
            // prompt_id has no foreign key on purpose: a log records what happened and must be
            // written even if it names a prompt this database does not hold.
            """
            CREATE TABLE execution_logs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                request_id TEXT NOT NULL,
                idempotency_key TEXT,
                task_type TEXT NOT NULL,
                user_input TEXT NOT NULL,
                language TEXT,
                status TEXT NOT NULL,
                error TEXT,
                output TEXT,
                code TEXT,
                prompt_id INTEGER,
                prompt_version INTEGER,
                rule_score REAL,
                judge_score REAL,
                final_score REAL,
                passed INTEGER NOT NULL,
                evaluation_json TEXT,
                response_json TEXT,
                rules_version TEXT,
                latency_total_ms REAL NOT NULL,
                latency_worker_ms REAL,
                latency_evaluator_ms REAL,
                llm_provider TEXT,
                llm_model TEXT,
                tokens_input INTEGER,
                tokens_output INTEGER,
                created_at REAL NOT NULL
            )
            """,
            """
            CREATE UNIQUE INDEX execution_logs_idempotency_key ON execution_logs(idempotency_key)
                WHERE idempotency_key IS NOT NULL
            """,
            "CREATE INDEX execution_logs_created_at ON execution_logs(created_at)",
            "CREATE INDEX execution_logs_task_type_created_at ON execution_logs(task_type, created_at)",
            "CREATE INDEX execution_logs_passed_created_at ON execution_logs(passed, created_at)",
            "CREATE INDEX execution_logs_prompt_id ON execution_logs(prompt_id)",
        ]),
        SQLiteMigration(version: 3, name: "optimizer_runs", statements: [
            """
            CREATE TABLE optimizer_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                task_type TEXT NOT NULL,
                decision TEXT NOT NULL,
                trigger TEXT,
                prompt_id INTEGER,
                candidate_id INTEGER,
                evidence TEXT NOT NULL DEFAULT '[]',
                details TEXT,
                created_at REAL NOT NULL
            )
            """,
            "CREATE INDEX optimizer_runs_created_at ON optimizer_runs(created_at)",
            "CREATE INDEX optimizer_runs_task_type_created_at ON optimizer_runs(task_type, created_at)",
        ]),
        SQLiteMigration(version: 4, name: "optimizer_leases", statements: [
            """
            CREATE TABLE optimizer_leases (
                task_type TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                acquired_at REAL NOT NULL,
                expires_at REAL NOT NULL
            )
            """,
        ]),
        SQLiteMigration(version: 5, name: "stats_indexes", statements: [
            // Every column the stats queries read, so they run on the index alone and never touch
            // the wide rows (outputs, code, JSON) as execution_logs grows to millions.
            """
            CREATE INDEX execution_logs_stats ON execution_logs(
                created_at, task_type, status, passed, prompt_id, prompt_version,
                rule_score, judge_score, final_score, latency_total_ms
            )
            """,
            // recentFailures walks this backwards and stops after `limit` rows, however rare
            // failures are. The query repeats this WHERE term verbatim so SQLite can use it.
            "CREATE INDEX execution_logs_failures ON execution_logs(created_at) WHERE status <> 'ok' OR passed = 0",
        ]),
        // Idempotency keys are stored scoped to the credential that sent them; the request they
        // were first used with is remembered by digest, so a reuse with another body is refused.
        SQLiteMigration(version: 6, name: "idempotency_fingerprint", statements: [
            "ALTER TABLE execution_logs ADD COLUMN request_fingerprint TEXT",
        ]),
        // Every index is written with every row (a page, so a WAL frame, per index per row).
        // No query reads these two: the stats queries run on execution_logs_stats, failures on
        // execution_logs_failures, and nothing looks rows up by prompt or by verdict alone.
        SQLiteMigration(version: 7, name: "drop_unread_log_indexes", statements: [
            "DROP INDEX IF EXISTS execution_logs_passed_created_at",
            "DROP INDEX IF EXISTS execution_logs_prompt_id",
        ]),
        // execution_logs_stats leads with created_at, so it serves every read by time that this
        // one served (the newest rows since a time: ties on created_at are put in id order by a
        // sort of just those), and each row wrote one index page fewer.
        SQLiteMigration(version: 8, name: "drop_created_at_index", statements: [
            "DROP INDEX IF EXISTS execution_logs_created_at",
        ]),
    ]
}
