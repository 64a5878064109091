package registry_test

import (
	"testing"

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
