// Package kv will hold Workers KV storage: namespaces in one SQLite
// database (modernc.org/sqlite, WAL mode) behind a ristretto cache, with a
// Store interface small enough that a networked backend can be added for
// several Caddy nodes. It imports nothing of Worky's; ops/kv binds it to
// env and caddymodule configures it (kv_path, kv_cache).
//
// It has no code yet: the KV issue builds it on the runtime that exists
// now (see ../DESIGN.md in the shared folder for the plan).
package kv
