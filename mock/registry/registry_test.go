package registry_test

import (
	"testing"

	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/registry"
)

func TestPathsBelongToTheLongestPrefix(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/users":               "care360",
		"/api/v1":                     "care360",
		"/api/v1/unknown":             "care360",
		"/api/v1/companies/1/users/x": "r1discover",
		"/api/v1/companies":           "r1discover",
		"/api/v1/companiesx":          "care360",
		"/v1/cl2c/user":               "cl2c",
		"/v1/cl2cx":                   "",
		"/__mock/state":               "",
		"/":                           "",
		"/api/v10/users":              "",
	} {
		if got := registry.VendorOf(path); got != want {
			t.Errorf("VendorOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestControlPaths(t *testing.T) {
	for path, want := range map[string]bool{"/__mock": true, "/__mock/state": true, "/__mockery": false, "/api/v1/users": false} {
		if got := registry.IsControl(path); got != want {
			t.Errorf("IsControl(%q) = %v", path, got)
		}
	}
}

func TestSecretHeadersComeFromTheVendors(t *testing.T) {
	for name, want := range map[string]bool{"cv-api-key": true, "X-API-KEY": true, "authorization": true, "tenant": false, "Content-Type": false} {
		if got := registry.SecretHeader(name); got != want {
			t.Errorf("SecretHeader(%q) = %v", name, got)
		}
	}
}

func TestRegisteringTwiceIsAProgrammingError(t *testing.T) {
	care360, _ := registry.Lookup("care360")
	defer func() {
		if recover() == nil {
			t.Fatal("a second care360 was accepted")
		}
	}()
	registry.Register(care360)
}

// A recording names a credential by vendor and account; the registry turns
// the name back into the secret the fixtures hold.
func TestCredentialOfAnAccount(t *testing.T) {
	doc := fixtures.Default()
	for _, tt := range []struct{ vendor, account, want string }{
		{"care360", "org_demo", "cv-demo-key"},
		{"cl2c", "tenant-demo", "cl2c-demo-key"},
		{"r1discover", "0", "r1-demo-token"},
	} {
		if got, ok := registry.CredentialOf(doc, tt.vendor, tt.account); !ok || got != tt.want {
			t.Errorf("CredentialOf(%s, %s) = %q, %v; want %q", tt.vendor, tt.account, got, ok, tt.want)
		}
	}
	for _, tt := range []struct{ vendor, account string }{
		{"care360", "no_such_org"}, {"r1discover", "99"}, {"nobody", "org_demo"}, {"care360", ""},
	} {
		if got, ok := registry.CredentialOf(doc, tt.vendor, tt.account); ok {
			t.Errorf("CredentialOf(%s, %q) = %q; want none", tt.vendor, tt.account, got)
		}
	}
}
