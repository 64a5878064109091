// Package registry is the one list of the vendors the mock knows. Adding a
// vendor is its package and one line in All; a test adds its own with
// Register.
package registry

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vendorsuite/contracts/mock/care360"
	"github.com/vendorsuite/contracts/mock/cl2c"
	"github.com/vendorsuite/contracts/mock/r1discover"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

var (
	mu      sync.RWMutex
	vendors = []vendordef.Vendor{
		care360.Spec.Vendor(),
		cl2c.Spec.Vendor(),
		r1discover.Spec.Vendor(),
	}
	// secrets holds every vendor's credential headers, canonical; it is
	// replaced, never changed, so readers need no lock (every journalled
	// request asks it about each of its headers).
	secrets atomic.Pointer[map[string]bool]
)

func init() { storeSecrets() }

func storeSecrets() {
	s := secretHeaders(vendors)
	secrets.Store(&s)
}

func secretHeaders(vs []vendordef.Vendor) map[string]bool {
	out := map[string]bool{}
	for _, v := range vs {
		for _, h := range v.SecretHeaders {
			out[http.CanonicalHeaderKey(h)] = true
		}
	}
	return out
}

// Register adds a vendor, before any Mock is built with it. A second
// vendor of the same name, or one owning a prefix another owns, panics:
// both are programming errors.
func Register(v vendordef.Vendor) {
	mu.Lock()
	defer mu.Unlock()
	for _, o := range vendors {
		if o.Name == v.Name {
			panic("vendor " + v.Name + " is registered twice")
		}
		for _, p := range v.Prefixes {
			if slices.Contains(o.Prefixes, p) {
				panic(fmt.Sprintf("vendors %s and %s both own %s", o.Name, v.Name, p))
			}
		}
	}
	vendors = append(vendors, v)
	storeSecrets()
}

// All lists every registered vendor, in registration order.
func All() []vendordef.Vendor {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(vendors)
}

// Names lists every registered vendor's name.
func Names() []string {
	all := All()
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = v.Name
	}
	return names
}

// Lookup finds a vendor by name.
func Lookup(name string) (vendordef.Vendor, bool) {
	for _, v := range All() {
		if v.Name == name {
			return v, true
		}
	}
	return vendordef.Vendor{}, false
}

// Owner finds the vendor among vs whose paths hold path: the one with the
// longest prefix at or above it.
func Owner(vs []vendordef.Vendor, path string) (vendordef.Vendor, bool) {
	best, found := -1, vendordef.Vendor{}
	for _, v := range vs {
		if n, ok := v.Owns(path); ok && n > best {
			best, found = n, v
		}
	}
	return found, best >= 0
}

// VendorOf names the registered vendor whose paths hold path, or "".
func VendorOf(path string) string {
	v, _ := Owner(All(), path)
	return v.Name
}

// SecretHeader reports whether a registered vendor carries its credential
// in the header named name (any case).
func SecretHeader(name string) bool {
	return (*secrets.Load())[http.CanonicalHeaderKey(name)]
}

// SecretHeaderSet returns the canonical names of every registered
// vendor's credential headers, as a set the caller must not change. Each
// Register replaces the set, so a caller may keep what it derives from one
// for as long as SecretHeaderSet returns the same pointer.
func SecretHeaderSet() *map[string]bool { return secrets.Load() }

// ControlPrefix is where the mock's control API lives, beside every
// vendor's paths.
const ControlPrefix = "/__mock"

// IsControl reports whether path belongs to the control API.
func IsControl(path string) bool {
	return path == ControlPrefix || strings.HasPrefix(path, ControlPrefix+"/")
}

// CredentialOf is the first secret doc holds for the named vendor's
// account, as a recording's ${credential.<vendor>.<account>} names it.
func CredentialOf(doc *vendordef.Document, vendor, account string) (string, bool) {
	v, ok := Lookup(vendor)
	if !ok || doc == nil || account == "" {
		return "", false
	}
	for _, c := range v.Credentials(doc) {
		if c.Account == account {
			return c.Value, true
		}
	}
	return "", false
}

// Secrets lists the credentials doc opens, for every registered vendor:
// the values a report must never show.
func Secrets(doc *vendordef.Document) []string {
	var out []string
	for _, v := range All() {
		for _, c := range v.Credentials(doc) {
			out = append(out, c.Value)
		}
	}
	return out
}
