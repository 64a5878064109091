package support

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"

	care360api "github.com/vendorsuite/contracts/generated/care360"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
)

// C360 answers questions about the Care360 accounts of the fixtures.
type C360 struct{ f *mockcontrol.Care360Fixtures }

// C360User is a Care360 user with the organization that holds it.
type C360User struct {
	mockcontrol.Care360User
	Org *mockcontrol.Care360Organization
}

// Role is the user's role (USER when the fixtures leave it out).
func (u C360User) Role() string {
	if u.Care360User.Role == nil {
		return "USER"
	}
	return *u.Care360User.Role
}

// Locked reports whether a case in a locking status freezes the user's
// demographic fields.
func (u C360User) Locked() bool {
	return slices.ContainsFunc(u.Cases, func(c mockcontrol.Care360Case) bool { return LockingCaseStatus(c.Status) })
}

// LockingCaseStatus reports whether a case status locks the demographic fields.
func LockingCaseStatus(s mockcontrol.Care360CaseStatus) bool {
	switch string(s) {
	case "Approved", "Assigned", "InProgress", "NoDecision", "Rejected":
		return true
	}
	return false
}

// Care360 returns the Care360 fixture queries.
func (t *Targets) Care360() *C360 {
	f := t.doc.Care360
	if f == nil {
		f = &mockcontrol.Care360Fixtures{}
	}
	return &C360{f: f}
}

// Org is the organization the Care360 specs act as: the first one with an
// API key and a user of role USER. Its first API key is the one sent.
func (c *C360) Org() *mockcontrol.Care360Organization {
	ginkgo.GinkgoHelper()
	o := c.org()
	need(o != nil, "Care360 organization with an API key and a USER")
	return o
}

// org is Org without skipping: nil when the fixtures have none.
func (c *C360) org() *mockcontrol.Care360Organization {
	for i := range c.f.Organizations {
		o := &c.f.Organizations[i]
		if len(o.ApiKeys) > 0 && slices.ContainsFunc(o.Users, func(u mockcontrol.Care360User) bool { return u.Role == nil || *u.Role == "USER" }) {
			return o
		}
	}
	return nil
}

func orgName(o *mockcontrol.Care360Organization) string {
	if o.Id != nil {
		return *o.Id
	}
	return fmt.Sprintf("%q", o.Name)
}

// Key is the API key of Org.
func (c *C360) Key() string {
	ginkgo.GinkgoHelper()
	return c.Org().ApiKeys[0]
}

// C360Pred selects users.
type C360Pred func(C360User) bool

// InOrg selects users of the acting organization.
func (c *C360) InOrg() C360Pred {
	org := c.Org()
	return func(u C360User) bool { return u.Org == org }
}

// OutsideOrg selects users of other organizations.
func (c *C360) OutsideOrg() C360Pred {
	org := c.Org()
	return func(u C360User) bool { return u.Org != org }
}

// WithRole selects users of the role.
func WithRole(role string) C360Pred { return func(u C360User) bool { return u.Role() == role } }

// NotRole selects users of any other role.
func NotRole(role string) C360Pred { return func(u C360User) bool { return u.Role() != role } }

// Locked selects users whose demographic fields are locked.
func Locked(u C360User) bool { return u.Locked() }

// Unlocked selects users free to change every field.
func Unlocked(u C360User) bool { return !u.Locked() }

// WithPhone selects users with a phone number.
func WithPhone(u C360User) bool { return u.PhoneNumber != nil && *u.PhoneNumber != "" }

// Other selects users other than those given.
func Other(not ...C360User) C360Pred {
	return func(u C360User) bool {
		return !slices.ContainsFunc(not, func(n C360User) bool { return strings.EqualFold(n.Email, u.Email) })
	}
}

// WithEmail selects the user with this email.
func WithEmail(email string) C360Pred {
	return func(u C360User) bool { return strings.EqualFold(u.Email, email) }
}

// WithProfile selects users whose named profile fields are all set, so a
// spec that changes them can put the old values back.
func WithProfile(fields ...string) C360Pred {
	return func(u C360User) bool {
		v := ProfileOf(u.Care360User)
		for _, f := range fields {
			if v[f] == nil {
				return false
			}
		}
		return true
	}
}

// Users lists the users every predicate selects, in fixture order.
func (c *C360) Users(where ...C360Pred) []C360User {
	var out []C360User
	for i := range c.f.Organizations {
		o := &c.f.Organizations[i]
		for _, u := range o.Users {
			if cu := (C360User{Care360User: u, Org: o}); selects(cu, where) {
				out = append(out, cu)
			}
		}
	}
	return out
}

