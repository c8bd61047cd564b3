package kv

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SchemaVersion is the version of the database layout below, stored in
// PRAGMA user_version. A later Worky that changes the layout appends a
// migration to migrations and raises it; an older Worky refuses a database
// whose version is newer than the one it knows.
const SchemaVersion = 1

// schema is version 1 of the database layout. It is stable: tools outside
// Worky may read it, and later versions only add to it through migrations.
//
//	namespace   the namespace name (TEXT, compared bytewise).
//	key         the key's UTF-8 bytes as a BLOB, so that keys compare and
//	            sort bytewise (memcmp), whatever bytes they hold.
//	expiration  Unix time in seconds after which the key is absent;
//	            0 means the key never expires. A row whose expiration is not
//	            after now is invisible to every read, whether or not the
//	            background sweep has deleted it yet.
//	metadata    the key's metadata as JSON text (a BLOB), NULL for none.
//	value       the value's bytes. It is the last column on purpose: SQLite
//	            reads a row's columns in order, so list (which needs every
//	            column but value) never walks a large value's overflow pages.
//
// The table is WITHOUT ROWID, clustered on (namespace, key): a get is one
// B-tree search and a list is a range scan in key order. kv_expiration is a
// partial index over the keys that expire, which the sweep walks oldest
// first.
const schema = `
CREATE TABLE kv (
	namespace  TEXT    NOT NULL,
	key        BLOB    NOT NULL,
	expiration INTEGER NOT NULL DEFAULT 0,
	metadata   BLOB,
	value      BLOB    NOT NULL,
	PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX kv_expiration ON kv (expiration) WHERE expiration > 0;
`

// migrations[v] moves a database from schema version v to v+1; version 0 is
// an empty file.
var migrations = []string{schema}

// SQLiteOptions tune an SQLite store. The zero value is the default.
type SQLiteOptions struct {
	// SweepInterval is how often expired keys are deleted from the file.
	// 0 means one minute; a negative value turns the background sweep off
	// (expired keys stay invisible either way).
	SweepInterval time.Duration
	// ReadConns is the number of read connections; 0 means
	// 2 × GOMAXPROCS, at least 4.
	ReadConns int
	// BusyTimeout is how long a connection waits for a lock another
	// process holds (the `worky kv` command writing the same file while
	// Caddy runs). 0 means 5 seconds.
	BusyTimeout time.Duration
	// RelaxedSync commits with PRAGMA synchronous=NORMAL instead of FULL:
	// commits no longer wait for fsync. Acknowledged writes still survive
	// a crash or kill -9 of the process (the WAL is already in the
	// kernel's page cache), but not an OS crash or power loss.
	RelaxedSync bool
	// Now is the clock expiration is judged by; nil means time.Now. Tests
	// set it to move time without sleeping.
	Now func() time.Time
}

// SQLite is the single-node Store: one SQLite database in WAL mode. Reads
// go through a pool of read-only connections; every write goes through one
// writer goroutine that groups the writes waiting at that moment into one
// transaction (group commit), so many concurrent puts cost one fsync.
//
// With the default synchronous=FULL every acknowledged write is on disk:
// it survives a kill -9 of the process and a power loss. (In WAL mode
// synchronous=NORMAL would be enough for the first, see
// SQLiteOptions.RelaxedSync; FULL is the default because Put promises
// durability, and group commit is what keeps it affordable.)
type SQLite struct {
	path string
	now  func() time.Time

	wdb   *sql.DB // one connection, owned by the writer goroutine
	rdb   *sql.DB // read-only connections
	get   *sql.Stmt
	list  [2]*sql.Stmt // without and with an upper bound
	names *sql.Stmt

	commits   atomic.Int64 // transactions committed, for the benchmarks
	writes    chan *writeReq
	closing   chan struct{}
	closeOnce sync.Once
	done      sync.WaitGroup
}

// Batches are bounded so that one transaction cannot grow without limit
// while writes keep arriving.
const (
	maxBatchOps   = 1024
	maxBatchBytes = 32 << 20
	sweepBatch    = 1000
)

type writeKind int

const (
	opPut writeKind = iota
	opDelete
	opSweep
)

// writeReq is one write waiting for the writer goroutine.
type writeReq struct {
	kind  writeKind
	ns    string
	key   []byte
	entry Entry
	now   int64 // for opSweep

	err  error
	n    int64 // rows a sweep deleted
	done chan struct{}
}

