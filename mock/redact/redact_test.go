package redact_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/vendorsuite/contracts/mock/redact"
	"github.com/vendorsuite/contracts/mock/registry"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

func TestHeaders(t *testing.T) {
	h := http.Header{}
	for _, name := range []string{"cv-api-key", "X-API-Key", "Authorization", "Proxy-Authorization", "Cookie", "X-Mock-Control-Token", "tenant", "Content-Type"} {
		h.Set(name, "value-of-"+name)
	}
	want := map[string]string{
		"Cv-Api-Key": redact.Marker, "X-Api-Key": redact.Marker, "Authorization": redact.Marker,
		"Proxy-Authorization": redact.Marker, "Cookie": redact.Marker, "X-Mock-Control-Token": redact.Marker,
		"Tenant": "value-of-tenant", "Content-Type": "value-of-Content-Type",
	}
	if got := redact.Headers(h); !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
}

func TestQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                   "",
		"limit=10&email=a%40b.c":             "limit=10&email=a%40b.c",
		"api_key=s3cret&limit=1":             "api_key=[REDACTED]&limit=1",
		"limit=1&apiKey=s3cret":              "limit=1&apiKey=[REDACTED]",
		"access_token=abc&X-Amz-Signature=z": "access_token=[REDACTED]&X-Amz-Signature=[REDACTED]",
		"cv%2Dapi%2Dkey=s3cret":              "cv%2Dapi%2Dkey=[REDACTED]",
		"password=p&Auth=x&flag":             "password=[REDACTED]&Auth=[REDACTED]&flag",
		"sortOrder=asc&cursor=abc":           "sortOrder=asc&cursor=abc",
	} {
		if got := redact.Query(raw); got != want {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
}

// A vendor registered after the first question still has its credential
// header redacted: the set of secret headers is made again.
func TestHeaderFollowsRegistration(t *testing.T) {
	const name = "X-Redact-Test-Key"
	if redact.Header(name) {
		t.Fatalf("%s is secret before any vendor names it", name)
	}
	registry.Register(vendordef.Vendor{HTTP: vendordef.HTTP{Name: "redact-test", Prefixes: []string{"/redact-test"}, SecretHeaders: []string{"x-redact-test-key"}}})
	if !redact.Header(name) || !redact.Header("x-redact-test-KEY") {
		t.Fatalf("%s is not secret once a registered vendor carries its credential in it", name)
	}
	if !redact.Header("authorization") || redact.Header("Content-Type") {
		t.Fatal("HTTP's own secret headers changed with the registration")
	}
}
