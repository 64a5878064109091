package care360

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/google/btree"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/internal/fixturemerge"
	"github.com/vendorsuite/contracts/mock/validation"
)

// Fixture defaults for what a document leaves out. Generated values depend
// only on the document, so a reset reproduces the startup world exactly.
var (
	// baseCreatedAt is the createdAt of the first user without one; each
	// further such user is one second later.
	baseCreatedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	knownStatuses = map[string]bool{"Created": true, "Pending": true, "Cancelled": true}
)

func init() {
	for s := range lockingStatuses {
		knownStatuses[s] = true
	}
}

// generatedID derives a stable 28-character id from the parts.
func generatedID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))[:28]
}

// Build makes a store from the care360 section of a fixture document, or
// lists every problem in it.
func Build(f *mockcontrol.Care360Fixtures) (*Store, []string) {
	s := newStore()
	if f == nil {
		return s, nil
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	orgIDs := map[string]bool{}
	userIDs := map[string]bool{}
	caseIDs := map[string]bool{}
	nextCreated := baseCreatedAt
	for oi, fo := range f.Organizations {
		at := fmt.Sprintf("care360.organizations[%d]", oi)
		o := &org{name: fo.Name, apiKeys: slices.Clone(fo.ApiKeys), byEmail: btree.NewG(32, lessEmail)}
		if fo.Id != nil && *fo.Id != "" {
			o.id = *fo.Id
		} else {
			o.id = "org_" + hex.EncodeToString([]byte(generatedID(append([]string{fo.Name}, fo.ApiKeys...)...)))[:16]
		}
		// A generated id repeats only with a repeated name and keys; an
		// organization without a name is reported for that alone.
		if orgIDs[o.id] && (fo.Name != "" || (fo.Id != nil && *fo.Id != "")) {
			bad("%s.id: duplicate organization id %s", at, o.id)
		}
		if fo.Name == "" {
			bad("%s.name is required for a new organization", at)
		}
		orgIDs[o.id] = true
		for ki, key := range fo.ApiKeys {
			if key == "" {
				bad("%s.apiKeys[%d]: empty API key", at, ki)
				continue
			}
			if _, dup := s.orgByKey[key]; dup {
				bad("%s.apiKeys[%d]: duplicate API key %s", at, ki, key)
				continue
			}
			s.orgByKey[key] = o
		}
		for ui, fu := range fo.Users {
			uat := fmt.Sprintf("%s.users[%d]", at, ui)
			u, userProblems := userFromFixture(fu, o, uat, &nextCreated)
			problems = append(problems, userProblems...)
			// A generated id repeats only with a repeated email, which is
			// reported below.
			if userIDs[u.id] && fu.Id != nil && *fu.Id != "" {
				bad("%s.id: duplicate user id %s", uat, u.id)
			}
			userIDs[u.id] = true
			if u.emailKey == "" {
				bad("%s.email: empty email", uat)
			} else if _, dup := s.byEmail[u.emailKey]; dup {
				bad("%s.email: duplicate email %s", uat, u.email)
			}
			s.byEmail[u.emailKey] = u
			if phone, ok := u.get(fPhoneNumber); ok {
				if _, dup := s.byPhone[phone]; dup {
					bad("%s.phoneNumber: duplicate phone number %s", uat, phone)
				}
				s.byPhone[phone] = u
			}
			for ci := range u.cases {
				c := &u.cases[ci]
				if c.ID == "" {
					c.ID = "case_" + generatedID(u.id, fmt.Sprint(ci))[:12]
				}
				if caseIDs[c.ID] {
					bad("%s.cases[%d].id: duplicate case id %s", uat, ci, c.ID)
				}
				caseIDs[c.ID] = true
			}
			o.users = append(o.users, u)
			o.byEmail.ReplaceOrInsert(u)
		}
		o.byTime = slices.Clone(o.users)
		slices.SortFunc(o.byTime, func(a, b *user) int {
			if less(a, b) {
				return -1
			}
			return 1
		})
		s.orgs = append(s.orgs, o)
	}
	for ai, id := range f.AuthIdentities {
		key := emailKey(id.Email)
		at := fmt.Sprintf("care360.authIdentities[%d].email", ai)
		switch {
		case key == "":
			bad("%s: empty email", at)
		case s.byEmail[key] != nil:
			bad("%s: %s is a database user's email; every database user already has an identity", at, id.Email)
		default:
			if _, dup := s.authOnly[key]; dup {
				bad("%s: duplicate identity %s", at, id.Email)
			}
			s.authOnly[key] = id.Email
		}
	}
	s.authOrder = f.AuthIdentities
	return s, problems
}

func userFromFixture(fu mockcontrol.Care360User, o *org, at string, nextCreated *time.Time) (*user, []string) {
	var problems []string
	u := &user{profile: profile{email: fu.Email}, emailKey: emailKey(fu.Email), role: "USER", org: o}
	if fu.Role != nil {
		u.role = *fu.Role
	}
	if fu.Id != nil && *fu.Id != "" {
		u.id = *fu.Id
	} else {
		u.id = generatedID(o.id, u.emailKey)
	}
	if fu.CreatedAt != nil {
		t, err := time.Parse(time.RFC3339Nano, *fu.CreatedAt)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s.createdAt: %q is not an RFC 3339 date-time", at, *fu.CreatedAt))
		}
		u.createdAt = t.UTC().Truncate(time.Millisecond)
	} else {
		u.createdAt = *nextCreated
		*nextCreated = nextCreated.Add(time.Second)
	}
	for f, v := range map[field]*string{
		fFirstName: fu.FirstName, fLastName: fu.LastName, fDob: fu.Dob, fPhoneNumber: fu.PhoneNumber,
		fGender: fu.Gender, fAddress: fu.Address, fAddress2: fu.Address2, fCity: fu.City, fState: fu.State,
		fCountry: fu.Country, fPostalCode: fu.PostalCode, fAllergies: fu.Allergies,
		fCurrentMedications: fu.CurrentMedications, fHealthConditions: fu.HealthConditions,
	} {
		if v != nil {
			u.put(f, *v)
		}
	}
	if dob, ok := u.get(fDob); ok && !validation.IsDate(dob) {
		problems = append(problems, fmt.Sprintf("%s.dob: %q is not a YYYY-MM-DD date", at, dob))
	}
	if fu.LanguagePreferences != nil {
		u.languages, u.hasLang = slices.Clone(fu.LanguagePreferences), true
	}
	if c := fu.Communication; c != nil {
		u.comm = &communication{}
		if c.SmsNotificationsDisabled != nil {
			u.comm.sms = *c.SmsNotificationsDisabled
		}
		if c.NotificationsDisabled != nil {
			u.comm.all = *c.NotificationsDisabled
		}
	}
	for ci, fc := range fu.Cases {
		c := Case{Status: string(fc.Status)}
		if fc.Id != nil {
			c.ID = *fc.Id
		}
		if !knownStatuses[c.Status] {
			problems = append(problems, fmt.Sprintf("%s.cases[%d].status: unknown case status %q", at, ci, c.Status))
		}
		u.cases = append(u.cases, c)
	}
	return u, problems
}

