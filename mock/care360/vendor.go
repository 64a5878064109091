package care360

import (
	"fmt"
	"net/http"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/internal/ptr"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// canonicalKey is APIKeyHeader as http.Header keys it, so reading it
// allocates nothing.
var canonicalKey = http.CanonicalHeaderKey(APIKeyHeader)

// Name is the vendor's name in the registry, the fixture document and
// the journal.
const Name = "care360"

// Spec is Care360 as the mock's registry knows it: every path under
// /api/v1 that R1 Discover does not own, the cv-api-key header, the
// fixture document's care360 section.
var Spec = vendordef.Spec[mockcontrol.Care360Fixtures, *Store]{
	HTTP: vendordef.HTTP{
		Name:          Name,
		Prefixes:      []string{"/api/v1"},
		SecretHeaders: []string{APIKeyHeader},
		Credential: func(req *http.Request) vendordef.Credential {
			return vendordef.Credential{Vendor: Name, Value: req.Header.Get(canonicalKey)}
		},
		Render: Render,
	},
	Register:   Register,
	Section:    func(doc *vendordef.Document) *mockcontrol.Care360Fixtures { return doc.Care360 },
	SetSection: func(doc *vendordef.Document, s *mockcontrol.Care360Fixtures) { doc.Care360 = s },
	Build:      Build,
	Export:     (*Store).Export,
	Summarize:  func(s *Store, sum *vendordef.Summary) { sum.Care360 = s.Summary() },
	Merge:      Merge,
	AccountOf:  func(s *Store, c vendordef.Credential) string { return s.AccountOf(c.Value) },
	Credentials: func(f *mockcontrol.Care360Fixtures) []vendordef.Credential {
		var out []vendordef.Credential
		for _, o := range f.Organizations {
			for _, k := range o.ApiKeys {
				if k != "" {
					out = append(out, vendordef.Credential{Vendor: Name, Value: k, Account: ptr.Deref(o.Id)})
				}
			}
		}
		return out
	},
	Accounts: func(f *mockcontrol.Care360Fixtures) []vendordef.Account {
		out := make([]vendordef.Account, len(f.Organizations))
		for i, o := range f.Organizations {
			out[i] = vendordef.Account{Path: fmt.Sprintf("organizations[%d]", i), Users: len(o.Users)}
		}
		return out
	},
}
