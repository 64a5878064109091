package cl2c

import (
	api "github.com/vendorsuite/contracts/generated/cl2c"
	"github.com/vendorsuite/contracts/mock/jsonresp"
)

// The answers below encode themselves (jsonresp.Appender) without building
// the generated structs per request. The generated types stay the
// definition of each shape: the package's differential tests and
// FuzzCL2CEncode compare each encoder with encoding/json writing them.

// userAnswer is the update's answer, api.User, for a copy of the user
// taken under the store's lock. The push token is write-only: the page's
// response has no field for it.
type userAnswer struct{ user user }

func (a *userAnswer) AppendJSON(dst []byte) []byte {
	u := &a.user
	dst = append(dst, `{"id":`...)
	dst = jsonresp.AppendString(dst, u.id)
	dst = append(dst, `,"userName":`...)
	dst = appendText(dst, u.userName)
	dst = append(dst, `,"firstName":`...)
	dst = appendText(dst, u.firstName)
	dst = append(dst, `,"lastName":`...)
	dst = appendText(dst, u.lastName)
	dst = append(dst, `,"email":`...)
	dst = appendText(dst, u.email)
	dst = append(dst, `,"emailConfirmed":`...)
	dst = jsonresp.AppendBool(dst, u.emailConfirmed != nil && *u.emailConfirmed)
	dst = append(dst, `,"authenticated":`...)
	dst = jsonresp.AppendBool(dst, u.authenticated != nil && *u.authenticated)
	dst = append(dst, `,"authValidUpto":`...)
	dst = jsonresp.AppendStringPtr(dst, u.authValidUpto)
	dst = append(dst, `,"authLocation":`...)
	dst = jsonresp.AppendStringPtr(dst, u.authLocation)
	dst = append(dst, `,"phoneNumber":`...)
	dst = jsonresp.AppendStringPtr(dst, u.phoneNumber)
	dst = append(dst, `,"walletAddress":`...)
	dst = jsonresp.AppendStringPtr(dst, u.walletAddress)
	return append(dst, '}')
}

// appendText writes a required string member: "" for an unset field.
func appendText(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, `""`...)
	}
	return jsonresp.AppendString(dst, *s)
}

// defaultErrorAnswer is the page's general error shape.
type defaultErrorAnswer api.DefaultError

func (a *defaultErrorAnswer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"messages":`...)
	dst = jsonresp.AppendStrings(dst, a.Messages)
	dst = append(dst, `,"source":`...)
	dst = jsonresp.AppendString(dst, a.Source)
	dst = append(dst, `,"exception":`...)
	dst = jsonresp.AppendString(dst, a.Exception)
	dst = append(dst, `,"errorId":`...)
	dst = jsonresp.AppendString(dst, a.ErrorId)
	dst = append(dst, `,"supportMessage":`...)
	dst = jsonresp.AppendString(dst, a.SupportMessage)
	dst = append(dst, `,"statusCode":`...)
	dst = jsonresp.AppendInt(dst, a.StatusCode)
	return append(dst, '}')
}

// validationAnswer is the page's 400 shape; errors is left out when nil.
type validationAnswer api.ValidationProblem

func (a *validationAnswer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"type":`...)
	dst = jsonresp.AppendString(dst, a.Type)
	dst = append(dst, `,"title":`...)
	dst = jsonresp.AppendString(dst, a.Title)
	dst = append(dst, `,"status":`...)
	dst = jsonresp.AppendInt(dst, a.Status)
	dst = append(dst, `,"detail":`...)
	dst = jsonresp.AppendString(dst, a.Detail)
	dst = append(dst, `,"instance":`...)
	dst = jsonresp.AppendString(dst, a.Instance)
	if a.Errors != nil {
		dst = append(dst, `,"errors":`...)
		dst = jsonresp.AppendStringLists(dst, *a.Errors)
	}
	return append(dst, '}')
}