// Export writes the store as the care360 section of a fixture document;
// every generated value is written out, so Build(Export()) is the same
// world.
func (s *Store) Export() *mockcontrol.Care360Fixtures {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := &mockcontrol.Care360Fixtures{}
	for _, o := range s.orgs {
		id := o.id
		fo := mockcontrol.Care360Organization{Id: &id, Name: o.name, ApiKeys: slices.Clone(o.apiKeys)}
		for _, u := range o.users {
			fo.Users = append(fo.Users, u.fixture())
		}
		out.Organizations = append(out.Organizations, fo)
	}
	for _, id := range s.authOrder {
		if _, still := s.authOnly[emailKey(id.Email)]; still {
			out.AuthIdentities = append(out.AuthIdentities, id)
		}
	}
	return out
}

func (u *user) fixture() mockcontrol.Care360User {
	id, role, created := u.id, u.role, u.createdAt.Format(cursorTime)
	fu := mockcontrol.Care360User{
		Id: &id, Email: u.email, Role: &role, CreatedAt: &created,
		FirstName: u.ptr(fFirstName), LastName: u.ptr(fLastName), Dob: u.ptr(fDob), Gender: u.ptr(fGender),
		PhoneNumber: u.ptr(fPhoneNumber), Address: u.ptr(fAddress), Address2: u.ptr(fAddress2),
		City: u.ptr(fCity), State: u.ptr(fState), Country: u.ptr(fCountry), PostalCode: u.ptr(fPostalCode),
		Allergies: u.ptr(fAllergies), CurrentMedications: u.ptr(fCurrentMedications),
		HealthConditions: u.ptr(fHealthConditions),
	}
	if u.hasLang {
		fu.LanguagePreferences = slices.Clone(u.languages)
		if fu.LanguagePreferences == nil {
			fu.LanguagePreferences = []string{}
		}
	}
	if u.comm != nil {
		sms, all := u.comm.sms, u.comm.all
		fu.Communication = &mockcontrol.Care360Communication{SmsNotificationsDisabled: &sms, NotificationsDisabled: &all}
	}
	for _, c := range u.cases {
		id := c.ID
		fu.Cases = append(fu.Cases, mockcontrol.Care360Case{Id: &id, Status: mockcontrol.Care360CaseStatus(c.Status)})
	}
	return fu
}

// Summary counts the store's records.
func (s *Store) Summary() mockcontrol.Care360Summary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return mockcontrol.Care360Summary{Organizations: len(s.orgs), Users: len(s.byEmail), AuthIdentities: len(s.authOnly)}
}

// Merge adds add's organizations, users and identities to base. An
// organization of add whose id is in base gets its users and the keys it
// lacks added to that organization, whose name is kept; it needs no name
// or keys of its own. Conflicts, two organizations of add with one id
// among them, are left for Build to report.
func Merge(base, add *mockcontrol.Care360Fixtures) *mockcontrol.Care360Fixtures {
	out := &mockcontrol.Care360Fixtures{}
	if base != nil {
		out.Organizations = slices.Clone(base.Organizations)
		out.AuthIdentities = slices.Clone(base.AuthIdentities)
	}
	if add == nil {
		return out
	}
	out.Organizations = fixturemerge.ByKey(out.Organizations, add.Organizations,
		func(o mockcontrol.Care360Organization) (string, bool) {
			if o.Id == nil {
				return "", false
			}
			return *o.Id, true
		},
		func(o *mockcontrol.Care360Organization, more mockcontrol.Care360Organization) {
			o.ApiKeys = fixturemerge.Union(o.ApiKeys, more.ApiKeys, fixturemerge.Equal[string])
			o.Users = append(slices.Clone(o.Users), more.Users...)
		})
	out.AuthIdentities = append(out.AuthIdentities, add.AuthIdentities...)
	return out
}
