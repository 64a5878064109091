package r1discover

import (
	"fmt"
	"slices"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/internal/fixturemerge"
	"github.com/vendorsuite/contracts/mock/internal/ptr"
)

// Build makes a store from the r1discover section of a fixture document,
// or lists every problem in it; the store is only usable when there are
// none.
func Build(f *mockcontrol.R1DiscoverFixtures) (*Store, []string) {
	s := newStore()
	if f == nil {
		return s, nil
	}
	// Sizing the global indexes up front saves rehashing large worlds.
	total := 0
	for _, fc := range f.Companies {
		total += len(fc.Users)
	}
	s.byUsername = make(map[string]*user, total)
	s.byEmail = make(map[string]*user, total)
	// Tokens name companies, so companies are read first; the problems are
	// still reported in document order, tokens first.
	var companyProblems, tokenProblems []string
	for ci, fc := range f.Companies {
		companyProblems = append(companyProblems, s.addCompany(fmt.Sprintf("r1discover.companies[%d]", ci), fc)...)
	}
	for ti, ft := range f.Tokens {
		at := fmt.Sprintf("r1discover.tokens[%d]", ti)
		bad := func(format string, args ...any) {
			tokenProblems = append(tokenProblems, fmt.Sprintf(format, args...))
		}
		t := &token{value: ft.Token, companies: slices.Clone(ft.Companies), may: map[int]bool{}}
		switch {
		case t.value == "":
			bad("%s.token: empty token", at)
		case s.byToken[t.value] != nil:
			bad("%s.token: duplicate token %s", at, t.value)
		default:
			s.byToken[t.value] = t
		}
		for i, id := range ft.Companies {
			if s.byCompany[id] == nil {
				bad("%s.companies[%d]: unknown company %d", at, i, id)
			}
			t.may[id] = true
		}
		s.tokens = append(s.tokens, t)
	}
	return s, append(tokenProblems, companyProblems...)
}

func (s *Store) addCompany(at string, fc mockcontrol.R1Company) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	c := &company{
		id:                fc.Id,
		name:              ptr.Clone(fc.Name),
		locations:         slices.Clone(fc.Locations),
		programs:          slices.Clone(fc.Programs),
		practitioners:     slices.Clone(fc.Practitioners),
		locationSet:       map[string]bool{},
		programSet:        map[string]bool{},
		practitionerSet:   map[string]bool{},
		byClient:          make(map[string]*user, len(fc.Users)),
		byCompanyUsername: make(map[string]*user, len(fc.Users)),
	}
	if s.byCompany[c.id] != nil {
		bad("%s.id: duplicate company id %d", at, c.id)
	} else {
		s.byCompany[c.id] = c
	}
	// A value listed twice is harmless (the lists are sets), so only empty
	// and malformed entries are problems.
	for i, v := range fc.Locations {
		if v == "" {
			bad("%s.locations[%d]: empty location", at, i)
		}
		c.locationSet[v] = true
	}
	for i, v := range fc.Programs {
		if v == "" {
			bad("%s.programs[%d]: empty program", at, i)
		}
		c.programSet[v] = true
	}
	for i, v := range fc.Practitioners {
		if !validEmail(v) {
			bad("%s.practitioners[%d]: %q is not a valid email address", at, i, v)
		}
		c.practitionerSet[fold(v)] = true
	}
	for ui, fu := range fc.Users {
		problems = append(problems, s.addUser(fmt.Sprintf("%s.users[%d]", at, ui), c, fu)...)
	}
	s.companies = append(s.companies, c)
	return problems
}

