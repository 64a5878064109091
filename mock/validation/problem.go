// Package validation checks requests against an OpenAPI document before they
// reach a vendor's handlers, and describes what is wrong as a Problem that
// each vendor renders in its own error envelope.
package validation

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// Kind says what sort of problem a request has.
type Kind int

const (
	// Invalid: the request breaks its schema (fields, parameters).
	Invalid Kind = iota
	// MalformedJSON: the body is not JSON at all.
	MalformedJSON
	// BodyTooLarge: the body is over the size limit.
	BodyTooLarge
	// UnsupportedMediaType: the body is not sent as application/json.
	UnsupportedMediaType
	// NotFound: no operation of the document has this path.
	NotFound
	// MethodNotAllowed: the path exists, the method does not.
	MethodNotAllowed
	// Failure: the request cannot be served for another reason (an
	// injected fault, a limit, a failure of the mock); Status and Message
	// say which.
	Failure
)

// FieldProblem is one failing field or parameter.
type FieldProblem struct {
	// In is where the field lives: "body", "query", "path" or "header".
	In string
	// Field is the parameter name, or the body field as a dotted path
	// ("data.dob"); "body" for the body as a whole.
	Field string
	// Keyword is the schema keyword that failed ("required", "type",
	// "pattern", "format", "enum", "minimum", "maximum", "minLength", ...).
	Keyword string
	// Message names the field and the problem, in plain English.
	Message string
}

// Problem is a request the validator refused. Vendors render it.
type Problem struct {
	Kind   Kind
	Status int
	// Message is a one-line summary naming the problem.
	Message string
	// Fields lists every failing field for Kind Invalid, in document order
	// of discovery, without duplicates.
	Fields []FieldProblem
}

func (p *Problem) Error() string { return p.Message }

// FieldMessages joins the field messages with "; ", or returns Message when
// there are none.
func (p *Problem) FieldMessages() string {
	if len(p.Fields) == 0 {
		return p.Message
	}
	msgs := make([]string, len(p.Fields))
	for i, f := range p.Fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, "; ")
}

// Renderer writes a Problem in a vendor's own error envelope.
type Renderer func(c echo.Context, p *Problem) error
