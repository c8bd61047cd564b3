package caddymodule

import (
	"math"
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/dustin/go-humanize"
)

func init() {
	httpcaddyfile.RegisterHandlerDirective("worky", parseCaddyfile)
	// The worker sits in front of the origin: a subrequest to its own host
	// goes to the handler that comes next, usually reverse_proxy.
	httpcaddyfile.RegisterDirectiveOrder("worky", httpcaddyfile.Before, "reverse_proxy")
	httpcaddyfile.RegisterGlobalOption("worky", parseGlobalOption)
}

// parseGlobalOption sets up the worky app from the `worky` block of the
// global options.
func parseGlobalOption(d *caddyfile.Dispenser, existing any) (any, error) {
	if existing != nil {
		return nil, d.Err("the worky global option is given twice; use one block")
	}
	app := new(App)
	if err := app.UnmarshalCaddyfile(d); err != nil {
		return nil, err
	}
	return httpcaddyfile.App{Name: "worky", Value: caddyconfig.JSON(app, nil)}, nil
}

// UnmarshalCaddyfile sets up the app from the `worky` block of the
// global options. Syntax:
//
//	{
//	    worky {
//	        kv_path  <file>
//	        kv_cache <size>
//	    }
//	}
func (a *App) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume option name
	if d.NextArg() {
		return d.ArgErr()
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "kv_path":
			if !d.AllArgs(&a.KVPath) {
				return d.ArgErr()
			}
		case "kv_cache":
			size, err := parseSize(d)
			if err != nil {
				return err
			}
			a.KVCache = size
		default:
			return d.Errf("unrecognized worky global option %q", d.Val())
		}
	}
	return nil
}

func parseCaddyfile(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	w := new(Handler)
	err := w.UnmarshalCaddyfile(h.Dispenser)
	return w, err
}

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens. Syntax:
//
//	worky [<matcher>] [<script>] {
//	    script         <path>
//	    name           <name>
//	    isolates       <count>
//	    max_concurrent <count>
//	    queue_size     <count>
//	    cpu_limit      <duration>
//	    memory_limit   <size>
//	    timeout        <duration>
//	    var            <name> <value>
//	    secret         <name> <value>
//	    kv             <name> [<namespace>]
//	    egress {
//	        allow <host patterns...>
//	        deny  <host patterns...>
//	        allow_private
//	    }
//	    subrequests            <count>
//	    subrequests_concurrent <count>
//	    subrequest_timeout     <duration>
//	}
//
// The script may be given as the directive's argument (`worky ./worker.js`)
// or with the script subdirective, not both. A first argument that starts
// with / is a path matcher to Caddy, so an absolute script path as the
// argument needs a matcher before it: `worky * /srv/worker.js`. var,
// secret and kv may repeat. kv binds env.<name> to a KV namespace, by
// default the one named like the binding. In egress, allow and deny may
// repeat and add to their lists; a host pattern is a name, *.name or *.
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume directive name
	if d.NextArg() {
		h.Script = d.Val()
	}
	if d.NextArg() {
		return d.ArgErr()
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "script":
			if h.Script != "" {
				return d.Err("script already specified")
			}
			if !d.AllArgs(&h.Script) {
				return d.ArgErr()
			}
		case "name":
			if !d.AllArgs(&h.Name) {
				return d.ArgErr()
			}
		case "isolates":
			n, err := parseCount(d)
			if err != nil {
				return err
			}
			h.Isolates = n
		case "max_concurrent":
			n, err := parseCount(d)
			if err != nil {
				return err
			}
			h.MaxConcurrent = n
		case "queue_size":
			n, err := parseCount(d)
			if err != nil {
				return err
			}
			h.QueueSize = n
		case "cpu_limit":
			dur, err := parseDuration(d)
			if err != nil {
				return err
			}
			h.CPULimit = dur
		case "timeout":
			dur, err := parseDuration(d)
			if err != nil {
				return err
			}
			h.Timeout = dur
		case "memory_limit":
			size, err := parseSize(d)
			if err != nil {
				return err
			}
			h.MemoryLimit = size
		case "var":
			name, value, err := parseBinding(d, h)
			if err != nil {
				return err
			}
			if h.Vars == nil {
				h.Vars = map[string]string{}
			}
			h.Vars[name] = value
		case "secret":
			name, value, err := parseBinding(d, h)
			if err != nil {
				return err
			}
			if h.Secrets == nil {
				h.Secrets = map[string]string{}
			}
			h.Secrets[name] = value
		case "kv":
			args := d.RemainingArgs()
			if len(args) < 1 || len(args) > 2 {
				return d.Errf("kv takes a binding name and an optional namespace: kv <name> [<namespace>], got %d arguments", len(args))
			}
			name, ns := args[0], args[0]
			if len(args) == 2 {
				ns = args[1]
			}
			if err := checkUnbound(d, h, name); err != nil {
				return err
			}
			if err := validateKVBinding(name, ns); err != nil {
				return d.Err(err.Error())
			}
			if h.KVNamespaces == nil {
				h.KVNamespaces = map[string]string{}
			}
			h.KVNamespaces[name] = ns
		case "egress":
			if err := h.unmarshalEgress(d); err != nil {
				return err
			}
		case "subrequests":
			n, err := parseCount(d)
			if err != nil {
				return err
			}
			h.Subrequests = n
		case "subrequests_concurrent":
			n, err := parseCount(d)
			if err != nil {
				return err
			}
			h.SubrequestsConcurrent = n
		case "subrequest_timeout":
			dur, err := parseDuration(d)
			if err != nil {
				return err
			}
			h.SubrequestTimeout = dur
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	if h.Script == "" {
		// httpcaddyfile takes a first argument that starts with / for a
		// path matcher, which is how an absolute script path goes missing.
		return d.Err("a script is required: worky <script> or a script subdirective " +
			"(to give an absolute path as the argument, put a matcher first: worky * /path/to/worker.js)")
	}
	return nil
}

