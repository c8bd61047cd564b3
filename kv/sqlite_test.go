package kv

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for SQLiteOptions.Now and Cached.now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_700_000_000, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *clock) Unix() int64 { return c.Now().Unix() }

// openTest opens a store in a fresh directory with the background sweep
// off (tests sweep by hand) and the clock clk.
func openTest(t testing.TB, clk *clock) *SQLite {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "kv.db"), clk)
}

func openAt(t testing.TB, path string, clk *clock) *SQLite {
	t.Helper()
	opts := SQLiteOptions{SweepInterval: -1}
	if clk != nil {
		opts.Now = clk.Now
	}
	s, err := OpenSQLite(path, opts)
	if err != nil {
		t.Fatalf("OpenSQLite(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawCount counts the rows of the kv table, expired or not, through a
// connection of its own.
func rawCount(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM kv").Scan(&n); err != nil {
		t.Fatalf("counting rows: %v", err)
	}
	return n
}

func entryString(e *Entry) string {
	if e == nil {
		return "<absent>"
	}
	return fmt.Sprintf("{value %q, metadata %q, expiration %d}", e.Value, e.Metadata, e.Expiration)
}

func sameEntry(a, b *Entry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return bytes.Equal(a.Value, b.Value) && bytes.Equal(a.Metadata, b.Metadata) && a.Expiration == b.Expiration
}

// step is one operation of a table-driven case, run in order.
type step struct {
	op      string // "put", "get", "delete", "advance"
	ns, key string
	entry   Entry         // for put
	advance time.Duration // for advance
	want    *Entry        // for get
}

func TestGetPutDelete(t *testing.T) {
	const t0 = 1_700_000_000
	e := func(v, md string, exp int64) *Entry {
		en := &Entry{Value: []byte(v), Expiration: exp}
		if md != "" {
			en.Metadata = []byte(md)
		}
		return en
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"absent key", []step{
			{op: "get", ns: "a", key: "nope", want: nil},
		}},
		{"put then get", []step{
			{op: "put", ns: "a", key: "k", entry: *e("v1", `{"n":1}`, 0)},
			{op: "get", ns: "a", key: "k", want: e("v1", `{"n":1}`, 0)},
		}},
		{"overwrite replaces value and metadata", []step{
			{op: "put", ns: "a", key: "k", entry: *e("v1", `{"n":1}`, t0+600)},
			{op: "put", ns: "a", key: "k", entry: *e("v2", "", 0)},
			{op: "get", ns: "a", key: "k", want: e("v2", "", 0)},
		}},
		{"delete", []step{
			{op: "put", ns: "a", key: "k", entry: *e("v1", "", 0)},
			{op: "delete", ns: "a", key: "k"},
			{op: "get", ns: "a", key: "k", want: nil},
		}},
		{"delete of an absent key", []step{
			{op: "delete", ns: "a", key: "never"},
			{op: "get", ns: "a", key: "never", want: nil},
		}},
		{"empty value", []step{
			{op: "put", ns: "a", key: "k", entry: Entry{}},
			{op: "get", ns: "a", key: "k", want: e("", "", 0)},
		}},
		{"namespaces are apart", []step{
			{op: "put", ns: "a", key: "k", entry: *e("in a", "", 0)},
			{op: "put", ns: "b", key: "k", entry: *e("in b", "", 0)},
			{op: "get", ns: "a", key: "k", want: e("in a", "", 0)},
			{op: "get", ns: "b", key: "k", want: e("in b", "", 0)},
			{op: "delete", ns: "a", key: "k"},
			{op: "get", ns: "a", key: "k", want: nil},
			{op: "get", ns: "b", key: "k", want: e("in b", "", 0)},
		}},
		{"keys with bytes 0x00 and 0xFF", []step{
			{op: "put", ns: "a", key: "\x00", entry: *e("zero", "", 0)},
			{op: "put", ns: "a", key: "\xff\xff", entry: *e("ffff", "", 0)},
			{op: "put", ns: "a", key: "a\x00b", entry: *e("a0b", "", 0)},
			{op: "get", ns: "a", key: "\x00", want: e("zero", "", 0)},
			{op: "get", ns: "a", key: "\xff\xff", want: e("ffff", "", 0)},
			{op: "get", ns: "a", key: "\xff", want: nil},
			{op: "get", ns: "a", key: "a\x00b", want: e("a0b", "", 0)},
			{op: "get", ns: "a", key: "a", want: nil},
		}},
		{"binary value", []step{
			{op: "put", ns: "a", key: "bin", entry: *e("\x00\x01\xfe\xff", "", 0)},
			{op: "get", ns: "a", key: "bin", want: e("\x00\x01\xfe\xff", "", 0)},
		}},
		{"largest key", []step{
			{op: "put", ns: "a", key: strings.Repeat("k", MaxKeySize), entry: *e("v", "", 0)},
			{op: "get", ns: "a", key: strings.Repeat("k", MaxKeySize), want: e("v", "", 0)},
		}},
		{"expiration: visible before, absent at once from the second it names", []step{
			{op: "put", ns: "a", key: "k", entry: *e("v", `"m"`, t0+120)},
			{op: "advance", advance: 119 * time.Second},
			{op: "get", ns: "a", key: "k", want: e("v", `"m"`, t0+120)},
			{op: "advance", advance: time.Second},
			{op: "get", ns: "a", key: "k", want: nil},
		}},
		{"an expired key put again is back", []step{
			{op: "put", ns: "a", key: "k", entry: *e("old", "", t0+60)},
			{op: "advance", advance: 61 * time.Second},
			{op: "get", ns: "a", key: "k", want: nil},
			{op: "put", ns: "a", key: "k", entry: *e("new", "", 0)},
			{op: "get", ns: "a", key: "k", want: e("new", "", 0)},
		}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			s := openTest(t, clk)
			for i, st := range tc.steps {
				switch st.op {
				case "put":
					if err := s.Put(ctx, st.ns, st.key, st.entry); err != nil {
						t.Fatalf("step %d: Put(%q, %q): %v", i, st.ns, st.key, err)
					}
				case "delete":
					if err := s.Delete(ctx, st.ns, st.key); err != nil {
						t.Fatalf("step %d: Delete(%q, %q): %v", i, st.ns, st.key, err)
					}
				case "advance":
					clk.Advance(st.advance)
				case "get":
					got, status, err := s.Get(ctx, st.ns, st.key, GetOptions{})
					if err != nil {
						t.Fatalf("step %d: Get(%q, %q): %v", i, st.ns, st.key, err)
					}
					if status != CacheMiss {
						t.Errorf("step %d: Get(%q, %q) status %q, want MISS", i, st.ns, st.key, status)
					}
					if !sameEntry(got, st.want) {
						t.Errorf("step %d: Get(%q, %q) = %s, want %s", i, st.ns, st.key, entryString(got), entryString(st.want))
					}
				default:
					t.Fatalf("step %d: unknown op %q", i, st.op)
				}
			}
		})
	}
}

