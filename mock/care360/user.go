package care360

import (
	"strings"
	"sync/atomic"
	"time"
)

// field names a profile field the store keeps as text.
type field int

const (
	fFirstName field = iota
	fLastName
	fDob
	fPhoneNumber
	fGender
	fAddress
	fAddress2
	fCity
	fState
	fCountry
	fPostalCode
	fAllergies
	fCurrentMedications
	fHealthConditions
	numFields
)

// demographic fields are locked once the user has a locking case.
var demographic = []field{fFirstName, fLastName, fDob, fGender}

// lockingStatuses are the case statuses that lock demographic fields.
var lockingStatuses = map[string]bool{
	"Approved": true, "Assigned": true, "InProgress": true, "NoDecision": true, "Rejected": true,
}

// Case is a user's case; only its status matters to the rules.
type Case struct {
	ID     string
	Status string
}

// user is one database user.
type user struct {
	id       string
	emailKey string // lower-cased email, the key of every email index
	role     string
	org      *org
	// profile is what the answers show of the user; the updates answer
	// with a copy of it taken under the store's lock.
	profile
	createdAt time.Time
	hasLang   bool
	cases     []Case
	// listed caches the user as a page lists it (api.ListedUser's
	// encoding); see Store.appendListing.
	listed atomic.Pointer[[]byte]
}

// profile holds a user's shown fields. Text fields live in an array with
// a bit set marking which are set, which keeps a million users within a
// few hundred bytes each. Updates replace its strings and slices rather
// than writing into them, so a copy stays as it was.
type profile struct {
	email     string
	text      [numFields]string
	set       uint32
	languages []string
	comm      *communication
}

type communication struct {
	sms, all bool
}

func (u *profile) get(f field) (string, bool) { return u.text[f], u.set&(1<<f) != 0 }

func (u *user) ptr(f field) *string {
	if u.set&(1<<f) == 0 {
		return nil
	}
	s := u.text[f]
	return &s
}

func (u *profile) put(f field, v string) { u.text[f] = v; u.set |= 1 << f }

func (u *profile) clear(f field) { u.text[f] = ""; u.set &^= 1 << f }

func (u *user) locked() bool {
	for _, c := range u.cases {
		if lockingStatuses[c.Status] {
			return true
		}
	}
	return false
}

func emailKey(email string) string { return strings.ToLower(email) }

// less orders users by (createdAt, id): the list order.
func less(a, b *user) bool {
	if !a.createdAt.Equal(b.createdAt) {
		return a.createdAt.Before(b.createdAt)
	}
	return a.id < b.id
}

// lessEmail orders users by (email key, id): the prefix index order.
func lessEmail(a, b *user) bool {
	if a.emailKey != b.emailKey {
		return a.emailKey < b.emailKey
	}
	return a.id < b.id
}
