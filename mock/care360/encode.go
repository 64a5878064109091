package care360

import (
	"encoding/base64"
	"time"

	api "github.com/vendorsuite/contracts/generated/care360"
	"github.com/vendorsuite/contracts/mock/jsonresp"
)

// The answers below encode themselves (jsonresp.Appender) straight from
// the store's users, without building the generated structs per request.
// The generated types stay the definition of each shape: the package's
// differential tests and FuzzCare360Encode compare every encoder with
// encoding/json writing the generated type.

// textKeys are the members before each text field, in the order the
// generated user types declare them, which is the order of the fields.
var textKeys = [numFields]string{
	fFirstName:          `,"firstName":`,
	fLastName:           `,"lastName":`,
	fDob:                `,"dob":`,
	fPhoneNumber:        `,"phoneNumber":`,
	fGender:             `,"gender":`,
	fAddress:            `,"address":`,
	fAddress2:           `,"address2":`,
	fCity:               `,"city":`,
	fState:              `,"state":`,
	fCountry:            `,"country":`,
	fPostalCode:         `,"postalCode":`,
	fAllergies:          `,"allergies":`,
	fCurrentMedications: `,"currentMedications":`,
	fHealthConditions:   `,"healthConditions":`,
}

// midnight is what the profile page appends to a date of birth.
const midnight = "T00:00:00.000Z"

// appendText appends the text fields from first up to (not including)
// last, null for unset ones; the profile page shows dob at midnight UTC.
func (u *profile) appendText(dst []byte, last field, dobAtMidnight bool) []byte {
	for f := fFirstName; f < last; f++ {
		dst = append(dst, textKeys[f]...)
		v, ok := u.get(f)
		switch {
		case !ok:
			dst = append(dst, "null"...)
		case f == fDob && dobAtMidnight:
			// A dob is a validated YYYY-MM-DD date, but it is escaped all
			// the same: the suffix goes inside the closing quote.
			dst = jsonresp.AppendString(dst, v)
			dst = append(dst[:len(dst)-1], midnight+`"`...)
		default:
			dst = jsonresp.AppendString(dst, v)
		}
	}
	return dst
}

// appendLanguages writes the language preferences; a user without any
// shows an empty list.
func (u *profile) appendLanguages(dst []byte) []byte {
	if u.languages == nil {
		return append(dst, "[]"...)
	}
	return jsonresp.AppendStrings(dst, u.languages)
}

// appendListed appends the user as api.ListedUser; pages go through
// Store.appendListing, which caches it.
func (u *profile) appendListed(dst []byte) []byte {
	dst = append(dst, `{"email":`...)
	dst = jsonresp.AppendString(dst, u.email)
	dst = u.appendText(dst, numFields, false)
	dst = append(dst, `,"languagePreferences":`...)
	dst = u.appendLanguages(dst)
	dst = append(dst, `,"communication":{"smsNotificationsDisabled":`...)
	var sms, all bool
	if u.comm != nil {
		sms, all = u.comm.sms, u.comm.all
	}
	dst = jsonresp.AppendBool(dst, sms)
	dst = append(dst, `,"notificationsDisabled":`...)
	dst = jsonresp.AppendBool(dst, all)
	return append(dst, "}}"...)
}

// appendProfile appends the user as api.ProfileUser.
func (u *profile) appendProfile(dst []byte) []byte {
	dst = append(dst, `{"email":`...)
	dst = jsonresp.AppendString(dst, u.email)
	dst = u.appendText(dst, numFields, true)
	dst = append(dst, `,"languagePreferences":`...)
	dst = u.appendLanguages(dst)
	return append(dst, '}')
}

// appendEmailView appends the user as api.EmailUser: the address fields
// only, up to the postal code.
func (u *profile) appendEmailView(dst []byte) []byte {
	dst = append(dst, `{"email":`...)
	dst = jsonresp.AppendString(dst, u.email)
	dst = u.appendText(dst, fPostalCode+1, false)
	return append(dst, '}')
}

// appendCursor appends the user's cursor as a JSON string; it is the
// bytes of encodeCursor, made without allocating. Base64 needs no
// escaping.
func appendCursor(dst []byte, u *user) []byte {
	var raw [64]byte
	r := appendCursorTime(raw[:0], u.createdAt)
	r = append(r, '|')
	r = append(r, u.id...)
	dst = append(dst, '"')
	dst = base64.RawStdEncoding.AppendEncode(dst, r)
	return append(dst, '"')
}

// appendCursorTime appends t in UTC as cursorTime lays it out, without
// time.Format's layout parsing; years outside 0–9999, which no fixture
// can give, go through AppendFormat.
func appendCursorTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, cursorTime)
	}
	hour, minute, second := t.Clock()
	milli := t.Nanosecond() / int(time.Millisecond)
	digits := func(n, width int) {
		for i := width - 1; i >= 0; i-- {
			dst = append(dst, 0)
		}
		for i := len(dst) - 1; width > 0; i, width = i-1, width-1 {
			dst[i] = byte('0' + n%10)
			n /= 10
		}
	}
	digits(year, 4)
	dst = append(dst, '-')
	digits(int(month), 2)
	dst = append(dst, '-')
	digits(day, 2)
	dst = append(dst, 'T')
	digits(hour, 2)
	dst = append(dst, ':')
	digits(minute, 2)
	dst = append(dst, ':')
	digits(second, 2)
	dst = append(dst, '.')
	digits(milli, 3)
	return append(dst, 'Z')
}

// usersPage is the get-users answer (api.UsersPage), encoded from the
// store under its read lock, so the page is one consistent state.
type usersPage struct {
	store *Store
	org   *org
	query listQuery
}

func (p *usersPage) AppendJSON(dst []byte) []byte {
	return p.store.appendList(dst, p.org, p.query)
}

// profileUpdated is the UPDATE_PROFILE answer
// (api.ProfileUpdatedResponse) for a copy of the user taken under the
// store's lock.
type profileUpdated struct{ user profile }

func (r *profileUpdated) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"status":200,"success":true,"message":"Profile updated successfully","data":{"user":`...)
	dst = r.user.appendProfile(dst)
	return append(dst, "}}"...)
}

// emailUpdated is the UPDATE_EMAIL answer (api.EmailUpdatedResponse).
type emailUpdated struct{ user profile }

func (r *emailUpdated) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"status":200,"success":true,"message":"Email updated successfully","data":{"user":`...)
	dst = r.user.appendEmailView(dst)
	return append(dst, "}}"...)
}

// errorAnswer is Care360's error envelope for refused updates.
type errorAnswer api.ErrorResponse

func (r *errorAnswer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"status":`...)
	dst = jsonresp.AppendInt(dst, r.Status)
	dst = append(dst, `,"success":`...)
	dst = jsonresp.AppendBool(dst, bool(r.Success))
	dst = append(dst, `,"message":`...)
	dst = jsonresp.AppendString(dst, r.Message)
	return append(dst, '}')
}

// queryAnswer is the envelope of a refused GET and of a missing key.
type queryAnswer api.QueryError

func (r *queryAnswer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"status":`...)
	dst = jsonresp.AppendInt(dst, r.Status)
	dst = append(dst, `,"success":`...)
	dst = jsonresp.AppendBool(dst, bool(r.Success))
	dst = append(dst, `,"error":`...)
	dst = jsonresp.AppendString(dst, r.Error)
	dst = append(dst, `,"code":`...)
	dst = jsonresp.AppendString(dst, r.Code)
	return append(dst, '}')
}
