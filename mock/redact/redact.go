// Package redact is the one rule for secrets the mock and the contract
// suite never show, and the one marker that stands in for them: in the
// journal, recordings, logs and the contract suite's reports. Vendors'
// credential headers come from the registry; HTTP's own and the control
// token are listed here.
package redact

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/vendorsuite/contracts/mock/registry"
)

// Marker replaces every secret value.
const Marker = "[REDACTED]"

// headers are the canonical names of the headers whose values are secret
// whatever the vendor: HTTP's own credentials and the control token.
var headers = map[string]bool{
	"Authorization":        true,
	"Proxy-Authorization":  true,
	"Cookie":               true,
	"Set-Cookie":           true,
	"X-Mock-Control-Token": true,
}

// Header reports whether the header named name (any case) carries a
// secret: one of headers, or a registered vendor's credential header.
func Header(name string) bool {
	return secretHeaders()[http.CanonicalHeaderKey(name)]
}

// secretSet is headers and the registry's secret headers in one set, and
// the registry's set it was made from.
type secretSet struct {
	from *map[string]bool
	all  map[string]bool
}

var secrets atomic.Pointer[secretSet]

// secretHeaders returns every secret header's canonical name, made again
// only when a vendor is registered: the journal asks about every header
// of every request.
func secretHeaders() map[string]bool {
	version := registry.SecretHeaderSet()
	if s := secrets.Load(); s != nil && s.from == version {
		return s.all
	}
	all := maps.Clone(headers)
	maps.Copy(all, *version)
	secrets.Store(&secretSet{from: version, all: all})
	return all
}

// secretWords mark a query parameter name that looks like it carries a key.
var secretWords = []string{"key", "token", "secret", "password", "passwd", "auth", "signature", "credential"}

// QueryParam reports whether a query parameter named name looks like it
// carries a key ("api_key", "apiKey", "access_token", "X-Amz-Signature").
func QueryParam(name string) bool {
	lower := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// Query returns a raw query string with the values of the parameters that
// look like keys replaced by Marker, everything else as sent.
func Query(raw string) string {
	if !secretInQuery(raw) {
		return raw // the common case, without allocating
	}
	parts := strings.Split(raw, "&")
	changed := false
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if hasValue && QueryParam(name) {
			parts[i] = p[:strings.IndexByte(p, '=')+1] + Marker
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return strings.Join(parts, "&")
}

// secretInQuery reports whether Query would replace anything in raw.
func secretInQuery(raw string) bool {
	for rest := raw; rest != ""; {
		var p string
		p, rest, _ = strings.Cut(rest, "&")
		name, _, hasValue := strings.Cut(p, "=")
		if !hasValue {
			continue
		}
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if QueryParam(name) {
			return true
		}
	}
	return false
}

// Headers returns a copy of h's values joined per name, secrets replaced.
func Headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if Header(k) {
			out[k] = Marker
		} else {
			out[k] = strings.Join(v, ", ")
		}
	}
	return out
}
