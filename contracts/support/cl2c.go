package support

import (
	"io"
	"net/http"

	"github.com/onsi/ginkgo/v2"

	cl2capi "github.com/vendorsuite/contracts/generated/cl2c"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
)

// Cl2c answers questions about the CL2C tenants of the fixtures.
type Cl2c struct{ f *mockcontrol.Cl2cFixtures }

// Cl2c is the CL2C part of the fixtures.
func (t *Targets) Cl2c() *Cl2c { return &Cl2c{f: t.doc.Cl2c} }

// Cl2cUser is a CL2C user with the tenant that holds it.
type Cl2cUser struct {
	mockcontrol.Cl2cUser
	Tenant *mockcontrol.Cl2cTenant
}

// Cl2cPred selects CL2C users.
type Cl2cPred func(Cl2cUser) bool

// Cl2cUserWithNames selects users with first name, last name and phone
// number set, whose profile a spec can restore.
func Cl2cUserWithNames(u Cl2cUser) bool {
	return u.FirstName != nil && u.LastName != nil && u.PhoneNumber != nil && *u.FirstName != "" && *u.LastName != ""
}

// Cl2cUserID selects the user with this id.
func Cl2cUserID(id string) Cl2cPred { return func(u Cl2cUser) bool { return u.Id == id } }

// Cl2cTenantID selects users of the tenant with this id.
func Cl2cTenantID(id string) Cl2cPred { return func(u Cl2cUser) bool { return u.Tenant.Id == id } }

// Users lists the CL2C users of tenants with an API key that every
// predicate selects.
func (c *Cl2c) Users(where ...Cl2cPred) []Cl2cUser {
	if c.f == nil {
		return nil
	}
	var out []Cl2cUser
	for i := range c.f.Tenants {
		tn := &c.f.Tenants[i]
		if len(tn.ApiKeys) == 0 {
			continue
		}
		for _, u := range tn.Users {
			if cu := (Cl2cUser{Cl2cUser: u, Tenant: tn}); selects(cu, where) {
				out = append(out, cu)
			}
		}
	}
	return out
}

// User returns the first CL2C user every predicate selects, or skips.
func (c *Cl2c) User(what string, where ...Cl2cPred) Cl2cUser {
	ginkgo.GinkgoHelper()
	return first(what, c.Users(where...))
}

// OtherKey returns an API key of a tenant other than tn, or skips.
func (c *Cl2c) OtherKey(tn *mockcontrol.Cl2cTenant) string {
	ginkgo.GinkgoHelper()
	if c.f != nil {
		for _, o := range c.f.Tenants {
			if o.Id != tn.Id && len(o.ApiKeys) > 0 {
				return o.ApiKeys[0]
			}
		}
	}
	need(false, "second CL2C tenant with an API key")
	return ""
}

// Cl2cUpdate is PUT /v1/cl2c/user with body for u's tenant and the
// tenant's first key, built by the generated CL2C client.
func Cl2cUpdate(u Cl2cUser, body any) Request {
	return Request{JSON: body, Header: http.Header{"Tenant": {u.Tenant.Id}, "X-Api-Key": {u.Tenant.ApiKeys[0]}},
		Build: func(server string, b io.Reader) (*http.Request, error) {
			return cl2capi.NewUpdateUserRequestWithBody(server, "application/json", b)
		}}
}

// probe is the preflight's request for CL2C: an empty update, which
// changes nothing, with the fixtures' tenant and key unless the target is
// seeded.
func (c *Cl2c) probe(useCreds bool) (probeRequest, func(probeAnswer) string) {
	if us := c.Users(); useCreds && len(us) > 0 {
		tn := us[0].Tenant
		return probeRequest{method: http.MethodPut, path: "/v1/cl2c/user", body: "{}",
				header: http.Header{"Tenant": {tn.Id}, "X-Api-Key": {tn.ApiKeys[0]}},
				with:   "with an empty body and the key CONTRACT_FIXTURES gives tenant " + tn.Id},
			func(a probeAnswer) string {
				switch a.status {
				case http.StatusBadRequest:
					return ""
				case http.StatusUnauthorized:
					return "the target refused the tenant and key; CONTRACT_FIXTURES does not describe this target"
				}
				return notAPI("CL2C user")
			}
	}
	return probeRequest{method: http.MethodPut, path: "/v1/cl2c/user", body: "{}", with: "without tenant and key"},
		func(a probeAnswer) string {
			if a.status == http.StatusUnauthorized {
				return ""
			}
			return notAPI("CL2C user")
		}
}
