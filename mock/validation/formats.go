package validation

import (
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Formats are the string formats the mock enforces wherever a document
// names them, for vendor requests and fixture documents alike, so that a
// value the API accepts is always one a fixture document may hold.
//
//   - date: a calendar date, YYYY-MM-DD (1995-02-30 is refused);
//   - date-time: an RFC 3339 date-time that exists on the calendar;
//   - email: a bare address (no display name, no surrounding space).
func Formats() openapi3.SchemaValidationOption {
	return openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
		"date":      openapi3.NewCallbackValidator(checkDate),
		"date-time": openapi3.NewCallbackValidator(checkDateTime),
		"email":     openapi3.NewCallbackValidator(checkEmail),
	})
}

var (
	errNotDate     = errors.New("not a calendar date in YYYY-MM-DD format")
	errNotDateTime = errors.New("not an RFC 3339 date-time")
	errNotEmail    = errors.New("not an email address")
)

func checkDate(s string) error {
	if !IsDate(s) {
		return errNotDate
	}
	return nil
}

func checkDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return errNotDateTime
	}
	return nil
}

func checkEmail(s string) error {
	if !EmailAddress(s) {
		return errNotEmail
	}
	return nil
}

// IsDate reports whether s is a calendar date written YYYY-MM-DD.
func IsDate(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// EmailAddress reports whether s is a bare email address: what a form's
// email rule lets through. net/mail must parse it with no display name and
// no surrounding space or comment, and both sides of the @ must be
// non-empty. A host without a dot (user@localhost) is allowed, as RFC 5322
// allows it.
func EmailAddress(s string) bool {
	if plainAddress(s) {
		return true
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1
}

// plainAddress reports whether s is local@domain where both sides are
// dot-separated runs of letters, digits, '_', '+' and '-': the form nearly
// every address takes, which net/mail accepts as it is. It answers
// without net/mail's allocations; anything else goes to net/mail.
func plainAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && dotAtoms(s[:at]) && dotAtoms(s[at+1:])
}

// dotAtoms reports whether s is non-empty runs of plain characters joined
// by single dots.
func dotAtoms(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '+', c == '-':
		case c == '.' && s[i-1] != '.':
		default:
			return false
		}
	}
	return true
}