func TestValidation(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, clk)
	cases := []struct {
		name string
		do   func() error
		want string // in the error message
	}{
		{"empty key", func() error { return s.Put(ctx, "a", "", Entry{}) }, "key must not be empty"},
		{"key .", func() error { return s.Put(ctx, "a", ".", Entry{}) }, `key must not be "."`},
		{"key ..", func() error { return s.Delete(ctx, "a", "..") }, `key must not be ".."`},
		{"long key", func() error { return s.Put(ctx, "a", strings.Repeat("x", MaxKeySize+1), Entry{}) }, "513 bytes long; the limit is 512"},
		{"long key on get", func() error {
			_, _, err := s.Get(ctx, "a", strings.Repeat("x", MaxKeySize+1), GetOptions{})
			return err
		}, "the limit is 512"},
		{"large value", func() error { return s.Put(ctx, "a", "k", Entry{Value: make([]byte, MaxValueSize+1)}) }, "the limit is 26214400"},
		{"large metadata", func() error {
			return s.Put(ctx, "a", "k", Entry{Value: []byte("v"), Metadata: []byte(`"` + strings.Repeat("m", MaxMetadataSize) + `"`)})
		}, "metadata is 1026 bytes"},
		{"metadata not JSON", func() error { return s.Put(ctx, "a", "k", Entry{Metadata: []byte("{nope")}) }, "not valid JSON"},
		{"negative expiration", func() error { return s.Put(ctx, "a", "k", Entry{Expiration: -5}) }, "expiration -5 is negative"},
		{"empty namespace", func() error { return s.Put(ctx, "", "k", Entry{}) }, "namespace must not be empty"},
		{"list limit too large", func() error {
			_, err := s.List(ctx, "a", ListOptions{Limit: MaxListLimit + 1})
			return err
		}, "list limit 1001 is not between 1 and 1000"},
		{"list limit negative", func() error {
			_, err := s.List(ctx, "a", ListOptions{Limit: -1})
			return err
		}, "list limit -1"},
		{"bad cursor", func() error {
			_, err := s.List(ctx, "a", ListOptions{Cursor: "!!!"})
			return err
		}, `list cursor "!!!"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want one wrapping ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
	if n := rawCount(t, s.Path()); n != 0 {
		t.Errorf("%d rows written by invalid calls, want 0", n)
	}
}

// listAll pages through ns with limit and returns every key and the
// number of pages.
func listAll(t *testing.T, s Store, ns, prefix string, limit int) ([]string, int) {
	t.Helper()
	var keys []string
	cursor := ""
	for pages := 1; ; pages++ {
		res, err := s.List(context.Background(), ns, ListOptions{Prefix: prefix, Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatalf("List(%q, prefix %q, limit %d, page %d): %v", ns, prefix, limit, pages, err)
		}
		want := limit
		if want == 0 {
			want = MaxListLimit
		}
		if len(res.Keys) > want {
			t.Fatalf("List(%q, prefix %q) page %d has %d keys, more than the limit %d", ns, prefix, pages, len(res.Keys), want)
		}
		for _, k := range res.Keys {
			keys = append(keys, k.Name)
		}
		if res.Complete {
			if res.Cursor != "" {
				t.Errorf("List(%q, prefix %q) page %d is complete but has cursor %q", ns, prefix, pages, res.Cursor)
			}
			return keys, pages
		}
		if len(res.Keys) != want {
			t.Fatalf("List(%q, prefix %q) page %d has %d keys and is not complete, want a full page of %d", ns, prefix, pages, len(res.Keys), want)
		}
		if res.Cursor == "" {
			t.Fatalf("List(%q, prefix %q) page %d is not complete but has no cursor", ns, prefix, pages)
		}
		cursor = res.Cursor
	}
}

func TestListPagination(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, clk)
	var all []string
	for i := range 2500 {
		k := fmt.Sprintf("%s/%05d", []string{"alpha", "beta", "gamma"}[i%3], i)
		all = append(all, k)
		if err := s.Put(ctx, "ns", k, Entry{Value: []byte("v" + k)}); err != nil {
			t.Fatal(err)
		}
	}
	// Other namespaces must not show.
	s.Put(ctx, "ns2", "alpha/x", Entry{Value: []byte("x")})
	s.Put(ctx, "n", "alpha/y", Entry{Value: []byte("y")})
	slices.Sort(all)
	filter := func(prefix string) []string {
		var out []string
		for _, k := range all {
			if strings.HasPrefix(k, prefix) {
				out = append(out, k)
			}
		}
		return out
	}
	cases := []struct {
		prefix string
		limit  int
	}{
		{"", 0}, {"", 1000}, {"", 500}, {"", 7}, {"alpha/", 0}, {"beta/", 300},
		{"gamma/0", 100}, {"gamma/02499", 1}, {"delta/", 10}, {"alpha", 833},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("prefix %q limit %d", tc.prefix, tc.limit), func(t *testing.T) {
			got, pages := listAll(t, s, "ns", tc.prefix, tc.limit)
			want := filter(tc.prefix)
			if !slices.Equal(got, want) {
				t.Fatalf("listed %d keys, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
			// The store reads one row past the limit, so a full last page
			// already says the list is complete.
			limit := tc.limit
			if limit == 0 {
				limit = MaxListLimit
			}
			wantPages := max(1, (len(want)+limit-1)/limit)
			if pages != wantPages {
				t.Errorf("took %d pages, want %d", pages, wantPages)
			}
		})
	}

	t.Run("expired keys are not listed", func(t *testing.T) {
		exp := clk.Unix() + 100
		for i := range 10 {
			s.Put(ctx, "exp", fmt.Sprintf("k%d", i), Entry{Value: []byte("v"), Expiration: exp, Metadata: []byte(`{"i":` + fmt.Sprint(i) + `}`)})
		}
		s.Put(ctx, "exp", "k5", Entry{Value: []byte("v")})
		res, err := s.List(ctx, "exp", ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Keys) != 10 || res.Keys[0].Expiration != exp || string(res.Keys[0].Metadata) != `{"i":0}` ||
			res.Keys[5].Expiration != 0 || res.Keys[5].Metadata != nil {
			t.Fatalf("list before expiry = %+v", res.Keys)
		}
		clk.Advance(100 * time.Second)
		res, err = s.List(ctx, "exp", ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Keys) != 1 || res.Keys[0].Name != "k5" || !res.Complete {
			t.Fatalf("list after expiry = %+v, want only k5", res)
		}
	})

	t.Run("a cursor outside the prefix", func(t *testing.T) {
		// A cursor from a list of "alpha/" used with prefix "beta/"
		// starts at the prefix: every key is both after the cursor and
		// in the prefix.
		res, err := s.List(ctx, "ns", ListOptions{Prefix: "alpha/", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		res2, err := s.List(ctx, "ns", ListOptions{Prefix: "beta/", Limit: 1, Cursor: res.Cursor})
		if err != nil {
			t.Fatal(err)
		}
		if len(res2.Keys) != 1 || res2.Keys[0].Name != filter("beta/")[0] {
			t.Fatalf("got %+v, want the first beta/ key", res2.Keys)
		}
	})
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestListBytewise(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, newClock())
	keys := []string{
		"\x00", "\x00\x00", "\x00\xff", "\x01", "a", "a\x00", "a\xff", "a\xff\x00", "a\xff\xff", "a\xff\xff\xff",
		"b", "b\x00", "\x7f", "\x80", "\xfe\xff", "\xff", "\xff\x00", "\xff\xff", "\xff\xff\xff", "é", "z",
	}
	for _, k := range keys {
		if err := s.Put(ctx, "bytes", k, Entry{Value: []byte(k)}); err != nil {
			t.Fatalf("Put(%q): %v", k, err)
		}
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted) // Go compares strings bytewise
	prefixes := []string{"", "\x00", "a", "a\xff", "a\xff\xff", "\xff", "\xff\xff", "\xfe", "\x7f", "b", "\xc3"}
	for _, p := range prefixes {
		for _, limit := range []int{1, 2, 1000} {
			got, _ := listAll(t, s, "bytes", p, limit)
			var want []string
			for _, k := range sorted {
				if strings.HasPrefix(k, p) {
					want = append(want, k)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("prefix %q limit %d: listed %q, want %q", p, limit, got, want)
			}
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct {
		prefix, end string
		ok          bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"a\xff", "b", true},
		{"a\xff\xff", "b", true},
		{"\xff", "", false},
		{"\xff\xff", "", false},
		{"\x00", "\x01", true},
		{"ab\xfe", "ab\xff", true},
	}
	for _, tc := range cases {
		end, ok := prefixEnd([]byte(tc.prefix))
		if ok != tc.ok || string(end) != tc.end {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tc.prefix, end, ok, tc.end, tc.ok)
		}
	}
}

func TestNamespaces(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, clk)
	got, err := s.Namespaces(ctx)
	if err != nil || len(got) != 0 {
		t.Fatalf("Namespaces of an empty store = %q, %v; want none", got, err)
	}
	exp := clk.Unix() + 60
	for _, p := range []struct {
		ns, key string
		exp     int64
	}{
		{"zeta", "k", 0}, {"alpha", "k1", 0}, {"alpha", "k2", 0}, {"mid", "k", exp}, {"mid", "k2", exp},
		{"Beta", "k", 0}, {"gone", "k", 0}, {"soon", "a", exp}, {"soon", "b", 0},
	} {
		if err := s.Put(ctx, p.ns, p.key, Entry{Value: []byte("v"), Expiration: p.exp}); err != nil {
			t.Fatal(err)
		}
	}
	s.Delete(ctx, "gone", "k")
	want := []string{"Beta", "alpha", "mid", "soon", "zeta"}
	if got, err := s.Namespaces(ctx); err != nil || !slices.Equal(got, want) {
		t.Fatalf("Namespaces = %q, %v; want %q", got, err, want)
	}
	clk.Advance(60 * time.Second)
	want = []string{"Beta", "alpha", "soon", "zeta"}
	if got, err := s.Namespaces(ctx); err != nil || !slices.Equal(got, want) {
		t.Fatalf("Namespaces after expiry = %q, %v; want %q (mid has only expired keys)", got, err, want)
	}
}

func TestSweep(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, clk)
	now := clk.Unix()
	for i := range 1500 {
		s.Put(ctx, "a", fmt.Sprintf("exp%04d", i), Entry{Value: []byte("v"), Expiration: now + 60 + int64(i%10)})
	}
	for i := range 20 {
		s.Put(ctx, "a", fmt.Sprintf("later%02d", i), Entry{Value: []byte("v"), Expiration: now + 3600})
		s.Put(ctx, "a", fmt.Sprintf("never%02d", i), Entry{Value: []byte("v")})
	}
	if n, err := s.sweep(); err != nil || n != 0 {
		t.Fatalf("sweep before anything expired deleted %d, %v; want 0", n, err)
	}
	clk.Advance(70 * time.Second)
	if got, _, _ := s.Get(ctx, "a", "exp0000", GetOptions{}); got != nil {
		t.Fatalf("expired key read as %s before the sweep", entryString(got))
	}
	if n := rawCount(t, s.Path()); n != 1540 {
		t.Fatalf("%d rows before the sweep, want 1540", n)
	}
	var counts []int64
	for {
		n, err := s.sweep()
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, n)
		if n < sweepBatch {
			break
		}
	}
	if !slices.Equal(counts, []int64{1000, 500}) {
		t.Errorf("sweep batches deleted %v, want [1000 500]", counts)
	}
	if n := rawCount(t, s.Path()); n != 40 {
		t.Errorf("%d rows after the sweep, want 40", n)
	}
	keys, _ := listAll(t, s, "a", "", 0)
	if len(keys) != 40 {
		t.Errorf("listed %d keys after the sweep, want 40", len(keys))
	}
}

func TestBackgroundSweep(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	path := filepath.Join(t.TempDir(), "kv.db")
	s, err := OpenSQLite(path, SQLiteOptions{SweepInterval: 5 * time.Millisecond, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 2100 {
		s.Put(ctx, "a", fmt.Sprint(i), Entry{Value: []byte("v"), Expiration: clk.Unix() + 60})
	}
	s.Put(ctx, "a", "keep", Entry{Value: []byte("v")})
	clk.Advance(time.Minute)
	deadline := time.Now().Add(20 * time.Second)
	for rawCount(t, path) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d rows 20s after expiry, want 1: the sweeper did not run", rawCount(t, path))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, nil)
	const writers, puts = 50, 100
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range puts {
				k := fmt.Sprintf("w%02d-%03d", w, i)
				if err := s.Put(ctx, "c", k, Entry{Value: []byte("value of " + k)}); err != nil {
					errs <- fmt.Errorf("Put(%s): %w", k, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := range writers {
		for i := range puts {
			k := fmt.Sprintf("w%02d-%03d", w, i)
			e, _, err := s.Get(ctx, "c", k, GetOptions{})
			if err != nil || e == nil || string(e.Value) != "value of "+k {
				t.Fatalf("Get(%s) = %s, %v; want its value", k, entryString(e), err)
			}
		}
	}
	keys, _ := listAll(t, s, "c", "", 0)
	if len(keys) != writers*puts {
		t.Errorf("listed %d keys, want %d", len(keys), writers*puts)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kv.db")
	s, err := OpenSQLite(path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{Value: []byte("kept"), Metadata: []byte(`{"a":1}`), Expiration: time.Now().Unix() + 3600}
	if err := s.Put(ctx, "ns", "k", want); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Put(ctx, "ns", "k2", want); !errors.Is(err, errClosed) {
		t.Errorf("Put after Close: %v, want %v", err, errClosed)
	}
	s = openAt(t, path, nil)
	got, _, err := s.Get(ctx, "ns", "k", GetOptions{})
	if err != nil || !sameEntry(got, &want) {
		t.Fatalf("after reopening, Get = %s, %v; want %s", entryString(got), err, entryString(&want))
	}
}

func TestSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kv.db")
	s := openAt(t, path, nil)
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	var mode string
	db.QueryRow("PRAGMA user_version").Scan(&v)
	db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if v != SchemaVersion || mode != "wal" {
		t.Errorf("user_version %d, journal_mode %q; want %d, wal", v, mode, SchemaVersion)
	}
	rows, err := db.Query("SELECT name, type, pk FROM pragma_table_info('kv') ORDER BY cid")
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var name, typ string
		var pk int
		rows.Scan(&name, &typ, &pk)
		cols = append(cols, fmt.Sprintf("%s %s %d", name, typ, pk))
	}
	rows.Close()
	want := []string{"namespace TEXT 1", "key BLOB 2", "expiration INTEGER 0", "metadata BLOB 0", "value BLOB 0"}
	if !slices.Equal(cols, want) {
		t.Errorf("kv columns %q, want %q", cols, want)
	}
	var idx int
	db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'kv_expiration'").Scan(&idx)
	if idx != 1 {
		t.Errorf("index kv_expiration missing")
	}

	// A database from a newer Worky is refused, by name.
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = OpenSQLite(path, SQLiteOptions{})
	if err == nil || !strings.Contains(err.Error(), "schema version 99 is newer") || !strings.Contains(err.Error(), path) {
		t.Errorf("opening a version 99 database: %v; want an error naming the path and the version", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notadb")
	os.WriteFile(notDB, bytes.Repeat([]byte("this is not a database "), 200), 0o600)
	cases := []struct {
		name, path string
		want       []string
	}{
		{"missing directory", filepath.Join(dir, "nope", "kv.db"), []string{filepath.Join(dir, "nope"), "does not exist"}},
		{"not a database", notDB, []string{notDB, "not an SQLite database"}},
		{"a directory", dir, []string{dir, "is a directory"}},
		{"no path", "", []string{"no path"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenSQLite(tc.path, SQLiteOptions{})
			if err == nil {
				s.Close()
				t.Fatalf("OpenSQLite(%q) succeeded", tc.path)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	t.Run("permission denied", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: file permissions do not apply")
		}
		p := filepath.Join(dir, "locked.db")
		os.WriteFile(p, nil, 0o000)
		_, err := OpenSQLite(p, SQLiteOptions{})
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("opening an unreadable file: %v; want permission denied naming %s", err, p)
		}
	})
}

func TestCancelledPutWritesNothing(t *testing.T) {
	s := openTest(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 100 {
		if err := s.Put(ctx, "a", "k", Entry{Value: []byte("v")}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put with a cancelled context: %v", err)
		}
	}
	if n := rawCount(t, s.Path()); n != 0 {
		t.Errorf("%d rows after cancelled puts, want 0", n)
	}
}

func TestFailedWriteInABatch(t *testing.T) {
	// A trigger makes SQLite refuse one key; the writes grouped with it
	// in a transaction must still succeed, and only it must fail.
	ctx := context.Background()
	s := openTest(t, nil)
	db, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TRIGGER poison BEFORE INSERT ON kv WHEN NEW.key = CAST('poison' AS BLOB)
		BEGIN SELECT RAISE(ABORT, 'poisoned key'); END`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 20 {
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			wg.Go(func() {
				k := fmt.Sprintf("r%d-%d", round, i)
				if i == 7 {
					k = "poison"
				}
				errs[i] = s.Put(ctx, "ns", k, Entry{Value: []byte(k)})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i == 7 {
				if err == nil || !strings.Contains(err.Error(), "poisoned key") || !strings.Contains(err.Error(), `"poison"`) {
					t.Fatalf("round %d: Put(poison) = %v, want the trigger's error naming the key", round, err)
				}
				continue
			}
			k := fmt.Sprintf("r%d-%d", round, i)
			if err != nil {
				t.Fatalf("round %d: Put(%s) failed with its batch: %v", round, k, err)
			}
			if e, _, _ := s.Get(ctx, "ns", k, GetOptions{}); e == nil || string(e.Value) != k {
				t.Fatalf("round %d: Put(%s) succeeded but reads %s", round, k, entryString(e))
			}
		}
	}
	if e, _, _ := s.Get(ctx, "ns", "poison", GetOptions{}); e != nil {
		t.Errorf("the refused key was stored: %s", entryString(e))
	}
}
