// Package care360 is the stateful Care360 mock: a store of organizations,
// users and authentication identities with the indexes the vendor's rules
// need, and Echo handlers implementing the generated server interface.
package care360

import (
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/google/btree"

	api "github.com/vendorsuite/contracts/generated/care360"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
)

// org is an organization: the unit an API key opens.
type org struct {
	id      string
	name    string
	apiKeys []string
	users   []*user // fixture order, for export
	// byTime holds the users in list order. Users are only added by the
	// control API, which rebuilds it; vendor calls never add or remove.
	byTime []*user
	// byEmail answers email-prefix queries; UPDATE_EMAIL moves entries.
	byEmail *btree.BTreeG[*user]
}

// Store is one Care360 world. Its methods are safe for concurrent use.
type Store struct {
	mu       sync.RWMutex
	orgs     []*org
	orgByKey map[string]*org
	byEmail  map[string]*user // every database user, by email key
	byPhone  map[string]*user
	// authOnly holds identities of the authentication service that have no
	// database user, by email key. Database users' identities follow their
	// user and are not stored twice.
	authOnly map[string]string
	// authOrder keeps the fixture order of authOnly, for export.
	authOrder []mockcontrol.Care360AuthIdentity
	// listingBytes counts the bytes of the users' cached listings, which
	// stop growing at listingBudget (see appendListing).
	listingBytes  atomic.Int64
	listingBudget int64
}

// defaultListingBudget bounds the cached listings of one store: about
// 40,000 fully filled users, far more than a load test's pages show.
const defaultListingBudget = 16 << 20

func newStore() *Store {
	return &Store{
		orgByKey: map[string]*org{},
		byEmail:  map[string]*user{},
		byPhone:  map[string]*user{},
		authOnly: map[string]string{},

		listingBudget: defaultListingBudget,
	}
}

// Refusal is a documented Care360 rule refusing an update: always a 400 in
// Care360's envelope.
type Refusal struct{ Message string }

func (r *Refusal) Error() string { return r.Message }

// Messages of the vendor pages, with their placeholders filled in by the
// functions below.
func userDoesNotExist(email string) *Refusal {
	return &Refusal{"User " + email + " does not exist"}
}
func userNotInOrganization(email string) *Refusal {
	return &Refusal{"User " + email + " does not exist in the organization"}
}

var (
	errProfileNotAllowed = &Refusal{"Not allowed to update the profile"}
	errEmailNotAllowed   = &Refusal{"Not allowed to update the email"}
	errDemographicLocked = &Refusal{"Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"}
	errPhoneInUse        = &Refusal{"Unable to use this phone number. Please use a different one"}
	errPoBox             = &Refusal{"Address must not be a PO Box address"}
)

func newEmailExists(email string) *Refusal { return &Refusal{"New Email " + email + " already exists"} }
func newEmailInDatabase(email string) *Refusal {
	return &Refusal{"User with email " + email + " already exists in database"}
}
func newEmailInAuthentication(email string) *Refusal {
	return &Refusal{"User with email " + email + " already exists in authentication"}
}

// poBox matches PO Box addresses: "PO Box", "P.O. Box", "Post Office Box",
// in any case and spacing.
var poBox = regexp.MustCompile(`(?i)(^|[^a-z])(p\.?\s*o\.?\s*box|post\s+office\s+box)([^a-z]|$)`)

// OrgForKey reports whether key opens an organization, and which.
func (s *Store) orgForKey(key string) *org {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.orgByKey[key]
}

// target finds the user an update names and applies the checks both
// actions share, in the documented order.
func (s *Store) target(o *org, email string, notAllowed *Refusal) (*user, *Refusal) {
	u := s.byEmail[emailKey(email)]
	switch {
	case u == nil:
		return nil, userDoesNotExist(email)
	case u.org != o:
		return nil, userNotInOrganization(email)
	case u.role != "USER":
		return nil, notAllowed
	}
	return u, nil
}

// UpdateProfile applies an UPDATE_PROFILE request for the organization o
// and returns a copy of the user's profile as it now is, to answer with
// after the lock is released.
func (s *Store) updateProfile(o *org, d *api.ProfileUpdate) (profile, *Refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, refusal := s.target(o, d.Email, errProfileNotAllowed)
	if refusal != nil {
		return profile{}, refusal
	}
	if d.Address != nil && poBox.MatchString(*d.Address) {
		return profile{}, errPoBox
	}
	var address2 string
	changes := profileChanges(d, &address2)
	if u.locked() {
		for _, f := range demographic {
			if v := changes[f]; v != nil {
				if old, had := u.get(f); !had || old != *v {
					return profile{}, errDemographicLocked
				}
			}
		}
	}
	if d.PhoneNumber != nil {
		if other := s.byPhone[*d.PhoneNumber]; other != nil && other != u {
			return profile{}, errPhoneInUse
		}
	}

	if d.PhoneNumber != nil {
		if old, had := u.get(fPhoneNumber); had {
			delete(s.byPhone, old)
		}
		s.byPhone[*d.PhoneNumber] = u
	}
	for f, v := range changes {
		if v != nil {
			u.put(field(f), *v)
		}
	}
	if d.Address2.IsSpecified() && d.Address2.IsNull() {
		u.clear(fAddress2)
	}
	if d.LanguagePreferences != nil {
		u.languages = append([]string{}, (*d.LanguagePreferences)...)
		u.hasLang = true
	}
	s.dropListing(u)
	return u.profile, nil
}

// profileChanges lists the text fields the request sets (nil: not sent);
// a sent address2 is read into *address2, which the caller keeps on its
// stack.
func profileChanges(d *api.ProfileUpdate, address2 *string) [numFields]*string {
	changes := [numFields]*string{
		fFirstName: d.FirstName, fLastName: d.LastName, fDob: d.Dob, fPhoneNumber: d.PhoneNumber,
		fGender: d.Gender, fAddress: d.Address, fCity: d.City, fState: d.State, fCountry: d.Country,
		fPostalCode: d.PostalCode, fAllergies: d.Allergies, fCurrentMedications: d.CurrentMedications,
		fHealthConditions: d.HealthConditions,
	}
	if v, err := d.Address2.Get(); err == nil {
		*address2 = v
		changes[fAddress2] = address2
	}
	return changes
}

// UpdateEmail applies an UPDATE_EMAIL request for the organization o and
// returns a copy of the user's profile as it now is, like updateProfile.
func (s *Store) updateEmail(o *org, d *api.EmailUpdate) (profile, *Refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, refusal := s.target(o, d.CurrentEmail, errEmailNotAllowed)
	if refusal != nil {
		return profile{}, refusal
	}
	newKey := emailKey(d.NewEmail)
	if other := s.byEmail[newKey]; other != nil {
		if other.org == o {
			return profile{}, newEmailExists(d.NewEmail)
		}
		return profile{}, newEmailInDatabase(d.NewEmail)
	}
	if _, ok := s.authOnly[newKey]; ok {
		return profile{}, newEmailInAuthentication(d.NewEmail)
	}
	delete(s.byEmail, u.emailKey)
	o.byEmail.Delete(u)
	u.email, u.emailKey = d.NewEmail, newKey
	s.byEmail[newKey] = u
	o.byEmail.ReplaceOrInsert(u)
	s.dropListing(u)
	return u.profile, nil
}

// AccountOf names the organization an API key opens, or "".
func (s *Store) AccountOf(key string) string {
	if o := s.orgForKey(key); o != nil {
		return o.id
	}
	return ""
}
