package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// policyError is a subrequest the egress policy refused; reason says why
// ("10.0.0.1 is a private address").
type policyError struct{ reason string }

func (e *policyError) Error() string { return "refused by the egress policy: " + e.reason }

var (
	cgnat      = netip.MustParsePrefix("100.64.0.0/10")
	thisNet    = netip.MustParsePrefix("0.0.0.0/8")
	reserved4  = netip.MustParsePrefix("240.0.0.0/4") // and broadcast
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	metadata4  = netip.MustParseAddr("169.254.169.254")
	metadata6  = netip.MustParseAddr("fd00:ec2::254")
	privateNet = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
		netip.MustParsePrefix("fc00::/7"),
	}
)

// addressReason says why ip is refused by default, or "" if it is a public
// address. IPv4-mapped IPv6 addresses are judged by their IPv4 form.
func addressReason(ip netip.Addr) string {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		// NAT64 reaches the IPv4 address in the last four bytes.
		b := ip.As16()
		if r := addressReason(netip.AddrFrom4([4]byte(b[12:]))); r != "" {
			return ip.String() + " (NAT64): " + r
		}
		return ""
	}
	s := ip.String()
	switch {
	case ip == metadata4 || ip == metadata6:
		return s + " is a cloud metadata address"
	case ip.IsLoopback():
		return s + " is a loopback address"
	case ip.IsUnspecified() || (ip.Is4() && thisNet.Contains(ip)):
		return s + " is an unspecified address"
	case ip.IsLinkLocalUnicast():
		return s + " is a link-local address"
	case ip.IsMulticast():
		return s + " is a multicast address"
	case ip.Is4() && cgnat.Contains(ip):
		return s + " is a carrier-grade NAT (100.64.0.0/10) address"
	case ip.Is4() && reserved4.Contains(ip):
		return s + " is a reserved or broadcast address"
	}
	for _, p := range privateNet {
		if p.Contains(ip) {
			return s + " is a private address"
		}
	}
	return ""
}

// matchHost reports whether host matches pattern: "*" is any host,
// "*.example.com" any subdomain of example.com (not example.com itself),
// anything else the host exactly (case-insensitive).
func matchHost(pattern, host string) bool {
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if pattern == "*" {
		return true
	}
	if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
		return strings.HasSuffix(host, "."+suffix)
	}
	return pattern == host
}

// checkHost applies the Allow and Deny patterns to a host name (or IP
// literal, without brackets).
func (p *EgressPolicy) checkHost(host string) error {
	for _, d := range p.Deny {
		if matchHost(d, host) {
			return &policyError{fmt.Sprintf("host %s matches the deny pattern %q", host, d)}
		}
	}
	if len(p.Allow) == 0 {
		return nil
	}
	for _, a := range p.Allow {
		if matchHost(a, host) {
			return nil
		}
	}
	return &policyError{fmt.Sprintf("host %s is not in the allow list", host)}
}

// control is the dialer's check of the address it is about to connect
// to: the resolved IP, so a name that resolves (or rebinds) to a private
// address is refused too.
func (p *EgressPolicy) control(network, address string, _ syscall.RawConn) error {
	if p.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &policyError{fmt.Sprintf("cannot check the address %q", address)}
	}
	if reason := addressReason(ap.Addr()); reason != "" {
		return &policyError{reason}
	}
	return nil
}

// newClient returns the HTTP client of one isolate's subrequests: no
// proxy from the environment, the policy checked at dial time, and
// redirects left to the caller (each hop is checked again).
func newClient(p *EgressPolicy) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// networkReason turns a transport error into what failed, for the
// TypeError a failed fetch() rejects with.
func networkReason(err error, host string, timeout time.Duration) string {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var rec tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("timed out after %s", timeout)
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("DNS lookup of %s failed: no such host", dns.Name)
		}
		return fmt.Sprintf("DNS lookup of %s failed: %s", dns.Name, dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection to %s refused", host)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("connection to %s reset", host)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("%s is unreachable", host)
	case errors.As(err, &cert), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return fmt.Sprintf("TLS certificate of %s not accepted: %v", host, err)
	case errors.As(err, &rec), errors.As(err, &alert):
		return fmt.Sprintf("TLS handshake with %s failed: %v", host, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("timed out connecting to %s", host)
	}
	return fmt.Sprintf("network error talking to %s: %v", host, err)
}
