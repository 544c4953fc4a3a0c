/** The tool's help text (`execution-history --help`). */
export const USAGE = `usage:
  execution-history import DIR          load a records directory into PostgreSQL (idempotent)
  execution-history export --files DIR  write every record as DIR/<execution_id>.json
  execution-history export --bundle DIR [FILTERS] [--limit N] [--offset N] [--omit-text]
                 [--media] [--items-xlsx]
                                        write the research bundle of the matching runs
                                        (--media: each output's file from MEDIA_DIR too;
                                        --items-xlsx: items.xlsx besides runs.xlsx)
                                        (STUDY_KEY=… replaces user and session ids by pseudonyms)
  execution-history export --qdpx FILE [FILTERS] [--limit N] [--offset N]
                                        write a REFI-QDA project (.qdpx) of the matching runs
                                        for MAXQDA, ATLAS.ti, NVivo (images from MEDIA_DIR)
  execution-history erase (--user-id U | --session-id S) [--dry-run] [--yes]
                                        erase every record and medium of a child or a session;
                                        --dry-run lists them and erases nothing; on a terminal
                                        it asks first unless --yes

FILTERS, with the meaning of the HTTP list's query (GET /api/executions?status=…):
  --config C  --status completed|blocked|failed|incomplete  --safety-level L
  --user-id U  --session-id S  --user-id-prefix P  --session-id-prefix P
  --study-id S  --condition C
  --q WORDS              search the prompt, translation and final prompt (ranked)
  --ids ID,ID,…          only these runs (1–100 execution ids): a selection
  --since T  --until T   a date (2026-12-02) or an ISO 8601 date-time (2026-12-02T14:30);
                         both inclusive, a date alone is the whole day in local time
  --date D               one local calendar day

DATABASE_URL=postgres://user:password@host:port/database selects the database; without it the
file store in EXECUTIONS_DIR is used (stop the server first: one process owns a directory).
Exit codes: 0 done; 1 failed or erase not confirmed; 2 bad command line or configuration
(one line says what). export --bundle: 1 some records unreadable, 2 nothing usable written.
`;

/** The hint that ends a one-line usage error. */
export const SEE_HELP = 'see execution-history --help';
