package caddymodule

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/worky-dev/worky/kv"
	"github.com/worky-dev/worky/ops/fetch"
	"github.com/worky-dev/worky/runtime"
)

func init() {
	caddy.RegisterModule(adminAPI{})
}

// adminAPI serves the operator's handles on the workers of the running
// config:
//
//	GET    /worky/workers          each worker's effective options and stats
//	POST   /worky/workers/restart  replace every worker's isolates
//	GET    /worky/kv/              the KV namespaces that hold keys
//	GET    /worky/kv/<ns>          list keys: ?prefix=&cursor=&limit=
//	GET    /worky/kv/<ns>/<key>    a value (metadata and expiration in headers)
//	PUT    /worky/kv/<ns>/<key>    store the body: ?ttl= or ?expiration=,
//	                               metadata in ?metadata= or a header
//	DELETE /worky/kv/<ns>/<key>    delete a key
//
// A restart builds a fresh pool from the worker's config (re-reading the
// script) and swaps it in; requests in flight finish in the old pool,
// which is then closed. If a new pool does not start (say the script on
// disk no longer builds), that worker keeps its old pool and the
// response is an error naming it.
//
// The KV routes work on the running config's store, through its cache,
// so a worker reads what they wrote at once. Keys are percent-encoded in
// the path (encodeURIComponent), so a key may hold "/".
type adminAPI struct{}

// CaddyModule returns the Caddy module information.
func (adminAPI) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "admin.api.worky",
		New: func() caddy.Module { return new(adminAPI) },
	}
}

// Routes returns the admin routes under /worky/.
func (a *adminAPI) Routes() []caddy.AdminRoute {
	return []caddy.AdminRoute{
		{Pattern: "/worky/workers", Handler: caddy.AdminHandlerFunc(a.handleWorkers)},
		{Pattern: "/worky/workers/restart", Handler: caddy.AdminHandlerFunc(a.handleRestart)},
		{Pattern: kvRoute, Handler: caddy.AdminHandlerFunc(a.handleKV)},
	}
}

// workerInfo is one worker in GET /worky/workers. Bindings are listed by
// name only: secret values never leave the process.
type workerInfo struct {
	Name          string            `json:"name"`
	Script        string            `json:"script"`
	Isolates      int               `json:"isolates"`
	MaxConcurrent int               `json:"max_concurrent"`
	QueueSize     int               `json:"queue_size"`
	CPULimit      string            `json:"cpu_limit"`
	MemoryLimit   uint64            `json:"memory_limit"`
	Timeout       string            `json:"timeout"`
	Vars          []string          `json:"vars"`
	Secrets       []string          `json:"secrets"`
	KV            map[string]string `json:"kv"` // binding → namespace
	// The rules for the worker's fetch(), defaults filled in.
	Egress                egressInfo    `json:"egress"`
	Subrequests           int           `json:"subrequests"`
	SubrequestsConcurrent int           `json:"subrequests_concurrent"`
	SubrequestTimeout     string        `json:"subrequest_timeout"`
	Stats                 runtime.Stats `json:"stats"`
}

// egressInfo is a worker's egress policy in GET /worky/workers; an empty
// allow list allows any host.
type egressInfo struct {
	Allow        []string `json:"allow"`
	Deny         []string `json:"deny"`
	AllowPrivate bool     `json:"allow_private"`
}