func (r *writeReq) size() int {
	return len(r.ns) + len(r.key) + len(r.entry.Value) + len(r.entry.Metadata)
}

// OpenSQLite opens (creating it if needed) the KV database at path. The
// directory must exist and be writable: SQLite keeps the -wal and -shm
// files beside the database.
func OpenSQLite(path string, opts SQLiteOptions) (*SQLite, error) {
	if path == "" {
		return nil, errors.New("opening KV database: no path given")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("opening KV database %s: the path must not contain '?' or '#'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		fi, err := os.Stat(dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("opening KV database %s: directory %s does not exist", path, dir)
		case err != nil:
			return nil, fmt.Errorf("opening KV database %s: %w", path, err)
		case !fi.IsDir():
			return nil, fmt.Errorf("opening KV database %s: %s is not a directory", path, dir)
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("opening KV database %s: it is a directory", path)
	}
	// Open the file the way SQLite will, so that a permission problem
	// reads as the operating system states it.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening KV database: %w", err)
	}
	f.Close()

	if opts.SweepInterval == 0 {
		opts.SweepInterval = time.Minute
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	syncMode := "FULL"
	if opts.RelaxedSync {
		syncMode = "NORMAL"
	}
	busy := fmt.Sprintf("_pragma=busy_timeout(%d)", opts.BusyTimeout.Milliseconds())

	s := &SQLite{
		path:    path,
		now:     opts.Now,
		writes:  make(chan *writeReq),
		closing: make(chan struct{}),
	}
	fail := func(err error) (*SQLite, error) {
		if s.wdb != nil {
			s.wdb.Close()
		}
		if s.rdb != nil {
			s.rdb.Close()
		}
		return nil, openError(path, err)
	}

	s.wdb, err = sql.Open("sqlite", path+"?"+busy+"&_pragma=journal_mode(WAL)&_pragma=synchronous("+syncMode+")")
	if err != nil {
		return fail(err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	if err := s.migrate(); err != nil {
		return fail(err)
	}

	s.rdb, err = sql.Open("sqlite", path+"?"+busy+"&_pragma=query_only(1)")
	if err != nil {
		return fail(err)
	}
	s.rdb.SetMaxOpenConns(opts.ReadConns)
	s.rdb.SetMaxIdleConns(opts.ReadConns)
	s.rdb.SetConnMaxLifetime(0)
	s.rdb.SetConnMaxIdleTime(0)
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&s.get, `SELECT value, metadata, expiration FROM kv
			WHERE namespace = ? AND key = ? AND (expiration = 0 OR expiration > ?)`},
		{&s.list[0], `SELECT key, expiration, metadata FROM kv
			WHERE namespace = ? AND key >= ? AND (expiration = 0 OR expiration > ?)
			ORDER BY key LIMIT ?`},
		{&s.list[1], `SELECT key, expiration, metadata FROM kv
			WHERE namespace = ? AND key >= ? AND key < ? AND (expiration = 0 OR expiration > ?)
			ORDER BY key LIMIT ?`},
		// Each step seeks to the next namespace that has a live key, so
		// the cost grows with the number of namespaces, not of keys.
		{&s.names, `WITH RECURSIVE ns(name) AS (
				SELECT (SELECT namespace FROM kv WHERE expiration = 0 OR expiration > ?1
					ORDER BY namespace LIMIT 1)
				UNION ALL
				SELECT (SELECT namespace FROM kv WHERE namespace > ns.name
					AND (expiration = 0 OR expiration > ?1) ORDER BY namespace LIMIT 1)
				FROM ns WHERE ns.name IS NOT NULL
			)
			SELECT name FROM ns WHERE name IS NOT NULL`},
	} {
		if *p.stmt, err = s.rdb.Prepare(p.sql); err != nil {
			return fail(err)
		}
	}

	wconn, err := s.wdb.Conn(context.Background())
	if err != nil {
		return fail(err)
	}
	w, err := newWriter(wconn)
	if err != nil {
		wconn.Close()
		return fail(err)
	}
	w.commits = &s.commits
	s.done.Add(1)
	go s.writeLoop(w)
	if opts.SweepInterval > 0 {
		s.done.Add(1)
		go s.sweepLoop(opts.SweepInterval)
	}
	return s, nil
}

// openError names the database and says in words what SQLite's codes mean.
func openError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("opening KV database %s: the file is not an SQLite database", path)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
			return fmt.Errorf("opening KV database %s (the file and its directory must be writable, for the -wal and -shm files): %w", path, err)
		}
	}
	return fmt.Errorf("opening KV database %s: %w", path, err)
}