// unmarshalEgress reads the egress block; the dispenser is on "egress".
func (h *Handler) unmarshalEgress(d *caddyfile.Dispenser) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	if h.Egress == nil {
		h.Egress = new(Egress)
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "allow", "deny":
			kind := d.Val()
			patterns := d.RemainingArgs()
			if len(patterns) == 0 {
				return d.Errf("egress %s needs at least one host pattern", kind)
			}
			for _, p := range patterns {
				if err := validateHostPattern(p); err != nil {
					return d.Errf("egress %s: %v", kind, err)
				}
			}
			if kind == "allow" {
				h.Egress.Allow = append(h.Egress.Allow, patterns...)
			} else {
				h.Egress.Deny = append(h.Egress.Deny, patterns...)
			}
		case "allow_private":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.Egress.AllowPrivate = true
		default:
			return d.Errf("unrecognized egress subdirective %q (want allow, deny or allow_private)", d.Val())
		}
	}
	return nil
}

// parseCount reads the one positive integer argument of a subdirective.
func parseCount(d *caddyfile.Dispenser) (int, error) {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, d.Errf("%s must be a positive integer, got %q", name, s)
	}
	return n, nil
}

// parseDuration reads the one positive duration argument of a subdirective.
func parseDuration(d *caddyfile.Dispenser) (caddy.Duration, error) {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	dur, err := caddy.ParseDuration(s)
	if err != nil {
		return 0, d.Errf("parsing %s: %v", name, err)
	}
	if dur <= 0 {
		return 0, d.Errf("%s must be positive, got %s", name, s)
	}
	return caddy.Duration(dur), nil
}

// parseSize reads the one positive size argument of a subdirective, in
// bytes or with a unit (64MiB, 1GB).
func parseSize(d *caddyfile.Dispenser) (int64, error) {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	size, err := humanize.ParseBytes(s)
	if err != nil {
		return 0, d.Errf("parsing %s: %v", name, err)
	}
	if size == 0 || size > math.MaxInt64 {
		return 0, d.Errf("%s %s is out of range", name, s)
	}
	return int64(size), nil
}

// parseBinding reads `var NAME VALUE` or `secret NAME VALUE`; a name may
// be bound once.
func parseBinding(d *caddyfile.Dispenser, h *Handler) (string, string, error) {
	var name, value string
	if !d.AllArgs(&name, &value) {
		return "", "", d.ArgErr()
	}
	if err := checkUnbound(d, h, name); err != nil {
		return "", "", err
	}
	return name, value, nil
}

// checkUnbound fails if env.name is already bound.
func checkUnbound(d *caddyfile.Dispenser, h *Handler, name string) error {
	if _, ok := h.Vars[name]; ok {
		return d.Errf("%s is already bound by a var", name)
	}
	if _, ok := h.Secrets[name]; ok {
		return d.Errf("%s is already bound by a secret", name)
	}
	if _, ok := h.KVNamespaces[name]; ok {
		return d.Errf("%s is already bound by a kv", name)
	}
	return nil
}

// Interface guards
var (
	_ caddyfile.Unmarshaler = (*Handler)(nil)
	_ caddyfile.Unmarshaler = (*App)(nil)
)