func (a *adminAPI) handleWorkers(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet {
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method %s not allowed; use GET", r.Method)}
	}
	infos := []workerInfo{}
	if app := activeApp(); app != nil {
		for _, wk := range app.workers() {
			infos = append(infos, wk.info())
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(infos)
}

func (a *adminAPI) handleRestart(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method %s not allowed; use POST", r.Method)}
	}
	restarted := []string{}
	if app := activeApp(); app != nil {
		var err error
		if restarted, err = app.restartWorkers(); err != nil {
			return caddy.APIError{HTTPStatus: http.StatusInternalServerError, Err: err}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(map[string][]string{"restarted": restarted})
}

// activeApp is the worky app of the running config, or nil if that
// config has no worky handler.
func activeApp() *App {
	app, err := caddy.ActiveContext().AppIfConfigured("worky")
	if err != nil {
		if !errors.Is(err, caddy.ErrNotConfigured) {
			caddy.Log().Named("admin.api.worky").Error("finding the worky app", zap.Error(err))
		}
		return nil
	}
	return app.(*App)
}

func (wk *worker) info() workerInfo {
	cfg := wk.pool.Load().Config()
	info := workerInfo{
		Name:          cfg.Name,
		Script:        cfg.Script,
		Isolates:      cfg.Isolates,
		MaxConcurrent: cfg.MaxConcurrent,
		QueueSize:     cfg.QueueSize,
		CPULimit:      cfg.CPULimit.String(),
		MemoryLimit:   cfg.MemoryLimit,
		Timeout:       cfg.Timeout.String(),
		Vars:          []string{},
		Secrets:       []string{},
		KV:            map[string]string{},
		Stats:         wk.stats(),
	}
	var fo fetch.Options
	if o, ok := cfg.Resources[fetch.ResourceName].(*fetch.Options); ok && o != nil {
		fo = *o
	}
	info.Egress = egressInfo{
		Allow:        append([]string{}, fo.Egress.Allow...),
		Deny:         append([]string{}, fo.Egress.Deny...),
		AllowPrivate: fo.Egress.AllowPrivate,
	}
	info.Subrequests = cmp.Or(fo.MaxSubrequests, fetch.DefaultMaxSubrequests)
	info.SubrequestsConcurrent = cmp.Or(fo.MaxConcurrentSubrequests, fetch.DefaultMaxConcurrentSubrequests)
	info.SubrequestTimeout = cmp.Or(fo.SubrequestTimeout, fetch.DefaultSubrequestTimeout).String()
	for _, b := range cfg.Bindings {
		switch b.Kind {
		case "var":
			info.Vars = append(info.Vars, b.Name)
		case "secret":
			info.Secrets = append(info.Secrets, b.Name)
		case "kv":
			info.KV[b.Name] = b.Value
		}
	}
	sort.Strings(info.Vars)
	sort.Strings(info.Secrets)
	return info
}

// kvRoute is the prefix of the KV admin routes.
const kvRoute = "/worky/kv/"

// Headers that carry a KV entry's metadata (JSON) and expiration (Unix
// seconds) on GET, and the metadata on PUT.
const (
	kvMetadataHeader   = "Worky-KV-Metadata"
	kvExpirationHeader = "Worky-KV-Expiration"
)

// handleKV serves the /worky/kv/ routes (see adminAPI).
func (a *adminAPI) handleKV(w http.ResponseWriter, r *http.Request) error {
	app := activeApp()
	if app == nil {
		return apiErrorf(http.StatusServiceUnavailable, "KV is unavailable: the running config has no worky app "+
			"(add a worky handler, or a worky block to the global options)")
	}
	store, err := app.kvStore()
	if err != nil {
		return caddy.APIError{HTTPStatus: http.StatusInternalServerError, Err: err}
	}
	rest := strings.TrimPrefix(r.URL.EscapedPath(), kvRoute)
	if rest == "" {
		if err := allowMethods(r, http.MethodGet); err != nil {
			return err
		}
		names, err := store.Namespaces(r.Context())
		if err != nil {
			return kvError(err)
		}
		if names == nil {
			names = []string{}
		}
		return writeJSON(w, names)
	}
	nsPart, keyPart, hasKey := strings.Cut(rest, "/")
	ns, err := url.PathUnescape(nsPart)
	if err != nil {
		return apiErrorf(http.StatusBadRequest, "namespace %q is not validly percent-encoded: %v", nsPart, err)
	}
	if strings.Contains(ns, "/") {
		return apiErrorf(http.StatusBadRequest, "namespace %q must not contain \"/\"", ns)
	}
	if !hasKey {
		if err := allowMethods(r, http.MethodGet); err != nil {
			return err
		}
		return kvList(w, r, store, ns)
	}
	key, err := url.PathUnescape(keyPart)
	if err != nil {
		return apiErrorf(http.StatusBadRequest, "key %q is not validly percent-encoded: %v", keyPart, err)
	}
	if err := kv.ValidateKey(key); err != nil {
		return apiErrorf(http.StatusBadRequest, "key %q: %v", key, err)
	}
	switch r.Method {
	case http.MethodGet:
		return kvGet(w, r, store, ns, key)
	case http.MethodPut:
		return kvPut(w, r, store, ns, key)
	case http.MethodDelete:
		if err := store.Delete(r.Context(), ns, key); err != nil {
			return kvError(err)
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return allowMethods(r, http.MethodGet, http.MethodPut, http.MethodDelete)
}

// kvListKey is one key in a list, as the admin API and `worky kv list`
// print it: Cloudflare's shape.
type kvListKey struct {
	Name       string          `json:"name"`
	Expiration int64           `json:"expiration,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
}

// kvListResult is GET /worky/kv/<ns>: one page of keys.
type kvListResult struct {
	Keys         []kvListKey `json:"keys"`
	ListComplete bool        `json:"list_complete"`
	Cursor       string      `json:"cursor,omitempty"`
}

func kvList(w http.ResponseWriter, r *http.Request, store kv.Store, ns string) error {
	q := r.URL.Query()
	opts := kv.ListOptions{Prefix: q.Get("prefix"), Cursor: q.Get("cursor")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > kv.MaxListLimit {
			return apiErrorf(http.StatusBadRequest, "limit must be an integer from 1 to %d, got %q", kv.MaxListLimit, s)
		}
		opts.Limit = n
	}
	res, err := store.List(r.Context(), ns, opts)
	if err != nil {
		return kvError(err)
	}
	out := kvListResult{Keys: []kvListKey{}, ListComplete: res.Complete}
	if !res.Complete {
		out.Cursor = res.Cursor
	}
	for _, k := range res.Keys {
		out.Keys = append(out.Keys, kvListKey{Name: k.Name, Expiration: k.Expiration, Metadata: k.Metadata})
	}
	return writeJSON(w, out)
}

func kvGet(w http.ResponseWriter, r *http.Request, store kv.Store, ns, key string) error {
	e, _, err := store.Get(r.Context(), ns, key, kv.GetOptions{})
	if err != nil {
		return kvError(err)
	}
	if e == nil {
		return apiErrorf(http.StatusNotFound, "key %q not found in namespace %q", key, ns)
	}
	if len(e.Metadata) > 0 {
		var compact bytes.Buffer
		if json.Compact(&compact, e.Metadata) == nil {
			w.Header().Set(kvMetadataHeader, compact.String())
		}
	}
	if e.Expiration != 0 {
		w.Header().Set(kvExpirationHeader, strconv.FormatInt(e.Expiration, 10))
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(e.Value)))
	_, err = w.Write(e.Value)
	return err
}

func kvPut(w http.ResponseWriter, r *http.Request, store kv.Store, ns, key string) error {
	now := time.Now().Unix()
	q := r.URL.Query()
	var e kv.Entry
	ttl, exp := q.Get("ttl"), q.Get("expiration")
	switch {
	case ttl != "" && exp != "":
		return apiErrorf(http.StatusBadRequest, "give ttl or expiration, not both")
	case ttl != "":
		n, err := strconv.ParseInt(ttl, 10, 64)
		if err != nil {
			return apiErrorf(http.StatusBadRequest, "ttl must be a whole number of seconds, got %q", ttl)
		}
		if e.Expiration, err = kv.ExpirationFromTTL(n, now); err != nil {
			return apiErrorf(http.StatusBadRequest, "key %q: %v", key, err)
		}
	case exp != "":
		n, err := strconv.ParseInt(exp, 10, 64)
		if err != nil {
			return apiErrorf(http.StatusBadRequest, "expiration must be a Unix time in seconds, got %q", exp)
		}
		e.Expiration = n
	}
	meta := q.Get("metadata")
	if h := r.Header.Get(kvMetadataHeader); h != "" {
		if meta != "" {
			return apiErrorf(http.StatusBadRequest, "give metadata in the %s header or the metadata parameter, not both", kvMetadataHeader)
		}
		meta = h
	}
	if meta != "" {
		if !json.Valid([]byte(meta)) {
			return apiErrorf(http.StatusBadRequest, "key %q: metadata is not valid JSON: %q", key, meta)
		}
		e.Metadata = []byte(meta)
	}
	value, err := io.ReadAll(io.LimitReader(r.Body, kv.MaxValueSize+1))
	if err != nil {
		return apiErrorf(http.StatusBadRequest, "reading the value: %v", err)
	}
	e.Value = value
	if err := kv.ValidateEntry(e, now); err != nil {
		return apiErrorf(http.StatusBadRequest, "key %q: %v", key, err)
	}
	if err := store.Put(r.Context(), ns, key, e); err != nil {
		return kvError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// kvError maps a store's error: bad input is a 400, the rest a 500.
func kvError(err error) error {
	if errors.Is(err, kv.ErrInvalid) {
		return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: err}
	}
	return caddy.APIError{HTTPStatus: http.StatusInternalServerError, Err: err}
}

func apiErrorf(status int, format string, args ...any) error {
	return caddy.APIError{HTTPStatus: status, Err: fmt.Errorf(format, args...)}
}

// allowMethods answers 405 unless r's method is one of methods.
func allowMethods(r *http.Request, methods ...string) error {
	for _, m := range methods {
		if r.Method == m {
			return nil
		}
	}
	return apiErrorf(http.StatusMethodNotAllowed, "method %s not allowed; use %s", r.Method, strings.Join(methods, " or "))
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}

// Interface guard
var _ caddy.AdminRouter = (*adminAPI)(nil)
