package r1discover

import (
	api "github.com/vendorsuite/contracts/generated/r1discover"
	"github.com/vendorsuite/contracts/mock/jsonresp"
)

// The answers below encode themselves (jsonresp.Appender) instead of
// going through encoding/json's reflection. The generated types stay the
// definition of each shape: the package's differential tests and
// FuzzR1Encode compare each encoder with encoding/json writing them.

// updatedAnswer is the update's success answer.
type updatedAnswer api.UpdateUserResponse

func (a *updatedAnswer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"error":`...)
	dst = jsonresp.AppendInt(dst, int(a.Error))
	dst = append(dst, `,"message":`...)
	dst = jsonresp.AppendString(dst, a.Message)
	dst = append(dst, `,"data":{"username":`...)
	dst = jsonresp.AppendString(dst, a.Data.Username)
	dst = append(dst, `,"email":`...)
	dst = jsonresp.AppendString(dst, a.Data.Email)
	return append(dst, "}}"...)
}

// errorAnswer is the error envelope; errors is left out when nil.
type errorAnswer api.ErrorResponse

func (a *errorAnswer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"error":`...)
	dst = jsonresp.AppendInt(dst, int(a.Error))
	dst = append(dst, `,"message":`...)
	dst = jsonresp.AppendString(dst, a.Message)
	if a.Errors != nil {
		dst = append(dst, `,"errors":`...)
		dst = jsonresp.AppendStringLists(dst, *a.Errors)
	}
	return append(dst, '}')
}
