package r1discover

import (
	"strings"

	api "github.com/vendorsuite/contracts/generated/r1discover"
	"github.com/vendorsuite/contracts/mock/internal/ptr"
	"github.com/vendorsuite/contracts/mock/validation"
)

// Request fields, as the page names them; the keys of a 422's errors.
const (
	fUsername        = "username"
	fCompanyUsername = "company_username"
	fClientEmail     = "client_email"
	fLocation        = "client_location"
	fProgram         = "client_program"
	fPractitioner    = "client_practitioner"
	fStatus          = "client_status"
)

// Messages of the 422 rules, per field.
const (
	msgUsernameTaken        = "The username has already been taken."
	msgCompanyUsernameTaken = "The company username has already been taken."
	msgEmailInvalid         = "The client email must be a valid email address."
	msgEmailTaken           = "The client email has already been taken."
	msgLocationInvalid      = "The selected client location is invalid."
	msgProgramInvalid       = "The selected client program is invalid."
	msgPractitionerInvalid  = "The selected client practitioner is invalid."
	msgStatusInvalid        = "The selected client status is invalid."
)

// emptyMessage words an empty string where a unique value is required.
func emptyMessage(field string) string {
	return "The " + fieldWords(field) + " field must not be empty."
}

// fieldWords is a request field as the messages name it:
// "company_username" → "company username".
func fieldWords(field string) string { return strings.ReplaceAll(field, "_", " ") }

// validEmail is the email rule of requests and fixtures alike.
func validEmail(s string) bool { return validation.EmailAddress(s) }

// blank reports a value with nothing but spaces, empty included.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// update applies a request to the company's user clientID. found is false
// when the company has no such user; errs lists every field the rules
// refuse. Either way nothing changed unless the update succeeded.
func (s *Store) update(c *company, clientID string, req *api.UpdateUserRequest) (out api.UpdatedUser, errs map[string][]string, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := c.byClient[clientID]
	if u == nil {
		return api.UpdatedUser{}, nil, false
	}
	if errs := s.check(c, u, req); len(errs) > 0 {
		return api.UpdatedUser{}, errs, true
	}
	if v := req.Username; v != nil {
		reindex(s.byUsername, u, u.username, *v)
		ptr.Set(&u.username, *v)
	}
	if v := req.CompanyUsername; v != nil {
		reindex(c.byCompanyUsername, u, u.companyUsername, *v)
		ptr.Set(&u.companyUsername, *v)
	}
	if v := req.ClientEmail; v != nil {
		reindex(s.byEmail, u, u.email, *v)
		ptr.Set(&u.email, *v)
	}
	// Fields the request leaves out keep their value.
	set(&u.location, req.ClientLocation)
	set(&u.program, req.ClientProgram)
	set(&u.practitioner, req.ClientPractitioner)
	set(&u.status, req.ClientStatus)
	return u.view(), nil, true
}

// rules lists what the rules refuse in req for the company's user
// clientID, without changing anything.
func (s *Store) rules(c *company, clientID string, req *api.UpdateUserRequest) map[string][]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := c.byClient[clientID]
	if u == nil {
		return nil
	}
	return s.check(c, u, req)
}

// check applies every rule to the request and collects all failures, so a
// client learns of every bad field at once. A value the user itself holds
// is never a conflict.
func (s *Store) check(c *company, u *user, req *api.UpdateUserRequest) map[string][]string {
	var errs map[string][]string // made at the first failure: most requests pass
	add := func(field, msg string) {
		if errs == nil {
			errs = map[string][]string{}
		}
		errs[field] = append(errs[field], msg)
	}
	taken := func(index map[string]*user, v string) bool {
		owner := index[fold(v)]
		return owner != nil && owner != u
	}
	if v := req.Username; v != nil {
		switch {
		case blank(*v):
			add(fUsername, emptyMessage(fUsername))
		case taken(s.byUsername, *v):
			add(fUsername, msgUsernameTaken)
		}
	}
	if v := req.CompanyUsername; v != nil {
		switch {
		case blank(*v):
			add(fCompanyUsername, emptyMessage(fCompanyUsername))
		case taken(c.byCompanyUsername, *v):
			add(fCompanyUsername, msgCompanyUsernameTaken)
		}
	}
	if v := req.ClientEmail; v != nil {
		switch {
		case blank(*v):
			add(fClientEmail, emptyMessage(fClientEmail))
		case !validEmail(*v):
			add(fClientEmail, msgEmailInvalid)
		case taken(s.byEmail, *v):
			add(fClientEmail, msgEmailTaken)
		}
	}
	if v := req.ClientLocation; v != nil && !c.locationSet[*v] {
		add(fLocation, msgLocationInvalid)
	}
	if v := req.ClientProgram; v != nil && !c.programSet[*v] {
		add(fProgram, msgProgramInvalid)
	}
	if v := req.ClientPractitioner; v != nil && !c.practitionerSet[fold(*v)] {
		add(fPractitioner, msgPractitionerInvalid)
	}
	if v := req.ClientStatus; v != nil && !statuses[*v] {
		add(fStatus, msgStatusInvalid)
	}
	return errs
}

// reindex moves u in a case-insensitive unique index from its old value to
// next.
func reindex(index map[string]*user, u *user, old *string, next string) {
	if old != nil && index[fold(*old)] == u {
		delete(index, fold(*old))
	}
	index[fold(next)] = u
}

// view is the user as the success answer shows it. Both members are
// required strings, so a user without a username or email (possible in
// fixtures) shows "".
func (u *user) view() api.UpdatedUser {
	return api.UpdatedUser{Username: ptr.Deref(u.username), Email: ptr.Deref(u.email)}
}

// set stores a copy of v in *field when the request sent v.
func set(field **string, v *string) {
	if v != nil {
		ptr.Set(field, *v)
	}
}