// migrate brings the database to SchemaVersion, and checks that it is in
// WAL mode.
func (s *SQLite) migrate() error {
	ctx := context.Background()
	c, err := s.wdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	var mode string
	if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("the database is in journal mode %q, not WAL (is the file system one that supports WAL?)", mode)
	}
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	err = func() error {
		var v int
		if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("schema version %d is newer than this Worky knows (%d); use a newer Worky", v, SchemaVersion)
		}
		for ; v < SchemaVersion; v++ {
			if _, err := c.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrating the schema from version %d to %d: %w", v, v+1, err)
			}
		}
		_, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion))
		return err
	}()
	if err != nil {
		c.ExecContext(ctx, "ROLLBACK")
		return err
	}
	_, err = c.ExecContext(ctx, "COMMIT")
	return err
}

// Path returns the database file's path.
func (s *SQLite) Path() string { return s.path }

func (s *SQLite) unix() int64 { return s.now().Unix() }

func checkNamespace(ns string) error {
	if ns == "" {
		return invalid("namespace must not be empty")
	}
	return nil
}

// Get implements Store. Its CacheStatus is always "MISS": it has no cache.
func (s *SQLite) Get(ctx context.Context, ns, key string, _ GetOptions) (*Entry, CacheStatus, error) {
	if err := checkNamespace(ns); err != nil {
		return nil, CacheMiss, err
	}
	if err := ValidateKey(key); err != nil {
		return nil, CacheMiss, err
	}
	var e Entry
	err := s.get.QueryRowContext(ctx, ns, []byte(key), s.unix()).Scan(&e.Value, &e.Metadata, &e.Expiration)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, CacheMiss, nil
	}
	if err != nil {
		return nil, CacheMiss, fmt.Errorf("reading KV key %q of namespace %q: %w", key, ns, err)
	}
	if e.Value == nil {
		e.Value = []byte{}
	}
	if len(e.Metadata) == 0 {
		e.Metadata = nil
	}
	return &e, CacheMiss, nil
}

// checkEntry holds back what must never reach the file, whatever the
// caller checked already. The 60-second minimum of an expiration is the
// API's rule (ValidateEntry): checking it again here, a moment later, could
// refuse a write its caller had just accepted.
func checkEntry(e Entry) error {
	if err := ValidateEntry(Entry{Value: e.Value, Metadata: e.Metadata}, 0); err != nil {
		return err
	}
	if len(e.Metadata) > 0 && !json.Valid(e.Metadata) {
		return invalid("metadata is not valid JSON")
	}
	if e.Expiration < 0 {
		return invalid("expiration %d is negative", e.Expiration)
	}
	return nil
}

// Put implements Store. It returns once the write is committed: a write
// handed to the writer is always waited for, even if ctx ends meanwhile,
// so that a nil error always means the value is stored and an error
// almost always means it is not.
func (s *SQLite) Put(ctx context.Context, ns, key string, e Entry) error {
	if err := checkNamespace(ns); err != nil {
		return err
	}
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := checkEntry(e); err != nil {
		return err
	}
	if e.Value == nil {
		e.Value = []byte{} // nil would bind as NULL
	}
	if len(e.Metadata) == 0 {
		e.Metadata = nil
	}
	r := &writeReq{kind: opPut, ns: ns, key: []byte(key), entry: e}
	if err := s.submit(ctx, r); err != nil {
		return err
	}
	if r.err != nil {
		return fmt.Errorf("writing KV key %q of namespace %q: %w", key, ns, r.err)
	}
	return nil
}

// Delete implements Store, with Put's promise about ctx.
func (s *SQLite) Delete(ctx context.Context, ns, key string) error {
	if err := checkNamespace(ns); err != nil {
		return err
	}
	if err := ValidateKey(key); err != nil {
		return err
	}
	r := &writeReq{kind: opDelete, ns: ns, key: []byte(key)}
	if err := s.submit(ctx, r); err != nil {
		return err
	}
	if r.err != nil {
		return fmt.Errorf("deleting KV key %q of namespace %q: %w", key, ns, r.err)
	}
	return nil
}

