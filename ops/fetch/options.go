package fetch

import "time"

// ResourceName is the runtime.Config.Resources key under which the host
// (caddymodule) hands this family its *Options.
const ResourceName = "fetch"

// Defaults for Options, as Cloudflare sets them where it has a number.
const (
	DefaultMaxSubrequests           = 50
	DefaultMaxConcurrentSubrequests = 6
	DefaultSubrequestTimeout        = 30 * time.Second
)

// Options are one worker's rules for outgoing fetch().
type Options struct {
	// Egress says which hosts and addresses fetch() may reach.
	Egress EgressPolicy
	// MaxSubrequests is the number of fetch() calls one request may make.
	MaxSubrequests int
	// MaxConcurrentSubrequests is how many may be in flight at once.
	MaxConcurrentSubrequests int
	// SubrequestTimeout bounds one subrequest, redirects included.
	SubrequestTimeout time.Duration
}

// EgressPolicy filters subrequests to hosts other than the incoming
// request's own (those go to the next handler, in-process). Patterns are
// host names with an optional leading "*." wildcard ("*.example.com"),
// or "*" for any host.
type EgressPolicy struct {
	// Allow, if not empty, lists the only hosts fetch() may reach.
	Allow []string
	// Deny lists hosts fetch() may never reach; it wins over Allow.
	Deny []string
	// AllowPrivate lets fetch() reach loopback, private, link-local,
	// CGNAT, multicast, unspecified and cloud metadata addresses, which
	// are refused by default (checked on the resolved IP at dial time).
	AllowPrivate bool
}

// withDefaults returns o with zero fields set to their defaults; a nil o
// is all defaults.
func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.MaxSubrequests <= 0 {
		out.MaxSubrequests = DefaultMaxSubrequests
	}
	if out.MaxConcurrentSubrequests <= 0 {
		out.MaxConcurrentSubrequests = DefaultMaxConcurrentSubrequests
	}
	if out.SubrequestTimeout <= 0 {
		out.SubrequestTimeout = DefaultSubrequestTimeout
	}
	return out
}
