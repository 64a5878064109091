package support

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	r1api "github.com/vendorsuite/contracts/generated/r1discover"
)

// R1 answers questions about the R1 Discover companies and tokens of the
// fixtures.
type R1 struct {
	f *mockcontrol.R1DiscoverFixtures
}

// R1 is the R1 Discover part of the fixtures.
func (t *Targets) R1() *R1 { return &R1{f: t.doc.R1discover} }

// R1User is an R1 Discover user with its company and a token that may
// manage that company.
type R1User struct {
	mockcontrol.R1User
	Company *mockcontrol.R1Company
	Token   string
}

// R1Pred selects R1 users.
type R1Pred func(R1User) bool

// R1Client selects the user of company with clientId.
func R1Client(company int, clientID string) R1Pred {
	return func(u R1User) bool { return u.Company.Id == company && u.ClientId == clientID }
}

// R1Complete selects users whose every field is set, so a spec that
// changes them can put them back.
func R1Complete(u R1User) bool {
	return u.Username != nil && u.CompanyUsername != nil && u.Email != nil && u.Location != nil &&
		u.Program != nil && u.Practitioner != nil && u.Status != nil
}

// R1Other selects users other than u.
func R1Other(not R1User) R1Pred {
	return func(u R1User) bool { return u.Company.Id != not.Company.Id || u.ClientId != not.ClientId }
}

// R1SameCompany selects users of u's company.
func R1SameCompany(of R1User) R1Pred {
	return func(u R1User) bool { return u.Company.Id == of.Company.Id }
}

// R1OtherCompany selects users of other companies than u's.
func R1OtherCompany(of R1User) R1Pred {
	return func(u R1User) bool { return u.Company.Id != of.Company.Id }
}

// Users lists the users of companies some token manages that every
// predicate selects.
func (r *R1) Users(where ...R1Pred) []R1User {
	f := r.f
	if f == nil {
		return nil
	}
	var out []R1User
	for i := range f.Companies {
		co := &f.Companies[i]
		tok := r.TokenFor(co.Id)
		if tok == "" {
			continue
		}
		for _, u := range co.Users {
			if ru := (R1User{R1User: u, Company: co, Token: tok}); selects(ru, where) {
				out = append(out, ru)
			}
		}
	}
	return out
}

// User returns the first user every predicate selects, or skips.
func (r *R1) User(what string, where ...R1Pred) R1User {
	ginkgo.GinkgoHelper()
	return first(what, r.Users(where...))
}

// TokenFor returns a token that may manage company, or "".
func (r *R1) TokenFor(company int) string {
	if r.f == nil {
		return ""
	}
	for _, tk := range r.f.Tokens {
		if slices.Contains(tk.Companies, company) {
			return tk.Token
		}
	}
	return ""
}

// TokenNotFor returns a token that may not manage company, or skips.
func (r *R1) TokenNotFor(company int) string {
	ginkgo.GinkgoHelper()
	if r.f != nil {
		for _, tk := range r.f.Tokens {
			if !slices.Contains(tk.Companies, company) {
				return tk.Token
			}
		}
	}
	need(false, fmt.Sprintf("R1 Discover token that may not manage company %d", company))
	return ""
}

// UnknownCompany returns a company id the fixtures do not define.
func (r *R1) UnknownCompany() int {
	id := 999999
	if r.f != nil {
		for _, c := range r.f.Companies {
			if c.Id >= id {
				id = c.Id + 1
			}
		}
	}
	return id
}

// Known reports whether any R1 user has this username (field "username"),
// email ("email") or, within company, company username.
func (r *R1) Known(field, value string) bool {
	return len(r.Users(func(u R1User) bool {
		var p *string
		switch field {
		case "username":
			p = u.Username
		case "email":
			p = u.Email
		}
		return p != nil && strings.EqualFold(*p, value)
	})) > 0
}

// R1Update is PUT /api/v1/companies/{companyId}/users/{clientId} for u
// with its company's token, built by the generated R1 Discover client.
func R1Update(u R1User, body any) Request {
	return Request{JSON: body, Header: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + u.Token}},
		Build: func(server string, b io.Reader) (*http.Request, error) {
			return r1api.NewUpdateCompanyUserRequestWithBody(server, u.Company.Id, u.ClientId, "application/json", b)
		}}
}

// probe is the preflight's request for R1 Discover: an update it must
// refuse, with the fixtures' token unless the target is seeded.
func (r *R1) probe(useCreds bool) (probeRequest, func(probeAnswer) string) {
	if us := r.Users(); useCreds && len(us) > 0 {
		u := us[0]
		// A username of the wrong type is refused (422) after
		// authentication, authorization and the route's company and
		// client have been checked, and before anything changes.
		return probeRequest{method: http.MethodPut, path: fmt.Sprintf("/api/v1/companies/%d/users/%s", u.Company.Id, u.ClientId),
				body: `{"username":0}`, header: http.Header{"Authorization": {"Bearer " + u.Token}, "Accept": {"application/json"}},
				with: "with a body it must refuse and the token CONTRACT_FIXTURES gives that company"},
			func(a probeAnswer) string {
				switch a.status {
				case http.StatusUnprocessableEntity:
					return ""
				case http.StatusUnauthorized:
					return "the target refused the token; CONTRACT_FIXTURES does not describe this target"
				case http.StatusForbidden:
					return "the token may not manage the company; CONTRACT_FIXTURES does not describe this target"
				case http.StatusNotFound:
					return "the company or client is not there; CONTRACT_FIXTURES does not describe this target"
				}
				return notAPI("R1 Discover update user")
			}
	}
	return probeRequest{method: http.MethodPut, path: "/api/v1/companies/1/users/contract-preflight", body: "{}", with: "without a token"},
		func(a probeAnswer) string {
			if a.status == http.StatusUnauthorized {
				return ""
			}
			return notAPI("R1 Discover update user")
		}
}