var errClosed = errors.New("the KV store is closed")

// submit hands r to the writer and waits until it is applied.
func (s *SQLite) submit(ctx context.Context, r *writeReq) error {
	if err := ctx.Err(); err != nil {
		return err // select below would pick at random between ready cases
	}
	r.done = make(chan struct{})
	select {
	case s.writes <- r:
	case <-s.closing:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	<-r.done
	return nil
}

// sweep deletes up to sweepBatch expired keys and says how many it
// deleted.
func (s *SQLite) sweep() (int64, error) {
	r := &writeReq{kind: opSweep, now: s.unix()}
	if err := s.submit(context.Background(), r); err != nil {
		return 0, err
	}
	return r.n, r.err
}

func (s *SQLite) sweepLoop(every time.Duration) {
	defer s.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-t.C:
		}
		// Batches go through the writer one at a time, so a large
		// backlog of expired keys never holds up writes for long.
		for {
			n, err := s.sweep()
			if err != nil || n < sweepBatch {
				break
			}
		}
	}
}

// writer is the writer goroutine's connection and statements.
type writer struct {
	conn                *sql.Conn
	put, del, sweep     *sql.Stmt
	begin, commit, roll *sql.Stmt
	commits             *atomic.Int64
}

func newWriter(c *sql.Conn) (*writer, error) {
	w := &writer{conn: c}
	ctx := context.Background()
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.put, `INSERT INTO kv (namespace, key, expiration, metadata, value) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (namespace, key) DO UPDATE SET
				expiration = excluded.expiration, metadata = excluded.metadata, value = excluded.value`},
		{&w.del, `DELETE FROM kv WHERE namespace = ? AND key = ?`},
		// Oldest first, through kv_expiration.
		{&w.sweep, `DELETE FROM kv WHERE (namespace, key) IN (
				SELECT namespace, key FROM kv WHERE expiration > 0 AND expiration <= ?
				ORDER BY expiration LIMIT ?)`},
		{&w.begin, `BEGIN IMMEDIATE`},
		{&w.commit, `COMMIT`},
		{&w.roll, `ROLLBACK`},
	} {
		var err error
		if *p.stmt, err = c.PrepareContext(ctx, p.sql); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.put, w.del, w.sweep, w.begin, w.commit, w.roll} {
		st.Close()
	}
	w.conn.Close()
}

// writeLoop is the writer goroutine: it takes one write, then every write
// already waiting (up to the batch bounds), applies them in one
// transaction, and acknowledges each. Senders block on the unbuffered
// channel while a commit runs, so the next batch holds all of them.
func (s *SQLite) writeLoop(w *writer) {
	defer s.done.Done()
	defer w.close()
	var batch []*writeReq
	for {
		select {
		case r := <-s.writes:
			batch = append(batch[:0], r)
		case <-s.closing:
			return
		}
		size := batch[0].size()
		// The writers the last commit released are runnable but may not
		// have run yet (few cores): let them queue their next write, so
		// that it joins this batch rather than making its own.
		runtime.Gosched()
	more:
		for len(batch) < maxBatchOps && size < maxBatchBytes {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
				size += r.size()
			default:
				break more
			}
		}
		w.apply(batch)
		for i, r := range batch {
			close(r.done)
			batch[i] = nil
		}
	}
}

// apply runs batch in one transaction and sets each request's result. If
// a statement fails, SQLite may have rolled the whole transaction back
// (SQLITE_FULL, I/O errors), so the batch is rolled back and each write is
// retried alone, to give each its own true result.
func (w *writer) apply(batch []*writeReq) {
	ctx := context.Background()
	if len(batch) > 1 {
		if err := w.tx(ctx, batch); err == nil {
			return
		}
	}
	for _, r := range batch {
		if err := w.tx(ctx, []*writeReq{r}); err != nil && r.err == nil {
			r.err = err
		}
	}
}

