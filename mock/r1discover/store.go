// Package r1discover is the stateful R1 Discover mock: companies with
// their locations, programs, practitioners and users, bearer tokens that
// may manage them, and Echo handlers implementing the generated server
// interface for PUT /api/v1/companies/{companyId}/users/{clientId}.
package r1discover

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Statuses a user may have; the page names exactly these two.
var statuses = map[string]bool{"active": true, "inactive": true}

// company is one R1 Discover company with the values its users may take.
type company struct {
	id            int
	name          *string
	locations     []string // fixture order, for export
	programs      []string
	practitioners []string
	locationSet   map[string]bool
	programSet    map[string]bool
	// practitionerSet is keyed by lower-cased email: practitioners are
	// email addresses, which compare case-insensitively.
	practitionerSet map[string]bool
	users           []*user // fixture order, for export
	byClient        map[string]*user
	// byCompanyUsername indexes users by lower-cased company username;
	// company usernames are unique within their company only.
	byCompanyUsername map[string]*user
}

// user is one user (client) of a company. Optional fields stay nil until
// set, so an export writes back exactly what was given.
type user struct {
	clientID        string
	company         *company
	username        *string
	companyUsername *string
	email           *string
	location        *string
	program         *string
	practitioner    *string
	status          *string
}

// token is a bearer token and the companies it may manage.
type token struct {
	value     string
	companies []int // fixture order, for export
	may       map[int]bool
}

// Store is one R1 Discover world. Its methods are safe for concurrent use.
type Store struct {
	mu        sync.RWMutex
	tokens    []*token // fixture order, for export
	byToken   map[string]*token
	companies []*company // fixture order, for export
	byCompany map[int]*company
	// byUsername and byEmail are keyed by the lower-cased value: both must
	// be unique across R1 Discover, case-insensitively.
	byUsername map[string]*user
	byEmail    map[string]*user
	users      int
}

func newStore() *Store {
	return &Store{
		byToken:    map[string]*token{},
		byCompany:  map[int]*company{},
		byUsername: map[string]*user{},
		byEmail:    map[string]*user{},
	}
}

// fold is the key of every case-insensitive index.
func fold(s string) string { return strings.ToLower(s) }

// access is what the path and the bearer token resolve to.
type access int

const (
	accessUnauthenticated access = iota // no or unknown token
	accessNoCompany                     // known token, unknown company
	accessForbidden                     // the token may not manage the company
	accessGranted
)

// authorize resolves a bearer token and a company id, in the order the
// mock checks them: token, then company, then the token's reach.
func (s *Store) authorize(bearer string, companyID int, companyKnown bool) (access, *company) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.byToken[bearer]
	if t == nil || bearer == "" {
		return accessUnauthenticated, nil
	}
	if !companyKnown {
		return accessNoCompany, nil
	}
	c := s.byCompany[companyID]
	if c == nil {
		return accessNoCompany, nil
	}
	if !t.may[companyID] {
		return accessForbidden, nil
	}
	return accessGranted, c
}

// hasClient reports whether the company has a user with this client id.
func (s *Store) hasClient(c *company, clientID string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return c.byClient[clientID] != nil
}

// AccountOf names a bearer token by its position in the fixtures' token
// list, or "" for an unknown token.
func (s *Store) AccountOf(bearer string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.byToken[bearer]
	if t == nil || bearer == "" {
		return ""
	}
	return strconv.Itoa(slices.Index(s.tokens, t))
}
