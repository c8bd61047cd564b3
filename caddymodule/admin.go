package caddymodule

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/worky-dev/worky/runtime"
)

func init() {
	caddy.RegisterModule(adminAPI{})
}

// adminAPI serves the operator's handles on the workers of the running
// config:
//
//	GET  /worky/workers          each worker's effective options and stats
//	POST /worky/workers/restart  replace every worker's isolates
//
// A restart builds a fresh pool from the worker's config (re-reading the
// script) and swaps it in; requests in flight finish in the old pool,
// which is then closed. If a new pool does not start (say the script on
// disk no longer builds), that worker keeps its old pool and the
// response is an error naming it.
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
	}
}

// workerInfo is one worker in GET /worky/workers. Bindings are listed by
// name only: secret values never leave the process.
type workerInfo struct {
	Name          string        `json:"name"`
	Script        string        `json:"script"`
	Isolates      int           `json:"isolates"`
	MaxConcurrent int           `json:"max_concurrent"`
	QueueSize     int           `json:"queue_size"`
	CPULimit      string        `json:"cpu_limit"`
	MemoryLimit   uint64        `json:"memory_limit"`
	Timeout       string        `json:"timeout"`
	Vars          []string      `json:"vars"`
	Secrets       []string      `json:"secrets"`
	Stats         runtime.Stats `json:"stats"`
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
		Stats:         wk.stats(),
	}
	for _, b := range cfg.Bindings {
		switch b.Kind {
		case "var":
			info.Vars = append(info.Vars, b.Name)
		case "secret":
			info.Secrets = append(info.Secrets, b.Name)
		}
	}
	sort.Strings(info.Vars)
	sort.Strings(info.Secrets)
	return info
}

// Interface guard
var _ caddy.AdminRouter = (*adminAPI)(nil)