// tx applies batch in one transaction. On failure it rolls back and returns
// the error; each request's err is then set only if it was its own.
func (w *writer) tx(ctx context.Context, batch []*writeReq) error {
	for _, r := range batch {
		r.err, r.n = nil, 0
	}
	if _, err := w.begin.ExecContext(ctx); err != nil {
		return err
	}
	for _, r := range batch {
		var res sql.Result
		switch r.kind {
		case opPut:
			res, r.err = w.put.ExecContext(ctx, r.ns, r.key, r.entry.Expiration, r.entry.Metadata, r.entry.Value)
		case opDelete:
			res, r.err = w.del.ExecContext(ctx, r.ns, r.key)
		case opSweep:
			res, r.err = w.sweep.ExecContext(ctx, r.now, sweepBatch)
			if r.err == nil {
				r.n, _ = res.RowsAffected()
			}
		}
		if r.err != nil {
			w.roll.ExecContext(ctx)
			return r.err
		}
	}
	if _, err := w.commit.ExecContext(ctx); err != nil {
		w.roll.ExecContext(ctx)
		return err
	}
	w.commits.Add(1)
	return nil
}

// List implements Store. The cursor is the base64url text of the last key
// returned; the next page starts after it.
func (s *SQLite) List(ctx context.Context, ns string, opts ListOptions) (ListResult, error) {
	if err := checkNamespace(ns); err != nil {
		return ListResult{}, err
	}
	limit := opts.Limit
	switch {
	case limit == 0:
		limit = MaxListLimit
	case limit < 0 || limit > MaxListLimit:
		return ListResult{}, invalid("list limit %d is not between 1 and %d", limit, MaxListLimit)
	}
	prefix := []byte(opts.Prefix)
	lower := prefix
	if opts.Cursor != "" {
		last, err := base64.RawURLEncoding.DecodeString(opts.Cursor)
		if err != nil || len(last) == 0 {
			return ListResult{}, invalid("list cursor %q is not one a list returned", opts.Cursor)
		}
		// The least key after last is last followed by a zero byte.
		if after := append(last, 0); string(after) > string(lower) {
			lower = after
		}
	}
	var (
		rows *sql.Rows
		err  error
	)
	now := s.unix()
	if upper, ok := prefixEnd(prefix); ok {
		rows, err = s.list[1].QueryContext(ctx, ns, lower, upper, now, limit+1)
	} else {
		rows, err = s.list[0].QueryContext(ctx, ns, lower, now, limit+1)
	}
	if err != nil {
		return ListResult{}, fmt.Errorf("listing KV namespace %q: %w", ns, err)
	}
	defer rows.Close()
	res := ListResult{Keys: make([]ListKey, 0, min(limit, 64))}
	for rows.Next() {
		if len(res.Keys) == limit {
			res.Cursor = base64.RawURLEncoding.EncodeToString([]byte(res.Keys[limit-1].Name))
			return res, nil
		}
		var (
			k  []byte
			lk ListKey
		)
		if err := rows.Scan(&k, &lk.Expiration, &lk.Metadata); err != nil {
			return ListResult{}, fmt.Errorf("listing KV namespace %q: %w", ns, err)
		}
		lk.Name = string(k)
		if len(lk.Metadata) == 0 {
			lk.Metadata = nil
		}
		res.Keys = append(res.Keys, lk)
	}
	if err := rows.Err(); err != nil {
		return ListResult{}, fmt.Errorf("listing KV namespace %q: %w", ns, err)
	}
	res.Complete = true
	return res, nil
}

// prefixEnd returns the least byte string greater than every string that
// starts with prefix, or false if there is none (the prefix is empty or all
// 0xFF bytes): drop trailing 0xFF bytes, then add one to the last byte.
func prefixEnd(prefix []byte) ([]byte, bool) {
	end := append([]byte(nil), prefix...)
	for len(end) > 0 && end[len(end)-1] == 0xff {
		end = end[:len(end)-1]
	}
	if len(end) == 0 {
		return nil, false
	}
	end[len(end)-1]++
	return end, true
}

// Namespaces implements Store.
func (s *SQLite) Namespaces(ctx context.Context) ([]string, error) {
	rows, err := s.names.QueryContext(ctx, s.unix())
	if err != nil {
		return nil, fmt.Errorf("listing KV namespaces: %w", err)
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("listing KV namespaces: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing KV namespaces: %w", err)
	}
	return names, nil
}

// Close implements Store: it stops the sweep, lets the writer finish the
// batch it holds, and closes the database. Writes after Close fail.
func (s *SQLite) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closing)
		s.done.Wait()
		for _, st := range []*sql.Stmt{s.get, s.list[0], s.list[1], s.names} {
			st.Close()
		}
		err = errors.Join(s.rdb.Close(), s.wdb.Close())
	})
	return err
}

var _ Store = (*SQLite)(nil)