// User returns the first user every predicate selects, or skips the spec
// with "fixtures have no <what>".
func (c *C360) User(what string, where ...C360Pred) C360User {
	ginkgo.GinkgoHelper()
	return first(what, c.Users(where...))
}

// AuthOnlyEmail is an email the authentication service holds with no
// database user behind it.
func (c *C360) AuthOnlyEmail() string {
	ginkgo.GinkgoHelper()
	need(len(c.f.AuthIdentities) > 0, "Care360 email held only by an authentication identity")
	return c.f.AuthIdentities[0].Email
}

// UnknownEmail returns an email no user or identity of the fixtures has.
func (c *C360) UnknownEmail(local string) string {
	for i := 0; ; i++ {
		e := fmt.Sprintf("%s@contract-suite.invalid", local)
		if i > 0 {
			e = fmt.Sprintf("%s%d@contract-suite.invalid", local, i)
		}
		if !c.EmailKnown(e) {
			return e
		}
	}
}

// EmailKnown reports whether any user or identity has email.
func (c *C360) EmailKnown(email string) bool {
	if len(c.Users(WithEmail(email))) > 0 {
		return true
	}
	return slices.ContainsFunc(c.f.AuthIdentities, func(a mockcontrol.Care360AuthIdentity) bool { return strings.EqualFold(a.Email, email) })
}

// PhoneKnown reports whether any user has phone.
func (c *C360) PhoneKnown(phone string) bool {
	return len(c.Users(func(u C360User) bool { return u.PhoneNumber != nil && *u.PhoneNumber == phone })) > 0
}

// UnknownPhone returns a phone number no user of the fixtures has.
func (c *C360) UnknownPhone() string {
	for i := 0; ; i++ {
		p := fmt.Sprintf("+1555987%04d", i)
		if !c.PhoneKnown(p) {
			return p
		}
	}
}

// ProfileOf lists the profile fields of a fixture user as the update
// request names them (nil for unset ones).
func ProfileOf(u mockcontrol.Care360User) map[string]any {
	s := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	m := map[string]any{
		"email": u.Email, "firstName": s(u.FirstName), "lastName": s(u.LastName), "dob": s(u.Dob),
		"phoneNumber": s(u.PhoneNumber), "gender": s(u.Gender), "address": s(u.Address), "address2": s(u.Address2),
		"city": s(u.City), "state": s(u.State), "country": s(u.Country), "postalCode": s(u.PostalCode),
		"allergies": s(u.Allergies), "currentMedications": s(u.CurrentMedications), "healthConditions": s(u.HealthConditions),
	}
	if u.LanguagePreferences != nil {
		m["languagePreferences"] = u.LanguagePreferences
	} else {
		m["languagePreferences"] = []string{}
	}
	return m
}

// Care360Update is POST /api/v1/users with body (an UPDATE_PROFILE or
// UPDATE_EMAIL action), built by the generated Care360 client.
func Care360Update(body any) Request {
	return Request{JSON: body, Build: func(server string, b io.Reader) (*http.Request, error) {
		return care360api.NewUpdateUserRequestWithBody(server, "application/json", b)
	}}
}

// Care360List is GET /api/v1/users with params, built by the generated
// Care360 client.
func Care360List(params care360api.GetUsersParams) Request {
	return Request{Build: func(server string, _ io.Reader) (*http.Request, error) {
		return care360api.NewGetUsersRequest(server, &params)
	}}
}

// probe is the preflight's request for Care360: a page of users, with the
// fixtures' key unless the target is seeded.
func (c *C360) probe(useCreds bool) (probeRequest, func(probeAnswer) string) {
	org := c.org()
	if useCreds && org != nil {
		return probeRequest{method: http.MethodGet, path: "/api/v1/users?limit=1",
				header: http.Header{"Cv-Api-Key": {org.ApiKeys[0]}}, with: "with the key CONTRACT_FIXTURES gives organization " + orgName(org)},
			func(a probeAnswer) string {
				if a.status == http.StatusOK {
					return ""
				}
				if a.status == http.StatusBadRequest && strings.Contains(a.body, "cv-api-key") {
					return "the target refused the key; CONTRACT_FIXTURES does not describe this target"
				}
				return notAPI("Care360 users")
			}
	}
	return probeRequest{method: http.MethodGet, path: "/api/v1/users?limit=1", with: "without a key"},
		func(a probeAnswer) string {
			if a.status == http.StatusBadRequest && strings.Contains(a.body, "Missing cv-api-key header") {
				return ""
			}
			return notAPI("Care360 users")
		}
}
