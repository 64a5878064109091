// Package cl2c is the stateful CL2C mock: tenants with their API keys and
// users, and Echo handlers implementing the generated server interface for
// PUT /v1/cl2c/user.
package cl2c

import (
	"sync"

	api "github.com/vendorsuite/contracts/generated/cl2c"
	"github.com/vendorsuite/contracts/mock/internal/ptr"
)

// tenant is what a `tenant` header and one of its API keys open.
type tenant struct {
	id      string
	apiKeys []string // fixture order, for export
	keys    map[string]struct{}
	users   []*user // fixture order, for export
	byID    map[string]*user
}

// user is one CL2C user. Optional fields stay nil until set, so an export
// writes back exactly what the fixtures and updates gave.
type user struct {
	id             string
	userName       *string
	firstName      *string
	lastName       *string
	email          *string
	emailConfirmed *bool
	authenticated  *bool
	authValidUpto  *string
	authLocation   *string
	phoneNumber    *string
	walletAddress  *string
	pushToken      *string
}

// Store is one CL2C world. Its methods are safe for concurrent use.
type Store struct {
	mu       sync.RWMutex
	tenants  []*tenant // fixture order, for export
	byTenant map[string]*tenant
	users    int
}

func newStore() *Store {
	return &Store{byTenant: map[string]*tenant{}}
}

// authenticate returns the tenant that tenantID and key open together, or
// nil. A key of another tenant opens nothing.
func (s *Store) authenticate(tenantID, key string) *tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.byTenant[tenantID]
	if t == nil {
		return nil
	}
	if _, ok := t.keys[key]; !ok {
		return nil
	}
	return t
}

// update applies a validated request to the tenant's user it names and
// returns a copy of the user as it now is, to answer with after the lock
// is released; ok is false when the tenant has no such user, and then
// nothing changed. Updates point a field at a new value rather than
// writing through its pointer, so the copy stays as it was.
func (s *Store) update(t *tenant, req *api.UpdateUserRequest) (out user, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := t.byID[req.Id]
	if u == nil {
		return user{}, false
	}
	ptr.Set(&u.firstName, req.FirstName)
	ptr.Set(&u.lastName, req.LastName)
	// Optional fields the request leaves out keep their value.
	if req.PhoneNumber != nil {
		ptr.Set(&u.phoneNumber, *req.PhoneNumber)
	}
	if req.PushToken != nil {
		ptr.Set(&u.pushToken, *req.PushToken)
	}
	return *u, true
}

// AccountOf names the tenant that tenantID and key open together, or "".
func (s *Store) AccountOf(tenantID, key string) string {
	if t := s.authenticate(tenantID, key); t != nil {
		return t.id
	}
	return ""
}
