package cl2c

import (
	"fmt"
	"slices"
	"time"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/internal/fixturemerge"
	"github.com/vendorsuite/contracts/mock/internal/ptr"
)

// Build makes a store from the cl2c section of a fixture document, or
// lists every problem in it; the store is only usable when there are none.
func Build(f *mockcontrol.Cl2cFixtures) (*Store, []string) {
	s := newStore()
	if f == nil {
		return s, nil
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	// keyOwner finds clashes across tenants, which would make a key open
	// two tenants' users depending on the header sent with it.
	keyOwner := map[string]bool{}
	for ti, ft := range f.Tenants {
		at := fmt.Sprintf("cl2c.tenants[%d]", ti)
		t := &tenant{id: ft.Id, apiKeys: slices.Clone(ft.ApiKeys), keys: map[string]struct{}{}, byID: make(map[string]*user, len(ft.Users))}
		switch {
		case t.id == "":
			bad("%s.id: empty tenant id", at)
		case s.byTenant[t.id] != nil:
			bad("%s.id: duplicate tenant id %s", at, t.id)
		default:
			s.byTenant[t.id] = t
		}
		for ki, key := range ft.ApiKeys {
			switch {
			case key == "":
				bad("%s.apiKeys[%d]: empty API key", at, ki)
			case keyOwner[key]:
				bad("%s.apiKeys[%d]: duplicate API key %s", at, ki, key)
			default:
				keyOwner[key] = true
				t.keys[key] = struct{}{}
			}
		}
		for ui, fu := range ft.Users {
			uat := fmt.Sprintf("%s.users[%d]", at, ui)
			u := userFromFixture(fu)
			switch {
			case u.id == "":
				bad("%s.id: empty user id", uat)
			case t.byID[u.id] != nil:
				bad("%s.id: duplicate user id %s", uat, u.id)
			default:
				t.byID[u.id] = u
			}
			if v := u.authValidUpto; v != nil {
				if _, err := time.Parse(time.RFC3339Nano, *v); err != nil {
					bad("%s.authValidUpto: %q is not an RFC 3339 date-time", uat, *v)
				}
			}
			t.users = append(t.users, u)
			s.users++
		}
		s.tenants = append(s.tenants, t)
	}
	return s, problems
}

func userFromFixture(fu mockcontrol.Cl2cUser) *user {
	return &user{
		id:             fu.Id,
		userName:       ptr.Clone(fu.UserName),
		firstName:      ptr.Clone(fu.FirstName),
		lastName:       ptr.Clone(fu.LastName),
		email:          ptr.Clone(fu.Email),
		emailConfirmed: ptr.Clone(fu.EmailConfirmed),
		authenticated:  ptr.Clone(fu.Authenticated),
		authValidUpto:  ptr.Clone(fu.AuthValidUpto),
		authLocation:   ptr.Clone(fu.AuthLocation),
		phoneNumber:    ptr.Clone(fu.PhoneNumber),
		walletAddress:  ptr.Clone(fu.WalletAddress),
		pushToken:      ptr.Clone(fu.PushToken),
	}
}

func (u *user) fixture() mockcontrol.Cl2cUser {
	return mockcontrol.Cl2cUser{
		Id:             u.id,
		UserName:       ptr.Clone(u.userName),
		FirstName:      ptr.Clone(u.firstName),
		LastName:       ptr.Clone(u.lastName),
		Email:          ptr.Clone(u.email),
		EmailConfirmed: ptr.Clone(u.emailConfirmed),
		Authenticated:  ptr.Clone(u.authenticated),
		AuthValidUpto:  ptr.Clone(u.authValidUpto),
		AuthLocation:   ptr.Clone(u.authLocation),
		PhoneNumber:    ptr.Clone(u.phoneNumber),
		WalletAddress:  ptr.Clone(u.walletAddress),
		PushToken:      ptr.Clone(u.pushToken),
	}
}

// Export writes the store as the cl2c section of a fixture document, in
// fixture order, so Build(Export()) is the same world.
func (s *Store) Export() *mockcontrol.Cl2cFixtures {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := &mockcontrol.Cl2cFixtures{}
	for _, t := range s.tenants {
		// apiKeys is required in the document, so an empty list is written
		// as [] rather than left out.
		ft := mockcontrol.Cl2cTenant{Id: t.id, ApiKeys: append([]string{}, t.apiKeys...)}
		for _, u := range t.users {
			ft.Users = append(ft.Users, u.fixture())
		}
		out.Tenants = append(out.Tenants, ft)
	}
	return out
}

// Summary counts the store's records.
func (s *Store) Summary() mockcontrol.Cl2cSummary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return mockcontrol.Cl2cSummary{Tenants: len(s.tenants), Users: s.users}
}

// Merge adds add's tenants and users to base without changing either. A
// tenant of add whose id is in base extends that tenant with its users and
// with the API keys it does not have yet (re-sending a tenant's own key is
// no conflict); any other tenant is appended whole. Conflicts are left for
// Build to report.
func Merge(base, add *mockcontrol.Cl2cFixtures) *mockcontrol.Cl2cFixtures {
	out := &mockcontrol.Cl2cFixtures{}
	if base != nil {
		out.Tenants = slices.Clone(base.Tenants)
	}
	if add == nil {
		return out
	}
	out.Tenants = fixturemerge.ByKey(out.Tenants, add.Tenants,
		func(t mockcontrol.Cl2cTenant) (string, bool) { return t.Id, true },
		func(t *mockcontrol.Cl2cTenant, more mockcontrol.Cl2cTenant) {
			t.ApiKeys = fixturemerge.Union(t.ApiKeys, more.ApiKeys, fixturemerge.Equal[string])
			t.Users = append(slices.Clone(t.Users), more.Users...)
		})
	return out
}
