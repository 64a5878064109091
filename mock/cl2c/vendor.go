package cl2c

import (
	"fmt"
	"net/http"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// The headers as http.Header keys them, so reading them allocates
// nothing.
var (
	canonicalKey    = http.CanonicalHeaderKey(APIKeyHeader)
	canonicalTenant = http.CanonicalHeaderKey(TenantHeader)
)

// Name is the vendor's name in the registry, the fixture document and
// the journal.
const Name = "cl2c"

// Spec is CL2C as the mock's registry knows it: paths under /v1/cl2c, the
// tenant and X-API-Key headers, the fixture document's cl2c section.
var Spec = vendordef.Spec[mockcontrol.Cl2cFixtures, *Store]{
	HTTP: vendordef.HTTP{
		Name:          Name,
		Prefixes:      []string{"/v1/cl2c"},
		SecretHeaders: []string{APIKeyHeader},
		Headers:       []string{TenantHeader},
		Credential: func(req *http.Request) vendordef.Credential {
			return vendordef.Credential{Vendor: Name, Value: req.Header.Get(canonicalKey), Scope: req.Header.Get(canonicalTenant)}
		},
		Render: Render,
	},
	Register:   Register,
	Section:    func(doc *vendordef.Document) *mockcontrol.Cl2cFixtures { return doc.Cl2c },
	SetSection: func(doc *vendordef.Document, s *mockcontrol.Cl2cFixtures) { doc.Cl2c = s },
	Build:      Build,
	Export:     (*Store).Export,
	Summarize:  func(s *Store, sum *vendordef.Summary) { sum.Cl2c = s.Summary() },
	Merge:      Merge,
	AccountOf:  func(s *Store, c vendordef.Credential) string { return s.AccountOf(c.Scope, c.Value) },
	Credentials: func(f *mockcontrol.Cl2cFixtures) []vendordef.Credential {
		var out []vendordef.Credential
		for _, t := range f.Tenants {
			for _, k := range t.ApiKeys {
				out = append(out, vendordef.Credential{Vendor: Name, Value: k, Scope: t.Id, Account: t.Id})
			}
		}
		return out
	},
	Accounts: func(f *mockcontrol.Cl2cFixtures) []vendordef.Account {
		out := make([]vendordef.Account, len(f.Tenants))
		for i, t := range f.Tenants {
			out[i] = vendordef.Account{Path: fmt.Sprintf("tenants[%d]", i), Users: len(t.Users)}
		}
		return out
	},
}