func (s *Store) addUser(at string, c *company, fu mockcontrol.R1User) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	u := &user{
		clientID:        fu.ClientId,
		company:         c,
		username:        ptr.Clone(fu.Username),
		companyUsername: ptr.Clone(fu.CompanyUsername),
		email:           ptr.Clone(fu.Email),
		location:        ptr.Clone(fu.Location),
		program:         ptr.Clone(fu.Program),
		practitioner:    ptr.Clone(fu.Practitioner),
		status:          ptr.Clone(fu.Status),
	}
	switch {
	case u.clientID == "":
		bad("%s.clientId: empty client id", at)
	case c.byClient[u.clientID] != nil:
		bad("%s.clientId: duplicate client id %s", at, u.clientID)
	default:
		c.byClient[u.clientID] = u
	}
	// unique checks one value of a case-insensitive unique index.
	unique := func(field, what string, index map[string]*user, v *string) {
		switch {
		case v == nil:
		case blank(*v):
			bad("%s.%s: empty %s", at, field, what)
		case index[fold(*v)] != nil:
			bad("%s.%s: duplicate %s %s", at, field, what, *v)
		default:
			index[fold(*v)] = u
		}
	}
	unique("username", "username", s.byUsername, u.username)
	unique("companyUsername", "company username", c.byCompanyUsername, u.companyUsername)
	if u.email != nil && !blank(*u.email) && !validEmail(*u.email) {
		bad("%s.email: %q is not a valid email address", at, *u.email)
	}
	unique("email", "email", s.byEmail, u.email)
	// The stored values must be ones a request could set, or a client
	// resending them would be refused.
	if v := u.location; v != nil && !c.locationSet[*v] {
		bad("%s.location: %q is not a location of company %d", at, *v, c.id)
	}
	if v := u.program; v != nil && !c.programSet[*v] {
		bad("%s.program: %q is not a program of company %d", at, *v, c.id)
	}
	if v := u.practitioner; v != nil && !c.practitionerSet[fold(*v)] {
		bad("%s.practitioner: %q is not a practitioner of company %d", at, *v, c.id)
	}
	if v := u.status; v != nil && !statuses[*v] {
		bad("%s.status: unknown status %q (active or inactive)", at, *v)
	}
	c.users = append(c.users, u)
	s.users++
	return problems
}

// Export writes the store as the r1discover section of a fixture
// document, in fixture order, so Build(Export()) is the same world.
func (s *Store) Export() *mockcontrol.R1DiscoverFixtures {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := &mockcontrol.R1DiscoverFixtures{}
	for _, t := range s.tokens {
		// companies is required in the document, so an empty list is
		// written as [] rather than left out.
		out.Tokens = append(out.Tokens, mockcontrol.R1Token{Token: t.value, Companies: append([]int{}, t.companies...)})
	}
	for _, c := range s.companies {
		fc := mockcontrol.R1Company{
			Id:            c.id,
			Name:          ptr.Clone(c.name),
			Locations:     slices.Clone(c.locations),
			Programs:      slices.Clone(c.programs),
			Practitioners: slices.Clone(c.practitioners),
		}
		for _, u := range c.users {
			fc.Users = append(fc.Users, mockcontrol.R1User{
				ClientId:        u.clientID,
				Username:        ptr.Clone(u.username),
				CompanyUsername: ptr.Clone(u.companyUsername),
				Email:           ptr.Clone(u.email),
				Location:        ptr.Clone(u.location),
				Program:         ptr.Clone(u.program),
				Practitioner:    ptr.Clone(u.practitioner),
				Status:          ptr.Clone(u.status),
			})
		}
		out.Companies = append(out.Companies, fc)
	}
	return out
}

// Summary counts the store's records.
func (s *Store) Summary() mockcontrol.R1DiscoverSummary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return mockcontrol.R1DiscoverSummary{Companies: len(s.companies), Users: s.users, Tokens: len(s.tokens)}
}

// Merge adds add's tokens, companies and users to base without changing
// either. A company of add whose id is in base extends that company: its
// users are appended, and so are the locations, programs and practitioners
// the company does not list yet (re-sending the company's own values is no
// conflict); the existing name is kept. A token of add that base has
// gains the companies it lacks. Any other company or token is appended
// whole. Conflicts are left for Build to report.
func Merge(base, add *mockcontrol.R1DiscoverFixtures) *mockcontrol.R1DiscoverFixtures {
	out := &mockcontrol.R1DiscoverFixtures{}
	if base != nil {
		out.Tokens = slices.Clone(base.Tokens)
		out.Companies = slices.Clone(base.Companies)
	}
	if add == nil {
		return out
	}
	out.Tokens = fixturemerge.ByKey(out.Tokens, add.Tokens,
		func(t mockcontrol.R1Token) (string, bool) { return t.Token, true },
		func(t *mockcontrol.R1Token, more mockcontrol.R1Token) {
			t.Companies = fixturemerge.Union(t.Companies, more.Companies, fixturemerge.Equal[int])
		})
	out.Companies = fixturemerge.ByKey(out.Companies, add.Companies,
		func(c mockcontrol.R1Company) (int, bool) { return c.Id, true },
		func(c *mockcontrol.R1Company, more mockcontrol.R1Company) {
			c.Locations = fixturemerge.Union(c.Locations, more.Locations, fixturemerge.Equal[string])
			c.Programs = fixturemerge.Union(c.Programs, more.Programs, fixturemerge.Equal[string])
			c.Practitioners = fixturemerge.Union(c.Practitioners, more.Practitioners, sameFold)
			c.Users = append(slices.Clone(c.Users), more.Users...)
		})
	return out
}

func sameFold(a, b string) bool { return fold(a) == fold(b) }
