package support

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
)

// need skips the spec when ok is false, naming what the fixtures lack.
func need(ok bool, what string) {
	ginkgo.GinkgoHelper()
	if !ok {
		Skip("fixtures have no " + what)
	}
}

// ---- Care360 ----

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

// care360Org is the organization the Care360 specs act as, nil when the
// fixtures have none.
func (t *Targets) care360Org() *mockcontrol.Care360Organization { return t.Care360().org() }

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
	next:
		for _, u := range o.Users {
			cu := C360User{Care360User: u, Org: o}
			for _, p := range where {
				if !p(cu) {
					continue next
				}
			}
			out = append(out, cu)
		}
	}
	return out
}

// User returns the first user every predicate selects, or skips the spec
// with "fixtures have no <what>".
func (c *C360) User(what string, where ...C360Pred) C360User {
	ginkgo.GinkgoHelper()
	us := c.Users(where...)
	need(len(us) > 0, what)
	return us[0]
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

// ---- CL2C ----

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

// Cl2cUsers lists the CL2C users of tenants with an API key that every
// predicate selects.
func (t *Targets) Cl2cUsers(where ...Cl2cPred) []Cl2cUser {
	if t.doc.Cl2c == nil {
		return nil
	}
	var out []Cl2cUser
	for i := range t.doc.Cl2c.Tenants {
		tn := &t.doc.Cl2c.Tenants[i]
		if len(tn.ApiKeys) == 0 {
			continue
		}
	next:
		for _, u := range tn.Users {
			cu := Cl2cUser{Cl2cUser: u, Tenant: tn}
			for _, p := range where {
				if !p(cu) {
					continue next
				}
			}
			out = append(out, cu)
		}
	}
	return out
}

// Cl2cUser returns the first CL2C user every predicate selects, or skips.
func (t *Targets) Cl2cUser(what string, where ...Cl2cPred) Cl2cUser {
	ginkgo.GinkgoHelper()
	us := t.Cl2cUsers(where...)
	need(len(us) > 0, what)
	return us[0]
}

// Cl2cOtherKey returns an API key of a tenant other than tn, or skips.
func (t *Targets) Cl2cOtherKey(tn *mockcontrol.Cl2cTenant) string {
	ginkgo.GinkgoHelper()
	if t.doc.Cl2c != nil {
		for _, o := range t.doc.Cl2c.Tenants {
			if o.Id != tn.Id && len(o.ApiKeys) > 0 {
				return o.ApiKeys[0]
			}
		}
	}
	need(false, "second CL2C tenant with an API key")
	return ""
}

// ---- R1 Discover ----

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
	return func(u R1User) bool { return !(u.Company.Id == not.Company.Id && u.ClientId == not.ClientId) }
}

// R1SameCompany selects users of u's company.
func R1SameCompany(of R1User) R1Pred {
	return func(u R1User) bool { return u.Company.Id == of.Company.Id }
}

// R1OtherCompany selects users of other companies than u's.
func R1OtherCompany(of R1User) R1Pred {
	return func(u R1User) bool { return u.Company.Id != of.Company.Id }
}

// R1Users lists the users of companies some token manages that every
// predicate selects.
func (t *Targets) R1Users(where ...R1Pred) []R1User {
	f := t.doc.R1discover
	if f == nil {
		return nil
	}
	var out []R1User
	for i := range f.Companies {
		co := &f.Companies[i]
		tok := t.R1TokenFor(co.Id)
	next:
		for _, u := range co.Users {
			ru := R1User{R1User: u, Company: co, Token: tok}
			if tok == "" {
				continue
			}
			for _, p := range where {
				if !p(ru) {
					continue next
				}
			}
			out = append(out, ru)
		}
	}
	return out
}

// R1User returns the first user every predicate selects, or skips.
func (t *Targets) R1User(what string, where ...R1Pred) R1User {
	ginkgo.GinkgoHelper()
	us := t.R1Users(where...)
	need(len(us) > 0, what)
	return us[0]
}

// R1TokenFor returns a token that may manage company, or "".
func (t *Targets) R1TokenFor(company int) string {
	if t.doc.R1discover == nil {
		return ""
	}
	for _, tk := range t.doc.R1discover.Tokens {
		if slices.Contains(tk.Companies, company) {
			return tk.Token
		}
	}
	return ""
}

// R1TokenNotFor returns a token that may not manage company, or skips.
func (t *Targets) R1TokenNotFor(company int) string {
	ginkgo.GinkgoHelper()
	if t.doc.R1discover != nil {
		for _, tk := range t.doc.R1discover.Tokens {
			if !slices.Contains(tk.Companies, company) {
				return tk.Token
			}
		}
	}
	need(false, fmt.Sprintf("R1 Discover token that may not manage company %d", company))
	return ""
}

// R1UnknownCompany returns a company id the fixtures do not define.
func (t *Targets) R1UnknownCompany() int {
	id := 999999
	if t.doc.R1discover != nil {
		for _, c := range t.doc.R1discover.Companies {
			if c.Id >= id {
				id = c.Id + 1
			}
		}
	}
	return id
}

// R1Known reports whether any R1 user has this username (field "username"),
// email ("email") or, within company, company username.
func (t *Targets) R1Known(field, value string) bool {
	return len(t.R1Users(func(u R1User) bool {
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

// skipSignal carries a Skip out of Try.
type skipSignal struct{ reason string }

// trying is set while Try runs; specs run one at a time per process.
var trying bool

// Skip skips the spec with reason, or, inside Try, hands the reason back
// to Try instead.
func Skip(reason string) {
	ginkgo.GinkgoHelper()
	if trying {
		panic(skipSignal{reason})
	}
	ginkgo.Skip(reason)
}

// Try runs fn and returns the reason it skipped for ("" when it did not).
// An Ordered container's BeforeAll uses it: a Skip there would leave every
// later spec with ginkgo's reasonless "Skip() was called in BeforeAll",
// so each spec skips with the reason itself.
func Try(fn func()) (reason string) {
	trying = true
	defer func() {
		trying = false
		if r := recover(); r != nil {
			s, ok := r.(skipSignal)
			if !ok {
				panic(r)
			}
			reason = s.reason
		}
	}()
	fn()
	return ""
}
