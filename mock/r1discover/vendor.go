package r1discover

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// Name is the vendor's name in the registry, the fixture document and
// the journal.
const Name = "r1discover"

// Spec is R1 Discover as the mock's registry knows it: paths under
// /api/v1/companies (and the rest of /api/v1 when Care360 is not served),
// the Authorization bearer token, the fixture document's r1discover
// section.
var Spec = vendordef.Spec[mockcontrol.R1DiscoverFixtures, *Store]{
	HTTP: vendordef.HTTP{
		Name:          Name,
		Prefixes:      []string{"/api/v1/companies"},
		Shares:        []string{"/api/v1"},
		SecretHeaders: []string{echo.HeaderAuthorization},
		SecretPrefix:  map[string]string{echo.HeaderAuthorization: "Bearer "},
		Credential: func(req *http.Request) vendordef.Credential {
			return vendordef.Credential{Vendor: Name, Value: bearerToken(req)}
		},
		Render: Render,
	},
	Register:   Register,
	Section:    func(doc *vendordef.Document) *mockcontrol.R1DiscoverFixtures { return doc.R1discover },
	SetSection: func(doc *vendordef.Document, s *mockcontrol.R1DiscoverFixtures) { doc.R1discover = s },
	Build:      Build,
	Export:     (*Store).Export,
	Summarize:  func(s *Store, sum *vendordef.Summary) { sum.R1discover = s.Summary() },
	Merge:      Merge,
	AccountOf:  func(s *Store, c vendordef.Credential) string { return s.AccountOf(c.Value) },
	Credentials: func(f *mockcontrol.R1DiscoverFixtures) []vendordef.Credential {
		var out []vendordef.Credential
		for i, t := range f.Tokens {
			if t.Token != "" {
				out = append(out, vendordef.Credential{Vendor: Name, Value: t.Token, Account: strconv.Itoa(i)})
			}
		}
		return out
	},
	Accounts: func(f *mockcontrol.R1DiscoverFixtures) []vendordef.Account {
		out := make([]vendordef.Account, len(f.Companies))
		for i, c := range f.Companies {
			out[i] = vendordef.Account{Path: fmt.Sprintf("companies[%d]", i), Users: len(c.Users)}
		}
		return out
	},
}
